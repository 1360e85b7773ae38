"""What the public reads. Every view here finds reports through ``publishing.selectors.published_reports``
(or ``withdrawn_reports`` for a withdrawal notice): nothing else is reachable, whatever the URL."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from http import HTTPStatus

from django.conf import settings
from django.core.paginator import Paginator
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    HttpResponsePermanentRedirect,
    QueryDict,
)
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from inspectorate.languages import ENGLISH, WELSH, is_welsh
from public import selectors as public_selectors
from public.cache import public_page
from public.forms import ReportFilterForm
from public.links import report_url
from publishing import selectors as publishing_selectors
from publishing.models import Edition
from publishing.rendering import render_report_html
from reports import markup
from reports.models import Report

PAGE_SIZE = 25


def _published(slug: str, *, welsh: bool = False) -> Report:
    report = publishing_selectors.published_reports().filter(**{"slug_cy" if welsh else "slug": slug}).first()
    if report is None:
        raise Http404("No published report has that address")
    return report


#: How many of the latest reports the home page lists.
HOME_LATEST = 6


#: What crawlers are asked to leave alone: staff pages, and the liaison's fact-check links.
ROBOTS_DISALLOW = ("/workspace/", "/admin/", "/accounts/", "/fact-check/")


@public_page
def robots_txt(request: HttpRequest) -> HttpResponse:
    lines = ["User-agent: *", *(f"Disallow: {path}" for path in ROBOTS_DISALLOW), ""]
    lines.append(f"Sitemap: {settings.SITE_URL}{reverse('sitemap')}")
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


def favicon(request: HttpRequest) -> HttpResponse:
    """``/favicon.ico``, which browsers and feed readers ask for whatever the page says: the icon."""
    return HttpResponsePermanentRedirect(static("favicon.svg"))


@public_page
def home(request: HttpRequest) -> HttpResponse:
    """``/``: the latest publications, the dates of those to come (the date only) and a search box."""
    now = timezone.now()
    latest = list(public_selectors.find_reports(public_selectors.ReportQuery(), now=now)[:HOME_LATEST])
    overall = public_selectors.overall_judgments(latest, now=now)
    return render(
        request,
        "public/home.html",
        {
            "latest": [(report, overall[report.pk]) for report in latest],
            "upcoming": public_selectors.upcoming_publications(now=now),
            "programmes": list(public_selectors.published_programmes(now=now)[:4]),
        },
    )


@public_page
def report_list(request: HttpRequest) -> HttpResponse:
    """``/reports/``: published reports, newest first, filtered and searched by the query string.
    A filter value that matches nothing public is named in an error message and ignored; a page number
    out of range shows the nearest page."""
    now = timezone.now()
    choices = public_selectors.report_filter_choices(now=now, welsh=is_welsh())
    form = ReportFilterForm(request.GET or None, choices=choices)
    if form.is_bound:
        form.is_valid()
    query = form.query()
    reports = public_selectors.find_reports(query, now=now)
    page = Paginator(reports, PAGE_SIZE).get_page(request.GET.get("page"))
    overall = public_selectors.overall_judgments(list(page.object_list), now=now)
    results = [(report, overall[report.pk]) for report in page.object_list]
    return render(
        request,
        "public/list.html",
        {
            "form": form,
            "query": query,
            "page": page,
            "results": results,
            "active_filters": _active_filters(form),
            "english_choices": choices.english,
        },
    )


def _active_filters(form: ReportFilterForm) -> list[tuple[str, str, str]]:
    """(label, value shown, the query string without it) for each filter in use, to remove one."""
    if not form.is_bound:
        return []
    active = []
    for name in ("q", "force", "programme", "year", "pillar", "grade"):
        value = form.cleaned_data.get(name) if hasattr(form, "cleaned_data") else None
        if value in (None, ""):
            continue
        field = form.fields[name]
        shown = dict(getattr(field, "choices", [])).get(str(value), str(value)) if name != "q" else f"“{value}”"
        remaining = QueryDict(mutable=True)
        remaining.update(form.data)
        for key in (name, "page"):
            remaining.pop(key, None)
        active.append((str(field.label) if name != "q" else _("Search"), str(shown), remaining.urlencode()))
    return active


@dataclass(frozen=True)
class EditionRow:
    """One edition in a report page's table of editions, in the page's language."""

    number: int
    published_at: datetime.datetime | None
    change_note: str
    note_lang: str  # "en-GB" when a Welsh page shows an English-only edition's note, else ""
    pdf_url: str
    pdf_size: int | None
    pdf_lang: str  # "en-GB" when a Welsh page links an English-only edition's PDF, else ""


def _edition_rows(report: Report, editions: list[Edition], *, welsh: bool) -> list[EditionRow]:
    rows = []
    for item in editions:
        in_welsh = welsh and item.bilingual
        english = welsh and not item.bilingual
        ready = item.render_status == Edition.RenderStatus.READY
        rows.append(
            EditionRow(
                number=item.number,
                published_at=item.published_at,
                change_note=item.change_note_cy if in_welsh else item.change_note,
                note_lang="en-GB" if english and item.change_note else "",
                pdf_url=report_url(report, "edition_pdf", item.number, language=WELSH if in_welsh else ENGLISH)
                if ready
                else "",
                pdf_size=item.pdf_cy_size if in_welsh else item.pdf_size,
                pdf_lang="en-GB" if english else "",
            )
        )
    return rows


@public_page
def report_page(request: HttpRequest, slug: str) -> HttpResponse:
    """A published report's page: in English at its slug; in Welsh, for a Welsh force's report, at its
    Welsh slug under ``/cy/adroddiadau/``, from the Welsh of the same edition."""
    welsh = is_welsh()
    editions = publishing_selectors.published_report_editions(slug, welsh=welsh)
    if not editions:
        withdrawn = publishing_selectors.withdrawn_reports().filter(**{"slug_cy" if welsh else "slug": slug}).first()
        if withdrawn is None:
            raise Http404("No published report has that address")
        return render(request, "public/withdrawn.html", {"report": withdrawn}, status=HTTPStatus.GONE)
    current = editions[0]
    report = current.report
    if welsh and not current.bilingual:
        # A correction in Welsh is on its way, but the live edition is in English only.
        return redirect(report_url(report, language=ENGLISH))
    glance, body = (current.glance_html_cy, current.body_html_cy) if welsh else (current.glance_html, current.body_html)
    if not body:  # not rendered yet (its PDF is still to come): render the same content now
        html = render_report_html(report, current.revision, record=current, language=WELSH if welsh else ENGLISH)
        glance, body = html.glance, html.body
    ready = current.render_status == Edition.RenderStatus.READY
    inspection = report.inspection
    heading = (
        f"{inspection.force.name_cy}: {inspection.programme.name_cy}"
        if welsh
        else f"{inspection.force_name}: {inspection.programme.name}"
    )
    grades = current.overall_text_cy if welsh else current.overall_text
    published = date_format(timezone.localtime(report.first_published_at), "j F Y") if report.first_published_at else ""
    description = " ".join(
        part
        for part in (f"{heading}.", f"{grades}." if grades else "", _("Published %(date)s.") % {"date": published})
        if part
    )
    alternates = {"en": report_url(report, language=ENGLISH)}
    if current.bilingual:
        alternates["cy"] = report_url(report, language=WELSH)
    return render(
        request,
        "public/report.html",
        {
            "report": report,
            "edition": current,
            "page_heading": heading,
            "page_description": description,
            # The PCC must respond within 56 days of publication: readers see when, or that it is late.
            "pcc_due": report.pcc_response_due,
            "pcc_overdue": report.pcc_response_due is not None and report.pcc_response_due < timezone.localdate(),
            "change_note": current.change_note_cy if welsh else current.change_note,
            "pdf": {
                "url": report_url(report, "edition_pdf", current.number),
                "size": current.pdf_cy_size if welsh else current.pdf_size,
                "pages": current.pdf_cy_pages if welsh else current.pdf_pages,
            }
            if ready
            else None,
            "edition_rows": _edition_rows(report, editions, welsh=welsh),
            "alternates": alternates,
            "language_switch_note": _("This report is in English only") if not current.bilingual else "",
            "glance_html": mark_safe(glance),  # noqa: S308 - rendered by our templates from sanitised parts
            "body_html": mark_safe(body),  # noqa: S308
        },
    )


def edition_pdf(request: HttpRequest, slug: str, number: int | None = None) -> FileResponse:
    """A live edition's PDF, streamed from storage (local disk or S3) through this check, never from
    a public storage URL. Under ``/cy/`` the Welsh PDF of a bilingual edition."""
    welsh = is_welsh()
    report = _published(slug, welsh=welsh)
    editions = publishing_selectors.live_editions(report).filter(render_status=Edition.RenderStatus.READY)
    edition = editions.filter(number=number).first() if number is not None else editions.first()
    if edition is None or not edition.pdf or (welsh and not edition.pdf_cy):
        raise Http404("That edition has no PDF")
    edition_word = _("edition")  # in the file's name: "...-argraffiad-1.pdf" in Welsh
    file, size, digest = (
        (edition.pdf_cy, edition.pdf_cy_size, edition.pdf_cy_sha256)
        if welsh
        else (edition.pdf, edition.pdf_size, edition.pdf_sha256)
    )
    response = FileResponse(
        file.open("rb"),
        content_type="application/pdf",
        as_attachment=False,
        filename=f"{slug}-{edition_word}-{edition.number}.pdf",
    )
    response["Content-Length"] = str(size or file.size)
    response["ETag"] = f'"{digest}"'
    response["Content-Language"] = WELSH if welsh else ENGLISH
    # No longer than a page: a withdrawn report's PDF leaves caches in front as soon as its page does.
    response["Cache-Control"] = f"public, max-age={settings.PUBLIC_MAX_AGE}"
    return response


def pcc_response(request: HttpRequest, slug: str) -> HttpResponseBase:
    """The police and crime commissioner's response to a published report, as the PDF it was recorded
    as, through the same door as the report (never a storage URL)."""
    if is_welsh():  # the commissioner's own document, in English: its one address is the English one
        return redirect(report_url(_published(slug, welsh=True), "pcc_response", language=ENGLISH))
    report = _published(slug)
    if not report.pcc_response_file:
        raise Http404("No response is recorded as a file for this report")
    response = FileResponse(
        report.pcc_response_file.open("rb"),
        content_type="application/pdf",
        as_attachment=False,
        filename=f"{report.slug}-pcc-response.pdf",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = f"public, max-age={settings.PUBLIC_MAX_AGE}"
    return response


@public_page
def press_release(request: HttpRequest, slug: str) -> HttpResponse:
    if is_welsh():  # press releases are in English: its one address is the English one
        return redirect(report_url(_published(slug, welsh=True), "press_release", language=ENGLISH))
    report = _published(slug)
    release = getattr(report, "press_release", None)
    if release is None:
        raise Http404("This report has no press release")
    body = mark_safe(markup.render(release.body))  # noqa: S308 - markup.render sanitises
    return render(request, "public/press_release.html", {"report": report, "release": release, "body": body})
