"""Requests to the force: the team's page, and the liaison's (no account: the link is the authority)."""

from __future__ import annotations

from http import HTTPStatus

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache

from accounts import permissions
from accounts.decorators import actor, workspace_view
from fieldwork import selectors, services
from fieldwork.files import max_megabytes
from fieldwork.forms import (
    ForceRequestForm,
    LiaisonLinkForm,
    RequestAnswerForm,
)
from fieldwork.models import ForceRequest, LiaisonLink
from fieldwork.views.common import case_file_context, inspection_or_404, refusals
from inspectorate.ids import id_or_400
from reports.errors import WorkflowError


@workspace_view
def requests(request: HttpRequest, inspection_id: int) -> HttpResponse:
    inspection = inspection_or_404(request, inspection_id)
    request_form = ForceRequestForm(prefix="request")
    link_form = LiaisonLinkForm(prefix="link")
    errors: list[str] = []
    new_link = None
    if request.method == "POST":
        which = request.POST.get("form")
        try:
            if which == "request":
                request_form = ForceRequestForm(request.POST, prefix="request")
                if request_form.is_valid():
                    data = request_form.cleaned_data
                    services.force_request_add(
                        inspection=inspection,
                        actor=actor(request),
                        title=data["title"],
                        detail=data["detail"],
                        due_on=data["due_on"],
                    )
                    messages.success(request, f"“{data['title']}” is asked for")
                    return redirect(request.path)
            elif which == "link":
                link_form = LiaisonLinkForm(request.POST, prefix="link")
                if link_form.is_valid():
                    _, token = services.liaison_link_issue(
                        inspection=inspection,
                        actor=actor(request),
                        liaison_name=link_form.cleaned_data["liaison_name"],
                        liaison_email=link_form.cleaned_data["liaison_email"],
                    )
                    new_link = request.build_absolute_uri(reverse("force_requests", args=[token]))
                    link_form = LiaisonLinkForm(prefix="link")
            elif which == "revoke":
                link = get_object_or_404(LiaisonLink, pk=id_or_400(request.POST.get("link")), inspection=inspection)
                services.liaison_link_revoke(link=link, actor=actor(request))
                messages.success(request, f"The link of {link.liaison_name} no longer works")
                return redirect(request.path)
            elif which == "close":
                force_request = get_object_or_404(
                    ForceRequest, pk=id_or_400(request.POST.get("request")), inspection=inspection
                )
                services.force_request_close(request=force_request, actor=actor(request))
                messages.success(request, f"“{force_request.title}” is closed")
                return redirect(request.path)
            else:
                errors = ["Choose what to do"]
        except (ValidationError, WorkflowError) as error:
            errors = refusals(error)
    failed = bool(errors or request_form.errors or link_form.errors)
    return render(
        request,
        "fieldwork/requests.html",
        case_file_context(
            request,
            inspection,
            "requests",
            force_requests=selectors.requests_of(inspection),
            links=inspection.liaison_links.all(),
            request_form=request_form,
            link_form=link_form,
            new_link=new_link,
            errors=errors,
            may_send=permissions.can_change_inspection(request.user, inspection) or permissions.is_editor(request.user),
        ),
        status=HTTPStatus.BAD_REQUEST if failed else HTTPStatus.OK,
    )


@never_cache
def force_requests(request: HttpRequest, token: str) -> HttpResponse:
    """The force liaison's page: the open requests, and a form to answer each with files and a note."""
    link = selectors.liaison_link_by_token(token)
    if link is None or not link.is_open():
        return render(request, "fieldwork/force_requests_closed.html", status=HTTPStatus.GONE)
    inspection = link.inspection
    forms: dict[int, RequestAnswerForm] = {}
    status = HTTPStatus.OK
    if request.method == "POST":
        force_request = get_object_or_404(
            ForceRequest, pk=id_or_400(request.POST.get("request")), inspection=inspection
        )
        form = RequestAnswerForm(
            request.POST, request.FILES, prefix=f"r{force_request.pk}", request_id=force_request.pk
        )
        if form.is_valid():
            try:
                answer = services.request_answer(
                    link=link,
                    request=force_request,
                    note=form.cleaned_data["note"],
                    files=form.cleaned_data["attachments"],
                )
            except (ValidationError, WorkflowError) as error:
                for message in refusals(error):
                    form.add_error("attachments", message)
            else:
                count = answer.files.count()
                messages.success(
                    request,
                    f"Sent to the team for “{force_request.title}”: {count} file{'s' if count != 1 else ''}"
                    + (" and your note" if answer.note else ""),
                )
                return redirect(request.path)
        forms[force_request.pk] = form
        status = HTTPStatus.BAD_REQUEST
    open_requests = list(selectors.requests_of(inspection).filter(closed_at__isnull=True))
    rows = [
        (item, forms.get(item.pk) or RequestAnswerForm(prefix=f"r{item.pk}", request_id=item.pk))
        for item in open_requests
    ]
    return render(
        request,
        "fieldwork/force_requests.html",
        {
            "link": link,
            "inspection": inspection,
            "rows": rows,
            "failed": status != HTTPStatus.OK,
            "max_mb": max_megabytes(),
        },
        status=status,
    )
