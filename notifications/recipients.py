"""Who hears of what: the people of an inspection, the programme's editors, every editor."""

from __future__ import annotations

from typing import TYPE_CHECKING

from accounts.models import User
from accounts.roles import Role

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from inspections.models import Inspection, Programme


def editors() -> QuerySet[User]:
    return User.objects.filter(is_active=True, groups__name=Role.EDITOR.value).distinct()


def programme_editors(programme: Programme) -> QuerySet[User]:
    """The editors named on the programme; every editor when none is named."""
    named = editors().filter(edited_programmes=programme)
    return named if named.exists() else editors()


def inspection_people(inspection: Inspection) -> list[User]:
    """The inspection's team and its lead inspector."""
    people = list(inspection.team.filter(is_active=True))
    if inspection.lead_inspector is not None and inspection.lead_inspector not in people:
        people.append(inspection.lead_inspector)
    return people


def lead(inspection: Inspection) -> list[User]:
    return [inspection.lead_inspector] if inspection.lead_inspector is not None else []
