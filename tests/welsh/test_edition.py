"""A Welsh force's report is one publication in two languages: the edition freezes its Welsh, renders a
Welsh PDF (its own tagged file, Lang cy, cover and contents in Welsh) beside the English, goes live in
both at one moment or in neither, and is corrected in both."""

from __future__ import annotations

import datetime
import io
from http import HTTPStatus

import pikepdf
import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from publishing import rendering
from publishing import services as publication
from publishing.models import Edition
from publishing.selectors import unpublished_changes
from reports import services, translations
from reports.models import Report, ReportState
from tests.factories import translate_whole_report
from tests.publishing.helpers import force, make_programme, make_report, render_all
from tests.publishing.test_rendering import structure

pytestmark = pytest.mark.django_db


def go_live_passes(report: Report) -> None:
    Report.objects.filter(pk=report.pk).update(go_live_at=timezone.now() - datetime.timedelta(seconds=1))
    publication.publication_sweep()


def test_a_welsh_forces_report_renders_and_goes_live_in_both_languages_at_one_moment(client, people) -> None:
    report = make_report(make_programme("Legitimacy 2017", 2017), force("gwent-police"), people, state="scheduled")
    edition = report.editions.get()
    assert edition.bilingual and edition.render_status == Edition.RenderStatus.READY
    assert edition.welsh["parts"]["summary"] == "Cymraeg: Summary."
    assert report.slug_cy == "heddlu-gwent-cymraeg-legitimacy-2017"

    # Two PDFs, each its own tagged file in its own language, the Welsh one titled and headed in Welsh.
    english = rendering.check_pdf(edition.pdf.read())
    welsh_bytes = edition.pdf_cy.read()
    welsh = rendering.check_pdf(welsh_bytes)
    assert english.accessible and english.language == "en-GB" and english.title == report.title
    assert (
        welsh.accessible
        and welsh.language == "cy"
        and welsh.title == report.title_cy == ("Cymraeg: Legitimacy 2017: Heddlu Gwent")
    )
    with pikepdf.open(io.BytesIO(welsh_bytes)) as pdf:
        nodes = structure(pdf)
        with pdf.open_outline() as outline:
            bookmarks = [item.title for item in outline.root[0].children]
    texts = [node.text for node in nodes]
    assert "Cynnwys" in texts  # the contents' heading
    assert any(text.startswith("Crynodeb") for text in texts if text)  # its entry for the summary
    assert "Cymraeg: Summary." in texts
    assert "Crynodeb" in bookmarks and "Ein dyfarniadau" in bookmarks
    assert not [text for text in texts if text in ("Contents", "Summary", "Our judgments", "Key findings")]
    assert edition.body_html_cy.count("Cymraeg: Summary.") == 1 and "Crynodeb" in edition.body_html_cy

    # Under embargo, neither language is anywhere.
    english_page, welsh_page = f"/reports/{report.slug}/", f"/cy/adroddiadau/{report.slug_cy}/"
    assert client.get(english_page).status_code == HTTPStatus.NOT_FOUND
    assert client.get(welsh_page).status_code == HTTPStatus.NOT_FOUND
    assert client.get(f"{welsh_page}argraffiadau/1/pdf/").status_code == HTTPStatus.NOT_FOUND

    go_live_passes(report)
    edition.refresh_from_db()
    assert edition.published_at is not None  # one row: the English and the Welsh go live together
    assert client.get(english_page).status_code == HTTPStatus.OK
    page = client.get(welsh_page)
    assert page.status_code == HTTPStatus.OK and page["Content-Language"] == "cy"
    assert '<html lang="cy"' in page.content.decode() and "Cymraeg: Summary." in page.content.decode()
    pdf = client.get(f"{welsh_page}argraffiadau/1/pdf/")
    assert pdf["Content-Language"] == "cy" and b"".join(pdf.streaming_content) == welsh_bytes


def test_if_the_welsh_pdf_cannot_be_made_neither_language_goes_live(client, people, monkeypatch) -> None:
    report = make_report(make_programme("Legitimacy 2017", 2017), force("gwent-police"), people, state="approved")
    real = rendering.render_report_pdf

    def english_only(*args, language="en-gb", **kwargs):  # type: ignore[no-untyped-def]
        if language == "cy":
            raise rendering.PdfRenderError("the Welsh would not typeset")
        return real(*args, language=language, **kwargs)

    monkeypatch.setattr(rendering, "render_report_pdf", english_only)
    go_live = timezone.now() + datetime.timedelta(days=1)
    report = publication.report_schedule(report=report, actor=people.editor, go_live_at=go_live)
    edition = report.editions.get()
    for _attempt in range(publication.MAX_RENDER_ATTEMPTS):  # the task's attempts
        with pytest.raises(rendering.PdfRenderError):
            publication.edition_render(edition_id=edition.pk)
    edition.refresh_from_db()
    assert edition.render_status == Edition.RenderStatus.FAILED and "Welsh would not typeset" in edition.render_error
    assert not edition.pdf and not edition.pdf_cy  # not even the English was kept
    go_live_passes(report)
    report.refresh_from_db()
    assert report.state == ReportState.SCHEDULED and report.publish_problem
    assert client.get(f"/reports/{report.slug}/").status_code == HTTPStatus.NOT_FOUND
    assert client.get(f"/cy/adroddiadau/{report.slug_cy}/").status_code == HTTPStatus.NOT_FOUND


def test_a_correction_is_made_in_both_languages(client, people, fast_pdfs) -> None:
    report = make_report(make_programme("Legitimacy 2016", 2016), force("gwent-police"), people, state="published")
    services.report_save_part(
        report=report, actor=people.inspector, part="summary", text="A corrected summary.", based_on=report.version
    )
    report.refresh_from_db()
    assert "its text" in unpublished_changes(report)
    with pytest.raises(ValidationError) as refused:
        publication.report_correct(report=report, actor=people.editor, change_note="Summary corrected.")
    assert refused.value.messages == [
        "Enter the change note in Welsh too: a Welsh force's report is corrected in both",
        "The Welsh of “Summary” is out of date: translate it before approval",
    ]
    translate_whole_report(report, people.editor)
    edition = publication.report_correct(
        report=report, actor=people.editor, change_note="Summary corrected.", change_note_cy="Cywirwyd y crynodeb."
    )
    assert edition.number == 2 and edition.bilingual
    assert (edition.change_note, edition.change_note_cy) == ("Summary corrected.", "Cywirwyd y crynodeb.")
    render_all()
    publication.publication_sweep()
    english = client.get(f"/reports/{report.slug}/").content.decode()
    welsh = client.get(f"/cy/adroddiadau/{report.slug_cy}/").content.decode()
    assert "Summary corrected." in english and "Cywirwyd y crynodeb." not in english
    assert "Cywirwyd y crynodeb." in welsh and "Summary corrected." not in welsh
    assert "Diweddarwyd" in welsh  # "Updated", in Welsh
    feed = client.get("/cy/adroddiadau/ffrwd/").content.decode()
    assert (
        "Cywiriad: Cywirwyd y crynodeb." in feed
        and "Heddlu Gwent: Cymraeg: Legitimacy 2016 (wedi'i gywiro)</title>" in feed
    )


def test_a_change_to_the_welsh_alone_is_published_as_a_correction(people, fast_pdfs, make_user) -> None:
    from accounts.roles import Role

    report = make_report(make_programme("Legitimacy 2016", 2016), force("gwent-police"), people, state="published")
    assert unpublished_changes(report) == ""
    translator = make_user(Role.TRANSLATOR)
    latest = report.translations.filter(part="summary").order_by("-number").first()
    translations.translation_save(
        report=report,
        actor=translator,
        part="summary",
        text="Crynodeb gwell.",
        based_on=latest.number,
        source_revision=report.version,
    )
    assert unpublished_changes(report) == "its Welsh"
    edition = publication.report_correct(
        report=report, actor=people.editor, change_note="The Welsh corrected.", change_note_cy="Cywirwyd y Gymraeg."
    )
    assert edition.welsh["parts"]["summary"] == "Crynodeb gwell."


def test_an_english_forces_report_is_published_in_english_only(people, fast_pdfs) -> None:
    report = make_report(make_programme("Legitimacy 2016", 2016), force("kent-police"), people, state="published")
    edition = report.editions.get()
    assert not edition.bilingual and not edition.pdf_cy and edition.welsh == {} and report.slug_cy is None
    # And its correction asks for no Welsh.
    services.report_save_part(
        report=report, actor=people.inspector, part="summary", text="New.", based_on=report.version
    )
    report.refresh_from_db()
    assert publication.report_correct(report=report, actor=people.editor, change_note="Fixed.").number == 2


def test_the_publication_page_shows_editors_both_pdfs(client, people, fast_pdfs) -> None:
    from tests.sign_in import sign_in

    report = make_report(make_programme("Legitimacy 2017", 2017), force("gwent-police"), people, state="scheduled")
    sign_in(client, people.editor)
    body = client.get(f"/workspace/reports/{report.pk}/publication/").content.decode()
    assert "PDFs ready</strong> English: 1 page," in body and "Welsh: 1 page," in body and "both checked" in body
