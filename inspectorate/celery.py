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


def enqueue_on_commit(task_name: str, *args: Any, **options: Any) -> None:
    """Send the task named ``task_name`` once the current transaction commits, like
    ``task.delay_on_commit``, but never fail the request for it: the database already holds the work,
    and the periodic sweep picks it up if the broker is down now. The failure is logged. By name, so
    that a service never imports the tasks module that imports it."""

    def send() -> None:
        try:
            app.send_task(task_name, args=args, **options)
        except Exception:  # any broker failure: the sweep is the safety net
            logger.warning("Could not enqueue %s%r; the periodic sweep will do it", task_name, args, exc_info=True)

    transaction.on_commit(send)
