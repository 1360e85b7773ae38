"""The workspace's notifications: the unread count in the header, the list, opening one (read from
then on), marking all read, the settings, and the mail kept by ``make run`` (DEBUG only)."""

from __future__ import annotations

from http import HTTPStatus

import pytest
from django.urls import reverse

from notifications import services as notifications
from notifications.kinds import Delivery, Kind
from notifications.models import Notification, NotificationSetting
from tests.sign_in import sign_in

pytestmark = pytest.mark.django_db


def tell(person, key: str, link: str = "/workspace/", **extra):  # type: ignore[no-untyped-def]
    [notification] = notifications.notify(
        kind=extra.pop("kind", Kind.APPROVED), recipients=[person], subject=f"About {key}", key=key, link=link, **extra
    )
    return notification


def test_the_header_counts_unread_notifications(client, inspector) -> None:
    sign_in(client, inspector)
    page = client.get(reverse("reports:dashboard")).content.decode()
    assert ">Notifications</a>" in page  # none unread: no count
    tell(inspector, "a")
    tell(inspector, "b")
    page = client.get(reverse("reports:dashboard")).content.decode()
    assert '<span class="app-count">2<span class="govuk-visually-hidden"> unread</span></span>' in page


def test_opening_a_notification_marks_it_read_and_leads_to_the_work(client, inspector, editor) -> None:
    mine = tell(inspector, "a", link="/workspace/reports/1/")
    theirs = tell(editor, "b")
    sign_in(client, inspector)
    page = client.get(reverse("notifications:list")).content.decode()
    assert "About a" in page and "About b" not in page
    assert client.get(reverse("notifications:open", args=[mine.pk])).status_code == HTTPStatus.METHOD_NOT_ALLOWED
    response = client.post(reverse("notifications:open", args=[mine.pk]))
    assert response.status_code == HTTPStatus.FOUND and response["Location"] == "/workspace/reports/1/"
    mine.refresh_from_db()
    assert mine.is_read
    # Someone else's: not found, and not marked.
    assert client.post(reverse("notifications:open", args=[theirs.pk])).status_code == HTTPStatus.NOT_FOUND
    theirs.refresh_from_db()
    assert not theirs.is_read


def test_a_link_off_the_site_is_not_followed(client, inspector) -> None:
    notification = tell(inspector, "a", link="https://elsewhere.example/")
    sign_in(client, inspector)
    response = client.post(reverse("notifications:open", args=[notification.pk]))
    assert response["Location"] == reverse("notifications:list")


def test_mark_all_read(client, inspector) -> None:
    tell(inspector, "a")
    tell(inspector, "b")
    sign_in(client, inspector)
    response = client.post(reverse("notifications:mark_all_read"), follow=True)
    assert "2 notifications marked as read" in response.content.decode()
    assert not Notification.objects.filter(read_at__isnull=True).exists()


def test_the_list_is_paginated(client, inspector) -> None:
    for number in range(30):
        tell(inspector, f"n{number:02}")
    sign_in(client, inspector)
    first = client.get(reverse("notifications:list")).content.decode()
    second = client.get(reverse("notifications:list") + "?page=2").content.decode()
    assert first.count('id="notification-') == 25 and second.count('id="notification-') == 5
    assert "About n29" in first and "About n00" in second


def test_settings_save_each_choice_and_urgent_kinds_are_not_offered(client, inspector) -> None:
    sign_in(client, inspector)
    page = client.get(reverse("notifications:settings")).content.decode()
    assert Kind.SUBMITTED.label in page
    assert Kind.PDF_FAILED.label not in page  # urgent: not a choice
    data = {kind: Delivery.IMMEDIATE for kind in Kind.values if kind not in (Kind.PDF_FAILED, Kind.GO_LIVE_LATE)}
    data[Kind.COMMENT] = Delivery.DIGEST
    data[Kind.PUBLISHED] = Delivery.OFF
    response = client.post(reverse("notifications:settings"), data, follow=True)
    assert "Your notification settings are saved" in response.content.decode()
    chosen = dict(NotificationSetting.objects.filter(person=inspector).values_list("kind", "delivery"))
    assert chosen[Kind.COMMENT] == Delivery.DIGEST and chosen[Kind.PUBLISHED] == Delivery.OFF


def test_a_settings_form_with_a_bad_choice_says_so(client, inspector) -> None:
    sign_in(client, inspector)
    response = client.post(reverse("notifications:settings"), {Kind.COMMENT: "sometimes"})
    assert response.status_code == HTTPStatus.OK
    page = response.content.decode()
    assert "govuk-error-summary" in page and "Select how you want to hear of this" in page
    assert not NotificationSetting.objects.exists()


def test_the_mail_kept_by_make_run_is_listed_with_debug_on_only(client, inspector, settings, tmp_path) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    settings.EMAIL_FILE_PATH = str(tmp_path)
    tell(inspector, "a")
    notifications.notifications_email_due()
    sign_in(client, inspector)
    settings.DEBUG = False
    assert client.get(reverse("notifications:outbox")).status_code == HTTPStatus.NOT_FOUND
    settings.DEBUG = True
    page = client.get(reverse("notifications:outbox")).content.decode()
    assert "About a</h2>" in page and f"To {inspector.email}" in page


def test_notification_pages_are_for_staff_only(client, make_user) -> None:
    assert client.get(reverse("notifications:list")).status_code == HTTPStatus.FOUND  # to sign in
    sign_in(client, make_user())  # no role
    assert client.get(reverse("notifications:list")).status_code == HTTPStatus.FORBIDDEN


def test_the_kept_mail_shows_each_person_only_their_own(
    client, inspector, editor, administrator, settings, tmp_path
) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    settings.EMAIL_FILE_PATH = str(tmp_path)
    settings.DEBUG = True
    tell(inspector, "for-ivy")
    tell(editor, "for-ed")
    notifications.notifications_email_due()
    sign_in(client, inspector)
    page = client.get(reverse("notifications:outbox")).content.decode()
    assert "About for-ivy" in page and "About for-ed" not in page
    sign_in(client, administrator)
    page = client.get(reverse("notifications:outbox")).content.decode()
    assert "About for-ivy" in page and "About for-ed" in page
