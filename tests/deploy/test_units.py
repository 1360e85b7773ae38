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
from pathlib import Path

import pytest

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


def site_in(folder: Path, *, upstream_port: int = 8000, listen_port: int = 443, plain_port: int = 80) -> Path:
    """deploy/nginx/ made to run from ``folder`` as an unprivileged user: its paths (cache, certificate,
    snippet, static files) moved under it, a self-signed certificate, and a main nginx.conf around it."""
    import datetime

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "inspectorate.example")])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=2))
        .sign(key, hashes.SHA256())
    )
    (folder / "cert.pem").write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    (folder / "key.pem").write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    (folder / "static").mkdir(exist_ok=True)
    (folder / "cache").mkdir(exist_ok=True)
    snippet = (DEPLOY / "nginx" / "inspectorate-proxy.conf").read_text()
    (folder / "inspectorate-proxy.conf").write_text(snippet)
    site = (DEPLOY / "nginx" / "inspectorate.conf").read_text()
    replacements = {
        "/var/cache/nginx/inspectorate": str(folder / "cache"),
        "/etc/ssl/certs/inspectorate.pem": str(folder / "cert.pem"),
        "/etc/ssl/private/inspectorate.key": str(folder / "key.pem"),
        "/etc/nginx/snippets/inspectorate-proxy.conf": str(folder / "inspectorate-proxy.conf"),
        "/srv/inspectorate/staticfiles/": f"{folder / 'static'}/",
        "server 127.0.0.1:8000;": f"server 127.0.0.1:{upstream_port};",
        "listen 443 ssl http2;": f"listen 127.0.0.1:{listen_port} ssl http2;",
        "listen 80;": f"listen 127.0.0.1:{plain_port};",
    }
    for old, new in replacements.items():
        assert old in site, f"deploy/nginx/inspectorate.conf no longer says {old!r}: update this test"
        site = site.replace(old, new)
    site = "\n".join(line for line in site.splitlines() if "[::]" not in line)  # loopback only
    (folder / "inspectorate.conf").write_text(site)
    user = "user root;" if os.geteuid() == 0 else ""  # a root master's workers must reach these folders
    main = f"""
{user}
pid {folder / "nginx.pid"};
error_log {folder / "error.log"} warn;
worker_processes 1;
events {{ worker_connections 256; }}
http {{
    include /etc/nginx/mime.types;
    access_log {folder / "access.log"};
    client_body_temp_path {folder / "body"};
    proxy_temp_path {folder / "proxy"};
    fastcgi_temp_path {folder / "fastcgi"};
    uwsgi_temp_path {folder / "uwsgi"};
    scgi_temp_path {folder / "scgi"};
    include {folder / "inspectorate.conf"};
}}
"""
    (folder / "nginx.conf").write_text(main)
    return folder / "nginx.conf"


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
