"""What the inspectorate published is exactly what was approved: a published report's judgments and
findings edited through every door (the record services, the workspace's pages, the admin) change
nothing public, on any public URL, until a correction publishes them; then the change is everywhere."""

from __future__ import annotations

import html as html_lib
import re
from http import HTTPStatus
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from inspections.models import Finding, Judgment
from publishing import services as publication
from reports import record
from reports.models import ReportEvent, ReportState
from tests.factories import grade
from tests.public.test_embargo_walk import PUBLIC_NAMES, PUBLIC_NAMESPACES, body_of, concrete_urls, public_patterns
from tests.publishing.helpers import force, make_programme, make_report, render_all
from tests.reports.test_record_lifecycle import _admin_form_data
from tests.sign_in import sign_in

pytestmark = pytest.mark.django_db

OLD_AFI = "Improve the handling of stop and search records."
NEW_AFI = "CORRECTED-AFI: improve how stop and search records are kept."
NEW_NARRATIVE = "CORRECTED-NARRATIVE: the force is outstanding at treating people fairly."
ADDED_AFI = "CORRECTED-ADDED: publish body-worn video policy."
ADMIN_AFI = "CORRECTED-ADMIN: train supervisors in scrutiny."


def public_urls() -> list[str]:
    urls: set[str] = set()
    for namespace, route, pattern in public_patterns():
        if namespace in PUBLIC_NAMESPACES or (pattern.name or "") in PUBLIC_NAMES:
            if route.startswith("^api/"):
                continue  # the JSON 404 for unknown API paths: nothing of a report's
            urls.update(concrete_urls(route, []))
    return sorted(urls)


def walk(client: Client, urls: list[str]) -> dict[str, tuple[int, str]]:
    pages = {}
    for url in urls:
        response = client.get(url)
        pages[url] = (response.status_code, body_of(response))
    return pages


@pytest.fixture
def published(people, fast_pdfs, django_capture_on_commit_callbacks):  # type: ignore[no-untyped-def]
    with django_capture_on_commit_callbacks(execute=True):
        report = make_report(
            make_programme("Legitimacy 2016", 2016), force("west-midlands-police"), people, state="published"
        )
        make_report(make_programme("Effectiveness 2016", 2016), force("kent-police"), people, state="published")
    Finding.objects.create(inspection=report.inspection, kind=Finding.Kind.AREA_FOR_IMPROVEMENT, text=OLD_AFI)
    Finding.objects.create(inspection=report.inspection, kind=Finding.Kind.AREA_FOR_IMPROVEMENT, text="Second AFI.")
    # The findings above were recorded before publication in real life: publish them as edition 2.
    with django_capture_on_commit_callbacks(execute=True):
        record.record_item_save(item=_touched(report.inspection.judgments.first()), actor=people.inspector)
        publication.report_correct(report=report, actor=people.editor, change_note="Findings added.")
        render_all()
        publication.publication_sweep()
    report.refresh_from_db()
    assert report.editions.filter(published_at__isnull=False).count() == 2
    return report


def _touched(judgment: Any) -> Any:
    judgment.narrative = judgment.narrative + " (checked)"
    return judgment


def test_a_published_record_changes_nothing_public_until_a_correction_then_everything(
    client: Client, people, published, django_capture_on_commit_callbacks
) -> None:
    report = published
    inspection = report.inspection
    urls = public_urls()
    assert len(urls) > 40
    before = walk(client, urls)
    report_page = f"/reports/{report.slug}/"
    assert OLD_AFI in before[report_page][1]

    staff = Client()
    sign_in(staff, people.inspector)
    with django_capture_on_commit_callbacks(execute=True):
        # The record services: an area for improvement reworded.
        afi = Finding.objects.get(inspection=inspection, text=OLD_AFI)
        afi.text = NEW_AFI
        record.record_item_save(item=afi, actor=people.inspector)
        # The workspace: the judgments page (a question's grade and narrative) and the findings page.
        judgment = Judgment.objects.filter(inspection=inspection, question__isnull=False).order_by("pk").first()
        assert judgment is not None and judgment.question is not None
        page = staff.get(reverse("reports:judgments", args=[report.pk]))
        assert page.status_code == HTTPStatus.OK
        data = {
            key: value for key, value in _form_fields(page.content.decode()).items() if key != "csrfmiddlewaretoken"
        }
        prefix = f"question-{judgment.question.pk}"
        data[f"{prefix}-grade"] = str(grade("outstanding").pk)
        data[f"{prefix}-narrative"] = NEW_NARRATIVE
        assert staff.post(reverse("reports:judgments", args=[report.pk]), data).status_code == HTTPStatus.FOUND
        response = staff.post(
            reverse("reports:findings", args=[report.pk]),
            {
                "form": "finding",
                "finding-kind": "afi",
                "finding-question": str(judgment.question.pk),
                "finding-text": ADDED_AFI,
            },
        )
        assert response.status_code == HTTPStatus.FOUND
        # The admin: the other area for improvement reworded.
        second = Finding.objects.get(inspection=inspection, text="Second AFI.")
        url = reverse("admin:inspections_areaforimprovement_change", args=[second.pk])
        form = _admin_form_data(staff.get(url))
        form["text"] = ADMIN_AFI
        assert staff.post(url, form).status_code == HTTPStatus.FOUND

    changes = ReportEvent.objects.filter(report=report, record_change=True, actor=people.inspector)
    assert changes.count() >= 4
    assert Judgment.objects.get(pk=judgment.pk).narrative == NEW_NARRATIVE
    after_edits = walk(client, urls)
    changed = [url for url in urls if after_edits[url] != before[url]]
    assert not changed, f"public pages changed before any correction: {changed}"

    # The correction: another editor publishes it (the inspector who edited may not).
    with django_capture_on_commit_callbacks(execute=True):
        publication.report_correct(report=report, actor=people.editor, change_note="Record corrected.")
        render_all()
        assert publication.publication_sweep()["corrections"] == 1
    after = walk(client, urls)
    for text in (NEW_AFI, ADDED_AFI, ADMIN_AFI):
        assert text in after[report_page][1], text
        assert text in after["/data/findings.csv"][1], text
        assert text in after["/data/findings.json"][1], text
        assert text in after[f"/api/v1/reports/{report.slug}/"][1], text
        assert OLD_AFI not in after[f"/api/v1/reports/{report.slug}/"][1]
    assert "Outstanding" in after[report_page][1] and "Outstanding" not in before[report_page][1]
    judgments_csv = "/data/judgments.csv"
    assert after[judgments_csv][1].count("Outstanding") == before[judgments_csv][1].count("Outstanding") + 1
    assert "Outstanding" in after[f"/api/v1/reports/{report.slug}/"][1]
    assert "Record corrected." in after["/reports/feed/"][1]
    assert report.editions.get(number=3).judgments.filter(narrative=NEW_NARRATIVE).exists()
    # The edition history keeps every edition's PDF.
    for number in (1, 2, 3):
        assert client.get(f"/reports/{report.slug}/editions/{number}/pdf/").status_code == HTTPStatus.OK
    report.refresh_from_db()
    assert report.state == ReportState.PUBLISHED


def _form_fields(html: str) -> dict[str, str]:
    """The values a browser would send from the page's form: text inputs, textareas and checked radios."""
    fields: dict[str, str] = {}
    for match in re.finditer(r"<input([^>]*)>", html):
        attributes = dict(re.findall(r'(\w[\w-]*)="([^"]*)"', match.group(1)))
        name = attributes.get("name")
        if not name:
            continue
        if attributes.get("type") == "radio" and "checked" not in match.group(1):
            continue
        fields[name] = html_lib.unescape(attributes.get("value", ""))
    for match in re.finditer(r'<textarea[^>]*name="([^"]+)"[^>]*>(.*?)</textarea>', html, re.S):
        fields[match.group(1)] = html_lib.unescape(match.group(2)).removeprefix("\n")
    return fields
