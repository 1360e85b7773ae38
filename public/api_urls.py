"""The read-only JSON API, version 1 (``/api/v1/``). Every path here is described in
``public/openapi.py``; a test holds the two together."""

from __future__ import annotations

from django.urls import path

from public.views import api

app_name = "api"

urlpatterns = [
    path("reports/", api.report_list, name="reports"),
    path("reports/<slug:slug>/", api.report_detail, name="report"),
    path("forces/", api.force_list, name="forces"),
    path("forces/<slug:slug>/", api.force_detail, name="force"),
    path("recommendations/", api.recommendation_list, name="recommendations"),
    path("openapi.json", api.openapi, name="openapi"),
]
