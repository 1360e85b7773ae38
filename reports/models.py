"""Reports: one per inspection, its immutable revisions, its workflow, review and fact check.

A report's text lives only in its revisions: every save makes a new ``Revision`` and nothing is ever
overwritten, so any two can be compared and an old one restored. ``Report.version`` is the number of
the latest revision; a save names the revision it was based on and succeeds only if that is still the
latest (compare-and-set), so two people never silently overwrite each other.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django_fsm import FSMField, transition

from inspections.models import Inspection, Question
from inspectorate.fields import PlainCharField, PlainTextField


class ReportState(models.TextChoices):
    DRAFT = "draft", "Draft"
    IN_REVIEW = "in_review", "In review"
    CHANGES_REQUESTED = "changes_requested", "Changes requested"
    APPROVED = "approved", "Approved"
    SCHEDULED = "scheduled", "Scheduled"
    PUBLISHED = "published", "Published"
    WITHDRAWN = "withdrawn", "Withdrawn"


#: States in which the report's text may change. A scheduled report is frozen until it is unscheduled;
#: a published one may be edited, but the public sees only what a new edition (a correction) publishes.
EDITABLE_STATES = (
    ReportState.DRAFT,
    ReportState.IN_REVIEW,
    ReportState.CHANGES_REQUESTED,
    ReportState.APPROVED,
    ReportState.PUBLISHED,
)

#: How long a force's Police and Crime Commissioner has to publish a response (Police Act 1996 s55).
PCC_RESPONSE_DAYS = 56

#: The parts of a report besides its sections, in the order a reader meets them.
FIXED_PARTS: dict[str, str] = {
    "summary": "Summary",
    "key_findings": "Key findings",
    "lead_quote": "The lead inspector's quote",
}


class Report(models.Model):
    """The report of one inspection."""

    inspection = models.OneToOneField(Inspection, on_delete=models.PROTECT, related_name="report")
    slug = models.SlugField(max_length=250, unique=True)
    # Changed only by the transition functions of ``reports.services``: never assigned directly.
    state = FSMField(
        max_length=30, choices=ReportState.choices, default=ReportState.DRAFT, protected=False, db_index=True
    )
    version = models.PositiveIntegerField(default=0, help_text="The number of the latest revision.")
    approved_revision = models.ForeignKey("Revision", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    judgments_signed_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    judgments_signed_off_at = models.DateTimeField(null=True, blank=True)
    record_version = models.PositiveIntegerField(
        default=0,
        help_text="How many changes the inspection's record (judgments, findings, outcomes) has had since the report began.",
    )
    signed_off_record_version = models.PositiveIntegerField(
        null=True, blank=True, help_text="The record version the lead inspector signed off; stale once it moves on."
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now)

    # --- Publication (see publishing.services) ---
    go_live_at = models.DateTimeField(
        null=True, blank=True, db_index=True, help_text="The embargo: when a scheduled report goes live."
    )
    publication_requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="The editor who last scheduled it, published it now or asked for a correction: the go-live's actor.",
    )
    first_published_at = models.DateTimeField(null=True, blank=True, db_index=True)
    last_updated_at = models.DateTimeField(
        null=True, blank=True, help_text="When the latest correction went live (the public 'updated' date)."
    )
    publish_problem = models.TextField(
        blank=True, help_text="Why a due publication has not happened yet, for editors; empty when all is well."
    )
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawal_reason = PlainTextField(blank=True)
    pcc_response_url = models.URLField(blank=True, help_text="The Police and Crime Commissioner's response.")
    pcc_response_file = models.FileField(upload_to="pcc-responses/", blank=True)
    pcc_response_recorded_at = models.DateTimeField(null=True, blank=True)
    search_text = models.TextField(
        blank=True, editable=False, help_text="The live edition's text, for search (see reports.search)."
    )
    search_text_cy = models.TextField(
        blank=True, editable=False, help_text="The live edition's Welsh, for search (see reports.search)."
    )
    slug_cy = models.SlugField(
        max_length=250,
        unique=True,
        null=True,
        blank=True,
        help_text="The Welsh page's address, for a Welsh force's report: set when its first edition is frozen.",
    )
    draft_text = models.TextField(
        blank=True, editable=False, help_text="The latest revision's text, for the workspace's search."
    )

    class Meta:
        ordering = ("-inspection__programme__year", "inspection__force__name")

    def __str__(self) -> str:
        return self.title

    @property
    def title(self) -> str:
        return f"{self.inspection.programme.name}: {self.inspection.force_name}"

    @property
    def title_cy(self) -> str:
        """The Welsh title, from the programme's and the force's Welsh names ("" while either has none)."""
        programme, force = self.inspection.programme, self.inspection.force
        if not (programme.name_cy and force.name_cy):
            return ""
        return f"{programme.name_cy}: {force.name_cy}"

    def latest_revision(self) -> Revision | None:
        return self.revisions.order_by("-number").first()

    # --- The workflow. Each transition only moves the state; reports.services checks who may make
    # it, locks the row, records the event and does the rest, in one transaction.

    @transition(field=state, source=[ReportState.DRAFT, ReportState.CHANGES_REQUESTED], target=ReportState.IN_REVIEW)
    def submit_for_review(self) -> None:
        """The team hands the report to the editors."""

    @transition(field=state, source=ReportState.IN_REVIEW, target=ReportState.CHANGES_REQUESTED)
    def request_changes(self) -> None:
        """An editor sends the report back to the team."""

    @transition(field=state, source=ReportState.IN_REVIEW, target=ReportState.APPROVED)
    def approve(self) -> None:
        """An editor who wrote none of it approves one revision."""

    @transition(field=state, source=ReportState.APPROVED, target=ReportState.IN_REVIEW)
    def reopen_for_review(self) -> None:
        """An edit after approval: the approval no longer holds."""

    @transition(field=state, source=ReportState.APPROVED, target=ReportState.SCHEDULED)
    def schedule(self) -> None:
        """An editor sets the go-live moment of the approved revision."""

    @transition(field=state, source=ReportState.SCHEDULED, target=ReportState.APPROVED)
    def unschedule(self) -> None:
        """An editor takes a scheduled report off the schedule."""

    @transition(field=state, source=ReportState.SCHEDULED, target=ReportState.PUBLISHED)
    def publish(self) -> None:
        """The go-live moment has come and the edition is ready: the public can see it."""

    @transition(field=state, source=ReportState.PUBLISHED, target=ReportState.WITHDRAWN)
    def withdraw(self) -> None:
        """An editor withdraws a published report, giving a reason the public sees."""

    @property
    def is_editable(self) -> bool:
        return self.state in EDITABLE_STATES

    @property
    def sign_off_is_current(self) -> bool:
        """Signed off, and the record has not changed since."""
        return self.judgments_signed_off_at is not None and self.signed_off_record_version == self.record_version

    @property
    def pcc_response_due(self) -> datetime.date | None:
        if self.first_published_at is None:
            return None
        return timezone.localdate(self.first_published_at) + datetime.timedelta(days=PCC_RESPONSE_DAYS)


class Section(models.Model):
    """The part of a report that answers one question of the programme."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="sections")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="report_sections")

    class Meta:
        ordering = ("report", "question__number")
        constraints = [models.UniqueConstraint(fields=("report", "question"), name="section_one_per_question")]

    def __str__(self) -> str:
        return self.question.short_title

    @property
    def key(self) -> str:
        """How a revision's content names this section's text."""
        return f"section-{self.question.number}"


class Revision(models.Model):
    """One saved state of a report's whole text. Never changed once written.

    ``content`` maps each part's key ("summary", "key_findings", "lead_quote", "section-<n>") to its
    Markdown source.
    """

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField()
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    based_on = models.PositiveIntegerField(null=True, blank=True, help_text="The revision the author started from.")
    changed_parts = models.JSONField(default=list, help_text="Keys of the parts this revision changed.")
    note = PlainCharField(max_length=200, blank=True)
    content = models.JSONField(default=dict)

    class Meta:
        ordering = ("report", "-number")
        constraints = [models.UniqueConstraint(fields=("report", "number"), name="revision_number_once_per_report")]

    def __str__(self) -> str:
        return f"Revision {self.number} of {self.report}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise ValueError("A revision is never changed: make a new one")
        super().save(*args, **kwargs)

    def part(self, key: str) -> str:
        return str(self.content.get(key, ""))


class ReportEvent(models.Model):
    """The audit trail: one row per state change and per change to a report or its inspection's record.

    Append-only: the database refuses to update a row, or to delete one while its inspection exists
    (migration 0006). Written only through ``reports.audit.event_record``. ``actor`` is the person who
    acted; a point raised through a fact-check link has no account behind it, so ``fact_check`` names
    the link (and so its liaison) instead. ``changes`` maps each changed field to ``[before, after]``.
    """

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="events")
    report = models.ForeignKey(Report, on_delete=models.CASCADE, null=True, blank=True, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    fact_check = models.ForeignKey(
        "FactCheck", on_delete=models.PROTECT, null=True, blank=True, related_name="+", help_text="For a liaison's act."
    )
    by_name = PlainCharField(
        max_length=300, blank=True, help_text="Who acted without an account, e.g. a liaison through a requests link."
    )
    action = models.CharField(max_length=100)
    from_state = models.CharField(max_length=30, choices=ReportState.choices, blank=True)
    to_state = models.CharField(max_length=30, choices=ReportState.choices, blank=True)
    revision = models.ForeignKey(Revision, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    edition_number = models.PositiveIntegerField(null=True, blank=True)
    subject = PlainCharField(max_length=300, blank=True, help_text="The record changed, e.g. a judgment or finding.")
    changes = models.JSONField(default=dict, blank=True, help_text="Each changed field: [before, after].")
    record_change = models.BooleanField(
        default=False, help_text="A change to the inspection's record (judgments, findings, outcomes)."
    )
    reason = PlainTextField(blank=True)
    at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ("-at", "-pk")
        verbose_name = "audit event"

    def __str__(self) -> str:
        return f"{self.action} by {self.actor_name}"

    @property
    def actor_name(self) -> str:
        if self.actor_id is not None:
            return str(self.actor)
        if self.fact_check_id is not None:
            return f"{self.fact_check.liaison_name} (the force's liaison, fact-check link)"  # type: ignore[union-attr]
        if self.by_name:
            return self.by_name
        return "the system"


class ReviewComment(models.Model):
    """A review comment on a section (or on the report as a whole), with replies."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="comments")
    part = models.CharField(max_length=30, blank=True, help_text="The part commented on; empty for the whole report.")
    revision = models.ForeignKey(Revision, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    body = PlainTextField()
    reply_to = models.ForeignKey("self", on_delete=models.CASCADE, null=True, blank=True, related_name="replies")
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("report", "created_at", "pk")
        constraints = [
            models.CheckConstraint(
                name="review_comment_only_threads_resolve",
                condition=Q(reply_to__isnull=True) | Q(resolved_at__isnull=True),
            )
        ]

    def __str__(self) -> str:
        return f"Comment by {self.author} on {self.part or 'the report'}"

    @property
    def is_resolved(self) -> bool:
        return self.resolved_at is not None


class PartAssignment(models.Model):
    """The team member the lead asks to write one part. Anyone on the team may still edit it."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="part_assignments")
    part = models.CharField(max_length=30)
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="part_assignments")
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    assigned_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("report", "part")
        constraints = [
            models.UniqueConstraint(fields=("report", "part"), name="part_assignment_one_per_part"),
        ]

    def __str__(self) -> str:
        return f"{self.part} of {self.report}: {self.assignee}"


class ReviewMark(models.Model):
    """The latest revision a reviewer reviewed, so that they can see what changed since."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="review_marks")
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    revision = models.ForeignKey(Revision, on_delete=models.CASCADE, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=("report", "reviewer"), name="review_mark_once_per_reviewer")]

    def __str__(self) -> str:
        return f"{self.reviewer} reviewed {self.report} up to revision {self.revision.number}"


class FactCheck(models.Model):
    """A link that lets the force's liaison check one revision for factual accuracy, without an account.

    The link carries a random token; only its SHA-256 is stored. It expires and can be revoked.
    """

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="fact_checks")
    revision = models.ForeignKey(Revision, on_delete=models.PROTECT, related_name="+")
    token_hash = models.CharField(max_length=64, unique=True)
    liaison_name = PlainCharField(max_length=200)
    liaison_email = models.EmailField()
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    issued_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ("report", "-issued_at")

    def __str__(self) -> str:
        return f"Fact check of {self.report} by {self.liaison_name}"

    def is_open(self, now: Any = None) -> bool:
        now = now or timezone.now()
        return self.revoked_at is None and now < self.expires_at


class FactCheckPoint(models.Model):
    """A point the force's liaison raised, and what the inspectors decided about it."""

    class Decision(models.TextChoices):
        ACCEPTED = "accepted", "Accepted"
        REJECTED = "rejected", "Rejected"

    fact_check = models.ForeignKey(FactCheck, on_delete=models.CASCADE, related_name="points")
    part = models.CharField(max_length=30, blank=True)
    text = PlainTextField()
    raised_at = models.DateTimeField(default=timezone.now)
    decision = models.CharField(max_length=20, choices=Decision.choices, blank=True)
    reason = PlainTextField(blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("fact_check", "raised_at", "pk")
        constraints = [
            models.CheckConstraint(
                name="fact_check_point_decision_has_reason",
                condition=Q(decision="") | ~Q(reason=""),
            )
        ]

    def __str__(self) -> str:
        return f"Point on {self.part or 'the report'}"


class Translation(models.Model):
    """One saved Welsh text of one part of a Welsh force's report, tied to the English revision it
    translates. Never changed once written: each save is the next number for its part.

    A part's Welsh is up to date while the English of that part is what it was in ``source_revision``
    (``reports.translations``).
    """

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="translations")
    part = models.CharField(max_length=50)
    language = models.CharField(max_length=5, default="cy")
    number = models.PositiveIntegerField()
    text = models.TextField(blank=True)
    source_revision = models.ForeignKey(
        Revision, on_delete=models.PROTECT, related_name="+", help_text="The English revision this translates."
    )
    based_on = models.PositiveIntegerField(null=True, blank=True, help_text="The translation the author started from.")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("report", "part", "-number")
        constraints = [
            models.UniqueConstraint(
                fields=("report", "part", "language", "number"), name="translation_number_once_per_part"
            )
        ]

    def __str__(self) -> str:
        return f"Welsh {self.number} of {self.part} of {self.report}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise ValueError("A translation is never changed: make a new one")
        super().save(*args, **kwargs)


class RecordTranslation(models.Model):
    """The Welsh of one item of the inspection's record that a Welsh edition prints (a judgment's narrative,
    or a finding's text), tied to the English it translates. Never changed: each save is the next number."""

    class Kind(models.TextChoices):
        NARRATIVE = "narrative", "Judgment narrative"
        FINDING = "finding", "Finding"

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="record_translations")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    item_id = models.PositiveBigIntegerField(help_text="The judgment's or finding's id.")
    number = models.PositiveIntegerField()
    source_text = models.TextField(help_text="The English this translates, as it was.")
    text = models.TextField()
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("report", "kind", "item_id", "-number")
        constraints = [
            models.UniqueConstraint(
                fields=("report", "kind", "item_id", "number"), name="record_translation_number_once"
            )
        ]

    def __str__(self) -> str:
        return f"Welsh {self.number} of {self.get_kind_display().lower()} {self.item_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise ValueError("A translation is never changed: make a new one")
        super().save(*args, **kwargs)
