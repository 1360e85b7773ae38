"""``manage.py flush``, which empties every table, audit trail included: Django's own command, with
the audit trail's append-only guard (``reports.append_only``) lifted for the moment it runs.

On SQLite a flush deletes table by table in no fixed order, so the guard would refuse to delete the
events of inspections not yet deleted; PostgreSQL truncates, which the guard does not see. Tests that
use real transactions (workers, browsers) end with a flush.
"""

from __future__ import annotations

from typing import Any

from django.core.management.commands import flush
from django.db import connections

from reports import append_only


class Command(flush.Command):
    def handle(self, **options: Any) -> None:
        connection = connections[options["database"]]
        append_only.remove(connection)
        try:
            super().handle(**options)
        finally:
            append_only.install(connection)
