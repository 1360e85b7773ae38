"""Text search of published reports: the live edition's text on each report, filled for reports
already published, and on PostgreSQL a GIN index on the expression ``reports.search`` matches with."""

from django.db import migrations, models

# Must stay the expression that reports.search.document_vector() compiles to, or the index is not used.
INDEX = (
    "CREATE INDEX IF NOT EXISTS reports_report_search_gin ON reports_report "
    "USING gin (to_tsvector('english'::regconfig, COALESCE(search_text, '')))"
)


def fill_search_text(apps, schema_editor):
    Report = apps.get_model("reports", "Report")
    Edition = apps.get_model("reports", "Edition")
    for report in Report.objects.filter(state="published").select_related(
        "inspection__force", "inspection__programme", "inspection__lead_inspector"
    ):
        edition = (
            Edition.objects.filter(report=report, published_at__isnull=False)
            .select_related("revision")
            .order_by("-number")
            .first()
        )
        if edition is None:
            continue
        inspection = report.inspection
        lead = inspection.lead_inspector
        head = [
            inspection.programme.name,
            inspection.force.name,
            lead.name if lead is not None else "",
        ]
        parts = [str(text) for text in edition.revision.content.values()]
        report.search_text = "\n".join(part for part in head + parts if part)
        report.save(update_fields=["search_text"])


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(INDEX)


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS reports_report_search_gin")


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0002_publication"),
    ]

    operations = [
        migrations.AddField(
            model_name="report",
            name="search_text",
            field=models.TextField(
                blank=True, editable=False, help_text="The live edition's text, for search (see reports.search)."
            ),
        ),
        migrations.RunPython(fill_search_text, migrations.RunPython.noop),
        migrations.RunPython(create_index, drop_index),
    ]
