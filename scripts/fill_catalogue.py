"""Put Welsh into the catalogue from a Python file of translations (``CY = {msgid: msgstr}``, a tuple of
singular and plural as the key of a plural entry), leaving what is already translated. A translator's
helper for after ``makemessages``: ``python scripts/fill_catalogue.py translations.py``. Prints what is
still untranslated."""

from __future__ import annotations

import runpy
import sys
from pathlib import Path

from translate.misc.multistring import multistring
from translate.storage import po

CATALOGUE = Path(__file__).resolve().parent.parent / "locale" / "cy" / "LC_MESSAGES" / "django.po"
HEADER = {
    "Project-Id-Version": "inspectorate",
    "Language": "cy",
    "Language-Team": "Welsh",
    "Last-Translator": "The inspectorate's translators",
}


def main(translations: dict[object, str]) -> int:
    store = po.pofile(CATALOGUE.read_bytes())
    header = store.header()
    header.markfuzzy(False)
    store.updateheader(add=True, **{key.replace("-", "_"): value for key, value in HEADER.items()})
    missing = []
    for unit in store.units:
        if unit.isheader() or unit.isobsolete():
            continue
        key: object = tuple(str(s) for s in unit.source.strings) if unit.hasplural() else str(unit.source)
        if unit.istranslated() and not unit.isfuzzy():
            continue
        if key not in translations:
            missing.append(key)
            continue
        unit.markfuzzy(False)
        unit.target = multistring([translations[key]] * 4) if unit.hasplural() else translations[key]
    CATALOGUE.write_bytes(bytes(store))
    for key in missing:
        print(f"Untranslated: {key!r}")
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main(runpy.run_path(sys.argv[1])["CY"]))
