"""Who may do what: the one place every view, admin page, service and task asks.

Model permissions (held by the role groups) say what kind of thing a person may touch at all.
The rules here add the object-level part, such as "an inspector changes only the inspections
whose team they are on". Everything is decided on the server, per request.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db.models import Q, QuerySet

from accounts.roles import Role
from inspections.models import Inspection

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from accounts.models import User
    from reports.models import Report

    AnyUser = User | AnonymousUser


def has_role(user: AnyUser, role: Role) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    cache = getattr(user, "_role_names", None)
    if cache is None:
        cache = set(user.groups.values_list("name", flat=True))
        user._role_names = cache  # type: ignore[attr-defined]
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


# --- Reports ----------------------------------------------------------------------------------
# The report rules are about people, not states: whether the report's state allows the act is the
# workflow's business (reports.services), checked there under a row lock.


def can_view_workspace(user: AnyUser) -> bool:
    return bool(
        user.is_authenticated
        and user.is_active
        and (
            is_administrator(user)
            or has_role(user, Role.INSPECTOR)
            or has_role(user, Role.LEAD_INSPECTOR)
            or has_role(user, Role.EDITOR)
            or has_role(user, Role.TRANSLATOR)
        )
    )


def is_editor(user: AnyUser) -> bool:
    return has_role(user, Role.EDITOR)


def is_translator(user: AnyUser) -> bool:
    return has_role(user, Role.TRANSLATOR)


def can_translate_report(user: AnyUser, report: Report) -> bool:
    """Translators write the Welsh of the Welsh forces' reports; editors may correct it, as they may the
    English."""
    return bool(
        (is_translator(user) or is_editor(user) or is_administrator(user))
        and report.inspection.force.country == "Wales"
    )


def sees_every_draft(user: AnyUser) -> bool:
    """Editors, lead inspectors and administrators read every report in the workspace; other
    inspectors too where ``INSPECTORS_READ_ALL_DRAFTS`` is on (it is off unless set)."""
    if not can_view_workspace(user):
        return False
    return (
        is_administrator(user)
        or is_editor(user)
        or has_role(user, Role.LEAD_INSPECTOR)
        or settings.INSPECTORS_READ_ALL_DRAFTS
    )


def reports_visible_to(user: AnyUser) -> Q:
    """The reports ``user`` may read in the workspace, as a filter: every one for those who see every
    draft; otherwise those of the inspections they are on or lead, and any published or withdrawn."""
    if not can_view_workspace(user):
        return Q(pk__in=[])
    if sees_every_draft(user):
        return Q()
    visible = Q(state__in=("published", "withdrawn")) | Q(inspection__team=user) | Q(inspection__lead_inspector=user)
    if is_translator(user):
        visible |= Q(inspection__force__country="Wales")
    return visible


def can_view_report(user: AnyUser, report: Report) -> bool:
    """Whether ``user`` may read ``report`` in the workspace (``reports_visible_to``, for one report)."""
    if not can_view_workspace(user):
        return False
    if sees_every_draft(user) or report.state in ("published", "withdrawn"):
        return True
    if is_translator(user) and report.inspection.force.country == "Wales":
        return True
    return report.inspection.lead_inspector_id == user.pk or report.inspection.has_on_team(user)  # type: ignore[arg-type]


def can_edit_report(user: AnyUser, report: Report) -> bool:
    """The inspection's team and lead write the report; editors may correct it in review."""
    return can_change_inspection(user, report.inspection) or is_editor(user)


def can_submit_report(user: AnyUser, report: Report) -> bool:
    return can_change_inspection(user, report.inspection)


def can_review_report(user: AnyUser, report: Report) -> bool:
    """Editors review (comment, request changes, approve) any report."""
    return is_editor(user)


def can_approve_report(user: AnyUser, report: Report, authors: set[int]) -> bool:
    """An editor who wrote none of the revision being approved (the two-person rule)."""
    return is_editor(user) and user.pk not in authors


def can_sign_off_judgments(user: AnyUser, report: Report) -> bool:
    return bool(user.is_authenticated and report.inspection.lead_inspector_id == user.pk and user.is_active)


def can_comment_on_report(user: AnyUser, report: Report) -> bool:
    return is_editor(user) or can_change_inspection(user, report.inspection)


def can_issue_fact_check(user: AnyUser, report: Report) -> bool:
    return is_editor(user) or can_sign_off_judgments(user, report)


def can_settle_fact_check(user: AnyUser, report: Report) -> bool:
    """Inspectors on the team (and the lead) accept or reject the force's points."""
    return can_change_inspection(user, report.inspection)


# --- The audit trail --------------------------------------------------------------------------
# The trail names who did what and quotes what was changed, so it is narrower than the workspace:
# an inspector reads the trail of their own inspections only.


def can_view_trail(user: AnyUser, inspection: Inspection) -> bool:
    """The trail of ``inspection`` (and of its report): administrators, editors, and the inspection's
    team and lead inspector, while they hold a workspace role."""
    if not can_view_workspace(user):
        return False
    if is_administrator(user) or is_editor(user):
        return True
    return inspection.lead_inspector_id == user.pk or inspection.has_on_team(user)  # type: ignore[arg-type]


def can_view_all_trails(user: AnyUser) -> bool:
    """The trail across every inspection: administrators only."""
    return is_administrator(user)


def can_change_deadlines(user: AnyUser, inspection: Inspection) -> bool:
    """An inspection's own dates: its lead inspector, editors and administrators."""
    if not can_view_workspace(user):
        return False
    return is_administrator(user) or is_editor(user) or inspection.lead_inspector_id == user.pk


def can_assign_parts(user: AnyUser, report: Report) -> bool:
    """The lead inspector shares out the writing; administrators may too."""
    return is_administrator(user) or can_sign_off_judgments(user, report)


# --- Fieldwork -------------------------------------------------------------------------------------
# The case file behind the judgments follows the record's rule: the team (and its lead, and
# administrators) change it; editors and lead inspectors read it too. It is never public.


def can_read_fieldwork(user: AnyUser, inspection: Inspection) -> bool:
    return bool(can_change_inspection(user, inspection) or is_editor(user) or has_role(user, Role.LEAD_INSPECTOR))


def can_moderate(user: AnyUser) -> bool:
    """The national moderation panel: lead inspectors and editors."""
    return bool(has_role(user, Role.LEAD_INSPECTOR) or is_editor(user))


def can_grant_conflict_exception(user: AnyUser) -> bool:
    return is_administrator(user)
