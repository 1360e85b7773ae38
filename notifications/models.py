"""A notification: one thing that happened, told to one person, in the workspace and by email.

The pair (recipient, key) is unique: the key names what happened (an audit event, a day's reminder),
so telling the same thing twice, by a retried task or a second sweep, writes nothing new.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from inspections.models import Inspection
from inspectorate.fields import PlainCharField, PlainTextField
from notifications.kinds import Delivery, Kind


class Notification(models.Model):
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=30, choices=Kind.choices)
    key = models.CharField(max_length=200, help_text="What happened, so that it is told once.")
    subject = PlainCharField(max_length=250)
    body = PlainTextField(blank=True)
    link = models.CharField(max_length=500, blank=True, help_text="A path on the site, to the work.")
    inspection = models.ForeignKey(
        Inspection, on_delete=models.CASCADE, null=True, blank=True, related_name="notifications"
    )
    urgent = models.BooleanField(default=False)
    delivery = models.CharField(
        max_length=20, choices=Delivery.choices, help_text="How the person chose to hear of this kind when it came."
    )
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)
    email_claimed_at = models.DateTimeField(
        null=True, blank=True, help_text="When a task began sending it: no other task sends it meanwhile."
    )
    email_attempts = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ("-created_at", "-pk")
        constraints = [
            models.UniqueConstraint(fields=("recipient", "key"), name="notification_once_per_recipient"),
        ]
        indexes = [
            models.Index(fields=("recipient", "read_at"), name="notification_unread"),
            models.Index(
                fields=("delivery", "created_at"), name="notification_to_email", condition=Q(emailed_at__isnull=True)
            ),
        ]

    def __str__(self) -> str:
        return self.subject

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class NotificationSetting(models.Model):
    """How one person hears of one kind. Without a row, they hear straight away."""

    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_settings")
    kind = models.CharField(max_length=30, choices=Kind.choices)
    delivery = models.CharField(max_length=20, choices=Delivery.choices, default=Delivery.IMMEDIATE)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=("person", "kind"), name="notification_setting_once_per_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.person}: {self.get_kind_display()} – {self.get_delivery_display()}"
