"""Found and shared well: one meta description on every public page, and on a report's page the Open Graph
and Twitter card tags that make a shared link preview with the title, the force, the overall grade and
the date, in the page's language."""

from __future__ import annotations

import re

import pytest
from django.utils import timezone

from tests.publishing.helpers import force, make_programme, make_report, render_all

pytestmark = pytest.mark.django_db


def metas(body: str) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for key, value in re.findall(r'<meta (?:name|property)="([^"]+)" content="([^"]*)"', body):
        found.setdefault(key, []).append(value)
    return found


@pytest.fixture
def report(people, fast_pdfs):  # type: ignore[no-untyped-def]
    made = make_report(make_programme("Legitimacy 2016", 2016), force("gwent-police"), people, state="published")
    render_all()
    return made


def test_every_public_page_has_one_description(client, report) -> None:
    for url in (
        "/",
        "/reports/",
        "/forces/",
        "/forces/gwent-police/",
        f"/programmes/{report.inspection.programme.slug}/",
        f"/reports/{report.slug}/",
        "/cy/",
        "/cy/heddluoedd/gwent-police/",
        f"/cy/adroddiadau/{report.slug_cy}/",
    ):
        descriptions = metas(client.get(url).content.decode()).get("description", [])
        assert len(descriptions) == 1 and len(descriptions[0]) > 40, (url, descriptions)


def test_a_report_link_previews_with_its_title_grade_and_date(client, report) -> None:
    today = timezone.localdate().strftime("%-d %B %Y")
    tags = metas(client.get(f"/reports/{report.slug}/").content.decode())
    assert tags["og:title"] == ["Gwent Police: Legitimacy 2016"] == tags["twitter:title"]
    assert tags["og:description"] == [f"Gwent Police: Legitimacy 2016. Overall legitimacy: Good. Published {today}."]
    assert tags["og:url"] == [f"http://127.0.0.1:8000/reports/{report.slug}/"]
    assert tags["og:type"] == ["article"] and tags["og:locale"] == ["en_GB"] and tags["twitter:card"] == ["summary"]
    welsh = metas(client.get(f"/cy/adroddiadau/{report.slug_cy}/").content.decode())
    assert welsh["og:locale"] == ["cy_GB"]
    assert welsh["og:title"] == ["Heddlu Gwent: Cymraeg: Legitimacy 2016"]
    assert "Yn gyffredinol: cyfreithlondeb: Da." in welsh["og:description"][0]
    assert "Cyhoeddwyd" in welsh["og:description"][0]
