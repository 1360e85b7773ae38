"""The plan: phases, the team and its roles, conflicts of interest and their exceptions."""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from accounts import permissions
from accounts.models import User
from fieldwork import selectors
from fieldwork.models import (
    ConflictDeclaration,
    ConflictException,
    Phase,
    TeamRole,
)
from fieldwork.services.common import record_event, require_team
from inspections.models import Inspection
from inspectorate.text import clean_text


def phase_set(
    *, inspection: Inspection, actor: User, kind: str, starts_on: datetime.date, ends_on: datetime.date
) -> Phase:
    require_team(actor, inspection)
    if kind not in Phase.Kind.values:
        raise ValidationError("Select a phase", code="kind")
    if ends_on < starts_on:
        raise ValidationError("The phase must end on or after the day it starts", code="dates")
    with transaction.atomic():
        phase, _ = Phase.objects.update_or_create(
            inspection=inspection, kind=kind, defaults={"starts_on": starts_on, "ends_on": ends_on}
        )
        record_event(
            inspection,
            actor,
            "Plan changed",
            subject=f"{phase.get_kind_display()}: {starts_on:%-d %b %Y} to {ends_on:%-d %b %Y}",
        )
    return phase


def conflict_declare(
    *, person: User, actor: User, force_id: int, kind: str, served_until: datetime.date | None, detail: str
) -> ConflictDeclaration:
    """``person`` declares a link with a force (an administrator may record it for them)."""
    if actor.pk != person.pk and not permissions.is_administrator(actor):
        raise PermissionDenied("People declare their own links; an administrator may record one for them")
    if kind not in ConflictDeclaration.Kind.values:
        raise ValidationError("Select what the link is", code="kind")
    if served_until is not None and served_until > timezone.localdate():
        raise ValidationError("The date service ended must be today or in the past", code="served_until")
    return ConflictDeclaration.objects.create(
        person=person, force_id=force_id, kind=kind, served_until=served_until, detail=clean_text(detail)
    )


def conflict_exception_grant(
    *, declaration: ConflictDeclaration, inspection: Inspection, actor: User, reason: str
) -> ConflictException:
    if not permissions.can_grant_conflict_exception(actor):
        raise PermissionDenied("Only an administrator records an exception to the conflict rule")
    reason = clean_text(reason)
    if not reason:
        raise ValidationError("Enter why the conflict does not keep them off this inspection", code="reason")
    with transaction.atomic():
        exception, _ = ConflictException.objects.update_or_create(
            declaration=declaration, inspection=inspection, defaults={"reason": reason, "granted_by": actor}
        )
        record_event(inspection, actor, "Conflict exception recorded", subject=str(declaration), reason=reason)
    return exception


def team_member_add(*, inspection: Inspection, actor: User, person: User, role: str) -> TeamRole:
    """Put ``person`` on the team in ``role``: refused while a declared conflict keeps them off."""
    if not (permissions.is_administrator(actor) or inspection.lead_inspector_id == actor.pk):
        raise PermissionDenied("The lead inspector and administrators choose the team")
    if role not in TeamRole.Role.values:
        raise ValidationError("Select their role on the team", code="role")
    blocking = selectors.conflicts_blocking(person, inspection)
    if blocking:
        raise ValidationError(
            [
                f"{person} declared: {declaration.get_kind_display().lower()} ({declaration.force}). "
                "An administrator must record an exception before they join this team"
                for declaration in blocking
            ],
            code="conflict",
        )
    with transaction.atomic():
        team_role, _ = TeamRole.objects.update_or_create(inspection=inspection, person=person, defaults={"role": role})
        if role != TeamRole.Role.LEAD:
            inspection.team.add(person)
        record_event(inspection, actor, "Team member added", subject=f"{person}: {team_role.get_role_display()}")
    return team_role


def team_member_remove(*, inspection: Inspection, actor: User, person: User) -> None:
    if not (permissions.is_administrator(actor) or inspection.lead_inspector_id == actor.pk):
        raise PermissionDenied("The lead inspector and administrators choose the team")
    with transaction.atomic():
        TeamRole.objects.filter(inspection=inspection, person=person).delete()
        inspection.team.remove(person)
        record_event(inspection, actor, "Team member removed", subject=str(person))
