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


@pytest.fixture(scope="session")
def celery_worker_process() -> Iterator[subprocess.Popen[bytes]]:
    """A real Celery worker, in its own process, on the configured broker (Redis in CI, the
    filesystem transport otherwise). Waits until it answers a ping."""
    from inspectorate.celery import app

    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "inspectorate.settings.test"}
    process = subprocess.Popen(
        [
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
            f"test-worker-{os.getpid()}@%h",
        ],
        env=env,
    )
    deadline = time.monotonic() + 60
    try:
        while time.monotonic() < deadline:
            if app.control.ping(timeout=1):
                break
            if process.poll() is not None:
                raise RuntimeError(f"the Celery worker exited with {process.returncode}")
        else:
            raise RuntimeError("the Celery worker did not answer a ping within 60 seconds")
        yield process
    finally:
        process.terminate()
        process.wait(timeout=30)
