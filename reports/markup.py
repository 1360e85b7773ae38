"""Govspeak-style Markdown for report sections, rendered to sanitised HTML.

Inspectors write sections in Markdown in the manner of GOV.UK's Govspeak: headings (`##` to `####`),
paragraphs, lists, links, bold and italic, tables, quotations, and callouts for findings::

    $AFI
    The force should record the outcome of every stop and search.
    $AFI

`render` turns that into HTML that is safe to mark safe; `plain_text` gives the same content without
tags, for search and previews; `GUIDE` is the formatting help shown beside the editor.

The pipeline is Python-Markdown (with `tables`, `sane_lists` and this module's extension) and then
nh3 with an explicit allow-list, so the sanitiser alone decides what reaches the page. Raw HTML is not
part of the language: Markdown passes tags through as inline HTML (never as a raw block, which an
unclosed tag would extend to the end of the section) and nh3 keeps only allow-listed elements,
removing `script`, `style`, `iframe`, `svg` and the like together with their content. An HTML comment
is removed when it opens and closes within one paragraph; otherwise its text shows.

Rules worth knowing (each is tested):

- A `#` heading becomes `<h2>` (the page owns the one `<h1>`); `#####` and `######` become `<h4>`.
- Callouts do not nest. A marker line (`$AFI`, `$CONCERN`, `$RECOMMENDATION`, `$NOTABLE`) opens a
  callout only when the same marker closes it later; an unclosed marker is left as ordinary text, so
  the author sees the stray `$AFI` in the preview rather than losing the rest of the section into a
  callout. `^text^` on a line of its own is an information callout.
- Links survive only with absolute `https://` or `mailto:` addresses; any other link keeps its text
  and loses the link. Every link gets `rel="noopener noreferrer"`.
- No code blocks or inline code: reports do not need them, and accidental indentation would otherwise
  turn prose into code. Images are not supported: `![alt](url)` is shown as typed.
- NUL and other control characters and lone surrogates are removed; line endings are normalised.
- Raw HTML can reproduce allow-listed markup (even a callout box, without its label), nothing more.

Python-Markdown is quadratic on some inputs (thousands of unmatched `[` in one paragraph, tens of
thousands of blocks, very deep nesting) and nh3's HTML parser is quadratic on deeply nested tags and
on long text runs full of entities, so rendering is guarded: a megabyte of anything renders in well
under two seconds. The guard works on blocks (runs of non-blank lines); a block it turns away is shown
as escaped plain text, line breaks kept, instead of Markdown:

- Markdown gets at most the first `MARKDOWN_MAX_CHARS` characters (more than a section may hold) and
  as many blocks as make about `MARKDOWN_MAX_ELEMENTS` elements (lines and table cells);
- a block longer than `MAX_BLOCK_CHARS`, or nested deeper than `MAX_NESTING` quote or list levels
  (or indented more than four columns a level), is plain text;
- inline work is budgeted: each paragraph, list item, table row or quoted line costs its length
  times its `[` and `<` characters (each unmatched one makes Markdown scan to the end of the text),
  and a block that would take the total past `INLINE_BUDGET` is plain text;
- at most `MAX_RAW_TAGS` `<` characters go through Markdown, which bounds raw HTML nesting.

Ordinary reports never come near these limits. Should Markdown still fail, the whole section is shown
as escaped plain text and the failure is logged: `render` never raises.
"""

from __future__ import annotations

import html
import logging
import re
import xml.etree.ElementTree as etree
from html.parser import HTMLParser
from typing import Any, Final

import markdown
import nh3
from markdown.blockprocessors import BlockProcessor
from markdown.extensions import Extension
from markdown.extensions.sane_lists import SaneListExtension
from markdown.extensions.tables import TableExtension
from markdown.preprocessors import Preprocessor
from markdown.treeprocessors import Treeprocessor

logger = logging.getLogger(__name__)

MARKDOWN_MAX_CHARS: Final = 150_000
MARKDOWN_MAX_ELEMENTS: Final = 5_000
MAX_BLOCK_CHARS: Final = 50_000
MAX_NESTING: Final = 10
INLINE_BUDGET: Final = 2_000_000
MAX_RAW_TAGS: Final = 200

# Slug (used in the marker and the CSS modifier) -> the visible label. The label is what carries the
# meaning; the border colour only echoes it.
CALLOUTS: Final[dict[str, str]] = {
    "afi": "Area for improvement",
    "concern": "Cause of concern",
    "recommendation": "Recommendation",
    "notable": "Notable practice",
}
_CALLOUT_CLASSES: Final = frozenset(f"app-callout app-callout--{slug}" for slug in CALLOUTS)
_INFO_CLASS: Final = "app-callout app-callout--info"
_LABEL_CLASS: Final = "app-callout__label"

GUIDE: Final[list[tuple[str, str]]] = [
    ("A blank line", "Starts a new paragraph"),
    ("## Heading", "A heading. Use ### and #### for smaller headings (a single # is shown as ##)"),
    ("**bold text**", "Bold text"),
    ("_italic text_", "Italic text"),
    ("[link text](https://www.gov.uk)", "A link. Only addresses starting https:// or mailto: work"),
    ("- first item\n- second item", "A bulleted list"),
    ("1. first step\n2. second step", "A numbered list"),
    ("> quoted text", "A quotation"),
    (
        "| Force | Grade |\n| --- | --- |\n| Kent | Good |",
        "A table. The first row holds the column headings",
    ),
    *(
        (f"${slug.upper()}\nYour text\n${slug.upper()}", f"{label}: a highlighted box with this label")
        for slug, label in CALLOUTS.items()
    ),
    ("^Your text^", "An information callout"),
]

_CONTROL_RE: Final = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")
_MARKER_RE: Final = re.compile(r"[ ]{0,3}\$(" + "|".join(slug.upper() for slug in CALLOUTS) + r")[ \t]*")
_CLOSING_RES: Final = {
    slug.upper(): re.compile(r"^[ ]{0,3}\$" + slug.upper() + r"[ \t]*$", re.MULTILINE) for slug in CALLOUTS
}
# A line that starts its own inline unit: a list item, a table row or a quoted line.
_UNIT_START_RE: Final = re.compile(r"[ \t]*(?:[*+-][ \t]|\d{1,9}[.)][ \t]|\||>)")
# Container markers (quote or list) at the start of a line, counted to bound nesting depth.
_NESTING_RE: Final = re.compile(rf"^(?:[ \t]*(?:>|[*+-][ \t]|\d{{1,9}}[.)][ \t])){{{MAX_NESTING + 1}}}")
_BLANK_LINE_RE: Final = re.compile(r"\n[ \t]*\n\s*")


def normalise_source(source: str) -> str:
    """Return `source` as the renderer and the diff see it.

    Line endings become `\\n` (browsers submit `\\r\\n`); NUL, other C0 control characters except tab
    and newline, DEL and lone surrogates (which cannot be encoded as UTF-8) are removed.
    """
    return _CONTROL_RE.sub("", source.replace("\r\n", "\n").replace("\r", "\n"))


def render(source: str) -> str:
    """Render Govspeak-style Markdown to sanitised HTML (a `str` the caller may mark safe).

    Never raises for any `str`; see the module docstring for the language and the limits.
    """
    text = normalise_source(source)
    if not text.strip():
        return ""
    try:
        body = _markdown().convert(text)
    except Exception:
        logger.warning("Markdown failed on a %d-character section; shown as plain text", len(text), exc_info=True)
        body = _plain_html(text)
    return _sanitise(body)


def plain_text(source: str) -> str:
    """Return the rendered text of `source` without tags, for search and previews.

    Blocks (paragraphs, headings, list items, table rows, callout labels) are separated by a newline
    and whitespace inside each is collapsed; entities are decoded. Never raises.
    """
    extractor = _TextExtractor()
    extractor.feed(render(source))
    extractor.close()
    return extractor.text()


# --- Markdown -------------------------------------------------------------------------------------


def _markdown() -> markdown.Markdown:
    # A fresh instance per call: construction is cheap next to conversion, and nothing from one
    # conversion (including one that failed half-way) can leak into the next or across threads.
    md = markdown.Markdown(
        extensions=[TableExtension(), SaneListExtension(), _GovspeakExtension()], output_format="html"
    )
    md.parser.blockprocessors.deregister("code")
    # Raw HTML is only ever inline: a block-level tag left open would otherwise take the rest of the
    # section out of Markdown (callouts included) as one raw block.
    md.preprocessors.deregister("html_block")
    for name in ("backtick", "image_link", "image_reference", "short_image_ref"):
        md.inlinePatterns.deregister(name)
    return md


class _GovspeakExtension(Extension):
    def extendMarkdown(self, md: markdown.Markdown) -> None:
        # After Markdown's whitespace normalisation (30), so lines and tabs are already settled.
        md.preprocessors.register(_GuardPreprocessor(md), "inspectorate_guard", 25)
        # Before the heading processors (70) and after the list indentation one (90).
        md.parser.blockprocessors.register(_CalloutProcessor(md.parser), "inspectorate_callout", 75)
        md.parser.blockprocessors.register(_InfoCalloutProcessor(md.parser), "inspectorate_info", 74)
        md.treeprocessors.register(_TidyTreeprocessor(md), "inspectorate_tidy", 15)


class _GuardPreprocessor(Preprocessor):
    """Isolate marker lines, and turn blocks Markdown would be slow on into escaped plain text."""

    def run(self, lines: list[str]) -> list[str]:
        self.output: list[str] = []
        self.elements = self.chars = self.raw_tags = self.inline_cost = 0
        block: list[str] = []
        start = 0  # the index of the current block's first line
        for index, line in enumerate(lines):
            if not line.strip():
                if block and not self.take(block):
                    return self.rest(lines[start:])
                block, start = [], index + 1
                continue
            first = line.lstrip(" ")[:1]
            if (first == "$" and _MARKER_RE.fullmatch(line)) or (first == "^" and _info_text(line) is not None):
                # A marker or `^note^` line is its own block even when typed against a paragraph.
                if block and not self.take(block):
                    return self.rest(lines[start:])
                if not self.take([line]):
                    return self.rest(lines[index:])
                block, start = [], index + 1
                continue
            block.append(line)
        if block and not self.take(block):
            return self.rest(lines[start:])
        return self.output

    def take(self, block: list[str]) -> bool:
        """Pass `block` to Markdown, or as plain text when it is too costly; False once the limits on
        the characters and elements given to Markdown are reached (the caller then stops)."""
        text = "\n".join(block)
        self.chars += len(text) + 2
        # Markdown spends tens of microseconds on each element it makes, whatever its size: count
        # lines (paragraphs, list items, table rows) and table cells.
        self.elements += len(block) + text.count("|")
        if self.chars > MARKDOWN_MAX_CHARS or self.elements > MARKDOWN_MAX_ELEMENTS:
            return False
        tags = text.count("<")
        cost = _inline_cost(block)
        if (
            len(text) > MAX_BLOCK_CHARS
            or self.raw_tags + tags > MAX_RAW_TAGS
            or self.inline_cost + cost > INLINE_BUDGET
            or any(_too_deep(line) for line in block)
        ):
            self.output.extend(("", self.md.htmlStash.store(_plain_html(text))))
        else:
            self.raw_tags += tags
            self.inline_cost += cost
            self.output.extend(("", *block))
        return True

    def rest(self, lines: list[str]) -> list[str]:
        return [*self.output, "", self.md.htmlStash.store(_plain_html("\n".join(lines)))]


def _inline_cost(block: list[str]) -> int:
    """Estimate Markdown's quadratic inline work on a block: unit length x `[` and `<` in the unit.

    Each `[` or `<` that does not complete a link or tag makes Markdown scan to the end of the text
    it is in, in Python (about 200 ns a character at worst). That text is a paragraph, or a single
    list item, table row or quoted line, so those lines start a new unit.
    """
    cost = length = triggers = 0
    for line in block:
        if _UNIT_START_RE.match(line):
            cost += length * triggers
            length = triggers = 0
        length += len(line) + 1
        triggers += line.count("[") + line.count("<")
    return cost + length * triggers


def _too_deep(line: str) -> bool:
    indent = len(line) - len(line.lstrip(" \t"))
    return indent > 4 * MAX_NESTING or _NESTING_RE.match(line) is not None


class _CalloutProcessor(BlockProcessor):
    """`$AFI` ... `$AFI` and its siblings: a labelled box around the Markdown between the markers."""

    def __init__(self, parser: Any) -> None:
        super().__init__(parser)
        self.depth = 0

    def test(self, parent: etree.Element, block: str) -> bool:
        return self.depth == 0 and _MARKER_RE.fullmatch(block.partition("\n")[0]) is not None

    def run(self, parent: etree.Element, blocks: list[str]) -> bool | None:
        first, _, rest = blocks[0].partition("\n")
        marker = _MARKER_RE.fullmatch(first)
        assert marker is not None  # test() said so
        closing = _CLOSING_RES[marker.group(1)]
        # The closing marker may be in the rest of this block or in any later one at this level. The
        # search stops there, so a callout costs its own length, not the document's.
        found, index = closing.search(rest), 0
        while found is None:
            index += 1
            if index == len(blocks):
                return False  # unclosed: the paragraph processor shows the marker as text
            found = closing.search(blocks[index])
        chunk = blocks[index] if index else rest
        inner = "\n\n".join([*([rest] if index else []), *blocks[1:index], chunk[: found.start()]])
        after = chunk[found.end() :].lstrip("\n")
        del blocks[: index + 1]
        if after.strip():
            blocks.insert(0, after)

        slug = marker.group(1).lower()
        box = etree.SubElement(parent, "div", {"class": f"app-callout app-callout--{slug}"})
        etree.SubElement(box, "p", {"class": _LABEL_CLASS}).text = CALLOUTS[slug]
        self.depth += 1
        try:
            self.parser.parseChunk(box, inner)
        finally:
            self.depth -= 1
        return None


class _InfoCalloutProcessor(BlockProcessor):
    """`^text^` on a line of its own: Govspeak's information callout."""

    def test(self, parent: etree.Element, block: str) -> bool:
        return _info_text(block.partition("\n")[0]) is not None

    def run(self, parent: etree.Element, blocks: list[str]) -> None:
        first, _, rest = blocks.pop(0).partition("\n")
        if rest.strip():
            blocks.insert(0, rest)
        box = etree.SubElement(parent, "div", {"class": _INFO_CLASS, "role": "note"})
        etree.SubElement(box, "p").text = _info_text(first)


def _info_text(line: str) -> str | None:
    """The text of a `^text^` line, or None. (A regular expression for this backtracks badly on long lines.)"""
    body = line.lstrip(" ")
    if len(line) - len(body) > 3:
        return None
    body = body.rstrip(" \t")
    if len(body) < 3 or body[0] != "^" or body[-1] != "^":
        return None
    text = body[1:-1].strip()
    return text if text.strip("^") else None


class _TidyTreeprocessor(Treeprocessor):
    """Keep headings within h2-h4 and give table header cells their scope."""

    def run(self, root: etree.Element) -> None:
        for element in root.iter():
            if element.tag == "h1":
                element.tag = "h2"
            elif element.tag in ("h5", "h6"):
                element.tag = "h4"
            elif element.tag == "th":
                element.set("scope", "col")


def _plain_html(text: str) -> str:
    """Escaped paragraphs with line breaks kept: how text Markdown is not trusted with is shown.

    This can be most of a megabyte, so it is built with string methods rather than a loop per line.
    Long lines are cut every `_PLAIN_RUN` characters by an empty comment, which the sanitiser removes:
    the HTML parser in nh3 is quadratic on one long text node full of entities.
    """
    if not text.strip():
        return ""
    # NUL and SOH mark the cuts and the paragraph breaks: normalise_source removed every one from the
    # text, and they survive escaping where HTML would not.
    marked = _BLANK_LINE_RE.sub("\x01", _LONG_RUN_RE.sub("\\g<0>\x00", text.strip()))
    escaped = html.escape(marked, quote=False).replace("\x00", "<!---->").replace("\n", "<br>")
    return "<p>" + escaped.replace("\x01", "</p>\n<p>") + "</p>"


_PLAIN_RUN: Final = 500
_LONG_RUN_RE: Final = re.compile(rf"[^\n]{{{_PLAIN_RUN}}}(?=[^\n])")


# --- Sanitising -----------------------------------------------------------------------------------

_ALLOWED_TAGS: Final = frozenset(
    {
        *("h2", "h3", "h4", "p", "br", "strong", "em", "a", "blockquote", "div"),
        *("ul", "ol", "li", "table", "thead", "tbody", "tr", "th", "td"),
    }
)
# Dropped together with everything inside them, not just unwrapped.
_REMOVED_WITH_CONTENT: Final = frozenset(
    {
        *("script", "style", "iframe", "frame", "frameset", "object", "embed", "applet", "svg", "math"),
        *("noscript", "noembed", "noframes", "template", "textarea", "title", "xmp", "select", "canvas"),
    }
)
# An absolute https address with a host and no user name (https://trusted.example@evil.example reads
# as one site and goes to another), or a mailto address.
_LINK_RE: Final = re.compile(r"(?:https://[^\s/?#\\@]+(?:[/?#]\S*)?|mailto:[^\s/]\S*)", re.IGNORECASE)
_UNLINKED_RE: Final = re.compile(r'<a rel="noopener noreferrer">(.*?)</a>', re.DOTALL)
_EMPTY_PARAGRAPH_RE: Final = re.compile(r"<p>\s*</p>\n?")


def _filter_attribute(tag: str, attribute: str, value: str) -> str | None:
    """nh3's last word on each attribute: absolute https and mailto links only, numeric list starts."""
    if attribute == "href":
        url = value.strip()
        return url if _LINK_RE.fullmatch(url) else None
    if attribute == "start":
        return value if value.isascii() and value.isdigit() and len(value) <= 9 else None
    return value


_CLEANER: Final = nh3.Cleaner(
    tags=set(_ALLOWED_TAGS),
    clean_content_tags=set(_REMOVED_WITH_CONTENT),
    # "*" must be given: left out, nh3 keeps its default generic attributes (title and lang) on every tag.
    attributes={"*": set(), "a": {"href"}, "ol": {"start"}},
    generic_attribute_prefixes=set(),
    tag_attribute_values={
        "div": {"class": {*_CALLOUT_CLASSES, _INFO_CLASS}, "role": {"note"}},
        "p": {"class": {_LABEL_CLASS}},
        "th": {"scope": {"col"}},
    },
    attribute_filter=_filter_attribute,
    url_schemes={"https", "mailto"},
    url_relative="deny",
    link_rel="noopener noreferrer",
    strip_comments=True,
)


def _sanitise(body: str) -> str:
    cleaned = _CLEANER.clean(body)
    # These run on nh3's own serialisation, where text is escaped and anchors cannot nest. A link
    # whose address was refused is left as its text (an <a> without href only looks like a link), and
    # a paragraph emptied by the sanitiser would only add space.
    return _EMPTY_PARAGRAPH_RE.sub("", _UNLINKED_RE.sub(r"\1", cleaned)).strip()


# --- Plain text -----------------------------------------------------------------------------------

_BLOCK_TAGS: Final = frozenset({"h2", "h3", "h4", "p", "li", "tr", "blockquote", "div", "br", "table"})


class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[list[str]] = [[]]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BLOCK_TAGS:
            self.blocks.append([])
        elif tag in ("td", "th"):
            self.blocks[-1].append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in _BLOCK_TAGS:
            self.blocks.append([])

    def handle_data(self, data: str) -> None:
        self.blocks[-1].append(data)

    def text(self) -> str:
        lines = (" ".join("".join(block).split()) for block in self.blocks)
        return "\n".join(line for line in lines if line)
