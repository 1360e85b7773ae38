"""The public's URLs. ``/reports/``, ``/reports/<slug>/`` and ``/reports/feed/`` are contracts of the product
brief. In Welsh the same pages are under ``/cy/adroddiadau/`` (``inspectorate.urls``)."""

from __future__ import annotations

from django.urls import path
from django.utils.translation import gettext_lazy as _

from public.cache import public_page
from public.views import data, pages

app_name = "public"

urlpatterns = [
    path("", pages.report_list, name="report_list"),
    # Before ``<slug:slug>/``, which would otherwise take "feed" for a report's slug.
    path(_("feed/"), public_page(data.PublicationFeed()), name="feed"),
    path("<slug:slug>/", pages.report_page, name="report"),
    path("<slug:slug>/pdf/", pages.edition_pdf, name="pdf"),
    path(_("<slug:slug>/editions/<int:number>/pdf/"), pages.edition_pdf, name="edition_pdf"),
    path(_("<slug:slug>/press-release/"), pages.press_release, name="press_release"),
    path(_("<slug:slug>/response/"), pages.pcc_response, name="pcc_response"),
]
