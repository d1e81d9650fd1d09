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
    "tenants",
]
if not IS_FRONTDOOR:
    # The front door holds the agency registry and never any consumer data, so the
    # consumer and counselor apps (and their tables) exist only in agency deployments.
    INSTALLED_APPS += [
        "tenants.encryption",
        "tenants.audit",
        "integrations",
        "intake",
        "counselor",
    ]

MIDDLEWARE = [
    "creditgenie.middleware.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "tenants.middleware.DeploymentStampMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "creditgenie.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
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
X_FRAME_OPTIONS = "DENY"

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
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# --- Files ----------------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("uswds", BASE_DIR / "node_modules" / "@uswds" / "uswds" / "dist"),
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
