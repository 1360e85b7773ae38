"""An inspection's timetable: the programme's deadlines for each step, as dates or as working days
after fieldwork ends, and an inspection's own date for a step where it differs, with the reason."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone

from inspectorate.fields import PlainTextField


class Milestone(models.TextChoices):
    """The steps of an inspection's timetable, in order."""

    FIELDWORK_END = "fieldwork_end", "Fieldwork ends"
    FIRST_DRAFT = "first_draft", "First draft submitted"
    FACT_CHECK_SENT = "fact_check_sent", "Fact check sent to the force"
    FACT_CHECK_CLOSED = "fact_check_closed", "Fact check closed"
    PUBLICATION = "publication", "Published"


class ProgrammeDeadline(models.Model):
    """One step of a programme's timetable: a date, or a number of working days after each
    inspection's fieldwork ends. Every inspection of the programme inherits it."""

    programme = models.ForeignKey("Programme", on_delete=models.CASCADE, related_name="timetable")
    milestone = models.CharField(max_length=30, choices=Milestone.choices)
    due_on = models.DateField("date", null=True, blank=True)
    working_days_after_fieldwork = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Or: this many working days after the inspection's fieldwork ends."
    )

    class Meta:
        ordering = ("programme", "milestone")
        constraints = [
            models.UniqueConstraint(fields=("programme", "milestone"), name="programme_deadline_once_per_milestone"),
            models.CheckConstraint(
                name="programme_deadline_date_or_offset",
                condition=Q(due_on__isnull=False, working_days_after_fieldwork__isnull=True)
                | Q(due_on__isnull=True, working_days_after_fieldwork__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_milestone_display()}: {self.due_on or f'{self.working_days_after_fieldwork} working days after fieldwork'}"

    def clean(self) -> None:
        if (self.due_on is None) == (self.working_days_after_fieldwork is None):
            raise ValidationError("Enter either a date or a number of working days after fieldwork, not both")
        if self.milestone == Milestone.FIELDWORK_END and self.working_days_after_fieldwork is not None:
            raise ValidationError({"working_days_after_fieldwork": "Give the end of fieldwork as a date"})


class InspectionDeadline(models.Model):
    """An inspection's own date for one step, in place of the programme's, with the reason."""

    inspection = models.ForeignKey("Inspection", on_delete=models.CASCADE, related_name="deadlines")
    milestone = models.CharField(max_length=30, choices=Milestone.choices)
    due_on = models.DateField("date")
    reason = PlainTextField()
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("inspection", "milestone")
        constraints = [
            models.UniqueConstraint(fields=("inspection", "milestone"), name="inspection_deadline_once_per_milestone"),
        ]

    def __str__(self) -> str:
        return f"{self.get_milestone_display()}: {self.due_on}"
