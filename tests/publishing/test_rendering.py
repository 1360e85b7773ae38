"""The report as a document: the shared context, the PDF (Typst, PDF/UA-1) and its structure tree,
``check_pdf``, and text that must never be Typst.

The structure-tree tests read the PDF with pikepdf and assert what a screen-reader user needs: one
Table per table across pages with scoped header cells, headings in order, the contents as a TOC, links
as Link elements, and the running header and footer as artifacts. An outside checker (PyPI ``pdfua``)
reads the same PDF.
"""

from __future__ import annotations

import datetime
import io
import itertools
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pikepdf
import pytest
from django.conf import settings
from django.db import transaction

from accounts.roles import Role
from inspections.models import Finding, Judgment, Pillar
from publishing.demo.reports import content_for
from publishing.pdf_document import html_blocks
from publishing.rendering import (
    PdfCheckError,
    PdfRenderError,
    RenderedPdf,
    check_pdf,
    render_report_pdf,
    report_document,
)
from publishing.typesetting import TypesetError, typeset
from reports.models import Report, Revision
from reports.services import report_start
from tests.conftest import restore_reference_data
from tests.factories import (
    FindingFactory,
    InspectionFactory,
    ProgrammeFactory,
    QuestionFactory,
    UserFactory,
    grade,
)
from tests.publishing.helpers import pdfua_findings

LEAD_NAME = "Wendy Williams"
QUESTIONS = 20  # enough rows for the judgments table to cross a page break
DATA_ROWS = 70  # a Markdown table in one section long enough to cross a page break


# --- Building a long, realistic report --------------------------------------------------------------


def long_markdown(number: int) -> str:
    """About a page of plausible section text: subheadings, lists, a link, callouts, a data table."""
    paragraph = (
        "Inspectors reviewed a sample of {n} case files and spoke to officers, staff and supervisors in "
        "focus groups across the force area. Most of the people we spoke to understood what the force "
        "expects of them, and could describe how the code of ethics applies to their everyday decisions. "
        "Supervisors generally checked the quality of decisions, although the records were inconsistent."
    )
    parts = [
        paragraph.format(n=40 + number),
        "### How the force uses its information",
        paragraph.format(n=12 + number),
        "- Officers record the reasons for each decision.\n- Supervisors review a sample every month.\n"
        "- The force publishes what it has learned, as the "
        "[College of Policing guidance](https://www.college.police.uk/guidance) recommends.",
        "$AFI\nThe force should make sure that supervisors record every review of a stop and search.\n$AFI",
        "#### What the force has done since our last inspection",
        paragraph.format(n=3 + number),
        "^Figures in this section are for the 12 months to 31 March 2016.^",
    ]
    if number == 3:
        rows = "\n".join(f"| {month} | {100 + row * 7} | {20 + row % 9}% |" for row, month in enumerate(_months()))
        parts.append("### Stops and searches by month\n\n| Month | Searches | Found |\n| --- | --- | --- |\n" + rows)
    return "\n\n".join(parts)


def _months() -> Iterator[str]:
    for index in range(DATA_ROWS):
        yield (datetime.date(2010, 1, 1) + datetime.timedelta(days=31 * index)).strftime("%B %Y")


def build_long_report() -> tuple[Report, Revision]:
    """A report of about 30 pages: ``QUESTIONS`` graded questions and an ungraded strand, findings of
    every kind, text from ``publishing.demo.reports.content_for`` with a page of Markdown added to each section."""
    inspector = UserFactory(roles=[Role.INSPECTOR], name="Ivy Inspector")
    lead = UserFactory(roles=[Role.LEAD_INSPECTOR], name=LEAD_NAME)
    programme = ProgrammeFactory(name="PEEL: Police legitimacy 2016", year=2016)
    for number in range(1, QUESTIONS + 1):
        QuestionFactory(
            programme=programme,
            number=number,
            short_title=f"Question {number} on fairness and ethics",
            text=f"How well does the force do what question {number} asks of it?",
        )
    strand = QuestionFactory(
        programme=programme,
        number=QUESTIONS + 1,
        short_title="Abuse of authority for sexual gain",
        text="How well does the force tackle abuse of authority for sexual gain?",
        graded=False,
        is_strand=True,
    )
    inspection = InspectionFactory(programme=programme, team=[inspector], lead_inspector=lead)
    for question in programme.questions.all():
        Judgment.objects.create(
            inspection=inspection,
            question=question,
            grade=None if question == strand else grade("good" if question.number % 4 else "requires-improvement"),
            narrative=f"The force is good at what question {question.number} asks.",
        )
    Judgment.objects.create(
        inspection=inspection, pillar=Pillar.objects.get(slug="legitimacy"), grade=grade("good"), narrative="Good."
    )
    questions = list(programme.questions.all())
    for order in range(6):
        FindingFactory(inspection=inspection, question=questions[order], order=order)
    cause = FindingFactory(
        inspection=inspection,
        kind=Finding.Kind.CAUSE_OF_CONCERN,
        question=questions[2],
        text="The force does not record the outcome of enough stops and searches.",
    )
    for order, deadline in enumerate((datetime.date(2017, 3, 31), datetime.date(2017, 9, 30))):
        Finding.objects.create(
            inspection=inspection,
            kind=Finding.Kind.RECOMMENDATION,
            cause_of_concern=cause,
            order=order,
            deadline=deadline,
            text=f"Within the deadline the force should put recommendation {order + 1} into effect.",
        )
    FindingFactory(inspection=inspection, kind=Finding.Kind.NOTABLE_PRACTICE, text="A scrutiny panel of young people.")
    report = report_start(inspection=inspection)
    content = content_for(inspection)
    content["summary"] += "\n\n" + long_markdown(0)
    for number in range(1, QUESTIONS + 2):
        content[f"section-{number}"] += "\n\n" + long_markdown(number)
    revision = Revision.objects.create(report=report, number=1, author=inspector, content=content)
    return report, revision


@dataclass(frozen=True)
class LongPdf:
    rendered: RenderedPdf
    title: str


@pytest.fixture(scope="module")
def long_pdf(django_db_setup, django_db_blocker) -> LongPdf:  # type: ignore[no-untyped-def]
    """The long report, rendered once for the module (the data is rolled back at once)."""
    with django_db_blocker.unblock(), transaction.atomic():
        restore_reference_data()  # transactional tests that ran before may have flushed it
        report, revision = build_long_report()
        rendered = render_report_pdf(report, revision, edition=2, published_on=datetime.date(2016, 12, 8))
        title = report.title
        transaction.set_rollback(True)
    return LongPdf(rendered, title)


@pytest.fixture(scope="module")
def pdf(long_pdf: LongPdf) -> Iterator[pikepdf.Pdf]:
    with pikepdf.open(io.BytesIO(long_pdf.rendered.content)) as document:
        yield document


# --- Reading a tagged PDF ---------------------------------------------------------------------------


@dataclass
class Node:
    """A structure element, its kind, depth and the text of the marked content under it."""

    element: pikepdf.Dictionary
    kind: str
    depth: int
    text: str


def _cmap(font: pikepdf.Dictionary) -> dict[bytes, str]:
    """The code-to-text map of a font's /ToUnicode CMap (bfchar and bfrange)."""
    mapping: dict[bytes, str] = {}
    if "/ToUnicode" not in font:
        return mapping
    cmap = font.ToUnicode.read_bytes().decode("latin-1")
    for block in re.findall(r"beginbfchar(.*?)endbfchar", cmap, re.DOTALL):
        for code, text in re.findall(r"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>", block):
            mapping[bytes.fromhex(code)] = bytes.fromhex(text).decode("utf-16-be")
    for block in re.findall(r"beginbfrange(.*?)endbfrange", cmap, re.DOTALL):
        for start, end, first in re.findall(r"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>", block):
            width, base = len(start) // 2, int(first, 16)
            for offset, code in enumerate(range(int(start, 16), int(end, 16) + 1)):
                mapping[code.to_bytes(width, "big")] = chr(base + offset)
    return mapping


@dataclass
class Marked:
    """One run of text in a page's content stream and the marked content it is in."""

    page: int
    tags: tuple[str, ...]  # the enclosing BDC/BMC tags, outermost first
    mcid: int | None  # the innermost MCID, if any
    text: str


def marked_text(pdf: pikepdf.Pdf) -> list[Marked]:
    """Every text-showing run on every page, decoded through the fonts' ToUnicode maps, with its
    enclosing marked-content tags."""
    runs: list[Marked] = []
    for index, page in enumerate(pdf.pages):
        fonts = {str(name): _cmap(font) for name, font in page.Resources.get("/Font", {}).items()}
        stack: list[tuple[str, int | None]] = []
        cmap: dict[bytes, str] = {}
        for operands, operator in pikepdf.parse_content_stream(page):
            op = str(operator)
            if op in ("BDC", "BMC"):
                properties = operands[1] if op == "BDC" else None
                mcid = properties.get("/MCID") if isinstance(properties, pikepdf.Dictionary) else None
                stack.append((str(operands[0]), None if mcid is None else int(mcid)))
            elif op == "EMC":
                stack.pop()
            elif op == "Tf":
                cmap = fonts.get(str(operands[0]), {})
            elif op in ("Tj", "TJ"):
                strings = operands[0] if op == "TJ" else [operands[0]]
                text = ""
                for item in strings:
                    if isinstance(item, pikepdf.String):
                        raw = bytes(item)
                        text += "".join(cmap.get(raw[i : i + 2], "?") for i in range(0, len(raw), 2))
                mcids = [mcid for _, mcid in stack if mcid is not None]
                runs.append(Marked(index, tuple(tag for tag, _ in stack), mcids[-1] if mcids else None, text))
    return runs


def structure(pdf: pikepdf.Pdf) -> list[Node]:
    """The structure tree in reading order (depth first), each element with its text."""
    pages = {page.obj.objgen: index for index, page in enumerate(pdf.pages)}
    text_of: dict[tuple[int, int], str] = {}
    for run in marked_text(pdf):
        if run.mcid is not None:
            text_of[(run.page, run.mcid)] = text_of.get((run.page, run.mcid), "") + run.text
    nodes: list[Node] = []

    def text(element: pikepdf.Dictionary) -> str:
        kids = element.get("/K")
        kids = kids if isinstance(kids, pikepdf.Array) else [kids] if kids is not None else []
        parts = []
        for kid in kids:
            if isinstance(kid, int):
                parts.append(text_of.get((pages[element.Pg.objgen], int(kid)), ""))
            elif isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/StructElem":
                parts.append(text(kid))
        # Each line is a span of its own and the space at a line's end is not drawn: a reader takes
        # the line break as a space, and so does this.
        return " ".join(" ".join(parts).split())

    def walk(element: pikepdf.Dictionary, depth: int) -> None:
        nodes.append(Node(element, str(element.S), depth, text(element)))
        kids = element.get("/K")
        for kid in kids if isinstance(kids, pikepdf.Array) else []:
            if isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/StructElem":
                walk(kid, depth + 1)

    for top in pdf.Root.StructTreeRoot.K:
        walk(top, 0)
    return nodes


def reachable_content(pdf: pikepdf.Pdf) -> set[tuple[int, int]]:
    """(page, MCID) of every marked content that the structure tree, walked from its root, reaches."""
    pages = {page.obj.objgen: index for index, page in enumerate(pdf.pages)}
    found: set[tuple[int, int]] = set()
    for node in structure(pdf):
        kids = node.element.get("/K")
        for kid in kids if isinstance(kids, pikepdf.Array) else [kids]:
            if isinstance(kid, int):
                found.add((pages[node.element.Pg.objgen], int(kid)))
            elif isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/MCR":
                found.add((pages[kid.Pg.objgen], int(kid.MCID)))
    return found


def children(node: Node, kind: str) -> list[pikepdf.Dictionary]:
    return [kid for kid in node.element.K if isinstance(kid, pikepdf.Dictionary) and kid.get("/S") == kind]


def text_of_element(pdf: pikepdf.Pdf, element: pikepdf.Dictionary) -> str:
    for node in structure(pdf):
        if node.element.objgen == element.objgen:
            return node.text
    raise AssertionError("not in the tree")


def judgments_tables(nodes: list[Node]) -> list[Node]:
    """The structure elements that hold the judgments table's rows ("Overall legitimacy" and the questions)."""
    return [node for node in nodes if node.kind == "/Table" and "on fairness and ethics" in node.text]


# --- The shared context ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_document_context_holds_judgments_parts_and_findings(written_report, inspector) -> None:
    inspection = written_report.inspection
    ungraded = QuestionFactory(programme=inspection.programme, number=3, short_title="Strand", graded=False)
    Judgment.objects.create(inspection=inspection, question=ungraded, narrative="Not graded.")
    afi = FindingFactory(inspection=inspection, text="Improve thing A.")
    cause = FindingFactory(inspection=inspection, kind=Finding.Kind.CAUSE_OF_CONCERN, text="A worry.")
    Finding.objects.create(
        inspection=inspection,
        kind=Finding.Kind.RECOMMENDATION,
        cause_of_concern=cause,
        text="Fix it.",
        deadline=datetime.date(2017, 3, 31),
    )
    Finding.objects.create(inspection=inspection, kind=Finding.Kind.RECOMMENDATION, text="A loose one.")
    FindingFactory(inspection=inspection, kind=Finding.Kind.NOTABLE_PRACTICE, text="Good idea.")
    revision = written_report.latest_revision()

    document = report_document(
        written_report, revision, edition=2, published_on=datetime.date(2016, 12, 8), change_note=" A fix. "
    )

    assert document["title"] == written_report.title
    assert document["force_name"] == "West Midlands Police"
    assert document["lead_inspector"] == "Leah Lead"
    assert document["authors"] == ["Leah Lead", settings.SERVICE_NAME]
    assert [(row.label, row.grade, row.overall) for row in document["judgments"]] == [
        ("Overall legitimacy", "Good", True),
        ("1. Fairness", "Good", False),
        ("2. Ethics", "Good", False),
        ("3. Strand", "Not graded", False),
    ]
    assert document["summary"].html == "<p>Text of Summary.</p>"
    assert document["lead_quote"].html == "<p>Text of The lead inspector's quote.</p>"
    assert [(s.anchor, s.title, s.question) for s in document["sections"]][:1] == [
        ("section-1", "1. Fairness", inspection.programme.questions.get(number=1).text)
    ]
    assert document["areas_for_improvement"] == [afi.text]
    [only_cause] = document["causes_of_concern"]
    assert only_cause.text == "A worry."
    assert [(r.text, r.deadline) for r in only_cause.recommendations] == [("Fix it.", datetime.date(2017, 3, 31))]
    assert [r.text for r in document["recommendations"]] == ["A loose one."]
    assert document["notable_practice"] == ["Good idea."]
    assert (document["edition_number"], document["published_on"], document["change_note"]) == (
        2,
        datetime.date(2016, 12, 8),
        "A fix.",
    )


@pytest.mark.django_db
def test_a_part_s_headings_sit_under_the_section_heading_without_skipping(report, inspector) -> None:
    question = report.inspection.programme.questions.get(number=1)
    revision = Revision.objects.create(
        report=report,
        number=1,
        author=inspector,
        content={"section-1": f"## {question.text}\n\nText.\n\n#### Deep\n\n## Next\n\n### Under"},
    )
    [section, _] = report_document(report, revision)["sections"]
    # The opening heading repeated the question (shown already): dropped. #### straight after the
    # section's h2 becomes h3, not h5.
    assert section.html == "<p>Text.</p>\n<h3>Deep</h3>\n<h3>Next</h3>\n<h4>Under</h4>"


@pytest.mark.django_db
def test_the_context_refuses_another_report_s_revision_and_edition_zero(report, written_report, inspector) -> None:
    other = report_start(inspection=InspectionFactory(programme=ProgrammeFactory()))
    stranger = Revision.objects.create(report=other, number=1, author=inspector, content={})
    with pytest.raises(ValueError, match="another report"):
        report_document(written_report, stranger)
    with pytest.raises(ValueError, match="edition"):
        report_document(written_report, written_report.latest_revision(), edition=0)


# --- The PDF -----------------------------------------------------------------------------------------


def test_the_long_report_opens_and_says_it_is_tagged_pdf_ua_titled_and_in_english(long_pdf, pdf) -> None:
    rendered = long_pdf.rendered
    assert rendered.content.startswith(b"%PDF-1.7")
    assert len(pdf.pages) == rendered.pages > 20
    check = check_pdf(rendered.content)
    assert check.pages == rendered.pages
    assert check.tagged and check.pdf_ua and check.accessible, check.problems
    assert check.title == long_pdf.title
    assert check.language == "en-GB"
    assert str(pdf.Root.Lang) == "en-GB"
    assert bool(pdf.Root.MarkInfo.Marked) is True
    assert bool(pdf.Root.ViewerPreferences.DisplayDocTitle) is True
    assert str(pdf.docinfo.Author) == f"{LEAD_NAME}, {settings.SERVICE_NAME}"
    # The cover's date is the edition's day, and the PDF says it was made then too.
    assert str(pdf.docinfo.CreationDate).startswith("D:20161208")


def test_the_pdf_ua_identifier_is_in_the_xmp_metadata(long_pdf, pdf) -> None:
    metadata = pdf.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False)
    assert metadata["{http://www.aiim.org/pdfua/ns/id/}part"] == "1"
    assert metadata["dc:title"] == long_pdf.title


def test_headings_come_in_order_from_one_h1_without_skipping_a_level(pdf) -> None:
    headings = [(int(node.kind[2]), node.text) for node in structure(pdf) if re.fullmatch(r"/H[1-6]", node.kind)]
    assert headings[0] == (1, "PEEL: Police legitimacy 2016 West Midlands Police")
    assert [level for level, _ in headings].count(1) == 1
    for (before, _), (after, text) in itertools.pairwise(headings):
        assert after <= before + 1, f"{text!r} (H{after}) skips a level after an H{before}"
    part = [(3, "How the force uses its information"), (4, "What the force has done since our last inspection")]
    assert headings[1:7] == [(2, "Contents"), (2, "Our judgments"), (2, "Summary"), *part, (2, "Key findings")]
    sections = [text for level, text in headings if level == 2 and text[0].isdigit()]
    assert sections == [f"{n}. Question {n} on fairness and ethics" for n in range(1, QUESTIONS + 1)] + [
        f"{QUESTIONS + 1}. Abuse of authority for sexual gain"
    ]
    assert headings[-6:] == [
        (2, "Findings and recommendations"),
        (3, "Areas for improvement"),
        (3, "Causes of concern"),
        (4, "Cause of concern 1"),
        (5, "Recommendations"),
        (3, "Notable practice"),
    ]


def test_the_contents_is_a_toc_whose_entries_link_to_their_parts_and_the_parts_are_bookmarks(pdf) -> None:
    nodes = structure(pdf)
    entries = [node.text for node in nodes if node.kind == "/TOCI"]
    assert [re.sub(r" \d+$", "", entry) for entry in entries[:3]] == ["Our judgments", "Summary", "Key findings"]
    assert len(entries) == 3 + QUESTIONS + 1 + 1  # the parts, the sections and the findings
    assert all(re.search(r" \d+$", entry) for entry in entries)  # each with its page number
    with pdf.open_outline() as outline:
        titles = [item.title for item in outline.root[0].children] if outline.root else []
    assert "Summary" in titles and "Findings and recommendations" in titles


def test_table_header_cells_carry_a_scope_and_every_data_cell_names_its_header(pdf) -> None:
    nodes = structure(pdf)
    [table] = judgments_tables(nodes)
    [caption] = children(table, "/Caption")
    [head] = children(table, "/THead")
    [body] = children(table, "/TBody")
    column_headers = [cell for row in head.K for cell in row.K]
    assert [str(cell.S) for cell in column_headers] == ["/TH", "/TH"]
    assert all(cell.A[0].Scope == pikepdf.Name.Column for cell in column_headers)
    ids = [str(cell.ID) for cell in column_headers]
    rows = list(body.K)
    assert len(rows) == QUESTIONS + 2  # the overall judgment, the graded questions and the strand
    for row in rows:
        cells = list(row.K)
        assert [str(cell.S) for cell in cells] == ["/TD", "/TD"]
        assert [[str(header) for header in cell.A[0].Headers] for cell in cells] == [[ids[0]], [ids[1]]]
    assert "Judgments on West Midlands Police" in text_of_element(pdf, caption)


def test_a_table_that_crosses_pages_is_one_table_element_with_its_header_repeated_as_an_artifact(pdf) -> None:
    [judgments] = judgments_tables(structure(pdf))
    [searches] = [node for node in structure(pdf) if node.kind == "/Table" and "Searches" in node.text]
    for table, rows in ((judgments, QUESTIONS + 2), (searches, DATA_ROWS)):
        assert len(list(children(table, "/TBody")[0].K)) == rows
    # The searches table runs over more than one page, and the later pages repeat its header row,
    # drawn as an artifact, outside the structure tree.
    pages = {run.page for run in marked_text(pdf) if run.text == "Searches"}
    assert len(pages) >= 2
    repeated = [run for run in marked_text(pdf) if run.text == "Searches" and run.page != min(pages)]
    assert repeated and all("/Artifact" in run.tags and run.mcid is None for run in repeated)


def test_running_header_and_footer_are_artifacts_and_the_cover_has_none(long_pdf, pdf) -> None:
    title, total = long_pdf.title, len(pdf.pages)
    runs = marked_text(pdf)

    def in_margin(run: Marked) -> bool:
        return run.text in (title, settings.SERVICE_NAME, "Edition 2") or re.fullmatch(r"Page \d+ of \d+", run.text)

    for page in range(1, total):
        texts = sorted(run.text for run in runs if run.page == page and in_margin(run) and "/Artifact" in run.tags)
        assert texts == sorted([title, settings.SERVICE_NAME, "Edition 2", f"Page {page + 1} of {total}"]), page
    assert not [run for run in runs if run.page == 0 and run.text == title]
    reachable = reachable_content(pdf)
    for run in runs:
        if "/Artifact" in run.tags:
            assert run.mcid is None
        else:
            assert (run.page, run.mcid) in reachable, run  # everything else is in the tree


def test_links_are_link_elements_and_lists_are_lists(pdf) -> None:
    nodes = structure(pdf)
    links = [node for node in nodes if node.kind == "/Link" and "College of Policing guidance" in node.text]
    assert len(links) == QUESTIONS + 2  # the summary and every section
    uris = {
        str(annotation.A.URI)
        for page in pdf.pages
        for annotation in page.get("/Annots", [])
        if "/A" in annotation and "/URI" in annotation.A
    }
    assert uris == {"https://www.college.police.uk/guidance"}
    assert any(node.kind == "/L" and "Officers record the reasons" in node.text for node in nodes)


def test_the_outside_checker_finds_nothing(long_pdf, tmp_path: Path) -> None:
    problems = pdfua_findings(long_pdf.rendered.content, tmp_path)
    assert problems == []


# --- check_pdf -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("content", [b"", b"not a pdf", b"%PDF-1.7\n%%EOF"])
def test_check_pdf_refuses_what_is_not_a_pdf(content: bytes) -> None:
    with pytest.raises(PdfCheckError):
        check_pdf(content)


def test_check_pdf_tells_an_untagged_pdf() -> None:
    plain = pikepdf.new()
    plain.add_blank_page()
    plain.docinfo["/Title"] = "Plain"
    buffer = io.BytesIO()
    plain.save(buffer)
    check = check_pdf(buffer.getvalue())
    assert (check.pages, check.tagged, check.pdf_ua, check.title, check.language) == (1, False, False, "Plain", "")
    assert not check.accessible
    assert "not tagged" in " ".join(check.problems)


def test_check_pdf_tells_a_header_cell_without_a_scope(long_pdf) -> None:
    with pikepdf.open(io.BytesIO(long_pdf.rendered.content)) as document:
        [first] = [node for node in structure(document) if node.kind == "/TH"][:1]
        del first.element.A[0]["/Scope"]
        buffer = io.BytesIO()
        document.save(buffer)
    check = check_pdf(buffer.getvalue())
    assert not check.accessible
    assert "header cell without a scope" in " ".join(check.problems)


# --- Text is data, never Typst --------------------------------------------------------------------------

#: What would be code or markup if it were ever parsed as Typst, and Markdown links that must not link.
HOSTILE = [
    "#while true {}",
    '#read("/etc/passwd")',
    '#image("/etc/hosts")',
    "$x^2$",
    "<label>",
    "@ref",
    "\\ back\\slash \\#",
    "# * _ ` $ @ < > [ ] { } ~ / + - = ' \" ^ ; :",
    '#set page(width: 1pt) #pagebreak() #import "x.typ"',
    "```typ #panic() ```",
]


def text_of(pdf: pikepdf.Pdf) -> str:
    return " ".join(run.text for run in marked_text(pdf))


@pytest.mark.django_db
def test_no_text_anyone_wrote_is_ever_typst(written_report, inspector) -> None:
    inspection = written_report.inspection
    payload = "\n\n".join(f"Typed: {hostile}" for hostile in HOSTILE)
    FindingFactory(inspection=inspection, text="AFI " + " ".join(HOSTILE))
    cause = FindingFactory(inspection=inspection, kind=Finding.Kind.CAUSE_OF_CONCERN, text="Cause " + HOSTILE[1])
    Finding.objects.create(
        inspection=inspection, kind=Finding.Kind.RECOMMENDATION, cause_of_concern=cause, text="Rec " + HOSTILE[0]
    )
    content = {key: f"{key} {payload}" for key in written_report.latest_revision().content}
    content["summary"] += "\n\n[a script](javascript:alert(1)) and [a file](file:///etc/passwd)"
    revision = Revision.objects.create(report=written_report, number=99, author=inspector, content=content)

    rendered = render_report_pdf(written_report, revision)

    with pikepdf.open(io.BytesIO(rendered.content)) as document:
        text = " ".join(text_of(document).split())
        uris = [a for page in document.pages for a in page.get("/Annots", []) if "/A" in a and "/URI" in a.A]
    assert rendered.pages < 20  # no loop ran, no page was set to 1 pt
    for hostile in ("#while true {}", '#read("/etc/passwd")', '#image("/etc/hosts")', "$x^2$", "@ref", "[ ] { } ~"):
        assert text.count(hostile) >= 3, hostile  # printed as typed, in the parts, the quote and findings
    # A tag in Markdown is dropped, as on the web page; typed into a finding (plain text), it is printed.
    assert text.count("<label>") == 1
    assert "root:" not in text  # nothing was read
    assert "a script and a file" in text and uris == []  # the links the web page drops are dropped


@pytest.mark.django_db
def test_what_the_font_cannot_show_empty_headings_and_odd_tables_never_stop_a_render(written_report, inspector) -> None:
    content = dict(written_report.latest_revision().content)
    content["summary"] = (
        "##\n\n## &nbsp;\n\nEmoji 😀, 中文 and ★ ŵŷ €\u00a0≥ 10\u00a0000.\n\n"
        "<table><tr><td>no</td><td>header</td></tr></table>\n\n"
        "| A | B |\n| --- | --- |\n\n- \n- item"
    )
    FindingFactory(inspection=written_report.inspection, text="A finding 🚓 with an emoji.")
    revision = Revision.objects.create(report=written_report, number=99, author=inspector, content=content)

    rendered = render_report_pdf(written_report, revision)

    assert check_pdf(rendered.content).accessible
    with pikepdf.open(io.BytesIO(rendered.content)) as document:
        text = text_of(document)
    assert "Emoji \u25a1, \u25a1\u25a1 and \u25a1 ŵŷ €" in text  # shown as a box, never a failed render
    assert "A finding \u25a1 with an emoji." in text
    assert html_blocks("<p>10&nbsp;000 and\n two</p>") == [{"par": ["10\u00a0000 and two"]}]  # no break there


def test_a_hostile_structure_tree_is_a_problem_not_a_hang() -> None:
    pdf = pikepdf.new()
    pdf.add_blank_page()
    kids = pdf.make_indirect(pikepdf.Array())
    element = pikepdf.Dictionary(Type=pikepdf.Name.StructElem, S=pikepdf.Name.P, K=kids)
    kids.append(element)  # a direct element inside its own children: a cycle
    pdf.Root.StructTreeRoot = pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.StructTreeRoot, K=kids))
    pdf.Root.MarkInfo = pikepdf.Dictionary(Marked=True)
    buffer = io.BytesIO()
    pdf.save(buffer)
    check = check_pdf(buffer.getvalue())
    assert not check.accessible
    assert "or a cycle" in " ".join(check.problems)


# --- Limits ----------------------------------------------------------------------------------------------


def test_a_typesetting_past_its_time_limit_is_stopped() -> None:
    """A document that takes seconds to typeset (thousands of paragraphs), given half a second."""
    data = report_pdf_data_for_test(paragraphs=6000)
    started = time.monotonic()
    with pytest.raises(TypesetError, match=r"longer than 0.5 s"):
        typeset(data, seconds=0.5, max_pages=10_000)
    assert time.monotonic() - started < 3  # stopped, not waited for
    # The next render starts a fresh typesetting process.
    assert typeset(report_pdf_data_for_test(paragraphs=3), seconds=30, max_pages=10).pages >= 2


def test_a_typesetting_process_serves_a_bounded_number_of_renders_and_one_that_died_is_replaced(monkeypatch) -> None:
    from publishing import typesetting

    monkeypatch.setattr(typesetting, "RENDERS_PER_PROCESS", 2)
    if typesetting._current is not None:  # one that earlier tests used
        typesetting._current.stop()
        typesetting._current = None
    data = report_pdf_data_for_test(paragraphs=3)
    typeset(data, seconds=30, max_pages=10)
    first = typesetting._current
    assert first is not None
    typeset(data, seconds=30, max_pages=10)
    assert typesetting._current is first  # fonts loaded once
    typeset(data, seconds=30, max_pages=10)
    assert typesetting._current is not first and first.popen.poll() is not None  # a fresh one; the old ended
    typesetting._current.popen.kill()  # as the kernel would, out of memory
    typesetting._current.popen.wait()
    with pytest.raises(TypesetError, match="the typesetting process ended"):
        typeset(data, seconds=30, max_pages=10)
    assert typeset(data, seconds=30, max_pages=10).pages >= 2


@pytest.mark.django_db
def test_a_render_past_its_time_limit_fails(written_report, settings) -> None:
    # Half a millisecond: below any render, even a short report's in a warm typesetting process.
    settings.PDF_RENDER_SECONDS = 0.0005
    with pytest.raises(PdfRenderError, match=r"longer than 0.0005 s"):
        render_report_pdf(written_report, written_report.latest_revision())


@pytest.mark.django_db
def test_a_render_past_its_page_limit_fails(written_report, settings) -> None:
    settings.PDF_MAX_PAGES = 3
    with pytest.raises(PdfRenderError, match=r"more than the 3 a report may have"):
        render_report_pdf(written_report, written_report.latest_revision())


# --- Time (reported, not asserted: speed is measured by benchmarks, not tests) --------------------------


def test_report_the_time_a_long_report_takes(long_pdf, capsys) -> None:
    rendered = long_pdf.rendered
    with capsys.disabled():
        print(
            f"\n{rendered.pages}-page report: render_report_pdf {rendered.seconds:.2f} s, of which typesetting "
            f"{rendered.typeset_seconds:.2f} s; {len(rendered.content) / 2**20:.2f} MiB"
        )
    assert 0 < rendered.typeset_seconds <= rendered.seconds


def report_pdf_data_for_test(*, paragraphs: int) -> dict[str, object]:
    """The data of a PDF (as ``publishing.pdf_document.report_pdf_data`` makes it) with one long part."""
    from publishing.pdf_document import labels

    text = "Inspectors reviewed a sample of case files and spoke to officers and staff. " * 8
    return {
        "lang": "en",
        "region": "GB",
        "title": "A long report",
        "authors": ["Police Inspectorate"],
        "keywords": [],
        "date": None,
        "service_name": "Police Inspectorate",
        "programme": "A programme",
        "force": "A force",
        "footer_edition": "Edition 1",
        "lead_inspector": "",
        "cover": {"date": "Not yet published", "edition": "Edition 1", "inspector": "", "change_note": ""},
        "overall": [],
        "judgments": [{"label": "1. A question", "grade": "Good", "overall": False}],
        "lead_quote": [],
        "parts": [{"title": "Summary", "question": "", "body": [{"par": [text]}] * paragraphs}],
        "findings": None,
        "labels": labels(force="a force"),
    }
