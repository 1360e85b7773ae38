"""The public's force and programme pages in a real browser: axe-core finds nothing on /forces/, a
force's page and a programme's table (ungrouped and by region), and a keyboard user who follows
"Skip to main content" lands in the main content with the next Tab."""

from __future__ import annotations

import datetime

from playwright.sync_api import Page, expect

from accounts.roles import Role
from inspections.models import Finding, Force, RecommendationUpdate
from tests.e2e.conftest import assert_accessible
from tests.factories import UserFactory
from tests.publishing.helpers import People, make_programme, make_report


def skip_to_main_then_tab(page: Page) -> None:
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to main content")
    expect(skip).to_be_focused()
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.closest('#main-content') !== null"), page.evaluate(
        "() => document.activeElement.outerHTML"
    )


def test_force_and_programme_pages_are_accessible_and_keyboard_friendly(page: Page) -> None:
    people = People(
        UserFactory(roles=[Role.INSPECTOR]), UserFactory(roles=[Role.LEAD_INSPECTOR]), UserFactory(roles=[Role.EDITOR])
    )
    programme = make_programme("Legitimacy 2016", 2016, ["Fairness", "Ethics", "Abuse of authority"])
    for slug, overall in (("west-midlands-police", "good"), ("gwent-police", "outstanding"), ("kent-police", "good")):
        make_report(
            programme,
            Force.objects.get(slug=slug),
            people,
            state="published",
            overall=overall,
            recommendation=f"Demo recommendation for {slug}.",
        )
    RecommendationUpdate.objects.create(
        recommendation=Finding.objects.get(text="Demo recommendation for west-midlands-police."),
        status="progressing",
        comment="The force has a plan.",
        recorded_on=datetime.date(2017, 3, 1),
    )

    pages = [
        ("/forces/", "Police forces", "Police forces"),
        ("/forces/west-midlands-police/", "West Midlands Police", "West Midlands Police"),
        (f"/programmes/{programme.slug}/", "Grades of every force", "Legitimacy 2016: grades of every force"),
        (f"/programmes/{programme.slug}/?group=region", "Grades of every force", "Legitimacy 2016: grades"),
    ]
    for url, heading, title in pages:
        page.goto(url)
        expect(page.get_by_role("heading", level=1)).to_have_text(heading)
        assert page.title().startswith(title), page.title()
        assert_accessible(page)
        skip_to_main_then_tab(page)

    page.goto("/forces/west-midlands-police/")
    expect(page.get_by_role("table").first).to_contain_text("(2 of 3 forces graded good)")
    expect(page.get_by_text("The force has a plan.")).to_be_visible()
