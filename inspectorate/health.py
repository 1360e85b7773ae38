"""``/healthz``: whether this process can reach the database, the broker and at least one worker.

Answers JSON, 200 when every part is healthy, 503 naming the failing part otherwise. Load
balancers and monitoring call it, so each check is bounded to a couple of seconds.

Anyone may ask whether the service is healthy; only staff, or a caller with the token in
``HEALTHZ_TOKEN`` (``Authorization: Bearer <token>``), are told the details: the database vendor,
the broker's transport, the workers' host names and each error.
"""

from __future__ import annotations

import secrets
import time
from http import HTTPStatus
from typing import Any

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache

from accounts import permissions
from inspectorate.celery import app as celery_app

TIMEOUT_SECONDS = 2.0


def check_database() -> dict[str, Any]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return {"vendor": connection.vendor}


def check_broker() -> dict[str, Any]:
    with celery_app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, timeout=TIMEOUT_SECONDS)  # type: ignore[arg-type]
        return {"transport": conn.transport_cls}


def check_workers() -> dict[str, Any]:
    replies = celery_app.control.ping(timeout=TIMEOUT_SECONDS) or []
    workers = sorted(name for reply in replies for name in reply)
    if not workers:
        raise RuntimeError("no worker answered")
    return {"workers": workers}


CHECKS = {"database": check_database, "broker": check_broker, "workers": check_workers}


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    results: dict[str, dict[str, Any]] = {}
    failing: list[str] = []
    for name, check in CHECKS.items():
        started = time.monotonic()
        try:
            detail = check()
            results[name] = {"ok": True, **detail}
        except Exception as error:  # noqa: BLE001 - any failure of a part is that part being unhealthy
            failing.append(name)
            results[name] = {"ok": False, "error": f"{type(error).__name__}: {error}"}
        results[name]["seconds"] = round(time.monotonic() - started, 3)
        if name == "broker" and name in failing:
            # Without a broker no worker can answer; say so rather than wait for a ping.
            results["workers"] = {"ok": False, "error": "broker unreachable", "seconds": 0.0}
            failing.append("workers")
            break
    status = HTTPStatus.OK if not failing else HTTPStatus.SERVICE_UNAVAILABLE
    body: dict[str, Any] = {"status": "ok" if not failing else "unhealthy", "failing": failing}
    if may_see_details(request):
        body["checks"] = results
    return JsonResponse(body, status=status)


def may_see_details(request: HttpRequest) -> bool:
    token = settings.HEALTHZ_TOKEN
    given = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
    if token and given and secrets.compare_digest(given.encode(), token.encode()):
        return True
    return permissions.can_view_workspace(request.user) or permissions.is_administrator(request.user)
