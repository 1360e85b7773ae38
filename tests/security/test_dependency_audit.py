"""scripts/audit_dependencies.py reads pip-audit's JSON: a vulnerable pin fails, and packages it could not
audit are named in a SKIPPED or PARTIAL line, never passed over in silence."""

from __future__ import annotations

import importlib.util
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "audit_dependencies.py"
spec = importlib.util.spec_from_file_location("audit_dependencies", SCRIPT)
assert spec is not None and spec.loader is not None
audit = importlib.util.module_from_spec(spec)
spec.loader.exec_module(audit)

CLEAN = {"name": "django", "version": "5.2.19", "vulns": []}
VULNERABLE = {
    "name": "django",
    "version": "5.2.1",
    "vulns": [{"id": "PYSEC-2025-1", "fix_versions": ["5.2.2"], "aliases": [], "description": "..."}],
}
UNKNOWN = {"name": "celery", "skip_reason": "Dependency not found on PyPI and could not be audited: celery (5.7.0)"}


def test_a_vulnerable_pin_fails_and_says_where_it_is_fixed() -> None:
    lines, status = audit.summary([VULNERABLE, CLEAN], "pypi")
    assert status == 1
    assert lines == ["VULNERABLE: django 5.2.1: PYSEC-2025-1 (fixed in 5.2.2)"]


def test_nothing_audited_is_a_skip_line_not_a_pass() -> None:
    lines, status = audit.summary([UNKNOWN], "pypi")
    assert status == 0
    assert lines[0].startswith("SKIPPED: pip-audit audited none of the 1 pinned packages")
    assert not any("no known vulnerabilities" in line for line in lines)


def test_some_unaudited_are_named() -> None:
    lines, status = audit.summary([CLEAN, UNKNOWN], "pypi")
    assert status == 0
    assert lines[0].startswith("PARTIAL: pip-audit audited 1 of 2") and lines[0].endswith(": celery")
    assert lines[1] == "pip-audit: 1 pinned packages audited against pypi, no known vulnerabilities."
