"""The audit trail's pages and CSV downloads (of a report, of an inspection, of everything), the
admin's export, who may read them, and the database's refusal to change or remove an event."""

from __future__ import annotations

import csv
import io
import re
from html.parser import HTMLParser
from http import HTTPStatus

import pytest
from django.db import transaction
from django.db.utils import DatabaseError
from django.urls import reverse

from inspections.models import Force, Pillar
from publishing import services as publication
from reports import fact_checks, record, services
from reports.models import Report, ReportEvent
from tests.factories import InspectionFactory, ProgrammeFactory, grade
from tests.sign_in import sign_in

pytestmark = pytest.mark.django_db

LIAISON = "Pat Liaison (the force's liaison, fact-check link)"


# --- Helpers ------------------------------------------------------------------------------------


class RowReader(HTMLParser):
    """The text of each cell of each row of the body of the page's tables."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[list[str]] = []
        self.in_body = False
        self.cell: list[str] | None = None
        self.hidden_depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "tbody":
            self.in_body = True
        elif tag == "tr" and self.in_body:
            self.rows.append([])
        elif tag in ("td", "th") and self.in_body:
            self.cell = []
        elif tag == "details" and self.cell is not None:
            self.hidden_depth += 1  # the full text repeats what the cell shows

    def handle_endtag(self, tag: str) -> None:
        if tag == "tbody":
            self.in_body = False
        elif tag in ("td", "th") and self.cell is not None:
            self.rows[-1].append(" ".join("".join(self.cell).split()))
            self.cell = None
        elif tag == "details" and self.hidden_depth:
            self.hidden_depth -= 1

    def handle_data(self, data: str) -> None:
        if self.cell is not None and not self.hidden_depth:
            self.cell.append(data)


COLUMNS = ("when", "who", "action", "state", "revision", "edition", "what", "reason")


def page_rows(response, across: bool = False) -> list[dict[str, str]]:  # type: ignore[no-untyped-def]
    assert response.status_code == HTTPStatus.OK
    reader = RowReader()
    reader.feed(response.content.decode())
    columns = (*COLUMNS[:1], "inspection", *COLUMNS[1:]) if across else COLUMNS
    return [dict(zip(columns, row, strict=True)) for row in reader.rows]


def csv_rows(response) -> list[dict[str, str]]:  # type: ignore[no-untyped-def]
    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    body = b"".join(response.streaming_content).decode()
    return list(csv.DictReader(io.StringIO(body)))


def save(report: Report, actor, text: str) -> None:  # type: ignore[no-untyped-def]
    report.refresh_from_db()
    services.report_save_part(report=report, actor=actor, part="summary", text=text, based_on=report.version)


def legitimacy() -> Pillar:
    return Pillar.objects.get(slug="legitimacy")


@pytest.fixture
def walked(written_report, inspector, editor) -> Report:
    """Submitted, sent back, changed, submitted again and approved."""
    report = services.report_submit_for_review(report=written_report, actor=inspector)
    report = services.report_request_changes(report=report, actor=editor, reason="Tighten the summary.")
    save(report, inspector, "A tighter summary.")
    report = services.report_submit_for_review(report=Report.objects.get(pk=report.pk), actor=inspector)
    return publication.report_approve(report=report, actor=editor, revision_number=report.version)


def trail_url(report: Report, csv_: bool = False) -> str:
    return reverse("reports:trail_csv" if csv_ else "reports:trail", kwargs={"pk": report.pk})


# --- What the trail shows -----------------------------------------------------------------------


def test_the_trail_shows_each_step_of_the_workflow_with_who_revision_and_states(client, walked, editor) -> None:
    last = walked.version
    expected = [  # newest first
        ("Approved", "Ed Editor", "In review → to Approved", str(last), ""),
        ("Submitted for review", "Ivy Inspector", "Changes requested → to In review", str(last), ""),
        (
            "Text saved",
            "Ivy Inspector",
            "Changes requested",
            str(last),
            "Summary",
        ),  # the part by its title, never its key
        ("Changes requested", "Ed Editor", "In review → to Changes requested", str(last - 1), "Tighten the summary."),
        ("Submitted for review", "Ivy Inspector", "Draft → to In review", str(last - 1), ""),
    ]
    sign_in(client, editor)
    rows = page_rows(client.get(trail_url(walked)))
    shown = [(row["action"], row["who"], row["state"], row["revision"], row["reason"]) for row in rows]
    assert shown[: len(expected)] == expected
    assert len(rows) == ReportEvent.objects.filter(report=walked).count()

    response = client.get(trail_url(walked, csv_=True))
    assert response["Content-Disposition"] == f'attachment; filename="trail-{walked.slug}.csv"'
    exported = [
        (row["action"], row["actor"], row["from_state"], row["to_state"], row["revision"]) for row in csv_rows(response)
    ]
    assert exported[:5] == [
        ("Approved", "Ed Editor", "in_review", "approved", str(last)),
        ("Submitted for review", "Ivy Inspector", "changes_requested", "in_review", str(last)),
        ("Text saved", "Ivy Inspector", "changes_requested", "changes_requested", str(last)),
        ("Changes requested", "Ed Editor", "in_review", "changes_requested", str(last - 1)),
        ("Submitted for review", "Ivy Inspector", "draft", "in_review", str(last - 1)),
    ]
    assert len(exported) == len(rows)


def test_filters_by_person_and_action_narrow_the_page_and_the_csv(client, walked, editor, inspector) -> None:
    sign_in(client, editor)
    page = client.get(trail_url(walked), {"actor": editor.pk})
    assert {row["who"] for row in page_rows(page)} == {"Ed Editor"}
    assert [row["action"] for row in page_rows(page)] == ["Approved", "Changes requested"]
    # The download keeps the filters.
    link = re.search(r'href="([^"]*trail\.csv[^"]*)"', page.content.decode())
    assert link is not None
    assert link.group(1).replace("&amp;", "&") == f"{trail_url(walked, csv_=True)}?actor={editor.pk}"
    assert [row["actor"] for row in csv_rows(client.get(link.group(1).replace("&amp;", "&")))] == ["Ed Editor"] * 2
    # ...the valid ones only.
    bad_person = client.get(trail_url(walked), {"actor": "abc", "action": "Approved"}).content.decode()
    assert f'href="{trail_url(walked, csv_=True)}?action=Approved"' in bad_person

    by_action = {"action": "Submitted for review"}
    assert [row["who"] for row in page_rows(client.get(trail_url(walked), by_action))] == ["Ivy Inspector"] * 2
    assert len(csv_rows(client.get(trail_url(walked, csv_=True), by_action))) == 2

    both = {"actor": inspector.pk, "action": "Approved"}
    assert page_rows(client.get(trail_url(walked), both)) == []
    assert csv_rows(client.get(trail_url(walked, csv_=True), both)) == []

    # The form offers the people and actions of this trail, and keeps what was chosen.
    form = client.get(trail_url(walked), {"actor": editor.pk, "action": "Approved"}).context["form"]
    people = [label for _, group in form.fields["actor"].choices[1:] for _, label in group]
    assert people == ["Ed Editor", "Ivy Inspector", "Leah Lead"]
    assert "Approved" in dict(form.fields["action"].choices)
    body = client.get(trail_url(walked), {"actor": editor.pk, "action": "Approved"}).content.decode()
    assert f'<option value="{editor.pk}" selected>Ed Editor</option>' in body
    assert '<option value="Approved" selected>Approved</option>' in body
    search = re.search(r'<form method="get".*?</form>', body, re.DOTALL)
    assert search is not None
    assert "csrfmiddlewaretoken" not in search.group(0)  # a GET form would put it in the address


def test_a_point_raised_through_a_fact_check_link_is_the_liaisons_not_the_editors(
    client, written_report, editor
) -> None:
    check, _ = fact_checks.fact_check_issue(
        report=written_report, actor=editor, liaison_name="Pat Liaison", liaison_email="pat@force.example"
    )
    fact_checks.fact_check_point_raise(fact_check=check, part="summary", text="The date of the visit was 3 May.")
    sign_in(client, editor)

    rows = page_rows(client.get(trail_url(written_report)))
    assert (rows[0]["action"], rows[0]["who"]) == ("Fact-check point raised", LIAISON)
    assert rows[0]["reason"] == "The date of the visit was 3 May."
    assert (rows[1]["action"], rows[1]["who"]) == ("Fact-check link issued", "Ed Editor")
    exported = csv_rows(client.get(trail_url(written_report, csv_=True)))
    assert (exported[0]["action"], exported[0]["actor"]) == ("Fact-check point raised", LIAISON)

    # The liaison is a person of the trail too, filtered by the link they used.
    by_liaison = {"actor": f"link-{check.pk}"}
    assert [row["who"] for row in page_rows(client.get(trail_url(written_report), by_liaison))] == [LIAISON]
    assert [row["actor"] for row in csv_rows(client.get(trail_url(written_report, csv_=True), by_liaison))] == [LIAISON]
    assert not page_rows(
        client.get(trail_url(written_report), {"actor": editor.pk, "action": "Fact-check point raised"})
    )


def test_the_inspection_trail_starts_before_its_report_with_changes_readable(
    client, inspector, lead_inspector, editor
) -> None:
    inspection = InspectionFactory(team=[inspector], lead_inspector=lead_inspector)
    long_text = "The force records stop and search well. " * 10
    record.judgment_record(
        inspection=inspection, actor=inspector, grade=grade("good"), narrative=long_text, pillar=legitimacy()
    )
    sign_in(client, editor)
    url = reverse("reports:inspection_trail", kwargs={"inspection_id": inspection.pk})
    response = client.get(url)
    (row,) = page_rows(response)
    assert row["who"] == "Ivy Inspector"
    assert row["state"] == ""  # no report yet, so no state
    assert "Narrative: (none) → changed to The force records" in row["what"]
    assert "…" in row["what"]  # cut short in the table...
    assert long_text.strip() in response.content.decode()  # ...and whole behind "Full text"
    assert "Full text" in response.content.decode()

    report = services.report_start(inspection=inspection)
    assert [r["action"] for r in page_rows(client.get(trail_url(report)))] == [row["action"]]
    # Each trail links to the other.
    assert url in client.get(trail_url(report)).content.decode()
    assert trail_url(report) in client.get(url).content.decode()

    download = client.get(reverse("reports:inspection_trail_csv", kwargs={"inspection_id": inspection.pk}))
    filename = f"trail-{inspection.programme.slug}-{inspection.force.slug}.csv"
    assert download["Content-Disposition"] == f'attachment; filename="{filename}"'
    (exported,) = csv_rows(download)
    assert "narrative: None -> 'The force records" in exported["changes"]


def test_the_trail_of_every_inspection_filters_by_force_and_programme(client, administrator, walked, inspector) -> None:
    kent = Force.objects.get(slug="kent-police")
    other = InspectionFactory(force=kent, programme=ProgrammeFactory(year=2015), team=[inspector])
    record.judgment_record(
        inspection=other, actor=inspector, grade=grade("good"), narrative="Good.", pillar=legitimacy()
    )
    sign_in(client, administrator)
    url, csv_url = reverse("reports:all_trail"), reverse("reports:all_trail_csv")

    everything = page_rows(client.get(url), across=True)
    assert {row["inspection"] for row in everything} == {
        f"{walked.inspection.force_name}, {walked.inspection.programme.name}",
        f"{other.force_name}, {other.programme.name}",
    }
    by_force = {"force": other.force_id}
    assert len(page_rows(client.get(url, by_force), across=True)) == 1
    assert [row["inspection"] for row in csv_rows(client.get(csv_url, by_force))] == [str(other)]
    by_programme = {"programme": walked.inspection.programme_id, "action": "Approved"}
    assert [row["action"] for row in page_rows(client.get(url, by_programme), across=True)] == ["Approved"]
    assert len(csv_rows(client.get(csv_url))) == len(everything)


def test_the_csv_keeps_a_spreadsheet_from_running_text_as_a_formula(client, written_report, inspector, editor) -> None:
    report = services.report_submit_for_review(report=written_report, actor=inspector)
    services.report_request_changes(report=report, actor=editor, reason='=HYPERLINK("http://evil.example","Click")')
    sign_in(client, editor)
    assert csv_rows(client.get(trail_url(report, csv_=True)))[0]["reason"] == (
        '\'=HYPERLINK("http://evil.example","Click")'
    )


def test_the_html_is_paginated_and_the_csv_is_not(client, editor, written_report, inspector, monkeypatch) -> None:
    from reports.views import trail as trail_views

    monkeypatch.setattr(trail_views, "PAGE_SIZE", 2)
    sign_in(client, editor)
    total = ReportEvent.objects.filter(report=written_report).count()
    assert total > 4
    first = client.get(trail_url(written_report))
    assert len(page_rows(first)) == 2
    assert 'class="govuk-pagination"' in first.content.decode()
    last_page = (total + 1) // 2
    assert client.get(trail_url(written_report), {"page": last_page}).context["page"].number == last_page
    assert len(csv_rows(client.get(trail_url(written_report, csv_=True), {"page": 2}))) == total


@pytest.mark.parametrize(
    "query",
    [
        {"actor": "abc"},
        {"actor": "999999"},
        {"actor": "link-abc"},
        {"actor": "link-999999"},
        {"action": "Made up"},
        {"page": "999"},
        {"page": "abc"},
        {"page": "-1"},
        {"force": "x", "programme": "1.5"},
        {"actor": "\x00", "action": "é" * 500},
    ],
)
def test_bad_input_shows_the_page_and_ignores_the_bad_filter(client, administrator, walked, query) -> None:
    sign_in(client, administrator)
    everything = len(page_rows(client.get(trail_url(walked))))
    for url in (trail_url(walked), reverse("reports:inspection_trail", args=[walked.inspection_id])):
        response = client.get(url, query)
        assert len(page_rows(response)) == everything
        if set(query) - {"page", "force", "programme"}:
            assert "this filter was ignored" in response.content.decode()
    csv_url = reverse("reports:trail_csv", args=[walked.pk])
    assert len(csv_rows(client.get(csv_url, query))) == everything
    assert client.get(reverse("reports:all_trail"), query).status_code == HTTPStatus.OK
    assert client.get(reverse("reports:all_trail_csv"), query).status_code == HTTPStatus.OK


def test_a_query_string_that_is_not_utf8_is_ignored_too(client, editor, walked) -> None:
    sign_in(client, editor)
    response = client.get(f"{trail_url(walked)}?actor=%ff%fe&action=%c3%28")
    assert len(page_rows(response)) == ReportEvent.objects.filter(report=walked).count()
    assert client.get(f"{trail_url(walked, csv_=True)}?action=%ff").status_code == HTTPStatus.OK


def test_an_unknown_report_or_inspection_is_404(client, administrator) -> None:
    sign_in(client, administrator)
    assert client.get(reverse("reports:trail", args=[999999])).status_code == HTTPStatus.NOT_FOUND
    assert client.get(reverse("reports:inspection_trail", args=[999999])).status_code == HTTPStatus.NOT_FOUND


# --- Who may read a trail -----------------------------------------------------------------------

ROLES = ("anonymous", "inspector", "other_inspector", "lead_inspector", "editor", "administrator")
ONE_INSPECTION = ("inspector", "lead_inspector", "editor", "administrator")
PAGES = {
    "trail": ONE_INSPECTION,
    "trail_csv": ONE_INSPECTION,
    "inspection_trail": ONE_INSPECTION,
    "inspection_trail_csv": ONE_INSPECTION,
    "all_trail": ("administrator",),
    "all_trail_csv": ("administrator",),
}


def page_url(name: str, report: Report) -> str:
    if name.startswith("inspection"):
        return reverse(f"reports:{name}", kwargs={"inspection_id": report.inspection_id})
    if name.startswith("all"):
        return reverse(f"reports:{name}")
    return reverse(f"reports:{name}", kwargs={"pk": report.pk})


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", sorted(PAGES))
def test_who_may_read_each_trail(client, request, written_report, role: str, name: str) -> None:
    if role != "anonymous":
        sign_in(client, request.getfixturevalue(role))
    response = client.get(page_url(name, written_report))
    if role in PAGES[name]:
        assert response.status_code == HTTPStatus.OK
    elif role == "anonymous":
        assert response.status_code == HTTPStatus.FOUND
        assert response["Location"].startswith("/accounts/login/")
    elif role == "other_inspector" and f"/reports/{written_report.pk}/" in page_url(name, written_report):
        assert response.status_code == HTTPStatus.NOT_FOUND  # a draft they may not read: not there to them
    else:
        assert response.status_code == HTTPStatus.FORBIDDEN


@pytest.mark.parametrize("role", ROLES[1:])
def test_the_report_navigation_offers_the_trail_only_to_those_who_may_read_it(
    client, request, written_report, role: str
) -> None:
    sign_in(client, request.getfixturevalue(role))
    page = client.get(reverse("reports:report", kwargs={"pk": written_report.pk})).content.decode()
    assert (trail_url(written_report) in page) is (role in ONE_INSPECTION)


@pytest.mark.parametrize("role", ROLES[1:])
def test_the_dashboard_offers_the_trail_of_everything_to_administrators(client, request, role: str) -> None:
    sign_in(client, request.getfixturevalue(role))
    page = client.get(reverse("reports:dashboard")).content.decode()
    assert (reverse("reports:all_trail") in page) is (role == "administrator")


def test_a_member_of_staff_who_left_the_team_no_longer_reads_its_trail(client, inspector, written_report) -> None:
    sign_in(client, inspector)
    assert client.get(trail_url(written_report)).status_code == HTTPStatus.OK
    written_report.inspection.team.remove(inspector)
    assert client.get(trail_url(written_report)).status_code == HTTPStatus.NOT_FOUND  # nor the draft itself


def test_the_history_page_points_to_the_trail(client, inspector, written_report) -> None:
    sign_in(client, inspector)
    history = client.get(reverse("reports:history", kwargs={"pk": written_report.pk})).content.decode()
    assert f'href="{trail_url(written_report)}">audit trail</a>' in history


def test_the_trail_answers_only_get(client, editor, written_report) -> None:
    sign_in(client, editor)
    assert client.post(trail_url(written_report)).status_code == HTTPStatus.METHOD_NOT_ALLOWED


# --- The admin ----------------------------------------------------------------------------------


def test_the_admin_lists_filters_and_exports_the_events(client, administrator, walked, editor) -> None:
    sign_in(client, administrator)
    changelist = reverse("admin:reports_reportevent_changelist")
    page = client.get(changelist, {"action": "Approved"})
    assert page.status_code == HTTPStatus.OK
    assert page.context["cl"].result_count == 1
    body = page.content.decode()
    assert f"{reverse('admin:reports_reportevent_csv')}?action=Approved" in body
    assert "Download as CSV" in body
    assert client.get(changelist, {"q": "Tighten"}).context["cl"].result_count == 1
    assert client.get(changelist, {"actor__id__exact": editor.pk}).context["cl"].result_count == 2
    programme = {"inspection__programme__id__exact": walked.inspection.programme_id}
    assert client.get(changelist, programme).context["cl"].result_count == ReportEvent.objects.count()

    exported = csv_rows(client.get(reverse("admin:reports_reportevent_csv"), {"actor__id__exact": editor.pk}))
    assert [(row["action"], row["actor"]) for row in exported] == [
        ("Approved", "Ed Editor"),
        ("Changes requested", "Ed Editor"),
    ]
    assert client.get(reverse("admin:reports_reportevent_csv"), {"nonsense": "1"}).status_code == HTTPStatus.FOUND

    chosen = ReportEvent.objects.filter(action="Approved").values_list("pk", flat=True)
    selected = client.post(changelist, {"action": "download_csv", "_selected_action": list(chosen)})
    assert [row["action"] for row in csv_rows(selected)] == ["Approved"]


@pytest.mark.parametrize("role", ("inspector", "lead_inspector", "editor"))
def test_only_administrators_export_from_the_admin(client, request, written_report, role: str) -> None:
    sign_in(client, request.getfixturevalue(role))
    assert client.get(reverse("admin:reports_reportevent_csv")).status_code == HTTPStatus.FORBIDDEN


# --- Append-only ----------------------------------------------------------------------------------


def test_the_database_refuses_to_change_or_remove_an_event(walked) -> None:
    event = ReportEvent.objects.filter(report=walked, action="Approved").get()
    with pytest.raises(DatabaseError), transaction.atomic():
        ReportEvent.objects.filter(pk=event.pk).update(reason="Rewritten history")
    with pytest.raises(DatabaseError), transaction.atomic():
        event.action = "Nothing happened"
        event.save()
    with pytest.raises(DatabaseError), transaction.atomic():
        ReportEvent.objects.filter(pk=event.pk).delete()
    event.refresh_from_db()
    assert (event.action, event.reason) == ("Approved", "")


def test_the_guard_comes_back_after_a_migration_that_rebuilt_the_table(walked) -> None:
    """On SQLite most table changes rebuild the table, which drops its triggers; every migrate puts
    them back."""
    from django.core.management.sql import emit_post_migrate_signal
    from django.db import connection

    from reports import append_only

    event = ReportEvent.objects.filter(report=walked, action="Approved").get()
    append_only.remove(connection)  # as a rebuild of the table would
    emit_post_migrate_signal(verbosity=0, interactive=False, db="default")  # what migrate does last
    with pytest.raises(DatabaseError), transaction.atomic():
        ReportEvent.objects.filter(pk=event.pk).update(reason="Rewritten history")
    event.refresh_from_db()
    assert event.reason == ""
