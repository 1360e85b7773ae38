"""Reference data: the 43 forces (from inspections/data/forces.csv), the PEEL pillars and the two
grading scales (four grades 2014-2019, five grades from 2021)."""

from __future__ import annotations

import csv
import datetime
from pathlib import Path

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps
from django.utils.text import slugify

FORCES_CSV = Path(__file__).resolve().parent.parent / "data" / "forces.csv"

PILLARS = ["Effectiveness", "Efficiency", "Legitimacy", "Leadership"]

SCALES = {
    "peel-2014-2019": (
        "PEEL 2014 to 2019 (four grades)",
        ["Outstanding", "Good", "Requires improvement", "Inadequate"],
    ),
    "peel-2021": (
        "PEEL 2021 onwards (five grades)",
        ["Outstanding", "Good", "Adequate", "Requires improvement", "Inadequate"],
    ),
}


def load(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    Force = apps.get_model("inspections", "Force")
    Pillar = apps.get_model("inspections", "Pillar")
    GradingScale = apps.get_model("inspections", "GradingScale")
    Grade = apps.get_model("inspections", "Grade")

    with FORCES_CSV.open(newline="", encoding="utf-8") as file:
        for row in csv.DictReader(file):
            Force.objects.update_or_create(
                slug=slugify(row["name"]),
                defaults={
                    "name": row["name"],
                    "country": row["country"],
                    "region": row["region"],
                    "former_name": row["former_name"] or "",
                    "renamed_on": datetime.date.fromisoformat(row["renamed_on"]) if row["renamed_on"] else None,
                },
            )
    for order, name in enumerate(PILLARS, start=1):
        Pillar.objects.update_or_create(slug=slugify(name), defaults={"name": name, "order": order})
    for slug, (name, labels) in SCALES.items():
        scale, _ = GradingScale.objects.update_or_create(slug=slug, defaults={"name": name})
        for rank, label in enumerate(labels, start=1):
            Grade.objects.update_or_create(scale=scale, slug=slugify(label), defaults={"label": label, "rank": rank})


class Migration(migrations.Migration):
    dependencies = [("inspections", "0002_judgment_grade_in_scale_trigger")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
