"""Administrators see reports, their revisions and audit trail in the admin (read-only there: the
workspace is where reports change). Everyone else's access to reports is decided per object by
``accounts.permissions``."""

from __future__ import annotations

from django.contrib.auth.management import create_permissions
from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

CODES = ["view_report", "view_revision", "view_reportevent"]


def grant(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group = Group.objects.get(name="Administrator")
    group.permissions.add(*Permission.objects.filter(content_type__app_label="reports", codename__in=CODES))


def revoke(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group = Group.objects.get(name="Administrator")
    group.permissions.remove(*Permission.objects.filter(content_type__app_label="reports", codename__in=CODES))


class Migration(migrations.Migration):
    dependencies = [("accounts", "0002_roles"), ("reports", "0001_initial")]
    operations = [migrations.RunPython(grant, revoke)]
