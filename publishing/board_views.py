"""The programme board: every programme at ``/workspace/programmes/``, and one page per programme where
editors act on a selection of its reports (schedule them for one moment, ask for sign-off)."""

from __future__ import annotations

from http import HTTPStatus

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from accounts import permissions
from accounts.decorators import actor, workspace_view
from accounts.models import User
from inspections.models import Programme
from publishing import programme_board as board
from publishing import services as publication
from publishing.forms import BoardFilterForm, GoLiveForm
from reports import services
from reports.errors import WorkflowError
from reports.models import Report


@workspace_view
def programme_list(request: HttpRequest) -> HttpResponse:
    return render(request, "publishing/programme_list.html", {"programmes": board.programmes_for_board()})


@workspace_view
def programme_board_page(request: HttpRequest, programme_id: int) -> HttpResponse:
    programme = get_object_or_404(Programme, pk=programme_id)
    leads = User.objects.filter(led_inspections__programme=programme).distinct().order_by("name")
    filters = BoardFilterForm(request.GET or None, leads=leads)
    go_live = GoLiveForm(prefix="schedule")
    errors: list[str] = []
    status = HTTPStatus.OK
    if request.method == "POST":
        if not permissions.is_editor(request.user):
            raise PermissionDenied("Only editors act on a programme's reports")
        selected = list(
            Report.objects.filter(inspection__programme=programme, pk__in=_ids(request.POST.getlist("report")))
        )
        action = request.POST.get("action")
        if action == "schedule":
            go_live = GoLiveForm(request.POST, prefix="schedule")
            if go_live.is_valid():
                try:
                    scheduled = publication.reports_schedule(
                        reports=selected, actor=actor(request), go_live_at=go_live.go_live_at()
                    )
                except ValidationError as error:
                    errors = [str(message) for message in error.messages]
                except WorkflowError as error:
                    errors = [str(error)]
                else:
                    moment = timezone.localtime(go_live.go_live_at())
                    messages.success(
                        request,
                        f"{len(scheduled)} report{'s' if len(scheduled) != 1 else ''} scheduled to go live at {moment:%H:%M on %-d %B %Y}",
                    )
                    return redirect(request.get_full_path())
        elif action == "sign_off":
            try:
                asked = services.sign_offs_request(reports=selected, actor=actor(request))
            except ValidationError as error:
                errors = [str(message) for message in error.messages]
            else:
                skipped = len(selected) - len(asked)
                messages.success(
                    request,
                    f"{len(asked)} lead inspector{'s' if len(asked) != 1 else ''} asked to sign off"
                    + (f"; {skipped} had signed off already" if skipped else ""),
                )
                return redirect(request.get_full_path())
        else:
            errors = ["Choose what to do with the selected reports"]
        status = HTTPStatus.BAD_REQUEST
    rows = board.programme_board(programme, user=actor(request))
    if filters.is_valid():
        shown = board.board_filter(
            rows,
            state=filters.cleaned_data["state"],
            lead=filters.cleaned_data["lead"].pk if filters.cleaned_data["lead"] else None,
            overdue=filters.cleaned_data["overdue"],
            sort=filters.cleaned_data["sort"] or "force",
        )
    else:
        shown = board.board_filter(rows)
    sort = filters.cleaned_data.get("sort") if filters.is_valid() else ""
    return render(
        request,
        "publishing/programme_board.html",
        {
            "may_moderate": permissions.can_moderate(request.user) or permissions.is_administrator(request.user),
            "programme": programme,
            "rows": shown,
            "total": len(rows),
            "overdue_count": sum(bool(row.overdue) for row in rows),
            "filters": filters,
            "go_live": go_live,
            "errors": errors,
            "sort": sort or "force",
            "columns": [(key, label) for key, (label, _) in board.SORTS.items()],
            "is_editor": permissions.is_editor(request.user),
            "today": timezone.localdate(),
        },
        status=status,
    )


def _ids(values: list[str]) -> list[int]:
    """The ids of the ticked reports; anything not a whole number is ignored, as a box never ticked."""
    return [int(value) for value in values if value.isascii() and value.isdigit() and len(value) < 12]
