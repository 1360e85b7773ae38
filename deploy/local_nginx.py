"""deploy/nginx/ made to run on loopback as an ordinary process, for the tests (tests/deploy/) and the
production rehearsal (scripts/rehearse.py): its paths moved under a folder of their own, a self-signed
certificate made for it, ports of their own, and a main nginx.conf around it. The site itself is used
as shipped: every change here is a path or a port."""

from __future__ import annotations

import datetime
import os
from pathlib import Path

DEPLOY = Path(__file__).resolve().parent


def site_in(folder: Path, *, upstream_port: int = 8000, listen_port: int = 443, plain_port: int = 80) -> Path:
    """deploy/nginx/ made to run from ``folder`` as an unprivileged user: its paths (cache, certificate,
    snippet, static files) moved under it, a self-signed certificate, and a main nginx.conf around it."""

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
