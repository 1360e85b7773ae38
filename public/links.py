"""Addresses of the public's pages in each language. A Welsh force's report has a Welsh page of its
own, at its Welsh slug under ``/cy/adroddiadau/``; every other report has its English page only, which
the Welsh interface links to, marked as English (``public.templatetags.public_site``)."""

from __future__ import annotations

from django.urls import reverse
from django.utils import translation

from inspectorate.languages import ENGLISH, WELSH
from reports.models import Report


def has_welsh_page(report: Report) -> bool:
    return bool(report.slug_cy)


def report_url(report: Report, name: str = "report", *args: object, language: str | None = None) -> str:
    """The address of the report's page (or of ``public:<name>``: its PDF, an edition's PDF...) in
    ``language`` (the active one if not given): the Welsh page of a report that has one, in Welsh;
    the English page otherwise."""
    language = language or translation.get_language()
    if language == WELSH and has_welsh_page(report):
        with translation.override(WELSH):
            return reverse(f"public:{name}", args=[report.slug_cy, *args])
    with translation.override(ENGLISH):
        return reverse(f"public:{name}", args=[report.slug, *args])
