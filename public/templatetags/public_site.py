"""The public pages' words in the reader's language.

- ``{% report_url report %}`` (or ``{% report_url report "edition_pdf" 2 %}``): ``public.links.report_url``.
- ``{{ report|english_only }}``: true in the Welsh interface for a report with no Welsh page, whose
  link then says ``lang="en"`` and "(Saesneg)".
- ``{{ force|welsh:"name" }}``: a name in the active language: its Welsh field (``name_cy``) in Welsh.
  Where a name has no Welsh (an English force's), the English is shown marked ``lang="en"``, so a
  screen reader says it in English and nothing passes for Welsh that is not.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from inspectorate.languages import is_welsh
from public import links

register = template.Library()


@register.simple_tag
def report_url(report: Any, name: str = "report", *args: Any) -> str:
    return links.report_url(report, name, *args)


@register.filter
def english_only(report: Any) -> bool:
    return is_welsh() and not links.has_welsh_page(report)


@register.filter
def welsh(thing: Any, field: str) -> str | SafeString:
    """``thing``'s ``field`` in the active language (``field_cy`` in Welsh)."""
    if thing is None:
        return ""
    english = getattr(thing, field, "")
    if not is_welsh():
        return str(english)
    welsh_value = getattr(thing, f"{field}_cy", "")
    if welsh_value:
        return str(welsh_value)
    return format_html('<span lang="en">{}</span>', english) if english else ""


@register.filter
def force_name(inspection: Any) -> str | SafeString:
    """An inspection's force as its report names it: as it was called in the programme's year, in
    English; by its Welsh name in Welsh."""
    if is_welsh() and inspection.force.name_cy:
        return str(inspection.force.name_cy)
    if is_welsh():
        return format_html('<span lang="en">{}</span>', inspection.force_name)
    return str(inspection.force_name)
