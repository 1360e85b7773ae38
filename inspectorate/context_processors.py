from __future__ import annotations

import re
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import translate_url
from django.utils.functional import SimpleLazyObject

from inspectorate.languages import ENGLISH, WELSH, is_welsh, service_name
from notifications.selectors import unread_count


def service(request: HttpRequest) -> dict[str, Any]:
    return {
        "service_name": service_name(),
        "site_url": settings.SITE_URL,
        "canonical_url": canonical_url(request),
        "welsh": is_welsh(),
        # Worked out only if a page shows it (the public pages' header and <head>).
        "page_alternates": SimpleLazyObject(lambda: page_alternates(request)),
    }


def page_alternates(request: HttpRequest) -> dict[str, str]:
    """The page in each language ("en" and "cy"), when it has a version in the other language: a
    public page under ``i18n_patterns`` (``inspectorate.urls``). Staff pages, the data and the API are
    in English only and get ``{}``. A page whose address differs between the languages by more than
    its path's words (a report's page) passes its own ``alternates`` instead."""
    here = request.get_full_path()
    welsh = is_welsh()
    there = translate_url(here, ENGLISH if welsh else WELSH)
    if there == here:
        return {}
    return {"cy": here, "en": there} if welsh else {"en": here, "cy": there}


def canonical_url(request: HttpRequest) -> str:
    """The page's one address on ``SITE_URL``: its path, without the query string but for a page
    number (each page of a list is a page of its own; its filters are not)."""
    page = request.GET.get("page", "")
    # ASCII digits only, and not too many: "²".isdigit() is true, and int() refuses it.
    suffix = f"?page={int(page)}" if re.fullmatch(r"[0-9]{1,9}", page) and int(page) > 1 else ""
    return f"{settings.SITE_URL}{request.path}{suffix}"


def notifications(request: HttpRequest) -> dict[str, int | None]:
    """The signed-in person's unread notifications, for the header; ``None`` for everyone else."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not request.path.startswith(("/workspace/", "/accounts/")):
        return {"unread_notifications": None}
    return {"unread_notifications": unread_count(user)}
