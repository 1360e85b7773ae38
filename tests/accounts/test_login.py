"""Signing in with an e-mail address: GOV.UK errors, and throttling against guessing."""

from __future__ import annotations

from http import HTTPStatus

import pytest
from django.conf import settings

from tests.factories import PASSWORD
from tests.sign_in import sign_in

pytestmark = pytest.mark.django_db


def test_sign_in_with_email_and_password(client, inspector) -> None:
    response = client.post("/accounts/login/", {"username": inspector.email.upper(), "password": PASSWORD})
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == settings.LOGIN_REDIRECT_URL


def test_empty_fields_say_what_to_enter(client) -> None:
    page = client.post("/accounts/login/", {"username": "", "password": ""}).content.decode()
    assert "govuk-error-summary" in page
    assert "Enter your email address" in page
    assert "Enter your password" in page
    assert "<title>Error: Sign in" in page


def test_a_wrong_password_is_refused_with_a_clear_message(client, inspector) -> None:
    response = client.post("/accounts/login/", {"username": inspector.email, "password": "not-the-password"})
    assert response.status_code == HTTPStatus.OK
    assert "Enter a correct email address and password" in response.content.decode()


def test_repeated_guessing_locks_the_account_out(client, inspector) -> None:
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/accounts/login/", {"username": inspector.email, "password": "guess"})
    locked = client.post("/accounts/login/", {"username": inspector.email, "password": PASSWORD})
    assert locked.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert "Too many attempts to sign in" in locked.content.decode()
    assert "_auth_user_id" not in client.session


def test_signing_out_ends_the_session(client, inspector) -> None:
    sign_in(client, inspector)
    response = client.post("/accounts/logout/")
    assert response.status_code == HTTPStatus.FOUND
    assert "_auth_user_id" not in client.session


def test_pages_have_a_title_naming_the_page_first_and_a_skip_link(client) -> None:
    page = client.get("/accounts/login/").content.decode()
    assert "<title>Sign in – Police Inspectorate</title>" in page
    assert 'lang="en-GB"' in page
    assert 'href="#main-content"' in page
    assert page.count("<h1") == 1


def test_an_unknown_page_is_a_helpful_404(client) -> None:
    response = client.get("/no-such-page/")
    assert response.status_code == HTTPStatus.NOT_FOUND
    assert "Page not found" in response.content.decode()


def test_changing_the_case_of_the_address_does_not_escape_the_lock_out(client, inspector) -> None:
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        address = inspector.email.upper() if attempt % 2 else inspector.email
        client.post("/accounts/login/", {"username": address, "password": "guess"})
    locked = client.post("/accounts/login/", {"username": inspector.email.title(), "password": PASSWORD})
    assert locked.status_code == HTTPStatus.TOO_MANY_REQUESTS
