from __future__ import annotations

from django.urls import path

from fieldwork import views

app_name = "fieldwork"

urlpatterns = [
    path("inspections/<int:inspection_id>/plan/", views.plan, name="plan"),
    path("inspections/<int:inspection_id>/requests/", views.requests, name="requests"),
    path("inspections/<int:inspection_id>/evidence/", views.evidence, name="evidence"),
    path("inspections/<int:inspection_id>/audits/new/", views.audit_start, name="audit_start"),
    path("audits/<int:audit_id>/", views.audit, name="audit"),
    path("files/<slug:kind>/<int:file_id>/", views.file_download, name="file"),
    path("programmes/<int:programme_id>/moderation/", views.moderation, name="moderation"),
    path("judgments/<int:judgment_id>/moderate/", views.moderate, name="moderate"),
    path("conflicts/", views.conflicts, name="conflicts"),
]
