"""The demo's fieldwork: every 2017 inspection gets a plan, requests to its force (some answered with small
generated files, some overdue), evidence cited by each graded judgment, a case-file audit against the
programme's checklist, and a national moderation round in progress (settled for every report already in
review or beyond, half done for the drafts). Everything invented starts with ``DEMO_MARK``. Idempotent:
an inspection that has evidence already is left as it is.

The demo's liaison link for West Midlands Police is derived from the secret key, so that ``seed_demo``
can print the same address every time it runs (``liaison_demo_link``).
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import io
import random

import pikepdf
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from fieldwork.models import ForceRequest, LiaisonLink, ModerationDecision, Phase, RequestAnswer, RequestFile, TeamRole
from inspections.evidence import CaseFile, CaseFileAnswer, CaseFileAudit, ChecklistMeasure, Evidence, EvidenceFile
from inspections.models import Inspection, Judgment, Programme
from publishing.demo.inspections import DEMO_MARK
from reports.fact_checks import hash_token
from reports.models import Report, ReportState

CHECKLIST_2017 = [
    "The crime was recorded correctly and on time",
    "The victim's needs were assessed",
    "The victim was told of the outcome",
    "Supervision is recorded on the file",
]
REQUESTS = [
    ("Force management statement", "The latest statement and its annexes."),
    ("Stop and search records, 2016", "Every record for the year, as CSV."),
    ("Complaints and misconduct policy", "The policy in force, and any changes since 2015."),
]
EVIDENCE = [
    ("interview", "{force}: interviews with the chief officer team on {topic}."),
    ("focus_group", "{force}: a focus group of neighbourhood officers on {topic}."),
    ("reality_testing", "{force}: a reality-testing visit to a custody suite and the control room on {topic}."),
]
DEMO_FORCE = "west-midlands-police"


def liaison_demo_token(inspection: Inspection) -> str:
    """The demo liaison link's token for ``inspection``: the same each time, from the secret key."""
    digest = hmac.new(settings.SECRET_KEY.encode(), f"demo-liaison-{inspection.pk}".encode(), hashlib.sha256)
    return digest.hexdigest()


def liaison_demo_link() -> str | None:
    """The path of the demo's liaison link for West Midlands Police 2017, if the demo is loaded."""
    inspection = Inspection.objects.filter(programme__year=2017, force__slug=DEMO_FORCE).first()
    if inspection is None:
        return None
    return f"/force-requests/{liaison_demo_token(inspection)}/"


def _pdf(title: str) -> bytes:
    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(595, 842))
    pdf.docinfo["/Title"] = f"{DEMO_MARK} {title}"
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


def _csv(force: str) -> bytes:
    rows = ["month,searches,arrests"] + [f"2016-{month:02d},{100 + month * 7},{10 + month}" for month in range(1, 13)]
    return ("\n".join(rows) + "\n").encode()


@transaction.atomic
def load(*, today: datetime.date | None = None) -> dict[str, int]:
    today = today or timezone.localdate()
    programme = Programme.objects.get(year=2017)
    if not programme.requires_moderation:
        programme.requires_moderation = True
        programme.save(update_fields=["requires_moderation"])
    measures = [
        ChecklistMeasure.objects.get_or_create(programme=programme, number=number, defaults={"text": text})[0]
        for number, text in enumerate(CHECKLIST_2017, start=1)
    ]
    panel = User.objects.filter(email="lead@example.org").first()
    made = {"inspections": 0, "evidence": 0, "requests": 0, "moderated": 0}
    inspections = (
        Inspection.objects.filter(programme=programme)
        .select_related("force", "lead_inspector", "report")
        .prefetch_related("team")
        .order_by("force__name")
    )
    for index, inspection in enumerate(inspections):
        if Evidence.objects.filter(inspection=inspection).exists():
            continue
        rng = random.Random(f"fieldwork-{inspection.force.slug}")
        team = list(inspection.team.all())
        gatherer = team[0] if team else inspection.lead_inspector
        if gatherer is None:
            continue
        _plan(inspection, team)
        made["requests"] += _requests(inspection, rng, today, index)
        made["evidence"] += _evidence(inspection, gatherer, rng)
        _audit(inspection, gatherer, measures, rng)
        report = getattr(inspection, "report", None)
        if panel is not None:
            made["moderated"] += _moderate(inspection, report, panel, index)
        made["inspections"] += 1
    return made


def _plan(inspection: Inspection, team: list[User]) -> None:
    start = inspection.fieldwork_start or datetime.date(2017, 4, 3)
    end = inspection.fieldwork_end or start + datetime.timedelta(days=4)
    phases = [
        (Phase.Kind.PLANNING, start - datetime.timedelta(days=42), start - datetime.timedelta(days=1)),
        (Phase.Kind.FIELDWORK, start, end),
        (Phase.Kind.DRAFTING, end + datetime.timedelta(days=1), end + datetime.timedelta(days=35)),
        (Phase.Kind.FACT_CHECK, end + datetime.timedelta(days=36), end + datetime.timedelta(days=50)),
        (Phase.Kind.MODERATION, end + datetime.timedelta(days=51), end + datetime.timedelta(days=58)),
        (Phase.Kind.PUBLICATION, end + datetime.timedelta(days=59), end + datetime.timedelta(days=70)),
    ]
    for kind, starts, ends in phases:
        Phase.objects.get_or_create(inspection=inspection, kind=kind, defaults={"starts_on": starts, "ends_on": ends})
    if inspection.lead_inspector is not None:
        TeamRole.objects.get_or_create(
            inspection=inspection, person=inspection.lead_inspector, defaults={"role": TeamRole.Role.LEAD}
        )
    for person in team:
        TeamRole.objects.get_or_create(inspection=inspection, person=person, defaults={"role": TeamRole.Role.INSPECTOR})


def _requests(inspection: Inspection, rng: random.Random, today: datetime.date, index: int) -> int:
    issuer = inspection.lead_inspector
    assert issuer is not None
    link, _ = LiaisonLink.objects.get_or_create(
        token_hash=hash_token(liaison_demo_token(inspection)),
        defaults={
            "inspection": inspection,
            "liaison_name": f"{inspection.force.name} liaison",
            "liaison_email": f"liaison@{inspection.force.slug}.example",
            "issued_by": issuer,
            "expires_at": timezone.now() + datetime.timedelta(days=60),
        },
    )
    force = inspection.force.name
    for number, (title, detail) in enumerate(REQUESTS):
        overdue = number == 2 and index % 3 == 0  # a third of the forces are late with one request
        due_on = today - datetime.timedelta(days=4) if overdue else today + datetime.timedelta(days=7 + number * 7)
        request = ForceRequest.objects.create(
            inspection=inspection,
            title=title,
            detail=f"{DEMO_MARK} {detail}",
            due_on=due_on,
            created_by=issuer,
        )
        if number < 2:  # the first two answered, with a generated file each
            answer = RequestAnswer.objects.create(
                request=request, link=link, note=f"{DEMO_MARK} Attached, from {force}."
            )
            content, name, kind = (
                (_pdf(f"{force}: {title}"), f"{title}.pdf", "application/pdf")
                if number == 0
                else (_csv(force), "stop-and-search-2016.csv", "text/csv")
            )
            stored = RequestFile(
                answer=answer,
                name=name,
                content_type=kind,
                size=len(content),
                sha256=hashlib.sha256(content).hexdigest(),
            )
            stored.file.save(name, ContentFile(content), save=False)
            stored.save()
            request.answered_at = answer.answered_at
            request.save(update_fields=["answered_at"])
    return len(REQUESTS)


def _evidence(inspection: Inspection, gatherer: User, rng: random.Random) -> int:
    made = 0
    judgments = Judgment.objects.filter(inspection=inspection, question__isnull=False).select_related("question")
    for judgment in judgments:
        question = judgment.question
        assert question is not None
        for kind, text in rng.sample(EVIDENCE, 2):
            evidence = Evidence.objects.create(
                inspection=inspection,
                kind=kind,
                gathered_on=inspection.fieldwork_start or datetime.date(2017, 4, 3),
                gathered_by=gatherer,
                summary=f"{DEMO_MARK} {text.format(force=inspection.force.name, topic=question.short_title.lower())}",
                notes=f"{DEMO_MARK} Working notes naming the people met.",
            )
            evidence.questions.add(question)
            if question.graded:
                evidence.judgments.add(judgment)
            made += 1
    # A document received, with its file, bearing on the first question.
    first = judgments.order_by("question__number").first()
    if first is not None:
        document = Evidence.objects.create(
            inspection=inspection,
            kind=Evidence.Kind.DOCUMENT,
            gathered_on=inspection.fieldwork_start or datetime.date(2017, 4, 3),
            gathered_by=gatherer,
            summary=f"{DEMO_MARK} The force management statement, received from the force.",
        )
        document.questions.add(first.question)  # type: ignore[arg-type]
        content = _pdf(f"{inspection.force.name}: force management statement")
        stored = EvidenceFile(
            evidence=document,
            name="force-management-statement.pdf",
            content_type="application/pdf",
            size=len(content),
            sha256=hashlib.sha256(content).hexdigest(),
        )
        stored.file.save("statement.pdf", ContentFile(content), save=False)
        stored.save()
        made += 1
    return made


def _audit(inspection: Inspection, gatherer: User, measures: list[ChecklistMeasure], rng: random.Random) -> None:
    evidence = Evidence.objects.create(
        inspection=inspection,
        kind=Evidence.Kind.CASE_FILE_REVIEW,
        gathered_on=inspection.fieldwork_start or datetime.date(2017, 4, 3),
        gathered_by=gatherer,
        summary=f"{DEMO_MARK} Domestic abuse crimes, March 2017: 20 case files reviewed against the checklist.",
    )
    first = inspection.programme.questions.filter(graded=True).order_by("number").first()
    if first is not None:
        evidence.questions.add(first)
    audit = CaseFileAudit.objects.create(
        evidence=evidence, title="Domestic abuse crimes, March 2017", in_about_the_data=True
    )
    strength = rng.uniform(0.55, 0.95)
    for number in range(20):
        case_file = CaseFile.objects.create(audit=audit, reference=f"DA/17/{rng.randint(1000, 9999)}-{number:02d}")
        for measure in measures:
            roll = rng.random()
            answer = "n/a" if roll > 0.95 else ("met" if roll < strength else "not_met")
            CaseFileAnswer.objects.create(case_file=case_file, measure=measure, answer=answer)


def _moderate(inspection: Inspection, report: Report | None, panel: User, index: int) -> int:
    """Settle every graded grade of a report in review or beyond (so that approval can be walked), and half
    of the drafts' grades: a round in progress."""
    beyond_draft = report is not None and report.state not in (ReportState.DRAFT, ReportState.CHANGES_REQUESTED)
    if not beyond_draft and index % 2:
        return 0
    made = 0
    for judgment in Judgment.objects.filter(inspection=inspection, question__graded=True, grade__isnull=False):
        ModerationDecision.objects.create(
            judgment=judgment,
            grade_before=judgment.grade,
            grade_after=judgment.grade,  # type: ignore[misc]
            reason="",
            decided_by=panel,
        )
        made += 1
    return made
