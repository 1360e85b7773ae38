"""What changed between two texts, for "compare revisions" and "what changed since your last review".

The texts are report sections as typed (Markdown source, untrusted), so every character of them is
escaped. `diff_html` returns one `<div class="app-diff">` holding the new text as typed, with what
was taken out in `<del class="app-diff__del">` and what was put in in `<ins class="app-diff__ins">`.
Line breaks are kept as newline characters: `.app-diff` has `white-space: pre-wrap` (in
frontend/inspectorate.scss), so the source's lines and indentation show as typed. Each mark starts
with visually hidden words ("added: ", "removed: ") so that colour, strike-through and underline are
never the only signs of a change.

Both texts are first normalised as the renderer sees them (`reports.markup.normalise_source`), so a
change of line endings alone is no change. The comparison uses difflib:

1. Lines are compared, after setting aside the lines the two texts share at the start and the end.
2. Each changed run of lines is compared again word by word (words, runs of spaces and runs of
   punctuation are the units), so a one-word edit marks one word, not the line. A space left unchanged
   between two changes joins them, so "the force has" -> "a constabulary was" is one change.
3. Texts of more than `WORD_DIFF_MAX_CHARS` characters together are compared line by line only: a
   changed run of lines is marked as a whole.
4. difflib can be quadratic when the same units repeat many times, so each comparison is estimated
   first (its matching pairs, counted the way difflib counts them) and charged to a budget of
   `MATCH_BUDGET` for the whole call; a comparison the budget cannot pay for marks the run as a
   whole. Two 1 MB texts compare in well under a second.
"""

from __future__ import annotations

import difflib
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from django.utils.html import escape

from reports.markup import normalise_source

WORD_DIFF_MAX_CHARS: Final = 200_000
MATCH_BUDGET: Final = 500_000

_WORD_RE: Final = re.compile(r"\w+|\s+|[^\w\s]+")
_HIDDEN: Final = '<span class="govuk-visually-hidden">{}</span>'


def has_changes(old: str, new: str) -> bool:
    """True when `diff_html(old, new)` would mark anything: the normalised texts differ."""
    return normalise_source(old) != normalise_source(new)


def diff_html(old: str, new: str) -> str:
    """Return safe HTML showing `new` with the changes from `old` marked (see the module docstring).

    Never raises for any pair of `str`; both may be empty.
    """
    old, new = normalise_source(old), normalise_source(new)
    budget = _Budget(MATCH_BUDGET)
    word_level = len(old) + len(new) <= WORD_DIFF_MAX_CHARS
    old_lines, new_lines = old.splitlines(keepends=True), new.splitlines(keepends=True)
    segments: list[_Segment] = []
    for tag, i1, i2, j1, j2 in _opcodes(old_lines, new_lines, budget):
        before, after = "".join(old_lines[i1:i2]), "".join(new_lines[j1:j2])
        if tag == "equal":
            segments.append((False, before, before))
        elif tag == "replace" and word_level:
            segments.extend(_word_segments(before, after, budget))
        else:
            segments.append((True, before, after))
    return '<div class="app-diff">' + "".join(_render(segments)) + "</div>"


# (changed, old text, new text); the two texts are the same when unchanged.
_Segment = tuple[bool, str, str]


@dataclass
class _Budget:
    remaining: int

    def spend(self, cost: int) -> bool:
        """Charge `cost` if it can be paid."""
        if cost > self.remaining:
            return False
        self.remaining -= cost
        return True


def _opcodes(a: Sequence[str], b: Sequence[str], budget: _Budget) -> list[tuple[str, int, int, int, int]]:
    """difflib's opcodes for `a` -> `b`, or one replacement of the middle when it would cost too much."""
    prefix = 0
    limit = min(len(a), len(b))
    while prefix < limit and a[prefix] == b[prefix]:
        prefix += 1
    suffix = 0
    while suffix < limit - prefix and a[len(a) - 1 - suffix] == b[len(b) - 1 - suffix]:
        suffix += 1
    a_end, b_end = len(a) - suffix, len(b) - suffix

    ops: list[tuple[str, int, int, int, int]] = []
    if prefix:
        ops.append(("equal", 0, prefix, 0, prefix))
    middle_a, middle_b = a[prefix:a_end], b[prefix:b_end]
    if middle_a and middle_b and budget.spend(_match_cost(middle_a, middle_b)):
        matcher = difflib.SequenceMatcher(None, middle_a, middle_b)
        ops.extend(
            (tag, i1 + prefix, i2 + prefix, j1 + prefix, j2 + prefix) for tag, i1, i2, j1, j2 in matcher.get_opcodes()
        )
    elif middle_a or middle_b:
        ops.append(("replace", prefix, a_end, prefix, b_end))
    if suffix:
        ops.append(("equal", a_end, len(a), b_end, len(b)))
    return ops


def _match_cost(a: Sequence[str], b: Sequence[str]) -> int:
    """Estimate SequenceMatcher's work: its pairs of equal units, leaving out the units it treats as
    popular (with autojunk, those in more than 1% of a `b` of 200 or more), plus the lengths."""
    counts_b = Counter(b)
    popular = len(b) // 100 + 1 if len(b) >= 200 else len(b) + 1
    pairs = sum(count * counts_b[unit] for unit, count in Counter(a).items() if 0 < counts_b[unit] <= popular)
    return len(a) + len(b) + pairs


def _word_segments(old: str, new: str, budget: _Budget) -> list[_Segment]:
    old_words, new_words = _WORD_RE.findall(old), _WORD_RE.findall(new)
    segments: list[_Segment] = []
    for tag, i1, i2, j1, j2 in _opcodes(old_words, new_words, budget):
        before = "".join(old_words[i1:i2])
        segments.append((False, before, before) if tag == "equal" else (True, before, "".join(new_words[j1:j2])))
    return segments


def _render(segments: list[_Segment]) -> list[str]:
    """Escape and mark the segments, joining neighbouring changes and changes with only spaces (within
    a line) between them."""
    runs: list[tuple[bool, list[str], list[str]]] = []  # lists, so that joining many stays linear
    for changed, before, after in segments:
        if not before and not after:
            continue
        if runs and runs[-1][0] == changed:
            runs[-1][1].append(before)
            runs[-1][2].append(after)
        elif changed and len(runs) >= 2 and _is_gap(runs[-1][1]):
            gap = "".join(runs.pop()[1])
            runs[-1][1].extend((gap, before))
            runs[-1][2].extend((gap, after))
        else:
            runs.append((changed, [before], [after]))

    parts: list[str] = []
    for changed, befores, afters in runs:
        before, after = "".join(befores), "".join(afters)
        if not changed:
            parts.append(escape(before))
            continue
        if before:
            parts.append(f'<del class="app-diff__del">{_HIDDEN.format("removed: ")}{escape(before)}</del>')
        if after:
            parts.append(f'<ins class="app-diff__ins">{_HIDDEN.format("added: ")}{escape(after)}</ins>')
    return parts


def _is_gap(texts: list[str]) -> bool:
    return len(texts) == 1 and texts[0].isspace() and "\n" not in texts[0]
