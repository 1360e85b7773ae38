"""Reads for the public's force and programme pages: every force by region, a force's grades over the
years beside the national picture, its published reports and recommendations, and a programme's
national table.

Everything here is built on ``publishing.selectors.published_reports``, the one door to what the public
may see: a grade, a row, a count or a recommendation comes only from a report that has gone live, and
grades and recommendations from its live edition's copy (a recommendation's progress excepted).
Each function runs a fixed number of queries, whatever the number of forces, programmes or findings.
"""

from __future__ import annotations

import datetime
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext

from inspections.models import Finding, Force, Grade, GradingScale, Pillar, Programme, Question, RecommendationUpdate
from inspectorate.languages import is_welsh
from public.open_data import public_findings, recommendation_updates
from publishing.models import EditionJudgment
from publishing.selectors import published_judgments, published_reports
from reports.models import Report, ReportState
from reports.search import search_reports

#: How a judgment is placed in a table: ("pillar", pillar slug) for a pillar overall, or
#: ("question", short title) for a question, so that the same question lines up across years.
ColumnKey = tuple[str, str]


@dataclass(frozen=True)
class Column:
    """A column of grades: a pillar overall, or a question (named by its short title)."""

    key: ColumnKey
    title: str
    order: tuple[int, int]


@dataclass(frozen=True)
class GradeCell:
    """A force's grade in one column, with how many forces nationally got the same grade there."""

    grade: Grade
    national: int  # forces with a published report in the programme given this grade in this column
    national_total: int  # forces with a published report in the programme graded in this column


@dataclass
class ForceGradeRow:
    """One programme (a year) of a force's grades: a cell per column, ``None`` where not graded."""

    programme: Programme
    report: Report
    cells: list[GradeCell | None]


@dataclass
class ScaleTable:
    """A force's grades on one grading scale. Grades of different scales never share a table."""

    scale: GradingScale
    columns: list[Column]
    rows: list[ForceGradeRow]


@dataclass(frozen=True)
class PublicRecommendation:
    """A recommendation on a force's page: its text and deadline as the report's current edition
    published them, its status and dated updates as they stand now (``open_data.public_findings``)."""

    report: Report
    text: str
    deadline: datetime.date | None
    status: str
    updates_newest_first: list[RecommendationUpdate]
    text_cy: str = ""  # its Welsh, for a Welsh force's report

    @property
    def status_label(self) -> str:
        return str(Finding.RecommendationStatus(self.status).label) if self.status else ""


@dataclass
class ForceProfile:
    """What the public sees of a force: grades by scale, published reports, recommendations."""

    force: Force
    tables: list[ScaleTable]
    reports: list[Report]
    recommendations: list[PublicRecommendation]


@dataclass
class ProgrammeRow:
    report: Report
    force: Force
    force_name: str  # as the force was called in the programme's year
    cells: list[Grade | None]


@dataclass
class RowGroup:
    """Rows under one heading: a region, or ``""`` for the whole country ungrouped."""

    name: str
    rows: list[ProgrammeRow]


@dataclass
class GradeCount:
    """How many forces got ``grade``, per column of the programme table."""

    grade: Grade
    counts: list[int]


@dataclass
class ProgrammeTable:
    programme: Programme
    columns: list[Column]
    groups: list[RowGroup]
    counts: list[GradeCount]
    forces: int  # forces with a published report in the programme
    by_region: bool = field(default=False)


def _pillar_column(pillar: Pillar) -> Column:
    """A pillar's overall grades, headed in the active language."""
    name = pillar.name_cy if is_welsh() and pillar.name_cy else pillar.name
    return Column(("pillar", pillar.slug), gettext("%(pillar)s overall") % {"pillar": name}, (0, pillar.order))


def _question_column(question: Question) -> Column:
    """A question's grades, keyed by its English short title (the same question across years) and headed
    in the active language."""
    title = question.short_title_cy if is_welsh() and question.short_title_cy else question.short_title
    return Column(("question", question.short_title.casefold()), title, (1, question.number))


def _column_of(judgment: EditionJudgment) -> Column:
    if judgment.pillar is not None:
        return _pillar_column(judgment.pillar)
    question = judgment.question
    assert question is not None  # a judgment is for a pillar or for a question (a check constraint)
    return _question_column(question)


def _graded_judgments(reports: QuerySet[Report], *, now: datetime.datetime) -> QuerySet[EditionJudgment]:
    """The published graded judgments (pillars overall and graded questions) of ``reports``."""
    return (
        published_judgments(now=now)
        .filter(edition__report__in=reports.values("pk"), grade__isnull=False)
        .filter(Q(pillar__isnull=False) | Q(question__graded=True))
        .select_related("grade", "pillar", "question")
    )


# --- All forces, and the programmes with published reports --------------------------------------


def forces_by_region() -> list[tuple[str, list[Force]]]:
    """Every force, grouped by region (England's regions, then Wales), each group by name. One query."""
    groups: dict[str, list[Force]] = defaultdict(list)
    for force in Force.objects.order_by("country", "region", "name"):
        groups[force.region].append(force)
    return list(groups.items())


def published_programmes(*, now: datetime.datetime | None = None) -> QuerySet[Programme]:
    """Programmes with at least one published report, newest first. No other programme is public."""
    live = published_reports(now=now).filter(inspection__programme=OuterRef("pk"))
    return Programme.objects.filter(Exists(live)).select_related("scale").order_by("-year", "name")


# --- A force ----------------------------------------------------------------------------------


def force_profile(*, force: Force, now: datetime.datetime | None = None) -> ForceProfile:
    """The force's published record: its grades per scale and programme with the national count of
    forces given each grade, its published reports (oldest programme first) and the recommendations of
    those reports as their current editions published them, newest programme first, each with its live
    status and dated updates newest first. Five queries."""
    now = now or timezone.now()
    reports = list(
        published_reports(now=now)
        .filter(inspection__force=force)
        .select_related("inspection__programme__scale")
        .order_by("inspection__programme__year", "inspection__programme__name")
    )
    force_reports = published_reports(now=now).filter(inspection__force=force)
    judgments = list(_graded_judgments(force_reports, now=now))

    # The national picture: forces per grade, per programme and column, over published reports only.
    national: dict[tuple[int, ColumnKey], Counter[int]] = defaultdict(Counter)
    programme_ids = [report.inspection.programme_id for report in reports]
    everyone = published_reports(now=now).filter(inspection__programme_id__in=programme_ids)
    for judgment in _graded_judgments(everyone, now=now).select_related("inspection"):
        assert judgment.grade_id is not None
        national[(judgment.inspection.programme_id, _column_of(judgment).key)][judgment.grade_id] += 1

    by_inspection: dict[int, dict[ColumnKey, EditionJudgment]] = defaultdict(dict)
    columns_by_scale: dict[int, dict[ColumnKey, Column]] = defaultdict(dict)
    scale_of = {report.inspection_id: report.inspection.programme.scale_id for report in reports}
    for judgment in judgments:
        column = _column_of(judgment)
        by_inspection[judgment.inspection_id][column.key] = judgment
        known = columns_by_scale[scale_of[judgment.inspection_id]]
        if column.key not in known or column.order < known[column.key].order:
            known[column.key] = column

    tables: dict[int, ScaleTable] = {}
    for report in reports:
        programme = report.inspection.programme
        if programme.scale_id not in tables:
            columns = sorted(columns_by_scale[programme.scale_id].values(), key=lambda c: c.order)
            tables[programme.scale_id] = ScaleTable(scale=programme.scale, columns=columns, rows=[])
        table = tables[programme.scale_id]
        cells: list[GradeCell | None] = []
        for column in table.columns:
            found = by_inspection[report.inspection_id].get(column.key)
            if found is None or found.grade is None:
                cells.append(None)
                continue
            counts = national[(programme.pk, column.key)]
            cells.append(GradeCell(found.grade, counts[found.grade.pk], sum(counts.values())))
        table.rows.append(ForceGradeRow(programme=programme, report=report, cells=cells))

    report_of = {report.inspection_id: report for report in reports}
    recommendations = [
        PublicRecommendation(
            report=report_of[copy.inspection_id],
            text=copy.text,
            text_cy=copy.text_cy,
            deadline=copy.deadline,
            status=copy.live_status,
            updates_newest_first=recommendation_updates(copy)[::-1],
        )
        for copy in public_findings(now=now)
        .filter(kind=Finding.Kind.RECOMMENDATION, inspection__force=force)
        .prefetch_related("finding__updates")
        .order_by(
            "-inspection__programme__year",
            "inspection__programme__name",
            "order",
            F("finding_id").asc(nulls_last=True),
            "pk",
        )
    ]
    return ForceProfile(
        force=force,
        tables=sorted(tables.values(), key=lambda t: -max(row.programme.year for row in t.rows)),
        reports=reports,
        recommendations=recommendations,
    )


# --- A programme's national table ------------------------------------------------------------


def programme_table(*, programme: Programme, by_region: bool, now: datetime.datetime | None = None) -> ProgrammeTable:
    """Every force with a published report in ``programme``: its grade per question and per pillar
    overall, in one group or a group per region, and the count of forces per grade. Five queries.

    ``programme`` should come from ``published_programmes``; for any other the table is empty."""
    now = now or timezone.now()
    columns = [_pillar_column(pillar) for pillar in programme.pillars.order_by("order", "name")] + [
        _question_column(question) for question in programme.questions.filter(graded=True).order_by("number")
    ]
    reports = published_reports(now=now).filter(inspection__programme=programme)
    grades: dict[int, dict[ColumnKey, Grade]] = defaultdict(dict)
    for judgment in _graded_judgments(reports, now=now):
        assert judgment.grade is not None
        grades[judgment.inspection_id][_column_of(judgment).key] = judgment.grade

    rows = [
        ProgrammeRow(
            report=report,
            force=report.inspection.force,
            force_name=report.inspection.force_name,
            cells=[grades[report.inspection_id].get(column.key) for column in columns],
        )
        for report in reports.order_by(
            "inspection__force__country", "inspection__force__region", "inspection__force__name"
        )
    ]
    if by_region:
        regions: dict[str, list[ProgrammeRow]] = defaultdict(list)
        for row in rows:
            regions[row.force.region].append(row)
        groups = [RowGroup(name, members) for name, members in regions.items()]
    else:
        groups = [RowGroup("", sorted(rows, key=lambda row: row.force_name))]

    counts = [
        GradeCount(grade, [sum(1 for row in rows if row.cells[i] == grade) for i in range(len(columns))])
        for grade in Grade.objects.filter(scale_id=programme.scale_id).order_by("rank")
    ]
    return ProgrammeTable(
        programme=programme, columns=columns, groups=groups, counts=counts, forces=len(rows), by_region=by_region
    )


# --- Finding reports: the filters and search of /reports/ ------------------------------------------


@dataclass(frozen=True)
class ReportFilterChoices:
    """What ``/reports/`` can be filtered by: only values that published reports have, so no choice
    ever leads to an empty list by itself, and none names anything unpublished."""

    forces: list[tuple[str, str]]  # (slug, name)
    programmes: list[tuple[str, str]]  # (slug, name), newest first
    years: list[int]  # newest first
    pillars: list[tuple[str, str]]  # (slug, name)
    grades: list[tuple[str, str]]  # (slug, label), best first; one entry for a label shared by scales
    english: frozenset[str] = frozenset()  # in Welsh, the values whose name has no Welsh (an English force's)


@dataclass(frozen=True)
class ReportQuery:
    """One search of published reports: every field optional, all of them must hold."""

    text: str = ""
    force: str = ""  # force slug
    programme: str = ""  # programme slug
    year: int | None = None
    pillar: str = ""  # pillar slug
    grade: str = ""  # grade slug: any pillar's overall grade, or ``pillar``'s when that is given

    def is_empty(self) -> bool:
        return self == ReportQuery()


def report_filter_choices(*, now: datetime.datetime | None = None, welsh: bool = False) -> ReportFilterChoices:
    """Four queries. With ``welsh``, each name is its Welsh where it has one (an English force's name
    stays its own)."""
    live = published_reports(now=now)
    forces = Force.objects.filter(Exists(live.filter(inspection__force=OuterRef("pk")))).order_by("name")
    programmes = list(published_programmes(now=now).values_list("slug", "name", "year", "name_cy"))
    overall = (
        published_judgments(now=now)
        .filter(pillar__isnull=False, grade__isnull=False)
        .values_list(
            "pillar__slug",
            "pillar__name",
            "pillar__order",
            "grade__slug",
            "grade__label",
            "grade__rank",
            "pillar__name_cy",
            "grade__label_cy",
        )
    )
    pillars: dict[str, tuple[int, str]] = {}
    grades: dict[str, tuple[int, str]] = {}
    for (
        pillar_slug,
        pillar_name,
        pillar_order,
        grade_slug,
        grade_label,
        grade_rank,
        pillar_cy,
        grade_cy,
    ) in overall.distinct():
        pillars[pillar_slug] = (pillar_order, (welsh and pillar_cy) or pillar_name)
        if grade_slug not in grades or grade_rank < grades[grade_slug][0]:
            grades[grade_slug] = (grade_rank, (welsh and grade_cy) or grade_label)
    named = list(forces.values_list("slug", "name", "name_cy"))
    english = {slug for slug, _, name_cy in named if not name_cy} | {
        slug for slug, _, _, name_cy in programmes if not name_cy
    }
    return ReportFilterChoices(
        english=frozenset(english) if welsh else frozenset(),
        forces=[(slug, (welsh and name_cy) or name) for slug, name, name_cy in named],
        programmes=[(slug, (welsh and name_cy) or name) for slug, name, _, name_cy in programmes],
        years=sorted({year for _, _, year, _ in programmes}, reverse=True),
        pillars=[(slug, name) for slug, (_, name) in sorted(pillars.items(), key=lambda item: item[1])],
        grades=[(slug, label) for slug, (_, label) in sorted(grades.items(), key=lambda item: item[1])],
    )


def find_reports(query: ReportQuery, *, now: datetime.datetime | None = None) -> QuerySet[Report]:
    """Published reports matching ``query``: newest first, or best match first for a text search."""
    reports = published_reports(now=now).order_by("-first_published_at", "inspection__force__name")
    if query.force:
        reports = reports.filter(inspection__force__slug=query.force)
    if query.programme:
        reports = reports.filter(inspection__programme__slug=query.programme)
    if query.year is not None:
        reports = reports.filter(inspection__programme__year=query.year)
    if query.pillar or query.grade:
        overall = published_judgments(now=now).filter(inspection=OuterRef("inspection"), pillar__isnull=False)
        if query.pillar:
            overall = overall.filter(pillar__slug=query.pillar)
        if query.grade:
            overall = overall.filter(grade__slug=query.grade)
        reports = reports.filter(Exists(overall))
    return search_reports(reports, query.text)


def overall_judgments(
    reports: list[Report], *, now: datetime.datetime | None = None
) -> dict[int, list[EditionJudgment]]:
    """Each report's published overall (pillar) judgments, by report id, in pillar order. One query."""
    by_report: dict[int, list[EditionJudgment]] = {report.pk: [] for report in reports}
    inspections = {report.inspection_id: report.pk for report in reports}
    for judgment in (
        published_judgments(now=now)
        .filter(inspection_id__in=inspections, pillar__isnull=False)
        .select_related("pillar", "grade")
        .order_by("pillar__order", "pillar__name")
    ):
        by_report[inspections[judgment.inspection_id]].append(judgment)
    return by_report


# --- The home page ------------------------------------------------------------------------------


@dataclass(frozen=True)
class UpcomingPublication:
    """A day on which reports of a programme are due to go live. Only the date, the programme's name
    and how many reports: never a force, a grade, a time or a word of a report under embargo."""

    date: datetime.date
    programme: str
    reports: int
    programme_cy: str = ""  # the programme's Welsh name, if it has one


def upcoming_publications(*, now: datetime.datetime | None = None) -> list[UpcomingPublication]:
    """Scheduled publications after ``now``, soonest first. The one public read of unpublished reports,
    and it reads only their programme and go-live date. One query."""
    now = now or timezone.now()
    counts: Counter[tuple[datetime.date, str, str]] = Counter()
    scheduled = Report.objects.filter(state=ReportState.SCHEDULED, go_live_at__gt=now)
    rows = scheduled.values_list("go_live_at", "inspection__programme__name", "inspection__programme__name_cy")
    for go_live_at, programme, programme_cy in rows:
        counts[(timezone.localdate(go_live_at), programme, programme_cy)] += 1
    return [
        UpcomingPublication(date, programme, n, programme_cy)
        for (date, programme, programme_cy), n in sorted(counts.items())
    ]
