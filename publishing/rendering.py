"""The report as a document: the context shared by the public page and the PDF, the accessible PDF
itself (WeasyPrint, PDF/UA-1) and a check of a rendered PDF (pikepdf).

``report_document`` builds the context of ``publishing/includes/report_body.html``, which both the public
HTML page and ``publishing/pdf/report.html`` include, so the two never say different things.
``render_report_pdf`` renders one revision of a report to PDF; ``check_pdf`` reads a PDF back and says
whether it is what a publication needs (tagged, PDF/UA identified, titled, with a language).

Rendering never reaches the network: WeasyPrint fetches every resource through ``StaticFilesFetcher``,
which serves ``data:`` URLs and files inside the project's static folders and refuses everything else.
A refused or failed fetch stops the render (``PdfRenderError``) rather than leaving a hole in a
publication. Report text is already sanitised by ``reports.markup.render`` (links only ``https`` and
``mailto``, no images); the fetcher is the backstop.

What WeasyPrint 70 writes into the structure tree, and what it cannot yet do (TH ``/Scope``, one
structure element for an element that crosses a page break, running headers as ``/Artifact``), is
pinned by ``tests/publishing/test_rendering.py``.
"""

from __future__ import annotations

import datetime
import io
import mimetypes
import re
import time
import urllib.request
from collections.abc import Iterable
from dataclasses import dataclass, field
from html import unescape
from pathlib import Path
from typing import Any, Final
from urllib.parse import unquote, urlsplit

import pikepdf
from django.apps import apps
from django.conf import settings
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe
from weasyprint import CSS, HTML
from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

from inspections.models import Finding, Judgment
from publishing.models import Edition, EditionJudgment
from reports.markup import render as render_markup
from reports.models import Report, Revision
from reports.selectors import report_parts

#: The PDF's language, in the catalogue's /Lang and the document's ``lang``.
LANGUAGE: Final = "en-GB"
TEMPLATE: Final = "publishing/pdf/report.html"
NOT_GRADED: Final = "Not graded"
PDFUA_PART: Final = "{http://www.aiim.org/pdfua/ns/id/}part"


def _static_dir() -> Path:
    return Path(apps.get_app_config("publishing").path) / "static" / "publishing"


def stylesheet_path() -> Path:
    """The print stylesheet of the PDF (one file, read from disk at each render)."""
    return _static_dir() / "pdf.css"


# --- The document's content ----------------------------------------------------------------------


@dataclass(frozen=True)
class JudgmentRow:
    """One row of the judgments table: a pillar's overall judgment or a question's."""

    label: str
    grade: str
    overall: bool = False
    grade_slug: str = ""  # "" when not graded


@dataclass(frozen=True)
class RenderedPart:
    """A part of the report rendered to sanitised HTML, with the anchor the contents links to."""

    key: str
    anchor: str
    title: str
    html: SafeString
    question: str = ""


@dataclass(frozen=True)
class RecommendationItem:
    text: str
    deadline: datetime.date | None


@dataclass(frozen=True)
class CauseItem:
    text: str
    accelerated: bool
    raised_on: datetime.date | None
    recommendations: list[RecommendationItem] = field(default_factory=list)


GLANCE_TEMPLATE = "publishing/includes/report_glance.html"
BODY_TEMPLATE = "publishing/includes/report_body.html"


def report_document(
    report: Report,
    revision: Revision,
    *,
    edition: int = 1,
    published_on: datetime.date | None = None,
    change_note: str = "",
    record: Edition | None = None,
) -> dict[str, Any]:
    """The template context shared by the public HTML page and the PDF.

    Keys: ``report``, ``revision``, ``title`` (the report's title), ``force_name`` (as of the
    programme's year), ``programme``, ``service_name``, ``lead_inspector`` (a name, "" when none is
    named), ``authors`` (lead inspector, then the inspectorate), ``overall`` and ``judgments`` (lists
    of ``JudgmentRow``: each pillar's overall judgment, then each question's, the grade in words or
    "Not graded"), ``lead_quote``, ``summary`` and ``key_findings`` (``RenderedPart``), ``sections``
    (a ``RenderedPart`` per question in order, with the question's text), ``areas_for_improvement``
    and ``notable_practice`` (lists of text), ``causes_of_concern`` (``CauseItem``, each with its
    recommendations and their deadlines), ``recommendations`` (those that answer no cause of
    concern), ``has_findings``, ``edition_number``, ``published_on`` (None for a PDF made before its date
    is known: the cover then says it is not yet published) and ``change_note``.

    The judgments and findings are ``record``'s copy (an edition's, taken when it was frozen), or,
    without one, the inspection's working record (a draft's preview).

    Every part is ``reports.markup.render`` of ``revision.part(key)``, with its headings moved one
    level down (the report's own heading for the part is the ``h2``) and, in a section, an opening
    heading that only repeats the question left out (the question is shown already). Raises
    ``ValueError`` if the revision is not one of the report's or the edition is below 1. Reads only.
    """
    if revision.report_id != report.pk:
        raise ValueError(f"Revision {revision.number} belongs to another report")
    if edition < 1:
        raise ValueError("The edition is a number from 1")
    inspection = report.inspection
    programme = inspection.programme
    lead = inspection.lead_inspector
    lead_name = lead.get_full_name() if lead is not None else ""

    working = record is None
    judgments = list(
        (inspection.judgments.all() if working else record.judgments.all()).select_related(  # type: ignore[union-attr]
            "grade", "pillar", "question"
        )
    )
    pillar_judgments = sorted(
        ((j.pillar, j) for j in judgments if j.pillar is not None), key=lambda pair: (pair[0].order, pair[0].name)
    )
    overall = [
        JudgmentRow(
            f"Overall {pillar.name.lower()}",
            _grade(judgment),
            overall=True,
            grade_slug=judgment.grade.slug if judgment.grade else "",
        )
        for pillar, judgment in pillar_judgments
    ]
    by_question = {j.question_id: j for j in judgments if j.question_id is not None}
    questions = {question.pk: question for question in programme.questions.all()}
    question_rows = [
        JudgmentRow(f"{question.number}. {question.short_title}", _grade(by_question.get(question.pk)))
        for question in sorted(questions.values(), key=lambda q: q.number)
    ]

    def part(key: str, title: str, anchor: str, question: str = "") -> RenderedPart:
        html = render_markup(revision.part(key))
        if question:
            html = _without_opening_heading(html, question)
        return RenderedPart(key, anchor, title, _nest_headings(html), question)

    sections = []
    for item in report_parts(report):
        if item.question_id is None:
            continue
        question = questions[item.question_id]
        sections.append(part(item.key, item.title, item.key, question.text))

    findings = list(
        (inspection.findings.all() if working else record.findings.all())  # type: ignore[union-attr]
        .prefetch_related("recommendations")
        .order_by("kind", "order", "pk")
    )
    causes = [
        CauseItem(
            cause.text,
            cause.accelerated,
            cause.raised_on,
            [
                RecommendationItem(rec.text, rec.deadline)
                for rec in sorted(cause.recommendations.all(), key=lambda r: (r.order, r.pk))
            ],
        )
        for cause in findings
        if cause.kind == Finding.Kind.CAUSE_OF_CONCERN
    ]
    afis = [f.text for f in findings if f.kind == Finding.Kind.AREA_FOR_IMPROVEMENT]
    notable = [f.text for f in findings if f.kind == Finding.Kind.NOTABLE_PRACTICE]
    loose = [
        RecommendationItem(f.text, f.deadline)
        for f in findings
        if f.kind == Finding.Kind.RECOMMENDATION and f.cause_of_concern_id is None
    ]
    return {
        "report": report,
        "revision": revision,
        "title": report.title,
        "force_name": inspection.force_name,
        "programme": programme,
        "service_name": settings.SERVICE_NAME,
        "lead_inspector": lead_name,
        "authors": [name for name in (lead_name, settings.SERVICE_NAME) if name],
        "overall": overall,
        "judgments": overall + question_rows,
        "lead_quote": part("lead_quote", "The lead inspector's view", "lead-quote"),
        "summary": part("summary", "Summary", "summary"),
        "key_findings": part("key_findings", "Key findings", "key-findings"),
        "sections": sections,
        "areas_for_improvement": afis,
        "causes_of_concern": causes,
        "recommendations": loose,
        "notable_practice": notable,
        "has_findings": bool(afis or causes or loose or notable),
        "edition_number": edition,
        "published_on": published_on,
        "change_note": change_note.strip(),
    }


def _grade(judgment: Judgment | EditionJudgment | None) -> str:
    if judgment is None or judgment.grade is None:
        return NOT_GRADED
    return judgment.grade.label


_HEADING_RE: Final = re.compile(r"<(/?)h([2-4])>")
_OPENING_HEADING_RE: Final = re.compile(r"\A\s*<h[2-4]>(.*?)</h[2-4]>\s*", re.DOTALL)
_TAG_RE: Final = re.compile(r"<[^>]*>")


def _without_opening_heading(html: str, question: str) -> str:
    """Drop a section's opening heading when it only repeats the question, which the report already
    shows under the section's title (authors often start a section by restating its question)."""
    match = _OPENING_HEADING_RE.match(html)
    if match is None:
        return html
    heading = unescape(_TAG_RE.sub("", match.group(1)))
    if " ".join(heading.split()).casefold() != " ".join(question.split()).casefold():
        return html
    return html[match.end() :]


def _nest_headings(html: str, under: int = 2) -> SafeString:
    """Put the part's own headings under the report's heading for the part, without skipping a level.

    ``reports.markup.render`` gives ``h2``-``h4`` with no attributes, and escapes any ``<`` in text, so
    the tags can be rewritten textually: each heading goes one level down, but never more than one
    below the heading before it (a ``####`` straight after the part's title becomes ``h3``).
    """
    previous = under
    opened: list[int] = []

    def swap(match: re.Match[str]) -> str:
        nonlocal previous
        if match.group(1):
            return f"</h{opened.pop()}>"
        level = min(int(match.group(2)) + 1, previous + 1)
        previous = level
        opened.append(level)
        return f"<h{level}>"

    return mark_safe(_HEADING_RE.sub(swap, html))  # noqa: S308 - sanitised by reports.markup.render


# --- Fetching: local static files and data: URLs only -----------------------------------------------


class UrlRefused(ValueError):
    """A resource the PDF asked for is not a ``data:`` URL or a file inside the static folders."""


def static_roots() -> tuple[Path, ...]:
    """The folders whose files a PDF may use: ``STATICFILES_DIRS`` and each app's ``static`` folder."""
    roots: list[Path] = []
    for entry in settings.STATICFILES_DIRS:
        # An entry is a folder, or a (prefix, folder) pair.
        folder = entry[1] if isinstance(entry, tuple | list) else entry
        roots.append(Path(str(folder)))
    roots += [Path(config.path) / "static" for config in apps.get_app_configs()]
    return tuple(dict.fromkeys(root.resolve() for root in roots if root.is_dir()))


class StaticFilesFetcher(URLFetcher):  # type: ignore[misc]
    """WeasyPrint's URL fetcher for reports: ``data:`` URLs and files inside ``roots``, nothing else.

    Anything else (``http``, ``https``, ``ftp``, a ``file:`` URL outside the roots or escaping them by
    ``..`` or a symbolic link, a ``file:`` URL naming another host) raises ``UrlRefused`` before any
    I/O. ``fail_on_errors`` makes WeasyPrint stop the render on any refusal instead of logging it.
    """

    def __init__(self, roots: Iterable[Path] | None = None) -> None:
        super().__init__(fail_on_errors=True)
        self.roots = tuple(Path(root).resolve() for root in (static_roots() if roots is None else roots))

    def fetch(self, url: str, headers: dict[str, str] | None = None) -> URLFetcherResponse:
        scheme = url.partition(":")[0].lower()
        if scheme == "data":
            # urllib's own parser of data: URLs (RFC 2397); it does no I/O.
            request = urllib.request.Request(url)  # noqa: S310 - only ever a data: URL here
            with urllib.request.DataHandler().data_open(request) as response:
                return URLFetcherResponse(url, response.read(), dict(response.headers))
        if scheme == "file":
            path = self.allowed_path(url)
            content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": content_type})
        raise UrlRefused(f"Refused to fetch {url[:200]!r}: a report's PDF uses only local static files")

    def allowed_path(self, url: str) -> Path:
        """The local file a ``file:`` URL names, if it is inside one of the roots; else ``UrlRefused``."""
        parts = urlsplit(url)
        if parts.netloc not in ("", "localhost"):
            raise UrlRefused(f"Refused {url[:200]!r}: a file on another host")
        try:
            path = Path(urllib.request.url2pathname(unquote(parts.path))).resolve(strict=True)
        except (OSError, RuntimeError) as error:
            raise UrlRefused(f"Refused {url[:200]!r}: no such file") from error
        if not path.is_file() or not any(path.is_relative_to(root) for root in self.roots):
            raise UrlRefused(f"Refused {url[:200]!r}: not a file inside the static folders")
        return path


# --- Rendering ------------------------------------------------------------------------------------


class PdfRenderError(RuntimeError):
    """WeasyPrint could not render the report (for example: it asked for a resource that was refused)."""


@dataclass(frozen=True)
class RenderedPdf:
    """A rendered PDF and what it cost."""

    content: bytes
    pages: int
    seconds: float  # wall time of render_report_pdf as a whole
    weasyprint_seconds: float  # time spent inside WeasyPrint's layout and PDF writing alone


@dataclass(frozen=True)
class RenderedHtml:
    """An edition's content as HTML for its public page: the overall grades, and the report's body."""

    glance: str
    body: str


def render_report_html(report: Report, revision: Revision, *, record: Edition | None = None) -> RenderedHtml:
    """Render ``revision`` of ``report`` as the HTML of its public page, from the same content and
    ``report_body.html`` include as its PDF. Stored on the edition when it renders, so that a published
    page is the edition's own (later edits to judgments do not change it) and is served without
    rendering Markdown again. Reads only."""
    context = report_document(report, revision, record=record)
    return RenderedHtml(
        glance=render_to_string(GLANCE_TEMPLATE, context),
        body=render_to_string(BODY_TEMPLATE, context),
    )


def render_report_pdf(
    report: Report,
    revision: Revision,
    *,
    edition: int = 1,
    published_on: datetime.date | None = None,
    change_note: str = "",
    record: Edition | None = None,
) -> RenderedPdf:
    """Render ``revision`` of ``report`` as a tagged PDF/UA-1 document (A4, cover, contents, body).

    The arguments mean what they mean for ``report_document``. Reads the database and the stylesheet;
    writes nothing and never touches the network. CPU-bound: a 30-page report takes seconds, so call
    it from a worker, never in a request. Raises ``ValueError`` as ``report_document`` does, and
    ``PdfRenderError`` if WeasyPrint fails (including a refused fetch).
    """
    started = time.perf_counter()
    context = report_document(
        report, revision, edition=edition, published_on=published_on, change_note=change_note, record=record
    )
    markup = render_to_string(TEMPLATE, context)
    fetcher = StaticFilesFetcher()
    try:
        # base_url is a local folder, so a relative URL can only ever become a file: URL there.
        html = HTML(string=markup, base_url=str(_static_dir()), url_fetcher=fetcher)
        stylesheet = CSS(filename=str(stylesheet_path()), url_fetcher=fetcher)
        weasyprint_started = time.perf_counter()
        document = html.render(stylesheets=[stylesheet], pdf_variant="pdf/ua-1")
        metadata = document.metadata
        metadata.title = context["title"]
        metadata.lang = LANGUAGE
        metadata.authors = context["authors"]
        if published_on is not None:
            metadata.created = metadata.modified = published_on.isoformat()
        content = document.write_pdf(pdf_variant="pdf/ua-1")
        weasyprint_seconds = time.perf_counter() - weasyprint_started
    except FatalURLFetchingError as error:
        # A BaseException in WeasyPrint; turned into an ordinary error so that workers handle it.
        raise PdfRenderError(f"Rendering {report} stopped: {error.__cause__ or error}") from error
    return RenderedPdf(
        content=content,
        pages=len(document.pages),
        seconds=time.perf_counter() - started,
        weasyprint_seconds=weasyprint_seconds,
    )


# --- Checking a rendered PDF ------------------------------------------------------------------------


class PdfCheckError(ValueError):
    """The bytes do not open as a PDF."""


@dataclass(frozen=True)
class PdfCheck:
    """What a rendered PDF says about itself."""

    pages: int
    tagged: bool  # /MarkInfo /Marked true and a /StructTreeRoot in the catalogue
    pdf_ua: bool  # pdfuaid:part is 1 in the XMP metadata
    title: str
    language: str


def check_pdf(content: bytes) -> PdfCheck:
    """Open ``content`` with pikepdf and report its pages, tagging, PDF/UA identifier, title and language.

    Raises ``PdfCheckError`` if the bytes do not open as a PDF. Reads only; safe on untrusted bytes.
    """
    try:
        pdf = pikepdf.open(io.BytesIO(content))
    except (pikepdf.PdfError, ValueError) as error:
        raise PdfCheckError(f"Not a PDF: {error}") from error
    with pdf:
        root = pdf.Root
        mark_info = root.get("/MarkInfo")
        marked = isinstance(mark_info, pikepdf.Dictionary) and bool(mark_info.get("/Marked", False))
        metadata = pdf.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False)
        return PdfCheck(
            pages=len(pdf.pages),
            tagged=marked and "/StructTreeRoot" in root,
            pdf_ua=str(metadata.get(PDFUA_PART, "")).strip() == "1",
            title=str(pdf.docinfo.get("/Title", "")),
            language=str(root.get("/Lang", "")),
        )
