"""The report as data for its PDF template (``publishing/typst/report.typ``).

``report_pdf_data`` turns the context of ``publishing.rendering.report_document`` (the one the public
page renders) into plain JSON-ready data, so the page and the PDF say the same things. Each written
part arrives here as the sanitised HTML of ``reports.markup.render``; ``html_blocks`` reads that HTML
(a small, known set of elements) into a tree of blocks and inlines whose text is only ever strings.
The template places those strings as they are: nothing an author wrote can become Typst markup. A
character the report's font cannot show becomes ``MISSING_GLYPH`` (``printable``).
"""

from __future__ import annotations

import datetime
import functools
import re
from html.parser import HTMLParser
from typing import Any, Final, TypeVar, cast

from django.utils.dateformat import format as date_format
from django.utils.translation import gettext, gettext_lazy
from fontTools.ttLib import TTFont

from publishing.typesetting import FONTS

#: What the template prints of its own (the report's text comes from the data), in the active language.
LABELS: Final = {
    "contents": gettext_lazy("Contents"),
    "judgments": gettext_lazy("Our judgments"),
    "judgments_caption": gettext_lazy("Judgments on {force}"),
    "area": gettext_lazy("Area inspected"),
    "grade": gettext_lazy("Grade"),
    "attribution": gettext_lazy("{name}, HM Inspector"),
    "findings": gettext_lazy("Findings and recommendations"),
    "afis": gettext_lazy("Areas for improvement"),
    "causes": gettext_lazy("Causes of concern"),
    "recommendations": gettext_lazy("Recommendations"),
    "other_recommendations": gettext_lazy("Other recommendations"),
    "notable": gettext_lazy("Notable practice"),
    "not_written": gettext_lazy("Not written."),
    "about": gettext_lazy("About the data"),
    "about_intro": gettext_lazy(
        "The team reviewed samples of the force's case files against the programme's checklist. "
        "Each rate counts the files a measure applied to; the range is its 95% confidence interval."
    ),
    "measure": gettext_lazy("Measure"),
    "case_files": gettext_lazy("case files"),
    "met": gettext_lazy("Met"),
    "interval": gettext_lazy("95% interval"),
    "page_of": gettext_lazy("Page {page} of {pages}"),
}


def labels(*, force: str) -> dict[str, str]:
    """The template's own words in the active language, the judgments table's caption naming ``force``."""
    words = {key: str(label) for key, label in LABELS.items()}
    return {**words, "judgments_caption": words["judgments_caption"].format(force=force)}


_LINK_SCHEMES: Final = ("https://", "mailto:")
_HEADINGS: Final = {"h2": 2, "h3": 3, "h4": 4, "h5": 5}
#: HTML's collapsible white space: a no-break space is not one of them.
_SPACES: Final = re.compile(r"[ \t\n\r\f]+")
_Data = TypeVar("_Data")
#: Shown for a character the report's font has no glyph for (an emoji, say): PDF/UA-1 forbids text
#: that cannot be shown, and a render must never fail over one character.
MISSING_GLYPH: Final = "\u25a1"
_INLINE: Final = frozenset({"strong", "b", "em", "i", "a", "br", "span"})
_VOID: Final = frozenset({"br"})


class _Element:
    __slots__ = ("attrs", "children", "tag")

    def __init__(self, tag: str, attrs: dict[str, str]) -> None:
        self.tag, self.attrs = tag, attrs
        self.children: list[_Element | str] = []


class _TreeBuilder(HTMLParser):
    """Sanitised HTML (well formed, a known set of tags) into a tree of ``_Element`` and text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = _Element("root", {})
        self.stack = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = _Element(tag, {name: value or "" for name, value in attrs})
        self.stack[-1].children.append(element)
        if tag not in _VOID:
            self.stack.append(element)

    def handle_endtag(self, tag: str) -> None:
        for depth in range(len(self.stack) - 1, 0, -1):
            if self.stack[depth].tag == tag:
                del self.stack[depth:]
                return

    def handle_data(self, data: str) -> None:
        self.stack[-1].children.append(data)


def html_blocks(html: str) -> list[dict[str, Any]]:
    """The blocks of a part's sanitised HTML: paragraphs, headings, lists, quotes, callouts and tables."""
    if not html.strip():
        return []
    builder = _TreeBuilder()
    builder.feed(html)
    builder.close()
    return _blocks(builder.root.children)


def _blocks(children: list[_Element | str]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    loose: list[_Element | str] = []  # inline content between blocks (a list item's own text)

    def flush() -> None:
        runs = _inlines(loose)
        if runs:
            out.append({"par": runs})
        loose.clear()

    for child in children:
        if isinstance(child, str) or child.tag in _INLINE:
            loose.append(child)
            continue
        flush()
        out.extend(_block(child))
    flush()
    return out


def _block(element: _Element) -> list[dict[str, Any]]:
    tag = element.tag
    if tag == "p":
        runs = _inlines(element.children)
        return [{"par": runs}] if runs else []
    if tag in _HEADINGS:
        runs = _inlines(element.children)
        # An empty heading (a bare "##") announces nothing; PDF/UA-1 forbids one.
        return [{"heading": _HEADINGS[tag], "body": runs}] if _text(element) else []
    if tag in ("ul", "ol"):
        items = [_blocks(item.children) for item in element.children if isinstance(item, _Element) and item.tag == "li"]
        if tag == "ul":
            return [{"bullets": items}]
        start = element.attrs.get("start", "1")
        return [{"numbers": items, "start": int(start) if start.isdigit() else 1}]
    if tag == "blockquote":
        return [{"quote": _blocks(element.children)}]
    if tag == "table":
        return [_table(element)]
    if tag == "div":
        classes = element.attrs.get("class", "").split()
        kind = next((name.removeprefix("app-callout--") for name in classes if name.startswith("app-callout--")), "")
        if not kind:
            return _blocks(element.children)
        children = list(element.children)
        label = ""
        first = next((child for child in children if isinstance(child, _Element)), None)
        if first is not None and "app-callout__label" in first.attrs.get("class", ""):
            label = _text(first)
            children.remove(first)
        return [{"callout": kind, "label": label, "body": _blocks(children)}]
    return _blocks(element.children)  # anything else: its content


def _table(element: _Element) -> dict[str, Any]:
    rows: list[list[_Element]] = []
    head: list[_Element] = []
    for row in _descendants(element, "tr"):
        cells = [cell for cell in row.children if isinstance(cell, _Element) and cell.tag in ("th", "td")]
        if not head and all(cell.tag == "th" for cell in cells):
            head = cells
        else:
            rows.append(cells)
    columns = max(1, len(head), *(len(row) for row in rows))
    header = [_inlines(cell.children) for cell in head] + [[] for _ in range(columns - len(head))] if head else []
    body = [[_inlines(cell.children) for cell in row] + [[] for _ in range(columns - len(row))] for row in rows]
    return {"table": {"columns": columns, "head": header, "rows": body}}


def _descendants(element: _Element, tag: str) -> list[_Element]:
    found: list[_Element] = []
    for child in element.children:
        if isinstance(child, _Element):
            if child.tag == tag:
                found.append(child)
            else:
                found.extend(_descendants(child, tag))
    return found


def _inlines(children: list[_Element | str]) -> list[Any]:
    """Inline runs: strings, and ``{"strong": [...]}``, ``{"emph": [...]}``, ``{"link": url, "body":
    [...]}`` and ``{"br": True}``. Whitespace is collapsed as HTML would show it."""
    runs: list[Any] = []
    for child in children:
        if isinstance(child, str):
            text = _SPACES.sub(" ", child)
            if text:
                runs.append(text)
        elif child.tag == "br":
            runs.append({"br": True})
        elif child.tag in ("strong", "b"):
            runs.append({"strong": _inlines(child.children)})
        elif child.tag in ("em", "i"):
            runs.append({"emph": _inlines(child.children)})
        elif child.tag == "a" and child.attrs.get("href", "").lower().startswith(_LINK_SCHEMES):
            runs.append({"link": child.attrs["href"], "body": _inlines(child.children)})
        else:
            runs.extend(_inlines(child.children))
    # No space at the very start or end of a block.
    if runs and isinstance(runs[0], str):
        runs[0] = runs[0].lstrip(" ")
    if runs and isinstance(runs[-1], str):
        runs[-1] = runs[-1].rstrip(" ")
    return [run for run in runs if run != ""]


def _text(element: _Element) -> str:
    joined = "".join(child if isinstance(child, str) else _text(child) for child in element.children)
    return _SPACES.sub(" ", joined).strip(" ")


@functools.cache
def _glyphs() -> frozenset[int]:
    """The characters every style of the report's font can show."""
    covered: set[int] | None = None
    for path in sorted(FONTS.glob("*.ttf")):
        with TTFont(path, lazy=True) as font:
            cmap = set(font.getBestCmap())
        covered = cmap if covered is None else covered & cmap
    return frozenset(covered or ())


def printable(value: _Data) -> _Data:
    """``value`` (data: strings, lists, dicts) with every character the font cannot show, other than a
    line break, replaced by ``MISSING_GLYPH``."""
    result: Any = value
    if isinstance(value, str):
        glyphs = _glyphs()
        result = "".join(c if ord(c) in glyphs or c == "\n" else MISSING_GLYPH for c in value)
    elif isinstance(value, list):
        result = [printable(item) for item in value]
    elif isinstance(value, dict):
        result = {key: printable(item) for key, item in value.items()}
    return cast(_Data, result)


def _day(day: datetime.date | None) -> str:
    return date_format(day, "j F Y") if day else ""


def report_pdf_data(context: dict[str, Any], *, language: str = "en-GB") -> dict[str, Any]:
    """The data of the report's PDF, from the context of ``publishing.rendering.report_document``, in
    ``language`` (its ``lang`` and ``region``: "en-GB", or "cy"). Its own words are in the active
    language: the caller activates ``language`` (``publishing.rendering.render_report_pdf`` does)."""
    lang, _, region = language.partition("-")
    published_on: datetime.date | None = context["published_on"]
    causes = [
        {
            "heading": cause.heading,
            "text": cause.text,
            "recommendations": [_recommendation(rec) for rec in cause.recommendations],
        }
        for cause in context["causes_of_concern"]
    ]
    findings = (
        {
            "afis": list(context["areas_for_improvement"]),
            "causes": causes,
            "recommendations": [_recommendation(rec) for rec in context["recommendations"]],
            "notable": list(context["notable_practice"]),
        }
        if context["has_findings"]
        else None
    )
    parts = [context["summary"], context["key_findings"], *context["sections"]]
    change_note = context["change_note"]
    edition = gettext("Edition %(number)s") % {"number": context["edition_number"]}
    return printable(
        {
            "lang": lang,
            "region": region or None,
            "title": context["title"],
            "authors": list(context["authors"]),
            "keywords": [context["programme_name"], context["force_name"], gettext("police inspection")],
            "date": [published_on.year, published_on.month, published_on.day] if published_on else None,
            "service_name": context["service_name"],
            "programme": context["programme_name"],
            "force": context["force_name"],
            "footer_edition": edition,
            "lead_inspector": context["lead_inspector"],
            "cover": {
                "date": gettext("Published %(date)s") % {"date": _day(published_on)}
                if published_on
                else gettext("Not yet published"),
                "edition": edition,
                "inspector": gettext("HM Inspector: %(name)s") % {"name": context["lead_inspector"]}
                if context["lead_inspector"]
                else "",
                "change_note": gettext("Changes in this edition: %(note)s") % {"note": change_note}
                if change_note
                else "",
            },
            "overall": [{"label": row.label, "grade": row.grade} for row in context["overall"]],
            "judgments": [
                {"label": row.label, "grade": row.grade, "overall": row.overall} for row in context["judgments"]
            ],
            "lead_quote": html_blocks(context["lead_quote"].html),
            "parts": [
                {"title": part.title, "question": part.question, "body": html_blocks(part.html)} for part in parts
            ],
            "findings": findings,
            "about": list(context.get("about_the_data") or []),
            "labels": labels(force=context["force_name"]),
        }
    )


def _recommendation(rec: Any) -> dict[str, str]:
    deadline = gettext("Deadline: %(date)s") % {"date": _day(rec.deadline)} if rec.deadline else ""
    return {"text": rec.text, "deadline": deadline}
