"""The database's guard on the audit trail: no event is ever changed, and none is deleted while its
inspection exists. Installed by migration 0006; lifted only for the moment of ``manage.py flush``
(``reports.management.commands.flush``), which empties every table, audit trail included.

PostgreSQL: one trigger function. SQLite: two triggers; a later migration that rebuilds the table on
SQLite (most ``AlterField``s do) drops them, so ``install`` runs again after every ``migrate``
(``reports.apps``). Other databases: none.
"""

from __future__ import annotations

from django.db.backends.base.base import BaseDatabaseWrapper

POSTGRESQL = """
CREATE OR REPLACE FUNCTION reports_event_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE' THEN
        RAISE EXCEPTION 'audit events are never changed';
    END IF;
    IF EXISTS (SELECT 1 FROM inspections_inspection WHERE id = OLD.inspection_id) THEN
        RAISE EXCEPTION 'audit events are never deleted';
    END IF;
    RETURN OLD;
END
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS reports_event_append_only ON reports_reportevent;
CREATE TRIGGER reports_event_append_only BEFORE UPDATE OR DELETE ON reports_reportevent
    FOR EACH ROW EXECUTE FUNCTION reports_event_append_only();
"""
POSTGRESQL_REMOVE = """
DROP TRIGGER IF EXISTS reports_event_append_only ON reports_reportevent;
DROP FUNCTION IF EXISTS reports_event_append_only();
"""
SQLITE = (
    """CREATE TRIGGER IF NOT EXISTS reports_event_no_update BEFORE UPDATE ON reports_reportevent
    BEGIN SELECT RAISE(ABORT, 'audit events are never changed'); END""",
    """CREATE TRIGGER IF NOT EXISTS reports_event_no_delete BEFORE DELETE ON reports_reportevent
    WHEN EXISTS (SELECT 1 FROM inspections_inspection WHERE id = OLD.inspection_id)
    BEGIN SELECT RAISE(ABORT, 'audit events are never deleted'); END""",
)
SQLITE_REMOVE = (
    "DROP TRIGGER IF EXISTS reports_event_no_update",
    "DROP TRIGGER IF EXISTS reports_event_no_delete",
)


def install(connection: BaseDatabaseWrapper) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(POSTGRESQL)
        elif connection.vendor == "sqlite":
            for statement in SQLITE:
                cursor.execute(statement)


def remove(connection: BaseDatabaseWrapper) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(POSTGRESQL_REMOVE)
        elif connection.vendor == "sqlite":
            for statement in SQLITE_REMOVE:
                cursor.execute(statement)
