"""Signing a test client in, second factor included.

``sign_in`` is ``Client.force_login`` for people whose role needs no second factor. For editors and
administrators it also gives them an authenticator app (a real django-otp device) and marks the session
as having passed it, exactly as ``django_otp.login`` does after the code page. The pages that ask for the
code, and check it, are tested with real codes in ``tests/accounts/test_second_factor.py``.
"""

from __future__ import annotations

from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import User
from accounts.second_factor import APP_NAME, authenticator, second_factor_due


def sign_in(client: Client, user: User) -> None:
    client.force_login(user)
    if second_factor_due(user, verified=False) is None:
        return
    device = authenticator(user) or TOTPDevice.objects.create(user=user, name=APP_NAME, confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
