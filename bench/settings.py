"""Settings of the public-site benchmark (bench/public_site.py): production's, with the benchmark's
minimal view beside the site's own URLs. HTTPS redirects are turned off by the benchmark through
``DJANGO_SECURE_SSL_REDIRECT=0``, as behind a proxy that redirects, since it loads plain HTTP on
127.0.0.1."""

from __future__ import annotations

from inspectorate.settings.production import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
