"""Every PDF of the demo data set, typeset by Typst, passes the publication's own check and an outside
PDF/UA-1 checker (PyPI ``pdfua``) with no error and no warning."""

from __future__ import annotations

from pathlib import Path

import pytest

from publishing import rendering
from publishing.models import Edition
from publishing.services import edition_pdf
from tests.publishing.helpers import pdfua_findings

pytestmark = pytest.mark.django_db


def test_every_demo_pdf_passes_the_outside_checker(demo_data, tmp_path: Path) -> None:
    editions = list(Edition.objects.select_related("report__inspection", "revision").order_by("pk"))
    assert len(editions) > 40
    found: dict[str, list[str]] = {}
    for edition in editions:
        rendered = edition_pdf(edition)
        check = rendering.check_pdf(rendered.content)
        problems = list(check.problems) + pdfua_findings(rendered.content, tmp_path)
        if not check.accessible or problems:
            found[str(edition)] = problems or ["no title or language"]
    assert found == {}
