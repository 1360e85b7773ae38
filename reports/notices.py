"""What the report's people are told, and when: the one place that turns a step of the workflow into
notifications (``notifications.services.notify``). Each function is called by the service that took
the step, inside its transaction, and names the step by its audit event so that it is told once."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils import timezone

from notifications import recipients
from notifications.kinds import Kind
from notifications.services import notify
from reports.selectors import part_author, part_title

if TYPE_CHECKING:
    from accounts.models import User
    from notifications.models import Notification
    from reports.models import FactCheck, FactCheckPoint, Report, ReportEvent, ReviewComment


def report_path(report: Report, name: str = "reports:report") -> str:
    return reverse(name, kwargs={"pk": report.pk})


def tell(
    report: Report,
    kind: Kind,
    *,
    to: Iterable[User | None],
    subject: str,
    key: str,
    actor: User | None = None,
    body: str = "",
    link: str = "",
) -> list[Notification]:
    return notify(
        kind=kind,
        recipients=to,
        subject=subject,
        key=key,
        body=body,
        link=link or report_path(report),
        inspection=report.inspection,
        actor=actor,
    )


def team(report: Report) -> list[User]:
    return recipients.inspection_people(report.inspection)


def submitted(report: Report, event: ReportEvent, actor: User) -> None:
    """To the programme's editors and the lead; and to the lead, if the judgments wait for them."""
    inspection = report.inspection
    tell(
        report,
        Kind.SUBMITTED,
        to=[*recipients.programme_editors(inspection.programme), *recipients.lead(inspection)],
        subject=f"{report.title} is submitted for review",
        body=f"Submitted by {actor}.",
        key=f"event:{event.pk}",
        actor=actor,
        link=report_path(report, "reports:review"),
    )
    if not report.sign_off_is_current:
        sign_off_needed(report, key=f"sign-off:{event.pk}")


def sign_off_needed(
    report: Report, *, key: str, stale: bool = False, actor: User | None = None, asked_by: User | None = None
) -> None:
    if stale:
        subject = f"Your sign-off of the judgments of {report.title} has gone stale: the record changed since"
    elif asked_by is not None:
        subject = f"{asked_by} asks you to sign off the judgments of {report.title}"
    else:
        subject = f"Sign off the judgments of {report.title}"
    tell(
        report,
        Kind.SIGN_OFF,
        to=recipients.lead(report.inspection),
        subject=subject,
        key=key,
        actor=actor,
        link=report_path(report, "reports:judgments"),
    )


def changes_requested(report: Report, event: ReportEvent, actor: User, reason: str) -> None:
    tell(
        report,
        Kind.CHANGES_REQUESTED,
        to=team(report),
        subject=f"Changes are requested to {report.title}",
        body=f"{actor} asks: {reason}",
        key=f"event:{event.pk}",
        actor=actor,
    )


def approved(report: Report, event: ReportEvent, actor: User) -> None:
    tell(
        report,
        Kind.APPROVED,
        to=team(report),
        subject=f"{report.title} is approved",
        body=f"Approved by {actor}.",
        key=f"event:{event.pk}",
        actor=actor,
    )


def scheduled(report: Report, event: ReportEvent, actor: User, go_live_at: datetime.datetime) -> None:
    tell(
        report,
        Kind.SCHEDULED,
        to=team(report),
        subject=f"{report.title} goes live at {timezone.localtime(go_live_at):%H:%M on %-d %B %Y}",
        key=f"event:{event.pk}",
        actor=actor,
        link=report_path(report, "publishing:publication"),
    )


def published(report: Report, event: ReportEvent) -> None:
    tell(
        report,
        Kind.PUBLISHED,
        to=team(report),
        subject=f"{report.title} is published",
        key=f"event:{event.pk}",
        link=reverse("public:report", kwargs={"slug": report.slug}),
    )


def commented(comment: ReviewComment, actor: User) -> None:
    """To the part's author and its assignee, and, for a reply, to everyone in the thread."""
    report = comment.report
    people: list[User | None] = []
    if comment.part:
        people += [part_author(report, comment.part), report_part_assignee(report, comment.part)]
    thread = comment.reply_to
    if thread is not None:
        people += [thread.author, *(reply.author for reply in thread.replies.select_related("author"))]
    where = f"“{part_title(report, comment.part)}”" if comment.part else "the whole report"
    tell(
        report,
        Kind.COMMENT,
        to=people,
        subject=f"{actor} {'replied to a comment' if thread else 'commented'} on {where} of {report.title}",
        body=comment.body[:500],
        key=f"comment:{comment.pk}",
        actor=actor,
        link=f"{report_path(report, 'reports:review')}#comment-{(thread or comment).pk}",
    )


def report_part_assignee(report: Report, part: str) -> User | None:
    assignment = report.part_assignments.filter(part=part).select_related("assignee").first()
    return assignment.assignee if assignment else None


def fact_check_point_raised(point: FactCheckPoint) -> None:
    report = point.fact_check.report
    tell(
        report,
        Kind.FACT_CHECK_POINT,
        to=team(report),
        subject=f"{report.inspection.force_name} raised a point in the fact check of {report.title}",
        body=point.text[:500],
        key=f"fact-check-point:{point.pk}",
        link=f"{report_path(report, 'reports:fact_checks')}#point-{point.pk}",
    )


def fact_check_expiring(fact_check: FactCheck) -> list[Notification]:
    report = fact_check.report
    return tell(
        report,
        Kind.FACT_CHECK_EXPIRING,
        to=[fact_check.issued_by],
        subject=(
            f"The fact-check link for {report.title} expires on "
            f"{timezone.localtime(fact_check.expires_at):%-d %B at %H:%M}"
        ),
        body=f"Issued to {fact_check.liaison_name}. Extend the check by issuing a new link if the force needs longer.",
        key=f"fact-check-expiring:{fact_check.pk}",
        link=report_path(report, "reports:fact_checks"),
    )


def part_assigned(report: Report, event: ReportEvent, key: str, title: str, person: User, actor: User) -> None:
    tell(
        report,
        Kind.ASSIGNED,
        to=[person],
        subject=f"{actor} asks you to write “{title}” of {report.title}",
        key=f"event:{event.pk}",
        actor=actor,
        link=reverse("reports:part", kwargs={"pk": report.pk, "key": key}),
    )
