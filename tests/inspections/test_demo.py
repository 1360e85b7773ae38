"""``seed_demo``: the demo set of the brief, loaded twice with the same result.

The demo is loaded once for all these tests (the ``demo_data`` fixture, tests/demo_data.py); each
test's changes are rolled back."""

from __future__ import annotations

from collections import Counter
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command

from accounts.models import User
from accounts.permissions import is_editor
from inspections.models import Finding, FindingOutcome, Force, Inspection, Judgment
from inspections.selectors import earlier_findings_without_outcome
from reports.models import Report, ReportState, ReviewMark
from reports.selectors import record_changes_since, sign_offs_waiting_for
from tests.demo_data import DemoData

pytestmark = pytest.mark.django_db


def counts() -> dict[str, int]:
    return {
        model._meta.label: model.objects.count()
        for model in apps.get_models()
        if model._meta.app_label in {"accounts", "inspections", "auth"}
    }


def snapshot() -> list[tuple[object, ...]]:
    return sorted(
        Judgment.objects.values_list(
            "inspection__force__slug",
            "inspection__programme__year",
            "question__number",
            "pillar__slug",
            "grade__slug",
            "narrative",
        ),
        key=repr,
    )


@pytest.fixture
def seeded(demo_data: DemoData) -> str:
    """What ``seed_demo`` printed when it loaded the demo."""
    return demo_data.output


def test_seed_demo_twice_changes_nothing(seeded: str) -> None:
    before, judgments = counts(), snapshot()
    passwords = dict(User.objects.values_list("email", "password"))
    call_command("seed_demo", stdout=StringIO())
    assert counts() == before
    assert snapshot() == judgments
    assert dict(User.objects.values_list("email", "password")) == passwords


def test_seed_demo_prints_the_logins(seeded: str, settings) -> None:
    for email in (
        "inspector@example.org",
        "lead@example.org",
        "editor@example.org",
        "editor2@example.org",
        "admin@example.org",
    ):
        assert email in seeded
    assert settings.DEMO_PASSWORD in seeded
    assert User.objects.get(email="editor@example.org").check_password(settings.DEMO_PASSWORD)
    assert is_editor(User.objects.get(email="editor2@example.org"))


def test_2015_and_2016_are_complete_for_every_force(seeded: str) -> None:
    for year in (2015, 2016):
        inspections = Inspection.objects.filter(programme__year=year)
        assert inspections.count() == 43
        assert set(inspections.values_list("status", flat=True)) == {Inspection.Status.PUBLISHED}
        for inspection in inspections:
            graded = inspection.programme.questions.filter(graded=True).count()
            assert inspection.judgments.filter(question__graded=True, grade__isnull=False).count() == graded
            assert inspection.judgments.filter(pillar__isnull=False, grade__isnull=False).count() == 1


def test_2016_national_picture_matches_the_press_release(seeded: str) -> None:
    overall = Counter(
        Judgment.objects.filter(inspection__programme__year=2016, pillar__slug="legitimacy").values_list(
            "grade__label", flat=True
        )
    )
    assert overall == {"Outstanding": 2, "Good": 36, "Requires improvement": 5}
    strand = Inspection.objects.get(programme__year=2016, force__slug="kent-police").programme.questions.get(
        is_strand=True
    )
    assert strand.short_title == "Abuse of authority for sexual gain"
    assert not strand.graded


def test_west_midlands_2016_mirrors_the_seed(seeded: str) -> None:
    inspection = Inspection.objects.get(programme__year=2016, force__slug="west-midlands-police")
    assert inspection.lead_inspector.name == "Wendy Williams"
    overall = inspection.judgments.get(pillar__slug="legitimacy")
    assert overall.grade.label == "Good"
    assert overall.narrative.startswith("West Midlands Police is good at how legitimately it keeps people safe")
    afis = inspection.findings.filter(kind=Finding.Kind.AREA_FOR_IMPROVEMENT).values_list("text", flat=True)
    assert any("counter-corruption unit" in text for text in afis)


def test_2016_says_what_became_of_every_open_2015_finding(seeded: str) -> None:
    for inspection in Inspection.objects.filter(programme__year=2016):
        assert not earlier_findings_without_outcome(inspection=inspection).exists()
    assert (
        FindingOutcome.objects.filter(inspection__programme__year=2016).count()
        == Finding.objects.filter(inspection__programme__year=2015).exclude(kind=Finding.Kind.NOTABLE_PRACTICE).count()
    )


def test_2017_is_in_progress_and_walkable_by_the_demo_users(seeded: str) -> None:
    inspections = Inspection.objects.filter(programme__year=2017)
    assert inspections.count() == 43
    assert not inspections.filter(status=Inspection.Status.PUBLISHED).exists()
    inspector = User.objects.get(email="inspector@example.org")
    lead = User.objects.get(email="lead@example.org")
    editor = User.objects.get(email="editor@example.org")
    assert set(inspections.values_list("lead_inspector", flat=True)) == {lead.pk}
    assert inspections.filter(team=inspector).exists()
    assert not inspections.filter(team=editor).exists()


def test_generated_text_is_marked_as_demo(seeded: str) -> None:
    generated = Judgment.objects.exclude(
        inspection__force__slug="west-midlands-police", inspection__programme__year=2016
    )
    assert all(text.startswith("Demo:") for text in generated.values_list("narrative", flat=True))
    assert all(
        text.startswith("Demo:")
        for text in Finding.objects.exclude(
            inspection__force__slug="west-midlands-police", inspection__programme__year=2016
        ).values_list("text", flat=True)
    )


def test_forces_are_not_duplicated(seeded: str) -> None:
    assert Force.objects.count() == 43


def test_every_inspection_has_a_report_and_2017_shows_every_state_before_publication(seeded: str) -> None:
    from reports.models import Report, ReportState

    assert Report.objects.count() == Inspection.objects.count()
    assert set(Report.objects.filter(inspection__programme__year__lt=2017).values_list("state", flat=True)) == {
        ReportState.PUBLISHED
    }
    states_2017 = set(Report.objects.filter(inspection__programme__year=2017).values_list("state", flat=True))
    assert states_2017 == {"draft", "in_review", "changes_requested", "approved", "scheduled"}


def test_the_demo_users_can_walk_every_journey(seeded: str) -> None:
    from reports.models import Report, Revision

    inspector = User.objects.get(email="inspector@example.org")
    editor = User.objects.get(email="editor@example.org")
    lead = User.objects.get(email="lead@example.org")
    for report in Report.objects.filter(inspection__programme__year=2017, state__in=["draft", "changes_requested"]):
        assert report.inspection.team.filter(pk=inspector.pk).exists()
        assert report.inspection.lead_inspector == lead
    assert not Revision.objects.filter(author=editor).exists()
    assert Report.objects.filter(inspection__programme__year=2017, state="in_review").exists()


def test_west_midlands_2016_report_quotes_the_seed(seeded: str) -> None:
    from reports.models import Report

    report = Report.objects.get(inspection__force__slug="west-midlands-police", inspection__programme__year=2016)
    assert report.latest_revision().part("lead_quote").startswith("I have judged West Midlands Police to be good")


def test_the_demo_shows_a_corrected_report_a_search_and_the_next_publication_date(seeded: str, client) -> None:
    from publishing.demo.reports import CORRECTED

    cumbria = Report.objects.get(slug=f"peel-police-legitimacy-{CORRECTED[1]}-{CORRECTED[0]}")
    assert list(cumbria.editions.values_list("number", flat=True).order_by("number")) == [1, 2]
    body = client.get(f"/reports/{cumbria.slug}/").content.decode()
    assert "Demo: corrected the summary" in body and "Demo: this summary was corrected after publication." in body
    # The corrected text is what search finds; every published report can be found by its force.
    assert f"/reports/{cumbria.slug}/" in client.get("/reports/?q=corrected+after+publication").content.decode()
    assert "2 reports found" in client.get("/reports/?q=West+Midlands+Police").content.decode()
    # The scheduled 2017 reports show on the home page as a date and a count, nothing more.
    home = client.get("/").content.decode()
    assert "PEEL: Police legitimacy 2017: " in home and "peel-police-legitimacy-2017" not in home


def test_the_demo_shows_a_record_changed_in_review(seeded: str) -> None:
    """The editor's review lists a change to the record since their first look, and the lead's
    sign-off of that report is stale, so that both can be seen on the demo."""
    report = Report.objects.get(
        inspection__programme__year=2017, state=ReportState.IN_REVIEW, events__record_change=True
    )
    mark = ReviewMark.objects.get(report=report, reviewer__email="editor@example.org")
    [change] = record_changes_since(report, mark.at)
    assert change.action == "Area for improvement added" and change.actor is not None
    assert not report.sign_off_is_current
    assert report in sign_offs_waiting_for(report.inspection.lead_inspector)
