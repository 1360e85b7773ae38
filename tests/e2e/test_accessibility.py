"""Accessibility of the public pages and the sign-in page: axe-core finds nothing, the keyboard works,
the error summary behaves as GOV.UK Frontend's does, and the header works on a phone."""

from __future__ import annotations

import re
from collections.abc import Callable
from http import HTTPStatus

import pytest
from playwright.sync_api import Locator, Page, expect
from pytest_django.live_server_helper import LiveServer

from accounts.roles import Role
from tests.e2e.conftest import MOBILE_VIEWPORT, assert_accessible, login
from tests.factories import UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_the_stylesheet_and_scripts_are_served(page: Page) -> None:
    with (
        page.expect_response(lambda response: response.url.endswith("/static/inspectorate.css")) as stylesheet,
        page.expect_response(lambda response: response.url.endswith("/static/govuk/govuk-frontend.min.js")) as script,
    ):
        page.goto("/")
    assert stylesheet.value.status == HTTPStatus.OK
    assert stylesheet.value.header_value("content-type").startswith("text/css")
    assert script.value.status == HTTPStatus.OK
    # The stylesheet is applied, and GOV.UK Frontend's JavaScript started.
    expect(page.locator("header.app-header")).to_have_css("background-color", "rgb(29, 53, 87)")
    expect(page.locator("body")).to_have_class("govuk-template__body js-enabled govuk-frontend-supported")


def test_home_page(page: Page) -> None:
    page.goto("/")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Inspection reports on the police forces of England and Wales"
    )
    assert_accessible(page)


def test_sign_in_page(page: Page) -> None:
    page.goto("/accounts/login/")
    expect(page).to_have_title("Sign in – Police Inspectorate")
    assert_accessible(page)


def test_sign_in_errors_are_summarised_focused_and_linked_to_their_fields(page: Page) -> None:
    page.goto("/accounts/login/")
    page.get_by_role("button", name="Sign in").click()

    expect(page).to_have_title("Error: Sign in – Police Inspectorate")
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_focused()
    expect(summary.get_by_role("heading")).to_have_text("There is a problem")
    for message, label in [("Enter your email address", "Email address"), ("Enter your password", "Password")]:
        link = summary.get_by_role("link", name=message)
        field = page.get_by_label(label, exact=True)
        assert link.get_attribute("href") == f"#{field.get_attribute('id')}"
        # The field says the same, and the error message is part of its accessible description.
        expect(field).to_have_attribute("aria-invalid", "true")
        expect(field).to_have_accessible_description(f"Error: {message}")
        link.click()
        expect(field).to_be_focused()
    assert_accessible(page)


def test_header_links_are_readable_when_focused(page: Page) -> None:
    page.goto("/")
    header = page.get_by_role("banner")
    assert_readable_when_focused(header.get_by_role("link", name="Police Inspectorate"))
    assert_readable_when_focused(header.get_by_role("link", name="Staff sign in"))


def test_page_not_found(page: Page) -> None:
    response = page.goto("/no-such-page/")
    assert response is not None
    assert response.status == HTTPStatus.NOT_FOUND
    expect(page).to_have_title("Page not found – Police Inspectorate")
    expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")
    assert_accessible(page)


def test_the_first_tab_reaches_the_skip_link_which_moves_focus_to_the_content(page: Page) -> None:
    page.goto("/")
    page.keyboard.press("Tab")
    skip_link = page.get_by_role("link", name="Skip to main content")
    expect(skip_link).to_be_focused()
    expect(skip_link).to_be_in_viewport()

    page.keyboard.press("Enter")
    expect(page.locator("#main-content")).to_be_focused()
    # The next Tab goes on from the content, not back to the header.
    page.keyboard.press("Tab")
    expect(page.get_by_role("main").get_by_label("Search reports")).to_be_focused()


def test_the_header_navigation_works_on_a_phone(new_page: Callable[..., Page]) -> None:
    page = new_page(viewport=MOBILE_VIEWPORT)
    page.goto("/")
    sign_in = page.get_by_role("navigation", name="Menu").get_by_role("link", name="Staff sign in")
    menu = page.get_by_role("button", name="Menu")
    if menu.is_visible():
        expect(menu).to_have_attribute("aria-expanded", "false")
        expect(sign_in).to_be_hidden()
        menu.click()
        expect(menu).to_have_attribute("aria-expanded", "true")
    expect(sign_in).to_be_visible()
    # Nothing is wider than the screen (WCAG 1.4.10, reflow).
    assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")
    assert_accessible(page)

    sign_in.click()
    expect(page).to_have_url(re.compile(r"/accounts/login/$"))


def test_the_signed_in_header_is_accessible(page: Page, live_server: LiveServer) -> None:
    UserFactory(roles=[Role.INSPECTOR], email="ivy@example.org")
    login(page, live_server.url, "ivy@example.org")
    page.goto("/")
    header = page.get_by_role("banner")
    expect(header.get_by_role("button", name="Sign out")).to_be_visible()
    assert_accessible(page)
    for name in ["Workspace", "Records"]:
        assert_readable_when_focused(header.get_by_role("link", name=name))
    assert_readable_when_focused(header.get_by_role("button", name="Sign out"))


def assert_readable_when_focused(control: Locator) -> None:
    """axe-core looks at the page as it is, never at a focused control: GOV.UK's focus style is
    near-black text on yellow, whatever the colours around it."""
    control.focus()
    expect(control).to_be_focused()
    expect(control).to_have_css("color", "rgb(11, 12, 12)")
    expect(control).to_have_css("background-color", "rgb(255, 221, 0)")
