"""Faults the publication pipeline survives, each against a real Celery worker process (Redis in CI,
the filesystem broker otherwise) and the real test database."""

from __future__ import annotations

import datetime
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone

from accounts.roles import Role
from inspectorate.celery import app as celery_app
from publishing import services as publication
from publishing.models import Edition
from publishing.tasks import edition_render_task
from reports import services
from reports.models import Report, ReportEvent, ReportState
from tests.conftest import start_worker, stop_worker, worker_database_url
from tests.factories import UserFactory, ready_inspection, write_whole_report
from tests.waiting import wait_for

# serialized_rollback: a transactional test empties every table; this brings back the roles and
# reference data that migrations made.
pytestmark = [
    pytest.mark.worker,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.usefixtures("empty_queue", "reference_data"),
]

EDITIONS = Path(settings.MEDIA_ROOT) / "editions"


def pdf_files() -> set[str]:
    return set(os.listdir(EDITIONS)) if EDITIONS.exists() else set()


def approved_report(*, long: bool = False) -> tuple[Report, object]:
    inspector = UserFactory(roles=[Role.INSPECTOR])
    lead = UserFactory(roles=[Role.LEAD_INSPECTOR])
    editor = UserFactory(roles=[Role.EDITOR])
    report = services.report_start(inspection=ready_inspection(team=[inspector], lead=lead))
    write_whole_report(report, inspector)
    if long:
        # Long enough (some two hundred pages) that the render takes a second: time to kill it midway.
        paragraph = "The force has made progress in how it records and scrutinises its use of powers. " * 12
        for part in ("summary", "key_findings", "section-1", "section-2"):
            report.refresh_from_db()
            text = "\n\n".join(f"## Finding {n}\n\n{paragraph}" for n in range(90))
            services.report_save_part(report=report, actor=inspector, part=part, text=text, based_on=report.version)
    services.report_sign_off_judgments(report=report, actor=lead)
    report.refresh_from_db()
    services.report_submit_for_review(report=report, actor=inspector)
    report.refresh_from_db()
    return publication.report_approve(report=report, actor=editor, revision_number=report.version), editor


@pytest.fixture
def worker() -> Iterator[Callable[..., object]]:
    started: list[object] = []

    def start(**kwargs: object) -> object:
        process = start_worker(**kwargs)  # type: ignore[arg-type]
        started.append(process)
        return process

    yield start
    for process in started:
        stop_worker(process)  # type: ignore[arg-type]


def pool_children(pid: int) -> list[int]:
    children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    return [int(child) for child in children]


def sweeps_started(name: str) -> int:
    """How many publication sweeps the running worker whose name holds ``name`` has started (the
    worker's own count, from ``celery inspect stats``)."""
    counts: list[int] = []

    def answered() -> bool:
        replies = celery_app.control.inspect(timeout=2, limit=1).stats() or {}
        counts[:] = [
            reply.get("total", {}).get(publication.SWEEP_TASK, 0)
            for hostname, reply in replies.items()
            if name in hostname
        ]
        assert len(counts) <= 1, f"more than one worker called {name}: {list(replies)}"
        return bool(counts)

    wait_for(answered, seconds=30, what=f"the worker {name} to answer")
    return counts[0]


def only_this_worker_runs() -> None:
    """No other worker (from another test module) may take this test's tasks."""
    replies = celery_app.control.ping(timeout=1) or []
    assert not replies, f"other workers are running: {replies}"


def test_a_worker_killed_mid_render_leaves_one_pdf(worker) -> None:
    only_this_worker_runs()
    report, editor = approved_report(long=True)
    celery_app.control.purge()  # the approval's render: this test starts the render itself, below
    before = pdf_files()
    process = worker(name="killed")
    publication.report_schedule(report=report, actor=editor, go_live_at=timezone.now() + datetime.timedelta(hours=1))
    edition = Edition.objects.get(report=report)
    edition_render_task.delay(edition.pk)  # as the sweep would; a duplicate of the approval's is harmless
    wait_for(
        lambda: Edition.objects.get(pk=edition.pk).render_status == Edition.RenderStatus.RENDERING,
        seconds=60,
        what="the render to start",
        interval=0.05,
    )
    # The render has started (its status is committed just before typesetting starts): kill it now.
    children = pool_children(process.pid)  # type: ignore[attr-defined]
    assert children, "the worker has no pool process to kill"
    for child in children:
        os.kill(child, signal.SIGKILL)
    assert Edition.objects.get(pk=edition.pk).render_status == Edition.RenderStatus.RENDERING
    # The task was acknowledged late and is rejected when its process dies: it runs again.
    wait_for(
        lambda: Edition.objects.get(pk=edition.pk).render_status == Edition.RenderStatus.READY,
        seconds=120,
        what="the render to run again and finish",
    )
    edition.refresh_from_db()
    assert edition.render_attempts >= 2
    assert Edition.objects.filter(report=report).count() == 1
    assert pdf_files() - before == {Path(edition.pdf.name).name}


def test_a_broker_that_is_down_at_scheduling_loses_nothing(worker) -> None:
    report, editor = approved_report()
    celery_app.control.purge()  # approval asked for a render; lose it too, as a broker outage would
    # A web process whose broker is down (nothing listens on port 1: a refused connection, as with
    # Redis down) schedules the report.
    script = (
        "import datetime; from django.utils import timezone; from publishing import services as publication; "
        "from reports.models import Report; from accounts.models import User; "
        f"report = Report.objects.get(pk={report.pk}); editor = User.objects.get(pk={editor.pk}); "
        "publication.report_schedule(report=report, actor=editor, "
        "go_live_at=timezone.now() + datetime.timedelta(seconds=8)); print('scheduled')"
    )
    started = time.monotonic()
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", script],
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "inspectorate.settings.test",
            "DATABASE_URL": worker_database_url(),
            "CELERY_BROKER_URL": "redis://127.0.0.1:1/0",
        },
        capture_output=True,
        text=True,
        timeout=120,
        cwd=Path(settings.BASE_DIR),
    )
    assert result.returncode == 0, result.stderr
    assert "scheduled" in result.stdout
    assert "the periodic sweep will do it" in result.stderr
    assert time.monotonic() - started < 60, "scheduling must not hang on a broker that is down"
    report.refresh_from_db()
    assert report.state == ReportState.SCHEDULED
    assert Edition.objects.get(report=report).render_status == Edition.RenderStatus.PENDING
    # The broker is back: the scheduler's sweep finds the work and finishes it, and the report goes live.
    worker(name="recovered", beat=True, PUBLICATION_SWEEP_SECONDS="2")
    wait_for(lambda: Report.objects.get(pk=report.pk).state == ReportState.PUBLISHED, seconds=90, what="publication")
    assert Edition.objects.get(report=report).render_status == Edition.RenderStatus.READY


def test_a_render_that_fails_is_shown_and_a_retry_works(worker, tmp_path) -> None:
    report, editor = approved_report()
    # Shared storage that cannot be written (a file where the folder should be): every attempt fails.
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("storage is unavailable")
    broken = worker(name="broken-storage", DJANGO_MEDIA_ROOT=str(blocked))
    publication.report_schedule(report=report, actor=editor, go_live_at=timezone.now() + datetime.timedelta(hours=1))
    edition = Edition.objects.get(report=report)
    edition_render_task.delay(edition.pk)  # as the sweep would; a duplicate of the approval's is harmless
    wait_for(
        lambda: (
            Edition.objects.get(pk=edition.pk).render_attempts >= publication.MAX_RENDER_ATTEMPTS
            and Edition.objects.get(pk=edition.pk).render_status == Edition.RenderStatus.FAILED
        ),
        seconds=120,
        what="the retries to run out",
    )
    edition.refresh_from_db()
    assert edition.render_error and not edition.pdf
    report.refresh_from_db()
    assert report.state == ReportState.SCHEDULED  # nothing half-published
    # Storage is mended (a worker with good storage in its place), and the editor's retry button works.
    stop_worker(broken)  # type: ignore[arg-type]
    worker(name="mended")
    publication.edition_retry_render(edition=edition, actor=editor)  # type: ignore[arg-type]
    wait_for(
        lambda: Edition.objects.get(pk=edition.pk).render_status == Edition.RenderStatus.READY,
        seconds=90,
        what="the retried render",
    )


def test_everything_due_while_the_scheduler_was_down_publishes_once(worker) -> None:
    first, editor = approved_report()
    second, _ = approved_report()
    go_live = timezone.now() + datetime.timedelta(seconds=3)
    for report in (first, second):
        publication.report_schedule(report=report, actor=editor, go_live_at=go_live)  # type: ignore[arg-type]
    # The go-live moment passes with no worker and no scheduler running.
    wait_for(lambda: timezone.now() > go_live, seconds=10, what="the go-live moment to pass", interval=0.1)
    assert not Report.objects.filter(state=ReportState.PUBLISHED, pk__in=[first.pk, second.pk]).exists()
    worker(name="returning", beat=True, PUBLICATION_SWEEP_SECONDS="1")
    wait_for(
        lambda: Report.objects.filter(state=ReportState.PUBLISHED, pk__in=[first.pk, second.pk]).count() == 2,
        seconds=90,
        what="both reports to go live",
    )
    # More sweeps run to the end (the worker runs one task at a time, so when the third after this
    # moment has started, two have finished); none publishes again.
    sweeps = sweeps_started("returning")
    wait_for(lambda: sweeps_started("returning") >= sweeps + 3, seconds=60, what="two more sweeps to finish")
    for report in (first, second):
        assert ReportEvent.objects.filter(report=report, action="Published").count() == 1
    assert (
        len(set(Report.objects.filter(pk__in=[first.pk, second.pk]).values_list("first_published_at", flat=True))) == 1
    )


def test_a_backlog_of_renders_never_delays_a_go_live(worker) -> None:
    """Going live has a queue of its own, served by a process of its own (Procfile's "publisher"): with
    43 renders waiting on the render queue and no render worker free, a report due goes live on time."""
    only_this_worker_runs()
    report, editor = approved_report()
    celery_app.control.purge()
    from tests.publishing.helpers import render_all

    render_all()  # its own PDF is ready; the backlog is everyone else's
    backlog = Edition.objects.get(report=report).pk
    for _ in range(43):
        edition_render_task.apply_async((backlog,))  # routed to the render queue, which nobody serves
    worker(name="publisher", queues="publication")
    moment = timezone.now() + datetime.timedelta(seconds=3)
    publication.report_schedule(report=report, actor=editor, go_live_at=moment)
    wait_for(
        lambda: Report.objects.get(pk=report.pk).state == ReportState.PUBLISHED,
        seconds=30,
        what="the report to go live",
        interval=0.05,
    )
    lag = (Report.objects.get(pk=report.pk).first_published_at - moment).total_seconds()
    print(f"go-live lag with 43 renders waiting: {lag:.2f} s")
    assert 0 <= lag < 2, lag
