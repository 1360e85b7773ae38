from __future__ import annotations

import re

from django.conf import settings
from django.http import HttpRequest

from notifications.selectors import unread_count


def service(request: HttpRequest) -> dict[str, str]:
    return {
        "service_name": settings.SERVICE_NAME,
        "site_url": settings.SITE_URL,
        "canonical_url": canonical_url(request),
    }


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
