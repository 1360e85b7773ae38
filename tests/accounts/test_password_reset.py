"""Password reset by email: the same answer whether or not an address has an account, throttled per
client and per account, a link that expires and works once, and a new password that ends the
person's other sessions. The email goes to a real SMTP server (``inbox``)."""

from __future__ import annotations

import datetime
import re
from http import HTTPStatus

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.tokens import default_token_generator
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from accounts import password_reset
from accounts.roles import Role
from tests.notifications.servers import text_and_html
from tests.sign_in import sign_in

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a-long-new-password-2026"


@pytest.fixture(autouse=True)
def fresh_counts() -> None:
    """The throttle counts live in the shared cache for an hour: each test starts from none."""
    cache.clear()


def test_the_answer_is_the_same_whether_or_not_the_address_has_an_account(
    client, inspector, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks() as known:
        to_known = client.post(reverse("password_reset"), {"email": inspector.email.upper()})
    with django_capture_on_commit_callbacks() as unknown:
        to_unknown = client.post(reverse("password_reset"), {"email": "nobody@example.org"})
    assert to_known.status_code == to_unknown.status_code == HTTPStatus.FOUND
    assert to_known["Location"] == to_unknown["Location"] == reverse("password_reset_done")
    assert len(known) == 1 and len(unknown) == 0  # only the account's email is sent, later, by a task
    page = client.get(reverse("password_reset_done")).content.decode()
    assert "If an account has the address you entered" in page


def test_the_link_sets_a_new_password_once_and_ends_other_sessions(client, inspector, inbox, settings) -> None:
    elsewhere = Client()
    sign_in(elsewhere, inspector)
    assert elsewhere.get(reverse("reports:dashboard")).status_code == HTTPStatus.OK
    assert password_reset.password_reset_send(user_id=inspector.pk)
    [message] = inbox.to(inspector.email)
    text, html = text_and_html(message)
    url = re.search(r"https?://\S+/accounts/reset/\S+/", text).group(0)  # type: ignore[union-attr]
    assert url.startswith(settings.SITE_URL) and url in html
    path = url.removeprefix(settings.SITE_URL)
    form_page = client.get(path, follow=True)
    assert "Choose a new password" in form_page.content.decode()
    form_url = form_page.redirect_chain[-1][0]
    mismatch = client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD + "x"})
    assert "Enter the same password in both fields" in mismatch.content.decode()
    done = client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}, follow=True)
    assert "Your password is changed" in done.content.decode()
    inspector.refresh_from_db()
    assert inspector.check_password(NEW_PASSWORD)
    # The other session has ended.
    assert elsewhere.get(reverse("reports:dashboard")).status_code == HTTPStatus.FOUND
    # The link worked once.
    assert "This link does not work" in Client().get(path, follow=True).content.decode()


def test_the_link_expires(client, inspector, settings, monkeypatch) -> None:
    token = default_token_generator.make_token(inspector)
    path = reverse(
        "password_reset_confirm", kwargs={"uidb64": urlsafe_base64_encode(force_bytes(inspector.pk)), "token": token}
    )
    later = default_token_generator._now() + datetime.timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT + 1)
    monkeypatch.setattr(default_token_generator, "_now", lambda: later)
    assert "This link does not work" in client.get(path, follow=True).content.decode()


def test_a_new_password_lifts_a_sign_in_lockout(client, inspector, inbox) -> None:
    for _ in range(5):
        client.post(reverse("login"), {"username": inspector.email, "password": "wrong"})
    assert AccessAttempt.objects.filter(username=inspector.email).exists()
    password_reset.password_reset_send(user_id=inspector.pk)
    text, _ = text_and_html(inbox.to(inspector.email)[0])
    path = re.search(r"/accounts/reset/\S+/", text).group(0)  # type: ignore[union-attr]
    form_url = client.get(path, follow=True).redirect_chain[-1][0]
    client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert not AccessAttempt.objects.filter(username=inspector.email).exists()
    signed_in = client.post(reverse("login"), {"username": inspector.email, "password": NEW_PASSWORD})
    assert signed_in.status_code == HTTPStatus.FOUND


def test_requests_are_throttled_per_account_silently(client, make_user, django_capture_on_commit_callbacks) -> None:
    person = make_user(Role.INSPECTOR)
    sent = []
    for number in range(password_reset.EMAILS_PER_ACCOUNT_PER_HOUR + 2):
        with django_capture_on_commit_callbacks() as callbacks:
            response = Client(REMOTE_ADDR=f"192.0.2.{number}").post(reverse("password_reset"), {"email": person.email})
        assert response["Location"] == reverse("password_reset_done")
        sent.append(len(callbacks))
    assert sent == [1] * password_reset.EMAILS_PER_ACCOUNT_PER_HOUR + [0, 0]


def test_requests_are_throttled_per_client(client) -> None:
    for number in range(password_reset.REQUESTS_PER_CLIENT_PER_HOUR):
        assert (
            client.post(reverse("password_reset"), {"email": f"n{number}@example.org"}).status_code == HTTPStatus.FOUND
        )
    refused = client.post(reverse("password_reset"), {"email": "one-more@example.org"})
    assert refused.status_code == HTTPStatus.OK
    assert "You have asked for too many links" in refused.content.decode()


def test_a_bad_address_gets_a_message(client) -> None:
    response = client.post(reverse("password_reset"), {"email": "not an address"})
    assert "Enter an email address in the correct format" in response.content.decode()


def test_the_sign_in_page_offers_a_reset(client) -> None:
    assert reverse("password_reset") in client.get(reverse("login")).content.decode()
