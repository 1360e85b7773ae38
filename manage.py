#!/usr/bin/env python
"""Django's command-line utility for administrative tasks."""

from __future__ import annotations

import os
import sys
from pathlib import Path

CHECKOUT = Path(__file__).resolve().parent


def local_defaults(root: Path = CHECKOUT) -> None:
    """On a checkout where ``make run`` has made its SQLite database, and nothing says otherwise (no
    settings module, database, secret key or debug setting in the environment), commands act on that
    database as ``make run`` does, with DEBUG on: ``python manage.py createsuperuser`` just works. A
    deployment sets DJANGO_SECRET_KEY (it must), so this never applies there."""
    local_database = root / "var" / "inspectorate.sqlite3"
    configured = ("DJANGO_SETTINGS_MODULE", "DATABASE_URL", "DJANGO_SECRET_KEY", "DJANGO_DEBUG", "DJANGO_VAR_DIR")
    if local_database.exists() and not any(os.environ.get(name) for name in configured):
        os.environ["DJANGO_DEBUG"] = "1"
        print(
            "Using make run's local database with DJANGO_DEBUG=1 (set DJANGO_SECRET_KEY to turn this off).",
            file=sys.stderr,
        )


def main() -> None:
    local_defaults()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "inspectorate.settings.base")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
