"""Compile the Welsh catalogue (locale/*/LC_MESSAGES/*.po into .mo), as part of set-up: `make install`
runs it. Needs no GNU gettext (inspectorate/languages.py)."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from inspectorate.languages import compile_catalogues

if __name__ == "__main__":
    for path in compile_catalogues([Path(__file__).resolve().parent.parent / "locale"]):
        print(f"Compiled {path.relative_to(Path.cwd()) if path.is_relative_to(Path.cwd()) else path.name}")
