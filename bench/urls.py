"""The benchmark's URLs: a minimal Django view, the ceiling the site's pages are measured against, then
every URL of the site."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.urls import include, path


def minimal(request: HttpRequest) -> HttpResponse:
    """As little as Django can answer: the whole middleware stack, no database, no template."""
    return HttpResponse("ok")


urlpatterns = [
    path("bench/minimal/", minimal),
    path("", include("inspectorate.urls")),
]
