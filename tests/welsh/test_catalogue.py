"""The Welsh catalogue: complete, compiled at set-up without GNU gettext, and holding every word the
public pages and the reports say. A string marked for translation and missing from it fails here;
``tests/welsh/test_public.py`` also fails on any string a Welsh page asks for and does not find."""

from __future__ import annotations

import ast
import csv
import gettext
import io
import re
import shutil
import tokenize
from pathlib import Path

from django.conf import settings
from django.utils.translation.template import templatize
from translate.storage import po

from inspectorate.languages import compile_catalogues
from public.reference_words import COUNTRIES, REGIONS

ROOT = Path(settings.BASE_DIR)
CATALOGUE = ROOT / "locale" / "cy" / "LC_MESSAGES" / "django.po"
#: The templates of the public pages and the reports' content (the workspace is in English only).
PUBLIC_TEMPLATES = [
    *sorted((ROOT / "public" / "templates").rglob("*.html")),
    *sorted((ROOT / "publishing" / "templates" / "publishing" / "includes").glob("report_*.html")),
    *(ROOT / "templates" / name for name in ("base.html", "400.html", "403.html", "404.html", "500.html")),
    ROOT / "templates" / "includes" / "pagination.html",
    ROOT / "templates" / "includes" / "field_error_summary.html",
]
#: The code whose words the public pages and the PDF say.
PUBLIC_CODE = [
    *sorted((ROOT / "public").rglob("*.py")),
    ROOT / "publishing" / "pdf_document.py",
    ROOT / "publishing" / "rendering.py",
    ROOT / "inspectorate" / "urls.py",
    ROOT / "inspections" / "models.py",
]
GETTEXT_CALLS = frozenset({"gettext", "gettext_lazy", "gettext_noop", "_", "ngettext", "ngettext_lazy"})
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]|\{(\w+)\}")


def units() -> list[po.pounit]:
    return [unit for unit in po.pofile(CATALOGUE.read_bytes()).units if not unit.isheader()]


def translated() -> set[str]:
    return {str(unit.source) for unit in units() if unit.istranslated() and not unit.isfuzzy()}


def test_every_entry_is_translated_with_the_same_placeholders() -> None:
    entries = units()
    assert len(entries) > 150
    untranslated = [str(unit.source) for unit in entries if not unit.istranslated() or unit.isfuzzy()]
    assert not untranslated, f"Translate these into Welsh in {CATALOGUE.relative_to(ROOT)}: {untranslated}"
    for unit in entries:
        sources = unit.source.strings if unit.hasplural() else [unit.source]
        targets = unit.target.strings if unit.hasplural() else [unit.target]
        wanted = {name for match in PLACEHOLDER.finditer(str(sources[-1])) for name in match.groups() if name}
        for target in targets:
            found = {name for match in PLACEHOLDER.finditer(str(target)) for name in match.groups() if name}
            assert found == wanted, (str(unit.source), str(target))


def test_the_catalogue_compiles_without_gnu_gettext_into_one_python_reads(tmp_path) -> None:
    folder = tmp_path / "locale" / "cy" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    shutil.copy(CATALOGUE, folder / "django.po")
    assert compile_catalogues([tmp_path / "locale"]) == [folder / "django.mo"]
    assert compile_catalogues([tmp_path / "locale"]) == []  # up to date: nothing to do
    with (folder / "django.mo").open("rb") as compiled:
        welsh = gettext.GNUTranslations(compiled)
    assert welsh.gettext("Reports") == "Adroddiadau"
    assert welsh.gettext("reports/") == "adroddiadau/"
    assert welsh.ngettext("%(count)s report", "%(count)s reports", 2) == "%(count)s adroddiad"
    # The one the site serves is compiled and current (make install, and tests/conftest.py, compile it).
    served = CATALOGUE.with_suffix(".mo")
    assert served.exists() and served.stat().st_mtime >= CATALOGUE.stat().st_mtime


def template_messages(path: Path) -> set[str]:
    """The messages a template marks for translation, read as makemessages reads them (Django's
    ``templatize``), without xgettext."""
    source = templatize(path.read_text(), origin=str(path))
    messages: set[str] = set()
    tokens = list(tokenize.generate_tokens(io.StringIO(source).readline))
    for index, token in enumerate(tokens[:-2]):
        if token.type == tokenize.NAME and token.string in GETTEXT_CALLS and tokens[index + 1].string == "(":
            argument = tokens[index + 2]
            if token.string in ("pgettext", "npgettext"):
                argument = tokens[index + 4]
            if argument.type == tokenize.STRING:
                messages.add(ast.literal_eval(argument.string))
    return messages


def code_messages(path: Path) -> set[str]:
    messages: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in GETTEXT_CALLS:
            first = node.args[0] if node.args else None
            if isinstance(first, ast.Constant) and isinstance(first.value, str):
                messages.add(first.value)
    return messages


def test_every_word_the_public_pages_mark_is_in_the_catalogue() -> None:
    have = translated()
    marked = {str(path.relative_to(ROOT)): template_messages(path) for path in PUBLIC_TEMPLATES}
    marked |= {str(path.relative_to(ROOT)): code_messages(path) for path in PUBLIC_CODE}
    assert sum(len(messages) for messages in marked.values()) > 150
    missing = {path: sorted(messages - have) for path, messages in marked.items() if messages - have}
    assert not missing, f"Marked for translation, but not in the Welsh catalogue (run makemessages): {missing}"


def test_a_template_read_for_its_words_finds_them() -> None:
    """The reader above, on a template of known words: so that the test above cannot pass by reading none."""
    words = template_messages(ROOT / "templates" / "404.html")
    assert {"Page not found", "If you typed the web address, check it is correct."} <= words


def test_every_region_and_country_of_the_forces_has_its_welsh() -> None:
    with (ROOT / "inspections" / "data" / "forces.csv").open(newline="") as rows:
        forces = list(csv.DictReader(rows))
    assert {row["region"] for row in forces} == set(REGIONS)
    assert {row["country"] for row in forces} == set(COUNTRIES)
    assert set(REGIONS) | set(COUNTRIES) <= translated()


def test_a_missing_or_stale_catalogue_fails_the_system_check(tmp_path, settings) -> None:
    from public.checks import welsh_catalogue_compiled

    assert welsh_catalogue_compiled() == []
    folder = tmp_path / "cy" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    shutil.copy(CATALOGUE, folder / "django.po")
    settings.LOCALE_PATHS = [tmp_path]
    assert [problem.id for problem in welsh_catalogue_compiled()] == ["public.E001"]
    compile_catalogues([tmp_path])
    assert welsh_catalogue_compiled() == []
