"""Factories for every model the tests build, in one place."""

from __future__ import annotations

import datetime

import factory
from django.contrib.auth.models import Group

from accounts.models import User
from accounts.roles import Role
from inspections.models import (
    Finding,
    Force,
    Grade,
    GradingScale,
    Inspection,
    Judgment,
    Pillar,
    Programme,
    Question,
)

PASSWORD = "correct-horse-battery-staple"


class UserFactory(factory.django.DjangoModelFactory[User]):
    class Meta:
        model = User
        django_get_or_create = ("email",)
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    name = factory.Faker("name")
    is_staff = True
    password = factory.django.Password(PASSWORD)

    @factory.post_generation
    def roles(self, create: bool, extracted: list[Role] | None, **kwargs: object) -> None:
        for role in extracted or []:
            self.groups.add(Group.objects.get(name=role.value))


def four_grade_scale() -> GradingScale:
    return GradingScale.objects.get(slug="peel-2014-2019")


def five_grade_scale() -> GradingScale:
    return GradingScale.objects.get(slug="peel-2021")


def grade(label_slug: str, scale: GradingScale | None = None) -> Grade:
    return Grade.objects.get(scale=scale or four_grade_scale(), slug=label_slug)


class ProgrammeFactory(factory.django.DjangoModelFactory[Programme]):
    class Meta:
        model = Programme
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"PEEL: Police legitimacy test {n}")
    slug = factory.Sequence(lambda n: f"peel-police-legitimacy-test-{n}")
    year = 2016
    scale = factory.LazyFunction(four_grade_scale)

    @factory.post_generation
    def pillars(self, create: bool, extracted: list[Pillar] | None, **kwargs: object) -> None:
        self.pillars.set(extracted or [Pillar.objects.get(slug="legitimacy")])


class QuestionFactory(factory.django.DjangoModelFactory[Question]):
    class Meta:
        model = Question

    programme = factory.SubFactory(ProgrammeFactory)
    pillar = factory.LazyFunction(lambda: Pillar.objects.get(slug="legitimacy"))
    number = factory.Sequence(lambda n: n + 1)
    text = factory.Sequence(lambda n: f"How well does the force do thing {n}?")
    short_title = factory.Sequence(lambda n: f"Thing {n}")


class InspectionFactory(factory.django.DjangoModelFactory[Inspection]):
    class Meta:
        model = Inspection
        skip_postgeneration_save = True

    force = factory.LazyFunction(lambda: Force.objects.get(slug="west-midlands-police"))
    programme = factory.SubFactory(ProgrammeFactory)
    fieldwork_start = datetime.date(2016, 5, 1)
    fieldwork_end = datetime.date(2016, 5, 6)
    status = Inspection.Status.REPORTING

    @factory.post_generation
    def team(self, create: bool, extracted: list[User] | None, **kwargs: object) -> None:
        if extracted:
            self.team.set(extracted)


class JudgmentFactory(factory.django.DjangoModelFactory[Judgment]):
    class Meta:
        model = Judgment

    inspection = factory.SubFactory(InspectionFactory)
    question = factory.SubFactory(QuestionFactory, programme=factory.SelfAttribute("..inspection.programme"))
    grade = factory.LazyFunction(lambda: grade("good"))
    narrative = "The force is good at this."


class FindingFactory(factory.django.DjangoModelFactory[Finding]):
    class Meta:
        model = Finding

    inspection = factory.SubFactory(InspectionFactory)
    kind = Finding.Kind.AREA_FOR_IMPROVEMENT
    text = factory.Sequence(lambda n: f"The force should improve thing {n}.")


def ready_inspection(*, team: list[User], lead: User) -> Inspection:
    """An inspection whose judgments are all recorded, ready for its report to be submitted."""
    from inspections.models import Pillar

    programme = ProgrammeFactory()
    QuestionFactory(programme=programme, number=1, short_title="Fairness")
    QuestionFactory(programme=programme, number=2, short_title="Ethics")
    inspection = InspectionFactory(programme=programme, team=team, lead_inspector=lead)
    for question in programme.questions.all():
        judgment = Judgment.objects.create(
            inspection=inspection, question=question, grade=grade("good"), narrative="Good."
        )
        cite_evidence(judgment, by=lead)
    Judgment.objects.create(
        inspection=inspection, pillar=Pillar.objects.get(slug="legitimacy"), grade=grade("good"), narrative="Good."
    )
    return inspection


def cite_evidence(judgment: Judgment, *, by: User) -> None:
    """Evidence that bears on ``judgment``'s question, cited by it (sign-off wants every graded judgment to
    cite some)."""
    from inspections.models import Evidence

    evidence = Evidence.objects.create(
        inspection=judgment.inspection,
        kind=Evidence.Kind.INTERVIEW,
        gathered_on=datetime.date(2017, 3, 1),
        gathered_by=by,
        summary=f"Interview about question {judgment.question.number}.",  # type: ignore[union-attr]
    )
    evidence.questions.add(judgment.question)  # type: ignore[arg-type]
    evidence.judgments.add(judgment)


def translate_whole_report(report, translator: User) -> None:  # type: ignore[no-untyped-def]
    """Put every part of a Welsh force's report into Welsh, from its latest English (nothing for an English
    force's report), as a translator would."""
    from reports import translations
    from reports.selectors import report_parts

    if not translations.is_bilingual(report):
        return
    inspection = report.inspection
    programme = inspection.programme
    for item, field in (
        (inspection.force, "name_cy"),
        (programme, "name_cy"),
        *((pillar, "name_cy") for pillar in programme.pillars.all()),
        *((grade, "label_cy") for grade in programme.scale.grades.all()),
    ):
        if not getattr(item, field):
            setattr(item, field, f"Cymraeg: {item}")
            item.save(update_fields=[field])
    for question in programme.questions.all():
        question.text_cy = question.text_cy or f"Cymraeg: {question.text}"
        question.short_title_cy = question.short_title_cy or f"Cymraeg: {question.short_title}"
        question.save(update_fields=["text_cy", "short_title_cy"])
    for item in translations.record_translation_status(report):
        if not item.up_to_date:
            translations.record_translation_save(
                report=report, actor=translator, kind=item.kind, item_id=item.item_id, text=f"Cymraeg: {item.english}"
            )
    for part in report_parts(report):
        latest = report.translations.filter(part=part.key).order_by("-number").first()
        translations.translation_save(
            report=report,
            actor=translator,
            part=part.key,
            text=f"Cymraeg: {part.title}.",
            based_on=latest.number if latest else 0,
            source_revision=report.version,
        )


def write_whole_report(report, author: User) -> None:  # type: ignore[no-untyped-def]
    """Write every part of ``report`` (one revision per part), as an author would."""
    from reports.selectors import report_parts
    from reports.services import report_save_part

    for part in report_parts(report):
        report.refresh_from_db()
        report_save_part(
            report=report, actor=author, part=part.key, text=f"Text of {part.title}.", based_on=report.version
        )
    report.refresh_from_db()
