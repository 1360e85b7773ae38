"""The public site's version: one number in the shared cache that moves whenever anything the public
sees changes, so that every cached page and HTTP validator on every machine is out of date at once.

Services that change public things call ``site_changed_on_commit()`` explicitly (publishing, going
live, corrections, withdrawal, recommendation progress, reference data); nothing is hooked to model
signals, so no door (the admin, a proxy model, a command) can change something public unnoticed
without going through one of them. The public site's caching (``public.cache``) reads it.
"""

from __future__ import annotations

import logging
import time

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

logger = logging.getLogger(__name__)

VERSION_KEY = "public-site:version"


class _ProcessMemory:
    """What this process last read of the shared cache: the site's version, when, and the pages it
    served at that version. Within ``PUBLIC_VERSION_SECONDS`` of the read, a cached page is served
    from here without a round trip; a change made elsewhere reaches this process within that time
    (a change made here, at once). Plain attribute writes: safe enough across threads, since a torn
    read only costs a round trip."""

    #: Pages kept per process; past it the memory starts again. Pages are a few kilobytes compressed;
    #: a larger answer (a data file) is left to the shared cache.
    MAX_PAGES = 256
    MAX_PAGE_BYTES = 256 * 1024

    def __init__(self) -> None:
        self.version: float | None = None
        self.read_at = 0.0
        self.pages: dict[str, tuple[float, int, list[tuple[str, str]], bytes]] = {}

    def known_version(self) -> float | None:
        seconds = settings.PUBLIC_VERSION_SECONDS
        if seconds > 0 and self.version is not None and time.monotonic() - self.read_at < seconds:
            return self.version
        return None

    def remember_version(self, version: float, *, read_over: float | None = None) -> bool:
        """Take ``version`` as the site's. ``read_over`` is the version this memory held when the
        read began: if another thread changed it meanwhile (a change made here, or a newer read),
        what it learnt stands, and ``False`` says this read is out of date."""
        if read_over is not None and self.version != read_over:
            return False
        if version != self.version:
            self.pages = {}
        self.version, self.read_at = version, time.monotonic()
        return True

    def remember_page(self, key: str, entry: tuple[float, int, list[tuple[str, str]], bytes]) -> None:
        if len(entry[3]) > self.MAX_PAGE_BYTES or entry[0] != self.version:
            return
        if len(self.pages) >= self.MAX_PAGES:
            self.pages = {}
        self.pages[key] = entry


_memory = _ProcessMemory()


def site_changed() -> None:
    """Something public changed: every cached page and validator is out of date from now on."""
    version = time.time()
    _memory.remember_version(version)
    try:
        cache.set(VERSION_KEY, version, timeout=None)
    except Exception:  # the cache is down: pages expire by themselves after PUBLIC_CACHE_SECONDS
        logger.exception("Could not record a change of the public site in the cache")


def site_changed_on_commit() -> None:
    """Something public changes in the current transaction: move the site's version once it commits."""
    transaction.on_commit(site_changed)
