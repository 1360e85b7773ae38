from __future__ import annotations

from django.urls import path

from reports.views import dashboard, drafting, fact_check, findings, lists, planning, record, review, trail, welsh

app_name = "reports"

urlpatterns = [
    path("", dashboard.dashboard, name="dashboard"),
    path("preview/", drafting.preview, name="preview"),
    path("inspections/<int:inspection_id>/start/", dashboard.report_start, name="start"),
    path("reports/", lists.report_list, name="report_list"),
    path("reports/<int:pk>/", drafting.report_detail, name="report"),
    path("reports/<int:pk>/assign/", planning.parts_assign, name="parts_assign"),
    path(
        "inspections/<int:inspection_id>/deadlines/<slug:milestone>/", planning.deadline_change, name="deadline_change"
    ),
    path("reports/<int:pk>/parts/<slug:key>/", drafting.part_edit, name="part"),
    path("reports/<int:pk>/judgments/", record.judgments, name="judgments"),
    path("reports/<int:pk>/welsh/", welsh.welsh, name="welsh"),
    path("reports/<int:pk>/welsh/<slug:key>/", welsh.welsh_part, name="welsh_part"),
    path("reports/<int:pk>/welsh/<slug:key>/xliff/", welsh.welsh_xliff, name="welsh_xliff"),
    path("reports/<int:pk>/judgments/<int:question_id>/evidence/", record.judgment_evidence, name="judgment_evidence"),
    path("reports/<int:pk>/findings/", record.findings, name="findings"),
    path("reports/<int:pk>/findings/<int:finding_id>/", findings.finding_edit, name="finding_edit"),
    path("reports/<int:pk>/findings/<int:finding_id>/remove/", findings.finding_remove, name="finding_remove"),
    path("reports/<int:pk>/earlier-findings/", record.earlier_findings, name="earlier_findings"),
    path("reports/<int:pk>/history/", drafting.history, name="history"),
    path("reports/<int:pk>/trail/", trail.report_trail, name="trail"),
    path("reports/<int:pk>/trail.csv", trail.report_trail_csv, name="trail_csv"),
    path("reports/<int:pk>/compare/", drafting.compare, name="compare"),
    path("reports/<int:pk>/revisions/<int:number>/restore/", drafting.restore, name="restore"),
    path("reports/<int:pk>/review/", review.review, name="review"),
    path("reports/<int:pk>/comments/", review.comment_add, name="comment_add"),
    path("reports/<int:pk>/comments/<int:comment_id>/resolve/", review.comment_resolve, name="comment_resolve"),
    path("reports/<int:pk>/submit/", review.submit, name="submit"),
    path("reports/<int:pk>/request-changes/", review.request_changes, name="request_changes"),
    path("reports/<int:pk>/sign-off/", review.sign_off, name="sign_off"),
    path("reports/<int:pk>/fact-checks/", fact_check.fact_checks, name="fact_checks"),
    path("inspections/<int:inspection_id>/trail/", trail.inspection_trail, name="inspection_trail"),
    path("inspections/<int:inspection_id>/trail.csv", trail.inspection_trail_csv, name="inspection_trail_csv"),
    path("trail/", trail.all_trail, name="all_trail"),
    path("trail.csv", trail.all_trail_csv, name="all_trail_csv"),
]
