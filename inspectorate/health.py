"""Health, for load balancers and monitoring. Each answers JSON, never cached, and fast.

- ``/healthz/live``: the process answers. Touches nothing else (a load balancer's liveness probe:
  restart the process if this fails).
- ``/healthz/ready``: the database, the broker and the shared cache each answer, each check within its
  own short timeout (a readiness probe: send no traffic here while this fails).
- ``/healthz/scheduler``: the scheduler is sweeping (its last sweep, recorded by
  ``publishing.services.publication_sweep``, is recent) and no go-live is more than a minute overdue.
  503 otherwise: a report is late, which an on-call person should hear about at once.
- ``/healthz``: all of the above in one answer.

Anyone may ask whether the service is healthy, and is told a status word; only staff, or a caller with
the token in ``HEALTHZ_TOKEN`` (``Authorization: Bearer <token>``), are told the details: each check,
its time and its error, the database vendor and broker transport, the last sweep and the overdue
go-lives.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable
from http import HTTPStatus
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache

from accounts import permissions
from inspectorate.celery import app as celery_app
from publishing.selectors import scheduler_status

#: Each check's own limit, in seconds: a dependency slower than this is as good as down for a probe.
TIMEOUT_SECONDS = 0.5
#: A go-live later than this, or a scheduler silent for longer, makes /healthz/scheduler answer 503.
OVERDUE_SECONDS = 60


def check_database() -> dict[str, Any]:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET statement_timeout = %s", [int(TIMEOUT_SECONDS * 1000)])
            try:
                cursor.execute("SELECT 1")
                cursor.fetchone()
            finally:
                cursor.execute("SET statement_timeout = 0")
        else:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    return {"vendor": connection.vendor}


def check_broker() -> dict[str, Any]:
    with celery_app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, timeout=TIMEOUT_SECONDS)  # type: ignore[arg-type]
        return {"transport": conn.transport_cls}


def check_cache() -> dict[str, Any]:
    # A key of this request's own: probes that run at once must not read each other's value.
    key = f"healthz:cache:{secrets.token_hex(8)}"
    cache.set(key, key, timeout=10)
    try:
        if cache.get(key) != key:
            raise RuntimeError("the cache did not keep a value")
    finally:
        cache.delete(key)
    return {"backend": type(cache).__name__}


def check_scheduler() -> dict[str, Any]:
    status = scheduler_status(now=timezone.now())
    detail: dict[str, Any] = {
        "last_sweep_seconds_ago": status.seconds_since_sweep,
        "overdue_go_lives": status.overdue,
        "most_overdue_seconds": status.most_overdue_seconds,
    }
    if status.most_overdue_seconds is not None and status.most_overdue_seconds > OVERDUE_SECONDS:
        raise RuntimeError(
            f"{status.overdue} go-live(s) overdue, by up to {status.most_overdue_seconds:.0f} s ({detail})"
        )
    if status.seconds_since_sweep is None or status.seconds_since_sweep > OVERDUE_SECONDS:
        raise RuntimeError(f"no publication sweep in the last {OVERDUE_SECONDS} s ({detail})")
    return detail


READY = {"database": check_database, "broker": check_broker, "cache": check_cache}
SCHEDULER = {"scheduler": check_scheduler}
CHECKS: dict[str, Callable[[], dict[str, Any]]] = {**READY, **SCHEDULER}


def _answer(request: HttpRequest, checks: dict[str, Callable[[], dict[str, Any]]]) -> JsonResponse:
    results: dict[str, dict[str, Any]] = {}
    failing: list[str] = []
    for name, check in checks.items():
        started = time.monotonic()
        try:
            results[name] = {"ok": True, **check()}
        except Exception as error:  # noqa: BLE001 - any failure of a part is that part being unhealthy
            failing.append(name)
            results[name] = {"ok": False, "error": f"{type(error).__name__}: {error}"}
        results[name]["seconds"] = round(time.monotonic() - started, 4)
    status = HTTPStatus.OK if not failing else HTTPStatus.SERVICE_UNAVAILABLE
    body: dict[str, Any] = {"status": "ok" if not failing else "unavailable"}
    if may_see_details(request):
        body["failing"] = failing
        body["checks"] = results
    return JsonResponse(body, status=status)


@never_cache
def live(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})


@never_cache
def ready(request: HttpRequest) -> JsonResponse:
    return _answer(request, READY)


@never_cache
def scheduler(request: HttpRequest) -> JsonResponse:
    return _answer(request, SCHEDULER)


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    return _answer(request, CHECKS)


def may_see_details(request: HttpRequest) -> bool:
    token = settings.HEALTHZ_TOKEN
    given = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
    if token and given and secrets.compare_digest(given.encode(), token.encode()):
        return True
    user = getattr(request, "user", None)
    if user is None:
        return False
    return permissions.can_view_workspace(user) or permissions.is_administrator(user)
