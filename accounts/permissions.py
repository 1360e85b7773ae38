"""Who may do what: the one place every view, admin page, service and task asks.

Model permissions (held by the role groups) say what kind of thing a person may touch at all.
The rules here add the object-level part, such as "an inspector changes only the inspections
whose team they are on". Everything is decided on the server, per request.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet

from accounts.roles import Role
from inspections.models import Inspection

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from accounts.models import User

    AnyUser = User | AnonymousUser


def has_role(user: AnyUser, role: Role) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    cache = getattr(user, "_role_names", None)
    if cache is None:
        cache = set(user.groups.values_list("name", flat=True))  # type: ignore[union-attr]
        user._role_names = cache  # type: ignore[union-attr,attr-defined]
    return role.value in cache


def is_administrator(user: AnyUser) -> bool:
    return bool(user.is_authenticated and user.is_active and (user.is_superuser or has_role(user, Role.ADMINISTRATOR)))


def inspections_changeable_by(user: AnyUser) -> QuerySet[Inspection]:
    """The inspections whose record (judgments, findings, outcomes) ``user`` may change.

    Administrators: all. Inspectors and lead inspectors: those whose team they are on or that they
    lead. Everyone else: none.
    """
    inspections = Inspection.objects.all()
    if is_administrator(user):
        return inspections
    if has_role(user, Role.INSPECTOR) or has_role(user, Role.LEAD_INSPECTOR):
        return inspections.filter(Q(team=user) | Q(lead_inspector=user)).distinct()
    return inspections.none()


def can_change_inspection(user: AnyUser, inspection: Inspection) -> bool:
    """Whether ``user`` may change ``inspection``'s record. Same rule as ``inspections_changeable_by``."""
    if is_administrator(user):
        return True
    if not (has_role(user, Role.INSPECTOR) or has_role(user, Role.LEAD_INSPECTOR)):
        return False
    return inspection.lead_inspector_id == user.pk or inspection.has_on_team(user)  # type: ignore[arg-type]
