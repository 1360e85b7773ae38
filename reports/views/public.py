"""What the public reads. Every view here finds reports through ``reports.selectors.published_reports``
(or ``withdrawn_reports`` for a withdrawal notice): nothing else is reachable, whatever the URL."""

from __future__ import annotations

from http import HTTPStatus

from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.safestring import mark_safe

from reports import markup, selectors
from reports.models import Edition, Report
from reports.rendering import report_document

PAGE_SIZE = 25


def _published(slug: str) -> Report:
    report = selectors.published_reports().filter(slug=slug).first()
    if report is None:
        raise Http404("No published report has that address")
    return report


def report_list(request: HttpRequest) -> HttpResponse:
    reports = selectors.published_reports().order_by("-first_published_at", "inspection__force__name")
    page = Paginator(reports, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "reports/public/list.html", {"page": page})


def report_page(request: HttpRequest, slug: str) -> HttpResponse:
    report = selectors.published_reports().filter(slug=slug).first()
    if report is None:
        withdrawn = selectors.withdrawn_reports().filter(slug=slug).first()
        if withdrawn is None:
            raise Http404("No published report has that address")
        return render(request, "reports/public/withdrawn.html", {"report": withdrawn}, status=HTTPStatus.GONE)
    editions = list(selectors.live_editions(report))
    current = editions[0]
    document = report_document(
        report,
        current.revision,
        edition=current.number,
        published_on=report.first_published_at.date() if report.first_published_at else None,
        change_note=current.change_note,
    )
    return render(
        request,
        "reports/public/report.html",
        {"report": report, "edition": current, "editions": editions, **document},
    )


def edition_pdf(request: HttpRequest, slug: str, number: int | None = None) -> FileResponse:
    """A live edition's PDF, streamed from storage (local disk or S3) through this check, never from
    a public storage URL."""
    report = _published(slug)
    editions = selectors.live_editions(report).filter(render_status=Edition.RenderStatus.READY)
    edition = editions.filter(number=number).first() if number is not None else editions.first()
    if edition is None or not edition.pdf:
        raise Http404("That edition has no PDF")
    response = FileResponse(
        edition.pdf.open("rb"),
        content_type="application/pdf",
        as_attachment=False,
        filename=f"{report.slug}-edition-{edition.number}.pdf",
    )
    response["Content-Length"] = str(edition.pdf_size or edition.pdf.size)
    response["ETag"] = f'"{edition.pdf_sha256}"'
    response["Cache-Control"] = "public, max-age=300"
    return response


def press_release(request: HttpRequest, slug: str) -> HttpResponse:
    report = _published(slug)
    release = getattr(report, "press_release", None)
    if release is None:
        raise Http404("This report has no press release")
    body = mark_safe(markup.render(release.body))  # noqa: S308 - markup.render sanitises
    return render(request, "reports/public/press_release.html", {"report": report, "release": release, "body": body})
