"""The Welsh page's address of a Welsh force's report, and its Welsh search text with, on PostgreSQL, a
GIN index on the expression ``reports.search`` matches Welsh with (the ``simple`` configuration:
PostgreSQL has no Welsh stemmer)."""

from django.db import migrations, models

# Must stay the expression that reports.search.welsh_vector() compiles to, or the index is not used.
INDEX = (
    "CREATE INDEX IF NOT EXISTS reports_report_search_cy_gin ON reports_report "
    "USING gin (to_tsvector('simple'::regconfig, COALESCE(search_text_cy, '')))"
)


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(INDEX)


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS reports_report_search_cy_gin")


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0011_record_translations"),
    ]

    operations = [
        migrations.AddField(
            model_name="report",
            name="search_text_cy",
            field=models.TextField(
                blank=True, editable=False, help_text="The live edition's Welsh, for search (see reports.search)."
            ),
        ),
        migrations.AddField(
            model_name="report",
            name="slug_cy",
            field=models.SlugField(
                blank=True,
                help_text="The Welsh page's address, for a Welsh force's report: set when its first edition is frozen.",
                max_length=250,
                null=True,
                unique=True,
            ),
        ),
        migrations.RunPython(create_index, drop_index, elidable=False),
    ]
