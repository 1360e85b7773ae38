from __future__ import annotations

from celery import shared_task

from accounts import password_reset


@shared_task(name=password_reset.SEND_TASK, acks_late=True, ignore_result=True)
def password_reset_send_task(user_id: int) -> bool:
    return password_reset.password_reset_send(user_id=user_id)
