"""Known vulnerabilities in every pinned package (constraints.txt), by pip-audit.

Fails (exit 1) when any pinned version has a known vulnerability. pip-audit needs a vulnerability
database (PyPI's JSON API by default; ``PIP_AUDIT_SERVICE=osv`` for OSV). Where it cannot reach one, or
the one it reaches does not know the pinned versions, the packages it could not audit are named in a
line that starts with ``SKIPPED`` or ``PARTIAL``: never a quiet "no known vulnerabilities".

Run by ``make audit`` (and so by CI).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    service = os.environ.get("PIP_AUDIT_SERVICE", "pypi")
    with tempfile.TemporaryDirectory() as folder:
        report = Path(folder) / "audit.json"
        command = [
            str(Path(sys.executable).with_name("pip-audit")),
            "--requirement",
            str(ROOT / "constraints.txt"),
            "--no-deps",  # constraints.txt pins every package, dependencies included
            "--disable-pip",
            "--vulnerability-service",
            service,
            "--progress-spinner",
            "off",
            "--format",
            "json",
            "--output",
            str(report),
        ]
        result = subprocess.run(command, capture_output=True, text=True, timeout=600, check=False)  # noqa: S603
        if not report.is_file() or not report.read_text().strip():
            reason = (result.stderr.strip().splitlines() or ["no output"])[-1]
            print(f"SKIPPED: pip-audit could not reach the vulnerability database ({service}): {reason}")
            return 0
        dependencies = json.loads(report.read_text())["dependencies"]
    lines, status = summary(dependencies, service)
    print("\n".join(lines))
    return status


def summary(dependencies: list[dict[str, Any]], service: str) -> tuple[list[str], int]:
    """What to print about pip-audit's JSON ``dependencies``, and the exit status: 1 if any is vulnerable."""
    lines = []
    vulnerable = [dependency for dependency in dependencies if dependency.get("vulns")]
    unaudited = [dependency for dependency in dependencies if "skip_reason" in dependency]
    audited = len(dependencies) - len(unaudited)
    for dependency in vulnerable:
        for vulnerability in dependency["vulns"]:
            fixed = ", ".join(vulnerability.get("fix_versions") or []) or "no fixed version yet"
            lines.append(
                f"VULNERABLE: {dependency['name']} {dependency['version']}: {vulnerability['id']} (fixed in {fixed})"
            )
    if unaudited:
        reason = unaudited[0]["skip_reason"].split(":")[0]
        if audited == 0:
            lines.append(
                f"SKIPPED: pip-audit audited none of the {len(dependencies)} pinned packages against {service} "
                f"({reason}): the vulnerability database is out of this machine's reach"
            )
        else:
            names = ", ".join(dependency["name"] for dependency in unaudited)
            lines.append(
                f"PARTIAL: pip-audit audited {audited} of {len(dependencies)} pinned packages against {service}; "
                f"not audited ({reason}): {names}"
            )
    if vulnerable:
        return lines, 1
    if audited:
        lines.append(f"pip-audit: {audited} pinned packages audited against {service}, no known vulnerabilities.")
    return lines, 0


if __name__ == "__main__":
    sys.exit(main())
