"""The site's two languages: English, and Welsh for the four Welsh forces' reports and the public
interface under ``/cy/``.

The language of a request is its path's, and nothing else's: ``/cy/...`` is Welsh, every other path
English (no cookie, no ``Accept-Language`` guess, so a page's address says what it is and a cache in
front needs no ``Vary``). ``PathLanguageMiddleware`` activates it before the URL is resolved, which
is what ``i18n_patterns`` and the translated paths of ``inspectorate.urls`` need.

The Welsh catalogue (``locale/cy/LC_MESSAGES/django.po``) is compiled by ``compile_catalogues``
through translate-toolkit (already here for XLIFF) as part of set-up, so no machine needs GNU gettext.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Final

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation

ENGLISH: Final = "en-gb"
WELSH: Final = "cy"
#: Each language's name in itself, for the language switch.
NAMES: Final = {ENGLISH: "English", WELSH: "Cymraeg"}
WELSH_PREFIX: Final = f"/{WELSH}/"


def is_welsh() -> bool:
    return translation.get_language() == WELSH


def service_name() -> str:
    """The service's name in the active language."""
    return str(settings.SERVICE_NAME_CY if is_welsh() else settings.SERVICE_NAME)


def language_of_path(path: str) -> str:
    return WELSH if path == f"/{WELSH}" or path.startswith(WELSH_PREFIX) else ENGLISH


class PathLanguageMiddleware:
    """Activate the language of the request's path for the request, and say it in ``Content-Language``."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        language = language_of_path(request.path_info)
        with translation.override(language):
            request.LANGUAGE_CODE = language
            response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response


def compile_catalogues(locale_paths: list[Path] | None = None) -> list[Path]:
    """Compile each ``.po`` under the project's locale folders into its ``.mo`` when the ``.mo`` is
    missing or older. Returns the files written. Fuzzy and untranslated entries are left out, as msgfmt
    leaves them (a test holds the catalogue to having none)."""
    from translate.storage import po
    from translate.tools.pocompile import POCompile

    written = []
    for folder in locale_paths or [Path(path) for path in settings.LOCALE_PATHS]:
        for source in sorted(folder.glob("*/LC_MESSAGES/*.po")):
            target = source.with_suffix(".mo")
            if target.exists() and target.stat().st_mtime >= source.stat().st_mtime:
                continue
            # Written aside and renamed, so that a process reading it (a test worker) never sees half of it.
            partial = target.with_name(f".{target.name}.{os.getpid()}")
            partial.write_bytes(POCompile.convertstore(po.pofile(source.read_bytes())))  # type: ignore[no-untyped-call]
            partial.replace(target)
            written.append(target)
    return written
