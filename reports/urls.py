from __future__ import annotations

from django.urls import path

from reports import views

app_name = "reports"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("preview/", views.preview, name="preview"),
    path("inspections/<int:inspection_id>/start/", views.report_start, name="start"),
    path("reports/<int:pk>/", views.report_detail, name="report"),
    path("reports/<int:pk>/parts/<slug:key>/", views.part_edit, name="part"),
    path("reports/<int:pk>/judgments/", views.judgments, name="judgments"),
    path("reports/<int:pk>/findings/", views.findings, name="findings"),
    path("reports/<int:pk>/earlier-findings/", views.earlier_findings, name="earlier_findings"),
    path("reports/<int:pk>/history/", views.history, name="history"),
    path("reports/<int:pk>/compare/", views.compare, name="compare"),
    path("reports/<int:pk>/revisions/<int:number>/restore/", views.restore, name="restore"),
    path("reports/<int:pk>/review/", views.review, name="review"),
    path("reports/<int:pk>/comments/", views.comment_add, name="comment_add"),
    path("reports/<int:pk>/comments/<int:comment_id>/resolve/", views.comment_resolve, name="comment_resolve"),
    path("reports/<int:pk>/submit/", views.submit, name="submit"),
    path("reports/<int:pk>/request-changes/", views.request_changes, name="request_changes"),
    path("reports/<int:pk>/approve/", views.approve, name="approve"),
    path("reports/<int:pk>/sign-off/", views.sign_off, name="sign_off"),
    path("reports/<int:pk>/fact-checks/", views.fact_checks, name="fact_checks"),
]
