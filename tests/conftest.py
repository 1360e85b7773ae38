"""Fixtures shared by the whole suite.

In CI (CI=true) the suite must run against PostgreSQL and Redis: a missing service fails the
run at once rather than letting tests skip.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings

from accounts.models import User
from accounts.roles import Role
from inspections.models import Inspection
from reports.models import Report
from reports.services import report_sign_off_judgments, report_start
from tests.demo_data import DemoData, check_demo_tests, group_demo_tests, mark_process_groups, uses_demo
from tests.factories import InspectionFactory, UserFactory, ready_inspection, write_whole_report
from tests.notifications.servers import Inbox, smtp_server
from tests.publishing.helpers import People

IN_CI = os.environ.get("CI", "").lower() == "true"


def pytest_sessionstart(session: pytest.Session) -> None:
    if not IN_CI:
        return
    problems = []
    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        problems.append("CI must run on PostgreSQL: set DATABASE_URL")
    if not settings.CELERY_BROKER_URL.startswith("redis://"):
        problems.append("CI must run with Redis: set REDIS_URL")
    else:
        import redis

        try:
            redis.Redis.from_url(settings.CELERY_BROKER_URL, socket_connect_timeout=2).ping()
        except redis.RedisError as error:
            problems.append(f"Redis is not reachable: {error}")
    if problems:
        pytest.exit("; ".join(problems), returncode=2)


def restore_reference_data() -> None:
    """Put back what data migrations made (forces, scales, pillars, roles with their permissions) if a
    flush took it. Transactional tests (workers, browsers) end with a flush of every table."""
    from importlib import import_module

    from django.apps import apps as live_apps
    from django.contrib.auth.models import Group, Permission
    from django.core.management.sql import emit_post_migrate_signal

    from inspections.models import Force

    if (
        Force.objects.exists()
        and Group.objects.filter(permissions__isnull=False).exists()
        and Group.objects.filter(name="Translator").exists()
    ):
        return
    emit_post_migrate_signal(verbosity=0, interactive=False, db="default")  # content types, permissions
    import_module("inspections.migrations.0003_reference_data").load(live_apps, None)
    roles = import_module("accounts.migrations.0002_roles").ROLES
    report_codes = import_module("accounts.migrations.0003_report_roles").CODES
    timetable_codes = import_module("accounts.migrations.0004_timetable_roles").CODES
    import_module("accounts.migrations.0006_translator_role").make(live_apps, None)
    import_module("inspections.migrations.0007_welsh_names").welsh_names(live_apps, None)
    import_module("inspections.migrations.0009_gradingscale_name_cy").welsh_names(live_apps, None)
    for name, codes in roles.items():
        group, _ = Group.objects.get_or_create(name=name)
        wanted = [
            Permission.objects.get(content_type__app_label=code.split(".")[0], codename=code.split(".")[1])
            for code in codes
        ]
        if name == "Administrator":
            wanted += list(Permission.objects.filter(content_type__app_label="reports", codename__in=report_codes))
            wanted += list(
                Permission.objects.filter(content_type__app_label="inspections", codename__in=timetable_codes)
            )
        group.permissions.set(wanted)


@pytest.fixture
def empty_queue() -> None:
    """Tasks that earlier tests (or runs: Redis keeps its queues between them) sent and nobody took
    would reach a worker first; none of them belongs to the test about to run."""
    from inspectorate.celery import app

    app.control.purge()


@pytest.fixture
def reference_data(transactional_db: None) -> None:
    """For transactional tests: the reference data and roles, whatever the last flush took."""
    restore_reference_data()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: None, django_db_blocker) -> None:  # type: ignore[no-untyped-def]
    """The test database, with its reference data, serialized so that transactional tests marked
    ``serialized_rollback`` (browser and worker tests) get it back after each flush."""
    from django.db import connections

    with django_db_blocker.unblock():
        restore_reference_data()
        for connection in connections.all():
            connection._test_serialized_contents = connection.creation.serialize_db_to_string()


_demo_key = pytest.StashKey[DemoData]()


class _ProcessGroups:
    @pytest.hookimpl(tryfirst=True)
    def pytest_collection_modifyitems(self, items: list[pytest.Item]) -> None:
        """tryfirst: pytest-xdist reads the groups in its own hook of the same name."""
        mark_process_groups(items)


def pytest_configure(config: pytest.Config) -> None:
    config.pluginmanager.register(_ProcessGroups(), "inspectorate-process-groups")
    # The Welsh catalogue, as set-up compiles it (make install), for a suite run without make.
    from inspectorate.languages import compile_catalogues

    compile_catalogues([Path(__file__).resolve().parent.parent / "locale"])


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """trylast: after pytest-django has put the tests in its order (transactional ones after the rest)."""
    check_demo_tests(items)
    group_demo_tests(items)


@pytest.fixture(scope="session")
def _demo_data(request: pytest.FixtureRequest, django_db_setup: None, django_db_blocker) -> Iterator[DemoData]:  # type: ignore[no-untyped-def]
    """Session scope, so that the first load comes before the first demo test's own transaction starts."""
    demo = DemoData(django_db_blocker)
    demo.load()
    request.config.stash[_demo_key] = demo
    yield demo
    demo.unload()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_setup(item: pytest.Item) -> Iterator[None]:
    demo = item.config.stash.get(_demo_key, None)
    if demo is not None and uses_demo(item):
        demo.load()  # again, if it was unloaded after an earlier group (see tests/demo_data.py)
    return (yield)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None) -> Iterator[None]:
    result = yield
    demo = item.config.stash.get(_demo_key, None)
    if demo is not None and not uses_demo(nextitem):
        demo.unload()  # the test's own transaction has been rolled back: now the demo's
    return result


@pytest.fixture
def demo_data(_demo_data: DemoData, db: None) -> DemoData:
    """The demo data set of ``seed_demo``, loaded once for all the tests that ask for it. Each test
    runs in a transaction of its own inside the demo's, rolled back after it (tests/demo_data.py)."""
    assert _demo_data.loaded
    return _demo_data


@pytest.fixture
def make_user(db: None):  # type: ignore[no-untyped-def]
    def make(*roles: Role, **fields: object) -> User:
        return UserFactory(roles=list(roles), **fields)

    return make


@pytest.fixture
def inspector(make_user) -> User:  # type: ignore[no-untyped-def]
    return make_user(Role.INSPECTOR, name="Ivy Inspector")


@pytest.fixture
def other_inspector(make_user) -> User:  # type: ignore[no-untyped-def]
    return make_user(Role.INSPECTOR, name="Oscar Otherteam")


@pytest.fixture
def lead_inspector(make_user) -> User:  # type: ignore[no-untyped-def]
    return make_user(Role.LEAD_INSPECTOR, name="Leah Lead")


@pytest.fixture
def editor(make_user) -> User:  # type: ignore[no-untyped-def]
    return make_user(Role.EDITOR, name="Ed Editor")


@pytest.fixture
def administrator(make_user) -> User:  # type: ignore[no-untyped-def]
    return make_user(Role.ADMINISTRATOR, name="Ada Admin")


@pytest.fixture
def inspection(inspector: User, lead_inspector: User) -> Inspection:
    return InspectionFactory(team=[inspector], lead_inspector=lead_inspector)


def worker_database_url() -> str:
    """The URL of the database the tests run on, for worker processes to use the same one."""
    from django.db import connection

    settings_dict = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{settings_dict['NAME']}"
    user = settings_dict.get("USER") or ""
    password = f":{settings_dict['PASSWORD']}" if settings_dict.get("PASSWORD") else ""
    auth = f"{user}{password}@" if user else ""
    return f"postgres://{auth}{settings_dict.get('HOST') or '127.0.0.1'}:{settings_dict.get('PORT') or 5432}/{settings_dict['NAME']}"


def start_worker(
    *, beat: bool = False, name: str = "test-worker", queues: str = "", **env: str
) -> subprocess.Popen[bytes]:
    """Start a real Celery worker in its own process, on the test database and broker, and wait until
    it answers a ping. It serves every queue, or only ``queues`` ("publication", "renders,celery").
    The caller stops it (``stop_worker``)."""
    from inspectorate.celery import app

    command = [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "inspectorate",
        "worker",
        "--concurrency",
        "1",
        "--loglevel",
        "warning",
        "--hostname",
        f"{name}-{os.getpid()}-{time.monotonic_ns()}@%h",
        "--without-mingle",
        "--without-gossip",
    ]
    if queues:
        command += ["--queues", queues]
    if beat:
        command += ["--beat", "--schedule", os.path.join(settings.MEDIA_ROOT, f"beat-{time.monotonic_ns()}")]
    process = subprocess.Popen(
        command,
        start_new_session=True,  # its own process group, which stop_worker ends whole
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "inspectorate.settings.test",
            "DATABASE_URL": worker_database_url(),
            **env,
        },
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        replies = app.control.ping(timeout=0.5) or []
        if any(name in hostname for reply in replies for hostname in reply):
            return process
        if process.poll() is not None:
            raise RuntimeError(f"the Celery worker exited with {process.returncode}")
    stop_worker(process)
    raise RuntimeError("the Celery worker did not answer a ping within 60 seconds")


def stop_worker(process: subprocess.Popen[bytes]) -> None:
    """End the worker and its pool at once. A test is over when it stops a worker, so nothing waits
    for a warm shutdown (about five seconds a worker); a task it held is purged before the next test
    (``empty_queue``)."""
    with contextlib.suppress(ProcessLookupError):  # it had ended already
        os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=30)


@pytest.fixture(scope="module")
def celery_worker_process(django_db_setup: None, django_db_blocker) -> Iterator[subprocess.Popen[bytes]]:  # type: ignore[no-untyped-def]
    """A real Celery worker for the tests of one module, on the configured broker (Redis in CI, the filesystem
    transport otherwise) and the test database."""
    with django_db_blocker.unblock():
        process = start_worker(name="session-worker")
    try:
        yield process
    finally:
        stop_worker(process)


# --- Reports and publishing (shared by tests/reports, tests/publishing and tests/public) ---


@pytest.fixture
def report(inspector, lead_inspector) -> Report:
    """A report with every judgment recorded but nothing written."""
    return report_start(inspection=ready_inspection(team=[inspector], lead=lead_inspector))


@pytest.fixture
def written_report(report, inspector, lead_inspector) -> Report:
    """Every part written by the inspector and the judgments signed off: ready to submit."""
    write_whole_report(report, inspector)
    report_sign_off_judgments(report=report, actor=lead_inspector)
    report.refresh_from_db()
    return report


@pytest.fixture
def people(make_user) -> People:  # type: ignore[no-untyped-def]
    return People(make_user(Role.INSPECTOR), make_user(Role.LEAD_INSPECTOR), make_user(Role.EDITOR))


@pytest.fixture
def fast_pdfs(monkeypatch: pytest.MonkeyPatch) -> None:
    """Stand in for Typst where many reports are published: rendering is tested in
    test_publication.py and test_rendering.py; here only the publication path matters."""
    from publishing import rendering

    def render(*args: object, language: str = "en-gb", **kwargs: object) -> rendering.RenderedPdf:
        return rendering.RenderedPdf(f"%PDF-1.7 stand-in {rendering.PDF_LANGUAGES[language]}".encode(), 1, 0.0, 0.0)

    def check(content: bytes) -> rendering.PdfCheck:
        return rendering.PdfCheck(1, True, True, "Stand-in", content.decode().rsplit(" ", 1)[-1])

    monkeypatch.setattr(rendering, "render_report_pdf", render)
    monkeypatch.setattr(rendering, "check_pdf", check)


@pytest.fixture
def inbox(settings) -> Iterator[Inbox]:  # type: ignore[no-untyped-def]
    """A real SMTP server on loopback (tests/notifications/servers.py), and Django's SMTP backend
    pointed at it."""
    with smtp_server() as (received, port):
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST = "127.0.0.1"
        settings.EMAIL_PORT = port
        settings.EMAIL_USE_TLS = False
        yield received
