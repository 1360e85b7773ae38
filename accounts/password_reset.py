"""Password reset by email, for staff.

No answer says whether an address has an account: every request that passes the throttle gets the
same page, and the email is sent afterwards by a Celery task, so the page takes as long either way.
Requests are throttled per client address and per account; the link works for
``PASSWORD_RESET_TIMEOUT`` seconds and once (Django's token changes with the password); setting a new
password ends the person's other sessions (their session hash changes) and lifts any sign-in lock-out.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from accounts import throttle
from accounts.models import User
from inspectorate.celery import enqueue_on_commit
from inspectorate.mail import absolute, email_send

SEND_TASK = "accounts.tasks.password_reset_send_task"

#: At most this many requests an hour from one client address (whatever addresses they name)...
REQUESTS_PER_CLIENT_PER_HOUR = 10
#: ...and this many emails an hour to one account.
EMAILS_PER_ACCOUNT_PER_HOUR = 3
HOUR = 60 * 60


class TooManyRequests(Exception):
    """This client has asked too often: it is told to wait, which says nothing about any account."""


def password_reset_request(*, email: str, client: str) -> None:
    """Someone asks for a reset link for ``email`` from ``client`` (an IP address). Raises
    ``TooManyRequests`` past the client's limit. Sends (later, by a task) only to an active account,
    within its own limit; otherwise does nothing, and says nothing of it."""
    if not throttle.within(f"password-reset:client:{client}", REQUESTS_PER_CLIENT_PER_HOUR, seconds=HOUR):
        raise TooManyRequests
    address = email.strip().lower()
    user = User.objects.filter(email__iexact=address, is_active=True).first()
    if user is None or not user.has_usable_password():
        return
    if not throttle.within(f"password-reset:account:{user.pk}", EMAILS_PER_ACCOUNT_PER_HOUR, seconds=HOUR):
        return
    enqueue_on_commit(SEND_TASK, user.pk)


def password_reset_send(*, user_id: int) -> bool:
    """Email the reset link. The token is made here, in the worker, so it never travels through the broker."""
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        return False
    path = reverse(
        "password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    email_send(
        to=user.email,
        subject=f"Reset your password for {settings.SERVICE_NAME}",
        template="registration/password_reset_email",
        context={"person": user, "url": absolute(path), "hours": link_hours()},
    )
    return True


def link_hours() -> int:
    return max(1, settings.PASSWORD_RESET_TIMEOUT // HOUR)
