"""Second factors, with real codes: setting up an authenticator app, entering its code after the password,
recovery codes, throttling, turning it off and resetting it, and the demo's exemption."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from base64 import b32decode
from html import unescape
from http import HTTPStatus

import pytest
from django.contrib import admin
from django.test import Client
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import second_factor
from accounts.models import SecurityEvent, User
from tests.factories import PASSWORD
from tests.sign_in import sign_in

pytestmark = pytest.mark.django_db

SET_UP = "/accounts/second-factor/set-up/"
VERIFY = "/accounts/second-factor/"


def password_sign_in(client: Client, user: User) -> None:
    response = client.post("/accounts/login/", {"username": user.email, "password": PASSWORD})
    assert response.status_code == HTTPStatus.FOUND, response.content.decode()[:500]


def code_for(key_hex: str, *, steps_ahead: int = 0) -> str:
    """What an authenticator app holding ``key_hex`` shows now (or ``steps_ahead`` 30-second steps on)."""
    totp = TOTP(bytes.fromhex(key_hex))
    totp.time += 30 * steps_ahead
    return f"{totp.token():06d}"


def set_up_app(client: Client) -> tuple[str, list[str]]:
    """Go through the set-up page as a person would: read the key shown, enter the app's code. Returns
    the key (hex) and the recovery codes shown."""
    page = client.get(SET_UP).content.decode()
    assert "<svg" in page and "QR code for your authenticator app" in page
    shown = re.search(r'id="authenticator-key">([A-Z2-7 ]+)<', page)
    assert shown is not None
    typed = shown.group(1).replace(" ", "")
    key_hex = b32decode(typed + "=" * (-len(typed) % 8)).hex()
    done = client.post(SET_UP, {"code": code_for(key_hex), "next": "/workspace/"})
    assert done.status_code == HTTPStatus.OK
    codes = re.findall(r"<li><code>([a-z2-7]{8})</code></li>", done.content.decode())
    return key_hex, codes


def test_an_editor_sets_up_an_app_before_any_staff_page_and_is_let_in_with_its_codes_afterwards(client, editor) -> None:
    password_sign_in(client, editor)
    first = client.get("/workspace/")
    assert first["Location"] == f"{SET_UP}?next=%2Fworkspace%2F"

    wrong = client.post(SET_UP, {"code": "000000"})
    assert "The code is not right" in wrong.content.decode() or "govuk-error-summary" in wrong.content.decode()
    assert not TOTPDevice.objects.filter(user=editor).exists()

    key_hex, codes = set_up_app(client)
    assert len(codes) == second_factor.RECOVERY_CODES and len(set(codes)) == len(codes)
    assert client.get("/workspace/").status_code == HTTPStatus.OK
    assert list(SecurityEvent.objects.filter(user=editor).values_list("kind", flat=True)) == ["second_factor_set_up"]

    # Next time: the password, then the code.
    client.logout()
    password_sign_in(client, editor)
    assert client.get("/workspace/programmes/")["Location"] == f"{VERIFY}?next=%2Fworkspace%2Fprogrammes%2F"
    refused = client.post(VERIFY, {"code": "123 456", "next": "/workspace/programmes/"})
    assert "The code is not right" in unescape(refused.content.decode())
    TOTPDevice.objects.filter(user=editor).update(throttling_failure_count=0)  # no waiting in a test
    # The code used at set-up cannot be used again; the app's next code can.
    assert "The code is not right" in unescape(client.post(VERIFY, {"code": code_for(key_hex)}).content.decode())
    TOTPDevice.objects.filter(user=editor).update(throttling_failure_count=0)
    let_in = client.post(VERIFY, {"code": code_for(key_hex, steps_ahead=1), "next": "/workspace/programmes/"})
    assert let_in["Location"] == "/workspace/programmes/"
    assert client.get("/workspace/programmes/").status_code == HTTPStatus.OK


def test_a_recovery_code_works_once_and_is_recorded(client, editor) -> None:
    password_sign_in(client, editor)
    _, codes = set_up_app(client)
    client.logout()

    password_sign_in(client, editor)
    assert client.post(VERIFY, {"code": codes[0].upper()})["Location"] == "/workspace/"
    client.logout()
    password_sign_in(client, editor)
    again = client.post(VERIFY, {"code": codes[0]})
    assert again.status_code == HTTPStatus.OK
    assert "The code is not right" in unescape(again.content.decode())
    assert second_factor.recovery_codes_left(editor) == second_factor.RECOVERY_CODES - 1
    assert SecurityEvent.objects.filter(user=editor, kind="recovery_code_used").count() == 1


def test_wrong_codes_make_the_next_attempt_wait(client, editor) -> None:
    password_sign_in(client, editor)
    key_hex, _ = set_up_app(client)
    client.logout()
    password_sign_in(client, editor)
    client.post(VERIFY, {"code": "000000"})
    client.post(VERIFY, {"code": "000001"})
    # Even the right code waits: django-otp doubles the delay with each failure.
    waiting = client.post(VERIFY, {"code": code_for(key_hex, steps_ahead=1)})
    assert "Too many wrong codes: wait" in waiting.content.decode()
    assert client.get("/workspace/").status_code == HTTPStatus.FOUND


def test_a_password_alone_cannot_swap_the_app_or_read_the_security_page(client, editor) -> None:
    password_sign_in(client, editor)
    set_up_app(client)
    client.logout()
    password_sign_in(client, editor)  # a stolen password, say
    assert client.get(SET_UP)["Location"].startswith(VERIFY)
    assert client.post(SET_UP, {"code": "123456"})["Location"].startswith(VERIFY)
    assert client.get("/accounts/security/")["Location"].startswith(VERIFY)
    assert client.post("/accounts/security/recovery-codes/")["Location"].startswith(VERIFY)
    assert TOTPDevice.objects.filter(user=editor).count() == 1


def test_an_open_redirect_is_not_followed_after_the_code(client, editor) -> None:
    password_sign_in(client, editor)
    key_hex, _ = set_up_app(client)
    client.logout()
    password_sign_in(client, editor)
    answer = client.post(VERIFY, {"code": code_for(key_hex, steps_ahead=1), "next": "https://evil.example/"})
    assert answer["Location"] == "/workspace/"


def test_an_inspector_may_choose_a_second_factor_and_turn_it_off_but_an_editor_may_not(
    client, inspector, editor
) -> None:
    password_sign_in(client, inspector)
    assert client.get("/workspace/").status_code == HTTPStatus.OK  # a choice, not required
    assert "Not set up" in client.get("/accounts/security/").content.decode()
    set_up_app(client)
    client.logout()
    password_sign_in(client, inspector)
    assert client.get("/workspace/")["Location"].startswith(VERIFY)  # once chosen, always asked

    sign_in(client, inspector)  # verified
    page = client.get("/accounts/security/").content.decode()
    assert "10 left" in page and "Turn off the second factor" in page
    client.post("/accounts/second-factor/set-up/")  # harmless: a new key to scan, nothing kept
    assert client.post("/accounts/security/turn-off/")["Location"] == "/accounts/security/"
    assert not TOTPDevice.objects.filter(user=inspector).exists()
    assert not StaticDevice.objects.filter(user=inspector).exists()

    sign_in(client, editor)
    assert "Turn off the second factor" not in client.get("/accounts/security/").content.decode()
    client.post("/accounts/security/turn-off/")
    assert TOTPDevice.objects.filter(user=editor, confirmed=True).exists()
    assert SecurityEvent.objects.filter(user=editor, kind="second_factor_removed").count() == 0


def test_new_recovery_codes_replace_the_old(client, editor) -> None:
    password_sign_in(client, editor)
    _, old = set_up_app(client)
    page = client.post("/accounts/security/recovery-codes/").content.decode()
    new = re.findall(r"<li><code>([a-z2-7]{8})</code></li>", page)
    assert len(new) == second_factor.RECOVERY_CODES and not set(new) & set(old)
    client.logout()
    password_sign_in(client, editor)
    assert "The code is not right" in unescape(client.post(VERIFY, {"code": old[1]}).content.decode())
    TOTPDevice.objects.filter(user=editor).update(throttling_failure_count=0)
    StaticDevice.objects.filter(user=editor).update(throttling_failure_count=0)
    assert client.post(VERIFY, {"code": new[1]})["Location"] == "/workspace/"


def test_an_administrator_resets_a_lost_phone_from_the_admin(client, editor, administrator, make_user) -> None:
    editors_browser = Client()
    sign_in(editors_browser, editor)
    assert editors_browser.get("/workspace/").status_code == HTTPStatus.OK

    sign_in(client, administrator)
    response = client.post(
        "/admin/accounts/user/",
        {"action": "reset_second_factor", "_selected_action": [editor.pk], "index": 0},
        follow=True,
    )
    assert "Reset the second factor of Ed Editor" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=editor).exists()
    event = SecurityEvent.objects.get(user=editor, kind="second_factor_removed")
    assert event.actor == administrator
    # The session verified with the old app is verified no more.
    assert editors_browser.get("/workspace/")["Location"].startswith(SET_UP)
    # The person's record shows it.
    assert "Removed the second factor" in client.get(f"/admin/accounts/user/{editor.pk}/change/").content.decode()


def test_only_an_administrator_resets_someone_else_and_not_a_superuser_unless_one(
    client, editor, administrator, make_user
) -> None:
    superuser = make_user(is_superuser=True)
    TOTPDevice.objects.create(user=superuser, name="Authenticator app", confirmed=True)
    with pytest.raises(second_factor.SecondFactorError):
        second_factor.second_factor_remove(actor=editor, user=administrator, actor_verified=True)
    sign_in(client, administrator)
    response = client.post(
        "/admin/accounts/user/", {"action": "reset_second_factor", "_selected_action": [superuser.pk]}, follow=True
    )
    assert "Not reset" in response.content.decode()
    assert TOTPDevice.objects.filter(user=superuser).exists()


def test_the_admin_does_not_show_keys_or_recovery_codes() -> None:
    assert not admin.site.is_registered(TOTPDevice)
    assert not admin.site.is_registered(StaticDevice)


def test_the_demos_people_skip_it_only_where_the_setting_says(client, settings, make_user) -> None:
    from accounts.roles import Role

    demo_editor = make_user(Role.EDITOR, email="editor@example.org")
    other_editor = make_user(Role.EDITOR)
    settings.DEMO_USERS_SKIP_SECOND_FACTOR = True
    password_sign_in(client, demo_editor)
    assert client.get("/workspace/").status_code == HTTPStatus.OK
    client.logout()
    password_sign_in(client, other_editor)
    assert client.get("/workspace/")["Location"].startswith(SET_UP)
    settings.DEMO_USERS_SKIP_SECOND_FACTOR = False
    client.logout()
    password_sign_in(client, demo_editor)
    assert client.get("/workspace/")["Location"].startswith(SET_UP)


def test_production_settings_refuse_the_demo_exemption() -> None:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "inspectorate.settings.production",
        "DJANGO_SECRET_KEY": "x" * 50,
        "DEMO_USERS_SKIP_SECOND_FACTOR": "1",
    }
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"], env=env, capture_output=True, text=True, check=False
    )
    assert result.returncode != 0
    assert "DEMO_USERS_SKIP_SECOND_FACTOR is for a machine of your own" in result.stderr
