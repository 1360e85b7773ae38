"""Administrators keep each programme's timetable (its deadlines) in the admin, beside its questions.
An inspection's own dates change in the workspace, through ``reports.deadlines``."""

from __future__ import annotations

from django.contrib.auth.management import create_permissions
from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

CODES = ["add_programmedeadline", "change_programmedeadline", "delete_programmedeadline", "view_programmedeadline"]


def grant(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    # get_or_create: a database emptied by a flush (as tests do) has no groups until they are made again.
    group, _ = Group.objects.get_or_create(name="Administrator")
    group.permissions.add(*Permission.objects.filter(content_type__app_label="inspections", codename__in=CODES))


def revoke(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group = Group.objects.filter(name="Administrator").first()
    if group is None:
        return
    group.permissions.remove(*Permission.objects.filter(content_type__app_label="inspections", codename__in=CODES))


class Migration(migrations.Migration):
    dependencies = [("accounts", "0003_report_roles"), ("inspections", "0004_timetable_and_programme_editors")]
    operations = [migrations.RunPython(grant, revoke)]
