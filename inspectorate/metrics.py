"""``/metrics``: what Prometheus scrapes. Two kinds of figure:

- **Requests**, from django-prometheus's middleware: counts and latency by view and method, responses by
  status. With several processes per machine (gunicorn's workers), set ``PROMETHEUS_MULTIPROC_DIR`` to a
  folder of their own (emptied at each start): each process writes its figures there, and whichever
  answers the scrape reads them all (prometheus_client's multiprocess mode).
- **The service's own**, read from the record and the broker at each scrape, so that they are the same
  whichever machine or process answers and survive restarts: renders by status, render time and pages
  (editions rendered in the last week), go-live lag (publications of the last 30 days), overdue
  go-lives and the scheduler's last sweep, queue depth per queue, notifications emailed and failed, and
  sign-in lock-outs in force.

Readable by Prometheus with ``METRICS_TOKEN`` (or ``HEALTHZ_TOKEN``) as a bearer token, and by staff.
"""

from __future__ import annotations

import datetime
import os
import secrets
from collections.abc import Iterator, Sequence

from axes.models import AccessAttempt
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, generate_latest, multiprocess
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, HistogramMetricFamily, Metric
from prometheus_client.registry import Collector

from accounts import permissions
from inspectorate.celery import app as celery_app
from notifications.models import Notification
from publishing.models import Edition
from publishing.selectors import scheduler_status
from reports.models import Report

#: Bucket bounds, in seconds or pages.
GO_LIVE_LAG_BUCKETS = (0.5, 1, 2, 5, 15, 30, 60, 300)
RENDER_SECONDS_BUCKETS = (0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60)
RENDER_PAGES_BUCKETS = (5, 10, 20, 40, 80, 160, 400)
QUEUES = ("publication", "renders", "celery")


def _histogram(
    name: str, documentation: str, values: Sequence[float], buckets: Sequence[float]
) -> HistogramMetricFamily:
    cumulative = [(str(float(bound)), sum(1 for value in values if value <= bound)) for bound in buckets]
    return HistogramMetricFamily(
        name, documentation, buckets=[*cumulative, ("+Inf", len(values))], sum_value=float(sum(values))
    )


class ServiceCollector(Collector):
    """The service's own figures, read at each scrape (a handful of queries)."""

    def collect(self) -> Iterator[Metric]:
        now = timezone.now()
        renders = GaugeMetricFamily("inspectorate_editions", "Editions by render status.", labels=["status"])
        counts = dict(
            Edition.objects.values_list("render_status").annotate(n=Count("pk")).values_list("render_status", "n")
        )
        for value in Edition.RenderStatus.values:
            renders.add_metric([value], counts.get(value, 0))
        yield renders
        recent = Edition.objects.filter(rendered_at__gte=now - datetime.timedelta(days=7))
        yield _histogram(
            "inspectorate_render_seconds",
            "Time to render an edition's PDFs and pages, editions rendered in the last 7 days.",
            [s for s in recent.values_list("render_seconds", flat=True) if s is not None],
            RENDER_SECONDS_BUCKETS,
        )
        yield _histogram(
            "inspectorate_render_pages",
            "Pages of each edition's PDF, editions rendered in the last 7 days.",
            [float(p) for p in recent.values_list("pdf_pages", flat=True) if p is not None],
            RENDER_PAGES_BUCKETS,
        )
        published = Report.objects.filter(
            first_published_at__gte=now - datetime.timedelta(days=30), go_live_at__isnull=False
        ).values_list("first_published_at", "go_live_at")
        yield _histogram(
            "inspectorate_go_live_lag_seconds",
            "From a report's go-live moment to its being public, publications of the last 30 days.",
            [max(0.0, (public - moment).total_seconds()) for public, moment in published if public and moment],
            GO_LIVE_LAG_BUCKETS,
        )
        status = scheduler_status(now=now)
        yield GaugeMetricFamily("inspectorate_go_lives_overdue", "Scheduled reports past their moment.", status.overdue)
        yield GaugeMetricFamily(
            "inspectorate_seconds_since_publication_sweep",
            "Since the scheduler's last publication sweep (-1: none on record).",
            status.seconds_since_sweep if status.seconds_since_sweep is not None else -1,
        )
        depth = GaugeMetricFamily("inspectorate_queue_depth", "Tasks waiting on each queue.", labels=["queue"])
        for queue, waiting in queue_depths().items():
            depth.add_metric([queue], waiting)
        yield depth
        emailed = CounterMetricFamily("inspectorate_notifications_emailed", "Notifications sent by email.")
        emailed.add_metric([], Notification.objects.filter(emailed_at__isnull=False).count())
        yield emailed
        yield GaugeMetricFamily(
            "inspectorate_sign_in_lockouts",
            "Sign-in lock-outs in force (an account and address at the failure limit).",
            AccessAttempt.objects.filter(failures_since_start__gte=settings.AXES_FAILURE_LIMIT).count(),
        )


def queue_depths() -> dict[str, int]:
    """Tasks waiting on each queue, on Redis (a list per queue); nothing on other brokers."""
    if not str(celery_app.conf.broker_url).startswith("redis"):
        return {}
    try:
        with celery_app.connection_for_write() as connection:
            client = connection.default_channel.client  # type: ignore[attr-defined]
            return {queue: int(client.llen(queue)) for queue in QUEUES}
    except Exception:  # noqa: BLE001 - a broker that cannot be read has no depth to report
        return {}


SERVICE = ServiceCollector()


def registry() -> CollectorRegistry:
    """This process's request metrics (or every process's, in multiprocess mode) and the service's."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        collected = CollectorRegistry()
        multiprocess.MultiProcessCollector(collected)  # type: ignore[no-untyped-call]
    else:
        collected = CollectorRegistry()
        collected.register(_Default())
    collected.register(SERVICE)
    return collected


class _Default(Collector):
    """The default registry's figures (this process's), through another registry."""

    def collect(self) -> Iterator[Metric]:
        yield from REGISTRY.collect()


def may_read(request: HttpRequest) -> bool:
    given = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
    for token in (settings.METRICS_TOKEN, settings.HEALTHZ_TOKEN):
        if token and given and secrets.compare_digest(given.encode(), token.encode()):
            return True
    user = getattr(request, "user", None)
    return user is not None and (permissions.can_view_workspace(user) or permissions.is_administrator(user))


@never_cache
def metrics(request: HttpRequest) -> HttpResponse:
    if not may_read(request):
        raise PermissionDenied("Metrics are for monitoring: ask with its token")
    return HttpResponse(generate_latest(registry()), content_type=CONTENT_TYPE_LATEST)
