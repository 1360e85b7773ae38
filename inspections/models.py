"""The inspection domain: forces, programmes and their structure, inspections, judgments, findings.

A programme's shape (pillars, questions, grading scale) is data, because it changes from year to
year. Grades belong to a scale, and a judgment may only carry a grade of its programme's scale, so
grades of different scales are never compared as if they were equal.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, ClassVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy

from inspectorate.fields import PlainCharField, PlainTextField

if TYPE_CHECKING:
    from accounts.models import User


class Force(models.Model):
    """One of the 43 territorial police forces of England and Wales."""

    class Country(models.TextChoices):
        ENGLAND = "England"
        WALES = "Wales"

    name = PlainCharField(max_length=100, unique=True)
    name_cy = PlainCharField("name in Welsh", max_length=100, blank=True, help_text="For a Welsh force's reports.")
    slug = models.SlugField(max_length=100, unique=True)
    country = models.CharField(max_length=20, choices=Country.choices)
    region = PlainCharField(max_length=50, db_index=True)
    former_name = PlainCharField(
        max_length=100, blank=True, help_text="The force's name before it was renamed, if it was."
    )
    renamed_on = models.DateField(null=True, blank=True, help_text="The day the current name took effect.")

    class Meta:
        ordering = ("name",)
        constraints = [
            models.CheckConstraint(
                name="force_renamed_has_both_parts",
                condition=(Q(former_name="") & Q(renamed_on__isnull=True))
                | (~Q(former_name="") & Q(renamed_on__isnull=False)),
            )
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: object, **kwargs: object) -> None:
        if not self.slug:
            self.slug = slugify(self.name)
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def name_on(self, day: datetime.date) -> str:
        """The force's name as it was on ``day`` (a 2016 report says "Hampshire Constabulary")."""
        if self.renamed_on and day < self.renamed_on:
            return self.former_name
        return self.name


class GradingScale(models.Model):
    """An ordered set of grades, e.g. the four-grade PEEL scale of 2014-2019."""

    name = PlainCharField(max_length=100, unique=True)
    name_cy = PlainCharField("name in Welsh", max_length=100, blank=True, help_text="For the Welsh pages.")
    slug = models.SlugField(max_length=100, unique=True)
    description = PlainTextField(blank=True)

    class Meta:
        ordering = ("name",)

    def __str__(self) -> str:
        return self.name


class Grade(models.Model):
    """A grade on one scale. ``rank`` 1 is the best grade of its scale."""

    scale = models.ForeignKey(GradingScale, on_delete=models.PROTECT, related_name="grades")
    label = PlainCharField(max_length=50)
    label_cy = PlainCharField("label in Welsh", max_length=50, blank=True)
    slug = models.SlugField(max_length=50)
    rank = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ("scale", "rank")
        constraints = [
            models.UniqueConstraint(fields=("scale", "slug"), name="grade_unique_slug_in_scale"),
            models.UniqueConstraint(fields=("scale", "rank"), name="grade_unique_rank_in_scale"),
        ]

    def __str__(self) -> str:
        return f"{self.label} ({self.scale})"


class Pillar(models.Model):
    """A pillar of PEEL: Effectiveness, Efficiency, Legitimacy or Leadership."""

    name = PlainCharField(max_length=50, unique=True)
    name_cy = PlainCharField("name in Welsh", max_length=50, blank=True)
    slug = models.SlugField(max_length=50, unique=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ("order", "name")

    def __str__(self) -> str:
        return self.name


class Programme(models.Model):
    """An inspection programme, e.g. "PEEL: Police legitimacy 2016"."""

    name = PlainCharField(max_length=200, unique=True)
    name_cy = PlainCharField("name in Welsh", max_length=200, blank=True, help_text="For the Welsh forces' reports.")
    slug = models.SlugField(max_length=200, unique=True)
    year = models.PositiveSmallIntegerField(db_index=True)
    scale = models.ForeignKey(
        GradingScale,
        on_delete=models.PROTECT,
        related_name="programmes",
        help_text="The grading scale every judgment in this programme uses.",
    )
    pillars = models.ManyToManyField(Pillar, related_name="programmes")
    description = PlainTextField(blank=True)
    editors = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="edited_programmes",
        help_text="The editors who look after this programme's reports. When none is named, every editor hears of them.",
    )
    # Fieldwork (fieldwork/): who may be on a team, whether grades are moderated, how long evidence is kept.
    conflict_service_years = models.PositiveSmallIntegerField(
        "conflict rule: years since service",
        default=5,
        help_text="Someone who served in a force within this many years may not inspect it, unless an administrator "
        "records an exception. A declared family link always keeps them off.",
    )
    requires_moderation = models.BooleanField(
        default=False, help_text="Every graded judgment is moderated across the forces before its report is approved."
    )
    retention_years = models.PositiveSmallIntegerField(
        default=2,
        help_text="Evidence files and working notes are deleted this many years after the report is published.",
    )

    class Meta:
        ordering = ("-year", "name")

    def __str__(self) -> str:
        return self.name

    def save(self, *args: object, **kwargs: object) -> None:
        if not self.slug:
            self.slug = slugify(self.name)
        super().save(*args, **kwargs)  # type: ignore[arg-type]


class Question(models.Model):
    """A question a programme asks of every force, in order; graded or not.

    A strand (2016's "abuse of authority for sexual gain") is a question of its own, ungraded,
    so that its findings have a place and the public can see where it began.
    """

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="questions")
    pillar = models.ForeignKey(Pillar, on_delete=models.PROTECT, related_name="questions")
    number = models.PositiveSmallIntegerField(help_text="The question's place in the programme, from 1.")
    text = PlainCharField(max_length=300)
    short_title = PlainCharField(max_length=100, help_text="How a table column or a contents line names it.")
    text_cy = PlainCharField("text in Welsh", max_length=300, blank=True)
    short_title_cy = PlainCharField("short title in Welsh", max_length=100, blank=True)
    graded = models.BooleanField(default=True)
    is_strand = models.BooleanField(
        "is a strand", default=False, help_text="A strand added to the programme, reported on but not graded."
    )

    class Meta:
        ordering = ("programme", "number")
        constraints = [
            models.UniqueConstraint(fields=("programme", "number"), name="question_unique_number_in_programme"),
            models.CheckConstraint(name="question_strand_is_not_graded", condition=~Q(is_strand=True, graded=True)),
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.short_title}"


class Inspection(models.Model):
    """One force inspected in one programme."""

    class Status(models.TextChoices):
        PLANNED = "planned", "Planned"
        FIELDWORK = "fieldwork", "In fieldwork"
        REPORTING = "reporting", "Reporting"
        PUBLISHED = "published", "Published"

    force = models.ForeignKey(Force, on_delete=models.PROTECT, related_name="inspections")
    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="inspections")
    lead_inspector = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="led_inspections",
        help_text="The HM Inspector who leads the inspection and signs off its judgments.",
    )
    team = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="inspection_teams")
    fieldwork_start = models.DateField(null=True, blank=True)
    fieldwork_end = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PLANNED, db_index=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ("-programme__year", "programme__name", "force__name")
        constraints = [
            models.UniqueConstraint(fields=("force", "programme"), name="inspection_one_per_force_per_programme"),
            models.CheckConstraint(
                name="inspection_fieldwork_ends_after_start",
                condition=Q(fieldwork_start__isnull=True)
                | Q(fieldwork_end__isnull=True)
                | Q(fieldwork_end__gte=models.F("fieldwork_start")),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.force_name} – {self.programme}"

    @property
    def force_name(self) -> str:
        """The force's name as it was in the programme's year."""
        return self.force.name_on(datetime.date(self.programme.year, 12, 31))

    def has_on_team(self, user: User) -> bool:
        return self.team.filter(pk=user.pk).exists()


class Judgment(models.Model):
    """A grade and its narrative: for one question, or for a pillar overall.

    The grade must come from the programme's own scale; a PostgreSQL trigger holds the database
    to the same rule (see migration 0002), since a check constraint cannot look across tables.
    """

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="judgments")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, null=True, blank=True, related_name="judgments")
    pillar = models.ForeignKey(
        Pillar,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="judgments",
        help_text="Set for the pillar's overall judgment; leave empty for a question's judgment.",
    )
    grade = models.ForeignKey(Grade, on_delete=models.PROTECT, null=True, blank=True, related_name="judgments")
    narrative = PlainTextField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ("inspection", "pillar", "question__number")
        constraints = [
            models.CheckConstraint(
                name="judgment_is_for_question_or_pillar",
                condition=(Q(question__isnull=False) & Q(pillar__isnull=True))
                | (Q(question__isnull=True) & Q(pillar__isnull=False)),
            ),
            models.UniqueConstraint(
                fields=("inspection", "question"),
                condition=Q(question__isnull=False),
                name="judgment_one_per_question",
            ),
            models.UniqueConstraint(
                fields=("inspection", "pillar"),
                condition=Q(pillar__isnull=False),
                name="judgment_one_per_pillar",
            ),
        ]

    def __str__(self) -> str:
        subject = self.pillar.name if self.pillar_id else str(self.question)  # type: ignore[union-attr]
        grade = self.grade.label if self.grade_id else "ungraded"  # type: ignore[union-attr]
        return f"{subject}: {grade}"

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if not hasattr(self, "inspection"):
            return
        programme = self.inspection.programme
        if self.question_id and self.question.programme_id != programme.pk:  # type: ignore[union-attr]
            errors["question"] = "Select a question of this inspection's programme"
        if self.pillar_id and not programme.pillars.filter(pk=self.pillar_id).exists():
            errors["pillar"] = "Select a pillar this inspection's programme covers"
        if self.grade_id and self.grade.scale_id != programme.scale_id:  # type: ignore[union-attr]
            errors["grade"] = f"Select a grade from the {programme.scale} scale"  # noqa: S608 - a message, not SQL
        if self.question_id and not self.question.graded and self.grade_id:  # type: ignore[union-attr]
            errors["grade"] = "This question is not graded: leave the grade empty"
        if errors:
            raise ValidationError(errors)


class Finding(models.Model):
    """What an inspection found: an area for improvement, a cause of concern, a recommendation
    or notable practice.

    One table for every kind, so that a later inspection can follow up any earlier finding and
    record what became of it. Each kind has its own proxy model below for the admin.
    A cause of concern is only ever created together with its recommendations (see
    ``reports.record.cause_of_concern_create`` and the admin's inline).
    """

    class Kind(models.TextChoices):
        AREA_FOR_IMPROVEMENT = "afi", "Area for improvement"
        CAUSE_OF_CONCERN = "cause", "Cause of concern"
        RECOMMENDATION = "recommendation", "Recommendation"
        NOTABLE_PRACTICE = "notable", "Notable practice"

    class RecommendationStatus(models.TextChoices):
        # In the reader's language on the public pages (the Welsh catalogue).
        AWAITING_REVIEW = "awaiting", gettext_lazy("Awaiting review")
        BEING_PROGRESSED = "progressing", gettext_lazy("Being progressed")
        COMPLETE = "complete", gettext_lazy("Complete")

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="findings")
    kind = models.CharField(max_length=20, choices=Kind.choices, db_index=True)
    question = models.ForeignKey(
        Question,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="findings",
        help_text="The question whose section of the report this finding belongs to.",
    )
    text = PlainTextField()
    cause_of_concern = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="recommendations",
        limit_choices_to={"kind": Kind.CAUSE_OF_CONCERN},
        help_text="For a recommendation: the cause of concern it answers, if any.",
    )
    accelerated = models.BooleanField(
        default=False, help_text="For a cause of concern raised early, before the report."
    )
    raised_on = models.DateField(null=True, blank=True, help_text="When an accelerated cause of concern was raised.")
    deadline = models.DateField(null=True, blank=True, help_text="For a recommendation: when it must be done by.")
    status = models.CharField(
        max_length=20,
        choices=RecommendationStatus.choices,
        blank=True,
        help_text="For a recommendation: where the force has got to.",
    )
    follows_up = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="followed_up_by",
        help_text="The finding of an earlier inspection that this one follows up.",
    )
    order = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ("inspection", "kind", "order", "pk")
        constraints = [
            models.CheckConstraint(
                name="finding_only_recommendations_have_deadline_and_status",
                condition=Q(kind="recommendation") | (Q(deadline__isnull=True) & Q(status="")),
            ),
            models.CheckConstraint(
                name="finding_recommendation_has_status",
                condition=~Q(kind="recommendation") | ~Q(status=""),
            ),
            models.CheckConstraint(
                name="finding_only_causes_are_accelerated",
                condition=Q(kind="cause") | Q(accelerated=False),
            ),
            models.CheckConstraint(
                name="finding_only_recommendations_answer_causes",
                condition=Q(kind="recommendation") | Q(cause_of_concern__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        text = self.text if len(self.text) <= 80 else self.text[:77] + "..."
        return f"{self.get_kind_display()}: {text}"

    #: Set by each kind's proxy model, so that a finding made through it has that kind.
    proxy_kind: ClassVar[str] = ""

    def save(self, *args: object, **kwargs: object) -> None:
        if self.proxy_kind:
            self.kind = self.proxy_kind
        if self.kind == self.Kind.RECOMMENDATION and not self.status:
            self.status = self.RecommendationStatus.AWAITING_REVIEW
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def clean(self) -> None:
        if self.proxy_kind:
            self.kind = self.proxy_kind
        errors: dict[str, str] = {}
        if self.kind == self.Kind.RECOMMENDATION:
            if not self.status:
                self.status = self.RecommendationStatus.AWAITING_REVIEW
            if self.cause_of_concern_id and self.cause_of_concern.inspection_id != self.inspection_id:  # type: ignore[union-attr]
                errors["cause_of_concern"] = "Select a cause of concern from the same inspection"
        else:
            if self.deadline:
                errors["deadline"] = "Only a recommendation has a deadline"
            self.status = ""
        if self.kind != self.Kind.CAUSE_OF_CONCERN and self.accelerated:
            errors["accelerated"] = "Only a cause of concern can be accelerated"
        if self.accelerated and not self.raised_on:
            errors["raised_on"] = "Enter the date the accelerated cause of concern was raised"
        if self.follows_up_id and hasattr(self, "inspection"):
            earlier = self.follows_up
            assert earlier is not None
            if earlier.inspection.force_id != self.inspection.force_id:
                errors["follows_up"] = "Select a finding about the same force"
            elif earlier.inspection.programme.year >= self.inspection.programme.year:
                errors["follows_up"] = "Select a finding from an earlier inspection"
        if (
            self.question_id
            and hasattr(self, "inspection")
            and self.question.programme_id != self.inspection.programme_id  # type: ignore[union-attr]
        ):
            errors["question"] = "Select a question of this inspection's programme"
        if errors:
            raise ValidationError(errors)


class FindingsOfKind(models.Manager[Finding]):
    def __init__(self, kind: str) -> None:
        super().__init__()
        self.kind = kind

    def get_queryset(self) -> models.QuerySet[Finding]:
        return super().get_queryset().filter(kind=self.kind)


class AreaForImprovement(Finding):
    proxy_kind = Finding.Kind.AREA_FOR_IMPROVEMENT
    objects: ClassVar[FindingsOfKind] = FindingsOfKind(Finding.Kind.AREA_FOR_IMPROVEMENT)  # type: ignore[assignment]

    class Meta:
        proxy = True
        verbose_name = "area for improvement"
        verbose_name_plural = "areas for improvement"


class CauseOfConcern(Finding):
    proxy_kind = Finding.Kind.CAUSE_OF_CONCERN
    objects: ClassVar[FindingsOfKind] = FindingsOfKind(Finding.Kind.CAUSE_OF_CONCERN)  # type: ignore[assignment]

    class Meta:
        proxy = True
        verbose_name = "cause of concern"
        verbose_name_plural = "causes of concern"


class Recommendation(Finding):
    proxy_kind = Finding.Kind.RECOMMENDATION
    objects: ClassVar[FindingsOfKind] = FindingsOfKind(Finding.Kind.RECOMMENDATION)  # type: ignore[assignment]

    class Meta:
        proxy = True


class NotablePractice(Finding):
    proxy_kind = Finding.Kind.NOTABLE_PRACTICE
    objects: ClassVar[FindingsOfKind] = FindingsOfKind(Finding.Kind.NOTABLE_PRACTICE)  # type: ignore[assignment]

    class Meta:
        proxy = True
        verbose_name = "notable practice"
        verbose_name_plural = "notable practice"


class RecommendationUpdate(models.Model):
    """A dated comment on a recommendation's progress, with the status it moved to."""

    recommendation = models.ForeignKey(Finding, on_delete=models.CASCADE, related_name="updates")
    status = models.CharField(max_length=20, choices=Finding.RecommendationStatus.choices)
    comment = PlainTextField()
    recorded_on = models.DateField(default=datetime.date.today)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ("recommendation", "recorded_on", "pk")

    def __str__(self) -> str:
        return f"{self.recorded_on:%d %B %Y}: {self.get_status_display()}"


class FindingOutcome(models.Model):
    """What a later inspection says became of an earlier, open finding about the same force."""

    class Outcome(models.TextChoices):
        ADDRESSED = "addressed", "Addressed"
        STILL_OPEN = "open", "Still open"
        SUPERSEDED = "superseded", "Superseded"

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="finding_outcomes")
    finding = models.ForeignKey(Finding, on_delete=models.CASCADE, related_name="outcomes")
    outcome = models.CharField(max_length=20, choices=Outcome.choices)
    note = PlainTextField(blank=True)
    recorded_at = models.DateTimeField(default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ("inspection", "finding")
        constraints = [
            models.UniqueConstraint(fields=("inspection", "finding"), name="finding_outcome_once_per_inspection"),
        ]

    def __str__(self) -> str:
        return f"{self.finding} – {self.get_outcome_display()}"

    def clean(self) -> None:
        if not (hasattr(self, "inspection") and hasattr(self, "finding")):
            return
        earlier = self.finding.inspection
        if earlier.force_id != self.inspection.force_id:
            raise ValidationError({"finding": "Select a finding about the same force"})
        if earlier.programme.year >= self.inspection.programme.year:
            raise ValidationError({"finding": "Select a finding from an earlier inspection"})


# The timetable's models live in a module of their own; importing them here registers them with the app.
from inspections.evidence import (  # noqa: E402, F401
    CaseFile,
    CaseFileAnswer,
    CaseFileAudit,
    ChecklistMeasure,
    Evidence,
    EvidenceFile,
)
from inspections.timetable import InspectionDeadline, Milestone, ProgrammeDeadline  # noqa: E402, F401
