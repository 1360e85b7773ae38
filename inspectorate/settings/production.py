"""Production: everything from ``base``, with the secure defaults ``check --deploy`` asks for.

DJANGO_SECRET_KEY is required (``base`` refuses to start without it while DEBUG is off).
TLS is assumed to end at a proxy in front that sets X-Forwarded-Proto.
"""

from __future__ import annotations

import os

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import LOGGING, env_bool

DEBUG = False

# JSON log lines, for the log collector, unless LOG_FORMAT says otherwise.
if os.environ.get("LOG_FORMAT", "json") == "json":
    LOGGING["handlers"]["console"]["formatter"] = "json"  # type: ignore[index]

if env_bool("DEMO_USERS_SKIP_SECOND_FACTOR"):
    raise ImproperlyConfigured(
        "DEMO_USERS_SKIP_SECOND_FACTOR is for a machine of your own: production asks everyone who publishes for a "
        "second factor."
    )

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
# Probes ask over plain HTTP from inside: health and metrics are answered as asked, never redirected.
SECURE_REDIRECT_EXEMPT = [r"^healthz", r"^metrics$"]
SECURE_HSTS_SECONDS = 60 * 60 * 24 * 365
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
X_FRAME_OPTIONS = "DENY"
