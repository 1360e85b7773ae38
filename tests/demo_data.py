"""The demo data set (``manage.py seed_demo``), loaded once for every test that reads it.

Loading it takes seconds, so it is not loaded per test. The tests that ask for the ``demo_data``
fixture (tests/conftest.py) run one after another (``group_demo_tests``); before the first of them
the demo is loaded inside a transaction that stays open, each test runs in its own savepoint as
usual (whatever it changes is rolled back), and after the last of them the outer transaction is
rolled back too, so every other test finds the database as migrations left it. That works the same
on SQLite and PostgreSQL, and needs no copy of the database.

Should the tests of the group ever be split up (by another plugin reordering them), the demo is
loaded again for each run of them: slower, never wrong. ``DemoData.loads`` counts the loads.
"""

from __future__ import annotations

import sys
from io import StringIO
from typing import Any

import pytest

FIXTURE = "demo_data"


def uses_demo(item: pytest.Item | None) -> bool:
    return item is not None and FIXTURE in getattr(item, "fixturenames", ())


def check_demo_tests(items: list[pytest.Item]) -> None:
    """The demo lives in a transaction that is rolled back: a transactional test cannot share it."""
    for item in items:
        if not uses_demo(item):
            continue
        marker = item.get_closest_marker("django_db")
        fixtures = getattr(item, "fixturenames", ())
        if (
            (marker is not None and (marker.kwargs.get("transaction") or marker.kwargs.get("reset_sequences")))
            or "transactional_db" in fixtures
            or "live_server" in fixtures
        ):
            raise pytest.UsageError(
                f"{item.nodeid}: the {FIXTURE} fixture is for tests that run in a transaction "
                "(django_db without transaction=True); a transactional test must make its own data."
            )


def mark_process_groups(items: list[pytest.Item]) -> None:
    """Under pytest-xdist (``make test`` runs a process per core), what one process must run: every
    demo test (so the demo is loaded once, by one process), and each other module whole (so its
    module-scoped worker and fixtures start once)."""
    for item in items:
        group = FIXTURE if uses_demo(item) else item.nodeid.split("::", 1)[0]
        item.add_marker(pytest.mark.xdist_group(group))


def group_demo_tests(items: list[pytest.Item]) -> None:
    """Move the tests that read the demo next to each other, where the first of them was, keeping
    their order and everyone else's."""
    demo = [item for item in items if uses_demo(item)]
    if not demo:
        return
    first = items.index(demo[0])
    others = [item for item in items if not uses_demo(item)]
    items[:] = others[:first] + demo + others[first:]


class DemoData:
    """The demo, loaded in an open transaction on the default database (see the module docstring)."""

    def __init__(self, django_db_blocker: Any) -> None:
        self._blocker = django_db_blocker
        self._atomic: Any = None
        #: What ``seed_demo`` printed.
        self.output = ""
        #: How many times the demo was loaded in this run.
        self.loads = 0

    @property
    def loaded(self) -> bool:
        return self._atomic is not None

    def load(self) -> None:
        if self.loaded:
            return
        from django.core.management import call_command
        from django.db import transaction

        from tests.conftest import restore_reference_data

        out = StringIO()
        with self._blocker.unblock():
            atomic = transaction.atomic()
            atomic.__enter__()
            try:
                restore_reference_data()  # in case a transactional test flushed it before
                call_command("seed_demo", stdout=out)
            except BaseException:
                atomic.__exit__(*sys.exc_info())
                raise
        self._atomic = atomic
        self.output = out.getvalue()
        self.loads += 1

    def unload(self) -> None:
        if not self.loaded:
            return
        from django.db import transaction

        from accounts.models import User

        with self._blocker.unblock():
            transaction.set_rollback(True)
            self._atomic.__exit__(None, None, None)
            self._atomic = None
            # The tests after these expect an empty database: say so at once if the demo outlived its transaction.
            assert not User.objects.filter(email="editor@example.org").exists(), "the demo data was not rolled back"
