"""The site's own error views, where Django's would fail in turn."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """400, in the site's dress. Django's own handler runs the CSRF check again, which reads the form
    again, which fails again for the same bad request (a form body in latin-1, say), and so answered
    500. This one reads nothing of the request's body."""
    return render(request, "400.html", status=400)
