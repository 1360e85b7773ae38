"""The Welsh of a Welsh force's report: one text per part, tied to the English revision it translates.

Public bodies in Wales treat Welsh and English equally, so a report of one of the four Welsh forces is
one publication in two languages. A part's Welsh is up to date while the English of that part is what it
was in the revision the Welsh translates; when the English changes, the Welsh is out of date and the
translator sees the English diff since. Approval waits until every part's Welsh is up to date
(``reports.selectors.approval_problems``).

Saving follows the English's rules: Markdown, cleaned text, a number per save, and a conflict when
someone else saved the same part's Welsh since the page was opened.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.text import Truncator

from accounts import permissions
from inspections.evidence import CaseFileAudit
from inspections.models import Finding, Judgment
from inspectorate.text import clean_text
from reports.audit import report_event
from reports.errors import WorkflowError
from reports.models import RecordTranslation, Report, Revision, Translation
from reports.selectors import Part, report_parts
from reports.services import MAX_PART_CHARACTERS, report_lock

if TYPE_CHECKING:
    from accounts.models import User

WELSH = "cy"


def is_bilingual(report: Report) -> bool:
    """Whether the report is published in Welsh as well as English: those of the four Welsh forces."""
    return bool(report.inspection.force.country == "Wales")


@dataclass(frozen=True)
class PartTranslation:
    """One part's Welsh, and whether it is up to date with the English."""

    part: Part
    english: str  # the part's English now
    welsh: Translation | None  # the latest Welsh, if any
    english_translated: str  # the part's English as it was in the revision the Welsh translates

    @property
    def needed(self) -> bool:
        return bool(self.english.strip())

    @property
    def up_to_date(self) -> bool:
        if not self.needed:
            return True
        return self.welsh is not None and self.english_translated == self.english

    @property
    def status(self) -> str:
        if self.up_to_date:
            return "Up to date" if self.welsh is not None else "Nothing to translate"
        return "Out of date" if self.welsh is not None else "Not translated"


def latest_translations(report: Report) -> dict[str, Translation]:
    """The latest Welsh of each part."""
    latest: dict[str, Translation] = {}
    for translation in (
        report.translations.filter(language=WELSH).select_related("source_revision").order_by("part", "-number")
    ):
        latest.setdefault(translation.part, translation)
    return latest


def translation_status(report: Report) -> list[PartTranslation]:
    """Each part of the report, in order, with its Welsh and whether that is up to date."""
    revision = report.latest_revision()
    latest = latest_translations(report)
    rows = []
    for part in report_parts(report):
        welsh = latest.get(part.key)
        rows.append(
            PartTranslation(
                part=part,
                english=revision.part(part.key) if revision else "",
                welsh=welsh,
                english_translated=welsh.source_revision.part(part.key) if welsh else "",
            )
        )
    return rows


@dataclass(frozen=True)
class RecordItemTranslation:
    """One item of the record a Welsh edition prints (a judgment's narrative, a finding), with its Welsh."""

    kind: str
    item_id: int
    label: str
    english: str
    welsh: RecordTranslation | None

    @property
    def up_to_date(self) -> bool:
        return self.welsh is not None and self.welsh.source_text == self.english

    @property
    def status(self) -> str:
        if self.up_to_date:
            return "Up to date"
        return "Out of date" if self.welsh is not None else "Not translated"


def record_translation_status(report: Report) -> list[RecordItemTranslation]:
    """Each judgment narrative and finding of the inspection that has English to translate, with its Welsh."""
    latest: dict[tuple[str, int], RecordTranslation] = {}
    for translation in report.record_translations.order_by("kind", "item_id", "-number"):
        latest.setdefault((translation.kind, translation.item_id), translation)
    inspection = report.inspection
    rows = []
    for judgment in (
        Judgment.objects.filter(inspection=inspection)
        .select_related("question", "pillar")
        .order_by("pillar", "question__number")
    ):
        if judgment.narrative.strip():
            label = f"Narrative: {judgment.question or judgment.pillar}"
            kind = RecordTranslation.Kind.NARRATIVE
            rows.append(
                RecordItemTranslation(kind, judgment.pk, label, judgment.narrative, latest.get((kind, judgment.pk)))
            )
    for finding in Finding.objects.filter(inspection=inspection).order_by("kind", "order", "pk"):
        kind = RecordTranslation.Kind.FINDING
        rows.append(
            RecordItemTranslation(
                kind, finding.pk, str(finding.get_kind_display()), finding.text, latest.get((kind, finding.pk))
            )
        )
    return rows


def record_translation_save(*, report: Report, actor: User, kind: str, item_id: int, text: str) -> RecordTranslation:
    """Save the Welsh of one judgment narrative or finding, translating its English as it is now."""
    if not permissions.can_translate_report(actor, report):
        raise PermissionDenied("Only translators and editors write the Welsh of a Welsh force's report")
    text = clean_text(text)
    if not text:
        raise ValidationError("Enter the Welsh", code="empty")
    with transaction.atomic():
        report = report_lock(report)
        if not report.is_editable:
            raise WorkflowError(f"The report is {report.get_state_display().lower()}: its Welsh can no longer change")
        item = next(
            (row for row in record_translation_status(report) if row.kind == kind and row.item_id == item_id), None
        )
        if item is None:
            raise ValidationError("Select a narrative or finding of this report", code="unknown_item")
        translation = RecordTranslation.objects.create(
            report=report,
            kind=kind,
            item_id=item_id,
            number=(item.welsh.number if item.welsh else 0) + 1,
            source_text=item.english,
            text=text,
            author=actor,
        )
        report_event(report, actor, "Welsh saved", revision=report.latest_revision(), reason=f"{item.label}")
    return translation


def welsh_now(report: Report) -> dict[str, dict[str, str]]:
    """The report's Welsh as it stands, as an edition freezes it: ``parts`` (each part's latest Welsh, by
    key) and ``record`` (each judgment narrative's and finding's latest Welsh, by ``"kind:id"``)."""
    keys = {part.key for part in report_parts(report)}
    parts = {key: translation.text for key, translation in latest_translations(report).items() if key in keys}
    record: dict[str, str] = {}
    for translation in report.record_translations.order_by("kind", "item_id", "-number"):
        record.setdefault(f"{translation.kind}:{translation.item_id}", translation.text)
    return {"parts": parts, "record": record}


def welsh_names_missing(report: Report) -> list[str]:
    """The names a Welsh edition prints that have no Welsh yet: the force's, the programme's, its questions',
    pillars' and grades'. Nothing falls back to English: each is asked for here instead."""
    inspection = report.inspection
    programme = inspection.programme
    missing = []
    if not inspection.force.name_cy:
        missing.append(f"Add the Welsh name of {inspection.force.name} (in the admin, under forces)")
    if not programme.name_cy:
        missing.append(f"Add the Welsh name of {programme.name} (in the admin, on the programme)")
    for question in programme.questions.order_by("number"):
        if not (question.text_cy and question.short_title_cy):
            missing.append(f"Add the Welsh of question {question.number}, {question.short_title} (on the programme)")
    for pillar in programme.pillars.all():
        if not pillar.name_cy:
            missing.append(f"Add the Welsh name of the {pillar.name} pillar (in the admin)")
    for grade in programme.scale.grades.all():
        if not grade.label_cy:
            missing.append(f"Add the Welsh of the grade “{grade.label}” (in the admin, on the grading scale)")
    shown = list(CaseFileAudit.objects.filter(evidence__inspection=inspection, in_about_the_data=True).order_by("pk"))
    for audit in shown:
        if not audit.title_cy:
            missing.append(f"Add the Welsh title of the case-file audit “{audit.title}” (on the evidence page)")
    if shown:
        for measure in programme.checklist.filter(text_cy="").order_by("number"):
            missing.append(f"Add the Welsh of checklist measure {measure.number}, “{measure.text}” (on the programme)")
    return missing


def translation_problems(report: Report) -> list[str]:
    """What stands between a Welsh force's report and approval: each part whose Welsh is missing or out of
    date, and each name its Welsh edition needs that has no Welsh yet. Nothing for an English force's
    report."""
    if not is_bilingual(report):
        return []
    parts = [
        f"The Welsh of “{row.part.title}” is {row.status.lower()}: translate it before approval"
        for row in translation_status(report)
        if not row.up_to_date
    ]
    record = [
        f"The Welsh of the {row.label.lower()} “{Truncator(row.english).chars(60)}” is {row.status.lower()}"
        if row.kind == RecordTranslation.Kind.FINDING
        else f"The Welsh of the narrative for {row.label.removeprefix('Narrative: ')} is {row.status.lower()}"
        for row in record_translation_status(report)
        if not row.up_to_date
    ]
    return parts + record + welsh_names_missing(report)


class TranslationConflict(Exception):
    """Someone saved this part's Welsh since the page was opened: both texts are kept for the person to
    choose from."""

    def __init__(self, *, theirs: Translation, your_text: str) -> None:
        super().__init__(f"{theirs.author} saved this part's Welsh while you were working on it")
        self.theirs = theirs
        self.your_text = your_text


def translation_save(
    *, report: Report, actor: User, part: str, text: str, based_on: int, source_revision: int
) -> Translation | None:
    """Save the Welsh of ``part``, translating English revision ``source_revision``, on top of Welsh number
    ``based_on`` (0 for the first). Returns the new translation, or ``None`` when nothing changed (the same
    text, of the same English). Raises ``PermissionDenied``, ``WorkflowError``, ``ValidationError`` or
    ``TranslationConflict``."""
    if not permissions.can_translate_report(actor, report):
        raise PermissionDenied("Only translators and editors write the Welsh of a Welsh force's report")
    text = clean_text(text)
    if len(text) > MAX_PART_CHARACTERS:
        raise ValidationError(f"The text must be {MAX_PART_CHARACTERS:,} characters or fewer", code="too_long")
    with transaction.atomic():
        report = report_lock(report)
        if part not in {item.key for item in report_parts(report)}:
            raise ValidationError("Select a part of this report", code="unknown_part")
        if not report.is_editable:
            raise WorkflowError(f"The report is {report.get_state_display().lower()}: its Welsh can no longer change")
        source = Revision.objects.filter(report=report, number=source_revision).first()
        if source is None:
            raise ValidationError("Translate a revision of this report", code="unknown_revision")
        latest = report.translations.filter(language=WELSH, part=part).order_by("-number").first()
        if latest is not None and latest.number != based_on:
            base = report.translations.filter(language=WELSH, part=part, number=based_on).first()
            if base is None or base.text != latest.text:
                raise TranslationConflict(theirs=latest, your_text=text)
        if latest is not None and latest.text == text and latest.source_revision_id == source.pk:
            return None
        translation = Translation.objects.create(
            report=report,
            part=part,
            language=WELSH,
            number=(latest.number if latest else 0) + 1,
            text=text,
            source_revision=source,
            based_on=based_on or None,
            author=actor,
        )
        report_event(
            report,
            actor,
            "Welsh saved",
            revision=report.latest_revision(),
            reason=f"{part}: Welsh {translation.number}, translating revision {source.number}",
        )
    return translation
