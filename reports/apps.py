from __future__ import annotations

from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = "Reports and publication"

    def ready(self) -> None:
        from reports import public_cache

        public_cache.connect_signals()
