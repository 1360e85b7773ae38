"""Second factors: who must have one, setting one up, and asking for it when a person signs in.

Editors and administrators must: they publish, and grant roles. Inspectors and lead inspectors may
choose to. A second factor is a time-based one-time code (RFC 6238) from an authenticator app, with ten
single-use recovery codes for the day the phone is lost. django-otp keeps the devices, throttles wrong
codes (each failure doubles the wait) and marks a session verified; the rules are here, and every door
(the pages, the admin, ``accounts.middleware``) asks them.
"""

from __future__ import annotations

import re
from base64 import b32encode
from enum import StrEnum
from math import ceil
from typing import TYPE_CHECKING

import django_otp
import segno
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.util import random_hex

from accounts.demo import DEMO_USERS
from accounts.models import SecurityEvent, User
from accounts.permissions import has_role, is_administrator
from accounts.roles import Role

if TYPE_CHECKING:
    from django.http import HttpRequest

RECOVERY_CODES = 10
APP_NAME = "Authenticator app"
RECOVERY_NAME = "Recovery codes"


class SecondFactorError(Exception):
    """A code that did not do what was asked, with the message to show beside the field."""


class Due(StrEnum):
    """What a signed-in person must do before a staff page."""

    SET_UP = "set_up"
    VERIFY = "verify"


# --- Who ------------------------------------------------------------------------------------------


def skips_second_factor(user: User) -> bool:
    """The demo's people, on a machine where ``DEMO_USERS_SKIP_SECOND_FACTOR`` is on."""
    return bool(settings.DEMO_USERS_SKIP_SECOND_FACTOR) and user.email in DEMO_USERS


def second_factor_required(user: User) -> bool:
    """Whether ``user`` may not reach a staff page without a second factor."""
    if skips_second_factor(user):
        return False
    return is_administrator(user) or has_role(user, Role.EDITOR)


def authenticator(user: User) -> TOTPDevice | None:
    """``user``'s authenticator app, if they have set one up."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def has_second_factor(user: User) -> bool:
    return bool(TOTPDevice.objects.filter(user=user, confirmed=True).exists())


def second_factor_due(user: User, *, verified: bool) -> Due | None:
    """What ``user``, in a session that has (``verified``) or has not passed a second factor, must do
    first: set one up, enter a code, or nothing."""
    if verified or skips_second_factor(user):
        return None
    if has_second_factor(user):
        return Due.VERIFY
    if second_factor_required(user):
        return Due.SET_UP
    return None


def may_change_second_factor(user: User, *, verified: bool) -> bool:
    """A person with a second factor changes it only from a session that has passed it: otherwise a stolen
    password would be enough to swap the phone."""
    return verified or not has_second_factor(user)


def recovery_codes_left(user: User) -> int:
    count: int = StaticToken.objects.filter(device__user=user, device__confirmed=True).count()
    return count


# --- Setting up -----------------------------------------------------------------------------------


def authenticator_key_new() -> str:
    """A new secret key for an authenticator app, in hex. It is kept in the person's session, not stored
    as a device, until they prove their app has it (``authenticator_confirm``)."""
    return str(random_hex(20))


def authenticator_for(user: User, key: str) -> TOTPDevice:
    """The authenticator ``key`` would make for ``user``: unsaved, to show as a QR code."""
    return TOTPDevice(user=user, name=APP_NAME, key=key)


def authenticator_qr_code(device: TOTPDevice) -> SafeString:
    """The device's key as an inline SVG QR code, with its title for screen readers."""
    svg = segno.make(device.config_url, error="m").svg_inline(
        scale=5, title="QR code for your authenticator app", dark="#0b0c0c", light="#ffffff"
    )
    return mark_safe(svg)  # noqa: S308 - segno writes the SVG from the key alone; no text of a person's


def authenticator_key(device: TOTPDevice) -> str:
    """The key, in the base 32 that apps ask for when it is typed in, in groups of four."""
    key = b32encode(device.bin_key).decode("ascii").rstrip("=")
    return " ".join(key[i : i + 4] for i in range(0, len(key), 4))


def authenticator_confirm(request: HttpRequest, *, key: str, code: str) -> list[str]:
    """Keep the authenticator ``request.user`` has just scanned, once a code it shows is right, in place of
    any earlier one, and verify this session. Returns the new recovery codes, to be shown once. Raises
    SecondFactorError."""
    user = request.user
    assert isinstance(user, User)
    if not may_change_second_factor(user, verified=user.is_verified()):  # type: ignore[attr-defined]
        raise SecondFactorError("Sign in with your current authenticator app before you set up a new one")
    token = _digits(code)
    if token is None:
        raise SecondFactorError("Enter the 6-digit code your authenticator app shows")
    totp = TOTP(bytes.fromhex(key))
    if not totp.verify(int(token), tolerance=1):
        raise SecondFactorError("The code is not right: enter the code your app shows now")
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        # The code just used cannot be used again to sign in.
        device = TOTPDevice.objects.create(user=user, name=APP_NAME, key=key, confirmed=True, last_t=totp.t())
        codes = _recovery_codes_replace(user)
        SecurityEvent.objects.create(user=user, actor=user, kind=SecurityEvent.Kind.SECOND_FACTOR_SET_UP)
    django_otp.login(request, device)
    return codes


def recovery_codes_replace(request: HttpRequest) -> list[str]:
    """New recovery codes for ``request.user``, whose session has passed its second factor; the old ones
    stop working."""
    user = request.user
    assert isinstance(user, User)
    if not (user.is_verified() and has_second_factor(user)):  # type: ignore[attr-defined]
        raise SecondFactorError("Sign in with your authenticator app first")
    with transaction.atomic():
        codes = _recovery_codes_replace(user)
        SecurityEvent.objects.create(user=user, actor=user, kind=SecurityEvent.Kind.RECOVERY_CODES_REPLACED)
    return codes


def second_factor_remove(*, actor: User, user: User, actor_verified: bool) -> None:
    """Take away ``user``'s second factor. A person may turn off their own where it is not required, from a
    verified session; an administrator may reset anyone's (a lost phone), and the person then sets up a
    new one when they next sign in. Sessions verified with the old one stop being verified."""
    if actor.pk == user.pk:
        if second_factor_required(user):
            raise SecondFactorError("Your role needs a second factor: you can set up a new app, not turn it off")
        if not may_change_second_factor(user, verified=actor_verified):
            raise SecondFactorError("Sign in with your authenticator app first")
    elif not is_administrator(actor):
        raise SecondFactorError("Only an administrator can reset someone else's second factor")
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()
        SecurityEvent.objects.create(user=user, actor=actor, kind=SecurityEvent.Kind.SECOND_FACTOR_REMOVED)


# --- Signing in -----------------------------------------------------------------------------------


def second_factor_verify(request: HttpRequest, code: str) -> None:
    """Check the code ``request.user`` entered after their password (from the app, or a recovery code)
    and mark the session verified. Raises SecondFactorError."""
    user = request.user
    assert isinstance(user, User)
    token = _digits(code)
    with transaction.atomic():
        if token is not None:
            device: TOTPDevice | StaticDevice | None = (
                TOTPDevice.objects.select_for_update().filter(user=user, confirmed=True).first()
            )
            if device is None:
                raise SecondFactorError("Set up an authenticator app first")
        else:
            token = re.sub(r"[\s-]+", "", code).lower()
            device = StaticDevice.objects.select_for_update().filter(user=user, confirmed=True).first()
            if not token or device is None:
                raise SecondFactorError("Enter the 6-digit code from your authenticator app, or a recovery code")
        _check_allowed(device)
        # A wrong code is counted (django-otp's throttle) and kept: the error is raised after the commit.
        right = device.verify_token(token)
        if right and isinstance(device, StaticDevice):
            SecurityEvent.objects.create(user=user, actor=user, kind=SecurityEvent.Kind.RECOVERY_CODE_USED)
    if not right:
        raise SecondFactorError("The code is not right: enter the code your app shows now, or a recovery code")
    django_otp.login(request, device)


# --- Helpers --------------------------------------------------------------------------------------


def _digits(code: str) -> str | None:
    """The code as six digits, whatever spaces the person typed; None if it is not six digits."""
    digits = re.sub(r"[\s-]+", "", code or "")
    return digits if re.fullmatch(r"\d{6}", digits) else None


def _check_allowed(device: TOTPDevice | StaticDevice) -> None:
    allowed, details = device.verify_is_allowed()
    if not allowed:
        until = (details or {}).get("locked_until")
        wait = "a moment" if until is None else f"{max(1, ceil((until - timezone.now()).total_seconds()))} seconds"
        raise SecondFactorError(f"Too many wrong codes: wait {wait}, then try again")


def _recovery_codes_replace(user: User) -> list[str]:
    device, _ = StaticDevice.objects.get_or_create(user=user, name=RECOVERY_NAME, defaults={"confirmed": True})
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes
