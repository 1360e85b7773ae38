"""Files that come into the case file: what kind each is, judged by its content and never by its name,
and whether it may be kept. Read in chunks, so a 50 MB file never sits in memory whole.

Accepted: PDF (parsed by pikepdf, not only sniffed), Word and Excel (the current formats, checked as
the zip packages they are, and the older binary formats by their compound-file streams), CSV (text
with no binary bytes), and PNG, JPEG, GIF and WebP images.
"""

from __future__ import annotations

import csv
import hashlib
import zipfile
from dataclasses import dataclass
from typing import IO

import pikepdf
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile

from inspectorate.text import clean_text

CHUNK = 64 * 1024
OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
IMAGES = {
    b"\x89PNG\r\n\x1a\n": ("image/png", "PNG image"),
    b"\xff\xd8\xff": ("image/jpeg", "JPEG image"),
    b"GIF87a": ("image/gif", "GIF image"),
    b"GIF89a": ("image/gif", "GIF image"),
}
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ACCEPTED = "a PDF, Word or Excel document, a CSV file, or a PNG, JPEG, GIF or WebP image"


@dataclass(frozen=True)
class CheckedFile:
    """An upload that may be kept: what it is, its size and its SHA-256, and its name cleaned."""

    upload: UploadedFile[bytes]
    name: str
    content_type: str
    label: str
    size: int
    sha256: str


def max_megabytes() -> int:
    return int(settings.FIELDWORK_MAX_FILE_BYTES // (1024 * 1024))


def file_check(upload: UploadedFile[bytes]) -> CheckedFile:
    """Check ``upload``: its size, then its kind from its content. Raises ValidationError with a message
    that names the file."""
    name = clean_text(upload.name or "file").replace("/", "_").replace("\\", "_")[:200] or "file"
    size = upload.size or 0
    if size == 0:
        raise ValidationError(f"{name} is empty", code="empty")
    if size > settings.FIELDWORK_MAX_FILE_BYTES:
        raise ValidationError(f"{name} is larger than {max_megabytes()} MB", code="too_large")
    stream = upload.file
    if stream is None:
        raise ValidationError(f"{name} did not arrive: try again", code="missing")
    content_type, label = _kind(stream)
    if content_type is None:
        raise ValidationError(f"{name} must be {ACCEPTED}", code="wrong_type")
    return CheckedFile(
        upload=upload, name=name, content_type=content_type, label=label, size=size, sha256=_sha256(stream)
    )


def _sha256(stream: IO[bytes]) -> str:
    digest = hashlib.sha256()
    stream.seek(0)
    while chunk := stream.read(CHUNK):
        digest.update(chunk)
    stream.seek(0)
    return digest.hexdigest()


def _kind(stream: IO[bytes]) -> tuple[str | None, str]:
    stream.seek(0)
    head = stream.read(CHUNK)
    stream.seek(0)
    try:
        if head.startswith(b"%PDF-"):
            return _pdf(stream)
        for signature, kind in IMAGES.items():
            if head.startswith(signature):
                return kind
        if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
            return "image/webp", "WebP image"
        if head.startswith(b"PK\x03\x04"):
            return _office_package(stream)
        if head.startswith(OLE_SIGNATURE):
            return _office_binary(stream)
        return _csv(head)
    finally:
        stream.seek(0)


def _pdf(stream: IO[bytes]) -> tuple[str | None, str]:
    try:
        with pikepdf.open(stream) as pdf:  # type: ignore[arg-type]
            if len(pdf.pages) < 1:
                return None, ""
    except (pikepdf.PdfError, ValueError):
        return None, ""
    return "application/pdf", "PDF"


def _office_package(stream: IO[bytes]) -> tuple[str | None, str]:
    try:
        with zipfile.ZipFile(stream) as package:
            names = set(package.namelist())
    except zipfile.BadZipFile:
        return None, ""
    if "[Content_Types].xml" not in names:
        return None, ""
    if "word/document.xml" in names:
        return DOCX, "Word document"
    if "xl/workbook.xml" in names:
        return XLSX, "Excel workbook"
    return None, ""


def _office_binary(stream: IO[bytes]) -> tuple[str | None, str]:
    """A compound file (Word 97-2003, Excel 97-2003): its directory names the main stream, in UTF-16."""
    word, workbook = "WordDocument".encode("utf-16-le"), "Workbook".encode("utf-16-le")
    book = "Book".encode("utf-16-le") + b"\x00\x00"
    tail = b""
    while chunk := stream.read(CHUNK):
        window = tail + chunk
        if word in window:
            return "application/msword", "Word document (97-2003)"
        if workbook in window or book in window:
            return "application/vnd.ms-excel", "Excel workbook (97-2003)"
        tail = window[-32:]
    return None, ""


def _csv(head: bytes) -> tuple[str | None, str]:
    if not head or b"\x00" in head:
        return None, ""
    try:
        text = head.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = head.decode("cp1252")
        except UnicodeDecodeError:
            return None, ""
    sample = text[: 16 * 1024]
    if sample.lstrip().startswith(("<", "{", "%")):
        return None, ""  # markup, JSON or PostScript: not a table
    lines = [line for line in sample.splitlines() if line.strip()]
    if not lines:
        return None, ""
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        if len(lines) > 1 or "," not in lines[0]:
            return None, ""
        return "text/csv", "CSV file"
    widths = {len(row) for row in csv.reader(lines[:20], dialect)}
    if max(widths) < 2:
        return None, ""
    return "text/csv", "CSV file"
