"""The workspace over HTTP: a permission matrix of role x action, the conflict page, hostile input."""

from __future__ import annotations

from http import HTTPStatus

import pytest
from django.urls import reverse

from reports import fact_checks, services
from reports.models import ReportState
from tests.sign_in import sign_in

pytestmark = pytest.mark.django_db

ROLES = ("anonymous", "inspector", "other_inspector", "lead_inspector", "editor", "administrator")
STAFF = ROLES[1:]


def as_role(client, request, role):  # type: ignore[no-untyped-def]
    if role != "anonymous":
        sign_in(client, request.getfixturevalue(role))
    return client


def assert_refused(response, role: str) -> None:  # type: ignore[no-untyped-def]
    if role == "anonymous":
        assert response.status_code == HTTPStatus.FOUND
        assert response["Location"].startswith("/accounts/login/")
    elif role == "other_inspector":
        # An inspector on no team of it may not read the draft at all: to them it does not exist.
        assert response.status_code == HTTPStatus.NOT_FOUND, response.status_code
    else:
        assert response.status_code == HTTPStatus.FORBIDDEN, response.status_code


PAGES = [
    "dashboard",
    "report",
    "part",
    "judgments",
    "findings",
    "earlier_findings",
    "history",
    "compare",
    "review",
    "fact_checks",
]


def page_url(name: str, report) -> str:  # type: ignore[no-untyped-def]
    if name == "dashboard":
        return reverse("reports:dashboard")
    if name == "part":
        return reverse("reports:part", kwargs={"pk": report.pk, "key": "summary"})
    return reverse(f"reports:{name}", kwargs={"pk": report.pk})


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", PAGES)
def test_every_workspace_page_by_role(client, request, written_report, role: str, name: str) -> None:
    response = as_role(client, request, role).get(page_url(name, written_report))
    if role == "anonymous" or (role == "other_inspector" and name != "dashboard"):
        assert_refused(response, role)
    else:
        assert response.status_code == HTTPStatus.OK


# action -> (state the report must be in, who may, the POST)
def post_for(action: str, report) -> tuple[str, dict[str, object]]:  # type: ignore[no-untyped-def]
    pk = report.pk
    return {
        "save": (
            reverse("reports:part", kwargs={"pk": pk, "key": "summary"}),
            {"text": "New summary.", "based_on": report.version},
        ),
        "submit": (reverse("reports:submit", kwargs={"pk": pk}), {}),
        "request_changes": (reverse("reports:request_changes", kwargs={"pk": pk}), {"changes-reason": "Tighten it."}),
        "approve": (reverse("publishing:approve", kwargs={"pk": pk}), {"revision": report.version}),
        "sign_off": (reverse("reports:sign_off", kwargs={"pk": pk}), {}),
        "comment": (reverse("reports:comment_add", kwargs={"pk": pk}), {"body": "A comment.", "part": "summary"}),
        "judgment": (
            reverse("reports:judgments", kwargs={"pk": pk}),
            {
                "subject": f"question-{report.sections.first().question_id}",
                f"question-{report.sections.first().question_id}-grade": str(
                    report.inspection.judgments.first().grade_id
                ),
                f"question-{report.sections.first().question_id}-narrative": "Changed.",
            },
        ),
        "finding": (
            reverse("reports:findings", kwargs={"pk": pk}),
            {
                "form": "finding",
                "finding-kind": "afi",
                "finding-question": report.sections.first().question_id,
                "finding-text": "Improve.",
            },
        ),
        "fact_check": (
            reverse("reports:fact_checks", kwargs={"pk": pk}),
            {"form": "issue", "liaison_name": "Pat", "liaison_email": "pat@force.example", "working_days": 10},
        ),
        "restore": (reverse("reports:restore", kwargs={"pk": pk, "number": 1}), {}),
    }[action]


MATRIX = {
    "save": ({"inspector", "lead_inspector", "editor", "administrator"}, ReportState.DRAFT),
    "submit": ({"inspector", "lead_inspector", "administrator"}, ReportState.DRAFT),
    "request_changes": ({"editor"}, ReportState.IN_REVIEW),
    "approve": ({"editor"}, ReportState.IN_REVIEW),
    "sign_off": ({"lead_inspector"}, ReportState.DRAFT),
    "comment": ({"inspector", "lead_inspector", "editor", "administrator"}, ReportState.IN_REVIEW),
    "judgment": ({"inspector", "lead_inspector", "administrator"}, ReportState.DRAFT),
    "finding": ({"inspector", "lead_inspector", "administrator"}, ReportState.DRAFT),
    "fact_check": ({"editor", "lead_inspector"}, ReportState.DRAFT),
    "restore": ({"inspector", "lead_inspector", "editor", "administrator"}, ReportState.DRAFT),
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", sorted(MATRIX))
def test_every_action_by_role(client, request, written_report, inspector, role: str, action: str) -> None:
    allowed, state = MATRIX[action]
    report = written_report
    if state == ReportState.IN_REVIEW:
        report = services.report_submit_for_review(report=report, actor=inspector)
    version_before, state_before = report.version, report.state
    url, data = post_for(action, report)
    response = as_role(client, request, role).post(url, data)
    report.refresh_from_db()
    if role in allowed:
        assert response.status_code in (HTTPStatus.FOUND, HTTPStatus.OK), (response.status_code, response.content[:500])
        if response.status_code == HTTPStatus.FOUND:
            assert not response["Location"].startswith("/accounts/login/")
        changed = (report.version, report.state) != (version_before, state_before) or action in {
            "sign_off",
            "comment",
            "judgment",
            "finding",
            "fact_check",
        }
        assert changed
    else:
        assert_refused(response, role)
        assert (report.version, report.state) == (version_before, state_before)


def test_transitions_answer_get_with_405(client, inspector, written_report) -> None:
    sign_in(client, inspector)
    assert (
        client.get(reverse("reports:submit", kwargs={"pk": written_report.pk})).status_code
        == HTTPStatus.METHOD_NOT_ALLOWED
    )


def test_two_people_saving_from_one_revision_get_the_conflict_page_and_both_texts_survive(
    client, inspector, lead_inspector, written_report
) -> None:
    url = reverse("reports:part", kwargs={"pk": written_report.pk, "key": "summary"})
    base = written_report.version
    sign_in(client, lead_inspector)
    assert client.post(url, {"text": "The lead's summary.", "based_on": base}).status_code == HTTPStatus.FOUND
    sign_in(client, inspector)
    response = client.post(url, {"text": "The inspector's summary.", "based_on": base})
    page = response.content.decode()
    assert response.status_code == HTTPStatus.CONFLICT
    assert "The lead&#x27;s summary." in page or "The lead's summary." in page
    assert "The inspector&#x27;s summary." in page or "The inspector's summary." in page
    written_report.refresh_from_db()
    assert written_report.latest_revision().part("summary") == "The lead's summary."
    # Saving from the conflict page (now based on their revision) keeps the inspector's words.
    response = client.post(
        url, {"text": "The lead's summary. The inspector's summary.", "based_on": written_report.version}
    )
    assert response.status_code == HTTPStatus.FOUND
    written_report.refresh_from_db()
    assert written_report.latest_revision().part("summary") == "The lead's summary. The inspector's summary."


HOSTILE = [
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    "[click](javascript:alert(1))",
    '<a href="https://ok.example" onclick="steal()">ok</a>',
    "<b><i>broken markup",
    "x" * 1_000_000,
]


@pytest.mark.parametrize("text", HOSTILE, ids=["script", "onerror", "javascript-link", "onclick", "broken", "1MB"])
def test_hostile_input_is_stored_clean_or_refused_with_a_message(client, inspector, written_report, text: str) -> None:
    sign_in(client, inspector)
    url = reverse("reports:part", kwargs={"pk": written_report.pk, "key": "summary"})
    response = client.post(url, {"text": text, "based_on": written_report.version})
    assert response.status_code in (HTTPStatus.FOUND, HTTPStatus.BAD_REQUEST)
    if response.status_code == HTTPStatus.BAD_REQUEST:
        assert "characters or fewer" in response.content.decode()
    written_report.refresh_from_db()
    for name in ("report", "review"):
        page = client.get(reverse(f"reports:{name}", kwargs={"pk": written_report.pk})).content.decode()
        # The source may show (escaped) in a comparison; as markup, none of it may survive.
        assert "<script>alert" not in page and "<img" not in page
        assert 'onerror="' not in page and 'onclick="' not in page and 'href="javascript' not in page.lower()
    preview = client.post(
        url, {"text": text[:5000], "based_on": written_report.version, "preview": "Preview"}
    ).content.decode()
    assert "<script>alert" not in preview
    assert 'onerror="' not in preview and 'onclick="' not in preview
    assert 'href="javascript' not in preview.lower()


def test_non_utf8_form_data_is_a_clear_error_not_a_500(client, inspector, written_report) -> None:
    sign_in(client, inspector)
    url = reverse("reports:part", kwargs={"pk": written_report.pk, "key": "summary"})
    response = client.post(
        url,
        data=b"text=caf\xe9&based_on=" + str(written_report.version).encode(),
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code in (HTTPStatus.FOUND, HTTPStatus.BAD_REQUEST)


def test_a_malformed_save_is_a_clear_error(client, inspector, written_report) -> None:
    sign_in(client, inspector)
    url = reverse("reports:part", kwargs={"pk": written_report.pk, "key": "summary"})
    response = client.post(url, {"text": "x", "based_on": "not-a-number"})
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "govuk-error-summary" in response.content.decode()
    assert (
        client.get(reverse("reports:part", kwargs={"pk": written_report.pk, "key": "no-such-part"})).status_code == 404
    )


def test_the_fact_check_page_works_without_an_account_and_closes(client, editor, written_report) -> None:
    check, token = fact_checks.fact_check_issue(
        report=written_report, actor=editor, liaison_name="Pat", liaison_email="pat@force.example"
    )
    url = reverse("fact_check", kwargs={"token": token})
    page = client.get(url)
    assert page.status_code == HTTPStatus.OK
    assert "Text of Summary." in page.content.decode()
    assert page["X-Robots-Tag"] == "noindex, nofollow"
    assert client.post(url, {"part": "summary", "text": "A factual point."}).status_code == HTTPStatus.FOUND
    assert check.points.get().text == "A factual point."
    empty = client.post(url, {"part": "summary", "text": ""})
    assert empty.status_code == HTTPStatus.BAD_REQUEST and "Enter the point" in empty.content.decode()
    fact_checks.fact_check_revoke(fact_check=check, actor=editor)
    assert client.get(url).status_code == HTTPStatus.NOT_FOUND
    assert client.get(reverse("fact_check", kwargs={"token": "guess"})).status_code == HTTPStatus.NOT_FOUND
