"""Settings for every Credit Genie deployment, read from the environment.

One module for all: a production deployment differs from a local run only by its
environment. Nothing configured means the embedded defaults (SQLite, local files,
the `filesystem://` Celery broker). A malformed value stops the process with an
ImproperlyConfigured error naming the variable. `.env.example` lists every variable.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import environ
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("CREDITGENIE_VAR_DIR") or BASE_DIR / "var")

env = environ.Env()

# Variables already in the environment win over the file. A developer's .env (made by
# bin/start from .env.example) is read when present; CREDITGENIE_ENV_FILE names another.
_env_file = env.str("CREDITGENIE_ENV_FILE", default="")
if _env_file and not Path(_env_file).is_file():
    raise ImproperlyConfigured(f"CREDITGENIE_ENV_FILE={_env_file!r} does not exist")
if _env_file or (BASE_DIR / ".env").is_file():
    environ.Env.read_env(_env_file or BASE_DIR / ".env", overwrite=False)

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def env_bool(name: str, default: bool) -> bool:
    """A boolean variable; anything but the usual spellings is an error, not False."""
    raw = env.str(name, default="").strip().lower()
    if not raw:
        return default
    if raw in _TRUE:
        return True
    if raw in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r} is not a boolean (use true or false)")


def env_int(name: str, default: int) -> int:
    raw = env.str(name, default="").strip()
    if not raw:
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} is not a whole number") from None


def env_str(name: str, default: str) -> str:
    """A string variable; set but empty counts as not set."""
    return env.str(name, default="").strip() or default


def env_choice(name: str, default: str, choices: tuple[str, ...]) -> str:
    value = env.str(name, default=default).strip()
    if value not in choices:
        raise ImproperlyConfigured(f"{name}={value!r} must be one of {', '.join(choices)}")
    return value


# --- Which deployment this is --------------------------------------------------------------
SLUG_RE = re.compile(r"^[a-z][a-z0-9-]{1,38}[a-z0-9]$")

CREDITGENIE_ROLE = env_choice("CREDITGENIE_ROLE", "agency", ("agency", "frontdoor"))
CREDITGENIE_TENANT = env.str(
    "CREDITGENIE_TENANT", default="frontdoor" if CREDITGENIE_ROLE == "frontdoor" else "local"
)
if not SLUG_RE.match(CREDITGENIE_TENANT):
    raise ImproperlyConfigured(
        f"CREDITGENIE_TENANT={CREDITGENIE_TENANT!r} must be 3-40 lowercase letters, digits "
        "or hyphens, starting with a letter"
    )
IS_FRONTDOOR = CREDITGENIE_ROLE == "frontdoor"
_cookie_prefix = "cg_" + CREDITGENIE_TENANT.replace("-", "_")

DEBUG = env_bool("DJANGO_DEBUG", False)
SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY is required unless DJANGO_DEBUG=true")
    SECRET_KEY = f"insecure-local-only-{CREDITGENIE_TENANT}"

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# How many proxies in front of the app append to X-Forwarded-For (0: use REMOTE_ADDR).
CREDITGENIE_TRUSTED_PROXY_COUNT = env_int("CREDITGENIE_TRUSTED_PROXY_COUNT", 0)

# Password sign-in for local runs and tests only; real deployments sign in through OIDC.
CREDITGENIE_DEV_LOGIN = env_bool("CREDITGENIE_DEV_LOGIN", DEBUG)

# --- Applications ----------------------------------------------------------------------------
INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "csp",
    "tenants",
]
if not IS_FRONTDOOR:
    # The front door holds the agency registry and never any consumer data, so the
    # consumer and counselor apps (and their tables) exist only in agency deployments.
    INSTALLED_APPS += [
        "tenants.encryption",
        "tenants.audit",
        "tenants.grants",
        "tenants.uploads",
        "integrations",
        "intake",
        "counselor",
    ]

MIDDLEWARE = [
    "creditgenie.middleware.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "tenants.middleware.DeploymentStampMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "creditgenie.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    # Before CSRF, so sign-in attempts are counted even when their token is wrong.
    "creditgenie.middleware.RateLimitMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "creditgenie.middleware.NoStoreForAuthenticatedMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "creditgenie.urls_frontdoor" if IS_FRONTDOOR else "creditgenie.urls"
WSGI_APPLICATION = "creditgenie.wsgi.application"

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
                "tenants.context_processors.deployment",
            ],
        },
    },
]

# --- Database: DATABASES["default"] is this agency's own database -------------------------
try:
    DATABASES = {
        "default": env.db_url_config(
            env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / f'{CREDITGENIE_TENANT}.sqlite3'}")
        )
    }
except (ImproperlyConfigured, ValueError, KeyError) as exc:
    raise ImproperlyConfigured(f"DATABASE_URL is malformed: {exc}") from None
if DATABASES["default"].get("ENGINE") not in (
    "django.db.backends.postgresql",
    "django.db.backends.sqlite3",
):
    raise ImproperlyConfigured("DATABASE_URL is malformed: use a postgres:// or sqlite:// URL")
DATABASES["default"]["CONN_MAX_AGE"] = env_int("DATABASE_CONN_MAX_AGE", 60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"].setdefault("OPTIONS", {})["connect_timeout"] = env_int(
        "DATABASE_CONNECT_TIMEOUT", 5
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Sessions, cookies, transport security --------------------------------------------------
HTTPS = env_bool("CREDITGENIE_HTTPS", True)
SESSION_ENGINE = "django.contrib.sessions.backends.db"  # server-side; never signed cookies
SESSION_COOKIE_NAME = f"{_cookie_prefix}_session"
CSRF_COOKIE_NAME = f"{_cookie_prefix}_csrftoken"
LANGUAGE_COOKIE_NAME = f"{_cookie_prefix}_language"
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 12 * 3600)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = HTTPS
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = 31536000 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# --- Content Security Policy (django-csp), docs/security.md --------------------------------
# Scripts only from our origin or carrying this response's nonce; no inline JS or CSS at
# all. data: images are USWDS's icons inside its stylesheet. The front door's forms end in
# a redirect to an agency's own origin, which form-action also governs in browsers.
_FORM_ACTION = [SELF, "https:"] if IS_FRONTDOOR else [SELF]
if IS_FRONTDOOR and not HTTPS:
    _FORM_ACTION.append("http:")
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": _FORM_ACTION,
        "frame-ancestors": [NONE],
        "object-src": [NONE],
        "base-uri": [NONE],
    }
}

# --- Cache and rate limits, docs/security.md -------------------------------------------------
# Rate-limit counters live in Django's cache. A local-memory cache counts per process, so
# with N gunicorn workers a limit is N times looser: deployments set CACHE_URL (Redis).
_CACHE_URL = env_str("CACHE_URL", env_str("REDIS_URL", ""))
if _CACHE_URL and not _CACHE_URL.startswith(("redis://", "rediss://")):
    raise ImproperlyConfigured("CACHE_URL must be a redis:// or rediss:// URL")
if _CACHE_URL:
    _default_cache = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": _CACHE_URL,
        "KEY_PREFIX": CREDITGENIE_TENANT,  # deployments sharing a Redis never share counters
        "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
    }
else:
    _default_cache = {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": CREDITGENIE_TENANT,
    }
CACHES = {"default": _default_cache}

_RATE_RE = re.compile(r"^[1-9]\d*/(?:[1-9]\d*)?[smhd]$")


def env_rate(name: str, default: str) -> str:
    """A django-ratelimit rate such as 60/m (per minute) or 10/5m (per five minutes)."""
    value = env_str(name, default)
    if not _RATE_RE.match(value):
        raise ImproperlyConfigured(f"{name}={value!r} is not a rate like 60/m or 10/5m")
    return value


# Limits per client address (CREDITGENIE_TRUSTED_PROXY_COUNT says where that comes from).
CREDITGENIE_RATE_LIMIT_GROUPS: dict[str, dict[str, object]] = {
    "routing": {"rate": env_rate("RATE_LIMIT_ROUTING", "60/m"), "methods": ["GET"]},
    "sign-in": {"rate": env_rate("RATE_LIMIT_SIGN_IN", "10/m"), "methods": ["POST"]},
    # Ready for the webhook endpoints, document downloads and searches of later issues.
    "webhooks": {"rate": env_rate("RATE_LIMIT_WEBHOOKS", "120/m"), "methods": ["POST"]},
    "downloads": {"rate": env_rate("RATE_LIMIT_DOWNLOADS", "30/m"), "methods": ["GET"]},
    "search": {"rate": env_rate("RATE_LIMIT_SEARCH", "30/m"), "methods": ["GET", "POST"]},
}
# Resolver view name -> group (creditgenie.middleware.RateLimitMiddleware). A new webhook,
# download or search view adds one line here.
CREDITGENIE_RATE_LIMITS: dict[str, str] = {
    "frontdoor:route": "routing",
    "frontdoor:referral": "routing",
    "frontdoor:tenants.frontdoor_views.referral": "routing",  # /r/<code> without the slash
    "frontdoor:choose": "routing",
    "accounts:login": "sign-in",
    "admin:login": "sign-in",
    "integrations:plaid-webhook": "webhooks",
    "counselor:queue-search": "search",
    "counselor:case-document": "downloads",
}

LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "agency:home"
LOGOUT_REDIRECT_URL = "agency:home"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Language and time ------------------------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("es", "Español")]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Spanish for US households: US dates and numbers (creditgenie/formats/es/formats.py).
FORMAT_MODULE_PATH = ["creditgenie.formats"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# --- Files ----------------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("uswds", BASE_DIR / "node_modules" / "@uswds" / "uswds" / "dist"),
    ("htmx", BASE_DIR / "node_modules" / "htmx.org" / "dist"),
]
WHITENOISE_USE_FINDERS = env_bool("WHITENOISE_USE_FINDERS", DEBUG)
MEDIA_ROOT = VAR_DIR / "media" / CREDITGENIE_TENANT

AWS_STORAGE_BUCKET_NAME = env.str("AWS_STORAGE_BUCKET_NAME", default="")
AWS_KMS_KEY_ID = env.str("AWS_KMS_KEY_ID", default="")
AWS_S3_ENDPOINT_URL = env.str("AWS_S3_ENDPOINT_URL", default="") or None
if AWS_STORAGE_BUCKET_NAME:
    if not AWS_KMS_KEY_ID:
        raise ImproperlyConfigured("AWS_STORAGE_BUCKET_NAME needs AWS_KMS_KEY_ID (SSE-KMS)")
    _default_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": AWS_STORAGE_BUCKET_NAME,
            "location": env.str("AWS_STORAGE_PREFIX", default=CREDITGENIE_TENANT),
            "endpoint_url": AWS_S3_ENDPOINT_URL,
            "object_parameters": {
                "ServerSideEncryption": "aws:kms",
                "SSEKMSKeyId": AWS_KMS_KEY_ID,
            },
            "default_acl": None,
            "file_overwrite": False,
            "querystring_auth": True,
            "querystring_expire": 60,
        },
    }
else:
    _default_storage = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": MEDIA_ROOT, "base_url": None},
    }
STORAGES = {
    "default": _default_storage,
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

# --- Documents and retention, docs/uploads.md and docs/retention.md --------------------------
# Django does not limit upload size: these two only decide what stays in memory (bigger
# uploads spool to a temporary file). The document limit is measured while reading; the
# reverse proxy caps whole request bodies (docs/uploads.md).
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_NUMBER_FILES = 10
CREDITGENIE_UPLOAD_MAX_BYTES = env_int("CREDITGENIE_UPLOAD_MAX_BYTES", 10 * 1024 * 1024)
CREDITGENIE_UPLOAD_MAX_PIXELS = env_int("CREDITGENIE_UPLOAD_MAX_PIXELS", 40_000_000)
FILE_UPLOAD_PERMISSIONS = 0o600  # stored documents: readable by the app's user only
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700
# Files are sealed by the app (AES-256-GCM under the data key) unless S3 encrypts them (SSE-KMS).
CREDITGENIE_UPLOAD_SEAL = not AWS_STORAGE_BUCKET_NAME
# clamd (ClamAV) as host:port or a unix socket path; empty: no scanner, files clean on upload.
CLAMD_ADDRESS = env_str("CLAMD_ADDRESS", "")
CLAMD_TIMEOUT = env_int("CLAMD_TIMEOUT", 30)
if CLAMD_ADDRESS and not re.fullmatch(r"/\S+|(\[[0-9a-fA-F:]+\]|[\w.-]+):\d{1,5}", CLAMD_ADDRESS):
    raise ImproperlyConfigured("CLAMD_ADDRESS must be host:port or an absolute socket path")
CREDITGENIE_RETENTION_DRAFT_DAYS = env_int("CREDITGENIE_RETENTION_DRAFT_DAYS", 180)
CREDITGENIE_RETENTION_CLOSED_DAYS = env_int("CREDITGENIE_RETENTION_CLOSED_DAYS", 1827)
CREDITGENIE_RETENTION_CONSENT_DAYS = env_int("CREDITGENIE_RETENTION_CONSENT_DAYS", 1827)
CREDITGENIE_RETENTION_BATCH_SIZE = env_int("CREDITGENIE_RETENTION_BATCH_SIZE", 100)
_positive = (
    CREDITGENIE_UPLOAD_MAX_BYTES,
    CREDITGENIE_UPLOAD_MAX_PIXELS,
    CLAMD_TIMEOUT,
    CREDITGENIE_RETENTION_DRAFT_DAYS,
    CREDITGENIE_RETENTION_CLOSED_DAYS,
    CREDITGENIE_RETENTION_BATCH_SIZE,
)
if min(_positive) < 1 or CREDITGENIE_RETENTION_CONSENT_DAYS < 1827:
    raise ImproperlyConfigured(
        "upload, scanner and retention settings must be positive; consents are kept 1827+ days"
    )
# Run by `celery -A creditgenie beat` (one per deployment); schedules in seconds.
CELERY_BEAT_SCHEDULE = (
    {}
    if IS_FRONTDOOR
    else {
        "retention-purge": {"task": "intake.retention_purge", "schedule": 24 * 3600},
        "uploads-rescan-pending": {"task": "uploads.stored_files_rescan", "schedule": 15 * 60},
        "warehouse-ship": {"task": "integrations.warehouse_ship", "schedule": 5 * 60},
        "warehouse-purge": {"task": "integrations.warehouse_purge", "schedule": 24 * 3600},
    }
)

# --- Celery: this agency's own broker and queue ---------------------------------------------
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", "filesystem://")
CELERY_BROKER_FOLDER = VAR_DIR / "broker" / CREDITGENIE_TENANT
if CELERY_BROKER_URL == "filesystem://":
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_BROKER_FOLDER / "queue"),
        "data_folder_out": str(CELERY_BROKER_FOLDER / "queue"),
        "processed_folder": str(CELERY_BROKER_FOLDER / "processed"),
        "control_folder": str(CELERY_BROKER_FOLDER / "control"),
        "store_processed": False,
    }
elif CELERY_BROKER_URL.startswith("sqs://"):
    # Credentials come from the instance role (sqs://) or the URL; a host in the URL is
    # an endpoint (a local SQS stand-in), spoken over http unless CELERY_SQS_SECURE.
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "region": env_str("AWS_SQS_REGION", env_str("AWS_DEFAULT_REGION", "us-east-1")),
        "visibility_timeout": 3600,
        "polling_interval": 1,
        "wait_time_seconds": 10,
        "is_secure": env_bool("CELERY_SQS_SECURE", True),
    }
else:
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_RESULT_BACKEND = env_str(
    "CELERY_RESULT_BACKEND", f"file://{VAR_DIR / 'results' / CREDITGENIE_TENANT}"
)
CELERY_TASK_DEFAULT_QUEUE = env_str("CELERY_QUEUE", f"{CREDITGENIE_TENANT}-default")
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True  # a killed worker's task goes back to the queue
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_TIME_LIMIT = 300
CELERY_BROKER_CONNECTION_TIMEOUT = 5
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True

# --- Operators: where provisioning keeps each agency's environment ---------------------------
CREDITGENIE_AGENCY_ENV_DIR = Path(
    env.str("CREDITGENIE_AGENCY_ENV_DIR", default=str(VAR_DIR / "agencies"))
)
CREDITGENIE_PUBLIC_URL = env.str("CREDITGENIE_PUBLIC_URL", default="")

# --- Logging: JSON lines, request id on each, PII scrubbed ----------------------------------
LOG_LEVEL = env_choice("LOG_LEVEL", "INFO", ("DEBUG", "INFO", "WARNING", "ERROR"))
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "creditgenie.logging.RequestIdFilter"}},
    "formatters": {"json": {"()": "creditgenie.logging.JsonFormatter"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json",
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django": {"handlers": ["console"], "level": LOG_LEVEL, "propagate": False},
        "django.server": {"handlers": ["console"], "level": LOG_LEVEL, "propagate": False},
        # Audit events always reach the log pipeline, whatever the general level.
        "creditgenie.audit": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}

# --- Field encryption (tenants.encryption) ---------------------------------------------------
# docs/encryption.md. Data keys come from the agency's KMS key (kms) or, as the embedded
# default, from a local key file made at provisioning (`manage.py create_key_file`).
CREDITGENIE_KEY_PROVIDER = env_choice("CREDITGENIE_KEY_PROVIDER", "local", ("local", "kms"))
CREDITGENIE_KEY_FILE = Path(
    env.str("CREDITGENIE_KEY_FILE", default="") or VAR_DIR / "keys" / f"{CREDITGENIE_TENANT}.key"
)
if CREDITGENIE_KEY_PROVIDER == "kms" and not AWS_KMS_KEY_ID:
    raise ImproperlyConfigured("CREDITGENIE_KEY_PROVIDER=kms needs AWS_KMS_KEY_ID")
AWS_KMS_REGION = env.str("AWS_KMS_REGION", default="") or env.str(
    "AWS_DEFAULT_REGION", default="us-east-1"
)
AWS_KMS_ENDPOINT_URL = env.str("AWS_KMS_ENDPOINT_URL", default="") or None
AWS_KMS_CONNECT_TIMEOUT = env_int("AWS_KMS_CONNECT_TIMEOUT", 3)
AWS_KMS_READ_TIMEOUT = env_int("AWS_KMS_READ_TIMEOUT", 5)
AWS_KMS_MAX_ATTEMPTS = env_int("AWS_KMS_MAX_ATTEMPTS", 3)
CREDITGENIE_DATA_KEY_CACHE_SECONDS = env_int("CREDITGENIE_DATA_KEY_CACHE_SECONDS", 300)
if min(AWS_KMS_CONNECT_TIMEOUT, AWS_KMS_READ_TIMEOUT, AWS_KMS_MAX_ATTEMPTS) < 1:
    raise ImproperlyConfigured(
        "AWS_KMS_CONNECT_TIMEOUT, AWS_KMS_READ_TIMEOUT and AWS_KMS_MAX_ATTEMPTS must be at least 1"
    )
if CREDITGENIE_DATA_KEY_CACHE_SECONDS < 0:
    raise ImproperlyConfigured("CREDITGENIE_DATA_KEY_CACHE_SECONDS must not be negative")
# HMAC key of the blind indexes (64 hex digits = 32 bytes); separate from every data key.
CREDITGENIE_BLIND_INDEX_KEY = env.str("CREDITGENIE_BLIND_INDEX_KEY", default="").strip()
if CREDITGENIE_BLIND_INDEX_KEY and not re.fullmatch(r"[0-9a-f]{64}", CREDITGENIE_BLIND_INDEX_KEY):
    raise ImproperlyConfigured("CREDITGENIE_BLIND_INDEX_KEY must be 64 lowercase hex digits")
# Test-only models (tests/encryption_app) exercise the encrypted fields on PostgreSQL.
if env_bool("CREDITGENIE_TEST_APPS", False) and not IS_FRONTDOOR:
    INSTALLED_APPS += ["tests.encryption_app"]

# --- Sign-in (OpenID Connect) ---------------------------------------------------------------
# docs/sign-in.md. Each agency deployment is one client of its provider: an AWS Cognito app
# client in production, the local provider (integrations/oidc/devprovider) in local runs and
# tests. Endpoints come from the issuer's discovery document, fetched on first use and
# cached, so `manage.py check`/`migrate` never need the provider. No OIDC_ISSUER: no OIDC
# sign-in (then only CREDITGENIE_DEV_LOGIN can sign anyone in).
OIDC_ISSUER = env_str("OIDC_ISSUER", "")
OIDC_RP_CLIENT_ID = env_str("OIDC_RP_CLIENT_ID", "")
OIDC_RP_CLIENT_SECRET = env_str("OIDC_RP_CLIENT_SECRET", "")
OIDC_PROVIDER_KIND = env_choice("OIDC_PROVIDER_KIND", "generic", ("generic", "cognito"))
if OIDC_ISSUER and not (OIDC_RP_CLIENT_ID and OIDC_RP_CLIENT_SECRET):
    raise ImproperlyConfigured("OIDC_ISSUER needs OIDC_RP_CLIENT_ID and OIDC_RP_CLIENT_SECRET")
if OIDC_ISSUER and not re.match(r"^(https://|http://(127\.0\.0\.1|localhost)[:/])", OIDC_ISSUER):
    raise ImproperlyConfigured("OIDC_ISSUER must be an https:// URL (http only on loopback)")
OIDC_TIMEOUT = (env_int("OIDC_CONNECT_TIMEOUT", 3), env_int("OIDC_READ_TIMEOUT", 5))
OIDC_DISCOVERY_CACHE_SECONDS = env_int("OIDC_DISCOVERY_CACHE_SECONDS", 3600)
OIDC_CLOCK_SKEW_SECONDS = env_int("OIDC_CLOCK_SKEW_SECONDS", 30)
if min(OIDC_TIMEOUT) < 1 or OIDC_DISCOVERY_CACHE_SECONDS < 0 or OIDC_CLOCK_SKEW_SECONDS < 0:
    raise ImproperlyConfigured("OIDC timeouts must be at least 1 and cache/skew not negative")
# Staff tokens must show a second factor in `amr`. Cognito user pools send no `amr`, so
# there the pool's "MFA required" setting enforces it; set this on for providers that do.
OIDC_STAFF_REQUIRE_AMR = env_bool("OIDC_STAFF_REQUIRE_AMR", False)
# mozilla-django-oidc's own settings (its views are subclassed in integrations.oidc.views).
OIDC_RP_SIGN_ALGO = "RS256"
OIDC_RP_SCOPES = "openid email profile"
OIDC_USE_NONCE = True
OIDC_USE_PKCE = True
OIDC_PKCE_CODE_CHALLENGE_METHOD = "S256"
OIDC_AUTHENTICATION_CALLBACK_URL = "oidc:callback"
OIDC_STORE_ID_TOKEN = False  # nothing from the tokens is kept but the verified auth_time
OIDC_STORE_ACCESS_TOKEN = False
OIDC_REDIRECT_REQUIRE_HTTPS = HTTPS
AUTHENTICATION_BACKENDS = (["integrations.oidc.backend.OidcBackend"] if OIDC_ISSUER else []) + (
    ["django.contrib.auth.backends.ModelBackend"]
    if CREDITGENIE_DEV_LOGIN or not OIDC_ISSUER
    else []
)

# Session limits per role group (seconds): idle, and absolute from sign-in.
CREDITGENIE_SESSION_IDLE_SECONDS = {
    "consumer": env_int("SESSION_IDLE_CONSUMER_SECONDS", 30 * 60),
    "staff": env_int("SESSION_IDLE_STAFF_SECONDS", 15 * 60),
}
CREDITGENIE_SESSION_ABSOLUTE_SECONDS = {
    "consumer": env_int("SESSION_ABSOLUTE_CONSUMER_SECONDS", 12 * 3600),
    "staff": env_int("SESSION_ABSOLUTE_STAFF_SECONDS", 8 * 3600),
}
for _kind, _idle in CREDITGENIE_SESSION_IDLE_SECONDS.items():
    if not 60 <= _idle <= CREDITGENIE_SESSION_ABSOLUTE_SECONDS[_kind] <= SESSION_COOKIE_AGE:
        raise ImproperlyConfigured(
            f"session limits for {_kind}: need 60 <= idle <= absolute <= SESSION_COOKIE_AGE"
        )
# Step-up: how recent the last authentication must be for require_recent_auth().
CREDITGENIE_STEP_UP_SECONDS = env_int("CREDITGENIE_STEP_UP_SECONDS", 5 * 60)
# Longest time-boxed access grant (tenants.grants).
CREDITGENIE_GRANT_MAX_SECONDS = env_int("CREDITGENIE_GRANT_MAX_SECONDS", 8 * 3600)
if CREDITGENIE_STEP_UP_SECONDS < 1 or CREDITGENIE_GRANT_MAX_SECONDS < 60:
    raise ImproperlyConfigured("CREDITGENIE_STEP_UP_SECONDS/GRANT_MAX_SECONDS are too small")
# Signing out ends at the provider's logout page: the sign-out form's redirect goes there,
# and browsers apply CSP form-action to a form's redirects. Cognito's logout is on its hosted
# UI domain, not the issuer's: set OIDC_LOGOUT_ORIGIN to it (https://<domain>.auth...).
OIDC_LOGOUT_ORIGIN = env_str(
    "OIDC_LOGOUT_ORIGIN", "/".join(OIDC_ISSUER.split("/", 3)[:3]) if OIDC_ISSUER else ""
)
if OIDC_LOGOUT_ORIGIN and not IS_FRONTDOOR:
    CONTENT_SECURITY_POLICY["DIRECTIVES"]["form-action"] = [*_FORM_ACTION, OIDC_LOGOUT_ORIGIN]
if not IS_FRONTDOOR:
    _after_auth = MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware") + 1
    MIDDLEWARE[_after_auth:_after_auth] = [
        "tenants.signin.SessionLifetimeMiddleware",
        "tenants.grants.middleware.AdminAccessMiddleware",
    ]

# --- Plaid and TransUnion (integrations) ---------------------------------------------------
# docs/verification.md. Hosts are always explicit: plaid-python without a host talks to
# production, so PLAID_ENV picks Plaid's host and PLAID_HOST overrides it (the local sandbox).
_LOOPBACK_HTTP = re.compile(r"^http://(127\.0\.0\.1|localhost)(:\d+)?(/.*)?$")


def _vendor_url(name: str, value: str) -> str:
    if value and not (value.startswith("https://") or _LOOPBACK_HTTP.match(value)):
        raise ImproperlyConfigured(f"{name} must be an https:// URL (http only on loopback)")
    return value.rstrip("/")


PLAID_CLIENT_ID = env_str("PLAID_CLIENT_ID", "")
PLAID_SECRET = env_str("PLAID_SECRET", "")
PLAID_ENV = env_choice("PLAID_ENV", "sandbox", ("sandbox", "production"))
PLAID_HOST = _vendor_url("PLAID_HOST", env_str("PLAID_HOST", f"https://{PLAID_ENV}.plaid.com"))
PLAID_VERSION = "2020-09-14"
PLAID_CLIENT_NAME = env_str("PLAID_CLIENT_NAME", "Credit Genie")[:30]
PLAID_WEBHOOK_URL = _vendor_url("PLAID_WEBHOOK_URL", env_str("PLAID_WEBHOOK_URL", ""))
PLAID_TIMEOUT = (env_int("PLAID_CONNECT_TIMEOUT", 3), env_int("PLAID_READ_TIMEOUT", 30))
PLAID_SYNC_PAGE_SIZE = env_int("PLAID_SYNC_PAGE_SIZE", 250)
PLAID_WEBHOOK_MAX_AGE_SECONDS = 300  # Plaid: reject webhooks whose iat is over 5 minutes old
PLAID_WEBHOOK_CLOCK_SKEW_SECONDS = env_int("PLAID_WEBHOOK_CLOCK_SKEW_SECONDS", 30)
PLAID_WEBHOOK_KEY_CACHE_SECONDS = env_int("PLAID_WEBHOOK_KEY_CACHE_SECONDS", 3600)
if PLAID_ENV == "production" and "plaid.com" not in PLAID_HOST:
    raise ImproperlyConfigured("PLAID_ENV=production needs Plaid's own host in PLAID_HOST")
# Plaid Link in the browser (static/js/plaid_link.js): Plaid's script in production; in
# sandbox mode empty (the server-side test page) or the local sandbox's stand-in
# (<PLAID_HOST>/link/v2/stable/link-initialize.js). The Link page's CSP allows this
# script and its origin as a frame only there (intake.views.bank).
PLAID_LINK_SCRIPT_URL = _vendor_url(
    "PLAID_LINK_SCRIPT_URL",
    env_str(
        "PLAID_LINK_SCRIPT_URL",
        "https://cdn.plaid.com/link/v2/stable/link-initialize.js"
        if PLAID_ENV == "production"
        else "",
    ),
)
# Where a bank's OAuth page sends the consumer back to Link: <agency URL>/bank/oauth-return/,
# registered in Plaid's dashboard (exact match). Empty: no redirect_uri in Link tokens.
PLAID_LINK_REDIRECT_URI = env_str("PLAID_LINK_REDIRECT_URI", "")
_vendor_url("PLAID_LINK_REDIRECT_URI", PLAID_LINK_REDIRECT_URI)  # checked, kept as given
TRANSUNION_URL = _vendor_url("TRANSUNION_URL", env_str("TRANSUNION_URL", ""))
TRANSUNION_LOOKUP_URL = _vendor_url(
    "TRANSUNION_LOOKUP_URL",
    env_str("TRANSUNION_LOOKUP_URL", f"{TRANSUNION_URL}/lookup" if TRANSUNION_URL else ""),
)
TRANSUNION_CLIENT_CERT = env_str("TRANSUNION_CLIENT_CERT", "")
TRANSUNION_CLIENT_KEY = env_str("TRANSUNION_CLIENT_KEY", "")
TRANSUNION_CA_BUNDLE = env_str("TRANSUNION_CA_BUNDLE", "")
TRANSUNION_SUBSCRIBER = {
    "industryCode": env_str("TRANSUNION_INDUSTRY_CODE", "F"),
    "memberCode": env_str("TRANSUNION_MEMBER_CODE", ""),
    "inquirySubscriberPrefixCode": env_str("TRANSUNION_PREFIX_CODE", ""),
    "password": env_str("TRANSUNION_PASSWORD", ""),
}
TRANSUNION_PROCESSING_ENVIRONMENT = env_choice(
    "TRANSUNION_PROCESSING_ENVIRONMENT", "standardTest", ("standardTest", "production")
)
TRANSUNION_TIMEOUT = (
    env_int("TRANSUNION_CONNECT_TIMEOUT", 5),
    env_int("TRANSUNION_READ_TIMEOUT", 30),
)
TRANSUNION_REPORT_RETENTION_DAYS = env_int("TRANSUNION_REPORT_RETENTION_DAYS", 90)
if TRANSUNION_URL.startswith("https://") and not (TRANSUNION_CLIENT_CERT and TRANSUNION_CLIENT_KEY):
    raise ImproperlyConfigured("TRANSUNION_URL over https needs TRANSUNION_CLIENT_CERT and _KEY")
if min(*PLAID_TIMEOUT, *TRANSUNION_TIMEOUT) < 1 or not 1 <= PLAID_SYNC_PAGE_SIZE <= 500:
    raise ImproperlyConfigured("vendor timeouts must be >= 1 s and PLAID_SYNC_PAGE_SIZE 1..500")
if TRANSUNION_REPORT_RETENTION_DAYS < 1 or PLAID_WEBHOOK_KEY_CACHE_SECONDS < 0:
    raise ImproperlyConfigured("TRANSUNION_REPORT_RETENTION_DAYS must be >= 1, key cache >= 0")
if not IS_FRONTDOOR:
    CELERY_BEAT_SCHEDULE["credit-reports-purge"] = {
        "task": "integrations.credit_reports_purge",
        "schedule": 24 * 3600,
    }
# --- end of Plaid and TransUnion (integrations) ----------------------------------------------

# --- Analytics warehouse (integrations.warehouse) ------------------------------------------
# docs/analytics.md. De-identified events ship as Parquet to file:///<absolute folder> (the
# embedded default, var/warehouse) or s3://<bucket>/<prefix> with SSE-KMS under the
# platform's warehouse key. The front door reads the same location for its benchmarks.
CREDITGENIE_WAREHOUSE_URL = env_str("CREDITGENIE_WAREHOUSE_URL", f"file://{VAR_DIR / 'warehouse'}")
_WAREHOUSE_URL = re.compile(
    r"^(file://(/[^?#]*)|s3://([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])(/[^?#]*)?)$"
)
if not _WAREHOUSE_URL.match(CREDITGENIE_WAREHOUSE_URL):
    raise ImproperlyConfigured(
        "CREDITGENIE_WAREHOUSE_URL must be file:///<absolute path> or s3://<bucket>[/<prefix>]"
    )
AWS_WAREHOUSE_KMS_KEY_ID = env_str("AWS_WAREHOUSE_KMS_KEY_ID", "")
if CREDITGENIE_WAREHOUSE_URL.startswith("s3://") and not AWS_WAREHOUSE_KMS_KEY_ID:
    raise ImproperlyConfigured("an s3:// CREDITGENIE_WAREHOUSE_URL needs AWS_WAREHOUSE_KMS_KEY_ID")
AWS_WAREHOUSE_ENDPOINT_URL = env_str("AWS_WAREHOUSE_ENDPOINT_URL", "") or None
AWS_WAREHOUSE_REGION = env_str("AWS_WAREHOUSE_REGION", env_str("AWS_DEFAULT_REGION", "us-east-1"))
AWS_WAREHOUSE_CONNECT_TIMEOUT = env_int("AWS_WAREHOUSE_CONNECT_TIMEOUT", 3)
AWS_WAREHOUSE_READ_TIMEOUT = env_int("AWS_WAREHOUSE_READ_TIMEOUT", 30)
AWS_WAREHOUSE_MAX_ATTEMPTS = env_int("AWS_WAREHOUSE_MAX_ATTEMPTS", 3)
# HMAC key of the consumer and case pseudonyms: one platform key (64 hex digits), never an
# agency key. Agencies get it in their env file from provisioning. The front door takes it
# from its environment or, unset there, from the key file its init_deployment generates
# once. Unset: a fixed key for local debug runs; otherwise the stream is off.
CREDITGENIE_ANALYTICS_KEY = env_str("CREDITGENIE_ANALYTICS_KEY", "")
CREDITGENIE_ANALYTICS_KEY_IN_ENV = bool(CREDITGENIE_ANALYTICS_KEY)
CREDITGENIE_ANALYTICS_KEY_FILE = Path(
    env_str("CREDITGENIE_ANALYTICS_KEY_FILE", str(VAR_DIR / "keys" / "analytics.key"))
)
if not CREDITGENIE_ANALYTICS_KEY and IS_FRONTDOOR and CREDITGENIE_ANALYTICS_KEY_FILE.is_file():
    CREDITGENIE_ANALYTICS_KEY = CREDITGENIE_ANALYTICS_KEY_FILE.read_text().strip()
if not CREDITGENIE_ANALYTICS_KEY and DEBUG:
    CREDITGENIE_ANALYTICS_KEY = "0a" * 32  # local runs only: their data is made up
if CREDITGENIE_ANALYTICS_KEY and not re.fullmatch(r"[0-9a-f]{64}", CREDITGENIE_ANALYTICS_KEY):
    raise ImproperlyConfigured("CREDITGENIE_ANALYTICS_KEY must be 64 lowercase hex digits")
if CREDITGENIE_ANALYTICS_KEY and CREDITGENIE_ANALYTICS_KEY == CREDITGENIE_BLIND_INDEX_KEY:
    raise ImproperlyConfigured("CREDITGENIE_ANALYTICS_KEY must differ from the agency's keys")
CREDITGENIE_WAREHOUSE_BATCH_SIZE = env_int("CREDITGENIE_WAREHOUSE_BATCH_SIZE", 10_000)
CREDITGENIE_WAREHOUSE_MAX_BATCHES = env_int("CREDITGENIE_WAREHOUSE_MAX_BATCHES", 20)
CREDITGENIE_WAREHOUSE_LEASE_SECONDS = env_int("CREDITGENIE_WAREHOUSE_LEASE_SECONDS", 900)
# Outbox rows of a batch shipped more than this many days ago are deleted (warehouse-purge).
CREDITGENIE_WAREHOUSE_PURGE_DAYS = env_int("CREDITGENIE_WAREHOUSE_PURGE_DAYS", 30)
# Benchmarks at the front door: a cell counting fewer distinct consumers is suppressed.
CREDITGENIE_BENCHMARKS_MIN_CONSUMERS = env_int("CREDITGENIE_BENCHMARKS_MIN_CONSUMERS", 5)
# Where the benchmarks' SQL runs (tenants/benchmarks.py): DuckDB over local files, or Athena
# over the Glue table of an s3:// warehouse (docs/deploy.md).
CREDITGENIE_BENCHMARKS_ENGINE = env_choice(
    "CREDITGENIE_BENCHMARKS_ENGINE", "duckdb", ("duckdb", "athena")
)
CREDITGENIE_ATHENA_WORKGROUP = env_str("CREDITGENIE_ATHENA_WORKGROUP", "creditgenie-benchmarks")
CREDITGENIE_ATHENA_DATABASE = env_str("CREDITGENIE_ATHENA_DATABASE", "creditgenie_warehouse")
CREDITGENIE_ATHENA_TABLE = env_str("CREDITGENIE_ATHENA_TABLE", "events")
CREDITGENIE_ATHENA_TIMEOUT = env_int("CREDITGENIE_ATHENA_TIMEOUT", 600)
AWS_ATHENA_ENDPOINT_URL = env_str("AWS_ATHENA_ENDPOINT_URL", "") or None
if not 1 <= CREDITGENIE_WAREHOUSE_BATCH_SIZE <= 100_000 or CREDITGENIE_WAREHOUSE_MAX_BATCHES < 1:
    raise ImproperlyConfigured("CREDITGENIE_WAREHOUSE_BATCH_SIZE 1..100000, MAX_BATCHES >= 1")
if CREDITGENIE_WAREHOUSE_LEASE_SECONDS < 1 or CREDITGENIE_BENCHMARKS_MIN_CONSUMERS < 5:
    raise ImproperlyConfigured("warehouse lease >= 1 s; benchmark cells need >= 5 consumers")
if CREDITGENIE_WAREHOUSE_PURGE_DAYS < 1:
    raise ImproperlyConfigured("CREDITGENIE_WAREHOUSE_PURGE_DAYS must be at least 1")
if min(AWS_WAREHOUSE_CONNECT_TIMEOUT, AWS_WAREHOUSE_READ_TIMEOUT, AWS_WAREHOUSE_MAX_ATTEMPTS) < 1:
    raise ImproperlyConfigured("AWS_WAREHOUSE_ timeouts and attempts must be at least 1")
# --- end of Analytics warehouse (integrations.warehouse) -------------------------------------
