"""Every staff URL by every role, as a matrix: what a GET answers for each, on a draft whose team is
the inspector and whose lead is the lead inspector. The test fails when a URL of the workspace, the
accounts or the admin's people pages is not in the matrix, so a new page cannot slip in unjudged.

302: to sign in. 403: signed in, not allowed. 404: a draft this person may not read (not there to
them). 405: an act, taken by POST only (tests/reports/test_views.py posts each act by role).
"""

from __future__ import annotations

from datetime import date
from urllib.parse import urlencode

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import get_resolver, reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import urls as account_urls
from accounts.middleware import STAFF_PREFIXES
from fieldwork import services as fieldwork
from inspections.evidence import ChecklistMeasure
from inspections.models import Finding
from reports import services
from tests.security.policy import assert_strict_policy
from tests.sign_in import sign_in

pytestmark = pytest.mark.django_db

ROLES = ("anonymous", "inspector", "other_inspector", "lead_inspector", "editor", "administrator")
ANYONE_STAFF = (302, 200, 200, 200, 200, 200)
READERS = (302, 200, 404, 200, 200, 200)  # the draft's team, lead inspectors, editors, administrators
POST_ONLY = (302, 405, 405, 405, 405, 405)

MATRIX: dict[str, tuple[int, ...]] = {
    "reports:dashboard": ANYONE_STAFF,
    "reports:preview": POST_ONLY,
    "reports:start": POST_ONLY,
    "reports:report_list": ANYONE_STAFF,
    "reports:report": READERS,
    "reports:parts_assign": (302, 403, 404, 200, 403, 200),
    "reports:deadline_change": (302, 403, 403, 200, 200, 200),
    "reports:part": READERS,
    "reports:judgments": READERS,
    "reports:findings": READERS,
    "reports:finding_edit": (302, 200, 404, 200, 403, 200),
    "reports:finding_remove": (302, 200, 404, 200, 403, 200),
    "reports:earlier_findings": READERS,
    "reports:history": READERS,
    "reports:trail": READERS,
    "reports:trail_csv": READERS,
    "reports:compare": READERS,
    "reports:restore": POST_ONLY,
    "reports:review": READERS,
    "reports:comment_add": POST_ONLY,
    "reports:comment_resolve": POST_ONLY,
    "reports:submit": POST_ONLY,
    "reports:request_changes": POST_ONLY,
    "reports:sign_off": POST_ONLY,
    "reports:fact_checks": READERS,
    "reports:inspection_trail": (302, 200, 403, 200, 200, 200),
    "reports:inspection_trail_csv": (302, 200, 403, 200, 200, 200),
    "reports:all_trail": (302, 403, 403, 403, 403, 200),
    "reports:all_trail_csv": (302, 403, 403, 403, 403, 200),
    "publishing:approve": POST_ONLY,
    "publishing:publication": READERS,
    "publishing:press_release": READERS,
    "publishing:programmes": ANYONE_STAFF,
    "publishing:programme_board": ANYONE_STAFF,  # a draft they may not read shows as "Not shown to you"
    "publishing:programme_schedule": ANYONE_STAFF,  # lists only the reports each may read
    "reports:judgment_evidence": READERS,
    # An English force's report has no Welsh (tests/welsh/ walks a Welsh one, with translators).
    "reports:welsh": (302, 404, 404, 404, 404, 404),
    "reports:welsh_part": (302, 404, 404, 404, 404, 404),
    "reports:welsh_xliff": (302, 404, 404, 404, 404, 404),
    "fieldwork:plan": READERS,
    "fieldwork:requests": READERS,
    "fieldwork:evidence": READERS,
    "fieldwork:audit_start": (302, 200, 404, 200, 403, 200),  # the team's own act
    "fieldwork:audit": READERS,
    "fieldwork:file": READERS,  # always a download, never inline
    "fieldwork:moderation": (302, 403, 403, 200, 200, 200),  # the panel: lead inspectors and editors
    "fieldwork:moderate": (302, 403, 403, 200, 200, 200),
    "fieldwork:conflicts": ANYONE_STAFF,
    "notifications:list": ANYONE_STAFF,
    "notifications:open": POST_ONLY,
    "notifications:mark_all_read": POST_ONLY,
    "notifications:settings": ANYONE_STAFF,
    "notifications:outbox": (302, 404, 404, 404, 404, 404),  # with DEBUG on only
    "login": (200, 302, 302, 302, 302, 302),
    "logout": (405, 405, 405, 405, 405, 405),
    "password_reset": (200, 200, 200, 200, 200, 200),
    "password_reset_done": (200, 200, 200, 200, 200, 200),
    "password_reset_confirm": (200, 200, 200, 200, 200, 200),  # an unknown link: "This link does not work"
    "password_reset_complete": (200, 200, 200, 200, 200, 200),
    # Back to where they were going: nobody signed in here has a code due.
    "second_factor_verify": (302, 302, 302, 302, 302, 302),
    "second_factor_set_up": (302, 200, 200, 200, 200, 200),
    "security": ANYONE_STAFF,
    "recovery_codes": POST_ONLY,
    "second_factor_turn_off": POST_ONLY,
    # The admin's people pages: administrators grant roles (never superuser, tests/security/test_holes.py).
    "admin:accounts_user_changelist": (302, 403, 403, 403, 403, 200),
    "admin:accounts_user_change": (302, 403, 403, 403, 403, 200),
    "admin:accounts_user_add": (302, 403, 403, 403, 403, 200),
    "admin:auth_group_changelist": (302, 403, 403, 403, 403, 200),
    "admin:auth_group_add": (302, 403, 403, 403, 403, 200),
}


def staff_patterns() -> list[tuple[str, frozenset[str]]]:
    """Each staff URL's name, with the names of the arguments its pattern takes."""
    patterns = [
        (f"{namespace}:{pattern.name}", frozenset(pattern.pattern.converters))
        for namespace in ("reports", "publishing", "notifications", "fieldwork")
        for pattern in get_resolver().namespace_dict[namespace][1].url_patterns
    ]
    return patterns + [
        (str(pattern.name), frozenset(pattern.pattern.converters)) for pattern in account_urls.urlpatterns
    ]


def url_names() -> list[str]:
    return [name for name, _ in staff_patterns()]


def test_the_matrix_knows_every_staff_url() -> None:
    unknown = [name for name in url_names() if name not in MATRIX]
    assert not unknown, f"URLs no one has judged: add them to MATRIX with who may open them: {unknown}"


@pytest.fixture
def urls(written_report, editor, inspector) -> dict[str, str]:  # type: ignore[no-untyped-def]
    report = written_report
    finding = Finding.objects.create(inspection=report.inspection, kind=Finding.Kind.AREA_FOR_IMPROVEMENT, text="x")
    comment = services.comment_add(report=report, actor=editor, body="A comment.", part="summary")
    judgment = report.inspection.judgments.filter(question__isnull=False).select_related("question").first()
    question = judgment.question
    ChecklistMeasure.objects.create(programme=report.inspection.programme, number=1, text="Recorded correctly")
    audit = fieldwork.case_file_audit_start(
        inspection=report.inspection, actor=inspector, title="A sample", gathered_on=date.today(), references=["A/1"]
    )
    evidence = fieldwork.evidence_log(
        inspection=report.inspection,
        actor=inspector,
        kind="document",
        gathered_on=date.today(),
        summary="A policy.",
        files=[SimpleUploadedFile("policy.csv", b"a,b\n1,2\n")],
    )
    stored = evidence.files.get()
    values = {
        "pk": report.pk,
        "inspection_id": report.inspection_id,
        "milestone": "first_draft",
        "key": "summary",
        "finding_id": finding.pk,
        "number": 1,
        "comment_id": comment.pk,
        "programme_id": report.inspection.programme_id,
        "uidb64": "MQ",
        "question_id": question.pk,
        "audit_id": audit.pk,
        "kind": "evidence",
        "file_id": stored.pk,
        "judgment_id": judgment.pk,
        "token": "not-a-token",
    }
    found = {name: reverse(name, kwargs={key: values[key] for key in keys}) for name, keys in staff_patterns()}
    found["admin:accounts_user_changelist"] = reverse("admin:accounts_user_changelist")
    found["admin:accounts_user_change"] = reverse("admin:accounts_user_change", args=[inspector.pk])
    found["admin:accounts_user_add"] = reverse("admin:accounts_user_add")
    found["admin:auth_group_changelist"] = reverse("admin:auth_group_changelist")
    found["admin:auth_group_add"] = reverse("admin:auth_group_add")
    return found


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_each_staff_url_answers_each_role_as_the_matrix_says(client, request, urls, name: str) -> None:
    answers = []
    for role in ROLES:
        client.logout()
        if role != "anonymous":
            sign_in(client, request.getfixturevalue(role))
        response = client.get(urls[name])
        answers.append(response.status_code)
        assert_strict_policy(response, urls[name])
    assert tuple(answers) == MATRIX[name], dict(zip(ROLES, answers, strict=True))


@pytest.mark.parametrize("role", ["editor", "administrator"])
def test_every_staff_url_asks_editors_and_administrators_for_the_second_factor_first(
    client, request, urls, role: str
) -> None:
    """Signed in with the password alone: every staff URL sends them to set up an app, then, once they
    have one, to enter its code; and brings them back afterwards."""
    person = request.getfixturevalue(role)
    staff_urls = sorted(url for url in urls.values() if url.startswith(STAFF_PREFIXES))
    assert len(staff_urls) > 40
    client.force_login(person)  # the password alone
    for url in staff_urls:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"] == f"{reverse('second_factor_set_up')}?{urlencode({'next': url})}"
    TOTPDevice.objects.create(user=person, name="Authenticator app", confirmed=True)
    for url in staff_urls:
        response = client.post(url)
        assert response.status_code == 302, url
        assert response["Location"] == f"{reverse('second_factor_verify')}?{urlencode({'next': url})}"
    # An inspector, for whom it is a choice, is let through with the password alone.
    client.force_login(request.getfixturevalue("inspector"))
    assert client.get(reverse("reports:dashboard")).status_code == 200
