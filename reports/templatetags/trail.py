"""``{{ event.changes|changes_shown }}``: an audit event's ``{field: [before, after]}`` as rows a
person can read, each side cut short on the page (the full text stays one click away)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django import template
from django.utils.text import Truncator

from accounts import permissions
from inspections.models import Inspection

register = template.Library()

#: Characters of a value shown in the table before the rest is folded away.
SHORT = 120


def value_text(value: Any) -> str:
    """A value as the trail keeps it (text, number, yes or no, nothing), as words."""
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


@dataclass(frozen=True)
class ShownChange:
    field: str
    before: str
    after: str

    @property
    def before_short(self) -> str:
        return shorten(self.before)

    @property
    def after_short(self) -> str:
        return shorten(self.after)

    @property
    def is_long(self) -> bool:
        return is_long(self.before) or is_long(self.after)


@register.filter
def changes_shown(changes: Mapping[str, Any] | None) -> list[ShownChange]:
    """One row per changed field. A value not shaped ``[before, after]`` (the trail never writes
    one, but the page must not fail on it) is shown as the value after."""
    rows = []
    for name, pair in (changes or {}).items():
        before, after = pair if isinstance(pair, list | tuple) and len(pair) == 2 else (None, pair)
        rows.append(ShownChange(str(name).replace("_", " ").capitalize(), value_text(before), value_text(after)))
    return rows


@register.filter
def is_long(text: str | None) -> bool:
    return len(text or "") > SHORT


@register.filter
def shorten(text: str | None) -> str:
    return Truncator(text or "").chars(SHORT)


@register.filter
def may_view_trail(user: Any, inspection: Inspection) -> bool:
    """``{% if request.user|may_view_trail:inspection %}``: whether to offer the link at all (the
    trail's views ask the same rule again)."""
    return permissions.can_view_trail(user, inspection)


@register.filter
def may_view_all_trails(user: Any) -> bool:
    return permissions.can_view_all_trails(user)
