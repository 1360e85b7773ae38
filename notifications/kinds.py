"""What people are told about, in the inspectorate's words, and who may switch what off.

Each kind is one line of a person's notification settings. The urgent kinds (a PDF that failed, a
go-live running late) reach every editor straight away and cannot be turned off or put in a digest.
"""

from __future__ import annotations

from django.db import models


class Kind(models.TextChoices):
    SUBMITTED = "submitted", "A report is submitted for review"
    CHANGES_REQUESTED = "changes_requested", "Changes are requested to a report"
    APPROVED = "approved", "A report is approved"
    SCHEDULED = "scheduled", "A report is scheduled to go live"
    PUBLISHED = "published", "A report is published"
    SIGN_OFF = "sign_off", "Judgments need your sign-off, or your sign-off has gone stale"
    ASSIGNED = "assigned", "A part of a report is assigned to you"
    COMMENT = "comment", "A comment or reply on a part you wrote or are assigned"
    FACT_CHECK_POINT = "fact_check_point", "The force raises a point in a fact check"
    FACT_CHECK_EXPIRING = "fact_check_expiring", "A fact-check link you issued expires in two working days"
    DEADLINE = "deadline", "A deadline of your inspection is passed"
    PCC_RESPONSE = "pcc_response", "A police and crime commissioner's response is due or overdue"
    REQUEST_ANSWERED = "request_answered", "The force answers a request of your inspection"
    REQUEST_OVERDUE = "request_overdue", "A request to the force is overdue"
    GRADE_MODERATED = "grade_moderated", "Moderation changes a grade of your inspection"
    PDF_FAILED = "pdf_failed", "A PDF failed to render"
    GO_LIVE_LATE = "go_live_late", "A go-live is running late"


#: Sent straight away to every editor, whatever their settings say.
URGENT = frozenset({Kind.PDF_FAILED, Kind.GO_LIVE_LATE})


class Delivery(models.TextChoices):
    IMMEDIATE = "immediate", "By email straight away"
    DIGEST = "digest", "In one email a day"
    OFF = "off", "Not by email (in the workspace only)"


def is_urgent(kind: str) -> bool:
    return kind in URGENT


def choosable_kinds() -> list[Kind]:
    """The kinds a person may choose how to hear of, in the order of the settings page."""
    return [kind for kind in Kind if kind not in URGENT]
