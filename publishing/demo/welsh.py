"""The demo's Welsh. The four Welsh forces' 2015 and 2016 reports are published in both languages (their
editions carry the Welsh and render a Welsh PDF), and every 2017 report of theirs has its parts in Welsh,
so that their approval can be walked; one 2017 draft's summary is out of date with its English, so that
the translator's journey can be walked too. The Welsh is demo text, marked as such ("Enghraifft:"), in
Welsh. Idempotent: a report with any Welsh is left as it is."""

from __future__ import annotations

from django.db import transaction

from accounts.models import User
from inspections.models import Inspection
from publishing.demo.inspections import DEMO_MARK
from publishing.services import edition_snapshot_record, welsh_slug
from reports import search
from reports.models import RecordTranslation, Report, ReportState, Revision, Translation
from reports.selectors import Part, report_parts
from reports.services import report_save_part
from reports.translations import WELSH, record_translation_status, welsh_now

#: Welsh for the demo's own marker, so that nobody takes the text for a real translation.
DEMO_WELSH = "Enghraifft:"
#: What the demo's Welsh calls each part that is not a question's section.
PART_TITLES_CY = {"summary": "Crynodeb", "key_findings": "Prif ganfyddiadau", "lead_quote": "Barn yr arolygydd"}


def part_text(inspection: Inspection, part: Part) -> str:
    """A paragraph or two of demo Welsh for ``part`` of ``inspection``'s report."""
    force = inspection.force.name_cy or inspection.force.name
    title = PART_TITLES_CY.get(part.key, "")
    if part.question_id is not None:
        question = inspection.programme.questions.get(pk=part.question_id)
        title = question.short_title_cy
    return (
        f"{DEMO_WELSH} testun Cymraeg enghreifftiol ({DEMO_MARK} Welsh demo text), nid cyfieithiad go iawn.\n\n"
        f"**{title}.** Mae'r adran hon yn crynhoi'r hyn a ganfu'r arolygiad yn {force} yn {inspection.programme.year}. "
        "Mae'r heddlu'n trin y cyhoedd yn deg ac â pharch, ac mae'n gweithio i ennill ymddiriedaeth "
        "cymunedau lleol. Mae rhagor i'w wneud i ddeall profiad pobl o'r heddlu."
    )


def record_text(label: str) -> str:
    return f"{DEMO_WELSH} ({DEMO_MARK} testun Cymraeg enghreifftiol) Mae angen i'r heddlu wella yn y maes hwn."


def translate(report: Report, translator: User, source: Revision, *, summary_source: Revision | None = None) -> None:
    """Welsh for every written part of ``source`` and every narrative and finding of the record."""
    for part in report_parts(report):
        translated = summary_source if part.key == "summary" and summary_source else source
        if not translated.part(part.key).strip():
            continue
        Translation.objects.create(
            report=report,
            part=part.key,
            language=WELSH,
            number=1,
            text=part_text(report.inspection, part),
            source_revision=translated,
            author=translator,
        )
    for item in record_translation_status(report):
        RecordTranslation.objects.create(
            report=report,
            kind=item.kind,
            item_id=item.item_id,
            number=1,
            source_text=item.english,
            text=record_text(item.label),
            author=translator,
        )


def publish_in_welsh(report: Report) -> None:
    """Make a published demo report's editions bilingual, as they would have been frozen with their
    Welsh: the worker then renders each one's Welsh PDF with its English one."""
    welsh = welsh_now(report)
    for edition in report.editions.all():
        edition.bilingual, edition.welsh = True, welsh
        if edition.change_note:
            edition.change_note_cy = f"{DEMO_WELSH} cywirwyd y crynodeb."
        edition.save(update_fields=["bilingual", "welsh", "change_note_cy"])
        edition_snapshot_record(edition)
    report.slug_cy = welsh_slug(report)
    report.save(update_fields=["slug_cy"])
    live = report.editions.order_by("-number").first()
    if live is not None:
        search.index_report(report, live.revision, welsh["parts"])


@transaction.atomic
def load() -> int:
    translator = User.objects.filter(email="editor@example.org").first()
    if translator is None:
        return 0
    made = 0
    reports = (
        Report.objects.filter(inspection__force__country="Wales")
        .select_related("inspection__force", "inspection__programme")
        .order_by("inspection__programme__year", "inspection__force__name")
    )
    stale_done = False
    for report in reports:
        if report.translations.exists():
            continue
        revisions = list(report.revisions.order_by("number"))
        if not revisions:
            continue
        latest = revisions[-1]
        if report.state == ReportState.PUBLISHED:
            translate(report, translator, latest)
            publish_in_welsh(report)
            made += 1
            continue
        # One draft whose English summary changed after it was translated: its Welsh is out of date.
        stale = not stale_done and report.state == ReportState.DRAFT and len(revisions) > 1
        earlier = None
        if stale:
            earlier = next((r for r in reversed(revisions[:-1]) if r.part("summary") != latest.part("summary")), None)
        translate(report, translator, latest, summary_source=earlier)
        if not stale_done and report.state == ReportState.DRAFT and not stale:
            # The English summary moves on after the Welsh was made: the translator's page shows what changed.
            author = report.inspection.lead_inspector or translator
            report_save_part(
                report=report,
                actor=author,
                part="summary",
                text=f"{latest.part('summary')}\n\n{DEMO_MARK} a sentence added after the Welsh was written.",
                based_on=latest.number,
            )
            stale = True
        stale_done = stale_done or stale
        made += 1
    return made
