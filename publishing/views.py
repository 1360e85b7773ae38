"""Publication in the workspace: scheduling a report or a whole programme, "Publish now", rendering
status, the press release, corrections, withdrawal and the PCC's response. Editors act here;
everyone in the workspace can look."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts import permissions
from accounts.decorators import actor, workspace_view
from inspections.models import Programme
from inspectorate.ids import id_or_400
from publishing import selectors
from publishing import services as publication
from publishing.forms import ChangeNoteForm, GoLiveForm, PccResponseForm, PressReleaseForm, WithdrawForm
from publishing.models import Edition, PressRelease
from reports.errors import WorkflowError
from reports.forms import ApproveForm
from reports.models import Report, ReportState
from reports.selectors import reports_for_workspace
from reports.translations import is_bilingual
from reports.views.common import (
    get_report,
    refusal_messages,
    transition_response,
    validation_messages,
)

# Where the error summary takes the reader when a service refuses an action: the first field of the
# form they sent, or the actions as a whole for the buttons without a form.
REFUSAL_ANCHORS = {
    "schedule": "id_schedule-go_live_date_0",
    "correct": "id_correct-change_note",
    "withdraw": "id_withdraw-reason",
    "pcc": "id_pcc-url",
}


def _page(request: HttpRequest, report: Report, status: int = HTTPStatus.OK, **forms: Any) -> HttpResponse:
    editions = report.editions.select_related("revision", "created_by").order_by("-number")
    context = {
        "report": report,
        "editions": editions,
        "may_publish": permissions.is_editor(request.user),
        "go_live_form": forms.get("go_live_form") or GoLiveForm(prefix="schedule"),
        "correction_form": forms.get("correction_form")
        or ChangeNoteForm(prefix="correct", bilingual=is_bilingual(report)),
        "withdraw_form": forms.get("withdraw_form") or WithdrawForm(prefix="withdraw"),
        "pcc_form": forms.get("pcc_form") or PccResponseForm(prefix="pcc"),
        "errors": forms.get("errors", []),
        "refused": forms.get("refused", ""),
        "refusal_anchor": REFUSAL_ANCHORS.get(forms.get("refused", ""), "actions"),
        "now": timezone.now(),
        "unpublished_changes": (unpublished := selectors.unpublished_changes(report)),
        "latest_is_live": bool(editions and editions[0].published_at and not unpublished),
        "bilingual": is_bilingual(report),
    }
    return render(request, "publishing/publication.html", context, status=status)


def _confirmed(request: HttpRequest) -> bool:
    return request.POST.get("confirmed") == "yes"


def _confirm(request: HttpRequest, report: Report, action: str, **details: str) -> HttpResponse:
    """The step that asks before an act that cannot be taken back on one click: publishing now, and
    withdrawing. The service still decides; this only makes sure the editor meant it."""
    return render(
        request, "publishing/confirm.html", {"report": report, "action": action, "now": timezone.now(), **details}
    )


@workspace_view
def publication_page(request: HttpRequest, pk: int) -> HttpResponse:
    """The publication page, and its actions (one POST per form, named by ``action``).

    Someone who is not an editor gets 403. A refusal by a rule (a ``WorkflowError``, a
    ``ValidationError``, or a ``PermissionDenied`` from the service: the role was checked here first,
    so it is the two-person rule or the like) answers 400 with the service's message on this page
    and the form they sent as they typed it.
    """
    report = get_report(pk, request.user)
    if request.method != "POST":
        return _page(request, report)
    if not permissions.is_editor(request.user):
        raise PermissionDenied("Only editors schedule and publish reports")
    action = request.POST.get("action", "")
    user = actor(request)
    forms: dict[str, Any] = {}
    try:
        if action == "schedule":
            form = GoLiveForm(request.POST, prefix="schedule")
            forms["go_live_form"] = form
            if form.is_valid():
                publication.report_schedule(report=report, actor=user, go_live_at=form.go_live_at())
                messages.success(
                    request, f"Scheduled to go live at {timezone.localtime(form.go_live_at()):%H:%M on %d %B %Y}"
                )
                return redirect(request.path)
        elif action == "publish_now":
            if report.state in (ReportState.APPROVED, ReportState.SCHEDULED) and not _confirmed(request):
                return _confirm(request, report, "publish_now")
            publication.report_publish_now(report=report, actor=user)
            messages.success(request, "Publishing now: the report goes live as soon as its PDF is ready and checked")
            return redirect(request.path)
        elif action == "unschedule":
            publication.report_unschedule(report=report, actor=user)
            messages.success(request, "Taken off the schedule")
            return redirect(request.path)
        elif action == "retry":
            edition = get_object_or_404(Edition, pk=id_or_400(request.POST.get("edition")), report=report)
            publication.edition_retry_render(edition=edition, actor=user)
            messages.success(request, f"Rendering edition {edition.number} again")
            return redirect(request.path)
        elif action == "correct":
            correction = ChangeNoteForm(request.POST, prefix="correct", bilingual=is_bilingual(report))
            forms["correction_form"] = correction
            if correction.is_valid():
                edition = publication.report_correct(
                    report=report,
                    actor=user,
                    change_note=correction.cleaned_data["change_note"],
                    change_note_cy=correction.cleaned_data.get("change_note_cy", ""),
                )
                messages.success(request, f"Edition {edition.number} goes live as soon as its PDF is ready")
                return redirect(request.path)
        elif action == "withdraw":
            withdrawal = WithdrawForm(request.POST, prefix="withdraw")
            forms["withdraw_form"] = withdrawal
            if withdrawal.is_valid():
                if report.state == ReportState.PUBLISHED and not _confirmed(request):
                    return _confirm(request, report, "withdraw", reason=withdrawal.cleaned_data["reason"])
                publication.report_withdraw(report=report, actor=user, reason=withdrawal.cleaned_data["reason"])
                messages.success(request, "Report withdrawn: the public now sees the reason instead")
                return redirect(request.path)
        elif action == "pcc":
            response = PccResponseForm(request.POST, request.FILES, prefix="pcc")
            forms["pcc_form"] = response
            if response.is_valid():
                publication.pcc_response_record(
                    report=report, actor=user, url=response.cleaned_data["url"], file=response.cleaned_data["file"]
                )
                messages.success(request, "The Police and Crime Commissioner's response is recorded")
                return redirect(request.path)
        else:
            forms["errors"] = ["Choose an action"]
    except (WorkflowError, ValidationError, PermissionDenied) as error:
        forms["errors"] = refusal_messages(error)
        forms["refused"] = action
    report.refresh_from_db()
    return _page(request, report, HTTPStatus.BAD_REQUEST, **forms)


@workspace_view
def press_release_edit(request: HttpRequest, pk: int) -> HttpResponse:
    report = get_report(pk, request.user)
    # Opening the page writes nothing: a release not saved yet is shown as it would be drafted.
    release = None
    if report.state != ReportState.DRAFT:
        release = PressRelease.objects.filter(report=report).first() or PressRelease(
            report=report, **publication.press_release_proposal(report)
        )
    may_edit = permissions.is_editor(request.user) and release is not None
    status = HTTPStatus.OK
    if request.method == "POST":
        if not may_edit:
            raise PermissionDenied("Only editors edit press releases")
        form = PressReleaseForm(request.POST)
        if form.is_valid():
            try:
                publication.press_release_update(report=report, actor=actor(request), **form.cleaned_data)
            except ValidationError as error:
                for message in validation_messages(error):
                    form.add_error(None, message)
            else:
                messages.success(request, "Press release saved")
                return redirect(reverse("publishing:publication", kwargs={"pk": report.pk}))
        status = HTTPStatus.BAD_REQUEST
    else:
        form = PressReleaseForm(initial={"headline": release.headline, "body": release.body} if release else None)
    return render(
        request,
        "publishing/press_release_edit.html",
        {"report": report, "form": form, "release": release, "may_edit": may_edit},
        status=status,
    )


@workspace_view
def programme_schedule(request: HttpRequest, programme_id: int) -> HttpResponse:
    """Schedule every approved report of a programme for one go-live moment, and watch them get ready."""
    programme = get_object_or_404(Programme, pk=programme_id)
    form = GoLiveForm(prefix="schedule")
    errors: list[str] = []
    status = HTTPStatus.OK
    if request.method == "POST":
        if not permissions.is_editor(request.user):
            raise PermissionDenied("Only editors schedule publication")
        form = GoLiveForm(request.POST, prefix="schedule")
        if form.is_valid():
            try:
                scheduled = publication.programme_schedule(
                    programme=programme, actor=actor(request), go_live_at=form.go_live_at()
                )
            except (ValidationError, WorkflowError) as error:
                errors = validation_messages(error) if isinstance(error, ValidationError) else [str(error)]
            else:
                messages.success(
                    request,
                    f"{len(scheduled)} reports scheduled to go live together at "
                    f"{timezone.localtime(form.go_live_at()):%H:%M on %d %B %Y}",
                )
                return redirect(request.path)
        status = HTTPStatus.BAD_REQUEST
    reports = list(
        # Only the reports this person may read (an inspector on none of them sees none).
        reports_for_workspace(actor(request))
        .filter(inspection__programme=programme)
        .select_related("inspection__force")
        .prefetch_related("editions")
        .order_by("inspection__force__name")
    )
    rows: list[dict[str, Any]] = []
    for report in reports:
        pending = [e for e in report.editions.all() if e.published_at is None]
        rows.append({"report": report, "edition": pending[0] if pending else None})
    counts = {
        "scheduled": sum(r.state == ReportState.SCHEDULED for r in reports),
        "approved": sum(r.state == ReportState.APPROVED for r in reports),
        "ready": sum(
            1 for row in rows if row["edition"] and row["edition"].render_status == Edition.RenderStatus.READY
        ),
        "not_ready": [
            r for r in reports if r.state not in (ReportState.APPROVED, ReportState.SCHEDULED, ReportState.PUBLISHED)
        ],
        "published": sum(r.state == ReportState.PUBLISHED for r in reports),
    }
    go_live_moments = sorted({r.go_live_at for r in reports if r.state == ReportState.SCHEDULED and r.go_live_at})
    return render(
        request,
        "publishing/programme_schedule.html",
        {
            "programme": programme,
            "rows": rows,
            "counts": counts,
            "form": form,
            "errors": errors,
            "go_live_moments": go_live_moments,
            "may_publish": permissions.is_editor(request.user),
            "programmes": Programme.objects.order_by("-year"),
        },
        status=status,
    )


@workspace_view
@require_POST
def approve(request: HttpRequest, pk: int) -> HttpResponse:
    report = get_report(pk, request.user)
    form = ApproveForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Review the latest revision before approving")
        return redirect(reverse("reports:review", kwargs={"pk": report.pk}))
    return transition_response(
        request,
        report,
        lambda: publication.report_approve(
            report=report, actor=actor(request), revision_number=form.cleaned_data["revision"]
        ),
        "Report approved",
    )
