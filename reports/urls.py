from __future__ import annotations

from django.urls import path

from reports.views import trail, workspace

app_name = "reports"

urlpatterns = [
    path("", workspace.dashboard, name="dashboard"),
    path("preview/", workspace.preview, name="preview"),
    path("inspections/<int:inspection_id>/start/", workspace.report_start, name="start"),
    path("reports/<int:pk>/", workspace.report_detail, name="report"),
    path("reports/<int:pk>/parts/<slug:key>/", workspace.part_edit, name="part"),
    path("reports/<int:pk>/judgments/", workspace.judgments, name="judgments"),
    path("reports/<int:pk>/findings/", workspace.findings, name="findings"),
    path("reports/<int:pk>/earlier-findings/", workspace.earlier_findings, name="earlier_findings"),
    path("reports/<int:pk>/history/", workspace.history, name="history"),
    path("reports/<int:pk>/trail/", trail.report_trail, name="trail"),
    path("reports/<int:pk>/trail.csv", trail.report_trail_csv, name="trail_csv"),
    path("reports/<int:pk>/compare/", workspace.compare, name="compare"),
    path("reports/<int:pk>/revisions/<int:number>/restore/", workspace.restore, name="restore"),
    path("reports/<int:pk>/review/", workspace.review, name="review"),
    path("reports/<int:pk>/comments/", workspace.comment_add, name="comment_add"),
    path("reports/<int:pk>/comments/<int:comment_id>/resolve/", workspace.comment_resolve, name="comment_resolve"),
    path("reports/<int:pk>/submit/", workspace.submit, name="submit"),
    path("reports/<int:pk>/request-changes/", workspace.request_changes, name="request_changes"),
    path("reports/<int:pk>/sign-off/", workspace.sign_off, name="sign_off"),
    path("reports/<int:pk>/fact-checks/", workspace.fact_checks, name="fact_checks"),
    path("inspections/<int:inspection_id>/trail/", trail.inspection_trail, name="inspection_trail"),
    path("inspections/<int:inspection_id>/trail.csv", trail.inspection_trail_csv, name="inspection_trail_csv"),
    path("trail/", trail.all_trail, name="all_trail"),
    path("trail.csv", trail.all_trail_csv, name="all_trail_csv"),
]
