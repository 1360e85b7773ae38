"""Publishing: the editions of a report the public sees (its approved revision, its PDF and page, and
its copy of the judgments and findings) and its press release.

The tables keep their first names (``reports_edition`` ...): these models began in the ``reports``
app and moved here without touching the database (migration ``publishing.0001``).
"""

from __future__ import annotations

import datetime
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from inspections.models import Finding, Grade, Inspection, Pillar, Question
from inspectorate.fields import PlainCharField, PlainTextField
from reports.models import Report, Revision


def edition_pdf_name(instance: Edition, filename: str) -> str:
    """Rendered files live under names nobody can guess: the URL a reader gets goes through a view
    that checks publication, and the stored name is never shown."""
    return f"editions/{uuid.uuid4().hex}.pdf"


class EditionQuerySet(models.QuerySet["Edition"]):
    """The one statement of when an edition is live: its go-live moment has come."""

    def live(self, now: datetime.datetime | None = None) -> EditionQuerySet:
        """Editions that have gone live by ``now`` (by now, if not given)."""
        return self.filter(published_at__lte=now or timezone.now())

    def pending(self) -> EditionQuerySet:
        """Editions not yet live: frozen and rendering or waiting for their moment."""
        return self.filter(published_at__isnull=True)


class Edition(models.Model):
    """One edition of a report: the approved revision the public sees, and its PDF.

    Edition 1 is the first publication; each correction makes the next, with a change note. Earlier
    editions and their PDFs stay. An edition is rendered before it goes live; ``render_status`` says
    how far that got, and the render task keeps it true (see publishing.services).
    """

    class RenderStatus(models.TextChoices):
        PENDING = "pending", "Waiting to render"
        RENDERING = "rendering", "Rendering"
        READY = "ready", "Ready"
        FAILED = "failed", "Render failed"

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="editions")
    number = models.PositiveIntegerField()
    revision = models.ForeignKey(Revision, on_delete=models.PROTECT, related_name="+")
    change_note = PlainTextField(blank=True)
    about_the_data = models.JSONField(
        default=list,
        blank=True,
        help_text="The case-file audit rates the report shows in “About the data”, as they were when frozen.",
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    published_at = models.DateTimeField(null=True, blank=True, db_index=True)

    render_status = models.CharField(max_length=20, choices=RenderStatus.choices, default=RenderStatus.PENDING)
    render_attempts = models.PositiveSmallIntegerField(default=0)
    render_started_at = models.DateTimeField(null=True, blank=True)
    render_heartbeat_at = models.DateTimeField(
        null=True, blank=True, help_text="The render's last sign of life: a render that stops beating was orphaned."
    )
    render_owner = models.CharField(
        max_length=200, blank=True, help_text="The host and process rendering it, while it renders."
    )
    render_requested_at = models.DateTimeField(
        null=True, blank=True, help_text="When its render was last asked of the broker."
    )
    render_error = models.TextField(blank=True)
    pdf = models.FileField(upload_to=edition_pdf_name, blank=True, max_length=200)
    pdf_size = models.PositiveIntegerField(null=True, blank=True)
    pdf_pages = models.PositiveIntegerField(null=True, blank=True)
    pdf_sha256 = models.CharField(max_length=64, blank=True)
    record_version = models.PositiveIntegerField(
        default=0, help_text="The report's record version whose judgments and findings this edition copied."
    )
    render_seconds = models.FloatField(null=True, blank=True)
    rendered_at = models.DateTimeField(null=True, blank=True)
    glance_html = models.TextField(blank=True, help_text="The overall grades as HTML, rendered with the PDF.")
    body_html = models.TextField(blank=True, help_text="The report's body as HTML, rendered with the PDF.")
    overall_text = models.TextField(
        blank=True, help_text="The overall grades in words, rendered with the PDF: the page's description."
    )
    overall_text_cy = models.TextField(blank=True)

    # --- Its Welsh: a Welsh force's report is one publication in two languages (reports.translations).
    # Frozen with the edition, rendered with it (``render_status`` is "ready" only when both PDFs are)
    # and live at the same moment, since it is the same row.
    bilingual = models.BooleanField(default=False, help_text="Published in Welsh as well as English.")
    welsh = models.JSONField(
        default=dict,
        blank=True,
        help_text='The Welsh as it was frozen: each part\'s ("parts", by key) and each narrative\'s and finding\'s ("record").',
    )
    change_note_cy = PlainTextField(blank=True)
    pdf_cy = models.FileField(upload_to=edition_pdf_name, blank=True, max_length=200)
    pdf_cy_size = models.PositiveIntegerField(null=True, blank=True)
    pdf_cy_pages = models.PositiveIntegerField(null=True, blank=True)
    pdf_cy_sha256 = models.CharField(max_length=64, blank=True)
    glance_html_cy = models.TextField(blank=True)
    body_html_cy = models.TextField(blank=True)

    objects = EditionQuerySet.as_manager()

    class Meta:
        db_table = "reports_edition"
        ordering = ("report", "-number")
        constraints = [
            models.UniqueConstraint(fields=("report", "number"), name="edition_number_once_per_report"),
            models.CheckConstraint(
                name="edition_ready_has_pdf",
                condition=~Q(render_status="ready") | (~Q(pdf="") & Q(pdf_sha256__regex=r"^[0-9a-f]{64}$")),
            ),
            models.CheckConstraint(
                name="edition_ready_bilingual_has_welsh_pdf",
                condition=~Q(render_status="ready", bilingual=True)
                | (~Q(pdf_cy="") & Q(pdf_cy_sha256__regex=r"^[0-9a-f]{64}$")),
            ),
        ]

    def __str__(self) -> str:
        return f"Edition {self.number} of {self.report}"


class EditionJudgment(models.Model):
    """A judgment as an edition published it. Public pages, open data and the API read the grades of a
    report's live edition from here, never the working judgments: a grade changed for a correction
    stays private until the correction goes live. Copied when the edition renders
    (``publishing.services.edition_snapshot_judgments``); same fields as ``Judgment``."""

    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="judgments")
    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="+")
    pillar = models.ForeignKey(Pillar, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    grade = models.ForeignKey(Grade, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    narrative = PlainTextField(blank=True)
    narrative_cy = PlainTextField(blank=True, help_text="The narrative's Welsh, for a bilingual edition.")

    class Meta:
        db_table = "reports_editionjudgment"
        indexes = [models.Index(fields=("edition", "inspection"), name="reports_edi_edition_d2b9cb_idx")]

    def __str__(self) -> str:
        return f"{self.edition}: {self.pillar or self.question}"


class EditionFinding(models.Model):
    """A finding as an edition published it: what public pages, open data and the API show of a
    report's findings once its edition is live. Copied, with the judgments, in the transaction that
    freezes the edition (``publishing.services.edition_snapshot_record``). ``finding`` points at the
    working finding, whose recommendation status and dated updates stay live after publication."""

    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="findings")
    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="+")
    finding = models.ForeignKey(Finding, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    kind = models.CharField(max_length=20, choices=Finding.Kind.choices)
    question = models.ForeignKey(Question, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    text = PlainTextField()
    text_cy = PlainTextField(blank=True, help_text="The finding's Welsh, for a bilingual edition.")
    cause_of_concern = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="recommendations"
    )
    accelerated = models.BooleanField(default=False)
    raised_on = models.DateField(null=True, blank=True)
    deadline = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=20, choices=Finding.RecommendationStatus.choices, blank=True)
    follows_up = models.ForeignKey(Finding, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        db_table = "reports_editionfinding"
        ordering = ("edition", "kind", "order", "pk")
        indexes = [models.Index(fields=("edition", "inspection"), name="reports_edi_edition_9ae662_idx")]

    def __str__(self) -> str:
        return f"{self.edition}: {self.get_kind_display()}"


class PressRelease(models.Model):
    """The press release that goes live with a report: drafted from it, edited by the editors."""

    report = models.OneToOneField(Report, on_delete=models.CASCADE, related_name="press_release")
    headline = PlainCharField(max_length=250)
    body = PlainTextField(help_text="Markdown, as in the report.")
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "reports_pressrelease"

    def __str__(self) -> str:
        return self.headline
