"""The read-only JSON API under ``/api/v1/``, described by ``/api/v1/openapi.json``.

Every read goes through ``public.open_data`` and so through ``publishing.selectors.published_reports``:
a report the public may not read is answered as if it did not exist. Every answer is JSON, errors
included (``{"error": "..."}`` with 400, 404 or 405): views return their error responses rather than
raising ``Http404``, whose page is HTML, and ``not_found`` answers any other path under ``/api/``.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from http import HTTPStatus
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect, JsonResponse
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

from inspections.models import Finding, Force
from public import open_data
from public.cache import public_page
from public.openapi import openapi_document
from publishing.models import Edition, EditionFinding, EditionJudgment
from publishing.selectors import withdrawn_reports
from reports.models import Report

#: Items per page of a paginated list.
PAGE_SIZE = 50

_PAGE_NUMBER = re.compile(r"[0-9]{1,9}")


class ApiError(Exception):
    """An answer other than success: ``api_view`` turns it into ``{"error": message, **detail}`` with
    ``status``."""

    def __init__(self, status: HTTPStatus, message: str, **detail: Any) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.detail = detail


def error_response(status: HTTPStatus, message: str, **detail: Any) -> JsonResponse:
    return JsonResponse({"error": message, **detail}, status=status, json_dumps_params={"ensure_ascii": False})


def api_view(view: Callable[..., dict[str, Any]]) -> Callable[..., HttpResponse]:
    """Make ``view`` (which returns the body as a dict, or raises ``ApiError``) an API endpoint: GET
    and HEAD only (405 otherwise, with ``Allow``), JSON in every case. Exempt from CSRF: it changes
    nothing, and a refused POST should hear 405 in JSON rather than the CSRF failure page."""

    @functools.wraps(view)
    def endpoint(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.method not in ("GET", "HEAD"):
            response = error_response(HTTPStatus.METHOD_NOT_ALLOWED, "This API is read-only: use GET")
            response["Allow"] = "GET, HEAD"
            return response
        try:
            body = view(request, *args, **kwargs)
        except ApiError as problem:
            return error_response(problem.status, problem.message, **problem.detail)
        return JsonResponse(body, json_dumps_params={"ensure_ascii": False})

    return csrf_exempt(public_page(endpoint))


def not_found(request: HttpRequest, path: str = "") -> HttpResponse:
    """Any other path under ``/api/``: 404 in JSON (or, as ``APPEND_SLASH`` would, a redirect to the
    same path with a slash when that is an endpoint)."""
    if not request.path.endswith("/"):
        try:
            match = resolve(request.path + "/")
        except Resolver404:
            match = None
        if match is not None and match.func is not not_found:
            query = request.META.get("QUERY_STRING", "")
            return HttpResponsePermanentRedirect(request.path + "/" + (f"?{query}" if query else ""))
    return error_response(HTTPStatus.NOT_FOUND, "Nothing here: see /api/v1/openapi.json for the endpoints")


# --- Pagination -------------------------------------------------------------------------------


def _page(request: HttpRequest, items: QuerySet[Any]) -> Page[Any]:
    raw = request.GET.get("page", "1")
    if not _PAGE_NUMBER.fullmatch(raw) or int(raw) < 1:
        raise ApiError(HTTPStatus.BAD_REQUEST, "page must be a whole number from 1")
    paginator = Paginator(items, PAGE_SIZE)
    number = int(raw)
    if number > paginator.num_pages:
        raise ApiError(
            HTTPStatus.BAD_REQUEST, f"page must be from 1 to {paginator.num_pages}: there are {paginator.count} items"
        )
    return paginator.page(number)


def _page_url(request: HttpRequest, number: int) -> str:
    query = request.GET.copy()
    query["page"] = str(number)
    return f"{settings.SITE_URL}{request.path}?{urlencode(sorted(query.items()))}"


def _paginated(request: HttpRequest, page: Page[Any], results: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "count": page.paginator.count,
        "page": page.number,
        "pages": page.paginator.num_pages,
        "next": _page_url(request, page.next_page_number()) if page.has_next() else None,
        "previous": _page_url(request, page.previous_page_number()) if page.has_previous() else None,
        "results": results,
    }


# --- Representations --------------------------------------------------------------------------


def _api_url(name: str, **kwargs: Any) -> str:
    return settings.SITE_URL + reverse(f"api:{name}", kwargs=kwargs)


def _force(force: Force) -> dict[str, Any]:
    return {
        "slug": force.slug,
        "name": force.name,
        "region": force.region,
        "country": force.country,
        "api_url": _api_url("force", slug=force.slug),
    }


def _report(report: Report) -> dict[str, Any]:
    inspection = report.inspection
    programme = inspection.programme
    return {
        "slug": report.slug,
        "title": f"{inspection.force_name}: {programme.name}",
        "force": _force(inspection.force),
        "programme": {"slug": programme.slug, "name": programme.name, "year": programme.year},
        "first_published_at": report.first_published_at,
        "last_updated_at": report.last_updated_at,
        "url": open_data.report_url(report.slug),
        "api_url": _api_url("report", slug=report.slug),
    }


def _judgment(judgment: EditionJudgment) -> dict[str, Any]:
    question = judgment.question
    pillar = judgment.pillar or (question.pillar if question is not None else None)
    return {
        "subject": "overall" if question is None else str(question.number),
        "pillar": pillar.name if pillar is not None else None,
        "question": question.text if question is not None else None,
        "grade": judgment.grade.label if judgment.grade is not None else None,
        "grade_rank": judgment.grade.rank if judgment.grade is not None else None,
    }


def _update_list(finding: open_data.PublicFinding) -> list[dict[str, Any]]:
    return [
        {"recorded_on": update.recorded_on, "status": update.status, "comment": update.comment}
        for update in open_data.recommendation_updates(finding)
    ]


def _cause_id(finding: EditionFinding) -> int | None:
    """The id of the cause of concern ``finding`` answers: the working cause's, as the finding's own."""
    return finding.cause_of_concern.finding_id if finding.cause_of_concern is not None else None


def _finding(finding: open_data.PublicFinding) -> dict[str, Any]:
    """A finding as its report's current edition published it (``open_data.public_findings``)."""
    body: dict[str, Any] = {
        "id": finding.finding_id,
        "kind": finding.kind,
        "question": finding.question.number if finding.question is not None else None,
        "text": finding.text,
    }
    if finding.kind == Finding.Kind.CAUSE_OF_CONCERN:
        body["accelerated"] = finding.accelerated
    if finding.kind == Finding.Kind.RECOMMENDATION:
        body.update(
            status=finding.live_status,
            deadline=finding.deadline,
            cause_of_concern_id=_cause_id(finding),
            updates=_update_list(finding),
        )
    return body


def _edition(report: Report, edition: Edition) -> dict[str, Any]:
    return {
        "number": edition.number,
        "published_at": edition.published_at,
        "change_note": edition.change_note,
        "pdf_url": open_data.pdf_url(report.slug, edition.number),
    }


def _unknown(what: str, slug: str) -> ApiError:
    return ApiError(HTTPStatus.NOT_FOUND, f"No published {what} has the slug {slug!r}")


# --- Endpoints --------------------------------------------------------------------------------


@api_view
def report_list(request: HttpRequest) -> dict[str, Any]:
    """``reports/``: published reports, newest first, 50 a page."""
    page = _page(request, open_data.api_reports(now=timezone.now()))
    return _paginated(request, page, [_report(report) for report in page.object_list])


@api_view
def report_detail(request: HttpRequest, slug: str) -> dict[str, Any]:
    """``reports/<slug>/``: a published report with its judgments, findings and live editions."""
    now = timezone.now()
    report = open_data.api_report(slug=slug, now=now)
    if report is None:
        withdrawn = withdrawn_reports().filter(slug=slug).first()
        if withdrawn is not None and withdrawn.withdrawn_at is not None:
            raise ApiError(
                HTTPStatus.GONE,
                "This report was withdrawn after publication",
                withdrawn_on=timezone.localdate(withdrawn.withdrawn_at).isoformat(),
                reason=withdrawn.withdrawal_reason,
            )
        raise _unknown("report", slug)
    lead = report.inspection.lead_inspector
    return {
        **_report(report),
        "lead_inspector": lead.get_full_name() if lead is not None else None,
        "scale": report.inspection.programme.scale.slug,
        "judgments": [_judgment(judgment) for judgment in open_data.report_judgments(report, now=now)],
        "findings": [_finding(finding) for finding in open_data.report_findings(report, now=now)],
        "editions": [_edition(report, edition) for edition in open_data.report_editions(report, now=now)],
    }


@api_view
def force_list(request: HttpRequest) -> dict[str, Any]:
    """``forces/``: the 43 forces, each with the number of its published reports."""
    forces = list(open_data.api_forces(now=timezone.now()))
    results = [{**_force(force), "published_reports": force.published} for force in forces]  # type: ignore[attr-defined]
    return {"count": len(forces), "results": results}


@api_view
def force_detail(request: HttpRequest, slug: str) -> dict[str, Any]:
    """``forces/<slug>/``: a force, its published reports oldest first, each with its judgments."""
    force = Force.objects.filter(slug=slug).first()
    if force is None:
        raise _unknown("force", slug)
    reports, judgments = open_data.force_reports(force, now=timezone.now())
    return {
        **_force(force),
        "reports": [
            {
                **_report(report),
                "scale": report.inspection.programme.scale.slug,
                "judgments": [_judgment(judgment) for judgment in judgments[report.inspection_id]],
            }
            for report in reports
        ],
    }


@api_view
def recommendation_list(request: HttpRequest) -> dict[str, Any]:
    """``recommendations/``: the recommendations of published reports, 50 a page, optionally
    ``?status=awaiting|progressing|complete``."""
    status = request.GET.get("status", "")
    if status and status not in Finding.RecommendationStatus.values:
        raise ApiError(
            HTTPStatus.BAD_REQUEST, f"status must be one of {', '.join(Finding.RecommendationStatus.values)}"
        )
    page = _page(request, open_data.api_recommendations(now=timezone.now(), status=status))
    results = []
    for finding in page.object_list:
        report = finding.inspection.report
        cause = finding.cause_of_concern
        results.append(
            {
                "id": finding.finding_id,
                "text": finding.text,
                "status": finding.live_status,
                "deadline": finding.deadline,
                "cause_of_concern": {"id": cause.finding_id, "text": cause.text} if cause is not None else None,
                "force": {"slug": finding.inspection.force.slug, "name": finding.inspection.force.name},
                "report": {
                    "slug": report.slug,
                    "url": open_data.report_url(report.slug),
                    "api_url": _api_url("report", slug=report.slug),
                },
                "updates": _update_list(finding),
            }
        )
    return _paginated(request, page, results)


@api_view
def openapi(request: HttpRequest) -> dict[str, Any]:
    """``openapi.json``: the OpenAPI 3.1 description of this API."""
    return openapi_document()
