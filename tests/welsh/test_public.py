"""The public site in Welsh: under /cy/ with Welsh paths, every page with its English alternate and a
language switch, a Welsh force's report at its Welsh slug, the sitemap and feed in both languages,
search by Welsh words, and nothing that falls back silently to English.

Read on the demo data, whose Welsh forces' 2015 and 2016 reports are published in both languages."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from http import HTTPStatus

import pytest
from django.utils import translation
from django.utils.translation import trans_real

from publishing.selectors import published_reports
from reports.models import Report

pytestmark = pytest.mark.django_db

DYFED_POWYS_2016 = "peel-police-legitimacy-2016-dyfed-powys-police"


@pytest.fixture
def welsh_report(demo_data) -> Report:  # type: ignore[no-untyped-def]
    report = published_reports().get(slug=DYFED_POWYS_2016)
    assert report.slug_cy == "heddlu-dyfed-powys-peel-cyfreithlondeb-yr-heddlu-2016"
    return report


def alternates(body: str) -> dict[str, str]:
    return dict(re.findall(r'<link rel="alternate" hreflang="([^"]+)" href="http://[^/]+([^"]+)">', body))


def test_a_welsh_forces_report_has_a_welsh_page_at_its_welsh_slug_each_naming_the_other(
    client, welsh_report, fast_pdfs
) -> None:
    from tests.publishing.helpers import render_all

    render_all()
    english = client.get(f"/reports/{welsh_report.slug}/").content.decode()
    welsh_url = f"/cy/adroddiadau/{welsh_report.slug_cy}/"
    response = client.get(welsh_url)
    assert response.status_code == HTTPStatus.OK and response["Content-Language"] == "cy"
    welsh = response.content.decode()
    assert alternates(english) == alternates(welsh) == {"en-GB": f"/reports/{welsh_report.slug}/", "cy": welsh_url}
    # The switch: each page links the other, in the other's language.
    assert f'<a class="govuk-link" href="{welsh_url}" hreflang="cy" lang="cy">Cymraeg</a>' in english
    assert (
        f'<a class="govuk-link" href="/reports/{welsh_report.slug}/" hreflang="en-GB" lang="en-GB">English</a>' in welsh
    )
    assert '<html lang="cy"' in welsh and '<h1 class="govuk-heading-xl">Heddlu Dyfed-Powys</h1>' in welsh
    assert "PEEL: Cyfreithlondeb yr heddlu 2016" in welsh and "Enghraifft:" in welsh
    assert f'href="/cy/adroddiadau/{welsh_report.slug_cy}/argraffiadau/1/pdf/"' in welsh
    # The English slug is not a Welsh address, nor the Welsh slug an English one.
    assert client.get(f"/cy/adroddiadau/{welsh_report.slug}/").status_code == HTTPStatus.NOT_FOUND
    assert client.get(f"/reports/{welsh_report.slug_cy}/").status_code == HTTPStatus.NOT_FOUND


def test_an_english_forces_report_says_it_is_in_english_only(client, demo_data) -> None:
    report = published_reports().get(slug="peel-police-legitimacy-2016-kent-police")
    body = client.get(f"/reports/{report.slug}/").content.decode()
    assert alternates(body) == {"en-GB": f"/reports/{report.slug}/"}
    assert "This report is in English only" in body
    # The Welsh lists link it to its English page, saying so.
    listing = client.get("/cy/adroddiadau/?force=kent-police").content.decode()
    assert f'href="/reports/{report.slug}/" hreflang="en-GB"' in listing and "(yn Saesneg)" in listing
    assert client.get(f"/cy/adroddiadau/{report.slug}/").status_code == HTTPStatus.NOT_FOUND


@pytest.mark.parametrize(
    ("english", "welsh"),
    [
        ("/", "/cy/"),
        ("/reports/", "/cy/adroddiadau/"),
        ("/forces/", "/cy/heddluoedd/"),
        ("/forces/gwent-police/", "/cy/heddluoedd/gwent-police/"),
        ("/programmes/peel-police-legitimacy-2016/", "/cy/rhaglenni/peel-police-legitimacy-2016/"),
    ],
)
def test_every_public_page_has_its_welsh_alternate_and_back(client, demo_data, english, welsh) -> None:
    english_body = client.get(english).content.decode()
    response = client.get(welsh)
    assert response.status_code == HTTPStatus.OK
    welsh_body = response.content.decode()
    assert alternates(english_body) == alternates(welsh_body) == {"en-GB": english, "cy": welsh}
    assert 'aria-label="Iaith"' in welsh_body and 'aria-label="Language"' in english_body
    assert '<html lang="cy"' in welsh_body and '<html lang="en-GB"' in english_body


def test_the_staff_pages_and_the_data_stay_english_with_no_switch(client, demo_data) -> None:
    for url in ("/data/", "/accounts/login/"):
        body = client.get(url).content.decode()
        assert '<html lang="en-GB"' in body and "app-language-switch" not in body and 'hreflang="cy"' not in body
    assert client.get("/cy/data/").status_code == HTTPStatus.NOT_FOUND


def test_the_welsh_pdf_is_the_editions_welsh_file(client, welsh_report, fast_pdfs) -> None:
    from tests.publishing.helpers import render_all

    render_all()
    edition = welsh_report.editions.get()
    response = client.get(f"/cy/adroddiadau/{welsh_report.slug_cy}/argraffiadau/1/pdf/")
    assert response.status_code == HTTPStatus.OK and response["Content-Language"] == "cy"
    welsh, english = edition.pdf_cy.open("rb").read(), edition.pdf.open("rb").read()
    assert b"".join(response.streaming_content) == welsh != english
    assert f"{welsh_report.slug_cy}-argraffiad-1.pdf" in response["Content-Disposition"]
    # The English page's own PDF is the English file.
    response = client.get(f"/reports/{welsh_report.slug}/editions/1/pdf/")
    assert b"".join(response.streaming_content) == english


def test_the_sitemap_lists_both_languages_each_with_the_other_as_its_alternate(client, welsh_report) -> None:
    body = client.get("/sitemap.xml").content.decode()
    english, welsh = f"/reports/{welsh_report.slug}/", f"/cy/adroddiadau/{welsh_report.slug_cy}/"
    assert f"{welsh}</loc>" in body and f"{english}</loc>" in body
    assert f'hreflang="cy" href="http://127.0.0.1:8000{welsh}"' in body
    assert "/cy/heddluoedd/gwent-police/</loc>" in body and "/cy/</loc>" in body
    # An English force's report, and the open data, are listed in English only.
    assert "/cy/adroddiadau/peel-police-legitimacy-2016-kent-police/" not in body
    assert "/cy/data/" not in body


def test_the_welsh_feed_carries_the_welsh_editions_in_welsh(client, welsh_report) -> None:
    body = client.get("/cy/adroddiadau/ffrwd/").content.decode()
    assert '<feed xml:lang="cy"' in body and "adroddiadau cyhoeddedig</title>" in body
    assert "<title>Heddlu Dyfed-Powys: PEEL: Cyfreithlondeb yr heddlu 2016</title>" in body
    assert f"/cy/adroddiadau/{welsh_report.slug_cy}/" in body
    assert body.count("<entry>") == published_reports().exclude(slug_cy=None).count()
    assert "Kent Police" not in body  # English-only reports are in the English feed
    english = client.get("/reports/feed/").content.decode()
    assert "Kent Police" in english and "Heddlu Dyfed-Powys" not in english


def test_a_welsh_report_is_found_by_welsh_words(client, welsh_report) -> None:
    # "ymddiriedaeth" (trust) is in the demo's Welsh only; the search matches it whole, in either language.
    assert "ymddiriedaeth" in welsh_report.search_text_cy and "ymddiriedaeth" not in welsh_report.search_text
    from tests.public.test_pages import found

    welsh_forces = {report.slug for report in published_reports().filter(inspection__force__country="Wales")}
    for url in ("/cy/adroddiadau/?q=ymddiriedaeth", "/reports/?q=ymddiriedaeth"):
        assert found(client.get(url).content.decode()) and set(found(client.get(url).content.decode())) <= (
            welsh_forces | {report.slug_cy for report in published_reports().exclude(slug_cy=None)}
        )
    assert (
        f'href="/cy/adroddiadau/{welsh_report.slug_cy}/"'
        in client.get("/cy/adroddiadau/?q=ymddiriedaeth").content.decode()
    )


# --- Nothing falls back silently to English ----------------------------------------------------------


#: English words that no Welsh page says in its own voice (Welsh has none of them).
ENGLISH_WORDS = re.compile(r"\b(the|and|of|with|for|this|was|not|report|reports|published|grade|force)\b", re.I)


class _WelshText(HTMLParser):
    """The text a reader sees in the page's own language: not what an element marks lang="en", nor
    scripts."""

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[bool] = []  # per open element: whether it is English or inside English
        self.texts: list[str] = []

    VOID = frozenset({"br", "img", "input", "link", "meta", "hr", "source", "col", "wbr", "area", "base"})

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.VOID:
            return
        english = (self.stack[-1] if self.stack else False) or tag in ("script", "style")
        lang = dict(attrs).get("lang")
        if lang is not None:
            english = (lang or "").lower().startswith("en")
        self.stack.append(english)

    def handle_endtag(self, tag: str) -> None:
        if tag not in self.VOID and self.stack:
            self.stack.pop()

    def handle_data(self, data: str) -> None:
        if not (self.stack and self.stack[-1]):
            self.texts.append(data)


WELSH_PAGES = (
    "/cy/",
    "/cy/adroddiadau/",
    "/cy/adroddiadau/?page=2",
    "/cy/adroddiadau/?q=zzzzzz",
    "/cy/adroddiadau/?force=no-such-force",
    "/cy/heddluoedd/",
    "/cy/heddluoedd/dyfed-powys-police/",
    "/cy/heddluoedd/kent-police/",
    "/cy/rhaglenni/peel-police-legitimacy-2016/",
    "/cy/rhaglenni/peel-police-legitimacy-2016/?group=region",
    "/cy/adroddiadau/heddlu-dyfed-powys-peel-cyfreithlondeb-yr-heddlu-2016/",
    "/cy/dim-tudalen-yma/",
)


@pytest.fixture
def missed_strings(monkeypatch):  # type: ignore[no-untyped-def]
    """Every message asked of the Welsh catalogue that it does not have."""
    missed: set[str] = set()
    real_gettext, real_ngettext = trans_real.DjangoTranslation.gettext, trans_real.DjangoTranslation.ngettext

    def gettext(self, message):  # type: ignore[no-untyped-def]
        if self.to_language() == "cy" and message and message not in self._catalog:
            missed.add(message)
        return real_gettext(self, message)

    def ngettext(self, singular, plural, number):  # type: ignore[no-untyped-def]
        if self.to_language() == "cy" and (singular, 0) not in self._catalog:
            missed.add(singular)
        return real_ngettext(self, singular, plural, number)

    monkeypatch.setattr(trans_real.DjangoTranslation, "gettext", gettext)
    monkeypatch.setattr(trans_real.DjangoTranslation, "ngettext", ngettext)
    return missed


def test_no_welsh_page_falls_back_to_english(client, welsh_report, missed_strings) -> None:
    for url in WELSH_PAGES:
        response = client.get(url)
        assert response.status_code in (HTTPStatus.OK, HTTPStatus.NOT_FOUND), url
        parser = _WelshText()
        parser.feed(response.content.decode())
        english = sorted({match.group(0) for text in parser.texts for match in ENGLISH_WORDS.finditer(text)})
        assert not english, (url, english)
    assert not missed_strings, f"Not in the Welsh catalogue: {sorted(missed_strings)}"


def test_the_english_pages_are_unchanged_in_english(client, welsh_report) -> None:
    body = client.get("/").content.decode()
    assert '<h1 class="govuk-heading-xl">Inspection reports on the police forces of England and Wales</h1>' in body
    assert "Cyhoeddwyd" not in body and "Adroddiadau" not in body
    with translation.override("en-gb"):
        assert translation.gettext("Reports") == "Reports"
