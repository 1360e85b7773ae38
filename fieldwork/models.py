"""The case file's working parts: an inspection's plan (phases, roles on the team, conflicts of interest),
the requests the team sends the force with the liaison's answers, and national moderation of grades.

The evidence itself, and the case-file audits, are part of the inspection's record
(``inspections.evidence``). Nothing here is ever public.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone

from inspections.evidence import private_file_name, private_storage
from inspections.models import Force, Grade, Inspection, Judgment
from inspectorate.fields import PlainCharField, PlainTextField


class Phase(models.Model):
    """One phase of an inspection's plan, with its dates."""

    class Kind(models.TextChoices):
        PLANNING = "planning", "Planning"
        FIELDWORK = "fieldwork", "Fieldwork"
        DRAFTING = "drafting", "Drafting"
        FACT_CHECK = "fact_check", "Fact check"
        MODERATION = "moderation", "Moderation"
        PUBLICATION = "publication", "Publication"

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="phases")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    starts_on = models.DateField()
    ends_on = models.DateField()

    class Meta:
        ordering = ("inspection", "starts_on")
        constraints = [
            models.UniqueConstraint(fields=("inspection", "kind"), name="phase_once_per_inspection"),
            models.CheckConstraint(
                name="phase_ends_after_it_starts", condition=models.Q(ends_on__gte=models.F("starts_on"))
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.starts_on:%d %b %Y} to {self.ends_on:%d %b %Y}"


class TeamRole(models.Model):
    """What a member of the inspection's team does on it."""

    class Role(models.TextChoices):
        LEAD = "lead", "Lead inspector"
        INSPECTOR = "inspector", "Inspector"
        ANALYST = "analyst", "Analyst"
        STAFF_OFFICER = "staff_officer", "Staff officer"
        ASSOCIATE = "associate", "Associate inspector"

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="team_roles")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="team_roles")
    role = models.CharField(max_length=20, choices=Role.choices)

    class Meta:
        ordering = ("inspection", "role", "person__name")
        constraints = [models.UniqueConstraint(fields=("inspection", "person"), name="team_role_once")]

    def __str__(self) -> str:
        return f"{self.person}: {self.get_role_display()}"


class ConflictDeclaration(models.Model):
    """A link a member of staff declares with a force: they served in it, family serve in it, or other."""

    class Kind(models.TextChoices):
        SERVED = "served", "Served in the force"
        FAMILY = "family", "Family member serves in the force"
        OTHER = "other", "Other link"

    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="conflicts")
    force = models.ForeignKey(Force, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    served_until = models.DateField(null=True, blank=True, help_text="For service: when it ended.")
    detail = PlainTextField(blank=True)
    declared_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("person", "force")

    def __str__(self) -> str:
        return f"{self.person}: {self.get_kind_display().lower()} ({self.force})"


class ConflictException(models.Model):
    """An administrator's decision that a declared conflict does not keep someone off one inspection."""

    declaration = models.ForeignKey(ConflictDeclaration, on_delete=models.CASCADE, related_name="exceptions")
    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="conflict_exceptions")
    reason = PlainTextField()
    granted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    granted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=("declaration", "inspection"), name="conflict_exception_once")]

    def __str__(self) -> str:
        return f"Exception for {self.declaration} on {self.inspection}"


class ForceRequest(models.Model):
    """A document or data the team asks the force for, by a date."""

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="force_requests")
    title = PlainCharField(max_length=200)
    detail = PlainTextField(blank=True)
    due_on = models.DateField()
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    answered_at = models.DateTimeField(null=True, blank=True, help_text="When the force first answered it.")
    closed_at = models.DateTimeField(null=True, blank=True, help_text="When the team had all it asked for.")

    class Meta:
        ordering = ("inspection", "due_on", "pk")

    def __str__(self) -> str:
        return self.title

    def is_overdue(self, today: Any = None) -> bool:
        today = today or timezone.localdate()
        return self.answered_at is None and self.closed_at is None and self.due_on < today


class LiaisonLink(models.Model):
    """A link that lets the force's liaison answer the inspection's requests without an account.

    The link carries a random token; only its SHA-256 is stored. It expires and can be revoked.
    """

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="liaison_links")
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
        ordering = ("inspection", "-issued_at")

    def __str__(self) -> str:
        return f"Requests link for {self.liaison_name}"

    def is_open(self, now: Any = None) -> bool:
        now = now or timezone.now()
        return self.revoked_at is None and now < self.expires_at


class RequestAnswer(models.Model):
    """What the liaison sent against one request: a note, files, or both."""

    request = models.ForeignKey(ForceRequest, on_delete=models.CASCADE, related_name="answers")
    link = models.ForeignKey(LiaisonLink, on_delete=models.PROTECT, related_name="answers")
    note = PlainTextField(blank=True)
    answered_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("request", "answered_at")

    def __str__(self) -> str:
        return f"Answer to {self.request}"


class RequestFile(models.Model):
    """A file the liaison uploaded. The row outlives the file (retention), as ``EvidenceFile``'s does."""

    answer = models.ForeignKey(RequestAnswer, on_delete=models.CASCADE, related_name="files")
    file = models.FileField(upload_to=private_file_name, storage=private_storage, max_length=200, blank=True)
    name = PlainCharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    removed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("answer", "pk")

    def __str__(self) -> str:
        return self.name


class ModerationDecision(models.Model):
    """The moderation panel's decision on one judgment's grade: confirmed, or changed, with the reason."""

    judgment = models.ForeignKey(Judgment, on_delete=models.CASCADE, related_name="moderation_decisions")
    grade_before = models.ForeignKey(Grade, on_delete=models.PROTECT, null=True, related_name="+")
    grade_after = models.ForeignKey(Grade, on_delete=models.PROTECT, related_name="+")
    reason = PlainTextField(blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("judgment", "-decided_at", "-pk")

    def __str__(self) -> str:
        return f"{self.judgment}: {'changed' if self.changed else 'confirmed'}"

    @property
    def changed(self) -> bool:
        return self.grade_before_id != self.grade_after_id
