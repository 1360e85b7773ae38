"""A part's English out to an outside translator, and their Welsh back, as XLIFF 1.2 (translate-toolkit
reads and writes it; XLIFF 1.1 files are read too).

The file names the report, the part and the English revision it carries (``original``), and its one
unit is the part, by key. An imported file is checked against all three, and against the English it
carried, before its Welsh is saved through ``reports.translations.translation_save``: a file for another
report or part, or whose English was edited, is refused with a message that says which.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from translate.storage import xliff

from reports.models import Report, Translation
from reports.translations import WELSH, latest_translations, translation_save

if TYPE_CHECKING:
    from accounts.models import User

NAMESPACE = "urn:oasis:names:tc:xliff:document:1.2"
MAX_BYTES = 2 * 1024 * 1024
_ORIGINAL = re.compile(r"^report-(?P<report>\d+)-part-(?P<part>[a-z0-9-]+)-revision-(?P<revision>\d+)$")


class _Unit(xliff.xliffunit):
    namespace = NAMESPACE


class _File(xliff.xlifffile):  # type: ignore[type-arg]
    """translate-toolkit's XLIFF file, written as version 1.2 (its default is 1.1)."""

    UnitClass = _Unit
    namespace = NAMESPACE
    XMLskeleton = f"""<?xml version="1.0" ?>
<xliff version="1.2" xmlns="{NAMESPACE}">
<file original="NoName" source-language="en" datatype="plaintext">
<body>
</body>
</file>
</xliff>"""


def original_name(report: Report, part: str, revision: int) -> str:
    return f"report-{report.pk}-part-{part}-revision-{revision}"


def xliff_export(report: Report, part: str) -> tuple[str, bytes]:
    """The part's English at the latest revision (and its Welsh so far, if any) as XLIFF 1.2. Returns a
    file name and the file."""
    revision = report.latest_revision()
    number = revision.number if revision else 0
    document = _File(sourcelanguage="en", targetlanguage=WELSH)
    unit = document.addsourceunit(revision.part(part) if revision else "")
    unit.setid(part)
    welsh = latest_translations(report).get(part)
    if welsh is not None:
        unit.target = welsh.text
    document.setfilename(document.getfilenode("NoName"), original_name(report, part, number))
    return f"{original_name(report, part, number)}.cy.xlf", bytes(document)


def xliff_import(*, report: Report, actor: User, part: str, content: bytes) -> Translation | None:
    """Save the Welsh in an outside translator's XLIFF file for ``part``. Raises ValidationError with what
    does not match, and whatever ``translation_save`` raises."""
    if len(content) > MAX_BYTES:
        raise ValidationError("The file is larger than 2 MB: is it the XLIFF file for one part?", code="too_large")
    try:
        document = xliff.xlifffile.parsestring(content)
    except Exception as error:
        raise ValidationError(
            "The file is not XLIFF: export the part again and translate that file", code="not_xliff"
        ) from error
    names = document.getfilenames()
    match = _ORIGINAL.match(names[0]) if len(names) == 1 else None
    if match is None:
        raise ValidationError(
            "The file was not exported from this system: export the part and translate that file", code="unknown"
        )
    if int(match["report"]) != report.pk or match["part"] != part:
        raise ValidationError(
            f"The file is for {'another report' if int(match['report']) != report.pk else 'another part'} "
            f"({names[0]}): import it on that part's page",
            code="other_part",
        )
    units = [unit for unit in document.units if not unit.isheader()]
    if len(units) != 1 or units[0].getid().split("\x04")[-1] != part:
        raise ValidationError("The file should hold this one part only: export it again", code="units")
    unit = units[0]
    target_language = (document.gettargetlanguage() or "").lower()
    if target_language and not target_language.startswith(WELSH):
        raise ValidationError(f"The file is translated into “{target_language}”, not Welsh (cy)", code="language")
    revision = report.revisions.filter(number=int(match["revision"])).first()
    if revision is None:
        raise ValidationError("The file names a revision this report does not have", code="revision")
    if (unit.source or "") != revision.part(part):
        raise ValidationError(
            "The English in the file is not the English that was exported: translate the target, not the source",
            code="source_changed",
        )
    if not (unit.target or "").strip():
        raise ValidationError(
            "The file has no Welsh in it yet: it needs a translation in each target", code="no_target"
        )
    latest = report.translations.filter(language=WELSH, part=part).order_by("-number").first()
    return translation_save(
        report=report,
        actor=actor,
        part=part,
        text=str(unit.target),
        based_on=latest.number if latest else 0,
        source_revision=revision.number,
    )
