"""Caching of the public site: HTTP validators, a shared page cache, and clearing both when anything
the public sees changes.

- **The site's version** (``inspectorate.site_version``). One number in the shared cache (Redis in
  production, a folder under ``make run``): the time of the last change to anything public. The
  services that change public things (publishing, correcting, withdrawing, scheduling, recommendation
  progress, reference data in the admin) move it on explicitly after their commit, so every cached
  page is cleared at once, on every machine, whichever process made the change.
- **HTTP validators.** A view wrapped in ``public_page`` sends ``Cache-Control: public`` with a short
  ``max-age``, ``ETag`` (the site's version) and ``Last-Modified`` (its time), and answers a
  conditional request with 304 before doing any work. A CDN or reverse proxy in front can revalidate
  a page for the price of one cache read. A signed-in user's pages are ``private``.
- **The page cache.** ``PublicPageCacheMiddleware``, first in ``MIDDLEWARE``, keeps each public
  page's finished response (already compressed where the client accepts gzip) under its URL, with
  the version it was made at. A later anonymous request for the same URL at the same version gets it
  back in one cache round trip, without touching the database. Only anonymous GETs of views marked
  ``public_page`` that answer 200 or 410 and set no cookie are kept.
- **Each process's memory.** A process also keeps the version it last read, and the pages it served
  at it, for ``PUBLIC_VERSION_SECONDS`` (a second): within it a page is served with no round trip at
  all, and a change made by another process reaches this one within that second.

Each cache entry lives ``PUBLIC_CACHE_SECONDS`` at most (0 turns the page cache off), so even a lost
version change heals by itself. A cache that cannot be reached costs speed, never a page.
"""

from __future__ import annotations

import datetime
import functools
import hashlib
import logging
import re
import time
from collections.abc import Callable
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import DisallowedHost
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date, quote_etag
from django.views.decorators.http import condition

from inspectorate.site_version import VERSION_KEY, _memory

logger = logging.getLogger(__name__)

PAGE_KEY_PREFIX = "public-site:page:"
#: The same test as django.middleware.gzip, so the cache keeps the variant GZipMiddleware made.
ACCEPTS_GZIP = re.compile(r"\bgzip\b")
#: Where public pages live: only requests for these paths (or for "/") look in the page cache, so that
#: no other request pays for the round trip. tests/public/test_cache.py holds this to the URLs.
PUBLIC_PATH_PREFIXES = (
    "/reports/",
    "/forces/",
    "/programmes/",
    "/data/",
    "/api/v1/",
    "/sitemap.xml",
    "/robots.txt",
    "/cy/",  # the Welsh pages (inspectorate/languages.py)
)
#: The query parameters public pages read (/reports/ filters and search, pages, a table grouping,
#: the API recommendations status).
QUERY_PARAMETERS = frozenset({"q", "force", "programme", "year", "pillar", "grade", "page", "group", "status"})
#: Responses the page cache keeps: a page, or a withdrawn report's notice.
CACHEABLE_STATUS = frozenset({200, 410})


# --- The site's version -----------------------------------------------------------------------


def _current_version() -> float:
    """The site's version; started now when the cache has none (a new or emptied cache)."""
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, time.time(), timeout=None)
        version = cache.get(VERSION_KEY) or time.time()
    return float(version)


def site_version(request: HttpRequest) -> float:
    """The site's version, read once per request (the middleware may have read it already)."""
    version = getattr(request, "_public_site_version", None) or _memory.known_version()
    if version is None:
        try:
            before = _memory.version
            version = _current_version()
            if not _memory.remember_version(version, read_over=before):
                version = _memory.version or version
        except Exception:
            logger.warning("The cache cannot be reached: the public site is served uncached", exc_info=True)
            version = time.time()
        request._public_site_version = version  # type: ignore[attr-defined]
    return float(version)


def _etag(request: HttpRequest, *args: Any, **kwargs: Any) -> str:
    # Weak: the same page compressed or not is the same page.
    return f'W/"{site_version(request):.6f}"'


def _last_modified(request: HttpRequest, *args: Any, **kwargs: Any) -> datetime.datetime:
    return datetime.datetime.fromtimestamp(int(site_version(request)), tz=datetime.UTC)


def may_be_public(path: str) -> bool:
    return path == "/" or path.startswith(PUBLIC_PATH_PREFIXES)


def is_personal(request: HttpRequest) -> bool:
    """A request from a signed-in browser, or one carrying a message to show: not to be shared."""
    return settings.SESSION_COOKIE_NAME in request.COOKIES or "messages" in request.COOKIES


# --- Views --------------------------------------------------------------------------------------


View = TypeVar("View", bound=Callable[..., HttpResponseBase])


def public_page(view: View) -> View:
    """Mark ``view`` as a public page: validators, conditional requests, ``Cache-Control`` and the
    page cache (the last two by ``PublicPageCacheMiddleware``, which also sees the 404 of a view)."""
    conditional = condition(etag_func=_etag, last_modified_func=_last_modified)(view)

    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        response = conditional(request, *args, **kwargs)
        if response.status_code == 200:
            # The validator a client sends back is the site's version: a view's own Last-Modified (the
            # feed's newest entry) would never match it, and conditional requests would never get 304.
            response["Last-Modified"] = http_date(int(site_version(request)))
        return response

    wrapped.public_page = True  # type: ignore[attr-defined]
    return wrapped  # type: ignore[return-value]


def _cache_control(request: HttpRequest, response: HttpResponseBase) -> HttpResponseBase:
    """Who may keep a public page's response: anyone for a page (briefly), nobody for a signed-in
    user's page or for an error (a 404 now may be a report published later)."""
    if is_personal(request):
        patch_cache_control(response, private=True, no_cache=True)
    elif response.status_code in CACHEABLE_STATUS or response.status_code == 304:
        patch_cache_control(response, public=True, max_age=settings.PUBLIC_MAX_AGE)
    else:
        patch_cache_control(response, no_cache=True)
    return response


# --- The page cache -------------------------------------------------------------------------------


def _page_key(request: HttpRequest) -> str:
    gzip = "gz" if ACCEPTS_GZIP.search(request.headers.get("Accept-Encoding", "")) else "id"
    address = f"{request.scheme}://{request.get_host()}{request.get_full_path()}"
    return f"{PAGE_KEY_PREFIX}{gzip}:{hashlib.sha256(address.encode()).hexdigest()}"


def may_be_cached(request: HttpRequest) -> bool:
    """An anonymous GET of a public path, with no query parameter a public page does not read (so
    that made-up query strings cannot fill the cache), and not one SecurityMiddleware would redirect."""
    return (
        request.method == "GET"
        and may_be_public(request.path)
        and not is_personal(request)
        and set(request.GET) <= QUERY_PARAMETERS
        and (request.is_secure() or not settings.SECURE_SSL_REDIRECT)
    )


class PublicPageCacheMiddleware:
    """Serves and keeps public pages (see the module's docstring). First in ``MIDDLEWARE``, so that a
    hit skips everything else and what is kept is the finished, compressed response."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def process_view(self, request: HttpRequest, view: Callable[..., Any], *args: Any) -> None:
        request._public_page = getattr(view, "public_page", False)  # type: ignore[attr-defined]

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        seconds = settings.PUBLIC_CACHE_SECONDS
        if seconds <= 0 or not may_be_cached(request):
            return self._respond(request)
        try:
            key = _page_key(request)
        except DisallowedHost:  # a host outside ALLOWED_HOSTS: the rest of the stack answers it
            return self._respond(request)
        version = _memory.known_version()
        entry = _memory.pages.get(key)
        if version is not None and entry is not None and entry[0] == version:
            request._public_site_version = version  # type: ignore[attr-defined]
            return self._answer(request, entry)
        before = _memory.version
        try:
            found = cache.get_many([VERSION_KEY, key])
        except Exception:
            logger.warning("The page cache cannot be reached: serving uncached", exc_info=True)
            return self._respond(request)
        version = found.get(VERSION_KEY)
        entry = found.get(key)
        if version is not None and not _memory.remember_version(float(version), read_over=before):
            version = None  # the site changed while this was read: answer afresh, keep nothing
        if version is not None:
            request._public_site_version = float(version)  # type: ignore[attr-defined]
            if entry is not None and entry[0] == version:
                _memory.remember_page(key, entry)
                return self._answer(request, entry)

        response = self._respond(request)
        if (
            getattr(request, "_public_page", False)
            and version is not None
            and response.status_code in CACHEABLE_STATUS
            and isinstance(response, HttpResponse)
            and not response.cookies
        ):
            entry = (version, response.status_code, list(response.items()), response.content)
            _memory.remember_page(key, entry)
            try:
                cache.set(key, entry, timeout=seconds)
            except Exception:
                logger.warning("Could not keep a page in the page cache", exc_info=True)
        return response

    def _respond(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if getattr(request, "_public_page", False):
            _cache_control(request, response)
        return response

    @staticmethod
    def _answer(request: HttpRequest, entry: tuple[float, int, list[tuple[str, str]], bytes]) -> HttpResponseBase:
        version, status, headers, content = entry
        response = HttpResponse(content, status=status)
        for name, value in headers:
            response[name] = value
        if status == 200:
            etag = quote_etag(response.get("ETag", "")) if response.has_header("ETag") else None
            last_modified = int(version)
            conditional = get_conditional_response(request, etag=etag, last_modified=last_modified, response=response)
            if conditional is not None and conditional is not response:
                return conditional
        response["Date"] = http_date()
        return response
