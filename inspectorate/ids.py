"""Ids that arrive in forms and addresses: whole numbers a database key can hold, or a 400."""

from __future__ import annotations

import re

from django.core.exceptions import BadRequest

#: The largest id any table's key holds (a signed 64-bit integer, PostgreSQL's bigint).
LARGEST_ID = 2**63 - 1
#: The largest number an ordinary integer column holds (PostgreSQL's integer), such as a revision's.
LARGEST_INTEGER = 2**31 - 1


def parse_id(value: object, *, largest: int = LARGEST_ID) -> int | None:
    """``value`` as an id (or another whole number a column holds, up to ``largest``), or ``None`` if
    it is not one: ASCII digits only, within range."""
    text = str(value if value is not None else "")
    if not re.fullmatch(r"[0-9]{1,19}", text):
        return None
    number = int(text)
    return number if number <= largest else None


def id_or_400(value: object, *, what: str = "id") -> int:
    """``value`` as an id; anything else (letters, nothing, a number past any key) is the client's
    mistake, answered 400 rather than failing in the database as a 500."""
    number = parse_id(value)
    if number is None:
        raise BadRequest(f"That is not a {what}")
    return number
