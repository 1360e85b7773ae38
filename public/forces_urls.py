"""The public's force and programme URLs. ``/forces/<force-slug>/`` is a contract of the product brief."""

from __future__ import annotations

from django.urls import path

from public.views import forces

force_patterns = [
    path("", forces.force_list, name="force_list"),
    path("<slug:slug>/", forces.force_page, name="force"),
]

programme_patterns = [
    path("<slug:slug>/", forces.programme_page, name="programme"),
]
