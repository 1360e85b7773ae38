"""Hold the database to the rule that a judgment's grade comes from its programme's own scale.

A check constraint cannot look across tables, so PostgreSQL and SQLite each get a trigger.
"""

from __future__ import annotations

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

POSTGRES_CREATE = """
CREATE OR REPLACE FUNCTION inspections_judgment_grade_in_scale() RETURNS trigger AS $$
BEGIN
    IF NEW.grade_id IS NOT NULL AND NOT EXISTS (
        SELECT 1
        FROM inspections_inspection i
        JOIN inspections_programme p ON p.id = i.programme_id
        JOIN inspections_grade g ON g.scale_id = p.scale_id
        WHERE i.id = NEW.inspection_id AND g.id = NEW.grade_id
    ) THEN
        RAISE EXCEPTION 'judgment grade % is not on the scale of its programme', NEW.grade_id
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER judgment_grade_in_scale
    BEFORE INSERT OR UPDATE OF grade_id, inspection_id ON inspections_judgment
    FOR EACH ROW EXECUTE FUNCTION inspections_judgment_grade_in_scale();
"""
POSTGRES_DROP = """
DROP TRIGGER IF EXISTS judgment_grade_in_scale ON inspections_judgment;
DROP FUNCTION IF EXISTS inspections_judgment_grade_in_scale();
"""

SQLITE_CHECK = """
    WHEN NEW.grade_id IS NOT NULL AND NOT EXISTS (
        SELECT 1
        FROM inspections_inspection i
        JOIN inspections_programme p ON p.id = i.programme_id
        JOIN inspections_grade g ON g.scale_id = p.scale_id
        WHERE i.id = NEW.inspection_id AND g.id = NEW.grade_id
    )
    BEGIN
        SELECT RAISE(ABORT, 'CHECK constraint failed: judgment grade is not on the scale of its programme');
    END;
"""
SQLITE_CREATE = [
    "CREATE TRIGGER judgment_grade_in_scale_insert BEFORE INSERT ON inspections_judgment FOR EACH ROW" + SQLITE_CHECK,
    "CREATE TRIGGER judgment_grade_in_scale_update BEFORE UPDATE OF grade_id, inspection_id "
    "ON inspections_judgment FOR EACH ROW" + SQLITE_CHECK,
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS judgment_grade_in_scale_insert",
    "DROP TRIGGER IF EXISTS judgment_grade_in_scale_update",
]


def create(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRES_CREATE, params=None)
    elif vendor == "sqlite":
        for statement in SQLITE_CREATE:
            schema_editor.execute(statement)


def drop(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRES_DROP, params=None)
    elif vendor == "sqlite":
        for statement in SQLITE_DROP:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("inspections", "0001_initial")]
    operations = [migrations.RunPython(create, drop)]
