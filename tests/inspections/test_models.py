from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from inspections.models import Finding, Force, Grade, Inspection, Judgment, Pillar, Question
from tests.factories import (
    FindingFactory,
    InspectionFactory,
    JudgmentFactory,
    ProgrammeFactory,
    QuestionFactory,
    five_grade_scale,
    grade,
)

pytestmark = pytest.mark.django_db


def test_forces_are_loaded_from_the_reference_data() -> None:
    assert Force.objects.count() == 43
    assert Force.objects.filter(country=Force.Country.WALES).count() == 4
    west_midlands = Force.objects.get(slug="west-midlands-police")
    assert (west_midlands.name, west_midlands.region) == ("West Midlands Police", "West Midlands")


def test_a_force_is_named_as_it_was_at_the_time() -> None:
    hampshire = Force.objects.get(slug="hampshire-and-isle-of-wight-constabulary")
    assert hampshire.name_on(datetime.date(2016, 12, 8)) == "Hampshire Constabulary"
    assert hampshire.name_on(datetime.date(2022, 7, 12)) == "Hampshire and Isle of Wight Constabulary"
    inspection = InspectionFactory(force=hampshire, programme=ProgrammeFactory(year=2016))
    assert inspection.force_name == "Hampshire Constabulary"
    assert str(inspection).startswith("Hampshire Constabulary")


def test_both_grading_scales_ship_in_order() -> None:
    four = list(Grade.objects.filter(scale__slug="peel-2014-2019").values_list("label", flat=True))
    five = list(Grade.objects.filter(scale__slug="peel-2021").values_list("label", flat=True))
    assert four == ["Outstanding", "Good", "Requires improvement", "Inadequate"]
    assert five == ["Outstanding", "Good", "Adequate", "Requires improvement", "Inadequate"]


def test_one_inspection_per_force_per_programme() -> None:
    first = InspectionFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Inspection.objects.create(force=first.force, programme=first.programme)


def test_fieldwork_cannot_end_before_it_starts() -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        InspectionFactory(fieldwork_start=datetime.date(2016, 5, 6), fieldwork_end=datetime.date(2016, 5, 1))


def test_a_grade_from_another_scale_is_refused_by_the_model() -> None:
    judgment = JudgmentFactory.build(inspection=InspectionFactory(), grade=grade("adequate", five_grade_scale()))
    judgment.question = QuestionFactory(programme=judgment.inspection.programme)
    with pytest.raises(ValidationError) as error:
        judgment.full_clean()
    assert "grade" in error.value.message_dict


def test_a_grade_from_another_scale_is_refused_by_the_database() -> None:
    judgment = JudgmentFactory()
    other_scales_good = grade("good", five_grade_scale())
    with pytest.raises(IntegrityError), transaction.atomic():
        Judgment.objects.filter(pk=judgment.pk).update(grade=other_scales_good)
    with pytest.raises(IntegrityError), transaction.atomic():
        Judgment.objects.create(
            inspection=judgment.inspection, pillar=Pillar.objects.get(slug="legitimacy"), grade=other_scales_good
        )


def test_a_grade_of_the_programmes_own_scale_is_accepted() -> None:
    judgment = JudgmentFactory(grade=grade("requires-improvement"))
    judgment.full_clean()
    assert judgment.grade.label == "Requires improvement"


def test_a_judgment_is_for_a_question_or_a_pillar_not_both() -> None:
    inspection = InspectionFactory()
    question = QuestionFactory(programme=inspection.programme)
    with pytest.raises(IntegrityError), transaction.atomic():
        Judgment.objects.create(inspection=inspection, question=question, pillar=Pillar.objects.get(slug="legitimacy"))
    with pytest.raises(IntegrityError), transaction.atomic():
        Judgment.objects.create(inspection=inspection)


def test_one_judgment_per_question_and_per_pillar() -> None:
    judgment = JudgmentFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Judgment.objects.create(inspection=judgment.inspection, question=judgment.question)
    legitimacy = Pillar.objects.get(slug="legitimacy")
    Judgment.objects.create(inspection=judgment.inspection, pillar=legitimacy)
    with pytest.raises(IntegrityError), transaction.atomic():
        Judgment.objects.create(inspection=judgment.inspection, pillar=legitimacy)


def test_an_ungraded_question_takes_no_grade() -> None:
    inspection = InspectionFactory()
    strand = QuestionFactory(programme=inspection.programme, graded=False, is_strand=True)
    judgment = Judgment(inspection=inspection, question=strand, grade=grade("good"), narrative="x")
    with pytest.raises(ValidationError) as error:
        judgment.full_clean()
    assert error.value.message_dict["grade"] == ["This question is not graded: leave the grade empty"]


def test_a_strand_cannot_be_graded() -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        QuestionFactory(graded=True, is_strand=True)


def test_a_question_of_another_programme_is_refused() -> None:
    judgment = Judgment(inspection=InspectionFactory(), question=QuestionFactory(), grade=grade("good"))
    with pytest.raises(ValidationError) as error:
        judgment.full_clean()
    assert "question" in error.value.message_dict


def test_only_recommendations_carry_a_deadline_and_status() -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        FindingFactory(kind=Finding.Kind.AREA_FOR_IMPROVEMENT, deadline=datetime.date(2017, 1, 1))
    recommendation = FindingFactory(kind=Finding.Kind.RECOMMENDATION, status="")
    assert recommendation.get_status_display() == "Awaiting review"
    with pytest.raises(IntegrityError), transaction.atomic():
        Finding.objects.filter(pk=recommendation.pk).update(status="")


def test_only_a_cause_of_concern_is_accelerated() -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        FindingFactory(kind=Finding.Kind.AREA_FOR_IMPROVEMENT, accelerated=True)
    finding = FindingFactory.build(inspection=InspectionFactory(), kind=Finding.Kind.CAUSE_OF_CONCERN, accelerated=True)
    with pytest.raises(ValidationError) as error:
        finding.full_clean()
    assert "raised_on" in error.value.message_dict


def test_a_finding_follows_up_only_an_earlier_finding_about_the_same_force() -> None:
    earlier = FindingFactory(inspection=InspectionFactory(programme=ProgrammeFactory(year=2015)))
    later_inspection = InspectionFactory(programme=ProgrammeFactory(year=2016))
    FindingFactory.build(inspection=later_inspection, follows_up=earlier).full_clean()

    other_force = InspectionFactory(programme=later_inspection.programme, force=Force.objects.get(slug="kent-police"))
    with pytest.raises(ValidationError):
        FindingFactory.build(inspection=other_force, follows_up=earlier).full_clean()
    later = FindingFactory(inspection=InspectionFactory(programme=ProgrammeFactory(year=2017)))
    with pytest.raises(ValidationError):
        FindingFactory.build(inspection=later_inspection, follows_up=later).full_clean()


def test_questions_are_numbered_once_per_programme() -> None:
    question = QuestionFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Question.objects.create(
            programme=question.programme, pillar=question.pillar, number=question.number, text="x", short_title="x"
        )
