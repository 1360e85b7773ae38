"""Differences between two texts, for comparing revisions and for review since the last look.

The texts are Markdown sources (untrusted): everything is escaped. Changes are marked word by word
with ``<ins>`` and ``<del>``, each with visually hidden words ("added", "removed") so that colour is
never the only sign. The result is one ``<div class="app-diff">`` whose CSS keeps line breaks
(``white-space: pre-wrap``).
Lines are compared first; a changed run of lines is then compared word by word, unless it has more
than ``WORD_DIFF_LIMIT`` words, when it is marked as whole lines. That keeps a 1 MB comparison fast.
"""

from __future__ import annotations

import difflib
import re

from django.utils.html import escape

WORD_DIFF_LIMIT = 3_000
TOKENS = re.compile(r"\s+|[^\s]+")


def has_changes(old: str, new: str) -> bool:
    return old != new


def _tokens(text: str) -> list[str]:
    return TOKENS.findall(text)


def _mark(tag: str, text: str) -> str:
    if not text:
        return ""
    words = "added" if tag == "ins" else "removed"
    return f'<{tag} class="app-diff__{tag}"><span class="govuk-visually-hidden">{words}: </span>{escape(text)}</{tag}>'


def _words(old: str, new: str) -> str:
    """Word-level marks for a changed run of lines; whole lines past ``WORD_DIFF_LIMIT`` words,
    since comparing word by word costs the product of the two lengths at worst."""
    old_tokens, new_tokens = _tokens(old), _tokens(new)
    if max(len(old_tokens), len(new_tokens)) > WORD_DIFF_LIMIT:
        return _mark("del", old) + _mark("ins", new)
    out: list[str] = []
    matcher = difflib.SequenceMatcher(a=old_tokens, b=new_tokens, autojunk=False)
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            out.append(escape("".join(old_tokens[a1:a2])))
        else:
            out.append(_mark("del", "".join(old_tokens[a1:a2])) + _mark("ins", "".join(new_tokens[b1:b2])))
    return "".join(out)


def diff_html(old: str, new: str) -> str:
    """HTML marking what changed from ``old`` to ``new``."""
    old_lines, new_lines = old.splitlines(keepends=True), new.splitlines(keepends=True)
    out: list[str] = []
    for op, a1, a2, b1, b2 in difflib.SequenceMatcher(a=old_lines, b=new_lines, autojunk=False).get_opcodes():
        before, after = "".join(old_lines[a1:a2]), "".join(new_lines[b1:b2])
        if op == "equal":
            out.append(escape(before))
        elif op == "replace":
            out.append(_words(before, after))
        else:
            out.append(_mark("del", before) + _mark("ins", after))
    return f'<div class="app-diff">{"".join(out)}</div>'
