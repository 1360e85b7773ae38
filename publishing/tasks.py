"""Background work for publication. Tasks take ids and call ``publishing.services``; the services are
idempotent, so a task that runs twice (late acknowledgement after a worker died) does no harm."""

from __future__ import annotations

from typing import Any

from celery import shared_task

from publishing import services as publication
from publishing.services import reminders


@shared_task(
    name=publication.RENDER_TASK,
    bind=True,
    acks_late=True,
    autoretry_for=(Exception,),
    retry_backoff=5,
    retry_backoff_max=120,
    max_retries=publication.MAX_RENDER_ATTEMPTS - 1,
)
def edition_render_task(self: Any, edition_id: int) -> str:
    edition = publication.edition_render(edition_id=edition_id)
    return f"edition {edition_id}: {edition.render_status if edition else 'gone'}"


@shared_task(name=publication.SWEEP_TASK, acks_late=True, ignore_result=True)
def publication_sweep_task() -> dict[str, int]:
    return publication.publication_sweep()


@shared_task(name="publishing.tasks.reminders_send_task", acks_late=True, ignore_result=True)
def reminders_send_task() -> dict[str, int]:
    return reminders.reminders_send()
