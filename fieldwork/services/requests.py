"""Requests to the force, the liaison's link, the liaison's answers, and reminders of overdue requests."""

from __future__ import annotations

import datetime
import secrets
from collections.abc import Sequence

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from accounts import permissions
from accounts.models import User
from fieldwork import selectors
from fieldwork.models import (
    ForceRequest,
    LiaisonLink,
    RequestAnswer,
    RequestFile,
)
from fieldwork.services.common import files_checked, record_event, require_team
from inspections.models import Inspection
from inspectorate.text import clean_text
from notifications.kinds import Kind
from notifications.services import notify
from reports.errors import WorkflowError
from reports.fact_checks import add_working_days, hash_token

LIAISON_LINK_WORKING_DAYS = 20


def force_request_add(
    *, inspection: Inspection, actor: User, title: str, detail: str, due_on: datetime.date
) -> ForceRequest:
    require_team(actor, inspection)
    title = clean_text(title)
    if not title:
        raise ValidationError("Enter what the team asks for", code="title")
    if due_on < timezone.localdate():
        raise ValidationError("The due date must be today or in the future", code="due_on")
    with transaction.atomic():
        request = ForceRequest.objects.create(
            inspection=inspection, title=title, detail=clean_text(detail), due_on=due_on, created_by=actor
        )
        record_event(inspection, actor, "Request to the force added", subject=title, reason=f"Due {due_on:%-d %B %Y}")
    return request


def force_request_close(*, request: ForceRequest, actor: User) -> ForceRequest:
    require_team(actor, request.inspection)
    with transaction.atomic():
        request = ForceRequest.objects.select_for_update().get(pk=request.pk)
        if request.closed_at is None:
            request.closed_at = timezone.now()
            request.save(update_fields=["closed_at"])
            record_event(request.inspection, actor, "Request to the force closed", subject=request.title)
    return request


def liaison_link_issue(
    *,
    inspection: Inspection,
    actor: User,
    liaison_name: str,
    liaison_email: str,
    working_days: int = LIAISON_LINK_WORKING_DAYS,
) -> tuple[LiaisonLink, str]:
    """A link for the force's liaison to answer this inspection's requests. Returns the record and the
    secret token for the link (shown once; only its hash is kept)."""
    if not (permissions.can_change_inspection(actor, inspection) or permissions.is_editor(actor)):
        raise PermissionDenied("The team and editors send the force its requests link")
    if not 1 <= working_days <= 60:
        raise ValidationError("The link must last between 1 and 60 working days", code="days")
    name = clean_text(liaison_name)
    if not name:
        raise ValidationError("Enter the liaison's name", code="liaison_name")
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        link = LiaisonLink.objects.create(
            inspection=inspection,
            token_hash=hash_token(token),
            liaison_name=name,
            liaison_email=liaison_email,
            issued_by=actor,
            expires_at=add_working_days(timezone.now(), working_days),
        )
        record_event(inspection, actor, "Requests link issued", reason=f"To {name}")
    return link, token


def liaison_link_revoke(*, link: LiaisonLink, actor: User) -> None:
    if not (permissions.can_change_inspection(actor, link.inspection) or permissions.is_editor(actor)):
        raise PermissionDenied("The team and editors revoke the force's requests link")
    with transaction.atomic():
        if LiaisonLink.objects.filter(pk=link.pk, revoked_at__isnull=True).update(
            revoked_at=timezone.now(), revoked_by=actor
        ):
            record_event(link.inspection, actor, "Requests link revoked", reason=f"Of {link.liaison_name}")


def request_answer(*, link: LiaisonLink, request: ForceRequest, note: str, files: Sequence[object]) -> RequestAnswer:
    """The liaison answers ``request`` through ``link``: a note, files, or both. Every file is checked
    before anything is kept; the team is told."""
    note = clean_text(note)
    checked = files_checked(files)
    if not note and not checked:
        raise ValidationError("Add a file or a note", code="empty")
    with transaction.atomic():
        link = LiaisonLink.objects.select_for_update().get(pk=link.pk)
        if not link.is_open():
            raise WorkflowError("This link has expired or been withdrawn: ask the inspection team for a new one")
        request = ForceRequest.objects.select_for_update().get(pk=request.pk)
        if request.inspection_id != link.inspection_id:
            raise PermissionDenied("This request is not for this link's inspection")
        if request.closed_at is not None:
            raise WorkflowError("The team has closed this request: it needs nothing more")
        answer = RequestAnswer.objects.create(request=request, link=link, note=note)
        for item in checked:
            stored = RequestFile(
                answer=answer, name=item.name, content_type=item.content_type, size=item.size, sha256=item.sha256
            )
            stored.file.save(item.name, item.upload, save=False)
            stored.save()
        if request.answered_at is None:
            request.answered_at = answer.answered_at
            request.save(update_fields=["answered_at"])
        inspection = request.inspection
        by = f"{link.liaison_name} (the force's liaison, requests link)"
        count = len(checked)
        record_event(
            inspection,
            None,
            "Request answered by the force",
            subject=request.title,
            reason=f"{count} file{'s' if count != 1 else ''}" + (" and a note" if note else ""),
            by_name=by,
        )
        notify(
            kind=Kind.REQUEST_ANSWERED,
            recipients=[inspection.lead_inspector, *inspection.team.all()],
            subject=f"{inspection.force.name} answered “{request.title}”",
            key=f"request-answer:{answer.pk}",
            link=f"/workspace/inspections/{inspection.pk}/requests/",
            inspection=inspection,
        )
    return answer


def requests_overdue_remind(today: datetime.date | None = None) -> int:
    """Tell each team once about each request that passed its due date unanswered. Returns how many
    requests were told about (run by the reminder sweep)."""
    today = today or timezone.localdate()
    told = 0
    for request in selectors.requests_overdue(today):
        inspection = request.inspection
        with transaction.atomic():
            made = notify(
                kind=Kind.REQUEST_OVERDUE,
                recipients=[inspection.lead_inspector, *inspection.team.all()],
                subject=f"{inspection.force.name} has not answered “{request.title}”, due {request.due_on:%-d %B}",
                key=f"request-overdue:{request.pk}",
                link=f"/workspace/inspections/{inspection.pk}/requests/",
                inspection=inspection,
            )
        told += bool(made)
    return told
