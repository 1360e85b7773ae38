"""The team rule, for each role."""

from __future__ import annotations

import pytest

from accounts.permissions import can_change_inspection, inspections_changeable_by
from accounts.roles import Role
from tests.factories import InspectionFactory, ProgrammeFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("who", "may_change"),
    [
        ("inspector", True),
        ("other_inspector", False),
        ("lead_inspector", True),
        ("editor", False),
        ("administrator", True),
    ],
)
def test_who_may_change_an_inspection(request, inspection, who: str, may_change: bool) -> None:
    user = request.getfixturevalue(who)
    assert can_change_inspection(user, inspection) is may_change
    assert inspections_changeable_by(user).filter(pk=inspection.pk).exists() is may_change


def test_a_lead_inspector_not_leading_nor_on_the_team_may_not_change_it(inspection, make_user) -> None:
    other_lead = make_user(Role.LEAD_INSPECTOR)
    assert not can_change_inspection(other_lead, inspection)


def test_anonymous_and_inactive_users_change_nothing(inspection, inspector) -> None:
    from django.contrib.auth.models import AnonymousUser

    assert not can_change_inspection(AnonymousUser(), inspection)
    assert not inspections_changeable_by(AnonymousUser()).exists()
    inspector.is_active = False
    inspector.save()
    inspector.refresh_from_db()
    assert not can_change_inspection(inspector, inspection)


def test_the_changeable_queryset_lists_each_inspection_once(inspector) -> None:
    led_and_on_team = InspectionFactory(team=[inspector], lead_inspector=inspector)
    InspectionFactory(programme=ProgrammeFactory())
    assert list(inspections_changeable_by(inspector)) == [led_and_on_team]
