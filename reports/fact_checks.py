"""The factual accuracy check: a link that lets the force's liaison check one revision without an
account (random, only its hash kept, expiring, revocable), the points they raise, and the team's
decision on each. Each function is one transaction and leaves an audit event; errors as in
``reports.services``."""

from __future__ import annotations

import datetime
import hashlib
import secrets
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from accounts import permissions
from inspections.working_days import add_working_days as working_day_after
from reports import notices
from reports.audit import report_event
from reports.errors import WorkflowError
from reports.models import (
    FactCheck,
    FactCheckPoint,
    Report,
    ReportState,
)
from reports.selectors import (
    report_part_keys,
)

if TYPE_CHECKING:
    from accounts.models import User
from inspectorate.text import clean_text
from reports.services import report_lock

FACT_CHECK_WORKING_DAYS = 10


def add_working_days(start: datetime.datetime, days: int) -> datetime.datetime:
    """``days`` working days after ``start``, at the same time of day: weekends and the bank holidays
    of England and Wales are not counted (``inspections.working_days``). Days are counted in UK time,
    so a link issued at 00:30 on a Monday in summer counts from Monday, not from Sunday in UTC."""
    local = timezone.localtime(start)
    end = working_day_after(local.date(), days)
    return start + datetime.timedelta(days=(end - local.date()).days)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def fact_check_issue(
    *, report: Report, actor: User, liaison_name: str, liaison_email: str, working_days: int = FACT_CHECK_WORKING_DAYS
) -> tuple[FactCheck, str]:
    """Issue a link for the force's liaison to check the latest revision. Returns the record and the
    secret token for the link (shown once; only its hash is kept)."""
    if not permissions.can_issue_fact_check(actor, report):
        raise PermissionDenied("Only editors and the lead inspector issue fact-check links")
    if not 1 <= working_days <= 30:
        raise ValidationError("The link must last between 1 and 30 working days", code="days")
    with transaction.atomic():
        report = report_lock(report)
        revision = report.latest_revision()
        if revision is None:
            raise WorkflowError("Write the report before asking the force to check it")
        if not report.is_editable:
            raise WorkflowError(f"The report is {report.get_state_display().lower()}: it is past fact checking")
        token = secrets.token_urlsafe(32)
        check = FactCheck.objects.create(
            report=report,
            revision=revision,
            token_hash=hash_token(token),
            liaison_name=clean_text(liaison_name),
            liaison_email=liaison_email,
            issued_by=actor,
            expires_at=add_working_days(timezone.now(), working_days),
        )
        report_event(
            report, actor, "Fact-check link issued", report.state, revision=revision, reason=f"To {check.liaison_name}"
        )
    return check, token


def fact_check_revoke(*, fact_check: FactCheck, actor: User) -> FactCheck:
    if not permissions.can_issue_fact_check(actor, fact_check.report):
        raise PermissionDenied("Only editors and the lead inspector revoke fact-check links")
    with transaction.atomic():
        updated = FactCheck.objects.filter(pk=fact_check.pk, revoked_at__isnull=True).update(
            revoked_at=timezone.now(), revoked_by=actor
        )
        if updated:
            report_event(
                fact_check.report,
                actor,
                "Fact-check link revoked",
                fact_check.report.state,
                revision=fact_check.revision,
            )
    fact_check.refresh_from_db()
    return fact_check


def fact_checks_revoke_all(*, report: Report, actor: User, why: str) -> int:
    """Revoke every open link of ``report`` (the caller holds its row lock and has checked who may),
    audited once with ``why``: a withdrawn report's draft must not stay readable through them."""
    now = timezone.now()
    revoked = FactCheck.objects.filter(report=report, revoked_at__isnull=True, expires_at__gt=now).update(
        revoked_at=now, revoked_by=actor
    )
    if revoked:
        report_event(
            report, actor, "Fact-check links revoked", reason=f"{why} ({revoked} link{'s' if revoked != 1 else ''})"
        )
    return revoked


def fact_check_for_token(token: str) -> FactCheck | None:
    """The open fact check a link's token opens, or ``None`` (unknown, expired or revoked)."""
    check = (
        FactCheck.objects.select_related("report__inspection__force", "report__inspection__programme", "revision")
        .filter(token_hash=hash_token(token))
        .first()
    )
    if check is None or not check.is_open() or check.report.state == ReportState.WITHDRAWN:
        return None
    return check


def fact_check_point_raise(*, fact_check: FactCheck, part: str, text: str) -> FactCheckPoint:
    """The liaison raises a point (no account: the open link is the authority)."""
    if not fact_check.is_open():
        raise PermissionDenied("This link has expired or been revoked")
    text = clean_text(text)
    if not text:
        raise ValidationError("Enter the point you want to raise", code="required")
    if len(text) > 10_000:
        raise ValidationError("The point must be 10,000 characters or fewer", code="too_long")
    if part and part not in report_part_keys(fact_check.report):
        raise ValidationError("Select a part of the report", code="unknown_part")
    with transaction.atomic():
        point = FactCheckPoint.objects.create(fact_check=fact_check, part=part, text=text)
        report_event(
            fact_check.report,
            None,
            "Fact-check point raised",
            fact_check=fact_check,
            revision=fact_check.revision,
            reason=text[:500],
        )
        notices.fact_check_point_raised(point)
    return point


def fact_check_point_decide(*, point: FactCheckPoint, actor: User, decision: str, reason: str) -> FactCheckPoint:
    """An inspector accepts or rejects a liaison's point, giving a reason either way."""
    report = point.fact_check.report
    if not permissions.can_settle_fact_check(actor, report):
        raise PermissionDenied("Only the inspection's team settles fact-check points")
    if decision not in FactCheckPoint.Decision.values:
        raise ValidationError("Select accept or reject", code="decision")
    reason = clean_text(reason)
    if not reason:
        raise ValidationError("Enter the reason for your decision", code="reason_required")
    with transaction.atomic():
        point = FactCheckPoint.objects.select_for_update().get(pk=point.pk)
        point.decision = decision
        point.reason = reason
        point.decided_by = actor
        point.decided_at = timezone.now()
        point.save(update_fields=["decision", "reason", "decided_by", "decided_at"])
        report_event(
            report, actor, f"Fact-check point {point.get_decision_display().lower()}", report.state, reason=reason
        )
    return point
