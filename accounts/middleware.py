"""Staff pages ask for the second factor (``accounts.second_factor``) before anything else.

Every URL under a staff prefix is covered, those added later included: a person who must set one up,
or must enter a code, is sent to do that first and brought back to where they were going.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

from accounts.second_factor import Due, second_factor_due

#: Where the staff side lives, with the page that manages the second factor itself. The public site,
#: signing in and out, and the pages that set up or ask for the second factor are outside.
STAFF_PREFIXES = ("/workspace/", "/admin/", "/accounts/security/")


class SecondFactorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated and request.path.startswith(STAFF_PREFIXES):
            due = second_factor_due(user, verified=user.is_verified())  # type: ignore[attr-defined]
            if due is not None:
                page = "second_factor_set_up" if due is Due.SET_UP else "second_factor_verify"
                return HttpResponseRedirect(f"{reverse(page)}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)
