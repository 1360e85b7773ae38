"""``/sitemap.xml``: the public pages search engines should know, from the same published-only reads
as the pages themselves (nothing under embargo is ever listed). Addresses are built on ``SITE_URL``.

Each page is listed in English and, where it has one, in Welsh, each with the other as its
``hreflang`` alternate: every page but the open data in both, and a report in Welsh when it has a
Welsh page (a Welsh force's report)."""

from __future__ import annotations

import datetime
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from inspections.models import Force, Programme
from inspectorate.languages import ENGLISH, WELSH
from public import selectors as public_selectors
from public.links import has_welsh_page, report_url
from publishing.selectors import published_reports
from reports.models import Report


class _OnSiteUrl(Sitemap):  # type: ignore[type-arg]
    i18n = True
    alternates = True
    languages = [ENGLISH, WELSH]

    def get_domain(self, site: Any = None) -> str:
        return urlsplit(settings.SITE_URL).netloc

    def get_protocol(self, protocol: str | None = None) -> str:
        return urlsplit(settings.SITE_URL).scheme or "https"


class ReportSitemap(_OnSiteUrl):
    changefreq = "monthly"
    priority = 0.8

    def items(self) -> Any:
        return published_reports().order_by("-first_published_at", "pk")

    def location(self, item: Report) -> str:
        return report_url(item)

    def get_languages_for_item(self, item: Report) -> list[str]:
        return [ENGLISH, WELSH] if has_welsh_page(item) else [ENGLISH]

    def lastmod(self, item: Report) -> datetime.datetime | None:
        return item.last_updated_at or item.first_published_at


class ForceSitemap(_OnSiteUrl):
    changefreq = "monthly"
    priority = 0.6

    def items(self) -> Any:
        return Force.objects.order_by("name")

    def location(self, item: Force) -> str:
        return reverse("public_forces:force", args=[item.slug])


class ProgrammeSitemap(_OnSiteUrl):
    changefreq = "monthly"
    priority = 0.6

    def items(self) -> Any:
        return public_selectors.published_programmes()

    def location(self, item: Programme) -> str:
        return reverse("public_programmes:programme", args=[item.slug])


class PageSitemap(_OnSiteUrl):
    changefreq = "daily"
    priority = 1.0

    def items(self) -> list[str]:
        return ["home", "public:report_list", "public_forces:force_list", "data:dictionary"]

    def location(self, item: str) -> str:
        return reverse(item)

    def get_languages_for_item(self, item: str) -> list[str]:
        return [ENGLISH] if item in ENGLISH_ONLY else [ENGLISH, WELSH]


#: Pages in English only: the open data's dictionary (its files and API are data, not prose).
ENGLISH_ONLY = frozenset({"data:dictionary"})


SITEMAPS = {"pages": PageSitemap, "reports": ReportSitemap, "forces": ForceSitemap, "programmes": ProgrammeSitemap}
