"""Background work for notifications: each task calls ``notifications.services``, whose claim on each
email makes a second run of a task send nothing twice."""

from __future__ import annotations

from celery import shared_task

from notifications import services


@shared_task(name=services.SEND_TASK, acks_late=True, ignore_result=True)
def notifications_email_due_task() -> dict[str, int]:
    return services.notifications_email_due()


@shared_task(name=services.DIGEST_TASK, acks_late=True, ignore_result=True)
def digests_send_task() -> dict[str, int]:
    return services.digests_send()
