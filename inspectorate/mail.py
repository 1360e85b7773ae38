"""Sending one email: plain text with an HTML alternative, from templates, through whichever backend
the settings chose (files under var/mail, SMTP, or GOV.UK Notify: README, "Email")."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string


def absolute(path: str) -> str:
    """``path`` on the site's public address (``SITE_URL``)."""
    if path.startswith(("http://", "https://")):
        return path
    return f"{settings.SITE_URL}{path}"


def email_send(*, to: str, subject: str, template: str, context: dict[str, Any]) -> None:
    """Send ``<template>.txt`` with ``<template>.html`` as its alternative to one address."""
    context = {"service_name": settings.SERVICE_NAME, "site_url": settings.SITE_URL, **context}
    text = render_to_string(f"{template}.txt", context)
    html = render_to_string(f"{template}.html", context)
    message = EmailMultiAlternatives(subject=subject, body=text, from_email=settings.DEFAULT_FROM_EMAIL, to=[to])
    message.attach_alternative(html, "text/html")
    message.send()
