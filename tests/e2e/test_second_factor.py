"""An editor's first sign-in in Chromium: the password, then setting up an authenticator app from the
key on the page, saving the recovery codes, and only then the workspace; the next sign-in asks for
the app's code. Every page on the way is checked with axe-core."""

from __future__ import annotations

import re
from base64 import b32decode
from collections.abc import Callable

from django_otp.oath import TOTP
from playwright.sync_api import Page, expect

from accounts.roles import Role
from tests.e2e.conftest import assert_accessible, authenticator_code, login
from tests.factories import PASSWORD, UserFactory


def test_an_editor_cannot_reach_the_workspace_without_a_second_factor(
    live_server, new_page: Callable[..., Page]
) -> None:
    editor = UserFactory(roles=[Role.EDITOR], email="ed@example.org", name="Ed Editor")
    page = new_page()
    page.goto("/accounts/login/?next=/workspace/programmes/")
    page.get_by_label("Email address", exact=True).fill(editor.email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Set up an authenticator app")
    assert page.url.endswith("/accounts/second-factor/set-up/?next=%2Fworkspace%2Fprogrammes%2F")
    expect(page.get_by_role("img", name="QR code for your authenticator app")).to_be_visible()
    assert_accessible(page)
    # Typing a staff address by hand leads back here.
    page.goto("/workspace/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Set up an authenticator app")
    page.goto("/admin/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Set up an authenticator app")

    page.goto("/accounts/second-factor/set-up/?next=/workspace/programmes/")
    page.get_by_text("I cannot scan the QR code").click()
    typed = page.locator("#authenticator-key").inner_text().replace(" ", "")
    app = TOTP(b32decode(typed + "=" * (-len(typed) % 8)))
    page.get_by_label("Code from your authenticator app").fill("000000")
    page.get_by_role("button", name="Confirm", exact=True).click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("The code is not right")
    assert_accessible(page)
    page.get_by_label("Code from your authenticator app").fill(f"{app.token():06d}")
    page.get_by_role("button", name="Confirm", exact=True).click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Your authenticator app is set up")
    codes = page.get_by_role("list", name="Recovery codes").get_by_role("listitem")
    expect(codes).to_have_count(10)
    assert_accessible(page)
    page.get_by_role("link", name="I have saved my recovery codes").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Programmes")

    # The next sign-in: the password, then the code.
    page.get_by_role("button", name="Sign out").click()
    page.goto("/accounts/login/")
    page.get_by_label("Email address", exact=True).fill(editor.email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Enter your security code")
    assert_accessible(page)
    page.goto("/workspace/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Enter your security code")
    from django_otp.plugins.otp_totp.models import TOTPDevice

    page.get_by_label("Security code", exact=True).fill(authenticator_code(TOTPDevice.objects.get(user=editor)))
    page.get_by_role("button", name="Continue", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Workspace")

    page.get_by_role("link", name="Sign-in security").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign-in security")
    expect(page.locator(".govuk-summary-list")).to_contain_text(re.compile(r"Recovery codes\s+10 left"))
    assert_accessible(page)


def test_the_login_helper_passes_the_second_factor_for_an_administrator(
    live_server, new_page: Callable[..., Page]
) -> None:
    UserFactory(roles=[Role.ADMINISTRATOR], email="ada@example.org", name="Ada Admin")
    page = new_page()
    login(page, live_server.url, "ada@example.org", next_path="/admin/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Inspection records")
