from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.db import connections
from django.db.models.signals import post_migrate

from reports import append_only


def _guard_the_audit_trail(sender: AppConfig, using: str = "default", **kwargs: Any) -> None:
    """After every ``migrate``: put the audit trail's append-only guard back, in case a migration
    rebuilt its table (SQLite rebuilds a table for most changes, and the table's triggers go with it).
    Installing it is idempotent."""
    connection = connections[using]
    if sender.get_model("ReportEvent")._meta.db_table in connection.introspection.table_names():
        append_only.install(connection)


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = "Reports and publication"

    def ready(self) -> None:
        post_migrate.connect(_guard_the_audit_trail, sender=self, dispatch_uid="reports-audit-append-only")
