"""Redis restarted under a worker that holds an unacknowledged render, and again just before a go-live.

In production this once ended a worker: kombu logged "Restoring 1 unacknowledged message(s)", then
"Unrecoverable error: AttributeError('NoneType' object has no attribute 'hostname')", and exited, with
nothing to restart it and the go-live message it held lost. Here the worker runs as systemd runs it
(deploy/systemd/: restarted whenever it exits), on a Redis server of the test's own (so that it can be
stopped; the machine's is never touched), and Redis loses everything when it restarts (no persistence):
the work must still be done, once. Whether kombu crashes varies from run to run; the test prints how
many times the worker had to be started again, and holds the outcome either way.
"""

from __future__ import annotations

import datetime
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from celery import Celery
from django.utils import timezone

from publishing import services as publication
from publishing.models import Edition
from reports.models import Report, ReportEvent, ReportState
from tests.conftest import worker_database_url
from tests.publishing.test_publication_faults import approved_report, pdf_files
from tests.waiting import wait_for

pytestmark = [
    pytest.mark.worker,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.usefixtures("empty_queue", "reference_data"),
]
IN_CI = os.environ.get("CI", "").lower() == "true"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class OwnRedis:
    """A Redis server of the test's own, on a port of its own, with nothing kept on disk."""

    def __init__(self, folder: Path) -> None:
        self.binary = shutil.which("redis-server") or "/usr/bin/redis-server"
        if not Path(self.binary).exists():
            message = "redis-server is not installed (Debian's redis-server package)"
            if IN_CI:
                pytest.fail(message, pytrace=False)
            pytest.skip(message)
        self.port = free_port()
        self.folder = folder
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                self.binary,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.folder),
            ],
            stdout=subprocess.DEVNULL,
            start_new_session=True,
        )
        wait_for(self._answers, seconds=10, what="the test's Redis to answer", interval=0.05)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()  # as a crash would: nothing saved
            self.process.wait(timeout=10)

    def restart(self, pause: float = 0.5) -> None:
        self.stop()
        time.sleep(pause)
        self.start()

    def _answers(self) -> bool:
        with socket.socket() as probe:
            return probe.connect_ex(("127.0.0.1", self.port)) == 0


class Supervised:
    """A Celery worker (serving every queue, with beat) restarted whenever it exits, as
    ``Restart=always`` does in deploy/systemd/."""

    def __init__(self, broker: str, folder: Path) -> None:
        self.broker, self.folder = broker, folder
        self.starts = 0
        self.process: subprocess.Popen[bytes] | None = None
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._watch, daemon=True)

    def _start(self) -> None:
        self.starts += 1
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "inspectorate",
                "worker",
                "--beat",
                "--concurrency",
                "1",
                "--loglevel",
                "warning",
                "--hostname",
                f"supervised-{os.getpid()}-{self.starts}@%h",
                "--schedule",
                str(self.folder / f"beat-{self.starts}"),
                "--without-mingle",
                "--without-gossip",
            ],
            start_new_session=True,
            env={
                **os.environ,
                "DJANGO_SETTINGS_MODULE": "inspectorate.settings.test",
                "DATABASE_URL": worker_database_url(),
                "CELERY_BROKER_URL": self.broker,
                "PUBLICATION_SWEEP_SECONDS": "1",
                "RENDER_HEARTBEAT_SECONDS": "1",
                "RENDER_RESEND_SECONDS": "3",
            },
        )

    def _watch(self) -> None:
        while not self.stopping.wait(0.5):
            if self.process is not None and self.process.poll() is not None:
                time.sleep(1)  # RestartSec
                self._start()

    def __enter__(self) -> Supervised:
        self._start()
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stopping.set()
        self.thread.join(timeout=5)
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=30)


@pytest.fixture
def redis_server(tmp_path) -> Iterator[OwnRedis]:
    server = OwnRedis(tmp_path)
    server.start()
    try:
        yield server
    finally:
        server.stop()


def test_redis_restarting_under_a_worker_loses_no_render_and_no_go_live(redis_server, tmp_path) -> None:
    report, editor = approved_report(long=True)
    edition = Edition.objects.get(report=report)
    before = pdf_files()
    sender = Celery("sender", broker=redis_server.url, set_as_current=False)
    with Supervised(redis_server.url, tmp_path) as worker:
        wait_for(lambda: bool(sender.control.ping(timeout=0.5)), seconds=60, what="the worker to answer")
        sender.send_task(publication.RENDER_TASK, args=[edition.pk], queue="renders")
        wait_for(
            lambda: Edition.objects.get(pk=edition.pk).render_status == Edition.RenderStatus.RENDERING,
            seconds=60,
            what="the render to start",
            interval=0.05,
        )
        redis_server.restart()  # the worker holds the render, unacknowledged; Redis forgets it
        wait_for(
            lambda: Edition.objects.get(pk=edition.pk).render_status == Edition.RenderStatus.READY,
            seconds=90,
            what="the render to be done after Redis restarted",
        )
        # Scheduled for a few seconds ahead; Redis restarts again just before the moment, losing the
        # prompt sweep that scheduling queued (on the test's own broker here, as good as lost).
        moment = timezone.now() + datetime.timedelta(seconds=4)
        publication.report_schedule(report=report, actor=editor, go_live_at=moment)
        time.sleep(max(0.0, (moment - timezone.now()).total_seconds() - 1))
        redis_server.restart()
        wait_for(
            lambda: Report.objects.get(pk=report.pk).state == ReportState.PUBLISHED,
            seconds=60,
            what="the go-live after Redis restarted",
        )
        lag = (Report.objects.get(pk=report.pk).first_published_at - moment).total_seconds()
        print(f"worker started {worker.starts} time(s); go-live lag {lag:.1f} s after a Redis restart")
    assert ReportEvent.objects.filter(report=report, action="Published").count() == 1
    assert len(pdf_files() - before) == 1  # one file: the render was not done twice
    assert lag < 15, lag
