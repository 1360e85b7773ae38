"""How much memory the web server uses to take a 50 MB file from a force's liaison.

Starts gunicorn (1 sync worker, as in production) on a SQLite database and folders of its own under
``bench/out/upload/``, with one inspection, one request and a liaison link. Then, on 127.0.0.1, it asks
for the liaison's page (for the CSRF token) and posts a 50 MB PDF to it, streamed from disk in 64 KiB
chunks so that the client's memory does not matter. It prints the worker's peak resident memory
(VmHWM) before and after the upload, the difference, the time the upload took, and whether the file was
kept whole (same SHA-256). Run by ``make bench-upload``; stops by itself (a 120 s limit per step).
"""

from __future__ import annotations

import argparse
import hashlib
import http.client
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "bench" / "out" / "upload"
CHUNK = 64 * 1024


def environment() -> dict[str, str]:
    env = {
        key: value for key, value in os.environ.items() if key not in {"DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL"}
    }
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "inspectorate.settings.base",
            "DJANGO_SECRET_KEY": "bench-only-secret-never-used-anywhere-else-0123456789",
            "DJANGO_DEBUG": "0",
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
            "DJANGO_VAR_DIR": str(WORK / "var"),
            "DJANGO_STATIC_ROOT": str(WORK / "static"),
            "DJANGO_LOG_LEVEL": "WARNING",
            "PYTHONPATH": str(ROOT),
        }
    )
    return env


def setup() -> tuple[str, int]:
    """A fresh database with one inspection, one open request and a liaison link. Returns the link's token
    and the request's id."""
    shutil.rmtree(WORK, ignore_errors=True)
    (WORK / "var").mkdir(parents=True)
    env = environment()
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True, timeout=300)
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True, timeout=300
    )
    script = """
import datetime
from django.utils import timezone
from accounts.models import User
from accounts.roles import Role
from django.contrib.auth.models import Group
from fieldwork import services
from inspections.models import Force, GradingScale, Inspection, Programme
lead = User.objects.create_user("lead@bench.example", "x" * 20, name="Lead")
lead.groups.add(Group.objects.get(name=Role.LEAD_INSPECTOR))
programme = Programme.objects.create(name="Bench programme", year=2017, scale=GradingScale.objects.first())
inspection = Inspection.objects.create(force=Force.objects.first(), programme=programme, lead_inspector=lead)
request = services.force_request_add(inspection=inspection, actor=lead, title="Everything", detail="",
    due_on=timezone.localdate() + datetime.timedelta(days=10))
link, token = services.liaison_link_issue(inspection=inspection, actor=lead, liaison_name="Pat",
    liaison_email="pat@force.example")
print(token, request.pk)
"""
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", script],
        cwd=ROOT,
        env=env,
        check=True,
        timeout=120,
        capture_output=True,
        text=True,
    )
    token, request_id = result.stdout.strip().splitlines()[-1].split()
    return token, int(request_id)


def big_pdf(path: Path, size: int) -> str:
    """A valid PDF of about ``size`` bytes (one page and a stream of random bytes). Returns its SHA-256."""
    import pikepdf

    pdf = pikepdf.new()
    pdf.add_blank_page()
    pdf.Root.Padding = pikepdf.Stream(pdf, os.urandom(size))
    pdf.save(path, compress_streams=False)
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        while chunk := stream.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def worker_pid(master: int) -> int:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
        if children:
            return int(children[0])
        time.sleep(0.2)
    raise RuntimeError("gunicorn started no worker")


def peak_kib(pid: int) -> int:
    status = Path(f"/proc/{pid}/status").read_text()
    match = re.search(r"VmHWM:\s+(\d+) kB", status)
    assert match is not None
    return int(match.group(1))


def get_form(port: int, token: str) -> tuple[str, str]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    connection.request("GET", f"/force-requests/{token}/")
    response = connection.getresponse()
    page = response.read().decode()
    if response.status != 200:
        raise RuntimeError(f"The liaison's page answered {response.status}")
    cookie = next(value for key, value in response.getheaders() if key.lower() == "set-cookie" and "csrftoken" in value)
    csrf_cookie = cookie.split(";", 1)[0].split("=", 1)[1]
    form_token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert form_token is not None
    return csrf_cookie, form_token.group(1)


def post_file(port: int, token: str, request_id: int, path: Path) -> tuple[int, float]:
    csrf_cookie, form_token = get_form(port, token)
    boundary = uuid.uuid4().hex
    prefix = f"r{request_id}"

    def field(name: str, value: str) -> bytes:
        return f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()

    head = (
        field("csrfmiddlewaretoken", form_token)
        + field("request", str(request_id))
        + field(f"{prefix}-note", "The whole archive.")
        + (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{prefix}-attachments"; filename="archive.pdf"\r\n'
            "Content-Type: application/pdf\r\n\r\n"
        ).encode()
    )
    tail = f"\r\n--{boundary}--\r\n".encode()
    length = len(head) + path.stat().st_size + len(tail)
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    started = time.perf_counter()
    connection.putrequest("POST", f"/force-requests/{token}/")
    connection.putheader("Content-Type", f"multipart/form-data; boundary={boundary}")
    connection.putheader("Content-Length", str(length))
    connection.putheader("Cookie", f"csrftoken={csrf_cookie}")
    connection.putheader("Referer", f"http://127.0.0.1:{port}/force-requests/{token}/")
    connection.endheaders()
    connection.send(head)
    with path.open("rb") as stream:
        while chunk := stream.read(CHUNK):
            connection.send(chunk)
    connection.send(tail)
    response = connection.getresponse()
    response.read()
    return response.status, time.perf_counter() - started


def stored_sha256() -> str:
    files = [path for path in (WORK / "var" / "private").rglob("*") if path.is_file()]
    if len(files) != 1:
        return f"{len(files)} files stored"
    digest = hashlib.sha256()
    with files[0].open("rb") as stream:
        while chunk := stream.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--megabytes", type=int, default=50)
    args = parser.parse_args()
    token, request_id = setup()
    upload = WORK / "archive.pdf"
    expected = big_pdf(upload, args.megabytes * 1024 * 1024 - 4096)
    port = free_port()
    server = subprocess.Popen(
        [
            str(Path(sys.executable).with_name("gunicorn")),
            "inspectorate.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
            "--timeout",
            "120",
        ],
        cwd=ROOT,
        env=environment(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        worker = worker_pid(server.pid)
        deadline = time.monotonic() + 30
        while True:
            try:
                get_form(port, token)  # warm: the worker has loaded Django and served the page once
                break
            except (ConnectionError, OSError):
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.3)
        before = peak_kib(worker)
        status, seconds = post_file(port, token, request_id, upload)
        after = peak_kib(worker)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    size = upload.stat().st_size
    kept = stored_sha256() == expected
    print(f"upload: {size / 1024 / 1024:.1f} MB PDF, answered {status} in {seconds:.2f} s, stored whole: {kept}")
    print(f"worker peak resident memory: {before / 1024:.1f} MB before, {after / 1024:.1f} MB after")
    print(
        f"growth for the upload: {(after - before) / 1024:.1f} MB ({(after - before) / 1024 / (size / 1024 / 1024):.2f} MB per MB uploaded)"
    )
    return 0 if status == 302 and kept else 1


if __name__ == "__main__":
    sys.exit(main())
