"""The demo's Welsh: every 2017 report of the four Welsh forces has its parts in Welsh (demo text, marked
as such), so that their approval can be walked; one draft's summary is out of date with its English, so
that the translator's journey can be walked too. Idempotent: a report with any Welsh is left as it is."""

from __future__ import annotations

from django.db import transaction

from accounts.models import User
from publishing.demo.inspections import DEMO_MARK
from reports.models import RecordTranslation, Report, ReportState, Translation
from reports.selectors import report_parts
from reports.services import report_save_part
from reports.translations import WELSH, record_translation_status

#: Welsh for the demo's own marker, so that nobody takes the text for a real translation.
DEMO_WELSH = "Enghraifft:"


@transaction.atomic
def load() -> int:
    translator = User.objects.filter(email="editor@example.org").first()
    if translator is None:
        return 0
    made = 0
    reports = (
        Report.objects.filter(inspection__programme__year=2017, inspection__force__country="Wales")
        .select_related("inspection__force")
        .order_by("inspection__force__name")
    )
    stale_done = False
    for report in reports:
        if report.translations.exists():
            continue
        revisions = list(report.revisions.order_by("number"))
        if not revisions:
            continue
        latest = revisions[-1]
        # One draft whose English summary changed after it was translated: its Welsh is out of date.
        stale = not stale_done and report.state == ReportState.DRAFT and len(revisions) > 1
        for part in report_parts(report):
            source = latest
            if stale and part.key == "summary":
                earlier = next(
                    (r for r in reversed(revisions[:-1]) if r.part("summary") != latest.part("summary")), None
                )
                source = earlier or latest
            english = source.part(part.key)
            if not english.strip():
                continue
            Translation.objects.create(
                report=report,
                part=part.key,
                language=WELSH,
                number=1,
                text=f"{DEMO_WELSH} ({DEMO_MARK} testun Cymraeg enghreifftiol) {part.title}: crynodeb o'r adran hon yn Gymraeg.",
                source_revision=source,
                author=translator,
            )
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
        for item in record_translation_status(report):
            RecordTranslation.objects.create(
                report=report,
                kind=item.kind,
                item_id=item.item_id,
                number=1,
                source_text=item.english,
                text=f"{DEMO_WELSH} ({DEMO_MARK} testun Cymraeg enghreifftiol) {item.label}.",
                author=translator,
            )
        stale_done = stale_done or stale
        made += 1
    return made
