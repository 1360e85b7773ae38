"""reports.diff: word-level changes, escaping, accessibility and large inputs."""

from __future__ import annotations

import random
import time
from html import unescape
from html.parser import HTMLParser

import pytest

from reports import diff
from reports.diff import diff_html, has_changes

ADDED = '<ins class="app-diff__ins"><span class="govuk-visually-hidden">added: </span>'
REMOVED = '<del class="app-diff__del"><span class="govuk-visually-hidden">removed: </span>'


class _Sides(HTMLParser):
    """Read a diff back: the old text (without insertions) and the new text (without deletions)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.old: list[str] = []
        self.new: list[str] = []
        self.stack: list[str] = []
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        assert self.stack.pop() == tag

    def handle_data(self, data: str) -> None:
        if "span" in self.stack:  # the visually hidden words
            return
        if "ins" not in self.stack:
            self.old.append(data)
        if "del" not in self.stack:
            self.new.append(data)


def read_back(html: str) -> tuple[str, str, list[tuple[str, dict[str, str | None]]]]:
    parser = _Sides()
    parser.feed(html)
    parser.close()
    return "".join(parser.old), "".join(parser.new), parser.tags


def assert_faithful(old: str, new: str) -> str:
    """The diff is one div of escaped text and marks, and both texts can be read back from it."""
    html = diff_html(old, new)
    assert html.startswith('<div class="app-diff">') and html.endswith("</div>")
    read_old, read_new, tags = read_back(html)
    assert read_old == diff.normalise_source(old)
    assert read_new == diff.normalise_source(new)
    allowed = {
        ("div", "app-diff"),
        ("ins", "app-diff__ins"),
        ("del", "app-diff__del"),
        ("span", "govuk-visually-hidden"),
    }
    for tag, attrs in tags:
        assert set(attrs) == {"class"} and (tag, attrs["class"]) in allowed, (tag, attrs)
    marked = "<ins" in html or "<del" in html
    assert marked == has_changes(old, new)
    return html


def test_unchanged_text_is_shown_as_it_is() -> None:
    html = assert_faithful("Line one\nLine two & more", "Line one\nLine two & more")
    assert html == '<div class="app-diff">Line one\nLine two &amp; more</div>'


def test_a_changed_word_is_marked_not_the_line() -> None:
    html = assert_faithful("The force has improved its response.", "The force has improved its call handling.")
    assert html == (
        f'<div class="app-diff">The force has improved its {REMOVED}response</del>{ADDED}call handling</ins>.</div>'
    )


def test_changes_separated_only_by_spaces_are_one_change() -> None:
    html = assert_faithful("The force has improved.", "A constabulary was improved.")
    assert html == (
        f'<div class="app-diff">{REMOVED}The force has</del>{ADDED}A constabulary was</ins> improved.</div>'
    )


def test_added_and_removed_lines_keep_their_line_breaks() -> None:
    html = assert_faithful("one\ntwo\nthree\n", "one\nthree\nfour\n")
    assert html == f'<div class="app-diff">one\n{REMOVED}two\n</del>three\n{ADDED}four\n</ins></div>'


def test_every_mark_says_what_it_is_to_screen_readers() -> None:
    html = assert_faithful("alpha beta gamma", "alpha delta gamma epsilon")
    assert html.count("<ins") == html.count(">added: </span>") == 2
    assert html.count("<del") == html.count(">removed: </span>") == 1


@pytest.mark.parametrize(("old", "new"), [("", ""), ("", "new text"), ("old text", ""), ("\n\n", "\n")])
def test_empty_sides(old: str, new: str) -> None:
    assert_faithful(old, new)


def test_line_endings_nul_and_surrogates_are_not_changes() -> None:
    assert not has_changes("a\r\nb\rc", "a\nb\nc")
    assert not has_changes("a\x00b\ud800", "ab")
    assert has_changes("a b", "a  b")
    html = assert_faithful("a\r\nb\x00", "a\nb\ud800")
    assert html == '<div class="app-diff">a\nb</div>'
    html.encode("utf-8")


HOSTILE = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "[x](javascript:alert(1))",
    '<a href="https://ok.example" onclick="x">',
    '<div class="evil">',
    "<iframe src=https://evil.example>",
    "<style>body{}</style>",
    "<svg onload=alert(1)>",
    "<b><i>",
    "&lt;script&gt; &amp; &#60;",
    "\"quoted\" 'single'",
    "\x00\ud800",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_text_is_escaped_on_either_side(text: str) -> None:
    for old, new in ((text, "safe"), ("safe", text), (text, text + " more"), (f"a {text} b", f"a b {text}")):
        html = assert_faithful(old, new)
        for needle in ("<script", "<img", "<iframe", "<style", "<svg", "<a ", "<b>", 'class="evil"'):
            assert needle not in html


def test_the_markers_of_the_text_itself_are_escaped() -> None:
    html = assert_faithful("plain", "<ins>not a mark</ins> <del>nor this</del>")
    assert "&lt;ins&gt;not a mark&lt;/ins&gt;" in html
    assert html.count("<ins") == 1 and html.count("<del") == 1


def _prose(size: int, seed: int) -> str:
    rng = random.Random(seed)
    words = ["the", "force", "has", "improved", "how", "it", "records", "stop", "and", "search", "must", "do", "more"]
    lines = []
    total = 0
    while total < size:
        line = " ".join(rng.choice(words) for _ in range(14)) + "\n"
        lines.append(line)
        total += len(line)
    return "".join(lines)


def test_past_the_threshold_changed_lines_are_marked_whole() -> None:
    base = _prose(diff.WORD_DIFF_MAX_CHARS // 2 + 1_000, seed=1)
    lines = base.splitlines(keepends=True)
    target = len(lines) // 2
    changed = [*lines[:target], lines[target].replace(" ", " new ", 1), *lines[target + 1 :]]
    html = assert_faithful(base, "".join(changed))
    assert f"{REMOVED}{lines[target]}</del>" in html


def test_below_the_threshold_changed_lines_are_marked_word_by_word() -> None:
    base = _prose(10_000, seed=2)
    lines = base.splitlines(keepends=True)
    changed = [*lines[:5], "inserted " + lines[5], *lines[6:]]
    html = assert_faithful(base, "".join(changed))
    assert f"{ADDED}inserted </ins>" in html


def test_when_the_budget_runs_out_a_changed_run_is_marked_whole(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(diff, "MATCH_BUDGET", 0)
    html = assert_faithful("keep\nthe force has improved its work\nkeep", "keep\na force was improved its job\nkeep")
    assert html == (
        f'<div class="app-diff">keep\n{REMOVED}the force has improved its work</del>'
        f"{ADDED}a force was improved its job</ins>\nkeep</div>"
    )


def test_what_the_texts_share_at_either_end_needs_no_budget(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(diff, "MATCH_BUDGET", 0)
    html = assert_faithful("keep\nthe force has improved\nkeep", "keep\nthe force was improved\nkeep")
    assert html == f'<div class="app-diff">keep\nthe force {REMOVED}has</del>{ADDED}was</ins> improved\nkeep</div>'


def _mutate(text: str, rate: float, seed: int) -> str:
    rng = random.Random(seed)
    return " ".join(word if rng.random() > rate else word.upper() for word in text.split(" "))


LARGE = {
    "1 MB with a few edits": lambda: (_prose(1_000_000, 3), _mutate(_prose(1_000_000, 3), 0.001, 4)),
    "1 MB with many edits": lambda: (_prose(1_000_000, 5), _mutate(_prose(1_000_000, 5), 0.05, 6)),
    "1 MB against another 1 MB": lambda: (_prose(1_000_000, 7), _prose(1_000_000, 8)),
    "1 MB on one line": lambda: ("a" * 1_000_000, "a" * 500_000 + "b" + "a" * 499_999),
    "1 MB against nothing": lambda: (_prose(1_000_000, 9), ""),
    "repeated lines": lambda: (
        "".join(f"line {random.Random(10).randrange(300)}\n" for _ in range(60_000)),
        "".join(f"line {n % 300}\n" for n in range(60_000)),
    ),
    "a word diff of repeated words": lambda: ("a b " * 25_000, "b a " * 25_000),
    "200 KB rewritten word by word": lambda: (_prose(99_000, 11), _mutate(_prose(99_000, 11), 0.3, 12)),
}


@pytest.mark.parametrize("make", LARGE.values(), ids=LARGE.keys())
def test_large_texts_compare_quickly(make) -> None:  # type: ignore[no-untyped-def]
    old, new = make()
    started = time.perf_counter()
    html = diff_html(old, new)
    elapsed = time.perf_counter() - started
    # Well under a second on a developer's machine; the margin is for loaded CI runners.
    assert elapsed < 5, f"{elapsed:.1f}s"
    read_old, read_new, _ = read_back(html)
    assert (read_old, read_new) == (old, new)
    assert unescape(html).count("\n") >= max(old.count("\n"), new.count("\n"))
