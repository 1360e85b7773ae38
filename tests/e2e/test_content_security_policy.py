"""The content security policy in Chromium: the site's own scripts run under it (GOV.UK Frontend, the
editor's live preview, axe-core for the accessibility checks, which every browser test runs), and a
script put into the page inline does not. Every browser test also fails on any message of a refusal
(``tests/e2e/conftest.py``); the header itself is checked on every URL by
``tests/public/test_embargo_walk.py`` and ``tests/security/test_url_matrix.py``."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Error

from tests.e2e.conftest import DESKTOP_VIEWPORT, assert_accessible


def test_an_inline_script_is_refused_and_the_sites_own_scripts_run(live_server, browser: Browser) -> None:
    # A context of the test's own: the refusal it provokes is the point, not a failure of the page.
    context = browser.new_context(base_url=live_server.url, viewport=DESKTOP_VIEWPORT)
    page = context.new_page()
    refusals: list[str] = []
    page.on("console", lambda message: refusals.append(message.text))
    try:
        response = page.goto("/reports/")
        assert response is not None
        assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
        # static/js-enabled.js and GOV.UK Frontend's module ran.
        classes = page.evaluate("() => document.body.className")
        assert "js-enabled" in classes and "govuk-frontend-supported" in classes
        assert_accessible(page)  # axe-core, loaded as a file, runs

        with pytest.raises(Error):
            page.add_script_tag(content="window.injected = true;")
        assert page.evaluate("() => window.injected") is None
        assert any("Content Security Policy" in text for text in refusals), refusals
    finally:
        context.close()
