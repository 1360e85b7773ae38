"""The holes the attack on issue 11 found, each reproduced: the test fails without its fix."""

from __future__ import annotations

from http import HTTPStatus

import pytest
from django.urls import reverse

from reports.models import Section
from tests.sign_in import sign_in

pytestmark = pytest.mark.django_db

PAYLOAD = '<img src=x onerror="alert(1)">'


def test_a_question_title_from_the_admin_is_text_in_every_form_label(client, report, inspector, lead_inspector) -> None:
    section = Section.objects.filter(report=report).select_related("question").first()
    question = section.question
    question.short_title = PAYLOAD
    question.save()
    sign_in(client, lead_inspector)
    for url in (
        reverse("reports:part", args=[report.pk, section.key]),
        reverse("reports:parts_assign", args=[report.pk]),
        reverse("reports:judgments", args=[report.pk]),
    ):
        page = client.get(url).content.decode()
        assert PAYLOAD not in page, url
        assert "&lt;img src=x" in page, url


def test_an_administrator_who_is_not_a_superuser_cannot_make_one(client, administrator, inspector, make_user) -> None:
    from accounts.models import User

    sign_in(client, administrator)
    url = reverse("admin:accounts_user_change", args=[inspector.pk])
    page = client.get(url).content.decode()
    assert 'name="is_superuser"' not in page  # shown, not offered
    response = client.post(
        url,
        {
            "email": inspector.email,
            "name": inspector.name,
            "groups": [g.pk for g in inspector.groups.all()],
            "is_active": "on",
            "is_staff": "on",
            "is_superuser": "on",
            # The read-only inline of sign-in security events.
            "security_events-TOTAL_FORMS": "0",
            "security_events-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == HTTPStatus.FOUND, response.content.decode()[:2000]
    inspector.refresh_from_db()
    assert not inspector.is_superuser
    root = User.objects.create_superuser("root@example.org", "a-long-password-1234", name="Root")
    root_url = reverse("admin:accounts_user_change", args=[root.pk])
    assert 'name="email"' not in client.get(root_url).content.decode()  # view only
    assert client.post(root_url, {"email": "x@example.org", "name": "X"}).status_code == HTTPStatus.FORBIDDEN
    password_url = reverse("admin:auth_user_password_change", args=[root.pk])
    assert client.get(password_url).status_code == HTTPStatus.FORBIDDEN


@pytest.mark.parametrize(
    "data",
    [
        {"form": "revoke", "fact_check": "abc"},
        {"form": "revoke", "fact_check": ""},
        {"form": "decide", "point": "abc", "decision": "accepted", "reason": "x"},
        {"form": "revoke", "fact_check": "9" * 30},
    ],
)
def test_malformed_ids_on_the_fact_check_page_answer_400(client, written_report, lead_inspector, data) -> None:
    sign_in(client, lead_inspector)
    response = client.post(reverse("reports:fact_checks", args=[written_report.pk]), data)
    assert response.status_code == HTTPStatus.BAD_REQUEST


@pytest.mark.parametrize("edition", ["abc", "", "9" * 30])
def test_a_malformed_edition_id_on_the_publication_page_answers_400(client, written_report, editor, edition) -> None:
    sign_in(client, editor)
    response = client.post(
        reverse("publishing:publication", args=[written_report.pk]), {"action": "retry", "edition": edition}
    )
    assert response.status_code == HTTPStatus.BAD_REQUEST


@pytest.mark.parametrize("to", ["99999999999999999999999", "99999999999", "-1", "²"])
def test_an_out_of_range_revision_to_compare_is_not_a_500(client, written_report, inspector, to) -> None:
    sign_in(client, inspector)
    response = client.get(reverse("reports:compare", args=[written_report.pk]), {"to": to})
    assert response.status_code in (HTTPStatus.OK, HTTPStatus.FOUND)


@pytest.mark.parametrize("path", ["/accounts/login/", "/", "/accounts/password-reset/"])
def test_a_form_in_another_charset_answers_400_not_500(path) -> None:
    from django.test import Client

    anonymous = Client(enforce_csrf_checks=True, raise_request_exception=False)
    anonymous.cookies["csrftoken"] = "a" * 32
    response = anonymous.generic(
        "POST",
        path,
        "username=a&csrfmiddlewaretoken=" + "a" * 32,
        content_type="application/x-www-form-urlencoded; charset=latin-1",
    )
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "there is a problem with that request" in response.content.decode()


def test_the_same_under_production_settings(settings) -> None:
    settings.DEBUG = False
    test_a_form_in_another_charset_answers_400_not_500("/accounts/login/")


def test_withdrawal_revokes_the_reports_fact_check_links(client, people, fast_pdfs) -> None:
    from publishing import services as publication
    from reports import fact_checks
    from reports.models import ReportEvent
    from tests.publishing.helpers import force, make_programme, make_report

    report = make_report(make_programme("Withdrawn", 2016), force("kent-police"), people, state="published")
    fact_check, token = fact_checks.fact_check_issue(
        report=report, actor=people.lead, liaison_name="Liz", liaison_email="liz@police.example"
    )
    link = reverse("fact_check", kwargs={"token": token})
    assert client.get(link).status_code == HTTPStatus.OK
    publication.report_withdraw(report=report, actor=people.editor, reason="Legal review.")
    fact_check.refresh_from_db()
    assert fact_check.revoked_at is not None and fact_check.revoked_by == people.editor
    assert ReportEvent.objects.filter(report=report, action="Fact-check links revoked").exists()
    assert client.get(link).status_code != HTTPStatus.OK
    assert "Improve" not in client.get(link).content.decode()


INVISIBLE = "\u202e\u2066\u200b\u00ad\ufeff\x07"


def test_direction_overrides_are_stripped_from_every_stored_text_whatever_the_door(written_report, inspector) -> None:
    """Services clean what people type; the fields clean whatever else writes (the admin, a command,
    a bulk create), so nothing invisible reaches a page, a PDF or a data file."""
    from inspections.models import Finding, Programme, RecommendationUpdate
    from publishing.models import PressRelease

    finding = Finding.objects.create(
        inspection=written_report.inspection, kind=Finding.Kind.RECOMMENDATION, text=f"Fix it{INVISIBLE} now."
    )
    assert Finding.objects.get(pk=finding.pk).text == "Fix it now."
    [made] = Finding.objects.bulk_create(
        [Finding(inspection=written_report.inspection, kind=Finding.Kind.AREA_FOR_IMPROVEMENT, text=f"a{INVISIBLE}b")]
    )
    assert Finding.objects.get(pk=made.pk).text == "ab"
    update = RecommendationUpdate.objects.create(
        recommendation=finding, status="being_progressed", comment=f"On{INVISIBLE} track", author=inspector
    )
    assert RecommendationUpdate.objects.get(pk=update.pk).comment == "On track"
    programme = written_report.inspection.programme
    programme.description = f"Legitimacy{INVISIBLE}"
    programme.save()
    assert Programme.objects.get(pk=programme.pk).description == "Legitimacy"
    release = PressRelease.objects.create(report=written_report, headline=f"Good{INVISIBLE}", body=f"x{INVISIBLE}y")
    release.refresh_from_db()
    assert (release.headline, release.body) == ("Good", "xy")


def test_an_inspector_reads_only_the_drafts_of_their_own_inspections(
    client, written_report, other_inspector, settings
) -> None:
    settings.INSPECTORS_READ_ALL_DRAFTS = False
    sign_in(client, other_inspector)  # on no team
    for name in ("reports:report", "reports:review", "reports:history", "reports:findings", "reports:judgments"):
        assert client.get(reverse(name, args=[written_report.pk])).status_code == HTTPStatus.NOT_FOUND, name
    assert client.get(reverse("reports:part", args=[written_report.pk, "summary"])).status_code == HTTPStatus.NOT_FOUND
    listing = client.get(reverse("reports:report_list"), {"q": "Summary"}).content.decode()
    assert f"/workspace/reports/{written_report.pk}/" not in listing
    board = client.get(reverse("publishing:programme_board", args=[written_report.inspection.programme_id]))
    page = board.content.decode()
    assert "Not shown to you" in page and f"/workspace/reports/{written_report.pk}/" not in page
    # Where the setting allows it, every inspector reads every draft.
    settings.INSPECTORS_READ_ALL_DRAFTS = True
    assert client.get(reverse("reports:report", args=[written_report.pk])).status_code == HTTPStatus.OK


def test_the_team_lead_inspectors_and_editors_read_the_draft(
    client, written_report, inspector, lead_inspector, editor, make_user
) -> None:
    from accounts.roles import Role

    another_lead = make_user(Role.LEAD_INSPECTOR)
    for person in (inspector, lead_inspector, editor, another_lead):
        sign_in(client, person)
        assert client.get(reverse("reports:report", args=[written_report.pk])).status_code == HTTPStatus.OK


def a_pdf() -> bytes:
    import io

    import pikepdf

    pdf = pikepdf.new()
    pdf.add_blank_page()
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


def test_the_pcc_response_is_a_parsed_pdf_under_a_random_name_served_after_go_live(
    client, people, fast_pdfs, django_capture_on_commit_callbacks
) -> None:
    from django.core.exceptions import ValidationError
    from django.core.files.uploadedfile import SimpleUploadedFile

    from publishing import services as publication
    from tests.publishing.helpers import force, make_programme, make_report

    report = make_report(make_programme("Response", 2016), force("kent-police"), people, state="published")
    fake = SimpleUploadedFile("response.html", b"%PDF-1.7\n<html><script>alert(1)</script></html>", "text/html")
    with pytest.raises(ValidationError, match="must be a PDF"):
        publication.pcc_response_record(report=report, actor=people.editor, file=fake)
    report.refresh_from_db()
    assert not report.pcc_response_file
    publication.pcc_response_record(
        report=report, actor=people.editor, file=SimpleUploadedFile("../../evil name.html", a_pdf())
    )
    report.refresh_from_db()
    first = report.pcc_response_file.name
    assert first.startswith("pcc-responses/") and first.endswith(".pdf") and "evil" not in first
    page = client.get(reverse("public:report", args=[report.slug])).content.decode()
    assert reverse("public:pcc_response", args=[report.slug]) in page
    served = client.get(reverse("public:pcc_response", args=[report.slug]))
    assert served.status_code == HTTPStatus.OK and served["Content-Type"] == "application/pdf"
    assert served["X-Content-Type-Options"] == "nosniff"
    assert b"".join(served.streaming_content).startswith(b"%PDF-")
    # Replaced: the old file is gone once the change commits.
    storage = report.pcc_response_file.storage
    with django_capture_on_commit_callbacks(execute=True):
        publication.pcc_response_record(report=report, actor=people.editor, file=SimpleUploadedFile("r.pdf", a_pdf()))
    report.refresh_from_db()
    assert report.pcc_response_file.name != first and not storage.exists(first)
    # Withdrawn: not served.
    publication.report_withdraw(report=report, actor=people.editor, reason="Legal review.")
    assert client.get(reverse("public:pcc_response", args=[report.slug])).status_code == HTTPStatus.NOT_FOUND


# --- Client addresses behind the proxy, and password spraying --------------------------------------

PROXY = "10.0.0.5"


@pytest.fixture
def behind_the_proxy(settings):  # type: ignore[no-untyped-def]
    from django.core.cache import cache

    settings.TRUSTED_PROXIES = ["10.0.0.0/24"]
    cache.clear()  # counts of earlier tests


def password_sign_in(email: str, password: str, *, via: str, client_ip: str):  # type: ignore[no-untyped-def]
    from django.test import Client

    return Client(REMOTE_ADDR=via, HTTP_X_FORWARDED_FOR=client_ip).post(
        "/accounts/login/", {"username": email, "password": password}
    )


def test_the_client_address_is_read_past_trusted_proxies_only(behind_the_proxy) -> None:
    from django.test import RequestFactory

    from accounts.client_address import client_address

    def seen(remote: str, forwarded: str) -> str:
        return client_address(RequestFactory().get("/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded))

    assert seen(PROXY, "203.0.113.7") == "203.0.113.7"
    assert seen(PROXY, "198.51.100.1, 203.0.113.7, 10.0.0.9") == "203.0.113.7"  # past two trusted hops only
    assert seen("192.0.2.9", "203.0.113.7") == "192.0.2.9"  # not from a proxy: its claim is ignored
    assert seen(PROXY, "not-an-address") == PROXY


def test_a_lock_out_behind_the_proxy_is_of_one_client_not_everyone(behind_the_proxy, inspector, settings) -> None:
    from tests.factories import PASSWORD

    for _ in range(settings.AXES_FAILURE_LIMIT):
        password_sign_in(inspector.email, "guess", via=PROXY, client_ip="203.0.113.7")
    assert (
        password_sign_in(inspector.email, PASSWORD, via=PROXY, client_ip="203.0.113.7").status_code
        == HTTPStatus.TOO_MANY_REQUESTS
    )
    assert (
        password_sign_in(inspector.email, PASSWORD, via=PROXY, client_ip="198.51.100.1").status_code == HTTPStatus.FOUND
    )


def test_spraying_many_accounts_from_one_address_is_stopped(behind_the_proxy, make_user, settings) -> None:
    from accounts.roles import Role
    from tests.factories import PASSWORD

    settings.SIGN_IN_FAILURES_PER_ADDRESS = 10
    people = [make_user(Role.INSPECTOR) for _ in range(12)]
    for person in people[:11]:  # one guess each: axes locks no account
        password_sign_in(person.email, "Winter2026!", via=PROXY, client_ip="203.0.113.7")
    refused = password_sign_in(people[11].email, PASSWORD, via=PROXY, client_ip="203.0.113.7")
    assert "too many failed sign-ins from your network" in refused.content.decode()
    # Someone else, elsewhere, signs in.
    assert (
        password_sign_in(people[11].email, PASSWORD, via=PROXY, client_ip="198.51.100.1").status_code
        == HTTPStatus.FOUND
    )


def test_password_reset_throttles_the_client_not_the_proxy(behind_the_proxy, client) -> None:
    from django.test import Client

    from accounts import password_reset

    for number in range(password_reset.REQUESTS_PER_CLIENT_PER_HOUR + 1):
        last = Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="203.0.113.7").post(
            reverse("password_reset"), {"email": f"n{number}@example.org"}
        )
    assert "too many links" in last.content.decode()
    other = Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="198.51.100.1").post(
        reverse("password_reset"), {"email": "someone@example.org"}
    )
    assert other.status_code == HTTPStatus.FOUND


def test_the_publication_day_page_lists_only_the_reports_one_may_read(client, written_report, other_inspector) -> None:
    sign_in(client, other_inspector)
    page = client.get(
        reverse("publishing:programme_schedule", args=[written_report.inspection.programme_id])
    ).content.decode()
    assert f"/workspace/reports/{written_report.pk}/" not in page


def test_the_admins_own_sign_in_page_leads_to_the_one_sign_in_form(client) -> None:
    """Django's admin login form would skip the per-address throttle and lead round the second factor."""
    response = client.get("/admin/login/?next=/admin/accounts/user/")
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == "/accounts/login/?next=%2Fadmin%2Faccounts%2Fuser%2F"
    assert client.post("/admin/login/", {"username": "a@example.org", "password": "x"}).status_code == HTTPStatus.FOUND
    assert client.get("/admin/login/?next=https://evil.example/")["Location"] == "/accounts/login/?next=%2Fadmin%2F"
