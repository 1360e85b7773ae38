"""The deployment's files (deploy/): nginx accepts the site as shipped, and serves it in front of the
app as the README says (X-Forwarded-Proto, the proxy cache honouring the app's Cache-Control, never
caching a signed-in person's page, the request size limits); every process of the Procfile has a
systemd unit that restarts it, and the units start what the Procfile starts."""

from __future__ import annotations

import configparser
import http.client
import os
import shlex
import shutil
import signal
import socket
import ssl
import subprocess
import time
from pathlib import Path

import pytest

from deploy.local_nginx import site_in
from tests.waiting import wait_for

ROOT = Path(__file__).resolve().parent.parent.parent
DEPLOY = ROOT / "deploy"
IN_CI = os.environ.get("CI", "").lower() == "true"


def nginx() -> str:
    found = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
    if found is None:
        message = "nginx is not installed: run scripts/install-nginx.sh"
        if IN_CI:
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    return found


def test_nginx_accepts_the_site_as_shipped(tmp_path) -> None:
    command = nginx()
    conf = site_in(tmp_path)
    checked = subprocess.run(
        [command, "-t", "-p", str(tmp_path), "-c", str(conf)], capture_output=True, text=True, timeout=30
    )
    assert checked.returncode == 0, checked.stderr
    assert "syntax is ok" in checked.stderr


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


# The live server needs a transactional database; serialized_rollback gives the next tests theirs back.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_nginx_in_front_caches_public_pages_only_and_limits_request_sizes(live_server, tmp_path, settings) -> None:
    settings.ALLOWED_HOSTS = ["inspectorate.example"]
    command = nginx()
    upstream = int(live_server.url.rsplit(":", 1)[1])
    secure, plain = free_port(), free_port()
    conf = site_in(tmp_path, upstream_port=upstream, listen_port=secure, plain_port=plain)
    server = subprocess.Popen(
        [command, "-p", str(tmp_path), "-c", str(conf), "-g", "daemon off;"], start_new_session=True
    )
    context = ssl.create_default_context(cafile=str(tmp_path / "cert.pem"))
    context.check_hostname = False

    def get(path: str, **headers: str) -> tuple[int, dict[str, str]]:
        connection = http.client.HTTPSConnection("127.0.0.1", secure, context=context, timeout=10)
        connection.request("GET", path, headers={"Host": "inspectorate.example", **headers})
        response = connection.getresponse()
        response.read()
        return response.status, {key.lower(): value for key, value in response.getheaders()}

    def post(path: str, size: int) -> int:
        connection = http.client.HTTPSConnection("127.0.0.1", secure, context=context, timeout=10)
        connection.request("POST", path, body=b"x" * size, headers={"Host": "inspectorate.example"})
        response = connection.getresponse()
        response.read()
        return response.status

    try:
        wait_for(lambda: _answers(secure), seconds=10, what="nginx to answer")
        first = get("/forces/")
        assert first[0] == 200 and first[1]["x-cache-status"] == "MISS"
        assert get("/forces/")[1]["x-cache-status"] == "HIT"  # public, max-age: kept
        assert get("/forces/", Cookie="sessionid=someone")[1]["x-cache-status"] == "BYPASS"
        assert get("/healthz/live")[1].get("x-cache-status") is None  # never through the cache
        assert get("/accounts/login/")[1]["x-cache-status"] in ("MISS", "EXPIRED")  # private: never a HIT
        assert get("/accounts/login/")[1]["x-cache-status"] != "HIT"
        assert post("/reports/", 3 * 1024 * 1024) == 413  # 2 MB for forms
        assert post("/force-requests/not-a-token/", 3 * 1024 * 1024) != 413  # 60 MB for uploads
        # Plain HTTP is sent to HTTPS.
        connection = http.client.HTTPConnection("127.0.0.1", plain, timeout=10)
        connection.request("GET", "/forces/", headers={"Host": "inspectorate.example"})
        response = connection.getresponse()
        assert response.status == 301 and response.getheader("Location") == "https://inspectorate.example/forces/"
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=10)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.usefixtures("reference_data")
def test_a_withdrawal_reaches_readers_behind_nginx_within_the_max_age(
    live_server, tmp_path, settings, people, fast_pdfs
) -> None:
    from publishing import services as publication
    from tests.publishing.helpers import force, make_programme, make_report

    settings.ALLOWED_HOSTS = ["inspectorate.example"]
    settings.PUBLIC_MAX_AGE = 2
    report = make_report(make_programme("Legitimacy 2016", 2016), force("kent-police"), people, state="published")
    command = nginx()
    secure, plain = free_port(), free_port()
    conf = site_in(tmp_path, upstream_port=int(live_server.url.rsplit(":", 1)[1]), listen_port=secure, plain_port=plain)
    server = subprocess.Popen(
        [command, "-p", str(tmp_path), "-c", str(conf), "-g", "daemon off;"], start_new_session=True
    )
    context = ssl.create_default_context(cafile=str(tmp_path / "cert.pem"))
    context.check_hostname = False

    def get(path: str) -> tuple[int, str]:
        connection = http.client.HTTPSConnection("127.0.0.1", secure, context=context, timeout=10)
        connection.request("GET", path, headers={"Host": "inspectorate.example"})
        response = connection.getresponse()
        response.read()
        return response.status, response.getheader("X-Cache-Status") or ""

    try:
        wait_for(lambda: _answers(secure), seconds=10, what="nginx to answer")
        page = f"/reports/{report.slug}/"
        assert get(page) == (200, "MISS")
        assert get(page) == (200, "HIT")  # readers behind nginx are served its copy
        publication.report_withdraw(report=report, actor=people.editor, reason="Withdrawn for the front's test.")
        withdrawn = time.monotonic()
        wait_for(lambda: get(page)[0] == 410, seconds=10, what="the withdrawal to reach readers", interval=0.2)
        # Within nginx's max-age (which it counts in whole seconds, so up to one more), the time each app
        # process trusts the site's version it last read (public/cache.py; 0 here), and a poll.
        assert time.monotonic() - withdrawn <= settings.PUBLIC_MAX_AGE + 1 + settings.PUBLIC_VERSION_SECONDS + 1
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=10)


def _answers(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


def test_every_process_of_the_procfile_has_a_unit_that_restarts_it() -> None:
    procfile = {
        name: command.strip()
        for name, _, command in (line.partition(":") for line in (ROOT / "Procfile").read_text().splitlines() if line)
    }
    units = {
        "web": "inspectorate-web.service",
        "publisher": "inspectorate-publisher.service",
        "worker": "inspectorate-worker@.service",
        "scheduler": "inspectorate-scheduler.service",
    }
    assert set(procfile) == set(units)
    for process, unit_name in units.items():
        unit = configparser.ConfigParser(strict=False, interpolation=None)
        unit.optionxform = str  # type: ignore[assignment,method-assign]
        unit.read(DEPLOY / "systemd" / unit_name)
        service = unit["Service"]
        assert service["Restart"] == "always", unit_name
        assert service["EnvironmentFile"] == "/etc/inspectorate/environment"
        started = shlex.split(service["ExecStart"])
        expected = shlex.split(procfile[process].replace("$PORT", "8000"))
        # The same program and the same queues and options, but for where it listens and its name.
        assert Path(started[0]).name == expected[0], unit_name
        assert _queues(started) == _queues(expected), unit_name
        assert unit["Unit"]["PartOf"] == "inspectorate.target"
    target = (DEPLOY / "systemd" / "inspectorate.target").read_text()
    assert all(name.replace("@.", "@1.") in target for name in units.values())


def _queues(command: list[str]) -> str:
    return command[command.index("-Q") + 1] if "-Q" in command else ""
