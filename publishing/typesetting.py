"""Typesetting a report's PDF with Typst, in a process of its own that has a time limit.

``typeset`` hands the report's data (``publishing.pdf_document``) to a child process that runs
``publishing/typst/report.typ`` with the Typst compiler (PyPI ``typst``) and writes the PDF back. The
child imports nothing of Django, so it starts in a few tens of milliseconds. Its own process means
a render can be stopped: past ``seconds`` it is killed, and past ``max_pages`` or ``MEMORY_BYTES``
it fails; each is a ``TypesetError``, an ordinary render failure that the task retries and editors
see, never a stuck worker.

The data reaches the template as a string in ``sys.inputs``, which the template decodes as JSON: no
text of a person or a force is ever parsed as Typst markup or code. The compiler reads no files but
the template and the fonts shipped beside it (``ignore_system_fonts``), and fetches no packages.

Run as ``python -m publishing.typesetting``: JSON on standard input, the PDF on standard output.
"""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

HERE: Final = Path(__file__).resolve().parent / "typst"
TEMPLATE: Final = HERE / "report.typ"
FONTS: Final = HERE / "fonts"
#: Memory a render may use (the child's address space: it grows with threads, so it is generous), and
#: the most data it is given.
MEMORY_BYTES: Final = 2 * 1024 * 1024 * 1024
MAX_DATA_BYTES: Final = 8 * 1024 * 1024
#: What the child process is not given of the environment: it needs no secret.
_SECRET: Final = re.compile(r"SECRET|PASSWORD|TOKEN|KEY|DATABASE|REDIS|BROKER|AWS_|DSN", re.IGNORECASE)
_PEAK: Final = re.compile(rb"\npeak-kib=(\d+)\n?\Z")


class TypesetError(RuntimeError):
    """The PDF could not be typeset: the compiler refused the document, or the render ran past a limit."""


@dataclass(frozen=True)
class Typeset:
    content: bytes
    pages: int
    peak_mib: float  # the typesetting process's peak resident memory


def typeset(data: dict[str, Any], *, seconds: float, max_pages: int, timestamp: int | None = None) -> Typeset:
    """Typeset ``data`` with the report template, in a child process stopped after ``seconds``.

    ``timestamp`` (seconds since the epoch) fixes the moment the PDF says it was made, so that the
    same edition renders to the same bytes. Raises ``TypesetError`` on any failure or limit.
    """
    document = json.dumps(data, ensure_ascii=False).encode()
    if len(document) > MAX_DATA_BYTES:
        raise TypesetError(f"the report is too long to typeset ({len(document):,} bytes of content)")
    try:
        # subprocess.run kills the child and reaps it when the time runs out.
        child = subprocess.run(  # noqa: S603 - this interpreter and our own module, no shell
            [sys.executable, "-m", "publishing.typesetting", "" if timestamp is None else str(timestamp)],
            input=document,
            capture_output=True,
            timeout=seconds,
            cwd=HERE.parent.parent,
            env={name: value for name, value in os.environ.items() if not _SECRET.search(name)},
            check=False,
        )
    except subprocess.TimeoutExpired as error:
        raise TypesetError(f"typesetting took longer than {seconds:g} s and was stopped") from error
    if child.returncode != 0:
        message = child.stderr.decode(errors="replace").strip()
        raise TypesetError(f"typesetting failed: {message[-1500:] or f'exit status {child.returncode}'}")
    peak = _PEAK.search(child.stderr)
    import pikepdf  # here, not at the top: the child process has no need of it

    try:
        with pikepdf.open(io.BytesIO(child.stdout)) as pdf:
            pages = len(pdf.pages)
    except pikepdf.PdfError as error:
        raise TypesetError(f"typesetting gave no PDF: {error}") from error
    if pages > max_pages:
        raise TypesetError(f"the PDF would have {pages} pages, more than the {max_pages} a report may have")
    return Typeset(content=child.stdout, pages=pages, peak_mib=int(peak.group(1)) / 1024 if peak else 0.0)


def main() -> int:
    """The child: the document's JSON on standard input, the timestamp (or "") as the one argument; the
    PDF on standard output, and its peak memory on standard error. A document Typst refuses exits 1
    with Typst's message alone."""
    import resource

    import typst

    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_BYTES, MEMORY_BYTES))
    timestamp = int(sys.argv[1]) if len(sys.argv) > 1 and sys.argv[1] else None
    compiler = typst.Compiler(
        str(TEMPLATE),
        root=str(HERE),
        font_paths=[str(FONTS)],
        ignore_system_fonts=True,
        sys_inputs={"document": sys.stdin.buffer.read().decode()},
    )
    try:
        # PDF/UA-1: the compiler tags the document and refuses what the standard forbids.
        content = compiler.compile(format="pdf", pdf_standards="ua-1", timestamp=timestamp)
    except typst.TypstError as error:
        sys.stderr.write(str(error))
        return 1
    assert isinstance(content, bytes)  # one PDF, not a list of pages
    sys.stdout.buffer.write(content)
    sys.stderr.write(f"\npeak-kib={resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
