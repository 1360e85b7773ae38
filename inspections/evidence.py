"""The evidence behind an inspection's judgments: what the team gathered, the files that came with it,
which questions it bears on and which judgments cite it, and the case-file audits with their checklist.

Part of the inspection's record, beside its judgments, so that the rules that read both (sign-off
wants every graded judgment to cite evidence) can. Written by ``fieldwork.services``; never public.
Files go to the ``private`` storage, under random names, and are served only to staff, by a view that
checks who asks (``fieldwork.views``).
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone

from inspectorate.fields import PlainCharField, PlainTextField


def private_file_name(instance: object, filename: str) -> str:
    """A random name: the person's file name is kept in the row, never in the storage path."""
    return f"fieldwork/{timezone.now():%Y/%m}/{uuid.uuid4().hex}"


def private_storage():  # type: ignore[no-untyped-def]
    from django.core.files.storage import storages

    return storages["private"]


class Evidence(models.Model):
    """One piece of evidence: a document received, an interview, a visit, an analysis."""

    class Kind(models.TextChoices):
        DOCUMENT = "document", "Document received"
        INTERVIEW = "interview", "Interview"
        FOCUS_GROUP = "focus_group", "Focus group"
        REALITY_TESTING = "reality_testing", "Reality-testing visit"
        CASE_FILE_REVIEW = "case_file_review", "Case-file review"
        SURVEY = "survey", "Survey result"
        DATA_ANALYSIS = "data_analysis", "Data analysis"

    inspection = models.ForeignKey("Inspection", on_delete=models.CASCADE, related_name="evidence")
    kind = models.CharField(max_length=30, choices=Kind.choices)
    gathered_on = models.DateField()
    gathered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    summary = PlainTextField(help_text="What it shows, in a few sentences: no names of members of the public.")
    notes = PlainTextField(
        blank=True, help_text="Working notes, which may name people: deleted when the retention period ends."
    )
    questions = models.ManyToManyField("inspections.Question", blank=True, related_name="evidence")
    judgments = models.ManyToManyField(
        "inspections.Judgment", blank=True, related_name="evidence", help_text="The judgments that cite this evidence."
    )
    created_at = models.DateTimeField(default=timezone.now)
    retained_until = models.DateField(
        null=True, blank=True, help_text="Set when the retention rule removed its files and notes."
    )

    class Meta:
        ordering = ("inspection", "-gathered_on", "-pk")
        verbose_name_plural = "evidence"

    def __str__(self) -> str:
        return f"{self.get_kind_display()}, {self.gathered_on:%d %B %Y}"


class EvidenceFile(models.Model):
    """A file that came with a piece of evidence. The row outlives the file: when the retention rule
    deletes the file, ``removed_at`` records that it existed."""

    evidence = models.ForeignKey(Evidence, on_delete=models.CASCADE, related_name="files")
    file = models.FileField(upload_to=private_file_name, storage=private_storage, max_length=200, blank=True)
    name = PlainCharField(max_length=200, help_text="The file's name as it was uploaded.")
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_at = models.DateTimeField(default=timezone.now)
    removed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("evidence", "pk")

    def __str__(self) -> str:
        return self.name


class ChecklistMeasure(models.Model):
    """One measure a programme's case-file audits check each case file against."""

    programme = models.ForeignKey("Programme", on_delete=models.CASCADE, related_name="checklist")
    number = models.PositiveSmallIntegerField()
    text = PlainCharField(max_length=300, help_text="Asked of each case file: met, not met, or not applicable.")
    text_cy = PlainCharField("text in Welsh", max_length=300, blank=True, help_text="For Welsh forces' reports.")

    class Meta:
        ordering = ("programme", "number")
        constraints = [models.UniqueConstraint(fields=("programme", "number"), name="checklist_measure_number")]

    def __str__(self) -> str:
        return f"{self.number}. {self.text}"


class CaseFileAudit(models.Model):
    """A sample of the force's case files reviewed against the programme's checklist: evidence of its own."""

    evidence = models.OneToOneField(Evidence, on_delete=models.CASCADE, related_name="case_file_audit")
    title = PlainCharField(max_length=200, help_text="What the sample is, e.g. “Domestic abuse crimes, March”.")
    title_cy = PlainCharField(
        "title in Welsh",
        max_length=200,
        blank=True,
        help_text="For a Welsh force's report, e.g. “Troseddau cam-drin domestig, Mawrth”.",
    )
    in_about_the_data = models.BooleanField(
        "shown in the report's “About the data”", default=False, help_text="Put its rates in the published report."
    )

    def __str__(self) -> str:
        return self.title


class CaseFile(models.Model):
    """One case file of the sample, known only by the force's reference: no personal data."""

    audit = models.ForeignKey(CaseFileAudit, on_delete=models.CASCADE, related_name="case_files")
    reference = PlainCharField(max_length=50, help_text="The force's own reference for the case.")

    class Meta:
        ordering = ("audit", "pk")
        constraints = [models.UniqueConstraint(fields=("audit", "reference"), name="case_file_reference_once")]

    def __str__(self) -> str:
        return self.reference


class CaseFileAnswer(models.Model):
    class Answer(models.TextChoices):
        MET = "met", "Met"
        NOT_MET = "not_met", "Not met"
        NOT_APPLICABLE = "n/a", "Not applicable"

    case_file = models.ForeignKey(CaseFile, on_delete=models.CASCADE, related_name="answers")
    measure = models.ForeignKey(ChecklistMeasure, on_delete=models.PROTECT, related_name="answers")
    answer = models.CharField(max_length=10, choices=Answer.choices)

    class Meta:
        constraints = [models.UniqueConstraint(fields=("case_file", "measure"), name="case_file_answer_once")]

    def __str__(self) -> str:
        return f"{self.case_file}: {self.get_answer_display()}"
