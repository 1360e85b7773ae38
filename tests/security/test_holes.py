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
