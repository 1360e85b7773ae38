"""GOV.UK Notify, through its official client, against a local stand-in for its HTTP API that checks
the client's signed token as Notify does."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.mail import EmailMultiAlternatives

from notifications import services as notifications
from notifications.kinds import Kind
from tests.notifications.servers import API_KEY, notify_stub

pytestmark = pytest.mark.django_db

TEMPLATE = "f33517ff-2a88-4f6e-b855-c550268ce08a"


@pytest.fixture
def notify(settings):  # type: ignore[no-untyped-def]
    with notify_stub() as (stub, url):
        settings.EMAIL_BACKEND = "notifications.backends.NotifyEmailBackend"
        settings.NOTIFY_API_KEY = API_KEY
        settings.NOTIFY_BASE_URL = url
        settings.NOTIFY_TEMPLATE_ID = TEMPLATE
        settings.NOTIFY_REPLY_TO_ID = ""
        yield stub


def test_a_notification_goes_through_notify(notify, inspector) -> None:
    notifications.notify(kind=Kind.APPROVED, recipients=[inspector], subject="Kent is approved", key="k", link="/r/")
    assert notifications.notifications_email_due() == {"sent": 1, "failed": 0}
    [request] = notify.requests
    assert request["email_address"] == inspector.email
    assert request["template_id"] == TEMPLATE
    assert request["personalisation"]["subject"] == "Kent is approved"
    assert "/r/" in request["personalisation"]["body"]
    assert notify.refused == []


def test_a_message_to_two_people_is_two_requests(notify) -> None:
    message = EmailMultiAlternatives("Hello", "Body", to=["a@example.org", "b@example.org"])
    assert mail.get_connection().send_messages([message]) == 1
    assert [r["email_address"] for r in notify.requests] == ["a@example.org", "b@example.org"]


def test_a_refusal_from_notify_leaves_the_email_to_try_again(notify, settings, inspector) -> None:
    settings.NOTIFY_API_KEY = API_KEY[:-6] + "000000"  # a wrong secret: Notify refuses the token
    notifications.notify(kind=Kind.APPROVED, recipients=[inspector], subject="s", key="k")
    assert notifications.notifications_email_due() == {"sent": 0, "failed": 1}
    assert notify.refused and notify.requests == []
    settings.NOTIFY_API_KEY = API_KEY
    assert notifications.notifications_email_due() == {"sent": 1, "failed": 0}
