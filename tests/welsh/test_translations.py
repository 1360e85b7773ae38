"""The Welsh of a Welsh force's report: tied to the English revision it translates, out of date when the
English changes, saved with the English's rules, and required before approval."""

from __future__ import annotations

from http import HTTPStatus

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.roles import Role
from inspections.models import Force
from publishing.services import report_approve
from reports import translations
from reports.models import ReportEvent
from reports.selectors import report_parts
from reports.services import report_save_part, report_submit_for_review
from tests.sign_in import sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def welsh_report(written_report):  # type: ignore[no-untyped-def]
    inspection = written_report.inspection
    inspection.force = Force.objects.get(slug="dyfed-powys-police")
    inspection.save()
    written_report.refresh_from_db()
    return written_report


@pytest.fixture
def translator(make_user):  # type: ignore[no-untyped-def]
    return make_user(Role.TRANSLATOR, name="Tal Translator")


def translate_all(report, translator) -> None:  # type: ignore[no-untyped-def]
    from tests.factories import translate_whole_report

    translate_whole_report(report, translator)


def test_only_a_welsh_forces_report_is_bilingual(written_report, welsh_report) -> None:
    assert translations.is_bilingual(welsh_report)
    assert translations.translation_problems(welsh_report)
    english = welsh_report  # the same report moved back to an English force
    english.inspection.force = Force.objects.get(slug="kent-police")
    english.inspection.save()
    assert not translations.is_bilingual(english)
    assert translations.translation_problems(english) == []


def test_a_changed_english_part_makes_its_welsh_out_of_date(welsh_report, translator, inspector) -> None:
    translate_all(welsh_report, translator)
    assert all(row.up_to_date for row in translations.translation_status(welsh_report))
    report_save_part(
        report=welsh_report, actor=inspector, part="summary", text="A new summary.", based_on=welsh_report.version
    )
    welsh_report.refresh_from_db()
    rows = {row.part.key: row for row in translations.translation_status(welsh_report)}
    assert not rows["summary"].up_to_date and rows["summary"].status == "Out of date"
    assert rows["summary"].english_translated == "Text of Summary." and rows["summary"].english == "A new summary."
    assert all(row.up_to_date for key, row in rows.items() if key != "summary")
    assert translations.translation_problems(welsh_report) == [
        "The Welsh of “Summary” is out of date: translate it before approval"
    ]


def test_approval_waits_for_the_welsh(welsh_report, translator, inspector, editor) -> None:
    report = report_submit_for_review(report=welsh_report, actor=inspector)
    with pytest.raises(ValidationError, match="The Welsh of “Summary” is not translated"):
        report_approve(report=report, actor=editor, revision_number=report.version)
    translate_all(report, translator)
    report_approve(report=report, actor=editor, revision_number=report.version)
    saved = len(report_parts(report)) + len(translations.record_translation_status(report))
    assert ReportEvent.objects.filter(report=report, action="Welsh saved").count() == saved


def test_a_second_save_of_the_same_welsh_from_an_old_page_is_a_conflict(welsh_report, translator, editor) -> None:
    first = translations.translation_save(
        report=welsh_report, actor=translator, part="summary", text="Un.", based_on=0, source_revision=1
    )
    assert first is not None and first.number == 1
    with pytest.raises(translations.TranslationConflict) as conflict:
        translations.translation_save(
            report=welsh_report, actor=editor, part="summary", text="Dau.", based_on=0, source_revision=1
        )
    assert conflict.value.theirs == first and conflict.value.your_text == "Dau."
    assert (
        translations.translation_save(
            report=welsh_report, actor=translator, part="summary", text="Un.", based_on=1, source_revision=1
        )
        is None
    )


def test_who_may_write_the_welsh(welsh_report, inspector, other_inspector, lead_inspector) -> None:
    for person in (inspector, other_inspector, lead_inspector):
        with pytest.raises(PermissionDenied):
            translations.translation_save(
                report=welsh_report, actor=person, part="summary", text="x", based_on=0, source_revision=1
            )


def test_the_translator_works_side_by_side_and_sees_the_english_diff(
    client, welsh_report, translator, inspector
) -> None:
    sign_in(client, translator)
    page = client.get(f"/workspace/reports/{welsh_report.pk}/welsh/")
    assert page.status_code == HTTPStatus.OK and "Not translated" in page.content.decode()
    url = f"/workspace/reports/{welsh_report.pk}/welsh/summary/"
    form = client.get(url).content.decode()
    assert 'lang="cy"' in form and "Text of Summary." in form
    saved = client.post(url, {"text": "Crynodeb.", "based_on": 0, "source_revision": welsh_report.version})
    assert saved.status_code == HTTPStatus.FOUND
    report_save_part(
        report=welsh_report,
        actor=inspector,
        part="summary",
        text="Text of Summary, changed.",
        based_on=welsh_report.version,
    )
    page = client.get(url).content.decode()
    assert "The English has changed since the Welsh was made" in page and "<ins" in page
    # A translator reads only the Welsh forces' drafts.
    sign_in(client, translator)
    from reports.services import report_start
    from tests.factories import ready_inspection

    english = report_start(inspection=ready_inspection(team=[inspector], lead=welsh_report.inspection.lead_inspector))
    assert client.get(f"/workspace/reports/{english.pk}/").status_code == HTTPStatus.NOT_FOUND
    assert client.get(f"/workspace/reports/{english.pk}/welsh/").status_code == HTTPStatus.NOT_FOUND


def test_an_outside_translator_works_through_xliff_and_a_wrong_file_is_refused(
    client, welsh_report, translator, inspector
) -> None:
    from translate.storage import xliff

    sign_in(client, translator)
    exported = client.get(f"/workspace/reports/{welsh_report.pk}/welsh/summary/xliff/")
    assert exported.status_code == HTTPStatus.OK
    assert 'version="1.2"' in exported.content.decode() and "Text of Summary." in exported.content.decode()
    assert exported["Content-Disposition"].startswith("attachment;")

    def translated(content: bytes, welsh: str) -> bytes:
        document = xliff.xlifffile.parsestring(content)
        document.units[0].target = welsh
        return bytes(document)

    from django.core.files.uploadedfile import SimpleUploadedFile

    def post(url_key: str, content: bytes):  # type: ignore[no-untyped-def]
        return client.post(
            f"/workspace/reports/{welsh_report.pk}/welsh/{url_key}/xliff/",
            {"xliff": SimpleUploadedFile("summary.cy.xlf", content, content_type="application/xliff+xml")},
        )

    wrong_part = post("key_findings", translated(exported.content, "Crynodeb."))
    assert wrong_part.status_code == HTTPStatus.BAD_REQUEST
    assert "The file is for another part" in wrong_part.content.decode()
    assert "The file is not XLIFF" in post("summary", b"<html>nope</html>").content.decode()
    assert "no Welsh in it yet" in post("summary", exported.content).content.decode()
    edited = exported.content.replace(b"Text of Summary.", b"Text edited by the translator.")
    assert "not the English that was exported" in post("summary", translated(edited, "x")).content.decode()
    assert not welsh_report.translations.exists()

    done = post("summary", translated(exported.content, "Crynodeb yn Gymraeg."))
    assert done.status_code == HTTPStatus.FOUND
    saved = welsh_report.translations.get(part="summary")
    assert saved.text == "Crynodeb yn Gymraeg." and saved.source_revision.number == welsh_report.version
    # The English moves on after the export: the imported Welsh is tied to the revision it translated.
    report_save_part(report=welsh_report, actor=inspector, part="summary", text="New.", based_on=welsh_report.version)
    welsh_report.refresh_from_db()
    row = next(row for row in translations.translation_status(welsh_report) if row.part.key == "summary")
    assert row.status == "Out of date"


def test_a_name_the_welsh_edition_needs_without_its_welsh_holds_approval(welsh_report, translator) -> None:
    from tests.factories import translate_whole_report

    translate_whole_report(welsh_report, translator)
    assert translations.translation_problems(welsh_report) == []
    question = welsh_report.inspection.programme.questions.get(number=2)
    question.short_title_cy = ""
    question.save()
    grade = welsh_report.inspection.programme.scale.grades.get(slug="good")
    grade.label_cy = ""
    grade.save()
    assert translations.translation_problems(welsh_report) == [
        "Add the Welsh of question 2, Ethics (on the programme)",
        "Add the Welsh of the grade “Good” (in the admin, on the grading scale)",
    ]


def test_the_migrations_give_the_welsh_forces_grades_and_pillars_their_welsh_names() -> None:
    from inspections.models import Grade, Pillar

    assert Force.objects.get(slug="north-wales-police").name_cy == "Heddlu Gogledd Cymru"
    assert set(Grade.objects.filter(slug="good").values_list("label_cy", flat=True)) == {"Da"}
    assert Pillar.objects.get(slug="legitimacy").name_cy == "Cyfreithlondeb"
    assert not Force.objects.filter(country="Wales", name_cy="").exists()


def test_the_records_narratives_and_findings_need_their_welsh_too(client, welsh_report, translator, inspector) -> None:
    from inspections.models import Finding, Judgment
    from reports.record import judgment_record

    translate_all(welsh_report, translator)
    assert translations.translation_problems(welsh_report) == []
    finding = Finding.objects.create(
        inspection=welsh_report.inspection, kind=Finding.Kind.AREA_FOR_IMPROVEMENT, text="Improve."
    )
    judgment = Judgment.objects.get(inspection=welsh_report.inspection, question__number=1)
    judgment_record(
        inspection=welsh_report.inspection,
        actor=inspector,
        grade=judgment.grade,
        narrative="Changed.",
        question=judgment.question,
    )
    assert translations.translation_problems(welsh_report) == [
        "The Welsh of the narrative for 1. Fairness is out of date",
        "The Welsh of the area for improvement “Improve.” is not translated",
    ]
    sign_in(client, translator)
    url = f"/workspace/reports/{welsh_report.pk}/welsh/"
    refused = client.post(url, {"kind": "finding", "item": finding.pk, "text": " "})
    assert refused.status_code == HTTPStatus.BAD_REQUEST and "Enter the Welsh" in refused.content.decode()
    assert client.post(url, {"kind": "finding", "item": finding.pk, "text": "Gwella."}).status_code == HTTPStatus.FOUND
    assert client.post(url, {"kind": "narrative", "item": judgment.pk, "text": "Wedi newid."}).status_code == 302
    assert translations.translation_problems(welsh_report) == []
