"""The OpenAPI 3.1 description of the JSON API (``/api/v1/openapi.json``), written by hand.

Keep it in step with ``public/api_urls.py`` and ``public/views/api.py``: a test checks that every
path of the URLconf under ``/api/v1/`` is described here, and nothing else.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings

_STRING = {"type": "string"}
_NULLABLE_STRING = {"type": ["string", "null"]}
_DATE_TIME = {"type": "string", "format": "date-time"}
_URL = {"type": "string", "format": "uri"}
#: A finding's id is the working finding's, stable across editions; null for a finding deleted since
#: its report's current edition, which stays published until a correction goes live.
_FINDING_ID = {
    "type": ["integer", "null"],
    "description": "Stable across editions; null for a finding deleted since the current edition.",
}


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _error(description: str) -> dict[str, Any]:
    return _json(_ref("Error"), description)


_SLUG = {"name": "slug", "in": "path", "required": True, "schema": _STRING}
_PAGE = {
    "name": "page",
    "in": "query",
    "required": False,
    "description": "The page, from 1 (50 items a page). Anything else, or a page past the last, is a 400.",
    "schema": {"type": "integer", "minimum": 1, "default": 1},
}


def _get(
    summary: str, ok: dict[str, Any], *, parameters: list[dict[str, Any]] | None = None, **errors: str
) -> dict[str, Any]:
    responses: dict[str, Any] = {"200": ok, "405": _error("Any method but GET or HEAD: the API is read-only.")}
    responses.update({code.removeprefix("e"): _error(text) for code, text in errors.items()})
    operation: dict[str, Any] = {"summary": summary, "responses": responses}
    if parameters:
        operation["parameters"] = parameters
    return {"get": operation}


def _page_of(item: str) -> dict[str, Any]:
    return {
        "type": "object",
        "required": ["count", "page", "pages", "next", "previous", "results"],
        "properties": {
            "count": {"type": "integer", "description": "Items in all pages."},
            "page": {"type": "integer"},
            "pages": {"type": "integer"},
            "next": {"type": ["string", "null"], "format": "uri"},
            "previous": {"type": ["string", "null"], "format": "uri"},
            "results": {"type": "array", "items": _ref(item)},
        },
    }


_SCHEMAS: dict[str, Any] = {
    "Error": {"type": "object", "required": ["error"], "properties": {"error": _STRING}},
    "Withdrawn": {
        "type": "object",
        "required": ["error", "withdrawn_on", "reason"],
        "properties": {"error": _STRING, "withdrawn_on": {"type": "string", "format": "date"}, "reason": _STRING},
    },
    "Force": {
        "type": "object",
        "required": ["slug", "name", "region", "country", "api_url"],
        "properties": {
            "slug": _STRING,
            "name": _STRING,
            "region": _STRING,
            "country": {"enum": ["England", "Wales"]},
            "api_url": _URL,
        },
    },
    "ForceInList": {
        "allOf": [
            _ref("Force"),
            {"type": "object", "properties": {"published_reports": {"type": "integer"}}},
        ]
    },
    "Programme": {
        "type": "object",
        "properties": {"slug": _STRING, "name": _STRING, "year": {"type": "integer"}},
    },
    "Report": {
        "type": "object",
        "required": ["slug", "title", "force", "programme", "first_published_at", "url", "api_url"],
        "properties": {
            "slug": _STRING,
            "title": {"type": "string", "description": "Force (named as in the programme's year): programme."},
            "force": _ref("Force"),
            "programme": _ref("Programme"),
            "first_published_at": _DATE_TIME,
            "last_updated_at": {
                "type": ["string", "null"],
                "format": "date-time",
                "description": "When the latest correction went live; null if never corrected.",
            },
            "url": _URL,
            "api_url": _URL,
        },
    },
    "Judgment": {
        "type": "object",
        "properties": {
            "subject": {
                "type": "string",
                "description": '"overall" for a pillar as a whole, else the question number.',
            },
            "pillar": _NULLABLE_STRING,
            "question": _NULLABLE_STRING,
            "grade": {"type": ["string", "null"], "description": "null where the question is not graded."},
            "grade_rank": {
                "type": ["integer", "null"],
                "description": "Rank within the report's own scale, 1 best. Never compare ranks across scales.",
            },
        },
    },
    "Update": {
        "type": "object",
        "properties": {
            "recorded_on": {"type": "string", "format": "date"},
            "status": {"enum": ["awaiting", "progressing", "complete"]},
            "comment": _STRING,
        },
    },
    "Finding": {
        "type": "object",
        "required": ["id", "kind", "text"],
        "properties": {
            "id": _FINDING_ID,
            "kind": {"enum": ["afi", "cause", "recommendation", "notable"]},
            "question": {"type": ["integer", "null"]},
            "text": _STRING,
            "accelerated": {"type": "boolean", "description": "Causes of concern only."},
            "status": {"enum": ["awaiting", "progressing", "complete"], "description": "Recommendations only."},
            "deadline": {"type": ["string", "null"], "format": "date", "description": "Recommendations only."},
            "cause_of_concern_id": {"type": ["integer", "null"], "description": "Recommendations only."},
            "updates": {"type": "array", "items": _ref("Update"), "description": "Recommendations only."},
        },
    },
    "Edition": {
        "type": "object",
        "properties": {
            "number": {"type": "integer", "description": "1 is the first publication; each correction adds one."},
            "published_at": _DATE_TIME,
            "change_note": _STRING,
            "pdf_url": _URL,
        },
    },
    "ReportDetail": {
        "allOf": [
            _ref("Report"),
            {
                "type": "object",
                "properties": {
                    "lead_inspector": _NULLABLE_STRING,
                    "scale": {"type": "string", "description": "The grading scale's identifier, e.g. peel-2014-2019."},
                    "judgments": {"type": "array", "items": _ref("Judgment")},
                    "findings": {"type": "array", "items": _ref("Finding")},
                    "editions": {"type": "array", "items": _ref("Edition"), "description": "Newest first."},
                },
            },
        ]
    },
    "ForceDetail": {
        "allOf": [
            _ref("Force"),
            {
                "type": "object",
                "properties": {
                    "reports": {
                        "type": "array",
                        "description": "Its published reports, oldest first.",
                        "items": {
                            "allOf": [
                                _ref("Report"),
                                {
                                    "type": "object",
                                    "properties": {
                                        "scale": _STRING,
                                        "judgments": {"type": "array", "items": _ref("Judgment")},
                                    },
                                },
                            ]
                        },
                    }
                },
            },
        ]
    },
    "Recommendation": {
        "type": "object",
        "properties": {
            "id": _FINDING_ID,
            "text": _STRING,
            "status": {"enum": ["awaiting", "progressing", "complete"]},
            "deadline": {"type": ["string", "null"], "format": "date"},
            "cause_of_concern": {
                "oneOf": [
                    {"type": "null"},
                    {"type": "object", "properties": {"id": _FINDING_ID, "text": _STRING}},
                ]
            },
            "force": {"type": "object", "properties": {"slug": _STRING, "name": _STRING}},
            "report": {"type": "object", "properties": {"slug": _STRING, "url": _URL, "api_url": _URL}},
            "updates": {"type": "array", "items": _ref("Update"), "description": "Oldest first."},
        },
    },
}


def openapi_document() -> dict[str, Any]:
    """The description as a dict, ready for ``JsonResponse``; the server is ``SITE_URL``."""
    return {
        "openapi": "3.1.0",
        "info": {
            "title": f"{settings.SERVICE_NAME} API",
            "version": "1",
            "description": (
                "Read-only JSON about published inspection reports: their judgments, findings, editions and "
                "recommendations. Only what has been published is here. Errors are JSON: "
                '{"error": "..."} with status 400, 404 or 405.'
            ),
        },
        "servers": [{"url": settings.SITE_URL}],
        "paths": {
            "/api/v1/reports/": _get(
                "Published reports, newest first",
                _json(_page_of("Report"), "A page of reports."),
                parameters=[_PAGE],
                e400="A page that is not a whole number from 1 to the last page.",
            ),
            "/api/v1/reports/{slug}/": _get(
                "A published report with its judgments, findings and editions",
                _json(_ref("ReportDetail"), "The report."),
                parameters=[_SLUG],
                e404="No published report has that slug.",
                e410="The report was withdrawn after publication: when, and why (schema Withdrawn).",
            ),
            "/api/v1/forces/": _get(
                "The police forces",
                _json(
                    {
                        "type": "object",
                        "properties": {
                            "count": {"type": "integer"},
                            "results": {"type": "array", "items": _ref("ForceInList")},
                        },
                    },
                    "Every force.",
                ),
            ),
            "/api/v1/forces/{slug}/": _get(
                "A force and its judgments over the years",
                _json(_ref("ForceDetail"), "The force."),
                parameters=[_SLUG],
                e404="No force has that slug.",
            ),
            "/api/v1/recommendations/": _get(
                "Recommendations of published reports, with their status and dated updates",
                _json(_page_of("Recommendation"), "A page of recommendations."),
                parameters=[
                    _PAGE,
                    {
                        "name": "status",
                        "in": "query",
                        "required": False,
                        "schema": {"enum": ["awaiting", "progressing", "complete"]},
                    },
                ],
                e400="A bad page or status.",
            ),
            "/api/v1/openapi.json": _get("This description", _json({"type": "object"}, "The OpenAPI document.")),
        },
        "components": {"schemas": _SCHEMAS},
    }
