"""The benchmark's URLs: a minimal Django view, the ceiling the site's pages are measured against, then
every URL of the site."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.urls import path

from inspectorate.urls import handler400  # noqa: F401 - the site's 400 page here too
from inspectorate.urls import urlpatterns as site


def minimal(request: HttpRequest) -> HttpResponse:
    """As little as Django can answer: the whole middleware stack, no database, no template."""
    return HttpResponse("ok")


# The site's own list, not include(): the site's public pages are in i18n_patterns, which Django
# allows only in the root URLconf.
urlpatterns = [path("bench/minimal/", minimal), *site]
