"""Demo data for the inspection domain, loaded by ``manage.py seed_demo``.

Plausible but invented: every generated narrative and finding starts with ``DEMO_MARK`` so that
nobody mistakes it for a real finding. West Midlands Police 2016 mirrors the press release in
``shared/seeds/`` instead. Everything is keyed on natural keys and drawn from seeded random
generators, so loading twice changes nothing.
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import Group
from django.db import transaction

from accounts.demo import DEMO_USERS
from accounts.models import User
from accounts.roles import Role
from inspections.models import (
    Finding,
    FindingOutcome,
    Force,
    Grade,
    GradingScale,
    Inspection,
    Judgment,
    Pillar,
    Programme,
    Question,
    RecommendationUpdate,
)
from inspections.selectors import earlier_findings_without_outcome

DEMO_MARK = "Demo:"

# HM Inspectors who led the published years: Wendy Williams as in the seed press release,
# the others invented. They have no password: they exist to be named on reports.
HM_INSPECTORS = {
    "wendy.williams@example.org": "Wendy Williams",
    "helen.marsh@example.org": "Helen Marsh",
    "tom.reid@example.org": "Tom Reid",
    "priya.shah@example.org": "Priya Shah",
}
REGION_LEADS = {
    "Wales": "helen.marsh@example.org",
    "South West": "helen.marsh@example.org",
    "South East": "priya.shah@example.org",
    "London": "priya.shah@example.org",
    "East of England": "priya.shah@example.org",
    "North West": "tom.reid@example.org",
    "North East": "tom.reid@example.org",
    "Yorkshire and The Humber": "tom.reid@example.org",
}

LEGITIMACY_QUESTIONS: dict[int, list[tuple[str, str, bool, bool]]] = {
    2015: [
        (
            "How well does the force understand, engage with and treat fairly the people it serves?",
            "Treating the public fairly",
            True,
            False,
        ),
        (
            "To what extent are decisions taken on the use of stop and search and Taser fair and appropriate?",
            "Using stop and search and Taser fairly",
            True,
            False,
        ),
        (
            "To what extent does practice and behaviour reinforce the wellbeing of staff and an ethical culture?",
            "Supporting wellbeing and an ethical culture",
            True,
            False,
        ),
    ],
    2016: [
        (
            "To what extent does the force treat all of the people it serves with fairness and respect?",
            "Treating the public with fairness and respect",
            True,
            False,
        ),
        (
            "How well does the force ensure that its workforce behaves ethically and lawfully?",
            "Ensuring the workforce behaves ethically and lawfully",
            True,
            False,
        ),
        (
            "To what extent does the force treat its workforce with fairness and respect?",
            "Treating the workforce with fairness and respect",
            True,
            False,
        ),
        (
            "How well does the force tackle abuse of authority for sexual gain by members of its workforce?",
            "Abuse of authority for sexual gain",
            False,
            True,
        ),
    ],
}

#: The questions in Welsh, for the Welsh forces' reports, by their English short title: (text, short title).
QUESTIONS_CY = {
    "Treating the public fairly": (
        "Pa mor dda y mae'r heddlu'n deall y bobl y mae'n eu gwasanaethu, yn ymgysylltu â nhw ac yn eu trin yn deg?",
        "Trin y cyhoedd yn deg",
    ),
    "Using stop and search and Taser fairly": (
        "I ba raddau y mae penderfyniadau ar ddefnyddio stopio a chwilio a Taser yn deg ac yn briodol?",
        "Defnyddio stopio a chwilio a Taser yn deg",
    ),
    "Supporting wellbeing and an ethical culture": (
        "I ba raddau y mae arferion ac ymddygiad yn atgyfnerthu lles staff a diwylliant moesegol?",
        "Cefnogi lles a diwylliant moesegol",
    ),
    "Treating the public with fairness and respect": (
        "I ba raddau y mae'r heddlu'n trin pawb y mae'n eu gwasanaethu yn deg ac â pharch?",
        "Trin y cyhoedd yn deg ac â pharch",
    ),
    "Ensuring the workforce behaves ethically and lawfully": (
        "Pa mor dda y mae'r heddlu'n sicrhau bod ei weithlu'n ymddwyn yn foesegol ac yn gyfreithlon?",
        "Sicrhau bod y gweithlu'n ymddwyn yn foesegol ac yn gyfreithlon",
    ),
    "Treating the workforce with fairness and respect": (
        "I ba raddau y mae'r heddlu'n trin ei weithlu yn deg ac â pharch?",
        "Trin y gweithlu yn deg ac â pharch",
    ),
    "Abuse of authority for sexual gain": (
        "Pa mor dda y mae'r heddlu'n mynd i'r afael â chamddefnyddio awdurdod er budd rhywiol gan aelodau o'i weithlu?",
        "Camddefnyddio awdurdod er budd rhywiol",
    ),
}
# 2017 asked 2016's three questions again; the abuse-of-authority strand was not repeated.
LEGITIMACY_QUESTIONS[2017] = LEGITIMACY_QUESTIONS[2016][:3]

#: The states a 2017 report is in on the demo, by the force's place in the alphabet. The report
#: workflow (reports app) reads this so that every state before publication is shown.
STATES_2017 = ("draft", "in_review", "changes_requested", "approved", "scheduled")

AFI_TEXTS = [
    "{demo} The force should improve how it records the reasons for its use of stop and search.",
    "{demo} The force should make sure that supervisors review the use of force consistently.",
    "{demo} The force should improve how it seeks and acts on feedback from the communities it serves.",
    "{demo} The force should review the capacity of its professional standards department.",
    "{demo} The force should make sure its workforce understands how to raise concerns confidentially.",
    "{demo} The force should improve how it manages the individual performance of officers and staff.",
    "{demo} The force should make sure that wellbeing support is available to all of its workforce.",
    "{demo} The force should improve the way it vets officers and staff moving into sensitive posts.",
]
CAUSE_TEXTS = [
    "{demo} The force does not have an effective process to identify and manage the risk of abuse of authority.",
    "{demo} The force has not made enough progress in ensuring that it uses its powers fairly.",
]
RECOMMENDATION_TEXTS = [
    "{demo} Within six months, the force should put in place a plan to identify and act on intelligence about corruption.",
    "{demo} Within three months, the force should review how supervisors scrutinise the use of stop and search.",
    "{demo} Within six months, the force should make sure its counter-corruption unit has the capacity it needs.",
]
NOTABLE_TEXTS = [
    "{demo} The force has set up a community panel that reviews body-worn video footage of stops.",
    "{demo} The force runs an anonymous reporting line for staff that is trusted and well used.",
]
NARRATIVES = {
    "outstanding": "{demo} {force} is outstanding at {subject}. Inspectors found strong leadership and consistent practice.",
    "good": "{demo} {force} is good at {subject}. Inspectors found sound practice with some areas to improve.",
    "requires-improvement": "{demo} {force} requires improvement in {subject}. Inspectors found inconsistent practice.",
    "inadequate": "{demo} {force} is inadequate at {subject}. Inspectors found serious weaknesses.",
}

WEST_MIDLANDS_2016 = {
    "overall": (
        "good",
        "West Midlands Police is good at how legitimately it keeps people safe and reduces crime. In general the force "
        "treats the people it serves with fairness and respect, and it has adopted a new set of values which focus on "
        "compassion for the vulnerable and helping those in need.",
    ),
    1: ("good", "The force treats the people it serves with fairness and respect."),
    2: (
        "good",
        "In general the force ensures its workforce behaves ethically and lawfully. Officers and staff are aware of "
        "the required standards of ethical and lawful behaviour, and the counter-corruption unit gathers and acts on "
        "information that identifies potential corruption.",
    ),
    3: (
        "requires-improvement",
        "The force seeks feedback from staff and addresses the issues it identifies, but it does not have effective "
        "processes in place to ensure that performance is managed fairly and consistently.",
    ),
    4: (
        None,
        "The force recognises officers and staff abusing their authority for sexual gain as serious corruption.",
    ),
}
WEST_MIDLANDS_2016_AFIS = [
    (
        2,
        "The force should review the capacity and capability of its counter-corruption unit so that it can manage its work more effectively.",
    ),
    (
        3,
        "The force should ensure that it has effective processes in place to manage the performance of its workforce fairly and consistently.",
    ),
]


@dataclass
class DemoSummary:
    forces: int
    programmes: int
    inspections: int
    judgments: int
    findings: int


def subject_of(question: Question | None) -> str:
    if question is None:
        return "legitimately keeping people safe and reducing crime"
    return question.short_title[0].lower() + question.short_title[1:]


def users() -> dict[str, User]:
    people: dict[str, User] = {}
    for email, (name, role) in DEMO_USERS.items():
        user, created = User.objects.get_or_create(email=email, defaults={"name": name, "is_staff": True})
        if created or not user.check_password(settings.DEMO_PASSWORD):
            user.set_password(settings.DEMO_PASSWORD)
            user.save(update_fields=["password"])
        user.groups.add(Group.objects.get(name=role.value))
        people[email] = user
    for email, name in HM_INSPECTORS.items():
        user, created = User.objects.get_or_create(email=email, defaults={"name": name, "is_staff": False})
        if created:
            user.set_unusable_password()
            user.save(update_fields=["password"])
        user.groups.add(Group.objects.get(name=Role.LEAD_INSPECTOR.value))
        people[email] = user
    return people


def programme(year: int) -> Programme:
    scale = GradingScale.objects.get(slug="peel-2014-2019")
    legitimacy = Pillar.objects.get(slug="legitimacy")
    prog, _ = Programme.objects.update_or_create(
        slug=f"peel-police-legitimacy-{year}",
        defaults={
            "name": f"PEEL: Police legitimacy {year}",
            "name_cy": f"PEEL: Cyfreithlondeb yr heddlu {year}",
            "year": year,
            "scale": scale,
            "description": (
                f"{DEMO_MARK} How legitimately each force keeps people safe and reduces crime ({year})."
                + (" This year adds a strand on abuse of authority for sexual gain." if year == 2016 else "")
            ),
        },
    )
    prog.pillars.set([legitimacy])
    for number, (text, short, graded, strand) in enumerate(LEGITIMACY_QUESTIONS[year], start=1):
        Question.objects.update_or_create(
            programme=prog,
            number=number,
            defaults={
                "pillar": legitimacy,
                "text": text,
                "short_title": short,
                "text_cy": QUESTIONS_CY[short][0],
                "short_title_cy": QUESTIONS_CY[short][1],
                "graded": graded,
                "is_strand": strand,
            },
        )
    return prog


def national_grades_2016(forces: list[Force]) -> dict[str, str]:
    """2 outstanding, 36 good, 5 requires improvement, as the 2016 press release reports; West
    Midlands good. Which force gets which is drawn at random: it is demo data."""
    rng = random.Random("peel-legitimacy-2016")
    others = [force.slug for force in forces if force.slug != "west-midlands-police"]
    rng.shuffle(others)
    grades = dict.fromkeys(others, "good")
    for slug in others[:2]:
        grades[slug] = "outstanding"
    for slug in others[2:7]:
        grades[slug] = "requires-improvement"
    grades["west-midlands-police"] = "good"
    return grades


def overall_grade(year: int, force: Force, national: dict[str, str]) -> str:
    if year == 2016:
        return national[force.slug]
    rng = random.Random(f"{year}/{force.slug}/overall")
    return rng.choices(["outstanding", "good", "requires-improvement"], weights=[1, 12, 3])[0]


def question_grade(overall: str, rng: random.Random) -> str:
    ladder = ["outstanding", "good", "requires-improvement", "inadequate"]
    place = ladder.index(overall) + rng.choices([-1, 0, 1], weights=[1, 6, 2])[0]
    return ladder[max(0, min(place, len(ladder) - 1))]


def set_judgment(
    inspection: Inspection,
    grades: dict[str, Grade],
    slug: str | None,
    narrative: str,
    *,
    question: Question | None = None,
    pillar: Pillar | None = None,
) -> None:
    Judgment.objects.update_or_create(
        inspection=inspection,
        question=question,
        pillar=pillar,
        defaults={"grade": grades[slug] if slug else None, "narrative": narrative},
    )


def set_finding(inspection: Inspection, kind: str, order: int, text: str, **fields: object) -> Finding:
    finding, _ = Finding.objects.update_or_create(
        inspection=inspection, kind=kind, order=order, defaults={"text": text, **fields}
    )
    return finding


def inspection_record(inspection: Inspection, overall: str, *, complete: bool) -> None:
    """Judgments and findings for one inspection, from templates. ``complete`` False leaves the
    later questions without a judgment, as a draft in progress would."""
    prog = inspection.programme
    force_name = inspection.force_name
    rng = random.Random(f"{prog.slug}/{inspection.force.slug}")
    grades = {grade.slug: grade for grade in prog.scale.grades.all()}
    legitimacy = prog.pillars.get()
    demo = DEMO_MARK
    set_judgment(
        inspection,
        grades,
        overall,
        NARRATIVES[overall].format(demo=demo, force=force_name, subject=subject_of(None)),
        pillar=legitimacy,
    )
    afi = cause = rec = notable = 0
    questions = list(prog.questions.all())
    for position, question in enumerate(questions):
        if not complete and position >= 1:
            break
        if not question.graded:
            set_judgment(
                inspection,
                grades,
                None,
                f"{demo} Inspectors assessed how {force_name} tackles abuse of authority for sexual gain. "
                "The force has made a start, but must be more proactive in seeking out this form of corruption.",
                question=question,
            )
            continue
        grade = question_grade(overall, rng)
        set_judgment(
            inspection,
            grades,
            grade,
            NARRATIVES[grade].format(demo=demo, force=force_name, subject=subject_of(question)),
            question=question,
        )
        if grade in ("requires-improvement", "inadequate") or rng.random() < 0.35:
            afi += 1
            set_finding(
                inspection,
                Finding.Kind.AREA_FOR_IMPROVEMENT,
                afi,
                rng.choice(AFI_TEXTS).format(demo=demo),
                question=question,
            )
        if grade == "inadequate":
            cause += 1
            accelerated = rng.random() < 0.5
            concern = set_finding(
                inspection,
                Finding.Kind.CAUSE_OF_CONCERN,
                cause,
                rng.choice(CAUSE_TEXTS).format(demo=demo),
                question=question,
                accelerated=accelerated,
                raised_on=inspection.fieldwork_end if accelerated else None,
            )
            for _ in range(rng.randint(1, 2)):
                rec += 1
                set_finding(
                    inspection,
                    Finding.Kind.RECOMMENDATION,
                    rec,
                    rng.choice(RECOMMENDATION_TEXTS).format(demo=demo),
                    question=question,
                    cause_of_concern=concern,
                    deadline=datetime.date(prog.year + 1, 6, 30),
                    status=Finding.RecommendationStatus.AWAITING_REVIEW,
                )
        if grade == "outstanding" and rng.random() < 0.6:
            notable += 1
            set_finding(
                inspection,
                Finding.Kind.NOTABLE_PRACTICE,
                notable,
                rng.choice(NOTABLE_TEXTS).format(demo=demo),
                question=question,
            )


def west_midlands_2016(inspection: Inspection) -> None:
    prog = inspection.programme
    grades = {grade.slug: grade for grade in prog.scale.grades.all()}
    questions = {question.number: question for question in prog.questions.all()}
    slug, narrative = WEST_MIDLANDS_2016["overall"]
    set_judgment(inspection, grades, slug, narrative, pillar=prog.pillars.get())
    for number, question in questions.items():
        slug, narrative = WEST_MIDLANDS_2016[number]
        set_judgment(inspection, grades, slug, narrative, question=question)
    for order, (number, text) in enumerate(WEST_MIDLANDS_2016_AFIS, start=1):
        set_finding(inspection, Finding.Kind.AREA_FOR_IMPROVEMENT, order, text, question=questions[number])


def follow_up(inspection: Inspection, earlier: Inspection, recorder: User) -> None:
    """Record what ``inspection`` says became of ``earlier``'s findings; move recommendations on."""
    rng = random.Random(f"follow-up/{inspection.programme.slug}/{inspection.force.slug}")
    for finding in earlier.findings.exclude(kind=Finding.Kind.NOTABLE_PRACTICE).order_by("kind", "order"):
        outcome = rng.choices(
            [FindingOutcome.Outcome.ADDRESSED, FindingOutcome.Outcome.STILL_OPEN, FindingOutcome.Outcome.SUPERSEDED],
            weights=[6, 3, 1],
        )[0]
        FindingOutcome.objects.update_or_create(
            inspection=inspection,
            finding=finding,
            defaults={"outcome": outcome, "note": f"{DEMO_MARK} Reviewed during fieldwork.", "recorded_by": recorder},
        )
        if finding.kind == Finding.Kind.RECOMMENDATION:
            history = [
                (
                    datetime.date(earlier.programme.year + 1, 2, 1),
                    Finding.RecommendationStatus.BEING_PROGRESSED,
                    f"{DEMO_MARK} The force has submitted an action plan.",
                ),
            ]
            if outcome == FindingOutcome.Outcome.ADDRESSED:
                history.append(
                    (
                        datetime.date(earlier.programme.year + 1, 9, 1),
                        Finding.RecommendationStatus.COMPLETE,
                        f"{DEMO_MARK} Inspectors confirmed the action plan was carried out.",
                    )
                )
            for day, status, comment in history:
                RecommendationUpdate.objects.update_or_create(
                    recommendation=finding,
                    recorded_on=day,
                    defaults={"status": status, "comment": comment, "author": recorder},
                )
            finding.status = history[-1][1]
            finding.save(update_fields=["status"])


def outcomes_recorded(inspection: Inspection, recorder: User) -> None:
    """Record an outcome for each earlier finding ``inspection`` has not yet said anything about."""
    rng = random.Random(f"outcomes/{inspection.programme.slug}/{inspection.force.slug}")
    for finding in earlier_findings_without_outcome(inspection=inspection).order_by("pk"):
        FindingOutcome.objects.create(
            inspection=inspection,
            finding=finding,
            outcome=rng.choice([FindingOutcome.Outcome.ADDRESSED, FindingOutcome.Outcome.STILL_OPEN]),
            note=f"{DEMO_MARK} Reviewed during fieldwork.",
            recorded_by=recorder,
        )


@transaction.atomic
def load() -> DemoSummary:
    """Load the demo set of the inspection domain. Safe to run any number of times."""
    people = users()
    forces = list(Force.objects.order_by("name"))
    national = national_grades_2016(forces)
    inspections_by_year: dict[int, dict[str, Inspection]] = {}
    for year in (2015, 2016, 2017):
        prog = programme(year)
        inspections_by_year[year] = {}
        for index, force in enumerate(forces):
            if year == 2017:
                lead = people["lead@example.org"]
                status = Inspection.Status.REPORTING
            elif year == 2016 and force.slug == "west-midlands-police":
                lead = people["wendy.williams@example.org"]
                status = Inspection.Status.PUBLISHED
            else:
                lead = people[REGION_LEADS.get(force.region, "wendy.williams@example.org")]
                status = Inspection.Status.PUBLISHED
            start = datetime.date(year, 4, 4) + datetime.timedelta(days=7 * (index % 20))
            inspection, _ = Inspection.objects.update_or_create(
                force=force,
                programme=prog,
                defaults={
                    "lead_inspector": lead,
                    "status": status,
                    "fieldwork_start": start,
                    "fieldwork_end": start + datetime.timedelta(days=4),
                },
            )
            inspections_by_year[year][force.slug] = inspection
            if year == 2017:
                state = STATES_2017[index % len(STATES_2017)]
                if state in ("draft", "changes_requested"):
                    inspection.team.add(people["inspector@example.org"])
                inspection_record(inspection, overall_grade(year, force, national), complete=state != "draft")
            elif year == 2016 and force.slug == "west-midlands-police":
                west_midlands_2016(inspection)
            else:
                inspection_record(inspection, overall_grade(year, force, national), complete=True)
    for force in forces:
        follow_up(
            inspections_by_year[2016][force.slug],
            inspections_by_year[2015][force.slug],
            people["wendy.williams@example.org"],
        )
    # A 2017 report past drafting has said what became of every earlier finding, as its checks ask.
    for force in forces:
        if state_2017(force) != "draft":
            outcomes_recorded(inspections_by_year[2017][force.slug], people["lead@example.org"])
    return DemoSummary(
        forces=Force.objects.count(),
        programmes=Programme.objects.count(),
        inspections=Inspection.objects.count(),
        judgments=Judgment.objects.count(),
        findings=Finding.objects.count(),
    )


def state_2017(force: Force) -> str:
    """The demo state of ``force``'s 2017 report (see ``STATES_2017``)."""
    names = list(Force.objects.order_by("name").values_list("slug", flat=True))
    return STATES_2017[names.index(force.slug) % len(STATES_2017)]
