"""Browser tests: Playwright's sync API driving Debian's Chromium against pytest-django's live server.

Every test under ``tests/e2e/`` is marked ``e2e`` (``pytest -m "not e2e"`` leaves them out) and gets
``django_db(transaction=True, serialized_rollback=True)``, unless it declares the same itself (any other
``django_db`` mark there is a usage error):

- ``transaction=True``: the live server answers from another thread, so the test's data must be
  committed for the server to see it.
- ``serialized_rollback=True``: a transactional test ends by emptying every table, which would take
  the roles (groups) and reference data made by data migrations with it; this restores them before
  each test. ``_reference_data_back_after_e2e`` restores them once more after the last browser test,
  so that a database kept with ``--reuse-db`` is left as migrations made it.

Fixtures: ``browser`` (one Chromium for the package), ``new_page(viewport=..., **context_options)``
(a page in a fresh context, for other viewports or a second user) and ``page`` (the common case).
Helpers to import from here: ``login``, ``assert_accessible`` and ``assert_valid_html``.

No browser is ever downloaded: Playwright launches the Chromium at ``CHROMIUM_PATH`` (default
``/usr/bin/chromium``, installed by ``scripts/install-browser.sh``). Without it the tests are skipped,
except in CI (``CI=true``), where they fail.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright
from pytest_django.live_server_helper import LiveServer

from tests.factories import PASSWORD

IN_CI = os.environ.get("CI", "").lower() == "true"
E2E_DIR = Path(__file__).resolve().parent
REPO_ROOT = E2E_DIR.parent.parent
AXE_SCRIPT = REPO_ROOT / "node_modules" / "axe-core" / "axe.min.js"
AXE_URL = "/static/test-tools/axe/axe.min.js"  # inspectorate/settings/test.py serves it
RESULTS_DIR = REPO_ROOT / "test-results"

DEFAULT_CHROMIUM = "/usr/bin/chromium"
# The machine has no outside network: keep Chromium from trying to reach it.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DESKTOP_VIEWPORT = {"width": 1280, "height": 900}
MOBILE_VIEWPORT = {"width": 390, "height": 844}
# Playwright's own default is 30 seconds; a local page that takes a third of that is broken.
TIMEOUT_MS = 10_000

AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
AXE_NODES_SHOWN = 5

E2E_DB_MARK = pytest.mark.django_db(transaction=True, serialized_rollback=True)
_reports_key = pytest.StashKey[dict[str, pytest.TestReport]]()


# --- Collection and reports -----------------------------------------------------------------


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark every test under tests/e2e ``e2e`` and give it the database access it needs.

    tryfirst: the marks must be there before ``-m`` deselects and pytest-django orders the tests.
    """
    for item in items:
        if not item.path.is_relative_to(E2E_DIR):
            continue
        item.add_marker(pytest.mark.e2e)
        marker = item.get_closest_marker("django_db")
        if marker is None:
            item.add_marker(E2E_DB_MARK)
        elif not (marker.kwargs.get("transaction") and marker.kwargs.get("serialized_rollback")):
            raise pytest.UsageError(
                f"{item.nodeid}: a browser test needs @pytest.mark.django_db(transaction=True, "
                "serialized_rollback=True), or no django_db mark at all (tests/e2e/conftest.py adds it)."
            )


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    """Keep each phase's report on the item, so that ``new_page`` can tell whether the test failed."""
    report = yield
    item.stash.setdefault(_reports_key, {})[report.when] = report
    return report


def _failed(item: pytest.Item) -> bool:
    reports = item.stash.get(_reports_key, {})
    return any(report.failed for report in reports.values())


# --- The browser ----------------------------------------------------------------------------


def chromium_path() -> Path:
    return Path(os.environ.get("CHROMIUM_PATH") or DEFAULT_CHROMIUM)


@pytest.fixture(scope="package")
def browser(django_db_setup: None) -> Iterator[Browser]:
    """One headless Chromium for every browser test.

    Playwright's sync API keeps an asyncio event loop running in the main thread for as long as it
    is started, and that changes how Django behaves in the test thread:

    - Django refuses ORM calls from a thread with a running loop ("SynchronousOnlyOperation: You
      cannot call this from an async context"), including pytest-django's own set-up and flush.
      DJANGO_ALLOW_ASYNC_UNSAFE=true turns that check off while Playwright runs. That is safe here:
      the loop is Playwright's and never runs Django code, and the live server answers in its own
      thread, which has no loop.
    - asgiref's thread-local storage, which holds Django's connections, turns into context-local
      storage once a loop runs, so the test thread would get new connection objects: a second
      connection beside the one the live server shares (in-memory SQLite), and one without the
      serialized copy of the database that ``serialized_rollback`` restores from. The thread's own
      connection objects are put back into that storage, as they were before Playwright started.

    Package scope rather than session scope, so that the rest of the suite gets its usual thread
    back once tests/e2e is done.
    """
    from django.db import connections

    executable = chromium_path()
    if not (executable.is_file() and os.access(executable, os.X_OK)):
        message = f"The browser tests need Chromium at {executable} (set CHROMIUM_PATH to use another)"
        if IN_CI:
            pytest.fail(f"{message}: CI must install it with scripts/install-browser.sh.", pytrace=False)
        pytest.skip(f"{message}: run scripts/install-browser.sh to install Debian's Chromium.")

    thread_connections = connections.all()
    with pytest.MonkeyPatch.context() as patch, sync_playwright() as playwright:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        for connection in thread_connections:
            connections[connection.alias] = connection
        chromium = playwright.chromium.launch(executable_path=str(executable), headless=True, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture(scope="package", autouse=True)
def _reference_data_back_after_e2e(django_db_setup: None, django_db_blocker: Any) -> Iterator[None]:
    """After the last browser test, put back what its final flush took (see the module docstring)."""
    yield
    from django.db import connections

    with django_db_blocker.unblock():
        for connection in connections.all():
            contents = getattr(connection, "_test_serialized_contents", None)
            if contents:
                connection.creation.deserialize_db_from_string(contents)


@pytest.fixture
def new_page(
    browser: Browser, live_server: LiveServer, request: pytest.FixtureRequest
) -> Iterator[Callable[..., Page]]:
    """Make a page in a fresh browser context (its own cookies: one signed-in user each).

    ``new_page(viewport=MOBILE_VIEWPORT)``; other keyword arguments go to ``browser.new_context``.
    Relative URLs resolve against the live server: ``page.goto("/accounts/login/")``. Every context is
    closed after the test; if the test failed, each page's screenshot and HTML are saved in
    ``test-results/``.
    """
    contexts: list[BrowserContext] = []
    refused: list[str] = []

    def make(*, viewport: dict[str, int] | None = None, **context_options: Any) -> Page:
        options: dict[str, Any] = {
            "base_url": live_server.url,
            "viewport": viewport or DESKTOP_VIEWPORT,
            "locale": "en-GB",
            "timezone_id": "Europe/London",
            **context_options,
        }
        context = browser.new_context(**options)
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        made = context.new_page()
        # Whatever the content security policy stops (a script, a style, a frame) is a broken page.
        made.on(
            "console",
            lambda message: (
                refused.append(f"{made.url}: {message.text}") if "Content Security Policy" in message.text else None
            ),
        )
        return made

    yield make

    failed = _failed(request.node)
    for number, context in enumerate(contexts, start=1):
        if failed:
            for index, open_page in enumerate(context.pages, start=1):
                _save_evidence(open_page, f"{request.node.nodeid}-{number}-{index}")
        context.close()
    assert not refused, "The content security policy refused:\n" + "\n".join(refused)


@pytest.fixture
def page(new_page: Callable[..., Page]) -> Page:
    """A page at the desktop size (1280x900), British English, in a context of its own."""
    return new_page()


def _save_evidence(page: Page, name: str) -> None:
    RESULTS_DIR.mkdir(exist_ok=True)
    stem = RESULTS_DIR / re.sub(r"[^A-Za-z0-9_.-]+", "-", name).strip("-")
    try:
        page.screenshot(path=f"{stem}.png", full_page=True)
        Path(f"{stem}.html").write_text(f"<!-- {page.url} -->\n{page.content()}", encoding="utf-8")
    except Exception as error:  # noqa: BLE001 - evidence is best effort; the test's own failure matters
        warnings.warn(f"Could not save {stem}: {error}", stacklevel=2)


# --- Helpers --------------------------------------------------------------------------------


def login(page: Page, live_server_url: str, email: str, password: str = PASSWORD, *, next_path: str = "") -> None:
    """Sign in through the sign-in form, as a person would, second factor included.

    An editor or administrator is given an authenticator app first (a real django-otp device, set up
    here rather than through its page, which ``test_second_factor.py`` walks), and the code the app
    would show is typed on the code page. Waits for the page the form leads to (``LOGIN_REDIRECT_URL``,
    or ``next_path``). Raises AssertionError with the page's error summary if the sign-in was refused.
    """
    from accounts.models import User
    from accounts.second_factor import second_factor_required

    person = User.objects.filter(email=email).first()
    device = authenticator_of(person) if person is not None and second_factor_required(person) else None
    query = f"?{urlencode({'next': next_path})}" if next_path else ""
    page.goto(f"{live_server_url}/accounts/login/{query}")
    page.get_by_label("Email address", exact=True).fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in", exact=True).click()
    if device is not None and urlsplit(page.url).path == "/accounts/second-factor/":
        page.get_by_label("Security code", exact=True).fill(authenticator_code(device))
        with page.expect_navigation():
            page.get_by_role("button", name="Continue", exact=True).click()
    if urlsplit(page.url).path in {"/accounts/login/", "/accounts/second-factor/"}:
        summary = page.locator(".govuk-error-summary")
        problem = summary.inner_text() if summary.count() else page.title()
        raise AssertionError(f"Signing in as {email} failed: {problem}")


def authenticator_of(person: Any) -> Any:
    """``person``'s authenticator app (a TOTPDevice), made if they have none."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from accounts.second_factor import APP_NAME, authenticator

    return authenticator(person) or TOTPDevice.objects.create(user=person, name=APP_NAME, confirmed=True)


def authenticator_code(device: Any) -> str:
    """The code ``device``'s app shows that it has not yet accepted: the current one, or the next if the
    current one was used (it accepts one step ahead), waiting for a new step if that was used too."""
    import time

    from django_otp.oath import TOTP

    device.refresh_from_db()
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    while device.last_t >= totp.t() + 1:
        time.sleep(1)
        totp.time = time.time()
    if device.last_t >= totp.t():
        totp.time += device.step
    return f"{totp.token():0{device.digits}d}"


def _check_axe_installed() -> None:
    if not AXE_SCRIPT.is_file():
        raise FileNotFoundError(f"{AXE_SCRIPT.relative_to(REPO_ROOT)} is missing: run `npm ci`.")


_RUN_AXE = """
async ([tags, disabled]) => {
  const options = {runOnly: {type: "tag", values: tags}};
  if (disabled.length) {
    options.rules = Object.fromEntries(disabled.map((id) => [id, {enabled: false}]));
  }
  const results = await axe.run(document, options);
  return results.violations.map((violation) => ({
    id: violation.id,
    impact: violation.impact,
    help: violation.help,
    helpUrl: violation.helpUrl,
    count: violation.nodes.length,
    targets: violation.nodes.map((node) => node.target.join(" ")),
  }));
}
"""


def assert_accessible(page: Page, *, disable_rules: tuple[str, ...] = ()) -> None:
    """Run axe-core on the page as it is now (WCAG 2.0, 2.1 and 2.2 A and AA, and best practice).

    Fails with one line per broken rule: its id, impact, what it asks and the first few elements.
    ``disable_rules`` switches rules off by id; say in the test why any is.
    """
    page.wait_for_load_state()
    if not page.evaluate("() => typeof window.axe === 'object'"):
        _check_axe_installed()
        # By address, not inline: the page's content security policy allows scripts from the site only.
        page.add_script_tag(url=AXE_URL)
    violations = page.evaluate(_RUN_AXE, [AXE_TAGS, list(disable_rules)])
    if not violations:
        return
    lines = [f"axe-core found {len(violations)} accessibility problem(s) on {page.url}:"]
    for violation in violations:
        lines.append(
            f"- {violation['id']} ({violation['impact']}): {violation['help']}"
            f" [{violation['count']} element(s)] {violation['helpUrl']}"
        )
        lines.extend(f"    {target}" for target in violation["targets"][:AXE_NODES_SHOWN])
        if violation["count"] > AXE_NODES_SHOWN:
            lines.append(f"    ... and {violation['count'] - AXE_NODES_SHOWN} more")
    raise AssertionError("\n".join(lines))


# --- The Nu HTML checker ----------------------------------------------------------------------------

VNU_JAR = REPO_ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


def assert_valid_html(pages: dict[str, str], folder: Path) -> None:
    """Check pages (address: their HTML as served) with the Nu HTML checker (vnu.jar from npm, run by
    the Java that scripts/install-browser.sh installs), in one run. Fails with each error; warnings
    are not errors. A missing checker fails in CI and skips elsewhere, as a missing Chromium does."""
    java = shutil.which("java")
    if java is None or not VNU_JAR.is_file():
        message = "The Nu HTML checker needs Java (scripts/install-browser.sh) and node_modules/vnu-jar (npm ci)"
        if IN_CI:
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    files = {}  # file name: the page's address
    for number, (address, html) in enumerate(pages.items()):
        path = folder / f"page-{number}.html"
        path.write_text(html)
        files[path.name] = address
    command = [java, "-jar", str(VNU_JAR), "--format", "json", "--exit-zero-always", *(str(folder / n) for n in files)]
    finished = subprocess.run(command, capture_output=True, text=True, timeout=120, check=True)
    errors = [
        f"{files.get(message.get('url', '').rsplit('/', 1)[-1], message.get('url'))}"
        f" line {message.get('lastLine')}: {message['message']}"
        for message in json.loads(finished.stderr or finished.stdout)["messages"]
        if message.get("type") in ("error", "non-document-error")
    ]
    assert not errors, "The Nu HTML checker found errors:\n" + "\n".join(errors)
