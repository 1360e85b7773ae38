"""Fieldwork's scheduled work: the retention rule, once a day."""

from __future__ import annotations

from celery import shared_task

from fieldwork import services


@shared_task(name="fieldwork.tasks.retention_apply_task", acks_late=True, ignore_result=True)
def retention_apply_task() -> dict[str, int]:
    """Delete evidence files and working notes whose retention period has ended (logged, and recorded in
    each inspection's audit trail)."""
    return services.retention_apply()
