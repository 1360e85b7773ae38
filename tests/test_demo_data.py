"""The suite's own plumbing for the demo data (tests/demo_data.py): the tests that read it run one
after another, so that it is loaded once."""

from __future__ import annotations

from types import SimpleNamespace

from tests.demo_data import FIXTURE, group_demo_tests


def item(name: str, *fixtures: str) -> SimpleNamespace:
    return SimpleNamespace(name=name, fixturenames=list(fixtures))


def test_demo_tests_are_moved_next_to_the_first_of_them_and_nothing_else_moves() -> None:
    items = [
        item("a", "db"),
        item("demo-1", FIXTURE, "db"),
        item("b", "db"),
        item("c"),
        item("demo-2", FIXTURE, "client"),
        item("d", "db"),
    ]
    group_demo_tests(items)  # type: ignore[arg-type]
    assert [i.name for i in items] == ["a", "demo-1", "demo-2", "b", "c", "d"]


def test_without_demo_tests_the_order_is_kept() -> None:
    items = [item("a", "db"), item("b")]
    group_demo_tests(items)  # type: ignore[arg-type]
    assert [i.name for i in items] == ["a", "b"]
