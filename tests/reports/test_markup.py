"""reports.markup: the Govspeak-style language, the sanitiser's allow-list, and robustness."""

from __future__ import annotations

import logging
import time
from html.parser import HTMLParser

import pytest
from django.template.loader import render_to_string

from reports import markup
from reports.markup import CALLOUTS, GUIDE, normalise_source, plain_text, render

FORBIDDEN = ("<script", "onerror", "onclick", "onload", "javascript:", "<iframe", "<style")

ALLOWED_ATTRIBUTES = {
    "a": {"href", "rel"},
    "ol": {"start"},
    "div": {"class", "role"},
    "p": {"class"},
    "th": {"scope"},
}
ALLOWED_TAGS = {
    *("h2", "h3", "h4", "p", "br", "strong", "em", "a", "blockquote", "div"),
    *("ul", "ol", "li", "table", "thead", "tbody", "tr", "th", "td"),
}


class _Elements(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.elements: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, dict(attrs)))


def assert_only_allowed_markup(html: str) -> None:
    """Every element and attribute is on the allow-list, and every link is absolute https or mailto."""
    parser = _Elements()
    parser.feed(html)
    parser.close()
    for tag, attrs in parser.elements:
        assert tag in ALLOWED_TAGS, tag
        assert set(attrs) <= ALLOWED_ATTRIBUTES.get(tag, set()), (tag, attrs)
        if tag == "a":
            href = attrs.get("href") or ""
            assert href == "" or href.lower().startswith(("https://", "mailto:")), href
            assert attrs["rel"] == "noopener noreferrer"


def assert_nothing_forbidden(html: str) -> None:
    lowered = html.lower()
    for needle in FORBIDDEN:
        assert needle not in lowered, needle
    assert_only_allowed_markup(html)


# --- The language ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("# Title", "<h2>Title</h2>"),
        ("## Title", "<h2>Title</h2>"),
        ("### Title", "<h3>Title</h3>"),
        ("#### Title", "<h4>Title</h4>"),
        ("##### Title", "<h4>Title</h4>"),
        ("###### Title", "<h4>Title</h4>"),
        ("Title\n=====", "<h2>Title</h2>"),
        ("Title\n-----", "<h2>Title</h2>"),
    ],
)
def test_headings_are_h2_to_h4_because_the_page_owns_the_h1(source: str, expected: str) -> None:
    html = render(source)
    assert html == expected
    assert "<h1" not in html


def test_paragraphs_lists_emphasis_and_quotes() -> None:
    html = render(
        "First **bold** and _italic_ and *also italic*.\n\n"
        "- one\n- two\n\n"
        "3. three\n4. four\n\n"
        "> A quotation\n\n"
        "Line one  \nline two"
    )
    assert "<p>First <strong>bold</strong> and <em>italic</em> and <em>also italic</em>.</p>" in html
    assert "<ul>\n<li>one</li>\n<li>two</li>\n</ul>" in html
    assert '<ol start="3">\n<li>three</li>\n<li>four</li>\n</ol>' in html
    assert "<blockquote>\n<p>A quotation</p>\n</blockquote>" in html
    assert "<p>Line one<br>\nline two</p>" in html
    assert_only_allowed_markup(html)


def test_a_table_has_header_cells_scoped_to_their_columns() -> None:
    html = render("| Force | Grade |\n| --- | --- |\n| Kent | Good |\n| Essex | Adequate |")
    assert '<thead>\n<tr>\n<th scope="col">Force</th>\n<th scope="col">Grade</th>\n</tr>\n</thead>' in html
    assert "<td>Kent</td>\n<td>Good</td>" in html
    assert "<td>Essex</td>\n<td>Adequate</td>" in html
    assert html.count("<tr>") == 3


def test_code_and_images_are_not_part_of_the_language() -> None:
    html = render("    indented by accident\n\nSome `ticks` here\n\n![chart](https://example.org/chart.png)")
    assert "<pre" not in html and "<code" not in html and "<img" not in html
    assert "<p>indented by accident</p>" in html
    assert "<p>Some `ticks` here</p>" in html
    assert "![chart](https://example.org/chart.png)" in html


@pytest.mark.parametrize(("slug", "label"), CALLOUTS.items())
def test_each_kind_of_callout_is_a_labelled_box(slug: str, label: str) -> None:
    marker = f"${slug.upper()}"
    html = render(f"Before.\n\n{marker}\nThe force should **record** outcomes.\n\n- one\n- two\n{marker}\n\nAfter.")
    assert html == (
        "<p>Before.</p>\n"
        f'<div class="app-callout app-callout--{slug}">\n'
        f'<p class="app-callout__label">{label}</p>\n'
        "<p>The force should <strong>record</strong> outcomes.</p>\n"
        "<ul>\n<li>one</li>\n<li>two</li>\n</ul>\n"
        "</div>\n"
        "<p>After.</p>"
    )


def test_a_marker_typed_against_a_paragraph_still_opens_a_callout() -> None:
    html = render("The text before.\n$AFI\nThe finding.\n$AFI\nThe text after.")
    assert html == (
        "<p>The text before.</p>\n"
        '<div class="app-callout app-callout--afi">\n'
        '<p class="app-callout__label">Area for improvement</p>\n'
        "<p>The finding.</p>\n"
        "</div>\n"
        "<p>The text after.</p>"
    )


def test_an_unclosed_marker_is_left_as_text_and_swallows_nothing() -> None:
    html = render("$AFI\nThe finding.\n\n## Next heading\n\nMore text.")
    assert "app-callout" not in html
    assert html == "<p>$AFI</p>\n<p>The finding.</p>\n<h2>Next heading</h2>\n<p>More text.</p>"


def test_a_marker_of_another_kind_does_not_close_a_callout_and_callouts_do_not_nest() -> None:
    html = render("$AFI\nOne\n$CONCERN\nTwo\n$CONCERN\n$AFI")
    assert html.count('<div class="app-callout') == 1
    assert "app-callout--afi" in html
    assert "<p>$CONCERN</p>\n<p>Two</p>\n<p>$CONCERN</p>" in html


def test_consecutive_callouts() -> None:
    html = render("$AFI\nOne\n$AFI\n$RECOMMENDATION\nTwo\n$RECOMMENDATION")
    assert html.index("app-callout--afi") < html.index("app-callout--recommendation")
    assert "$" not in html


def test_an_information_callout_is_a_note() -> None:
    html = render("Before.\n^Read the [guidance](https://www.gov.uk/guidance) first.^\nAfter.")
    assert html == (
        "<p>Before.</p>\n"
        '<div class="app-callout app-callout--info" role="note">\n'
        '<p>Read the <a href="https://www.gov.uk/guidance" rel="noopener noreferrer">guidance</a> first.</p>\n'
        "</div>\n"
        "<p>After.</p>"
    )


@pytest.mark.parametrize("source", ["^^", "^ ^", "a ^b^ c", "^no closing caret"])
def test_carets_that_are_not_an_information_callout_are_text(source: str) -> None:
    assert "app-callout" not in render(source)


# --- Links and the allow-list ---------------------------------------------------------------------


def test_https_and_mailto_links_survive_with_rel() -> None:
    html = render("[GOV.UK](https://www.gov.uk/police) or [write](mailto:team@example.org) or <team@example.org>")
    assert '<a href="https://www.gov.uk/police" rel="noopener noreferrer">GOV.UK</a>' in html
    assert '<a href="mailto:team@example.org" rel="noopener noreferrer">write</a>' in html
    assert '<a href="mailto:team@example.org" rel="noopener noreferrer">team@example.org</a>' in html


@pytest.mark.parametrize(
    "url",
    [
        "/relative",
        "relative/page",
        "#fragment",
        "//evil.example/x",
        "http://insecure.example",
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        "data:text/html,hi",
        "vbscript:msgbox",
        "https:evil.example",
        "https://",
        "https://trusted.example@evil.example",
        "ftp://files.example",
    ],
)
def test_other_links_keep_their_text_and_lose_the_link(url: str) -> None:
    html = render(f"See [the page]({url}) now.")
    assert html == "<p>See the page now.</p>"


def test_raw_html_keeps_only_what_the_allow_list_allows() -> None:
    html = render(
        '<a href="https://ok.example" onclick="steal()" title="t" class="x">ok</a>\n\n'
        '<div class="evil" id="x" style="color:red">boxed</div>\n\n'
        '<p class="app-callout__label other">label-ish</p>\n\n'
        "<!-- a comment -->\n\n"
        "<h1>Raw heading</h1>"
    )
    assert '<a href="https://ok.example" rel="noopener noreferrer">ok</a>' in html
    assert "<div>boxed</div>" in html
    assert "<p>label-ish</p>" in html
    assert "comment" not in html
    assert "<h1" not in html and "Raw heading" in html
    assert_only_allowed_markup(html)


HOSTILE = {
    "script": "<script>alert(1)</script>",
    "img onerror": "<img src=x onerror=alert(1)>",
    "javascript link": "[x](javascript:alert(1))",
    "mixed-case javascript link": "[x](JaVaScRiPt:alert(1))",
    "entity javascript link": '<a href="jav&#x61;script:alert(1)">x</a>',
    "relative link": "[x](/relative)",
    "http link": "[x](http://insecure.example)",
    "onclick": '<a href="https://ok.example" onclick="x">ok</a>',
    "class": '<div class="evil">x</div>',
    "iframe": '<iframe src="https://evil.example"></iframe>',
    "style": "<style>body { display: none }</style>",
    "svg onload": '<svg onload="alert(1)"><circle r="1"/></svg>',
    "unbalanced": "<b><i>unbalanced",
    "broken table": "| a | b |\n|---|\n| 1 | 2 | 3 |\n|",
    "table of pipes": "|||\n|-|-|-|-|\n||||||",
    "unclosed callout": "$AFI\nNo closing marker <script>alert(1)</script>",
    "nul and surrogates": "a\x00b\ud800c\udfffd <script>x</script>",
    "script in callout": "$CONCERN\n<script>alert(1)</script>\n<img src=x onerror=alert(1)>\n$CONCERN",
    "event attribute in table": '| <b onmouseover="alert(1)">x</b> |\n|---|\n| <a href="javascript:alert(1)">y</a> |',
    "form": '<form action="https://evil.example"><input name="x"><button>Go</button></form>',
    "meta refresh": '<meta http-equiv="refresh" content="0;url=https://evil.example">',
    "base": '<base href="https://evil.example/">',
    "object": '<object data="https://evil.example/x.swf"></object><embed src="https://evil.example/x">',
    "math": "<math><mi xlink:href='javascript:alert(1)'>x</mi></math>",
    "nested quotes in attribute": "<a href='https://ok.example\" onclick=\"alert(1)'>x</a>",
    "markdown link title": '[x](https://ok.example "title onclick=alert(1)")',
    "1 MB of text": ("An inspection paragraph with **bold** and [a link](https://ok.example).\n\n" * 14_000)[
        :1_000_000
    ],
    "1 MB of one line": "x" * 1_000_000,
}


@pytest.mark.parametrize("source", HOSTILE.values(), ids=HOSTILE.keys())
def test_hostile_input_renders_nothing_dangerous(source: str) -> None:
    html = render(source)
    assert_nothing_forbidden(html)
    html.encode("utf-8")  # no lone surrogates


@pytest.mark.parametrize("source", HOSTILE.values(), ids=HOSTILE.keys())
def test_plain_text_of_hostile_input_has_no_markup(source: str) -> None:
    text = plain_text(source)
    assert "<script" not in text and "<img" not in text and "alert(1)</" not in text
    text.encode("utf-8")


def test_legitimate_content_survives_alongside_hostile_content() -> None:
    html = render(
        "<script>alert(1)</script>\n\n"
        "[GOV.UK](https://www.gov.uk)\n\n"
        "| a | b |\n|---|---|\n| 1 | 2 |\n\n"
        "$NOTABLE\nGood work <img src=x onerror=alert(1)>\n$NOTABLE"
    )
    assert_nothing_forbidden(html)
    assert '<a href="https://www.gov.uk" rel="noopener noreferrer">GOV.UK</a>' in html
    assert '<th scope="col">a</th>' in html and "<td>2</td>" in html
    assert '<div class="app-callout app-callout--notable">' in html
    assert '<p class="app-callout__label">Notable practice</p>' in html
    assert "Good work" in html


# --- Robustness -----------------------------------------------------------------------------------


def test_nul_bytes_lone_surrogates_and_carriage_returns_are_normalised() -> None:
    assert normalise_source("a\x00b\ud800c\r\nd\re\x7f\x1b") == "abc\nd\ne"
    assert render("a\x00b\ud800c\udc00d") == "<p>abcd</p>"
    assert render("a\r\nb") == "<p>a\nb</p>"


@pytest.mark.parametrize("source", ["", " ", "\n\n\t", "\x00", "\ud800"])
def test_empty_input_renders_nothing(source: str) -> None:
    assert render(source) == ""
    assert plain_text(source) == ""


def test_a_failure_inside_markdown_falls_back_to_escaped_text(monkeypatch, caplog) -> None:  # type: ignore[no-untyped-def]
    class Broken:
        def convert(self, source: str) -> str:
            raise RecursionError("too deep")

    monkeypatch.setattr(markup, "_markdown", Broken)
    with caplog.at_level(logging.WARNING, logger="reports.markup"):
        html = render("## Heading <script>alert(1)</script>\nline two\n\nNext & last")
    assert html == "<p>## Heading &lt;script&gt;alert(1)&lt;/script&gt;<br>line two</p>\n<p>Next &amp; last</p>"
    assert "shown as plain text" in caplog.text


def test_a_block_too_long_for_markdown_is_shown_as_escaped_text() -> None:
    long_block = "**b** <i>x</i> " * (markup.MAX_BLOCK_CHARS // 10)
    html = render(f"## Before\n\n{long_block}\n\n## After")
    assert "<h2>Before</h2>" in html and "<h2>After</h2>" in html
    assert "<strong>" not in html
    assert "**b** &lt;i&gt;x&lt;/i&gt;" in html


def test_text_past_the_markdown_limit_is_shown_as_escaped_text() -> None:
    head = "Some words in a paragraph.\n\n" * (markup.MARKDOWN_MAX_CHARS // 28 + 1)
    html = render(head + "## Late heading\n\n<script>alert(1)</script>")
    assert html.startswith("<p>Some words in a paragraph.</p>")
    assert "<h2>" not in html
    assert "<p>## Late heading</p>" in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_deep_nesting_is_shown_as_text_not_a_crash() -> None:
    html = render("> " * 5_000 + "deep\n\n" + "1. " * 5_000 + "deep\n\nafter")
    assert "<blockquote>" not in html
    assert html.endswith("<p>after</p>")


PATHOLOGICAL = {
    "prose": ("A paragraph of an inspection report, with **bold** and [a link](https://ok.example).\n\n" * 12_000)[
        :1_000_000
    ],
    "unmatched brackets": "[" * 1_000_000,
    "bracketed paragraphs": ("[" * 900 + "\n\n") * 1_100,
    "unclosed tags": "<a " * 333_333,
    "nested raw lists": "<ul><li>" * 125_000,
    "raw divs in blocks": "<div>\n\n" * 140_000,
    "ampersands": "&" * 1_000_000,
    "quote markers": ">" * 1_000_000,
    "nested list markers": "1. " * 333_333,
    "indented nested lists": "".join("    " * level + "- item\n" for level in range(600)),
    "small lists": "- a\n- b\n\n" * 110_000,
    "small tables": "| a | b |\n|---|---|\n| x | y |\n\n" * 27_000,
    "callout markers": "$AFI\n" * 200_000,
    "information callouts": "^a^\n" * 250_000,
    "unclosed callouts": "$AFI\n$CONCERN\n$NOTABLE\n$RECOMMENDATION\ntext\n" * 23_000,
}


@pytest.mark.parametrize("source", PATHOLOGICAL.values(), ids=PATHOLOGICAL.keys())
def test_a_megabyte_of_anything_renders_quickly(source: str) -> None:
    started = time.perf_counter()
    html = render(source)
    elapsed = time.perf_counter() - started
    # About a second at most on a developer's machine; the margin is for loaded CI runners. Without
    # the guard several of these take minutes.
    assert elapsed < 5, f"{elapsed:.1f}s"
    assert_only_allowed_markup(html)


# --- Plain text, the guide and its template -------------------------------------------------------


def test_plain_text_separates_blocks_and_decodes_entities() -> None:
    text = plain_text(
        "## Findings &amp; more\n\nA & B < C, **bold**.\n\n$AFI\nRecord   outcomes.\n$AFI\n\n"
        "| a | b |\n|---|---|\n| 1 | 2 |\n\n- one\n- two"
    )
    assert text == "Findings & more\nA & B < C, bold.\nArea for improvement\nRecord outcomes.\na b\n1 2\none\ntwo"


def test_the_guide_pairs_what_you_type_with_what_it_does() -> None:
    assert all(isinstance(typed, str) and isinstance(effect, str) and typed and effect for typed, effect in GUIDE)
    typed = dict(GUIDE)
    for slug in CALLOUTS:
        example = next(source for source in typed if source.startswith(f"${slug.upper()}"))
        assert f"app-callout--{slug}" in render(example)
    assert "app-callout--info" in render("^Your text^")
    assert "<table>" in render(next(source for source in typed if source.startswith("| Force")))
    assert '<a href="https://www.gov.uk"' in render("[link text](https://www.gov.uk)")


def test_the_formatting_guide_template_is_a_details_component_with_an_accessible_table() -> None:
    html = render_to_string("reports/includes/formatting_guide.html", {"guide": GUIDE})
    assert '<details class="govuk-details">' in html
    assert '<span class="govuk-details__summary-text">' in html
    assert '<table class="govuk-table">' in html
    assert "<caption" in html
    assert html.count('<th scope="col"') == 2
    assert "**bold text**" in html
    assert "$AFI<br>Your text<br>$AFI" in html
    assert "| Force | Grade |<br>" in html
    for _, effect in GUIDE:
        assert effect in html
