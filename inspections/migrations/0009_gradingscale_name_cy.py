"""The grading scales' Welsh names, which the Welsh force and programme pages print."""

from importlib import import_module

from django.db import migrations

import inspectorate.fields

grade_trigger = import_module("inspections.migrations.0002_judgment_grade_in_scale_trigger")

SCALES_CY = {
    "peel-2014-2019": "PEEL 2014 i 2019 (pedair gradd)",
    "peel-2021": "PEEL 2021 ymlaen (pum gradd)",
}


def welsh_names(apps, schema_editor):  # type: ignore[no-untyped-def]
    for slug, welsh in SCALES_CY.items():
        apps.get_model("inspections", "GradingScale").objects.filter(slug=slug).update(name_cy=welsh)


class Migration(migrations.Migration):
    dependencies = [
        ("inspections", "0008_welsh_checklist"),
    ]

    operations = [
        # Adding a column makes SQLite rebuild a table that the judgment triggers (0002) read.
        migrations.RunPython(grade_trigger.drop, grade_trigger.create),
        migrations.AddField(
            model_name="gradingscale",
            name="name_cy",
            field=inspectorate.fields.PlainCharField(
                blank=True, help_text="For the Welsh pages.", max_length=100, verbose_name="name in Welsh"
            ),
        ),
        migrations.RunPython(grade_trigger.create, grade_trigger.drop),
        migrations.RunPython(welsh_names, migrations.RunPython.noop),
    ]
