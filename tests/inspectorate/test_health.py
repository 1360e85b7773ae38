"""Health: ``/healthz/live`` (the process), ``/healthz/ready`` (database, broker, cache, each within its
own short timeout), ``/healthz/scheduler`` (sweeping, and no go-live over a minute late), and
``/healthz`` (all of them). The public is told a status word; staff and the token holder the details."""

from __future__ import annotations

import datetime
import time
from http import HTTPStatus

import pytest
from celery import Celery
from django.core.cache import cache
from django.db import OperationalError
from django.utils import timezone

from inspectorate import health
from publishing import services as publication
from publishing.selectors import LAST_SWEEP_KEY
from reports.models import Report, ReportState
from tests.sign_in import sign_in

pytestmark = pytest.mark.django_db

TOKEN = "monitoring-token-for-the-tests"


@pytest.fixture(autouse=True)
def monitoring_token(settings) -> None:  # type: ignore[no-untyped-def]
    settings.HEALTHZ_TOKEN = TOKEN


@pytest.fixture
def swept() -> None:
    publication.publication_sweep()


def details(client, path: str = "/healthz"):  # type: ignore[no-untyped-def]
    return client.get(path, headers={"Authorization": f"Bearer {TOKEN}"})


def test_live_answers_without_touching_anything(client, django_assert_num_queries) -> None:
    with django_assert_num_queries(0):
        response = client.get("/healthz/live")
    assert response.status_code == HTTPStatus.OK and response.json() == {"status": "ok"}
    assert response["Cache-Control"].startswith("max-age=0")


def test_ready_checks_the_database_broker_and_cache(client) -> None:
    response = details(client, "/healthz/ready")
    body = response.json()
    assert response.status_code == HTTPStatus.OK, body
    assert set(body["checks"]) == {"database", "broker", "cache"} and body["failing"] == []
    assert all(check["seconds"] < health.TIMEOUT_SECONDS for check in body["checks"].values())


def test_healthy_when_swept_and_nothing_is_overdue(client, swept) -> None:
    response = details(client)
    body = response.json()
    assert response.status_code == HTTPStatus.OK, body
    assert body["checks"]["scheduler"]["last_sweep_seconds_ago"] < 5
    assert body["checks"]["scheduler"]["overdue_go_lives"] == 0


def test_the_scheduler_is_unavailable_when_no_sweep_is_on_record(client) -> None:
    cache.delete(LAST_SWEEP_KEY)
    response = details(client, "/healthz/scheduler")
    assert response.status_code == HTTPStatus.SERVICE_UNAVAILABLE
    assert "no publication sweep" in response.json()["checks"]["scheduler"]["error"]
    cache.set(LAST_SWEEP_KEY, time.time() - 61)
    assert details(client, "/healthz/scheduler").status_code == HTTPStatus.SERVICE_UNAVAILABLE


def test_the_scheduler_is_unavailable_when_a_go_live_is_over_a_minute_overdue(client, swept, people, fast_pdfs) -> None:
    from tests.publishing.helpers import force, make_programme, make_report

    report = make_report(make_programme("Legitimacy 2016", 2016), force("kent-police"), people, state="scheduled")
    late = timezone.now() - datetime.timedelta(seconds=61)
    Report.objects.filter(pk=report.pk).update(go_live_at=late, state=ReportState.SCHEDULED)
    cache.set(LAST_SWEEP_KEY, time.time())  # sweeping, yet the report is late (say its PDF will not render)
    response = details(client, "/healthz/scheduler")
    assert response.status_code == HTTPStatus.SERVICE_UNAVAILABLE
    scheduler = response.json()["checks"]["scheduler"]
    assert "1 go-live(s) overdue" in scheduler["error"]
    # A go-live due a few seconds ago is the sweep's ordinary work, not a fault.
    Report.objects.filter(pk=report.pk).update(go_live_at=timezone.now() - datetime.timedelta(seconds=5))
    assert details(client, "/healthz/scheduler").status_code == HTTPStatus.OK


def test_unavailable_when_the_broker_is_unreachable_within_its_timeout(client, monkeypatch, swept) -> None:
    monkeypatch.setattr(
        health, "celery_app", Celery("unreachable", broker="redis://127.0.0.1:1/0", set_as_current=False)
    )
    started = time.monotonic()
    response = details(client, "/healthz/ready")
    assert time.monotonic() - started < 3
    body = response.json()
    assert response.status_code == HTTPStatus.SERVICE_UNAVAILABLE
    assert body["failing"] == ["broker"] and "error" in body["checks"]["broker"]


def test_unavailable_when_the_database_fails(client, monkeypatch, swept) -> None:
    def broken() -> None:
        raise OperationalError("connection refused")

    monkeypatch.setitem(health.READY, "database", broken)
    response = details(client, "/healthz/ready")
    assert response.status_code == HTTPStatus.SERVICE_UNAVAILABLE
    assert response.json()["failing"] == ["database"]
    assert "connection refused" in response.json()["checks"]["database"]["error"]


def test_the_details_are_for_staff_and_the_token_only(client, inspector) -> None:
    cache.delete(LAST_SWEEP_KEY)
    for path in ("/healthz", "/healthz/ready", "/healthz/scheduler"):
        anonymous = client.get(path).json()
        assert set(anonymous) == {"status"} and anonymous["status"] in ("ok", "unavailable"), path
        wrong = client.get(path, headers={"Authorization": "Bearer not-the-token"}).json()
        assert set(wrong) == {"status"}
    assert "vendor" in details(client).json()["checks"]["database"]
    sign_in(client, inspector)
    assert "checks" in client.get("/healthz").json()
