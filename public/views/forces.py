"""The public's force and programme pages: every force by region, a force's published record, and a
programme's national table. The reads are in ``public.selectors``, built on
``publishing.selectors.published_reports``: nothing unpublished reaches these pages."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from inspections.models import Force
from public import selectors as public_selectors
from public.cache import public_page
from publishing.selectors import withdrawn_reports

#: The one grouping ``?group=`` offers; any other value shows the ungrouped table.
GROUP_BY_REGION = "region"


@public_page
def force_list(request: HttpRequest) -> HttpResponse:
    """``/forces/``: all 43 forces by region, and the programmes with published reports."""
    return render(
        request,
        "public/force_list.html",
        {
            "regions": public_selectors.forces_by_region(),
            "programmes": list(public_selectors.published_programmes()),
        },
    )


@public_page
def force_page(request: HttpRequest, slug: str) -> HttpResponse:
    """``/forces/<slug>/``: the force's grades over the years beside the national picture, its
    published reports and its recommendations. 404 for an unknown force."""
    force = Force.objects.filter(slug=slug).first()
    if force is None:
        raise Http404("No force has that address")
    profile = public_selectors.force_profile(force=force, now=timezone.now())
    # A withdrawn report leaves a trace where readers look for the force's reports: its notice and reason.
    withdrawn = list(withdrawn_reports().filter(inspection__force=force).order_by("-withdrawn_at"))
    return render(request, "public/force.html", {"force": force, "profile": profile, "withdrawn": withdrawn})


@public_page
def programme_page(request: HttpRequest, slug: str) -> HttpResponse:
    """``/programmes/<slug>/``: the national table of a programme with at least one published report
    (404 otherwise). ``?group=region`` groups the rows by region; anything else is ignored."""
    now = timezone.now()
    programme = public_selectors.published_programmes(now=now).filter(slug=slug).first()
    if programme is None:
        raise Http404("No published programme has that address")
    by_region = request.GET.get("group") == GROUP_BY_REGION
    table = public_selectors.programme_table(programme=programme, by_region=by_region, now=now)
    return render(request, "public/programme.html", {"programme": programme, "table": table})
