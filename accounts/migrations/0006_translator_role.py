"""Translators: they write the Welsh of the Welsh forces' reports in the workspace. The role holds no model
permission: what a translator may read and write is decided per report (``accounts.permissions``)."""

from __future__ import annotations

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps


def make(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    apps.get_model("auth", "Group").objects.get_or_create(name="Translator")


def remove(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    apps.get_model("auth", "Group").objects.filter(name="Translator").delete()


class Migration(migrations.Migration):
    dependencies = [("accounts", "0005_security_events")]
    operations = [migrations.RunPython(make, remove)]
