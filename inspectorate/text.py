"""Text as it is stored, whoever typed it and through whichever door: Unix line endings, no control or
format characters (text-direction overrides such as U+202E, zero-width characters, lone surrogates),
composed (NFC) and trimmed. Tabs and newlines stay."""

from __future__ import annotations

import unicodedata


def clean_text(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = "".join(ch for ch in text if ch in "\n\t" or unicodedata.category(ch)[0] != "C")
    return unicodedata.normalize("NFC", text).strip()
