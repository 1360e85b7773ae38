"""Publication: scheduling and the embargo, rendering, going live together, corrections, withdrawal,
press releases and the PCC clock. Rendering is real (Typst); tasks run on commit, in-process here
(the worker-process and fault tests are in test_publication_faults.py)."""

from __future__ import annotations

import datetime
from http import HTTPStatus

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from publishing import services as publication
from publishing.models import Edition
from publishing.rendering import PdfRenderError
from publishing.selectors import published_reports
from reports import services
from reports.models import ReportEvent, ReportState
from tests.factories import ready_inspection, write_whole_report
from tests.publishing.helpers import render_all
from tests.sign_in import sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def approved(written_report, inspector, editor):  # type: ignore[no-untyped-def]
    report = services.report_submit_for_review(report=written_report, actor=inspector)
    return publication.report_approve(report=report, actor=editor, revision_number=report.version)


def make_approved(make_user, editor):  # type: ignore[no-untyped-def]
    inspector = make_user(Role.INSPECTOR)
    lead = make_user(Role.LEAD_INSPECTOR)
    from inspections.models import Force
    from tests.factories import InspectionFactory, ProgrammeFactory  # noqa: F401

    report = services.report_start(inspection=ready_inspection(team=[inspector], lead=lead))
    write_whole_report(report, inspector)
    services.report_sign_off_judgments(report=report, actor=lead)
    report.refresh_from_db()
    services.report_submit_for_review(report=report, actor=inspector)
    report.refresh_from_db()
    _ = Force
    return publication.report_approve(report=report, actor=editor, revision_number=report.version)


def go_live_fields(day: str, time: str, prefix: str = "schedule") -> dict[str, str]:
    """The go-live form's fields for ``day`` (YYYY-MM-DD) at ``time``, as the GOV.UK date input sends them."""
    year, month, date = day.split("-")
    return {
        f"{prefix}-go_live_date_0": date,
        f"{prefix}-go_live_date_1": month,
        f"{prefix}-go_live_date_2": year,
        f"{prefix}-go_live_time": time,
    }


def soon(minutes: int = 5) -> datetime.datetime:
    return timezone.now() + datetime.timedelta(minutes=minutes)


def test_scheduling_renders_the_pdf_in_advance_and_nothing_is_public_before_go_live(
    approved, editor, client, django_capture_on_commit_callbacks
) -> None:
    report = publication.report_schedule(report=approved, actor=editor, go_live_at=soon())
    render_all()
    report.refresh_from_db()
    edition = report.editions.get()
    assert edition.render_status == Edition.RenderStatus.READY
    assert edition.pdf_pages and edition.pdf_size and len(edition.pdf_sha256) == 64
    assert edition.pdf.name.startswith("editions/") and report.slug not in edition.pdf.name
    assert report.press_release.headline
    # Due in five minutes: a sweep now publishes nothing, and the public sees nothing.
    assert publication.publication_sweep()["published"] == 0
    assert not published_reports().exists()
    for url in (
        f"/reports/{report.slug}/",
        f"/reports/{report.slug}/pdf/",
        f"/reports/{report.slug}/editions/1/pdf/",
        f"/reports/{report.slug}/press-release/",
    ):
        assert client.get(url).status_code == HTTPStatus.NOT_FOUND, url
    assert report.slug not in client.get("/reports/").content.decode()


def test_at_go_live_the_report_pdf_and_press_release_appear_together(
    approved, editor, client, django_capture_on_commit_callbacks
) -> None:
    report = publication.report_schedule(report=approved, actor=editor, go_live_at=soon())
    render_all()
    report.refresh_from_db()
    moment = report.go_live_at
    # One second early: still nothing.
    assert publication.publication_sweep(now=moment - datetime.timedelta(seconds=1))["published"] == 0
    report.refresh_from_db()
    assert report.state == ReportState.SCHEDULED
    from reports.models import Report

    Report.objects.filter(pk=report.pk).update(go_live_at=timezone.now() - datetime.timedelta(seconds=1))
    assert publication.publication_sweep()["published"] == 1
    report.refresh_from_db()
    assert report.state == ReportState.PUBLISHED and report.first_published_at
    page = client.get(f"/reports/{report.slug}/")
    assert page.status_code == HTTPStatus.OK
    assert "Download the report (PDF" in page.content.decode()
    pdf = client.get(f"/reports/{report.slug}/pdf/")
    assert pdf.status_code == HTTPStatus.OK and pdf["Content-Type"] == "application/pdf"
    assert b"".join(pdf.streaming_content).startswith(b"%PDF-")
    assert client.get(f"/reports/{report.slug}/press-release/").status_code == HTTPStatus.OK
    # Publishing twice changes nothing.
    assert publication.publication_sweep()["published"] == 0
    assert ReportEvent.objects.filter(report=report, action="Published").count() == 1


def test_a_programme_goes_live_together_or_not_at_all(make_user, editor, django_capture_on_commit_callbacks) -> None:
    first = make_approved(make_user, editor)
    go_live = soon()
    publication.report_schedule(report=first, actor=editor, go_live_at=go_live)
    render_all()
    # The second one's PDF is not rendered yet (its task is not run): the whole moment waits.
    second = make_approved(make_user, editor)
    publication.report_schedule(report=second, actor=editor, go_live_at=go_live)
    from reports.models import Report

    Report.objects.filter(pk__in=[first.pk, second.pk]).update(
        go_live_at=timezone.now() - datetime.timedelta(seconds=1)
    )
    assert publication.publication_sweep()["published"] == 0
    first.refresh_from_db()
    assert first.state == ReportState.SCHEDULED
    assert "waiting for the PDF" in first.publish_problem
    assert not published_reports().exists()
    # A render asked of the broker just now is not asked again; one asked over a minute ago is (lost).
    assert publication.publication_sweep()["renders_requeued"] == 0
    later = timezone.now() + publication.RESEND_RENDER + datetime.timedelta(seconds=1)
    assert publication.publication_sweep(now=later)["renders_requeued"] == 1
    render_all()
    assert publication.publication_sweep()["published"] == 2
    assert published_reports().count() == 2
    times = set(Report.objects.filter(pk__in=[first.pk, second.pk]).values_list("first_published_at", flat=True))
    assert len(times) == 1


def test_programme_scheduling_takes_every_approved_report(
    make_user, editor, django_capture_on_commit_callbacks
) -> None:
    report = make_approved(make_user, editor)
    scheduled = publication.programme_schedule(programme=report.inspection.programme, actor=editor, go_live_at=soon())
    assert [r.pk for r in scheduled] == [report.pk]
    with pytest.raises(ValidationError, match="future"):
        publication.programme_schedule(programme=report.inspection.programme, actor=editor, go_live_at=soon(-1))


def test_only_editors_schedule_publish_correct_and_withdraw(approved, inspector, lead_inspector) -> None:
    for person in (inspector, lead_inspector):
        with pytest.raises(PermissionDenied):
            publication.report_schedule(report=approved, actor=person, go_live_at=soon())
        with pytest.raises(PermissionDenied):
            publication.report_publish_now(report=approved, actor=person)
        with pytest.raises(PermissionDenied):
            publication.report_withdraw(report=approved, actor=person, reason="x")


def published(report, editor, capture):  # type: ignore[no-untyped-def]
    publication.report_publish_now(report=report, actor=editor)
    render_all()
    publication.publication_sweep()
    report.refresh_from_db()
    assert report.state == ReportState.PUBLISHED
    return report


def test_publish_now_goes_live_once_the_pdf_is_ready(approved, editor, django_capture_on_commit_callbacks) -> None:
    report = published(approved, editor, django_capture_on_commit_callbacks)
    assert report.editions.get().published_at is not None


def test_a_correction_makes_a_new_edition_and_keeps_the_old(
    approved, editor, inspector, make_user, client, django_capture_on_commit_callbacks
) -> None:
    report = published(approved, editor, django_capture_on_commit_callbacks)
    with pytest.raises(ValidationError, match="Edit the report, its judgments or its findings first"):
        publication.report_correct(report=report, actor=editor, change_note="Nothing")
    services.report_save_part(
        report=report, actor=inspector, part="summary", text="Corrected summary.", based_on=report.version
    )
    report.refresh_from_db()
    assert report.state == ReportState.PUBLISHED  # editing a published report changes nothing public
    assert "Corrected summary." not in client.get(f"/reports/{report.slug}/").content.decode()
    with pytest.raises(ValidationError, match="change note"):
        publication.report_correct(report=report, actor=editor, change_note=" ")
    edition = publication.report_correct(report=report, actor=editor, change_note="Corrected a figure in the summary.")
    render_all()
    assert publication.publication_sweep()["corrections"] == 1
    edition.refresh_from_db()
    assert edition.number == 2 and edition.published_at
    page = client.get(f"/reports/{report.slug}/").content.decode()
    assert "Corrected summary." in page and "Corrected a figure in the summary." in page
    assert client.get(f"/reports/{report.slug}/editions/1/pdf/").status_code == HTTPStatus.OK
    assert client.get(f"/reports/{report.slug}/editions/2/pdf/").status_code == HTTPStatus.OK
    report.refresh_from_db()
    assert report.last_updated_at is not None


def test_a_press_release_edited_after_a_correction_is_recorded_against_the_live_edition(
    approved, editor, inspector, django_capture_on_commit_callbacks
) -> None:
    report = published(approved, editor, django_capture_on_commit_callbacks)
    services.report_save_part(
        report=report, actor=inspector, part="summary", text="Corrected.", based_on=report.version
    )
    report.refresh_from_db()
    publication.report_correct(report=report, actor=editor, change_note="Corrected the summary.")
    render_all()
    publication.publication_sweep()
    live = report.editions.get(number=2)
    assert live.published_at is not None
    publication.press_release_update(report=report, actor=editor, headline="New headline", body="New body.")
    event = ReportEvent.objects.filter(report=report, action="Press release edited").get()
    assert (event.edition_number, event.revision) == (2, live.revision)


def test_withdrawal_shows_the_reason_instead_of_the_report(
    approved, editor, client, django_capture_on_commit_callbacks
) -> None:
    report = published(approved, editor, django_capture_on_commit_callbacks)
    with pytest.raises(ValidationError):
        publication.report_withdraw(report=report, actor=editor, reason="")
    publication.report_withdraw(report=report, actor=editor, reason="Withdrawn pending a legal review.")
    page = client.get(f"/reports/{report.slug}/")
    assert page.status_code == HTTPStatus.GONE
    body = page.content.decode()
    assert "Withdrawn pending a legal review." in body and "Text of Summary." not in body
    assert client.get(f"/reports/{report.slug}/pdf/").status_code == HTTPStatus.NOT_FOUND
    assert ReportEvent.objects.filter(report=report, action="Withdrawn", reason__contains="legal review").exists()


def test_the_pcc_response_clock_runs_56_days_from_go_live(approved, editor, django_capture_on_commit_callbacks) -> None:
    report = published(approved, editor, django_capture_on_commit_callbacks)
    assert report.pcc_response_due == timezone.localdate(report.first_published_at) + datetime.timedelta(days=56)
    publication.pcc_response_record(report=report, actor=editor, url="https://pcc.example/response")
    report.refresh_from_db()
    assert report.pcc_response_url == "https://pcc.example/response" and report.pcc_response_recorded_at


def test_a_render_that_raises_is_shown_failed_and_a_retry_works(
    approved, editor, monkeypatch, django_capture_on_commit_callbacks
) -> None:
    from publishing import rendering

    real = rendering.render_report_pdf

    def broken(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise RuntimeError("the font went missing")

    monkeypatch.setattr(rendering, "render_report_pdf", broken)
    report = publication.report_schedule(report=approved, actor=editor, go_live_at=soon())
    fails_then_a_retry_works(
        report.editions.get(),
        editor,
        error=RuntimeError,
        message="the font went missing",
        mend=lambda: monkeypatch.setattr(rendering, "render_report_pdf", real),
    )


def fails_then_a_retry_works(edition, editor, *, error: type[Exception], message: str, mend) -> None:  # type: ignore[no-untyped-def]
    """Rendering ``edition`` fails with ``message`` shown to editors; once ``mend`` has mended the
    cause, an editor's retry renders it."""
    with pytest.raises(error):
        publication.edition_render(edition_id=edition.pk)
    edition.refresh_from_db()
    assert edition.render_status == Edition.RenderStatus.FAILED
    assert message in edition.render_error
    mend()
    publication.edition_retry_render(edition=edition, actor=editor)
    render_all()
    edition.refresh_from_db()
    assert edition.render_status == Edition.RenderStatus.READY


@pytest.mark.parametrize(
    ("limit", "value", "message"),
    [("PDF_MAX_PAGES", 2, "more than the 2 a report may have"), ("PDF_RENDER_SECONDS", 0.0005, "longer than 0.0005 s")],
)
def test_a_render_past_a_limit_is_a_failure_editors_see_and_retry(
    approved, editor, settings, limit: str, value: float, message: str
) -> None:
    setattr(settings, limit, value)
    report = publication.report_schedule(report=approved, actor=editor, go_live_at=soon())
    fails_then_a_retry_works(
        report.editions.get(),
        editor,
        error=PdfRenderError,
        message=message,
        mend=lambda: setattr(settings, limit, 400 if limit == "PDF_MAX_PAGES" else 60),
    )


def test_rendering_twice_keeps_one_file(approved, editor) -> None:
    report = publication.report_schedule(report=approved, actor=editor, go_live_at=soon())
    edition = report.editions.get()
    import os

    first = publication.edition_render(edition_id=edition.pk)
    files = set(os.listdir(os.path.dirname(first.pdf.path)))
    second = publication.edition_render(edition_id=edition.pk)
    assert first.pdf.name == second.pdf.name and first.pdf_sha256 == second.pdf_sha256
    assert set(os.listdir(os.path.dirname(first.pdf.path))) == files


def test_the_editor_schedules_in_the_workspace(client, approved, editor, inspector) -> None:
    url = reverse("publishing:publication", kwargs={"pk": approved.pk})
    sign_in(client, inspector)
    assert client.get(url).status_code == HTTPStatus.OK
    assert client.post(url, {"action": "publish_now"}).status_code == HTTPStatus.FORBIDDEN
    sign_in(client, editor)
    bad = client.post(url, {"action": "schedule", **go_live_fields("2001-01-01", "00:01")})
    assert bad.status_code == HTTPStatus.BAD_REQUEST and "must be in the future" in bad.content.decode()
    garbage = client.post(url, {"action": "schedule", **go_live_fields("2017-02-30", "25:99")})
    assert (
        garbage.status_code == HTTPStatus.BAD_REQUEST
        and "The go-live date must be a real date" in garbage.content.decode()
        and "Enter the go-live time like 00:01" in garbage.content.decode()
    )
    future = timezone.localtime(soon(60 * 24))
    ok = client.post(
        url,
        {"action": "schedule", **go_live_fields(future.date().isoformat(), future.strftime("%H:%M"))},
    )
    assert ok.status_code == HTTPStatus.FOUND
    approved.refresh_from_db()
    assert approved.state == ReportState.SCHEDULED
    assert (
        client.get(
            reverse("publishing:programme_schedule", kwargs={"programme_id": approved.inspection.programme_id})
        ).status_code
        == HTTPStatus.OK
    )


def test_a_pdf_cover_gives_the_day_its_edition_went_or_goes_live(approved, editor, monkeypatch) -> None:
    """Not the day it happened to render: an edition of 2016 rendered today says 2016."""
    from publishing import rendering

    dates: list[datetime.date | None] = []
    real = rendering.render_report_pdf

    def recording(*args, **kwargs):  # type: ignore[no-untyped-def]
        dates.append(kwargs["published_on"])
        return real(*args, **kwargs)

    monkeypatch.setattr(rendering, "render_report_pdf", recording)
    go_live = soon(60 * 24 * 3)
    publication.report_schedule(report=approved, actor=editor, go_live_at=go_live)
    render_all()
    edition = approved.editions.get()
    published = datetime.datetime(2016, 12, 8, 0, 1, tzinfo=datetime.UTC)
    Edition.objects.filter(pk=edition.pk).update(render_status=Edition.RenderStatus.PENDING, published_at=published)
    render_all()
    assert dates == [timezone.localdate(go_live), datetime.date(2016, 12, 8)]
