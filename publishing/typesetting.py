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
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

HERE: Final = Path(__file__).resolve().parent / "typst"
TEMPLATE: Final = HERE / "report.typ"
FONTS: Final = HERE / "fonts"
#: Memory a render may use (the child's address space), and the most data it is given.
MEMORY_BYTES: Final = 1024 * 1024 * 1024
MAX_DATA_BYTES: Final = 8 * 1024 * 1024


class TypesetError(RuntimeError):
    """The PDF could not be typeset: the compiler failed, or the render ran past a limit."""


@dataclass(frozen=True)
class Typeset:
    content: bytes
    pages: int


def typeset(data: dict[str, Any], *, seconds: float, max_pages: int, timestamp: int | None = None) -> Typeset:
    """Typeset ``data`` with the report template, in a child process stopped after ``seconds``.

    ``timestamp`` (seconds since the epoch) fixes the moment the PDF says it was made, so that the
    same edition renders to the same bytes. Raises ``TypesetError`` on any failure or limit.
    """
    payload = json.dumps({"document": data, "timestamp": timestamp}, ensure_ascii=False).encode()
    if len(payload) > MAX_DATA_BYTES:
        raise TypesetError(f"the report is too long to typeset ({len(payload):,} bytes of content)")
    try:
        child = subprocess.run(
            [sys.executable, "-m", "publishing.typesetting"],
            input=payload,
            capture_output=True,
            timeout=seconds,
            cwd=HERE.parent.parent,
            env={key: value for key, value in os.environ.items() if key in ("PATH", "LANG", "LC_ALL", "HOME")},
            check=False,
        )
    except subprocess.TimeoutExpired as error:
        raise TypesetError(f"typesetting took longer than {seconds:g} s and was stopped") from error
    if child.returncode != 0:
        message = child.stderr.decode(errors="replace").strip().splitlines()
        raise TypesetError(f"typesetting failed: {' '.join(message[-5:])[:1500] or f'exit {child.returncode}'}")
    import pikepdf  # here, not at the top: the child process has no need of it

    try:
        with pikepdf.open(io.BytesIO(child.stdout)) as pdf:
            pages = len(pdf.pages)
    except pikepdf.PdfError as error:
        raise TypesetError(f"typesetting gave no PDF: {error}") from error
    if pages > max_pages:
        raise TypesetError(f"the PDF would have {pages} pages, more than the {max_pages} a report may have")
    return Typeset(content=child.stdout, pages=pages)


def main() -> int:
    import resource

    import typst

    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_BYTES, MEMORY_BYTES))
    request = json.loads(sys.stdin.buffer.read())
    compiler = typst.Compiler(
        str(TEMPLATE),
        root=str(HERE),
        font_paths=[str(FONTS)],
        ignore_system_fonts=True,
        sys_inputs={"document": json.dumps(request["document"], ensure_ascii=False)},
    )
    # PDF/UA-1: the compiler tags the document and refuses what the standard forbids.
    content = compiler.compile(format="pdf", pdf_standards="ua-1", timestamp=request.get("timestamp"))
    assert isinstance(content, bytes)  # one PDF, not a list of pages
    sys.stdout.buffer.write(content)
    return 0


if __name__ == "__main__":
    sys.exit(main())
