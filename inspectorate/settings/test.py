"""Tests: ``base`` with a fixed key, fast password hashing and files in a temporary folder."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

os.environ.setdefault("DJANGO_SECRET_KEY", "test-key-not-secret")
# Without Redis, the test run and the worker it starts share a broker folder of their own.
if not (os.environ.get("REDIS_URL") or os.environ.get("CELERY_BROKER_URL")):
    os.environ.setdefault("CELERY_BROKER_DIR", tempfile.mkdtemp(prefix="inspectorate-broker-"))
# Rendered files go to a folder of the run's own, shared with the worker processes it starts.
os.environ.setdefault("DJANGO_MEDIA_ROOT", tempfile.mkdtemp(prefix="inspectorate-media-"))
# Without Redis, the cache (which holds the public site's version) is a folder shared in the same way.
os.environ.setdefault("DJANGO_CACHE_DIR", tempfile.mkdtemp(prefix="inspectorate-cache-"))

from .base import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    # A file, not memory, so that the worker processes that tests start see the same database.
    VAR_DIR.mkdir(parents=True, exist_ok=True)  # noqa: F405
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test.sqlite3")}  # noqa: F405
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
AXES_ENABLED = True
STATIC_ROOT = Path(tempfile.mkdtemp(prefix="inspectorate-static-"))
LOGGING = {**LOGGING, "root": {"handlers": ["console"], "level": "WARNING"}}  # noqa: F405
# Tests run inside transactions whose on-commit hooks never run, so the site's version would not
# move: the page cache is off unless a test turns it on (tests/public/test_cache.py).
PUBLIC_CACHE_SECONDS = 0
# Each process reads the site's version on every request (tests/public/test_cache.py turns the
# process memory on where it is the subject).
PUBLIC_VERSION_SECONDS = 0.0
