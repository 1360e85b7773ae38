"""Emails: plain text with an HTML alternative, links on ``SITE_URL``, through the configured backend
(files under ``var/mail`` for ``make run``, SMTP, or GOV.UK Notify: see README, "Email")."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse

if TYPE_CHECKING:
    from notifications.models import Notification


def absolute(path: str) -> str:
    """``path`` on the site's public address."""
    if path.startswith(("http://", "https://")):
        return path
    return f"{settings.SITE_URL}{path}"


def email_send(*, to: str, subject: str, template: str, context: dict[str, Any]) -> None:
    """Send ``template`` (``<template>.txt`` and ``<template>.html``) to one address."""
    context = {"service_name": settings.SERVICE_NAME, "site_url": settings.SITE_URL, **context}
    text = render_to_string(f"{template}.txt", context)
    html = render_to_string(f"{template}.html", context)
    message = EmailMultiAlternatives(subject=subject, body=text, from_email=settings.DEFAULT_FROM_EMAIL, to=[to])
    message.attach_alternative(html, "text/html")
    message.send()


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
