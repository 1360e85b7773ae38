"""The workspace's notifications: the list, opening one, the settings, and (with DEBUG on) the mail
that ``make run`` keeps in files instead of sending."""

from __future__ import annotations

import email
import email.policy
from email.message import EmailMessage
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from accounts import permissions
from accounts.decorators import actor, workspace_view
from notifications import selectors, services
from notifications.forms import NotificationSettingsForm
from notifications.models import Notification

PAGE_SIZE = 25


@workspace_view
def notification_list(request: HttpRequest) -> HttpResponse:
    person = actor(request)
    page = Paginator(selectors.notifications_for(person).select_related("inspection"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "notifications/list.html", {"page": page, "unread": selectors.unread_count(person)})


@workspace_view
@require_POST
def notification_open(request: HttpRequest, pk: int) -> HttpResponse:
    notification = get_object_or_404(Notification, pk=pk, recipient=actor(request))
    services.notification_open(notification=notification, person=actor(request))
    link = notification.link
    if link and url_has_allowed_host_and_scheme(link, allowed_hosts={request.get_host()}):
        return redirect(link)
    return redirect("notifications:list")


@workspace_view
@require_POST
def notifications_mark_all_read(request: HttpRequest) -> HttpResponse:
    count = services.notifications_mark_all_read(person=actor(request))
    messages.success(request, f"{count} notification{'s' if count != 1 else ''} marked as read")
    return redirect("notifications:list")


@workspace_view
def notification_settings(request: HttpRequest) -> HttpResponse:
    person = actor(request)
    form = NotificationSettingsForm(request.POST or None, choices=selectors.notification_settings_of(person))
    if request.method == "POST" and form.is_valid():
        services.notification_settings_save(person=person, deliveries=form.cleaned_data)
        messages.success(request, "Your notification settings are saved")
        return redirect("notifications:settings")
    return render(request, "notifications/settings.html", {"form": form})


@workspace_view
def mail_outbox(request: HttpRequest) -> HttpResponse:
    """The messages ``make run`` has written to files rather than sent: to administrators all of them,
    to anyone else their own. Only with DEBUG on and the file backend: in production mail goes out, and
    this page does not exist."""
    folder = getattr(settings, "EMAIL_FILE_PATH", None)
    if not settings.DEBUG or settings.EMAIL_BACKEND != "django.core.mail.backends.filebased.EmailBackend" or not folder:
        raise Http404("No mail is kept here")
    person = actor(request)
    everyone = permissions.is_administrator(person)
    messages_kept = []
    for path in sorted(Path(folder).glob("*.log"), key=lambda path: path.stat().st_mtime, reverse=True):
        # The file backend writes each message of a connection followed by a line of 79 dashes.
        for raw in path.read_text(errors="replace").split("-" * 79 + "\n"):
            if raw.strip() and (everyone or _addressed_to(raw, person.email)):
                messages_kept.append(_readable(raw))
    page = Paginator(messages_kept, 10).get_page(request.GET.get("page"))
    return render(
        request,
        "notifications/outbox.html",
        {"page": page, "files": page.object_list, "folder": folder, "everyone": everyone},
    )


def _readable(raw: str) -> dict[str, str]:
    """A kept message as a person reads it: who, when, the subject and the plain-text body."""
    message = email.message_from_string(raw, policy=email.policy.default)
    assert isinstance(message, EmailMessage)
    body = message.get_body(preferencelist=("plain",))
    return {
        "subject": str(message["Subject"] or ""),
        "to": str(message["To"] or ""),
        "date": str(message["Date"] or ""),
        "text": body.get_content() if body is not None else raw,
    }


def _addressed_to(message: str, address: str) -> bool:
    """Whether the message's To header names ``address`` (a person sees only their own mail here: a
    password reset link is as good as the password)."""
    for line in message.splitlines():
        if not line.strip():
            return False  # the end of the headers
        if line.lower().startswith("to:"):
            return address.lower() in (part.strip().lower() for part in line[3:].split(","))
    return False
