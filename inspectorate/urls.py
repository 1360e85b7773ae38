"""The project's URLs. Paths named in the product brief are a contract: keep them stable."""

from __future__ import annotations

from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path, re_path
from django.utils.translation import gettext_lazy as _

from accounts.views import admin_sign_in
from fieldwork.views import force_requests
from inspectorate import health, metrics
from public import forces_urls as public_forces_urls
from public.cache import public_page
from public.sitemaps import SITEMAPS
from public.views import pages
from public.views.api import not_found as api_not_found
from reports.views.fact_check import fact_check_page

handler400 = "inspectorate.errors.bad_request"

admin.site.site_header = "Inspectorate: records"
admin.site.site_title = "Inspectorate records"
admin.site.index_title = "Inspection records"

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("healthz/live", health.live, name="healthz_live"),
    path("healthz/ready", health.ready, name="healthz_ready"),
    path("healthz/scheduler", health.scheduler, name="healthz_scheduler"),
    path("metrics", metrics.metrics, name="metrics"),
    path("admin/login/", admin_sign_in, name="admin_sign_in"),
    path("admin/", admin.site.urls),
    path("accounts/", include("accounts.urls")),
    path("workspace/", include("reports.urls")),
    path("workspace/", include("publishing.urls")),
    path("workspace/", include("notifications.urls")),
    path("workspace/", include("fieldwork.urls")),
    path("data/", include("public.data_urls")),
    path("api/v1/", include("public.api_urls")),
    # Anything else under /api/ is answered in JSON too, never with the HTML 404 page.
    re_path(r"^api/(?P<path>.*)$", api_not_found, name="api_not_found"),
    path("fact-check/<str:token>/", fact_check_page, name="fact_check"),
    path("force-requests/<str:token>/", force_requests, name="force_requests"),
    path("sitemap.xml", public_page(sitemap), {"sitemaps": SITEMAPS}, name="sitemap"),
    path("robots.txt", pages.robots_txt, name="robots_txt"),
    path("favicon.ico", pages.favicon, name="favicon"),
]
# The public pages, in English at their own paths and in Welsh under /cy/ with Welsh paths
# (/cy/adroddiadau/...): the paths are translated by the Welsh catalogue (inspectorate/languages.py).
urlpatterns += i18n_patterns(
    path(_("reports/"), include("public.urls")),
    path(_("forces/"), include((public_forces_urls.force_patterns, "public_forces"))),
    path(_("programmes/"), include((public_forces_urls.programme_patterns, "public_programmes"))),
    path("", pages.home, name="home"),
    prefix_default_language=False,
)
