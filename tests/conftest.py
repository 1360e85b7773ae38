"""Fixtures shared by the whole suite.

In CI (CI=true) the suite must run against PostgreSQL and Redis: a missing service fails the
run at once rather than letting tests skip.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator

import pytest
from django.conf import settings

from accounts.models import User
from accounts.roles import Role
from inspections.models import Inspection
from tests.factories import InspectionFactory, UserFactory

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

    if Force.objects.exists() and Group.objects.filter(permissions__isnull=False).exists():
        return
    emit_post_migrate_signal(verbosity=0, interactive=False, db="default")  # content types, permissions
    import_module("inspections.migrations.0003_reference_data").load(live_apps, None)
    roles = import_module("accounts.migrations.0002_roles").ROLES
    report_codes = import_module("accounts.migrations.0003_report_roles").CODES
    for name, codes in roles.items():
        group, _ = Group.objects.get_or_create(name=name)
        wanted = [
            Permission.objects.get(content_type__app_label=code.split(".")[0], codename=code.split(".")[1])
            for code in codes
        ]
        if name == "Administrator":
            wanted += list(Permission.objects.filter(content_type__app_label="reports", codename__in=report_codes))
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


def start_worker(*, beat: bool = False, name: str = "test-worker", **env: str) -> subprocess.Popen[bytes]:
    """Start a real Celery worker in its own process, on the test database and broker, and wait until
    it answers a ping. The caller stops it (``stop_worker``)."""
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
    if beat:
        command += ["--beat", "--schedule", os.path.join(settings.MEDIA_ROOT, f"beat-{time.monotonic_ns()}")]
    process = subprocess.Popen(
        command,
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "inspectorate.settings.test",
            "DATABASE_URL": worker_database_url(),
            **env,
        },
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        replies = app.control.ping(timeout=1) or []
        if any(name in hostname for reply in replies for hostname in reply):
            return process
        if process.poll() is not None:
            raise RuntimeError(f"the Celery worker exited with {process.returncode}")
    stop_worker(process)
    raise RuntimeError("the Celery worker did not answer a ping within 60 seconds")


def stop_worker(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


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
