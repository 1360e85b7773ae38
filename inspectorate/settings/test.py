"""Tests: ``base`` with a fixed key, fast password hashing and files in a temporary folder."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from urllib.parse import urlsplit

os.environ.setdefault("DJANGO_SECRET_KEY", "test-key-not-secret")


def _own_folders_and_redis() -> None:
    """Give this test process folders of its own (broker, media, cache) and, under pytest-xdist, a
    Redis database of its own, as pytest-django gives it a test database of its own.

    The choices go into the environment, so the worker processes a test starts share them; a test
    process started by another (xdist's, which inherit the first one's environment) makes its own."""
    process = os.environ.get("PYTEST_XDIST_WORKER", "main")
    if os.environ.get("INSPECTORATE_TEST_PROCESS") == process:
        return  # a worker process started by this test process: it shares what that one chose
    os.environ["INSPECTORATE_TEST_PROCESS"] = process
    # Without Redis, the test run and the worker it starts share a broker folder of their own.
    if not (os.environ.get("REDIS_URL") or os.environ.get("CELERY_BROKER_URL")):
        os.environ["CELERY_BROKER_DIR"] = tempfile.mkdtemp(prefix="inspectorate-broker-")
    # Rendered files go to a folder of the run's own, shared with the worker processes it starts.
    os.environ["DJANGO_MEDIA_ROOT"] = tempfile.mkdtemp(prefix="inspectorate-media-")
    os.environ["DJANGO_PRIVATE_ROOT"] = tempfile.mkdtemp(prefix="inspectorate-private-")
    # Without Redis, the cache (which holds the public site's version) is a folder shared in the same way.
    os.environ["DJANGO_CACHE_DIR"] = tempfile.mkdtemp(prefix="inspectorate-cache-")
    if process.startswith("gw") and os.environ.get("REDIS_URL"):
        redis = urlsplit(os.environ.setdefault("INSPECTORATE_TEST_REDIS_URL", os.environ["REDIS_URL"]))
        database = (int(redis.path.strip("/") or 0) + 1 + int(process[2:])) % 16
        os.environ["REDIS_URL"] = redis._replace(path=f"/{database}").geturl()


_own_folders_and_redis()

from .base import *  # noqa: F403, E402

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
# axe-core, for the browser tests' accessibility checks: served as a file like any script of the site's,
# so that it runs under the same content security policy (which allows no inline script).
STATICFILES_DIRS = [*STATICFILES_DIRS, ("test-tools/axe", BASE_DIR / "node_modules" / "axe-core")]  # noqa: F405
