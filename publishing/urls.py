"""The workspace's publishing pages (under ``/workspace/``, beside ``reports.urls``)."""

from __future__ import annotations

from django.urls import path

from publishing import board_views, views

app_name = "publishing"

urlpatterns = [
    path("reports/<int:pk>/approve/", views.approve, name="approve"),
    path("reports/<int:pk>/publication/", views.publication_page, name="publication"),
    path("reports/<int:pk>/press-release/", views.press_release_edit, name="press_release"),
    path("programmes/", board_views.programme_list, name="programmes"),
    path("programmes/<int:programme_id>/", board_views.programme_board_page, name="programme_board"),
    path("programmes/<int:programme_id>/schedule/", views.programme_schedule, name="programme_schedule"),
]
