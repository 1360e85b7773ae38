from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from inspections.models import Finding, FindingOutcome
from inspections.selectors import earlier_findings_without_outcome, earlier_open_findings
from reports.models import ReportEvent
from reports.recommendations import recommendation_update_add
from reports.record import (
    ItemsInvalid,
    JudgmentInput,
    OutcomeInput,
    RecommendationInput,
    cause_of_concern_create,
    finding_outcome_record,
    finding_outcomes_record,
    judgments_record,
)
from tests.factories import (
    FindingFactory,
    InspectionFactory,
    ProgrammeFactory,
    QuestionFactory,
    five_grade_scale,
    grade,
    ready_inspection,
)

pytestmark = pytest.mark.django_db


def test_a_cause_of_concern_is_saved_with_its_recommendations(inspection, inspector) -> None:
    cause = cause_of_concern_create(
        inspection=inspection,
        actor=inspector,
        text="The force does not manage the risk of abuse of authority.",
        recommendations=[RecommendationInput("Within six months, put a plan in place.", datetime.date(2017, 6, 30))],
    )
    recommendation = cause.recommendations.get()
    assert recommendation.kind == Finding.Kind.RECOMMENDATION
    assert recommendation.status == Finding.RecommendationStatus.AWAITING_REVIEW
    assert recommendation.inspection == inspection


def test_a_cause_of_concern_without_a_recommendation_is_refused_and_nothing_saved(inspection, inspector) -> None:
    with pytest.raises(ValidationError, match="at least one recommendation"):
        cause_of_concern_create(
            inspection=inspection, actor=inspector, text="A concern.", recommendations=[RecommendationInput("  ")]
        )
    assert not inspection.findings.exists()


def test_only_the_team_may_record_a_cause_of_concern(inspection, other_inspector, editor) -> None:
    for outsider in (other_inspector, editor):
        with pytest.raises(PermissionDenied):
            cause_of_concern_create(
                inspection=inspection, actor=outsider, text="x", recommendations=[RecommendationInput("y")]
            )
    assert not inspection.findings.exists()


def test_open_findings_of_earlier_years_and_their_outcomes(inspector) -> None:
    y2015 = InspectionFactory(programme=ProgrammeFactory(year=2015))
    y2016 = InspectionFactory(programme=ProgrammeFactory(year=2016), team=[inspector])
    y2017 = InspectionFactory(programme=ProgrammeFactory(year=2017), team=[inspector])
    afi = FindingFactory(inspection=y2015)
    addressed = FindingFactory(inspection=y2015)
    done = FindingFactory(
        inspection=y2015, kind=Finding.Kind.RECOMMENDATION, status=Finding.RecommendationStatus.COMPLETE
    )
    FindingFactory(inspection=y2015, kind=Finding.Kind.NOTABLE_PRACTICE)

    assert set(earlier_open_findings(inspection=y2016)) == {afi, addressed}
    finding_outcome_record(
        inspection=y2016, finding=addressed, actor=inspector, outcome=FindingOutcome.Outcome.ADDRESSED
    )
    finding_outcome_record(inspection=y2016, finding=afi, actor=inspector, outcome=FindingOutcome.Outcome.STILL_OPEN)
    # The 2016 list does not change once outcomes are recorded; nothing is left without one.
    assert set(earlier_open_findings(inspection=y2016)) == {afi, addressed}
    assert not earlier_findings_without_outcome(inspection=y2016).exists()
    # 2017 inherits only what 2016 left open, plus 2016's own findings.
    new = FindingFactory(inspection=y2016)
    assert set(earlier_open_findings(inspection=y2017)) == {afi, new}
    assert done not in earlier_open_findings(inspection=y2017)


def test_recording_an_outcome_twice_changes_it(inspector) -> None:
    y2015 = InspectionFactory(programme=ProgrammeFactory(year=2015))
    y2016 = InspectionFactory(programme=ProgrammeFactory(year=2016), team=[inspector])
    afi = FindingFactory(inspection=y2015)
    finding_outcome_record(inspection=y2016, finding=afi, actor=inspector, outcome=FindingOutcome.Outcome.STILL_OPEN)
    finding_outcome_record(inspection=y2016, finding=afi, actor=inspector, outcome=FindingOutcome.Outcome.SUPERSEDED)
    assert FindingOutcome.objects.get(inspection=y2016, finding=afi).outcome == FindingOutcome.Outcome.SUPERSEDED


def test_an_outcome_for_another_forces_finding_is_refused(inspector) -> None:
    from inspections.models import Force

    y2015 = InspectionFactory(programme=ProgrammeFactory(year=2015), force=Force.objects.get(slug="kent-police"))
    y2016 = InspectionFactory(programme=ProgrammeFactory(year=2016), team=[inspector])
    with pytest.raises(ValidationError):
        finding_outcome_record(
            inspection=y2016, finding=FindingFactory(inspection=y2015), actor=inspector, outcome="addressed"
        )


def test_a_recommendations_status_follows_its_latest_update(editor) -> None:
    recommendation = FindingFactory(
        kind=Finding.Kind.RECOMMENDATION, status=Finding.RecommendationStatus.AWAITING_REVIEW
    )
    recommendation_update_add(
        recommendation=recommendation,
        actor=editor,
        status="progressing",
        comment="Plan agreed.",
        recorded_on=datetime.date(2017, 2, 1),
    )
    recommendation_update_add(
        recommendation=recommendation,
        actor=editor,
        status="complete",
        comment="Done.",
        recorded_on=datetime.date(2017, 9, 1),
    )
    recommendation.refresh_from_db()
    assert recommendation.status == "complete"
    # A late entry about an earlier date does not move the status back.
    recommendation_update_add(
        recommendation=recommendation,
        actor=editor,
        status="progressing",
        comment="Backfilled note.",
        recorded_on=datetime.date(2017, 3, 1),
    )
    recommendation.refresh_from_db()
    assert recommendation.status == "complete"
    events = list(ReportEvent.objects.filter(action="Recommendation progress recorded").order_by("pk"))
    assert [event.changes for event in events] == [
        {"status": ["awaiting", "progressing"]},
        {"status": ["progressing", "complete"]},
        {},
    ]
    assert {event.actor for event in events} == {editor}


def test_several_judgments_are_recorded_together_and_unchanged_ones_are_skipped(inspector, lead_inspector) -> None:
    inspection = ready_inspection(team=[inspector], lead=lead_inspector)
    first, second = inspection.programme.questions.order_by("number")
    written = judgments_record(
        inspection=inspection,
        actor=inspector,
        judgments=[
            JudgmentInput(grade=grade("good"), narrative="Good.", question=first),
            JudgmentInput(grade=grade("inadequate"), narrative="  Poor.  ", question=second),
        ],
    )
    assert [(j.question, j.grade.slug, j.narrative) for j in written] == [(second, "inadequate", "Poor.")]


def test_one_refused_judgment_saves_none_and_every_refused_item_is_named(inspector, lead_inspector) -> None:
    inspection = ready_inspection(team=[inspector], lead=lead_inspector)
    first, second = inspection.programme.questions.order_by("number")
    off_scale = grade("adequate", five_grade_scale())
    with pytest.raises(ItemsInvalid) as refused:
        judgments_record(
            inspection=inspection,
            actor=inspector,
            judgments=[
                JudgmentInput(grade=grade("outstanding"), narrative="Changed.", question=first),
                JudgmentInput(grade=off_scale, narrative="Off the scale.", question=second),
            ],
        )
    assert list(refused.value.by_item) == [1]
    assert set(inspection.judgments.values_list("grade__slug", "narrative")) == {("good", "Good.")}


def test_only_the_team_records_several_judgments_or_outcomes(inspection, other_inspector) -> None:
    question = QuestionFactory(programme=inspection.programme)
    with pytest.raises(PermissionDenied):
        judgments_record(
            inspection=inspection,
            actor=other_inspector,
            judgments=[JudgmentInput(grade=grade("good"), narrative="", question=question)],
        )
    earlier = FindingFactory(inspection=InspectionFactory(programme=ProgrammeFactory(year=2015)))
    with pytest.raises(PermissionDenied):
        finding_outcomes_record(
            inspection=inspection, actor=other_inspector, outcomes=[OutcomeInput(finding=earlier, outcome="open")]
        )
    assert not inspection.judgments.exists() and not inspection.finding_outcomes.exists()


def test_several_outcomes_are_recorded_together_or_not_at_all(inspector) -> None:
    y2015 = InspectionFactory(programme=ProgrammeFactory(year=2015))
    y2016 = InspectionFactory(programme=ProgrammeFactory(year=2016), team=[inspector])
    elsewhere = InspectionFactory(programme=ProgrammeFactory(year=2015), force_id=y2015.force_id + 1)
    afi, other_force = FindingFactory(inspection=y2015), FindingFactory(inspection=elsewhere)
    with pytest.raises(ItemsInvalid) as refused:
        finding_outcomes_record(
            inspection=y2016,
            actor=inspector,
            outcomes=[
                OutcomeInput(finding=afi, outcome="addressed"),
                OutcomeInput(finding=other_force, outcome="open"),
            ],
        )
    assert list(refused.value.by_item) == [1]
    assert not y2016.finding_outcomes.exists()
    written = finding_outcomes_record(
        inspection=y2016, actor=inspector, outcomes=[OutcomeInput(finding=afi, outcome="addressed", note="Done.")]
    )
    assert [(o.finding, o.outcome, o.note) for o in written] == [(afi, "addressed", "Done.")]
    again = finding_outcomes_record(
        inspection=y2016, actor=inspector, outcomes=[OutcomeInput(finding=afi, outcome="addressed", note="Done.")]
    )
    assert again == []
