"""Settings: production passes Django's deployment checks and refuses to start without a secret."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def manage(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_settings_pass_the_deployment_checks() -> None:
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DJANGO_SETTINGS_MODULE="inspectorate.settings.production",
        DJANGO_SECRET_KEY="a-long-random-production-secret-key-0123456789-abcdefghijklmnop",
        DJANGO_ALLOWED_HOSTS="inspectorate.example",
    )
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_without_debug_a_secret_key_is_required() -> None:
    result = manage("check", DJANGO_SETTINGS_MODULE="inspectorate.settings.base")
    assert result.returncode != 0
    assert "Set DJANGO_SECRET_KEY" in result.stderr


def test_the_forces_file_is_the_shared_reference_data() -> None:
    shared = ROOT.parent / "shared" / "data" / "forces.csv"
    if not shared.exists():
        pytest.skip("no shared/ folder beside this checkout")
    assert (ROOT / "inspections" / "data" / "forces.csv").read_bytes() == shared.read_bytes()


def test_after_make_run_manage_py_commands_use_its_database_with_debug_on(tmp_path, monkeypatch) -> None:
    import manage

    for name in ("DJANGO_SETTINGS_MODULE", "DATABASE_URL", "DJANGO_SECRET_KEY", "DJANGO_DEBUG", "DJANGO_VAR_DIR"):
        monkeypatch.delenv(name, raising=False)
    manage.local_defaults(tmp_path)
    assert "DJANGO_DEBUG" not in os.environ  # no database of make run's: nothing assumed
    (tmp_path / "var").mkdir()
    (tmp_path / "var" / "inspectorate.sqlite3").touch()
    monkeypatch.setenv("DJANGO_SECRET_KEY", "set-by-a-deployment")
    manage.local_defaults(tmp_path)
    assert "DJANGO_DEBUG" not in os.environ  # a deployment's settings win
    monkeypatch.delenv("DJANGO_SECRET_KEY")
    manage.local_defaults(tmp_path)
    assert os.environ["DJANGO_DEBUG"] == "1"
