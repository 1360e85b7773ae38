"""Settings shared by every environment, read from environment variables.

Every variable is listed, with its default, in README.md ("Configuration"). The defaults give
the embedded set-up of ``make run``: SQLite, a broker that needs no server, files on local disk.
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
import django_stubs_ext
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django_guid.integrations import CeleryIntegration
from kombu import Queue

# Lets annotations such as ModelAdmin[Force] run as well as type-check.
django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(os.environ.get("DJANGO_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG")

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "Set DJANGO_SECRET_KEY: it is required when DJANGO_DEBUG is off. On your own machine, after `make run`, "
            "run manage.py commands with DJANGO_DEBUG=1 (README, 'Commands')."
        )
    SECRET_KEY = "insecure-key-for-local-debug-only"  # noqa: S105 - only ever used with DEBUG on

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")
SERVICE_NAME = os.environ.get("SERVICE_NAME", "Police Inspectorate")
SERVICE_NAME_CY = os.environ.get("SERVICE_NAME_CY", "Arolygiaeth yr Heddlu")
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_prometheus",
    "django_guid",
    "django.contrib.sitemaps",
    "crispy_forms",
    "crispy_forms_gds",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "csp",
    "accounts",
    "inspections",
    "notifications",
    "reports",
    "fieldwork",
    "publishing",
    "public",
]

MIDDLEWARE = [
    # Outermost, so that every response carries the content security policy, a cached page's too.
    "csp.middleware.CSPMiddleware",
    # The language of the path (/cy/... is Welsh), active before anything reads or resolves it.
    "inspectorate.languages.PathLanguageMiddleware",
    # Request metrics (inspectorate/metrics.py) around everything below, cached pages included, and the
    # request's id (X-Request-ID from nginx, or a new one) in every log line and the tasks it queues.
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    "django_guid.middleware.guid_middleware",
    # First, so that a cached public page skips everything else (public/cache.py), and second
    # gzip, so that what it keeps is already compressed.
    "public.cache.PublicPageCacheMiddleware",
    "django.middleware.gzip.GZipMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Whether this session has passed a second factor (request.user.is_verified()), then the rule that
    # editors and administrators must have (accounts/second_factor.py).
    "django_otp.middleware.OTPMiddleware",
    "accounts.middleware.SecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_prometheus.middleware.PrometheusAfterMiddleware",
    # Last, as django-axes asks, so that it sees the outcome of authentication.
    "axes.middleware.AxesMiddleware",
]

# The content security policy of every response (django-csp): scripts, styles, fonts and images from
# this site only; no inline script or style anywhere (none is needed: see static/js-enabled.js), no
# plugins, forms that post only here, and no framing by any other page.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        # GOV.UK Frontend's and the admin's stylesheets draw a few icons from data: URIs.
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

ROOT_URLCONF = "inspectorate.urls"
WSGI_APPLICATION = "inspectorate.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "inspectorate.context_processors.service",
                "inspectorate.context_processors.notifications",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
# SQLite file by default; PostgreSQL (psycopg2) whenever DATABASE_URL names one. Persistent
# connections matter for throughput (see README), so CONN_MAX_AGE defaults to ten minutes.
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'inspectorate.sqlite3'}"),
        conn_max_age=int(os.environ.get("DJANGO_CONN_MAX_AGE", "600")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A worker, a scheduler and the web server share the file: wait for locks rather than fail.
    DATABASES["default"]["OPTIONS"] = {"timeout": 20, "transaction_mode": "IMMEDIATE"}
    DATABASES["default"]["CONN_MAX_AGE"] = 0
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Accounts and login ---------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/workspace/"
LOGOUT_REDIRECT_URL = "/"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
SESSION_COOKIE_AGE = int(os.environ.get("DJANGO_SESSION_SECONDS", str(8 * 60 * 60)))
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

#: Whether every inspector may read every draft in the workspace. Off: an inspector reads the drafts of
#: the inspections they are on or lead (and every published report); editors, lead inspectors and
#: administrators read every draft either way.
INSPECTORS_READ_ALL_DRAFTS = env_bool("INSPECTORS_READ_ALL_DRAFTS")

# Login throttling: five failures for one account from one address lock it out for 15 minutes.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = float(os.environ.get("AXES_COOLOFF_HOURS", "0.25"))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# The client's address behind the proxies listed here (accounts/client_address.py): comma-separated
# addresses or networks, e.g. "10.0.0.0/8". Empty: REMOTE_ADDR, as without a proxy.
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES")
AXES_CLIENT_IP_CALLABLE = "accounts.client_address.client_address_for_axes"
#: Failed sign-ins from one address, across every account, before it must wait (password spraying).
SIGN_IN_FAILURES_PER_ADDRESS = int(os.environ.get("SIGN_IN_FAILURES_PER_ADDRESS", "20"))
AXES_RESET_ON_SUCCESS = True
AXES_USERNAME_FORM_FIELD = "username"
AXES_USERNAME_CALLABLE = "accounts.forms.lockout_username"
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"

# Second factors (accounts/second_factor.py): editors and administrators must sign in with a code from
# an authenticator app (or a recovery code) as well as their password; inspectors may choose to.
OTP_TOTP_ISSUER = SERVICE_NAME
#: Let the people `make run` creates (accounts/demo.py) in without a second factor, so that the demo can
#: be walked. Only for a machine of your own: production settings refuse to start with it on.
DEMO_USERS_SKIP_SECOND_FACTOR = env_bool("DEMO_USERS_SKIP_SECOND_FACTOR")

# --- Internationalisation -------------------------------------------------------------------
LANGUAGE_CODE = "en-gb"
# English, and Welsh under /cy/ (inspectorate/languages.py): the language of a request is its path's.
LANGUAGES = [("en-gb", "English"), ("cy", "Cymraeg")]
LOCALE_PATHS = [BASE_DIR / "locale"]
# The 24-hour clock everywhere Django formats a time by itself (the admin's lists and forms).
FORMAT_MODULE_PATH = ["inspectorate.formats"]
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

# --- Static and uploaded files --------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [
    BASE_DIR / "static",
    # The inspectorate's stylesheet, compiled from frontend/ by `make assets`.
    BASE_DIR / "build" / "static",
    # GOV.UK Frontend's compiled assets, installed by `npm ci` (see package.json), never committed.
    ("govuk", BASE_DIR / "node_modules" / "govuk-frontend" / "dist" / "govuk"),
]
MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT", VAR_DIR / "media"))
MEDIA_URL = "/media/"
STORAGES: dict[str, dict[str, object]] = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    # Fieldwork's files (evidence, the force's answers to requests): outside MEDIA_ROOT, so that nothing
    # serving /media/ can reach them; staff read them through a view that checks who asks.
    "private": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {
            "location": str(Path(os.environ.get("DJANGO_PRIVATE_ROOT", VAR_DIR / "private"))),
            "base_url": None,
        },
    },
}
if os.environ.get("AWS_STORAGE_BUCKET_NAME"):
    # Rendered files on S3-compatible storage, shared by every web and worker machine.
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": os.environ["AWS_STORAGE_BUCKET_NAME"],
            "endpoint_url": os.environ.get("AWS_S3_ENDPOINT_URL") or None,
            "region_name": os.environ.get("AWS_S3_REGION_NAME") or None,
            "default_acl": None,
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
    # Fieldwork's files in the same bucket under private/: objects are private (no ACL), and no page
    # links to them; staff read them through the view that checks who asks.
    STORAGES["private"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {**STORAGES["default"]["OPTIONS"], "location": "private"},  # type: ignore[dict-item]
    }
#: The largest file fieldwork accepts (evidence, a force's answer to a request), in bytes.
FIELDWORK_MAX_FILE_BYTES = int(os.environ.get("FIELDWORK_MAX_FILE_BYTES", str(50 * 1024 * 1024)))
# Uploads larger than this go to a temporary file as they arrive, so memory stays flat (Django's own
# default, named here because the fieldwork uploads rely on it).
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

# --- Forms ----------------------------------------------------------------------------------
CRISPY_ALLOWED_TEMPLATE_PACKS = ["gds"]
CRISPY_TEMPLATE_PACK = "gds"

# --- Cache ---------------------------------------------------------------------------------
# Shared by every process, because the public site's version lives here (public/cache.py):
# Redis when REDIS_URL (or DJANGO_CACHE_URL) is set, otherwise a folder under var/, which the web
# server and the worker of `make run` share.
REDIS_URL = os.environ.get("REDIS_URL", "")
CACHE_URL = os.environ.get("DJANGO_CACHE_URL") or REDIS_URL
if CACHE_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": CACHE_URL,
            "KEY_PREFIX": "inspectorate",
            # A cache that does not answer within half a second is treated as down: it costs speed,
            # never a page (public/cache.py), and /healthz/ready says so at once.
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": os.environ.get("DJANGO_CACHE_DIR", str(VAR_DIR / "cache")),
        }
    }
#: How long the page cache keeps a public page at most (it is cleared on every public change
#: anyway); 0 turns the page cache off. HTTP validators and 304s work either way.
PUBLIC_CACHE_SECONDS = int(os.environ.get("DJANGO_PUBLIC_CACHE_SECONDS", "300"))
#: How long each process trusts the site's version it last read (and serves pages it keeps in its
#: own memory) before reading it again: a public change reaches every process within this time.
PUBLIC_VERSION_SECONDS = float(os.environ.get("DJANGO_PUBLIC_VERSION_SECONDS", "1"))
#: The max-age public pages send to browsers, CDNs and proxies, in seconds.
PUBLIC_MAX_AGE = int(os.environ.get("DJANGO_PUBLIC_MAX_AGE", "60"))

# --- PDFs ---------------------------------------------------------------------------------
# A render (publishing.typesetting) is stopped after this many seconds, and refused past this many
# pages: either is an ordinary render failure, retried and shown to editors.
PDF_RENDER_SECONDS = float(os.environ.get("PDF_RENDER_SECONDS", "60"))
PDF_MAX_PAGES = int(os.environ.get("PDF_MAX_PAGES", "400"))
# A render beats this often; one silent for three beats was orphaned (its worker died) and is sent
# again by the sweep. A render asked of the broker and not started after RENDER_RESEND_SECONDS is
# asked again (publishing/services/editions.py). The fault tests shorten both.
RENDER_HEARTBEAT_SECONDS = float(os.environ.get("RENDER_HEARTBEAT_SECONDS", "10"))
RENDER_RESEND_SECONDS = float(os.environ.get("RENDER_RESEND_SECONDS", "60"))

# --- Email ---------------------------------------------------------------------------------
# GOV.UK Notify when NOTIFY_API_KEY is set; SMTP when EMAIL_HOST is; otherwise files under var/mail,
# which `make run` lists at /workspace/mail/ (DEBUG only). Notifications and password resets go
# through whichever is chosen, sent by Celery tasks.
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "inspectorate@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
NOTIFY_API_KEY = os.environ.get("NOTIFY_API_KEY", "")
NOTIFY_BASE_URL = os.environ.get("NOTIFY_BASE_URL", "https://api.notifications.service.gov.uk")
NOTIFY_TEMPLATE_ID = os.environ.get("NOTIFY_TEMPLATE_ID", "")
NOTIFY_REPLY_TO_ID = os.environ.get("NOTIFY_REPLY_TO_ID", "")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL")
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "20"))
EMAIL_FILE_PATH = str(Path(os.environ.get("EMAIL_FILE_PATH", VAR_DIR / "mail")))
if NOTIFY_API_KEY:
    if not NOTIFY_TEMPLATE_ID:
        raise ImproperlyConfigured("Set NOTIFY_TEMPLATE_ID with NOTIFY_API_KEY (see README, Email).")
    EMAIL_BACKEND = "notifications.backends.NotifyEmailBackend"
elif EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
else:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
#: How long a password reset link works, in seconds.
PASSWORD_RESET_TIMEOUT = int(os.environ.get("PASSWORD_RESET_SECONDS", str(60 * 60)))
#: The hour (local time) of the daily digest of notifications.
NOTIFICATION_DIGEST_HOUR = int(os.environ.get("NOTIFICATION_DIGEST_HOUR", "7"))

# --- Celery ---------------------------------------------------------------------------------
# Redis when REDIS_URL (or CELERY_BROKER_URL) is set; otherwise kombu's filesystem transport,
# which needs no server, so that `make run` still runs a real worker and scheduler.
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL") or REDIS_URL or "filesystem://"
CELERY_BROKER_DIR = Path(os.environ.get("CELERY_BROKER_DIR", VAR_DIR / "broker"))
if CELERY_BROKER_URL.startswith("filesystem://"):
    CELERY_BROKER_TRANSPORT_OPTIONS: dict[str, object] = {
        "data_folder_in": str(CELERY_BROKER_DIR / "queue"),
        "data_folder_out": str(CELERY_BROKER_DIR / "queue"),
        "processed_folder": str(CELERY_BROKER_DIR / "processed"),
        "control_folder": str(CELERY_BROKER_DIR / "control"),
        "store_processed": False,
    }
    # The transport needs its folders to exist before a worker or a web process opens it.
    for _folder in ("queue", "processed", "control"):
        (CELERY_BROKER_DIR / _folder).mkdir(parents=True, exist_ok=True)
else:
    # A task a dead worker had taken comes back after this long (acks_late); renders take seconds.
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": int(os.environ.get("CELERY_VISIBILITY_TIMEOUT", "600"))}
CELERY_BROKER_CONNECTION_TIMEOUT = 3
# A request that enqueues work must not hang on a broker that is down: two quick tries, then the
# caller logs it and the periodic sweep does the work (see inspectorate.celery.enqueue_on_commit).
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.5, "interval_max": 1}
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 300
CELERY_TASK_SOFT_TIME_LIMIT = 240
CELERY_WORKER_MAX_MEMORY_PER_CHILD = 400_000  # KiB
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = TIME_ZONE
# Queues by urgency. Going live (the publication sweep) has a queue of its own, served by a process of
# its own in production (Procfile's "publisher"), so that no backlog of renders ever delays a go-live;
# renders have theirs; everything else (notifications, reminders, retention) is on the default queue.
# A worker started without -Q serves all three (the tests, and a one-process deployment).
CELERY_TASK_DEFAULT_QUEUE = "celery"
CELERY_TASK_QUEUES = (Queue("publication"), Queue("celery"), Queue("renders"))
CELERY_TASK_ROUTES = {
    "publishing.tasks.publication_sweep_task": {"queue": "publication"},
    "publishing.tasks.edition_render_task": {"queue": "renders"},
}
# Beat's schedule file, in a folder made here, so that beat starts on a fresh machine.
CELERY_BEAT_SCHEDULE_FILENAME = os.environ.get("CELERY_BEAT_SCHEDULE_FILENAME", str(VAR_DIR / "celerybeat-schedule"))
Path(CELERY_BEAT_SCHEDULE_FILENAME).parent.mkdir(parents=True, exist_ok=True)
CELERY_BEAT_SCHEDULE: dict[str, dict[str, object]] = {
    # Publishes what is due and re-finds work the broker lost. Every 5 s, so that a report is public
    # within seconds of its go-live moment even if the prompt task sent at scheduling was lost (the
    # rehearsal restarts Redis, which loses it: its go-lives then waited for this sweep). Two indexed
    # queries when nothing is due. Expires at once: a late sweep is replaced by the next.
    "publication-sweep": {
        "task": "publishing.tasks.publication_sweep_task",
        "schedule": float(os.environ.get("PUBLICATION_SWEEP_SECONDS", "5")),
        "options": {"expires": 10},
    },
    # Emails every notification not yet sent (the prompt task sent at each change may have been lost).
    "notifications-email": {
        "task": "notifications.tasks.notifications_email_due_task",
        "schedule": float(os.environ.get("NOTIFICATION_SWEEP_SECONDS", "60")),
        "options": {"expires": 120},
    },
    "notifications-digest": {
        "task": "notifications.tasks.digests_send_task",
        "schedule": crontab(minute=0, hour=NOTIFICATION_DIGEST_HOUR),
        "options": {"expires": 3600},
    },
    # Reminders that come of time passing: deadlines, expiring links, sign-offs, responses, go-lives.
    "reminders": {
        "task": "publishing.tasks.reminders_send_task",
        "schedule": float(os.environ.get("REMINDER_SWEEP_SECONDS", "900")),
        "options": {"expires": 900},
    },
    # Evidence files and working notes whose retention period has ended are deleted (fieldwork/).
    "fieldwork-retention": {
        "task": "fieldwork.tasks.retention_apply_task",
        "schedule": crontab(minute=30, hour=2),
        "options": {"expires": 3600},
    },
}

# --- Health ---------------------------------------------------------------------------------
#: A token that lets monitoring read /healthz's details (Authorization: Bearer <token>); staff see them
#: when signed in. Without it, and to anyone else, /healthz says only healthy or not, and what fails.
HEALTHZ_TOKEN = os.environ.get("HEALTHZ_TOKEN", "")

# --- Metrics --------------------------------------------------------------------------------
#: Lets Prometheus read /metrics (Authorization: Bearer <token>); HEALTHZ_TOKEN's too, and staff.
METRICS_TOKEN = os.environ.get("METRICS_TOKEN", "")
# Several processes per machine (gunicorn's workers) share their request metrics through files in
# PROMETHEUS_MULTIPROC_DIR when it is set (prometheus_client's multiprocess mode; README, "Metrics").

# --- Request ids ------------------------------------------------------------------------------
# django-guid: the request's id, from nginx's X-Request-ID or made here, on every log line, returned in
# the response, and carried into each Celery task the request queues (and their log lines).
DJANGO_GUID = {
    "GUID_HEADER_NAME": "X-Request-ID",
    "VALIDATE_GUID": False,
    "RETURN_HEADER": True,
    "EXPOSE_HEADER": False,
    "INTEGRATIONS": [CeleryIntegration(use_django_logging=True, log_parent=True)],
}

# --- Logging --------------------------------------------------------------------------------
# JSON lines in production (LOG_FORMAT=json, the default there), plain text otherwise; each with the
# request's id ("correlation_id") and, in a task, its parent's ("celery_parent_id").
LOG_FORMAT = os.environ.get("LOG_FORMAT", "plain")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "correlation_id": {"()": "django_guid.log_filters.CorrelationId"},
        "celery_tracing": {"()": "django_guid.integrations.celery.log_filters.CeleryTracing"},
    },
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(correlation_id)s] %(message)s"},
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": ["asctime", "levelname", "name", "message", "correlation_id", "celery_parent_id"],
            "rename_fields": {
                "asctime": "time",
                "levelname": "level",
                "name": "logger",
                "correlation_id": "request_id",
            },
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json" if LOG_FORMAT == "json" else "plain",
            "filters": ["correlation_id", "celery_tracing"],
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}

# --- Error reporting ----------------------------------------------------------------------------
# Sentry's SDK, when SENTRY_DSN is set: errors of the web and the workers, with no personal data.
SENTRY_DSN = os.environ.get("SENTRY_DSN", "")
if SENTRY_DSN:
    import sentry_sdk
    from sentry_sdk.integrations.celery import CeleryIntegration as SentryCeleryIntegration
    from sentry_sdk.integrations.django import DjangoIntegration

    sentry_sdk.init(
        dsn=SENTRY_DSN,
        integrations=[DjangoIntegration(), SentryCeleryIntegration()],
        environment=os.environ.get("SENTRY_ENVIRONMENT", "production"),
        release=os.environ.get("SENTRY_RELEASE") or None,
        send_default_pii=False,
        traces_sample_rate=float(os.environ.get("SENTRY_TRACES_SAMPLE_RATE", "0")),
    )

# --- Demo -----------------------------------------------------------------------------------
DEMO_PASSWORD = os.environ.get("DEMO_PASSWORD", "inspect-demo-2016")
