"""The public's data: the Atom feed of publications and corrections, the downloadable judgments and
findings (CSV and JSON) and the data dictionary that describes them.

Every read goes through ``public.open_data``, which starts from ``publishing.selectors.published_reports``:
nothing that has not gone live is in any entry, row or file.
"""

from __future__ import annotations

import csv
import datetime
import html
import io
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import feedgenerator, timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_safe

from inspectorate.languages import is_welsh, service_name
from public import open_data
from public.cache import public_page
from public.links import report_url
from public.open_data import Column
from publishing.models import Edition
from reports import markup
from reports.models import Report


class _AtomFeed(feedgenerator.Atom1Feed):
    """Atom, with an empty feed's ``updated`` fixed instead of the moment of the request, so that a feed
    with no entries (the Welsh one, before any Welsh report is published) is the same at every request."""

    NEVER = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)

    def latest_post_date(self) -> datetime.datetime:
        return super().latest_post_date() if self.items else self.NEVER


class PublicationFeed(Feed[Edition | Report, datetime.datetime]):
    """``/reports/feed/``: an Atom entry per live edition of a published report, and per withdrawal,
    newest first, at most ``open_data.FEED_SIZE``. A first edition is a publication; a later one a
    correction, titled "(corrected)" with its change note before the summary; a withdrawal is titled
    "Withdrawn:" with its reason, and links to the report's notice. Links are absolute, from ``SITE_URL``.

    ``/cy/adroddiadau/ffrwd/`` is the Welsh feed: the same, in Welsh, of the editions published in
    Welsh (the Welsh forces' reports), each linking to its Welsh page."""

    feed_type = _AtomFeed

    def title(self) -> str:
        return gettext("%(service)s: published reports") % {"service": service_name()}

    def subtitle(self) -> str:
        return gettext("Inspection reports as they are published, and their corrections.")

    def get_object(self, request: HttpRequest, *args: Any, **kwargs: Any) -> datetime.datetime:
        # The feed's "object" is the moment of the request: one instance serves every request, so
        # nothing request-specific may be kept on it (the language is the request's active one).
        return timezone.now()

    def link(self) -> str:
        return settings.SITE_URL + reverse("public:report_list")

    def feed_url(self) -> str:
        return settings.SITE_URL + reverse("public:feed")

    def items(self, obj: datetime.datetime) -> list[Edition | Report]:
        welsh = is_welsh()
        entries: list[Edition | Report] = [
            *open_data.feed_editions(now=obj, welsh=welsh),
            *open_data.feed_withdrawals(welsh=welsh),
        ]
        entries.sort(key=_moment, reverse=True)
        return entries[: open_data.FEED_SIZE]

    def item_title(self, item: Edition | Report) -> str:
        report = item if isinstance(item, Report) else item.report
        inspection = report.inspection
        if is_welsh():
            title = f"{inspection.force.name_cy}: {inspection.programme.name_cy}"
        else:
            title = f"{inspection.force_name}: {inspection.programme.name}"
        if isinstance(item, Report):
            return gettext("Withdrawn: %(title)s") % {"title": title}
        return gettext("%(title)s (corrected)") % {"title": title} if item.number > 1 else title

    def item_link(self, item: Edition | Report) -> str:
        return settings.SITE_URL + report_url(item if isinstance(item, Report) else item.report)

    def item_guid(self, item: Edition | Report) -> str:
        # One entry per edition: a correction is news of its own, not an update of the first entry.
        if isinstance(item, Report):
            return f"{self.item_link(item)}#withdrawn"
        return f"{self.item_link(item)}#edition-{item.number}"

    def item_guid_is_permalink(self, item: Edition | Report) -> bool:
        return False

    def item_description(self, item: Edition | Report) -> str:
        # Atom carries the summary as HTML: the plain text is escaped so that it reads as typed.
        welsh = is_welsh()
        if isinstance(item, Report):
            # The reason is written in English: in the Welsh feed it says so.
            label = gettext("The reason (in English): %(reason)s") if welsh else gettext("The reason: %(reason)s")
            return html.escape(label % {"reason": item.withdrawal_reason})
        summary = item.welsh.get("parts", {}).get("summary", "") if welsh else item.revision.part("summary")
        text = markup.plain_text(summary)
        change_note = item.change_note_cy if welsh else item.change_note
        if item.number > 1 and change_note:
            text = gettext("Correction: %(note)s") % {"note": change_note} + f"\n\n{text}"
        return html.escape(text)

    def item_author_name(self, item: Edition | Report) -> str:
        if isinstance(item, Report):
            return service_name()
        lead = item.report.inspection.lead_inspector
        return lead.get_full_name() if lead is not None else service_name()

    def item_pubdate(self, item: Edition | Report) -> datetime.datetime | None:
        return _moment(item)

    def item_updateddate(self, item: Edition | Report) -> datetime.datetime | None:
        return _moment(item)


def _moment(item: Edition | Report) -> datetime.datetime:
    """When a feed entry happened: an edition's going live, or a report's withdrawal."""
    moment = item.withdrawn_at if isinstance(item, Report) else item.published_at
    return moment or datetime.datetime.min.replace(tzinfo=datetime.UTC)


FILES: dict[str, tuple[str, list[Column]]] = {
    "judgments": ("Judgments", open_data.JUDGMENT_COLUMNS),
    "findings": ("Findings", open_data.FINDING_COLUMNS),
}

_ROWS: dict[str, Callable[..., Iterator[dict[str, Any]]]] = {
    "judgments": open_data.judgment_rows,
    "findings": open_data.finding_rows,
}


def _csv_text(columns: list[Column], rows: Iterable[dict[str, Any]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([column.name for column in columns])
    writer.writerows([_csv_value(row[column.name]) for column in columns] for row in rows)
    return buffer.getvalue()


#: A cell starting with one of these is a formula to a spreadsheet: it gets a leading apostrophe.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _csv_value(value: Any) -> Any:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value  # so that a spreadsheet shows the text rather than running it
    return value


@public_page
@require_safe
def data_csv(request: HttpRequest, name: str) -> HttpResponse:
    """``/data/<name>.csv``: UTF-8 with a header row (one query). Built whole rather than streamed,
    so that the page cache can keep it compressed: every published judgment of a decade of programmes
    is a few megabytes at most."""
    columns = FILES[name][1]
    response = HttpResponse(_csv_text(columns, _ROWS[name](now=timezone.now())), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    return response


@public_page
@require_safe
def data_json(request: HttpRequest, name: str) -> JsonResponse:
    """``/data/<name>.json``: ``{"columns": [...], "count": n, "<name>": [rows]}``, rows keyed as the
    CSV's columns, with numbers, booleans and ``null`` typed."""
    rows = list(_ROWS[name](now=timezone.now()))
    response = JsonResponse(
        {"columns": [column.name for column in FILES[name][1]], "count": len(rows), name: rows},
        json_dumps_params={"ensure_ascii": False},
    )
    response["Content-Disposition"] = f'attachment; filename="{name}.json"'
    return response


@public_page
@require_safe
def data_dictionary(request: HttpRequest) -> HttpResponse:
    """``/data/``: what each file holds, column by column, with links to download them."""
    files = [
        {
            "name": name,
            "title": title,
            "columns": columns,
            "csv": f"{name}.csv",
            "json": f"{name}.json",
            "csv_url": reverse(f"data:{name}_csv"),
            "json_url": reverse(f"data:{name}_json"),
        }
        for name, (title, columns) in FILES.items()
    ]
    return render(request, "public/data.html", {"files": files})
