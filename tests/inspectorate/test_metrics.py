"""``/metrics`` for Prometheus (request latency by view, and the service's own figures from the record),
readable with its token or by staff; request ids on every log line and carried into the tasks a
request queues; Sentry only when its DSN is set."""

from __future__ import annotations

import datetime
import logging
import subprocess
import sys
from http import HTTPStatus

import pytest
from django.utils import timezone
from prometheus_client.parser import text_string_to_metric_families

from publishing import services as publication
from reports.models import Report
from tests.publishing.helpers import force, make_programme, make_report
from tests.sign_in import sign_in

pytestmark = pytest.mark.django_db

TOKEN = "prometheus-token-for-the-tests"


@pytest.fixture(autouse=True)
def metrics_token(settings) -> None:  # type: ignore[no-untyped-def]
    settings.METRICS_TOKEN = TOKEN


def scrape(client) -> dict[str, list]:  # type: ignore[no-untyped-def, type-arg]
    response = client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status_code == HTTPStatus.OK
    return {family.name: family.samples for family in text_string_to_metric_families(response.content.decode())}


def value(samples, name: str, **labels: str) -> float:  # type: ignore[no-untyped-def]
    return next(s.value for s in samples if s.name == name and all(s.labels.get(k) == v for k, v in labels.items()))


def test_metrics_are_for_prometheus_and_staff_only(client, inspector) -> None:
    assert client.get("/metrics").status_code == HTTPStatus.FORBIDDEN
    assert client.get("/metrics", headers={"Authorization": "Bearer wrong"}).status_code == HTTPStatus.FORBIDDEN
    sign_in(client, inspector)
    assert client.get("/metrics").status_code == HTTPStatus.OK


def test_request_latency_is_measured_by_view(client) -> None:
    client.get("/forces/")
    families = scrape(client)
    latency = families["django_http_requests_latency_seconds_by_view_method"]
    assert any(s.labels.get("view") == "public_forces:force_list" for s in latency)


def test_the_services_own_figures_come_from_the_record(client, people, fast_pdfs) -> None:
    report = make_report(make_programme("Legitimacy 2016", 2016), force("kent-police"), people, state="scheduled")
    moment = timezone.now() - datetime.timedelta(seconds=3)
    Report.objects.filter(pk=report.pk).update(go_live_at=moment)
    publication.publication_sweep()
    families = scrape(client)
    assert value(families["inspectorate_editions"], "inspectorate_editions", status="ready") == 1
    lag = families["inspectorate_go_live_lag_seconds"]
    assert value(lag, "inspectorate_go_live_lag_seconds_count") == 1
    assert value(lag, "inspectorate_go_live_lag_seconds_bucket", le="2.0") == 0  # published 3 s late
    assert value(lag, "inspectorate_go_live_lag_seconds_bucket", le="5.0") == 1
    assert value(families["inspectorate_render_pages"], "inspectorate_render_pages_count") == 1
    assert value(families["inspectorate_go_lives_overdue"], "inspectorate_go_lives_overdue") == 0
    assert (
        0
        <= value(
            families["inspectorate_seconds_since_publication_sweep"], "inspectorate_seconds_since_publication_sweep"
        )
        < 5
    )


def test_a_requests_id_is_on_its_log_lines_and_returned(client, caplog) -> None:
    with caplog.at_level(logging.WARNING, logger="django.request"):
        response = client.get("/reports/no-such-report/", headers={"X-Request-ID": "0123456789abcdef0123456789abcdef"})
    assert response.status_code == HTTPStatus.NOT_FOUND
    assert response["X-Request-ID"] == "0123456789abcdef0123456789abcdef"
    assert [r.correlation_id for r in caplog.records if r.name == "django.request"] == [
        "0123456789abcdef0123456789abcdef"
    ]
    made = client.get("/healthz/live")["X-Request-ID"]
    assert len(made) == 32 and made != "0123456789abcdef0123456789abcdef"


def test_sentry_starts_only_with_a_dsn() -> None:
    probe = (
        "import os, django; os.environ['DJANGO_SETTINGS_MODULE']='inspectorate.settings.test'; django.setup();"
        "import sentry_sdk; print(sentry_sdk.get_client().is_active())"
    )
    without = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, check=True)
    assert without.stdout.strip().splitlines()[-1] == "False"
    env = {"SENTRY_DSN": "https://public@127.0.0.1:9/1", "PATH": ""}
    import os

    with_dsn = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, check=True, env={**os.environ, **env}
    )
    assert with_dsn.stdout.strip().splitlines()[-1] == "True"


def test_a_task_queued_by_a_request_carries_its_id(settings) -> None:
    """django-guid puts the request's id in the headers of each task it queues; the worker then logs the
    task's lines with it (its task_prerun handler)."""
    from celery.signals import before_task_publish
    from django_guid import set_guid

    from inspectorate.celery import app as celery_app

    seen: list[dict[str, object]] = []

    def capture(headers, **kwargs) -> None:  # type: ignore[no-untyped-def]
        seen.append(dict(headers))

    before_task_publish.connect(capture, weak=False)  # after django-guid's own receiver: it was first
    try:
        set_guid("fedcba9876543210fedcba9876543210")
        celery_app.send_task("notifications.tasks.notifications_email_due_task", expires=1)
    finally:
        before_task_publish.disconnect(capture)
        set_guid(None)  # type: ignore[arg-type]
        celery_app.control.purge()
    assert seen and seen[-1]["X-Request-ID"] == "fedcba9876543210fedcba9876543210"
