"""Nothing typed is lost: the judgments and earlier-findings pages save every item in one
submission (all or nothing, errors against the item that has them), and the publication page shows
a rule's refusal with the change note or reason still in its box."""

from __future__ import annotations

import re
from http import HTTPStatus

import pytest
from django.urls import reverse

from inspections.models import FindingOutcome, Judgment
from publishing import services as publication
from reports import record, services
from reports.models import Report
from tests.factories import FindingFactory, InspectionFactory, ProgrammeFactory, grade
from tests.publishing.helpers import force, make_programme, make_report
from tests.sign_in import sign_in

pytestmark = pytest.mark.django_db


# --- Judgments ----------------------------------------------------------------------------------


def judgments_url(report: Report) -> str:
    return reverse("reports:judgments", kwargs={"pk": report.pk})


def judgments_post(report: Report, **changes: tuple[str, str]) -> dict[str, str]:
    """The page's whole form as it stands, with ``changes`` (question number -> (grade slug,
    narrative)) typed in: what a browser sends."""
    data: dict[str, str] = {}
    for judgment in report.inspection.judgments.select_related("question", "pillar"):
        key = f"question-{judgment.question_id}" if judgment.question else f"pillar-{judgment.pillar_id}"
        data[f"{key}-grade"] = str(judgment.grade_id)
        data[f"{key}-narrative"] = judgment.narrative.replace("\n", "\r\n")
    for number, (label, narrative) in changes.items():
        question = report.inspection.programme.questions.get(number=int(number.removeprefix("q")))
        data[f"question-{question.pk}-grade"] = str(grade(label).pk) if label else ""
        data[f"question-{question.pk}-narrative"] = narrative
    return {key: value for key, value in data.items() if value or not key.endswith("-grade")}


def judgment(report: Report, number: int) -> Judgment:
    return report.inspection.judgments.select_related("grade").get(question__number=number)


def test_two_judgments_filled_at_once_are_both_saved(client, inspector, report) -> None:
    sign_in(client, inspector)
    response = client.post(
        judgments_url(report),
        judgments_post(
            report,
            q1=("requires-improvement", "Fairness needs work."),
            q2=("outstanding", "Ethics are\r\nexemplary."),
        ),
    )
    assert response.status_code == HTTPStatus.FOUND
    assert (judgment(report, 1).grade.slug, judgment(report, 1).narrative) == (
        "requires-improvement",
        "Fairness needs work.",
    )
    assert (judgment(report, 2).grade.slug, judgment(report, 2).narrative) == ("outstanding", "Ethics are\nexemplary.")
    page = client.get(response["Location"]).content.decode()
    assert "Judgments saved: 1. Fairness; 2. Ethics" in page


def test_an_invalid_item_keeps_every_value_typed_and_saves_nothing(client, inspector, report) -> None:
    sign_in(client, inspector)
    before = list(Judgment.objects.order_by("pk").values_list("grade_id", "narrative", "updated_at"))
    data = judgments_post(report, q1=("inadequate", "Typed for question one."))
    question_two = report.inspection.programme.questions.get(number=2)
    data[f"question-{question_two.pk}-narrative"] = "Typed for question two, with the grade cleared."
    del data[f"question-{question_two.pk}-grade"]
    response = client.post(judgments_url(report), data)
    page = response.content.decode()
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert list(Judgment.objects.order_by("pk").values_list("grade_id", "narrative", "updated_at")) == before
    # One summary, linking to the first radio of the item that has the error; the error against it.
    assert "<title>Error: Judgments" in page
    assert f'href="#id_question-{question_two.pk}-grade_1"' in page
    assert page.count("Select a grade for 2. Ethics") == 2
    # Every value typed, in every item, is still there.
    assert "Typed for question one." in page and "Typed for question two, with the grade cleared." in page
    question_one = report.inspection.programme.questions.get(number=1)
    assert checked(page, f"question-{question_one.pk}-grade") == str(grade("inadequate").pk)


def checked(page: str, name: str) -> str | None:
    """The value of the radio named ``name`` that the page shows as checked."""
    for match in re.finditer(r"<input[^>]*>", page, flags=re.S):
        tag = match.group(0)
        if f'name="{name}"' in tag and "checked" in tag:
            value = re.search(r'value="([^"]*)"', tag)
            return value.group(1) if value else None
    return None


def test_an_unchanged_item_is_not_rewritten(client, inspector, report) -> None:
    sign_in(client, inspector)
    Judgment.objects.filter(inspection=report.inspection).update(narrative="Good.\nOn two lines.")
    before = {j.pk: j.updated_at for j in Judgment.objects.filter(inspection=report.inspection)}
    response = client.post(judgments_url(report), judgments_post(report, q2=("good", "Only this one changes.")))
    assert response.status_code == HTTPStatus.FOUND
    after = {j.pk: j.updated_at for j in Judgment.objects.filter(inspection=report.inspection)}
    changed = [pk for pk in before if before[pk] != after[pk]]
    assert changed == [judgment(report, 2).pk]
    # Sending the page back untouched writes nothing at all.
    response = client.post(judgments_url(report), judgments_post(report))
    assert response.status_code == HTTPStatus.FOUND
    assert {j.pk: j.updated_at for j in Judgment.objects.filter(inspection=report.inspection)} == after
    assert "No changes to save" in client.get(response["Location"]).content.decode()


def test_a_new_judgment_left_empty_is_not_required(client, inspector, report) -> None:
    sign_in(client, inspector)
    judgment(report, 2).delete()
    question_two = report.inspection.programme.questions.get(number=2)
    data = {**judgments_post(report, q1=("good", "Only question one.")), f"question-{question_two.pk}-narrative": ""}
    response = client.post(judgments_url(report), data)
    assert response.status_code == HTTPStatus.FOUND
    assert not report.inspection.judgments.filter(question__number=2).exists()


def test_a_report_no_longer_editable_refuses_with_a_message_and_keeps_the_values(client, people, fast_pdfs) -> None:
    scheduled = make_report(make_programme("Frozen", 2016), force("west-midlands-police"), people, state="scheduled")
    sign_in(client, people.inspector)
    response = client.post(judgments_url(scheduled), judgments_post(scheduled, q1=("inadequate", "Typed too late.")))
    page = response.content.decode()
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "The report is scheduled: take it off the schedule before changing its judgments or findings" in page
    assert "Typed too late." in page
    assert judgment(scheduled, 1).grade.slug == "good"


@pytest.mark.parametrize("role", ["editor", "other_inspector"])
def test_only_the_team_may_post_judgments(client, request, report, role: str) -> None:
    sign_in(client, request.getfixturevalue(role))
    response = client.post(judgments_url(report), judgments_post(report, q1=("inadequate", "Not mine.")))
    assert judgment(report, 1).grade.slug == "good"
    if role == "other_inspector":
        assert response.status_code == HTTPStatus.NOT_FOUND  # nor may they read the draft
        return
    assert response.status_code == HTTPStatus.FORBIDDEN
    # They still read the judgments.
    page = client.get(judgments_url(report)).content.decode()
    assert "<strong>Grade:</strong> Good" in page and 'name="csrfmiddlewaretoken"' not in page.split("</h1>")[1]


# --- Earlier findings ---------------------------------------------------------------------------


@pytest.fixture
def earlier(report):  # type: ignore[no-untyped-def]
    """Two open findings from the force's inspection of an earlier year."""
    before = InspectionFactory(programme=ProgrammeFactory(year=2015), force=report.inspection.force)
    return [
        FindingFactory(inspection=before, text="Improve stop and search records."),
        FindingFactory(inspection=before, text="Train supervisors in unconscious bias."),
    ]


def earlier_url(report: Report) -> str:
    return reverse("reports:earlier_findings", kwargs={"pk": report.pk})


def test_every_earlier_finding_is_saved_in_one_submission(client, inspector, report, earlier) -> None:
    first, second = earlier
    sign_in(client, inspector)
    page = client.get(earlier_url(report)).content.decode()
    assert page.count(">Save</button>") == 1 and "Improve stop and search records." in page
    response = client.post(
        earlier_url(report),
        {
            f"finding-{first.pk}-outcome": "addressed",
            f"finding-{first.pk}-note": "Records audited in 2016.",
            f"finding-{second.pk}-outcome": "open",
            f"finding-{second.pk}-note": "",
        },
    )
    assert response.status_code == HTTPStatus.FOUND
    outcomes = dict(report.inspection.finding_outcomes.values_list("finding_id", "outcome"))
    assert outcomes == {first.pk: "addressed", second.pk: "open"}
    assert report.inspection.finding_outcomes.get(finding=first).note == "Records audited in 2016."


def test_only_an_addressed_finding_is_tagged_green(client, inspector, report, earlier) -> None:
    first, second = earlier
    sign_in(client, inspector)
    client.post(
        earlier_url(report),
        {f"finding-{first.pk}-outcome": "addressed", f"finding-{second.pk}-outcome": "open"},
    )
    page = client.get(earlier_url(report)).content.decode()
    assert '<strong class="govuk-tag govuk-tag--green">Addressed</strong>' in page
    assert '<strong class="govuk-tag govuk-tag--yellow">Still open</strong>' in page


def test_an_invalid_outcome_keeps_every_value_and_saves_nothing(client, inspector, report, earlier) -> None:
    first, second = earlier
    sign_in(client, inspector)
    response = client.post(
        earlier_url(report),
        {
            f"finding-{first.pk}-outcome": "addressed",
            f"finding-{first.pk}-note": "A note on the first.",
            f"finding-{second.pk}-note": "A note on the second, with no outcome chosen.",
        },
    )
    page = response.content.decode()
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert not FindingOutcome.objects.exists()
    assert f'href="#id_finding-{second.pk}-outcome_1"' in page
    assert "Select what became of finding 2 (area for improvement from" in page
    assert "A note on the first." in page and "A note on the second, with no outcome chosen." in page
    assert checked(page, f"finding-{first.pk}-outcome") == "addressed"


def test_an_unchanged_outcome_is_not_rewritten(client, inspector, report, earlier) -> None:
    first, second = earlier
    kept = FindingOutcome.objects.create(
        inspection=report.inspection, finding=first, outcome="open", note="Still open.\nSee 2016."
    )
    sign_in(client, inspector)
    response = client.post(
        earlier_url(report),
        {
            f"finding-{first.pk}-outcome": "open",
            f"finding-{first.pk}-note": "Still open.\r\nSee 2016.",
            f"finding-{second.pk}-outcome": "superseded",
        },
    )
    assert response.status_code == HTTPStatus.FOUND
    assert FindingOutcome.objects.get(pk=kept.pk).recorded_at == kept.recorded_at
    assert FindingOutcome.objects.get(finding=second).outcome == "superseded"


def test_only_the_team_may_post_outcomes(client, editor, report, earlier) -> None:
    sign_in(client, editor)
    response = client.post(earlier_url(report), {f"finding-{earlier[0].pk}-outcome": "addressed"})
    assert response.status_code == HTTPStatus.FORBIDDEN
    assert not FindingOutcome.objects.exists()


# --- The publication page -----------------------------------------------------------------------


@pytest.fixture
def published(people, fast_pdfs) -> Report:  # type: ignore[no-untyped-def]
    return make_report(make_programme("Record forms", 2016), force("west-midlands-police"), people, state="published")


def publication_url(report: Report) -> str:
    return reverse("publishing:publication", kwargs={"pk": report.pk})


def test_a_correction_refused_by_the_two_person_rule_shows_why_and_keeps_the_change_note(
    client, people, published
) -> None:
    services.report_save_part(
        report=published, actor=people.editor, part="summary", text="An editor's fix.", based_on=published.version
    )
    sign_in(client, people.editor)
    response = client.post(
        publication_url(published),
        {"action": "correct", "correct-change_note": "Corrected the number of officers in the summary."},
    )
    page = response.content.decode()
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert page.count("You wrote part of this correction, so another editor must publish it") == 2
    assert 'href="#id_correct-change_note"' in page
    assert "Corrected the number of officers in the summary.</textarea>" in page
    assert published.editions.count() == 1


def test_withdrawing_without_a_reason_is_refused_and_nothing_is_lost(client, people, published) -> None:
    sign_in(client, people.editor)
    response = client.post(publication_url(published), {"action": "withdraw", "withdraw-reason": "   "})
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "Enter the reason for withdrawing the report" in response.content.decode()
    published.refresh_from_db()
    assert published.withdrawn_at is None


def test_a_correction_with_nothing_to_publish_keeps_the_change_note(client, people, published) -> None:
    sign_in(client, people.editor)
    response = client.post(
        publication_url(published), {"action": "correct", "correct-change_note": "A note with nothing to publish."}
    )
    page = response.content.decode()
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "Edit the report, its judgments or its findings first: what it says now is already published" in page
    assert "A note with nothing to publish.</textarea>" in page


def test_a_withdrawal_refused_by_a_rule_shows_why_and_keeps_the_reason(client, people, published) -> None:
    # Another editor withdrew it while this one was typing.
    publication.report_withdraw(report=published, actor=people.editor, reason="Withdrawn first.")
    sign_in(client, people.editor)
    response = client.post(
        publication_url(published), {"action": "withdraw", "withdraw-reason": "Withdrawn pending a legal review."}
    )
    page = response.content.decode()
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "only a published report is withdrawn" in page
    assert 'href="#id_withdraw-reason"' in page
    assert "Withdrawn pending a legal review.</textarea>" in page
    published.refresh_from_db()
    assert published.withdrawal_reason == "Withdrawn first."


@pytest.mark.parametrize("action", ["correct", "withdraw", "publish_now", "pcc"])
def test_a_non_editor_posting_to_the_publication_page_gets_403(client, people, published, action: str) -> None:
    services.report_save_part(
        report=published, actor=people.inspector, part="summary", text="A fix.", based_on=published.version
    )
    sign_in(client, people.inspector)
    response = client.post(
        publication_url(published),
        {
            "action": action,
            "correct-change_note": "A note.",
            "withdraw-reason": "A reason.",
            "pcc-url": "https://x.example",
        },
    )
    assert response.status_code == HTTPStatus.FORBIDDEN
    published.refresh_from_db()
    assert published.withdrawn_at is None and published.editions.count() == 1


# --- The part editor and the review's "Request changes" ---------------------------------------------


def test_a_part_saved_after_the_report_was_scheduled_keeps_the_text(client, people, fast_pdfs) -> None:
    scheduled = make_report(
        make_programme("Frozen text", 2016), force("west-midlands-police"), people, state="scheduled"
    )
    sign_in(client, people.inspector)
    response = client.post(
        reverse("reports:part", kwargs={"pk": scheduled.pk, "key": "summary"}),
        {"text": "A summary typed while it was scheduled.", "based_on": scheduled.version},
    )
    page = response.content.decode()
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "The report is scheduled: it can no longer be edited" in page
    assert "A summary typed while it was scheduled.</textarea>" in page


def test_request_changes_without_a_reason_or_too_late_keeps_the_page_and_the_reason(
    client, inspector, editor, written_report
) -> None:
    services.report_submit_for_review(report=written_report, actor=inspector)
    url = reverse("reports:request_changes", kwargs={"pk": written_report.pk})
    sign_in(client, editor)
    response = client.post(url, {"changes-reason": "  "})
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "Enter what needs to change" in response.content.decode()
    # Another editor sent it back first: the second reason is refused by the workflow, not lost.
    services.report_request_changes(report=written_report, actor=editor, reason="First.")
    response = client.post(url, {"changes-reason": "Say more about ethics."})
    page = response.content.decode()
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "changes cannot be requested" in page
    assert "Say more about ethics.</textarea>" in page


def test_request_changes_by_an_inspector_is_403(client, inspector, written_report) -> None:
    services.report_submit_for_review(report=written_report, actor=inspector)
    sign_in(client, inspector)
    url = reverse("reports:request_changes", kwargs={"pk": written_report.pk})
    assert client.post(url, {"changes-reason": "Mine."}).status_code == HTTPStatus.FORBIDDEN
    assert client.post(url, {"changes-reason": ""}).status_code == HTTPStatus.FORBIDDEN


def test_a_page_saved_after_someone_else_changed_the_record_is_refused_with_nothing_lost(
    client, inspector, lead_inspector, report
) -> None:
    sign_in(client, inspector)
    opened_at = report.record_version
    # The lead saves question 2 after the inspector opened the page.
    record.judgment_record(
        inspection=report.inspection,
        actor=lead_inspector,
        grade=grade("outstanding"),
        narrative="The lead's view.",
        question=report.inspection.programme.questions.get(number=2),
    )
    stale = judgments_post(report, q1=("requires-improvement", "Typed on a stale page."))
    stale[f"question-{report.inspection.programme.questions.get(number=2).pk}-grade"] = str(grade("good").pk)
    stale["record_version"] = str(opened_at)
    response = client.post(judgments_url(report), stale)
    page = response.content.decode()
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "Someone changed this inspection" in page and "Typed on a stale page." in page
    assert judgment(report, 1).grade.slug == "good"
    assert judgment(report, 2).grade.slug == "outstanding"
    # Saved again from the refreshed page (its version is now the current one), it goes through.
    report.refresh_from_db()
    stale["record_version"] = str(report.record_version)
    assert client.post(judgments_url(report), stale).status_code == HTTPStatus.FOUND
    assert judgment(report, 1).grade.slug == "requires-improvement"
