"""The emails of notifications: one straight away, or a day's in one digest; links on ``SITE_URL``."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.urls import reverse

from inspectorate.mail import absolute, email_send

if TYPE_CHECKING:
    from notifications.models import Notification


def _settings_url() -> str:
    return absolute(reverse("notifications:settings"))


def notification_send(notification: Notification) -> None:
    prefix = "Urgent: " if notification.urgent else ""
    email_send(
        to=notification.recipient.email,
        subject=f"{prefix}{notification.subject}",
        template="notifications/email/notification",
        context={
            "notification": notification,
            "url": absolute(notification.link) if notification.link else "",
            "settings_url": _settings_url(),
        },
    )


def digest_send(notifications: Sequence[Notification]) -> None:
    if not notifications:
        return
    count = len(notifications)
    email_send(
        to=notifications[0].recipient.email,
        subject=f"Your daily summary: {count} update{'s' if count != 1 else ''}",
        template="notifications/email/digest",
        context={
            "notifications": [(n, absolute(n.link) if n.link else "") for n in notifications],
            "person": notifications[0].recipient,
            "settings_url": _settings_url(),
            "list_url": absolute(reverse("notifications:list")),
        },
    )
