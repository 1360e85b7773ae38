"""Reading notifications: a person's own, newest first, and how many they have not read."""

from __future__ import annotations

from typing import TYPE_CHECKING

from notifications.kinds import Delivery, Kind, choosable_kinds
from notifications.models import Notification, NotificationSetting

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from accounts.models import User


def notifications_for(person: User) -> QuerySet[Notification]:
    return Notification.objects.filter(recipient=person).order_by("-created_at", "-pk")


def unread_count(person: User) -> int:
    return Notification.objects.filter(recipient=person, read_at__isnull=True).count()


def notification_settings_of(person: User) -> list[tuple[Kind, str]]:
    """Each kind a person may choose for, with their choice (straight away unless they chose)."""
    chosen = dict(NotificationSetting.objects.filter(person=person).values_list("kind", "delivery"))
    return [(kind, chosen.get(kind, Delivery.IMMEDIATE)) for kind in choosable_kinds()]
