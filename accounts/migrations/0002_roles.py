"""Create the role groups and give each its model permissions.

Object-level rules (an inspector changes only their own team's inspections) live in
``accounts.permissions``; these are the model-level permissions beneath them.
"""

from __future__ import annotations

from django.contrib.auth.management import create_permissions
from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

REFERENCE = ["force", "gradingscale", "grade", "pillar", "programme", "question"]
RECORD = [
    "judgment",
    "areaforimprovement",
    "causeofconcern",
    "recommendation",
    "notablepractice",
    "recommendationupdate",
    "findingoutcome",
]
ALL_INSPECTIONS = [*REFERENCE, "inspection", "finding", *RECORD]
AXES = ["accessattempt", "accesslog", "accessfailurelog"]


def perms(actions: list[str], models: list[str]) -> list[str]:
    return [f"inspections.{action}_{model}" for model in models for action in actions]


INSPECTOR = [
    *perms(["view"], [*REFERENCE, "finding"]),
    *perms(["view", "change"], ["inspection"]),
    *perms(["view", "add", "change", "delete"], RECORD),
]
ROLES = {
    "Inspector": INSPECTOR,
    "Lead inspector": INSPECTOR,
    "Editor": perms(["view"], ALL_INSPECTIONS),
    "Administrator": [
        *perms(["view", "add", "change", "delete"], ALL_INSPECTIONS),
        *[f"accounts.{action}_user" for action in ("view", "add", "change", "delete")],
        *[f"auth.{action}_group" for action in ("view", "add", "change", "delete")],
        # Login lock-outs: seen and lifted (deleted) by administrators.
        *[f"axes.{action}_{model}" for model in AXES for action in ("view", "delete")],
    ],
}


def create_roles(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    # Permissions are normally made after migrate; make them now so that groups can hold them.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codes in ROLES.items():
        group, _ = Group.objects.get_or_create(name=name)
        wanted = []
        for code in codes:
            app_label, codename = code.split(".")
            wanted.append(Permission.objects.get(content_type__app_label=app_label, codename=codename))
        group.permissions.set(wanted)


def remove_roles(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    apps.get_model("auth", "Group").objects.filter(name__in=ROLES).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("inspections", "0003_reference_data"),
        ("axes", "0010_accessattemptexpiration"),
    ]
    operations = [migrations.RunPython(create_roles, remove_roles)]
