"""The report as a document: the content shared by the public page and the PDF, the accessible PDF
itself (Typst, PDF/UA-1) and a check of a rendered PDF (pikepdf).

``report_document`` builds the context of ``publishing/includes/report_body.html``, which the public
page includes, and which ``publishing.pdf_document`` turns into the data of the PDF's template
(``publishing/typst/report.typ``), so the two never say different things. ``render_report_pdf``
renders one revision of a report to PDF through ``publishing.typesetting``; ``check_pdf`` reads a PDF
back and says whether it is what a publication needs (tagged, PDF/UA identified, titled, with a
language, bookmarks, scoped table header cells and headings in order).

Rendering never reaches the network: the template reads only its own folder and fonts, and report
text reaches it as data, never as markup or code. What the PDF's structure tree holds (one Table per
table across pages, header cells with /Scope, running header and footer as artifacts, headings in
order, the contents, links) is checked by ``tests/publishing/test_rendering.py``.
"""

from __future__ import annotations

import datetime
import io
import itertools
import re
import time
from dataclasses import dataclass, field
from html import unescape
from typing import Any, Final

import pikepdf
from django.conf import settings
from django.template.loader import render_to_string
from django.utils.dateformat import format as date_format
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext, override

from inspections.models import Finding, Judgment
from inspections.selectors import about_the_data
from inspectorate.languages import ENGLISH, WELSH
from inspectorate.languages import service_name as inspectorate_service_name
from publishing.models import Edition, EditionFinding, EditionJudgment
from publishing.pdf_document import report_pdf_data
from publishing.typesetting import TypesetError, typeset
from reports.markup import render as render_markup
from reports.models import Report, Revision
from reports.selectors import report_parts
from reports.translations import welsh_now

#: The PDF's language, in the catalogue's /Lang and the document's ``lang``, for each of the site's.
PDF_LANGUAGES: Final = {ENGLISH: "en-GB", WELSH: "cy"}
NOT_GRADED: Final = "Not graded"
PDFUA_PART: Final = "{http://www.aiim.org/pdfua/ns/id/}part"


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
    heading: str = ""  # "Cause of concern 2 (raised early, on 3 March 2017)", in the active language


def cause_heading(number: int, accelerated: bool, raised_on: datetime.date | None) -> str:
    if not accelerated:
        return gettext("Cause of concern %(number)s") % {"number": number}
    if raised_on:
        return gettext("Cause of concern %(number)s (raised early, on %(date)s)") % {
            "number": number,
            "date": date_format(raised_on, "j F Y"),
        }
    return gettext("Cause of concern %(number)s (raised early)") % {"number": number}


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
    language: str = ENGLISH,
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

    With ``language`` "cy" (a Welsh force's report), every text is its Welsh: the parts and the record's
    text as ``record`` froze them (without one, the latest Welsh: a preview), and every name's Welsh
    field. Nothing falls back to English: approval waited for all of it (``reports.translations``). The
    caller activates the language for the template's own words (``render_report_html`` and
    ``render_report_pdf`` do).
    """
    welsh = language == WELSH
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
            gettext("Overall %(pillar)s") % {"pillar": (pillar.name_cy if welsh else pillar.name).lower()},
            _grade(judgment, welsh=welsh),
            overall=True,
            grade_slug=judgment.grade.slug if judgment.grade else "",
        )
        for pillar, judgment in pillar_judgments
    ]
    by_question = {j.question_id: j for j in judgments if j.question_id is not None}
    questions = {question.pk: question for question in programme.questions.all()}
    question_rows = [
        JudgmentRow(
            f"{question.number}. {question.short_title_cy if welsh else question.short_title}",
            _grade(by_question.get(question.pk), welsh=welsh),
        )
        for question in sorted(questions.values(), key=lambda q: q.number)
    ]
    texts = _welsh_texts(report, record) if welsh else {"parts": {}, "record": {}}

    def part(key: str, title: str, anchor: str, question: str = "") -> RenderedPart:
        html = render_markup(texts["parts"].get(key, "") if welsh else revision.part(key))
        if question:
            html = _without_opening_heading(html, question)
        return RenderedPart(key, anchor, title, _nest_headings(html), question)

    sections = []
    for item in report_parts(report):
        if item.question_id is None:
            continue
        question = questions[item.question_id]
        if welsh:
            sections.append(part(item.key, f"{question.number}. {question.short_title_cy}", item.key, question.text_cy))
        else:
            sections.append(part(item.key, item.title, item.key, question.text))

    findings = list(
        (inspection.findings.all() if working else record.findings.all())  # type: ignore[union-attr]
        .prefetch_related("recommendations")
        .order_by("kind", "order", "pk")
    )

    def text(finding: Finding | EditionFinding) -> str:
        if not welsh:
            return finding.text
        if isinstance(finding, EditionFinding):
            return finding.text_cy
        return texts["record"].get(f"finding:{finding.pk}", "")

    causes = [
        CauseItem(
            text(cause),
            cause.accelerated,
            cause.raised_on,
            [
                RecommendationItem(text(rec), rec.deadline)
                for rec in sorted(cause.recommendations.all(), key=lambda r: (r.order, r.pk))
            ],
            heading=cause_heading(number, cause.accelerated, cause.raised_on),
        )
        for number, cause in enumerate(
            (finding for finding in findings if finding.kind == Finding.Kind.CAUSE_OF_CONCERN), start=1
        )
    ]
    afis = [text(f) for f in findings if f.kind == Finding.Kind.AREA_FOR_IMPROVEMENT]
    notable = [text(f) for f in findings if f.kind == Finding.Kind.NOTABLE_PRACTICE]
    loose = [
        RecommendationItem(text(f), f.deadline)
        for f in findings
        if f.kind == Finding.Kind.RECOMMENDATION and f.cause_of_concern_id is None
    ]
    # Frozen with the edition; live for a draft's preview.
    about = record.about_the_data if record is not None else about_the_data(report.inspection)
    service_name = inspectorate_service_name()
    return {
        "report": report,
        "revision": revision,
        "language": language,
        "title": report.title_cy if welsh else report.title,
        "force_name": inspection.force.name_cy if welsh else inspection.force_name,
        "programme": programme,
        "programme_name": programme.name_cy if welsh else programme.name,
        "service_name": service_name,
        "lead_inspector": lead_name,
        "authors": [name for name in (lead_name, service_name) if name],
        "overall": overall,
        "judgments": overall + question_rows,
        "lead_quote": part("lead_quote", gettext("The lead inspector's view"), "lead-quote"),
        "summary": part("summary", gettext("Summary"), "summary"),
        "key_findings": part("key_findings", gettext("Key findings"), "key-findings"),
        "sections": sections,
        "areas_for_improvement": afis,
        "causes_of_concern": causes,
        "recommendations": loose,
        "notable_practice": notable,
        "has_findings": bool(afis or causes or loose or notable),
        "about_the_data": [_about_in(audit, welsh=welsh) for audit in about],
        "edition_number": edition,
        "published_on": published_on,
        "change_note": change_note.strip(),
    }


def _welsh_texts(report: Report, record: Edition | None) -> dict[str, dict[str, str]]:
    """The Welsh a Welsh document prints: the edition's frozen copy, or the latest (a draft's preview)."""
    if record is not None:
        return {"parts": record.welsh.get("parts", {}), "record": record.welsh.get("record", {})}
    return welsh_now(report)


def _about_in(audit: dict[str, Any], *, welsh: bool) -> dict[str, Any]:
    """One audit of "About the data" in the document's language. Audits frozen before they kept their
    numbers say their rates as they were written."""
    measures = []
    for measure in audit.get("measures", []):
        if "percent" in measure:
            met = gettext("%(percent)s%% (%(successes)s of %(trials)s)") % measure
            interval = gettext("%(low)s%% to %(high)s%%") % measure
        else:
            met, interval = measure["met"], measure["interval"]
        measures.append(
            {"text": measure.get("text_cy", "") if welsh else measure["text"], "met": met, "interval": interval}
        )
    return {
        "title": audit.get("title_cy", "") if welsh else audit["title"],
        "files": audit["files"],
        "measures": measures,
    }


def _grade(judgment: Judgment | EditionJudgment | None, *, welsh: bool = False) -> str:
    if judgment is None or judgment.grade is None:
        return gettext(NOT_GRADED)
    return judgment.grade.label_cy if welsh else judgment.grade.label


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


# --- Rendering ------------------------------------------------------------------------------------


class PdfRenderError(RuntimeError):
    """The PDF could not be typeset, or ran past a limit (``publishing.typesetting``)."""


@dataclass(frozen=True)
class RenderedPdf:
    """A rendered PDF and what it cost."""

    content: bytes
    pages: int
    seconds: float  # wall time of render_report_pdf as a whole
    typeset_seconds: float  # time spent typesetting alone (the Typst process)
    typeset_peak_mib: float = 0.0  # the Typst process's peak resident memory


@dataclass(frozen=True)
class RenderedHtml:
    """An edition's content as HTML for its public page: the overall grades, and the report's body."""

    glance: str
    body: str
    overall: str = ""  # the overall grades in words ("Overall legitimacy: Good"), for the page's description


def render_report_html(
    report: Report, revision: Revision, *, record: Edition | None = None, language: str = ENGLISH
) -> RenderedHtml:
    """Render ``revision`` of ``report`` as the HTML of its public page in ``language``, from the same
    content as its PDF (``report_document``). Stored on the edition when it renders, so that a published
    page is the edition's own (later edits to judgments do not change it) and is served without
    rendering Markdown again. Reads only."""
    with override(language):
        context = report_document(report, revision, record=record, language=language)
        return RenderedHtml(
            glance=render_to_string(GLANCE_TEMPLATE, context),
            body=render_to_string(BODY_TEMPLATE, context),
            overall="; ".join(f"{row.label}: {row.grade}" for row in context["overall"]),
        )


def render_report_pdf(
    report: Report,
    revision: Revision,
    *,
    edition: int = 1,
    published_on: datetime.date | None = None,
    change_note: str = "",
    record: Edition | None = None,
    language: str = ENGLISH,
) -> RenderedPdf:
    """Render ``revision`` of ``report`` as a tagged PDF/UA-1 document (A4, cover, contents, body),
    typeset by Typst from the same content as the public page (``report_document``).

    The arguments mean what they mean for ``report_document``; the PDF is tagged with ``language``
    ("en-GB", or "cy" for a Welsh edition), and its cover and contents are in it. Reads the database; writes nothing and
    never touches the network. Stops after ``PDF_RENDER_SECONDS`` and refuses more than
    ``PDF_MAX_PAGES`` pages. Raises ``ValueError`` as ``report_document`` does, and ``PdfRenderError``
    if typesetting fails or runs past a limit.
    """
    started = time.perf_counter()
    with override(language):
        context = report_document(
            report,
            revision,
            edition=edition,
            published_on=published_on,
            change_note=change_note,
            record=record,
            language=language,
        )
        data = report_pdf_data(context, language=PDF_LANGUAGES[language])
    moment = None
    if published_on is not None:
        moment = int(datetime.datetime.combine(published_on, datetime.time(), tzinfo=datetime.UTC).timestamp())
    typeset_started = time.perf_counter()
    try:
        result = typeset(data, seconds=settings.PDF_RENDER_SECONDS, max_pages=settings.PDF_MAX_PAGES, timestamp=moment)
    except TypesetError as error:
        raise PdfRenderError(f"Rendering {report} stopped: {error}") from error
    finished = time.perf_counter()
    return RenderedPdf(
        content=result.content,
        pages=result.pages,
        seconds=finished - started,
        typeset_seconds=finished - typeset_started,
        typeset_peak_mib=result.peak_mib,
    )


# --- Checking a rendered PDF ------------------------------------------------------------------------


class PdfCheckError(ValueError):
    """The bytes do not open as a PDF."""


@dataclass(frozen=True)
class PdfCheck:
    """What a rendered PDF says about itself, and what keeps it from being one a publication needs."""

    pages: int
    tagged: bool  # /MarkInfo /Marked true and a /StructTreeRoot in the catalogue
    pdf_ua: bool  # pdfuaid:part is 1 in the XMP metadata
    title: str
    language: str
    problems: tuple[str, ...] = ()

    @property
    def accessible(self) -> bool:
        """Tagged, declared PDF/UA-1, titled, in a language, and none of the problems below."""
        return self.tagged and self.pdf_ua and bool(self.title) and bool(self.language) and not self.problems


#: Structure elements a check walks at most (a report has a few thousand): past it, a PDF fails.
_MAX_ELEMENTS: Final = 200_000


def _structure_problems(pdf: pikepdf.Pdf) -> list[str]:
    """What the structure tree gets wrong for a reader: a header cell without a scope, headings that
    do not start at one H1 or skip a level. Walks the tree once, without recursion."""
    problems: list[str] = []
    root = pdf.Root.get("/StructTreeRoot")
    if not isinstance(root, pikepdf.Dictionary):
        return problems
    stack: list[pikepdf.Object] = [root]
    seen: set[tuple[int, int]] = set()
    levels: list[int] = []
    unscoped = visited = 0
    while stack:
        visited += 1
        if visited > _MAX_ELEMENTS:
            return [f"the structure tree has more than {_MAX_ELEMENTS:,} elements, or a cycle"]
        element = stack.pop()
        if not isinstance(element, pikepdf.Dictionary):
            continue
        if element.is_indirect:
            if element.objgen in seen:
                continue
            seen.add(element.objgen)
        kind = str(element.get("/S", ""))
        if kind == "/TH":
            attributes = element.get("/A")
            dictionaries = list(attributes) if isinstance(attributes, pikepdf.Array) else [attributes]
            if not any(isinstance(a, pikepdf.Dictionary) and "/Scope" in a for a in dictionaries):
                unscoped += 1
        elif re.fullmatch(r"/H[1-6]", kind):
            levels.append(int(kind[2]))
        kids = element.get("/K")
        children: list[pikepdf.Object] = list(kids) if isinstance(kids, pikepdf.Array) else [kids] if kids else []
        stack.extend(reversed(children))  # reversed, so that they are visited in order
    if unscoped:
        problems.append(f"{unscoped} table header cell without a scope")
    if levels and (levels[0] != 1 or levels.count(1) != 1):
        problems.append("the headings do not start at one H1")
    skips = [f"H{after} after H{before}" for before, after in itertools.pairwise(levels) if after > before + 1]
    if skips:
        problems.append(f"headings skip a level: {', '.join(skips[:3])}")
    return problems


def check_pdf(content: bytes) -> PdfCheck:
    """Open ``content`` with pikepdf and report its pages, tagging, PDF/UA identifier, title and language,
    and the problems that would keep it from a publication (``PdfCheck.accessible``): untagged, not
    declared PDF/UA-1, no title shown as the window's title, no language, no bookmarks, a table header
    cell without a scope, headings out of order.

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
        tagged = marked and "/StructTreeRoot" in root
        pdf_ua = str(metadata.get(PDFUA_PART, "")).strip() == "1"
        title = str(pdf.docinfo.get("/Title", ""))
        language = str(root.get("/Lang", ""))
        problems = []
        if not tagged:
            problems.append("not tagged")
        if not pdf_ua:
            problems.append("not declared PDF/UA-1")
        preferences = root.get("/ViewerPreferences")
        if not (isinstance(preferences, pikepdf.Dictionary) and bool(preferences.get("/DisplayDocTitle", False))):
            problems.append("the title is not shown as the window's title")
        if "/Outlines" not in root:
            problems.append("no bookmarks")
        problems += _structure_problems(pdf)
        return PdfCheck(
            pages=len(pdf.pages),
            tagged=tagged,
            pdf_ua=pdf_ua,
            title=title,
            language=language,
            problems=tuple(problems),
        )
