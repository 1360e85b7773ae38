"""Typesetting a report's PDF with Typst, in a process of its own that has a time limit.

``typeset`` hands the report's data (``publishing.pdf_document``) to a typesetting process that runs
``publishing/typst/report.typ`` with the Typst compiler (PyPI ``typst``) and sends the PDF back. The
process imports nothing of Django. Each process that renders (a worker's pool process) keeps one
typesetting process for ``RENDERS_PER_PROCESS`` renders, so Typst loads its fonts once, and its
memory (Typst keeps a cache of what it laid out) stays bounded; then it starts a fresh one.

Its own process means a render can be stopped: past ``seconds`` the process is killed (the next
render starts another), and past ``max_pages`` or ``MEMORY_BYTES`` the render fails; each is a
``TypesetError``, an ordinary render failure that the task retries and editors see, never a stuck
worker.

The data reaches the template as a string in ``sys.inputs``, which the template decodes as JSON: no
text of a person or a force is ever parsed as Typst markup or code. The compiler reads no files but
the template and the fonts shipped beside it (``ignore_system_fonts``), and fetches no packages.

The process is ``python -m publishing.typesetting``. Each request on its standard input is a line of
JSON (``{"length": n, "timestamp": t}``) and then the document's n bytes of JSON; each answer on its
standard output is a line of JSON (``{"length": n, "peak_kib": k}``, or ``{"error": "..."}``) and
then the PDF's n bytes.
"""

from __future__ import annotations

import io
import json
import os
import re
import select
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Final

HERE: Final = Path(__file__).resolve().parent / "typst"
TEMPLATE: Final = HERE / "report.typ"
FONTS: Final = HERE / "fonts"
#: Memory a typesetting process may use (its address space: it grows with threads, so it is generous),
#: and the most data one render is given.
MEMORY_BYTES: Final = 2 * 1024 * 1024 * 1024
MAX_DATA_BYTES: Final = 8 * 1024 * 1024
#: Renders a typesetting process does before a fresh one takes over: Typst's cache of what it laid out
#: grows with each (about 95 MiB after 5 reports of 16 pages, 170 MiB after 40), and starting one costs
#: about 0.1 s.
RENDERS_PER_PROCESS: Final = 5
#: What the typesetting process is not given of the environment: it needs no secret.
_SECRET: Final = re.compile(r"SECRET|PASSWORD|TOKEN|KEY|DATABASE|REDIS|BROKER|AWS_|DSN", re.IGNORECASE)


class TypesetError(RuntimeError):
    """The PDF could not be typeset: the compiler refused the document, or the render ran past a limit."""


@dataclass(frozen=True)
class Typeset:
    content: bytes
    pages: int
    peak_mib: float  # the typesetting process's peak resident memory so far


class _Process:
    """A typesetting process, owned by the process that started it."""

    def __init__(self) -> None:
        self.owner = os.getpid()
        self.renders = 0
        self.popen = subprocess.Popen(  # this interpreter and our own module, no shell
            [sys.executable, "-m", "publishing.typesetting"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            cwd=HERE.parent.parent,
            env={name: value for name, value in os.environ.items() if not _SECRET.search(name)},
        )
        self.buffer = b""

    def stop(self) -> None:
        if self.popen.poll() is None:
            self.popen.kill()
        self.popen.wait()

    def _read(self, size: int | None, deadline: float) -> bytes:
        """``size`` bytes from the process (or a line, if None), waiting no later than ``deadline``."""
        assert self.popen.stdout is not None
        descriptor = self.popen.stdout.fileno()
        while True:
            if size is None and b"\n" in self.buffer:
                line, _, self.buffer = self.buffer.partition(b"\n")
                return line
            if size is not None and len(self.buffer) >= size:
                chunk, self.buffer = self.buffer[:size], self.buffer[size:]
                return chunk
            remaining = deadline - time.monotonic()
            if remaining <= 0 or not select.select([descriptor], [], [], remaining)[0]:
                raise TimeoutError
            chunk = os.read(descriptor, 1 << 20)
            if not chunk:
                raise EOFError
            self.buffer += chunk

    def request(self, document: bytes, timestamp: int | None, deadline: float) -> tuple[bytes, float]:
        assert self.popen.stdin is not None
        self.renders += 1
        self.popen.stdin.write(json.dumps({"length": len(document), "timestamp": timestamp}).encode() + b"\n")
        self.popen.stdin.write(document)
        self.popen.stdin.flush()
        answer = json.loads(self._read(None, deadline))
        if "error" in answer:
            raise TypesetError(f"typesetting failed: {answer['error'][:1500]}")
        return self._read(int(answer["length"]), deadline), int(answer["peak_kib"]) / 1024


_lock = threading.Lock()
_current: _Process | None = None


def typeset(data: dict[str, Any], *, seconds: float, max_pages: int, timestamp: int | None = None) -> Typeset:
    """Typeset ``data`` with the report template, stopping the typesetting process after ``seconds``.

    ``timestamp`` (seconds since the epoch) fixes the moment the PDF says it was made, so that the
    same edition renders to the same bytes. Raises ``TypesetError`` on any failure or limit.
    """
    global _current
    document = json.dumps(data, ensure_ascii=False).encode()
    if len(document) > MAX_DATA_BYTES:
        raise TypesetError(f"the report is too long to typeset ({len(document):,} bytes of content)")
    deadline = time.monotonic() + seconds
    with _lock:
        if _current is not None and (_current.owner != os.getpid() or _current.renders >= RENDERS_PER_PROCESS):
            if _current.owner == os.getpid():
                _current.stop()
            _current = None  # one inherited across a fork belongs to the parent: leave it be
        process = _current = _current or _Process()
        try:
            content, peak_mib = process.request(document, timestamp, deadline)
        except TimeoutError as error:
            process.stop()
            _current = None
            raise TypesetError(f"typesetting took longer than {seconds:g} s and was stopped") from error
        except (EOFError, OSError, ValueError) as error:
            process.stop()
            _current = None
            raise TypesetError(f"the typesetting process ended (exit status {process.popen.returncode})") from error
    import pikepdf  # here, not at the top: the typesetting process has no need of it

    try:
        with pikepdf.open(io.BytesIO(content)) as pdf:
            pages = len(pdf.pages)
    except pikepdf.PdfError as error:
        raise TypesetError(f"typesetting gave no PDF: {error}") from error
    if pages > max_pages:
        raise TypesetError(f"the PDF would have {pages} pages, more than the {max_pages} a report may have")
    return Typeset(content=content, pages=pages, peak_mib=peak_mib)


def _answer(output: IO[bytes], header: dict[str, Any], content: bytes = b"") -> None:
    output.write(json.dumps(header).encode() + b"\n" + content)
    output.flush()


def main() -> int:
    """The typesetting process: requests on standard input until it closes (see the module docstring).
    A document Typst refuses is answered with Typst's message alone."""
    import resource

    import typst

    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_BYTES, MEMORY_BYTES))
    compiler = typst.Compiler(str(TEMPLATE), root=str(HERE), font_paths=[str(FONTS)], ignore_system_fonts=True)
    requests, answers = sys.stdin.buffer, sys.stdout.buffer
    while header := requests.readline():
        request = json.loads(header)
        document = requests.read(int(request["length"]))
        try:
            # PDF/UA-1: the compiler tags the document and refuses what the standard forbids.
            content = compiler.compile(
                format="pdf",
                pdf_standards="ua-1",
                timestamp=request["timestamp"],
                sys_inputs={"document": document.decode()},
            )
        except typst.TypstError as error:
            _answer(answers, {"error": str(error)})
            continue
        assert isinstance(content, bytes)  # one PDF, not a list of pages
        peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        _answer(answers, {"length": len(content), "peak_kib": peak_kib}, content)
    return 0


if __name__ == "__main__":
    sys.exit(main())
