"""The project's URLs. Paths named in the product brief are a contract: keep them stable."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path, re_path

from inspectorate.health import healthz
from reports import public_forces_urls
from reports.public_cache import public_page
from reports.sitemaps import SITEMAPS
from reports.views import public
from reports.views.api import not_found as api_not_found
from reports.views.workspace import fact_check_page

admin.site.site_header = "Inspectorate: records"
admin.site.site_title = "Inspectorate records"
admin.site.index_title = "Inspection records"

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("accounts/", include("accounts.urls")),
    path("workspace/", include("reports.urls")),
    path("workspace/", include("publishing.urls")),
    path("reports/", include("reports.public_urls")),
    path("forces/", include((public_forces_urls.force_patterns, "public_forces"))),
    path("programmes/", include((public_forces_urls.programme_patterns, "public_programmes"))),
    path("data/", include("reports.data_urls")),
    path("api/v1/", include("reports.api_urls")),
    # Anything else under /api/ is answered in JSON too, never with the HTML 404 page.
    re_path(r"^api/(?P<path>.*)$", api_not_found, name="api_not_found"),
    path("fact-check/<str:token>/", fact_check_page, name="fact_check"),
    path("sitemap.xml", public_page(sitemap), {"sitemaps": SITEMAPS}, name="sitemap"),
    path("robots.txt", public.robots_txt, name="robots_txt"),
    path("", public.home, name="home"),
]
