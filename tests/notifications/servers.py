"""Real peers for the mail tests: an SMTP server (aiosmtpd) and a local stand-in for GOV.UK Notify's
HTTP API, each started by the test on a free loopback port and stopped after it."""

from __future__ import annotations

import email
import json
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import jwt


def _import_aiosmtpd_controller() -> Any:
    """aiosmtpd imports ``public`` from its dependency atpublic, a top-level module of the same name as
    this project's ``public`` app, which comes first on the path. Load atpublic's under that name just
    while aiosmtpd is imported, then put the app's back; aiosmtpd keeps what it took."""
    import importlib.util
    import sys
    import sysconfig
    from pathlib import Path

    ours = sys.modules.get("public")
    before = set(sys.modules)
    path = Path(sysconfig.get_paths()["purelib"]) / "public" / "__init__.py"
    spec = importlib.util.spec_from_file_location("public", path, submodule_search_locations=[str(path.parent)])
    assert spec is not None and spec.loader is not None
    atpublic = importlib.util.module_from_spec(spec)
    sys.modules["public"] = atpublic
    try:
        spec.loader.exec_module(atpublic)
        from aiosmtpd.controller import Controller

        return Controller
    finally:
        for name in [name for name in sys.modules if name.startswith("public.") and name not in before]:
            del sys.modules[name]
        if ours is not None:
            sys.modules["public"] = ours
        else:
            del sys.modules["public"]


Controller = _import_aiosmtpd_controller()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Inbox:
    """What the SMTP server received: one parsed message per delivery, with its envelope recipients."""

    messages: list[tuple[list[str], EmailMessage]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = email.message_from_bytes(envelope.content, policy=policy.default)
        assert isinstance(message, EmailMessage)
        with self.lock:
            self.messages.append((list(envelope.rcpt_tos), message))
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list[EmailMessage]:
        with self.lock:
            return [message for recipients, message in self.messages if address in recipients]

    def wait_for(self, address: str, subject_part: str, timeout: float = 30) -> EmailMessage:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for message in self.to(address):
                if subject_part in str(message["Subject"]):
                    return message
            time.sleep(0.2)
        subjects = [str(m["Subject"]) for m in self.to(address)]
        raise AssertionError(f"No mail to {address} about {subject_part!r} in {timeout}s; it has: {subjects}")


@contextmanager
def smtp_server() -> Iterator[tuple[Inbox, int]]:
    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox, port
    finally:
        controller.stop()


def text_and_html(message: EmailMessage) -> tuple[str, str]:
    text = message.get_body(preferencelist=("plain",))
    html = message.get_body(preferencelist=("html",))
    return (text.get_content() if text else ""), (html.get_content() if html else "")


# --- GOV.UK Notify --------------------------------------------------------------------------

SERVICE_ID = "26785a09-ab16-4eb0-8407-a37497a57506"
SECRET = "3d844edf-8d35-48ac-975b-e847b4f122b0"
API_KEY = f"inspectorate_test-{SERVICE_ID}-{SECRET}"


@dataclass
class NotifyStub:
    """Notify's ``POST /v2/notifications/email``, checking the client's JWT as Notify does."""

    requests: list[dict[str, Any]] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)


@contextmanager
def notify_stub() -> Iterator[tuple[NotifyStub, str]]:
    stub = NotifyStub()

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            body = json.loads(self.rfile.read(length) or b"{}")
            token = self.headers.get("Authorization", "").removeprefix("Bearer ")
            try:
                claims = jwt.decode(token, SECRET, algorithms=["HS256"], options={"verify_exp": False})
                assert claims["iss"] == SERVICE_ID
            except (jwt.InvalidTokenError, AssertionError, KeyError) as error:
                stub.refused.append(str(error))
                self._answer(403, {"errors": [{"error": "AuthError", "message": "Invalid token"}]})
                return
            if self.path != "/v2/notifications/email":
                self._answer(404, {"errors": [{"error": "NotFound"}]})
                return
            stub.requests.append(body)
            self._answer(
                201,
                {
                    "id": "740e5834-3a29-46b4-9a6f-16142fde533a",
                    "reference": None,
                    "content": {"subject": body["personalisation"]["subject"], "body": body["personalisation"]["body"]},
                    "template": {"id": body["template_id"], "version": 1, "uri": "http://127.0.0.1/template"},
                    "uri": "http://127.0.0.1/notification",
                },
            )

        def _answer(self, status: int, payload: dict[str, Any]) -> None:
            data = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield stub, f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
