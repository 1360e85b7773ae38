"""Text stored before the models cleaned it on save (inspectorate.fields) is cleaned once here."""

from inspectorate.text import clean_text
from django.db import migrations


def clean_stored_text(apps, schema_editor):
    """Text stored before these fields cleaned on save loses its control and format characters too."""
    for model_name, field in [('Finding', 'text'), ('Judgment', 'narrative'), ('RecommendationUpdate', 'comment'), ('FindingOutcome', 'note')]:
        model = apps.get_model("inspections", model_name)
        for pk, value in model.objects.values_list("pk", field).iterator():
            if value and clean_text(value) != value:
                model.objects.filter(pk=pk).update(**{field: clean_text(value)})


class Migration(migrations.Migration):

    dependencies = [
        ('inspections', '0004_timetable_and_programme_editors'),
    ]

    operations = [
        migrations.RunPython(clean_stored_text, migrations.RunPython.noop),
    ]
