"""The workspace's list of every report: paginated, filtered and searched, the filters in the address."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from accounts.decorators import actor, workspace_view
from accounts.models import User
from inspections.models import Force, Programme
from reports import lists
from reports.forms import ReportListForm
from reports.models import ReportState

PAGE_SIZE = 25


@workspace_view
def report_list(request: HttpRequest) -> HttpResponse:
    form = ReportListForm(
        request.GET or None,
        programmes=Programme.objects.order_by("-year", "name"),
        forces=Force.objects.order_by("name"),
        people=User.objects.filter(is_active=True, groups__isnull=False).distinct().order_by("name"),
        states=ReportState.choices,
    )
    filters = {}
    if form.is_bound:
        form.is_valid()  # an unknown choice is reported on the page and that filter ignored
        filters = {name: value for name, value in form.cleaned_data.items() if value not in (None, "", False)}
    reports = lists.reports_listed(user=actor(request), **filters)
    q = filters.get("q", "")
    if q:
        reports = reports.prefetch_related("inspection__findings")  # the lines that matched, without a query a row
    page = Paginator(reports, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [(report, lists.matches(report, q)) for report in page.object_list]
    return render(
        request,
        "reports/report_list.html",
        {"form": form, "page": page, "rows": rows, "count": page.paginator.count, "filtered": bool(filters), "q": q},
    )
