"""The holes the attack on issue 11 found, each reproduced: the test fails without its fix."""

from __future__ import annotations

from http import HTTPStatus

import pytest
from django.urls import reverse

from reports import services
from reports.models import Section

pytestmark = pytest.mark.django_db

PAYLOAD = '<img src=x onerror="alert(1)">'


def test_a_question_title_from_the_admin_is_text_in_every_form_label(client, report, inspector, lead_inspector) -> None:
    section = Section.objects.filter(report=report).select_related("question").first()
    question = section.question
    question.short_title = PAYLOAD
    question.save()
    client.force_login(lead_inspector)
    for url in (
        reverse("reports:part", args=[report.pk, section.key]),
        reverse("reports:parts_assign", args=[report.pk]),
        reverse("reports:judgments", args=[report.pk]),
    ):
        page = client.get(url).content.decode()
        assert PAYLOAD not in page, url
        assert "&lt;img src=x" in page, url
    _ = services, HTTPStatus, inspector


def test_an_administrator_who_is_not_a_superuser_cannot_make_one(client, administrator, inspector, make_user) -> None:
    from accounts.models import User

    client.force_login(administrator)
    url = reverse("admin:accounts_user_change", args=[inspector.pk])
    page = client.get(url).content.decode()
    assert 'name="is_superuser"' not in page  # shown, not offered
    response = client.post(
        url,
        {
            "email": inspector.email,
            "name": inspector.name,
            "groups": [g.pk for g in inspector.groups.all()],
            "is_active": "on",
            "is_staff": "on",
            "is_superuser": "on",
        },
    )
    assert response.status_code == HTTPStatus.FOUND, response.content.decode()[:2000]
    inspector.refresh_from_db()
    assert not inspector.is_superuser
    root = User.objects.create_superuser("root@example.org", "a-long-password-1234", name="Root")
    root_url = reverse("admin:accounts_user_change", args=[root.pk])
    assert 'name="email"' not in client.get(root_url).content.decode()  # view only
    assert client.post(root_url, {"email": "x@example.org", "name": "X"}).status_code == HTTPStatus.FORBIDDEN
    password_url = reverse("admin:auth_user_password_change", args=[root.pk])
    assert client.get(password_url).status_code == HTTPStatus.FORBIDDEN
    _ = make_user
