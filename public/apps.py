from __future__ import annotations

from django.apps import AppConfig


class PublicConfig(AppConfig):
    name = "public"
    verbose_name = "Public site"

    def ready(self) -> None:
        from public import checks  # noqa: F401 - registers the Welsh catalogue's check
