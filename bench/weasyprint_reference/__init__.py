"""The report rendered by WeasyPrint as it was before the PDFs moved to Typst: a development-only
comparison for bench/publication_day.py, on the same content (``publishing.rendering.report_document``).
WeasyPrint and the Pango library it needs are in requirements-dev.txt and the README's note on the
benchmark, not in what the service runs on."""

from __future__ import annotations

import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def weasyprint_seconds(report, revision) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    """WeasyPrint's time for the report's PDF (PDF/UA-1): as a whole (its content and HTML made first,
    as render_report_pdf makes the Typst data first), and for its own layout and writing alone."""
    from django.template import engines
    from weasyprint import CSS, HTML

    from publishing import rendering

    started = time.perf_counter()
    template = engines["django"].from_string((HERE / "report.html").read_text())
    markup = template.render(rendering.report_document(report, revision))
    stylesheet = CSS(filename=str(HERE / "pdf.css"))
    layout_started = time.perf_counter()
    HTML(string=markup, base_url=str(HERE)).write_pdf(stylesheets=[stylesheet], pdf_variant="pdf/ua-1")
    finished = time.perf_counter()
    return finished - started, finished - layout_started
