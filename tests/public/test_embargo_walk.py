"""The embargo, walked: every public URL pattern, with every report of the demo data in every state
before publication (draft, in review, changes requested, approved, scheduled) and one withdrawn
after it, proves that no content of any of them appears anywhere the public can reach, in English or
in Welsh (every public page again under /cy/, with its Welsh paths and the reports' Welsh slugs).

Each hidden report carries a canary: a word of its own written into every part of every revision,
its judgments' narratives, its findings, its press release, its search text and a rendered PDF. The
walk then asks every public URL pattern for every value its parameters can take (every report,
force and programme slug, every edition number), with search and filter queries aimed at the hidden
reports, and reads every answer, page, feed, CSV, JSON and PDF alike, for a canary.

A public URL pattern added without a way to fill it here fails the walk, so it stays complete.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from http import HTTPStatus

import pytest
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Value
from django.db.models.functions import Concat
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import translation

from fieldwork.models import ForceRequest, ModerationDecision, RequestAnswer, RequestFile
from inspections.evidence import CaseFile, Evidence, EvidenceFile
from inspections.models import Finding, Force, Judgment, Programme
from publishing import services as publication
from publishing.models import Edition, PressRelease
from publishing.selectors import published_reports
from reports.models import RecordTranslation, Report, ReportState, Revision, Translation
from tests.security.policy import assert_strict_policy

pytestmark = pytest.mark.django_db

#: URL namespaces (and names outside one) that the public can reach without signing in.
PUBLIC_NAMESPACES = ("public", "public_forces", "public_programmes", "data", "api")
PUBLIC_NAMES = ("home", "robots_txt", "sitemap", "api_not_found")
#: Namespaces for staff, or for a liaison with a token: not the public site.
STAFF_NAMESPACES = (
    "admin",
    "reports",
    "publishing",
    "notifications",
    "fieldwork",
    "accounts",
)  # the workspace (tests/reports/test_views.py)
STAFF_NAMES = (
    "healthz",
    "healthz_live",
    "healthz_ready",
    "healthz_scheduler",
    "metrics",
    "fact_check",
    "force_requests",
    "login",
    "logout",
    "password_change",
    "password_change_done",
    "password_reset",
    "password_reset_done",
    "password_reset_confirm",
    "password_reset_complete",
    "second_factor_verify",
    "second_factor_set_up",
    "security",
    "recovery_codes",
    "second_factor_turn_off",
    "admin_sign_in",
)
#: Redirects to a static file, with no content of their own.
ASSET_NAMES = ("favicon",)


FIELDWORK_CANARY = "FIELDWORKCANARY"


def welsh_canary(report: Report) -> str:
    return f"CANERIGYMRAEG{report.pk:04d}X"


def canary(report: Report) -> str:
    return f"CANARY{report.pk:04d}X"


def public_patterns() -> Iterator[tuple[str, str, URLPattern]]:
    """(namespace, route, pattern) for every URL pattern of the project, with its full route, in English
    and then in Welsh (the routes under ``i18n_patterns`` are translated: "cy/adroddiadau/...")."""
    for language in ("en-gb", "cy"):
        with translation.override(language):
            for namespace, route, pattern in _patterns():
                if language == "en-gb" or route.startswith("cy/"):
                    yield namespace, route, pattern


def _patterns() -> Iterator[tuple[str, str, URLPattern]]:

    def walk(patterns, namespace: str, prefix: str) -> Iterator[tuple[str, str, URLPattern]]:  # type: ignore[no-untyped-def]
        for entry in patterns:
            if isinstance(entry, URLResolver):
                yield from walk(entry.url_patterns, entry.namespace or namespace, prefix + str(entry.pattern))
            else:
                yield namespace, prefix + str(entry.pattern), entry

    yield from walk(get_resolver().url_patterns, "", "")


@pytest.fixture
def demo(demo_data, django_user_model, fast_pdfs):  # type: ignore[no-untyped-def]
    """The demo data, one 2016 report withdrawn, and a canary in everything of every hidden report."""
    editor = django_user_model.objects.get(email="editor@example.org")
    withdrawn = published_reports().get(slug="peel-police-legitimacy-2016-kent-police")
    publication.report_withdraw(report=withdrawn, actor=editor, reason="Demo: withdrawn to walk the embargo.")
    # A Welsh force's report frozen with its Welsh (as approval freezes it), so that it has a Welsh slug.
    welsh = Report.objects.get(slug="peel-police-legitimacy-2017-dyfed-powys-police")
    Report.objects.filter(pk=welsh.pk).update(approved_revision=welsh.latest_revision())
    welsh.refresh_from_db()
    with transaction.atomic():
        assert publication.edition_prepare(report=welsh, actor=editor).bilingual
    hidden = list(Report.objects.exclude(state=ReportState.PUBLISHED).select_related("inspection"))
    for report in hidden:
        mark = canary(report)
        for revision in Revision.objects.filter(report=report):
            content = {key: f"{text} {mark}" for key, text in revision.content.items()}
            Revision.objects.filter(pk=revision.pk).update(content=content)
        # The Welsh of a Welsh force's draft, with a Welsh canary word.
        Translation.objects.filter(report=report).update(text=Concat("text", Value(f" {welsh_canary(report)}")))
        RecordTranslation.objects.filter(report=report).update(text=Concat("text", Value(f" {welsh_canary(report)}")))
        for judgment in Judgment.objects.filter(inspection=report.inspection):
            Judgment.objects.filter(pk=judgment.pk).update(narrative=f"{judgment.narrative} {mark}")
        for finding in Finding.objects.filter(inspection=report.inspection):
            Finding.objects.filter(pk=finding.pk).update(text=f"{finding.text} {mark}")
        Report.objects.filter(pk=report.pk).update(search_text=f"{report.search_text} {mark}")
        PressRelease.objects.update_or_create(
            report=report, defaults={"headline": f"Headline {mark}", "body": f"Body {mark}"}
        )
        # A ready PDF for every hidden report, so that "unreachable" is about the door, not the file.
        edition = report.editions.order_by("-number").first() or Edition.objects.create(
            report=report, number=1, revision=report.latest_revision(), created_by=editor
        )
        content = f"%PDF-1.7 {mark}".encode()
        edition.pdf.save(f"{mark}.pdf", ContentFile(content), save=False)
        edition.pdf_size, edition.pdf_pages = len(content), 1
        edition.pdf_sha256 = hashlib.sha256(content).hexdigest()
        if edition.bilingual:  # frozen with its Welsh: a Welsh PDF and page, each with the Welsh canary
            welsh = f"%PDF-1.7 {welsh_canary(report)}".encode()
            edition.pdf_cy.save(f"{mark}-cy.pdf", ContentFile(welsh), save=False)
            edition.pdf_cy_size, edition.pdf_cy_pages = len(welsh), 1
            edition.pdf_cy_sha256 = hashlib.sha256(welsh).hexdigest()
            edition.body_html_cy = edition.glance_html_cy = f"<p>{welsh_canary(report)}</p>"
            edition.welsh = {"parts": {"summary": welsh_canary(report)}, "record": {}}
        edition.render_status = Edition.RenderStatus.READY
        edition.save()
    # Fieldwork is never public, for published reports too: a canary in every part of every case file.
    live = published_reports().exclude(pk=withdrawn.pk).first()
    assert live is not None
    Evidence.objects.create(
        inspection=live.inspection, kind="interview", gathered_on=live.inspection.fieldwork_start, gathered_by=editor
    ).judgments.set(live.inspection.judgments.all())
    Evidence.objects.update(summary=Concat("summary", Value(f" {FIELDWORK_CANARY}")), notes=FIELDWORK_CANARY)
    EvidenceFile.objects.update(name=Concat(Value(f"{FIELDWORK_CANARY}-"), "name"))
    ForceRequest.objects.update(title=Concat("title", Value(f" {FIELDWORK_CANARY}")), detail=FIELDWORK_CANARY)
    RequestAnswer.objects.update(note=FIELDWORK_CANARY)
    RequestFile.objects.update(name=Concat(Value(f"{FIELDWORK_CANARY}-"), "name"))
    CaseFile.objects.update(reference=Concat("reference", Value(f"-{FIELDWORK_CANARY}")))
    ModerationDecision.objects.update(reason=FIELDWORK_CANARY)
    assert Evidence.objects.filter(inspection__report__state=ReportState.PUBLISHED).exists()
    assert RequestFile.objects.exists() and ModerationDecision.objects.exists() and CaseFile.objects.exists()
    states = {report.state for report in hidden}
    assert states == {
        ReportState.DRAFT,
        ReportState.IN_REVIEW,
        ReportState.CHANGES_REQUESTED,
        ReportState.APPROVED,
        ReportState.SCHEDULED,
        ReportState.WITHDRAWN,
    }, states
    return hidden, withdrawn


def concrete_urls(route: str, hidden: list[Report]) -> list[str]:
    """``route`` (a Django route, possibly with converters) for every value its parameters can take."""
    slugs = {
        "report": [r.slug for r in Report.objects.all()] + [r.slug_cy for r in Report.objects.exclude(slug_cy=None)],
        "force": list(Force.objects.values_list("slug", flat=True)),
        "programme": list(Programme.objects.values_list("slug", flat=True)),
    }
    if "<" not in route:
        return ["/" + route]
    if route.startswith(("forces/", "api/v1/forces/", "cy/heddluoedd/")):
        values = slugs["force"]
    elif route.startswith(("programmes/", "cy/rhaglenni/")):
        values = slugs["programme"]
    elif route.startswith(("reports/", "api/v1/reports/", "cy/adroddiadau/")):
        values = slugs["report"]
    elif route.startswith("^api/"):
        return [f"/api/v1/reports/{report.slug}/editions/" for report in hidden] + ["/api/v2/reports/"]
    else:
        raise AssertionError(f"The embargo walk cannot fill the public route {route!r}: teach it how")
    urls = []
    for value in values:
        url = "/" + route.replace("<slug:slug>", value)
        if "<int:number>" in url:
            urls += [url.replace("<int:number>", str(number)) for number in (1, 2)]
        else:
            urls.append(url)
    return urls


def aimed_queries(hidden: list[Report]) -> list[str]:
    """Searches and filters aimed at the hidden reports."""
    urls = ["/reports/?year=2017", "/reports/?programme=peel-police-legitimacy-2017", "/reports/?grade=inadequate"]
    urls += [f"/reports/?q={canary(report)}" for report in hidden]
    urls += [f"/reports/?force={report.inspection.force.slug}&year=2017" for report in hidden[:5]]
    urls += ["/api/v1/reports/?page=2", "/api/v1/recommendations/?page=2", "/api/v1/reports/?force=kent-police"]
    # In Welsh, and by the Welsh words of the hidden reports.
    urls += ["/cy/adroddiadau/?year=2017", "/cy/adroddiadau/?programme=peel-police-legitimacy-2017"]
    urls += [f"/cy/adroddiadau/?q={welsh_canary(report)}" for report in hidden]
    urls += [f"/reports/?q={welsh_canary(report)}" for report in hidden]
    return urls


def body_of(response) -> str:  # type: ignore[no-untyped-def]
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return content.decode("utf-8", errors="replace")


def test_no_content_of_any_report_before_publication_or_after_withdrawal_is_reachable(client, demo) -> None:
    hidden, withdrawn = demo
    hidden_slugs = {report.slug for report in hidden} | {report.slug_cy for report in hidden if report.slug_cy}
    assert any(report.slug_cy for report in hidden), "a Welsh force's report waits to go live with its Welsh"
    canaries = [canary(report) for report in hidden] + [welsh_canary(report) for report in hidden]
    assert Translation.objects.filter(report__in=hidden, text__contains="CANERIGYMRAEG").exists()

    walked: dict[str, int] = {}
    unfilled = []
    for namespace, route, pattern in public_patterns():
        name = pattern.name or ""
        if namespace in STAFF_NAMESPACES or name in STAFF_NAMES or name in ASSET_NAMES or route.startswith("static/"):
            continue
        if namespace not in PUBLIC_NAMESPACES and name not in PUBLIC_NAMES:
            unfilled.append((namespace, route, name))
            continue
        for url in concrete_urls(route, hidden):
            walked[url] = 0
    assert not unfilled, f"URL patterns the walk does not know as public or staff: {unfilled}"
    for url in aimed_queries(hidden):
        walked[url] = 0
    assert len(walked) > 1800
    assert sum(1 for url in walked if url.startswith("/cy/adroddiadau/")) > 400

    for url in walked:
        response = client.get(url)
        walked[url] = response.status_code
        assert_strict_policy(response, url)
        if response.status_code == HTTPStatus.FOUND:
            # A Welsh address of an English-only document (a press release) sends the reader to the English.
            assert url.startswith("/cy/adroddiadau/"), url
            assert not [s for s in hidden_slugs if f"/{s}/" in response["Location"]], url
            continue
        assert response.status_code in (HTTPStatus.OK, HTTPStatus.BAD_REQUEST, HTTPStatus.NOT_FOUND, HTTPStatus.GONE), (
            url
        )
        body = body_of(response)
        if "?q=" in url:  # the search box shows what was searched for: that is not a leak
            body = body.replace(url.split("?q=")[1], "")
        leaked = [mark for mark in [*canaries, FIELDWORK_CANARY] if mark in body]
        assert not leaked, (url, leaked)
        slug = next((s for s in hidden_slugs if f"/{s}/" in url), None)
        if slug is None:
            # A page about other things names no hidden report, not even by its address; but for the
            # withdrawn one, whose notice is public (its force's page and the feed point to it).
            named = [s for s in hidden_slugs if f"/reports/{s}/" in body or f"/adroddiadau/{s}/" in body]
            assert not [s for s in named if s != withdrawn.slug], url
            assert "peel-police-legitimacy-2017" not in body or "peel-police-legitimacy-2017" in url, url
        elif url in (
            f"/reports/{withdrawn.slug}/",
            f"/cy/adroddiadau/{withdrawn.slug_cy}/",
            f"/api/v1/reports/{withdrawn.slug}/",
        ):
            assert response.status_code == HTTPStatus.GONE, url  # the notice, and only the notice
            assert "Demo: withdrawn to walk the embargo." in body
        else:
            assert response.status_code == HTTPStatus.NOT_FOUND, url

    # Every URL of a hidden report answers 404 (or the withdrawal notice), and the published ones work.
    published = published_reports().first()
    assert published is not None
    assert client.get(f"/reports/{published.slug}/").status_code == HTTPStatus.OK
    welsh = published_reports().exclude(slug_cy=None).first()
    assert welsh is not None
    assert client.get(f"/cy/adroddiadau/{welsh.slug_cy}/").status_code == HTTPStatus.OK
    assert sum(1 for status in walked.values() if status == HTTPStatus.OK) > 100
