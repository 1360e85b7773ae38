"""Text search of published reports: what a report is found by, and how a query is matched.

A report's search text is the text of its live edition (title, force, programme, lead inspector and
every part), kept on ``Report.search_text`` and refreshed whenever an edition goes live; a Welsh
force's report keeps its Welsh on ``Report.search_text_cy`` too, so that it is found by Welsh words.
On PostgreSQL the query is matched by full-text search (``websearch`` syntax: ``"stop and search"
-custody``), ranked, through GIN indexes on the same expressions: the English with English stemming,
the Welsh with the ``simple`` configuration (lower-cased words, no stemming), because PostgreSQL has
no Welsh stemmer; a report matches if either does. Elsewhere (SQLite under ``make run``) every word
of the query must appear in one of the texts, case-insensitively.

Searching only narrows a queryset the caller passes in: the public always passes
``publishing.selectors.published_reports()``, so nothing unpublished is ever found.
"""

from __future__ import annotations

from collections.abc import Mapping

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import F, Q, QuerySet

from reports.markup import normalise_source
from reports.models import Report, Revision

#: The text search configuration: English stemming ("inspections" finds "inspection").
CONFIG = "english"
#: The Welsh text's: PostgreSQL has no Welsh stemmer, so words are matched whole ("heddlu", not "heddluoedd").
WELSH_CONFIG = "simple"
#: A query longer than this is cut: a search box, not a document.
MAX_QUERY_LENGTH = 200
#: At most this many words are matched one by one on the fallback.
MAX_FALLBACK_WORDS = 8


def document_vector() -> SearchVector:
    """The expression the GIN index of migration 0003 is built on: keep the two the same."""
    return SearchVector("search_text", config=CONFIG)


def welsh_vector() -> SearchVector:
    """The expression the GIN index of migration 0012 is built on: keep the two the same."""
    return SearchVector("search_text_cy", config=WELSH_CONFIG)


def search_document(report: Report, revision: Revision) -> str:
    """The text ``report`` is found by when ``revision`` is its live edition."""
    inspection = report.inspection
    lead = inspection.lead_inspector
    head = [
        report.title,
        inspection.force_name,
        inspection.force.name,
        inspection.programme.name,
        lead.get_full_name() if lead is not None else "",
    ]
    parts = [str(text) for text in revision.content.values()]
    return "\n".join(part for part in head + parts if part)


def welsh_search_document(report: Report, welsh_parts: Mapping[str, str]) -> str:
    """The Welsh text ``report`` is found by when its live edition has ``welsh_parts``."""
    inspection = report.inspection
    lead = inspection.lead_inspector
    head = [report.title_cy, lead.get_full_name() if lead is not None else ""]
    return "\n".join(text for text in head + [str(text) for text in welsh_parts.values()] if text)


def index_report(report: Report, revision: Revision, welsh_parts: Mapping[str, str] | None = None) -> None:
    """Make ``revision`` (and, for a bilingual edition, its ``welsh_parts``) what ``report`` is found by
    (called when an edition goes live)."""
    report.search_text = search_document(report, revision)
    report.search_text_cy = welsh_search_document(report, welsh_parts) if welsh_parts else ""
    Report.objects.filter(pk=report.pk).update(search_text=report.search_text, search_text_cy=report.search_text_cy)


def normalise_query(text: str) -> str:
    """The query as searched: the renderer's normalisation (``reports.markup.normalise_source``), tabs
    and newlines collapsed with the other whitespace, length capped."""
    return " ".join(normalise_source(text).split())[:MAX_QUERY_LENGTH]


def search_reports(reports: QuerySet[Report], text: str) -> QuerySet[Report]:
    """``reports`` that match ``text`` (as ``normalise_query`` leaves it), best match first on
    PostgreSQL (callers may re-order). An empty query matches everything."""
    text = normalise_query(text)
    if not text:
        return reports
    if connection.vendor == "postgresql":
        query = SearchQuery(text, search_type="websearch", config=CONFIG)
        welsh_query = SearchQuery(text, search_type="websearch", config=WELSH_CONFIG)
        return (
            reports.annotate(
                search=document_vector(),
                search_cy=welsh_vector(),
                rank=SearchRank(F("search"), query) + SearchRank(F("search_cy"), welsh_query),
            )
            .filter(Q(search=query) | Q(search_cy=welsh_query))
            .order_by("-rank", "-first_published_at")
        )
    words = [word.strip("\"'") for word in text.split() if not word.startswith("-")][:MAX_FALLBACK_WORDS]
    english, welsh = Q(), Q()
    for word in filter(None, words):
        english &= Q(search_text__icontains=word)
        welsh &= Q(search_text_cy__icontains=word)
    return reports.filter(english | welsh)
