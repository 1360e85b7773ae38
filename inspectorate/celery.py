"""The Celery app: configured from Django settings (``CELERY_*``), tasks found in each app."""

from __future__ import annotations

import logging
import os
from typing import Any

from celery import Celery
from django.db import transaction

logger = logging.getLogger(__name__)

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "inspectorate.settings.base")

app = Celery("inspectorate")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


def enqueue_on_commit(task_name: str, *args: Any, once: bool = False, **options: Any) -> None:
    """Send the task named ``task_name`` once the current transaction commits, like
    ``task.delay_on_commit``, but never fail the request for it: the database already holds the work,
    and the periodic sweep picks it up if the broker is down now. The failure is logged. By name, so
    that a service never imports the tasks module that imports it.

    ``once``: send it once however many times the transaction asks (the same name and arguments), as
    when a programme's 43 reports each ask for their notifications to be emailed: one task does all,
    and the go-live that follows does not queue behind 42 others."""
    connection = transaction.get_connection()
    key = (task_name, args)
    if once and connection.in_atomic_block:
        pending = getattr(connection, "run_on_commit", [])
        if any(getattr(func, "enqueued", None) == key for _, func, _ in pending):
            return

    def send() -> None:
        try:
            app.send_task(task_name, args=args, **options)
        except Exception:  # any broker failure: the sweep is the safety net
            logger.warning("Could not enqueue %s%r; the periodic sweep will do it", task_name, args, exc_info=True)

    send.enqueued = key  # type: ignore[attr-defined]
    transaction.on_commit(send)
