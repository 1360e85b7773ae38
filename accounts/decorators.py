"""The door to every staff page: signed in, and a member of staff with a workspace role."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.http.response import HttpResponseBase

from accounts import permissions
from accounts.models import User

View = Callable[..., HttpResponseBase]


def workspace_view(view: View) -> View:
    """Signed in, and a member of staff with a workspace role; otherwise the login page or 403."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not permissions.can_view_workspace(request.user):
            raise PermissionDenied("The workspace is for inspectors, lead inspectors and editors")
        return view(request, *args, **kwargs)

    return wrapper


def actor(request: HttpRequest) -> User:
    """The signed-in person acting (``workspace_view`` has made sure there is one)."""
    assert isinstance(request.user, User)
    return request.user
