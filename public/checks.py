"""A system check that the Welsh catalogue is compiled and current: without it every Welsh page would
say its words in English, silently. ``manage.py check`` (and every ``runserver``, ``migrate`` and worker
start) fails until ``scripts/compile_catalogues.py`` has run."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, register


@register()
def welsh_catalogue_compiled(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    problems: list[CheckMessage] = []
    for folder in settings.LOCALE_PATHS:
        for source in sorted(Path(folder).glob("*/LC_MESSAGES/*.po")):
            compiled = source.with_suffix(".mo")
            if not compiled.exists() or compiled.stat().st_mtime < source.stat().st_mtime:
                problems.append(
                    Error(
                        f"{source.name} of {source.parent.parent.name} is not compiled, or is older than its .po",
                        hint="Run `python scripts/compile_catalogues.py` (make install does)",
                        id="public.E001",
                    )
                )
    return problems
