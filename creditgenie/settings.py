"""Settings for every deployment, read from the environment (`.env.example` lists it all).

Production differs from a local run only by environment; nothing set means the embedded
defaults (SQLite, local files, `filesystem://` broker). creditgenie/environment.py reads and
checks each variable, naming it in the error. Each setting is assigned once, here."""

from __future__ import annotations

import os
from pathlib import Path

from creditgenie.environment import (
    analytics_key,
    audit_anchor_url,
    beat_schedule,
    broker_transport_options,
    cache_config,
    content_security_policy,
    database_config,
    document_storage,
    env,
    env_bool,
    env_choice,
    env_hex_key,
    env_int,
    env_list,
    env_match,
    env_rate,
    env_slug,
    env_str,
    env_timeouts,
    env_vendor_url,
    https_on,
    notification_settings,
    read_env_file,
    require,
    secret_key,
    session_limits,
)
from creditgenie.logging import logging_config

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("CREDITGENIE_VAR_DIR") or BASE_DIR / "var")
# The environment wins over a developer's .env (or the file CREDITGENIE_ENV_FILE names).
read_env_file(BASE_DIR)

# --- Which deployment this is --------------------------------------------------------------
CREDITGENIE_ROLE = env_choice("CREDITGENIE_ROLE", "agency", ("agency", "frontdoor"))
IS_FRONTDOOR = CREDITGENIE_ROLE == "frontdoor"
CREDITGENIE_TENANT = env_slug("CREDITGENIE_TENANT", "frontdoor" if IS_FRONTDOOR else "local")
_cookie_prefix = "cg_" + CREDITGENIE_TENANT.replace("-", "_")

DEBUG = env_bool("DJANGO_DEBUG", False)
SECRET_KEY = secret_key(debug=DEBUG, tenant=CREDITGENIE_TENANT)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
CREDITGENIE_TRUSTED_PROXY_COUNT = env_int("CREDITGENIE_TRUSTED_PROXY_COUNT", 0)  # proxies: XFF
# Password sign-in for local runs and tests only; real deployments sign in through OIDC.
CREDITGENIE_DEV_LOGIN = env_bool("CREDITGENIE_DEV_LOGIN", DEBUG)

# --- Applications ----------------------------------------------------------------------------
_TEST_APPS = env_bool("CREDITGENIE_TEST_APPS", False) and not IS_FRONTDOOR
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
    # The front door holds the agency registry and never any consumer data, so the
    # consumer and counselor apps (and their tables) exist only in agency deployments.
    *([] if IS_FRONTDOOR else ["tenants.encryption", "tenants.audit", "tenants.grants"]),
    *([] if IS_FRONTDOOR else ["tenants.uploads", "integrations", "notifications"]),
    *([] if IS_FRONTDOOR else ["intake", "counselor"]),
    *(["tests.encryption_app"] if _TEST_APPS else []),  # test models of encrypted fields
]

FORM_RENDERER = "tenants.uswds.UswdsRenderer"  # USWDS classes, one field template
MIDDLEWARE = [
    "creditgenie.middleware.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "creditgenie.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "tenants.middleware.DeploymentStampMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "creditgenie.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django_htmx.middleware.HtmxMiddleware",  # request.htmx, before anything that reads it
    "creditgenie.middleware.RateLimitMiddleware",  # before CSRF: wrong-token sign-ins count
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    *([] if IS_FRONTDOOR else ["tenants.signin.SessionLifetimeMiddleware"]),
    *([] if IS_FRONTDOOR else ["tenants.grants.middleware.AdminAccessMiddleware"]),
    "creditgenie.middleware.NoStoreForAuthenticatedMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "creditgenie.middleware.FriendlyMethodNotAllowedMiddleware",  # the agency's 405 page
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
DATABASES = {"default": database_config(f"sqlite:///{VAR_DIR / f'{CREDITGENIE_TENANT}.sqlite3'}")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Sessions, cookies, transport security --------------------------------------------------
HTTPS = https_on(debug=DEBUG)
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

# --- Sign-in (OpenID Connect) ---------------------------------------------------------------
# docs/sign-in.md. Each deployment is one client of its provider (Cognito in production, the
# local provider in local runs and tests), discovered on first use. No OIDC_ISSUER: no OIDC
# sign-in (then only CREDITGENIE_DEV_LOGIN can sign anyone in).
OIDC_ISSUER = env_match(
    "OIDC_ISSUER",
    "",
    r"(https://|http://(127\.0\.0\.1|localhost)[:/]).*",
    "must be an https:// URL (http only on loopback)",
)
OIDC_RP_CLIENT_ID = env_str("OIDC_RP_CLIENT_ID", "")
OIDC_RP_CLIENT_SECRET = env_str("OIDC_RP_CLIENT_SECRET", "")
OIDC_PROVIDER_KIND = env_choice("OIDC_PROVIDER_KIND", "generic", ("generic", "cognito"))
require(
    not OIDC_ISSUER or bool(OIDC_RP_CLIENT_ID and OIDC_RP_CLIENT_SECRET),
    "OIDC_ISSUER needs OIDC_RP_CLIENT_ID and OIDC_RP_CLIENT_SECRET",
)
OIDC_TIMEOUT = env_timeouts("OIDC", connect=3, read=5)  # seconds
OIDC_DISCOVERY_CACHE_SECONDS = env_int("OIDC_DISCOVERY_CACHE_SECONDS", 3600, minimum=0)
OIDC_CLOCK_SKEW_SECONDS = env_int("OIDC_CLOCK_SKEW_SECONDS", 30, minimum=0)
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
    ["tenants.backends.PasswordBackend"] if CREDITGENIE_DEV_LOGIN or not OIDC_ISSUER else []
)
# Signing out ends at the provider's logout page: the sign-out form's redirect goes there,
# and browsers apply CSP form-action to a form's redirects. Cognito's logout is on its hosted
# UI domain, not the issuer's: set OIDC_LOGOUT_ORIGIN to it (https://<domain>.auth...).
OIDC_LOGOUT_ORIGIN = env_str(
    "OIDC_LOGOUT_ORIGIN", "/".join(OIDC_ISSUER.split("/", 3)[:3]) if OIDC_ISSUER else ""
)
# Session limits per role group, consumer and staff (seconds): idle (30 and 15 minutes), and
# absolute from sign-in (12 and 8 hours); environment.session_limits checks their order.
CREDITGENIE_SESSION_IDLE_SECONDS, CREDITGENIE_SESSION_ABSOLUTE_SECONDS = session_limits(
    cookie_age=SESSION_COOKIE_AGE
)
# Step-up: how recent the last authentication must be for require_recent_auth().
CREDITGENIE_STEP_UP_SECONDS = env_int("CREDITGENIE_STEP_UP_SECONDS", 5 * 60, minimum=1)
# Longest time-boxed access grant (tenants.grants).
CREDITGENIE_GRANT_MAX_SECONDS = env_int("CREDITGENIE_GRANT_MAX_SECONDS", 8 * 3600, minimum=60)

# --- Content Security Policy (django-csp), docs/security.md --------------------------------
# No inline JS or CSS; the directives and why: creditgenie.environment.content_security_policy.
CONTENT_SECURITY_POLICY = content_security_policy(
    frontdoor=IS_FRONTDOOR, https=HTTPS, logout_origin=OIDC_LOGOUT_ORIGIN
)

# --- Cache and rate limits, docs/security.md -------------------------------------------------
# Rate-limit counters live in Django's cache. A local-memory cache counts per process, so
# with N gunicorn workers a limit is N times looser: deployments set CACHE_URL (Redis).
CACHES = {"default": cache_config(tenant=CREDITGENIE_TENANT)}
# Limits per client address (CREDITGENIE_TRUSTED_PROXY_COUNT says where that comes from).
CREDITGENIE_RATE_LIMIT_GROUPS: dict[str, dict[str, object]] = {
    "routing": {"rate": env_rate("RATE_LIMIT_ROUTING", "60/m"), "methods": ["GET"]},
    "sign-in": {"rate": env_rate("RATE_LIMIT_SIGN_IN", "10/m"), "methods": ["POST"]},
    "webhooks": {"rate": env_rate("RATE_LIMIT_WEBHOOKS", "120/m"), "methods": ["POST"]},
    "downloads": {"rate": env_rate("RATE_LIMIT_DOWNLOADS", "30/m"), "methods": ["GET"]},
    "search": {"rate": env_rate("RATE_LIMIT_SEARCH", "30/m"), "methods": ["GET", "POST"]},
    # A supervisor's "Refresh now" counts every case again (about 40 ms at 100,000).
    "recount": {"rate": env_rate("RATE_LIMIT_RECOUNT", "6/m"), "methods": ["POST"]},
}
# Resolver view name -> group (creditgenie.middleware.RateLimitMiddleware). A new webhook,
# download or search view adds one line here.
CREDITGENIE_RATE_LIMITS: dict[str, str] = {
    "frontdoor:route": "routing",
    "frontdoor:referral": "routing",
    "frontdoor:tenants.views.frontdoor.referral": "routing",  # /r/<code> without the slash
    "frontdoor:choose": "routing",
    "accounts:login": "sign-in",
    "admin:login": "sign-in",
    "integrations:plaid-webhook": "webhooks",
    "counselor:queue-search": "search",
    "counselor:case-document": "downloads",
    "counselor:supervisor-refresh": "recount",
}

LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "admin:index" if IS_FRONTDOOR else "agency:home"
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
STORAGES = {
    "default": document_storage(
        bucket=AWS_STORAGE_BUCKET_NAME,
        kms_key=AWS_KMS_KEY_ID,
        endpoint=AWS_S3_ENDPOINT_URL,
        tenant=CREDITGENIE_TENANT,
        media_root=MEDIA_ROOT,
    ),
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

# --- Documents and retention, docs/uploads.md and docs/retention.md --------------------------
# Django does not limit upload size: these two only decide what stays in memory (bigger
# uploads spool to a temporary file). The document limit is measured while reading; the
# reverse proxy caps whole request bodies (docs/uploads.md).
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_NUMBER_FILES = 10
CREDITGENIE_UPLOAD_MAX_BYTES = env_int("CREDITGENIE_UPLOAD_MAX_BYTES", 10 * 1024 * 1024, minimum=1)
CREDITGENIE_UPLOAD_MAX_PIXELS = env_int("CREDITGENIE_UPLOAD_MAX_PIXELS", 40_000_000, minimum=1)
FILE_UPLOAD_PERMISSIONS = 0o600  # stored documents: readable by the app's user only
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700
# Files are sealed by the app (AES-256-GCM under the data key) unless S3 encrypts them (SSE-KMS).
CREDITGENIE_UPLOAD_SEAL = not AWS_STORAGE_BUCKET_NAME
# clamd (ClamAV) as host:port or a unix socket path; empty: no scanner, files clean on upload.
CLAMD_ADDRESS = env_match(
    "CLAMD_ADDRESS",
    "",
    r"/\S+|(\[[0-9a-fA-F:]+\]|[\w.-]+):\d{1,5}",
    "must be host:port or an absolute socket path",
)
CLAMD_TIMEOUT = env_int("CLAMD_TIMEOUT", 30, minimum=1)
CREDITGENIE_RETENTION_DRAFT_DAYS = env_int("CREDITGENIE_RETENTION_DRAFT_DAYS", 180, minimum=1)
CREDITGENIE_RETENTION_CLOSED_DAYS = env_int("CREDITGENIE_RETENTION_CLOSED_DAYS", 1827, minimum=1)
CREDITGENIE_RETENTION_CONSENT_DAYS = env_int(
    "CREDITGENIE_RETENTION_CONSENT_DAYS", 1827, minimum=1827
)
CREDITGENIE_RETENTION_BATCH_SIZE = env_int("CREDITGENIE_RETENTION_BATCH_SIZE", 100, minimum=1)

# --- Celery: this agency's own broker, queue and schedule ------------------------------------
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", "filesystem://")
CELERY_BROKER_FOLDER = VAR_DIR / "broker" / CREDITGENIE_TENANT
CELERY_BROKER_TRANSPORT_OPTIONS = broker_transport_options(CELERY_BROKER_URL, CELERY_BROKER_FOLDER)
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

# How long a pull, a bank sync or a vendor call may stay claimed before the sweeper (every
# VERIFICATION_SWEEP_SECONDS) ends it as "timed out" and offers "re-run"; over a task's limit.
VERIFICATION_CLAIM_TIMEOUT_SECONDS = env_int("VERIFICATION_CLAIM_TIMEOUT_SECONDS", 600, minimum=1)
VERIFICATION_SWEEP_SECONDS = env_int("VERIFICATION_SWEEP_SECONDS", 60, minimum=1)
# Run by `celery -A creditgenie beat` (one per deployment): creditgenie.environment.
CELERY_BEAT_SCHEDULE = beat_schedule(frontdoor=IS_FRONTDOOR, sweep=VERIFICATION_SWEEP_SECONDS)

# --- Notifications, docs/notifications.md ---------------------------------------------------
# E-mail through Django's mail API: SMTP (the local sink of bin/start, port 8025, by default)
# or Amazon SES (EMAIL_BACKEND=integrations.aws.ses.SesEmailBackend). Texts, retries and the
# offer reminder and expiry: NOTIFICATIONS (creditgenie.environment.notification_settings).
CREDITGENIE_LOCAL_RUN = env_bool("CREDITGENIE_LOCAL_RUN", False)
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "127.0.0.1")
EMAIL_PORT = env_int("EMAIL_PORT", 8025, minimum=1, maximum=65535)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10, minimum=1)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "notices@localhost")
NOTIFICATIONS = notification_settings(var_dir=VAR_DIR, local_run=CREDITGENIE_LOCAL_RUN)

# --- Operators (where provisioning keeps agencies' environments); JSON logs, PII scrubbed ---
CREDITGENIE_AGENCY_ENV_DIR = Path(env_str("CREDITGENIE_AGENCY_ENV_DIR", str(VAR_DIR / "agencies")))
CREDITGENIE_PUBLIC_URL = env.str("CREDITGENIE_PUBLIC_URL", default="")
LOG_LEVEL = env_choice("LOG_LEVEL", "INFO", ("DEBUG", "INFO", "WARNING", "ERROR"))
LOGGING = logging_config(LOG_LEVEL)

# --- Field encryption (tenants.encryption) ---------------------------------------------------
# docs/encryption.md. Data keys come from the agency's KMS key (kms) or, as the embedded
# default, from a local key file made at provisioning (`manage.py create_key_file`).
CREDITGENIE_KEY_PROVIDER = env_choice("CREDITGENIE_KEY_PROVIDER", "local", ("local", "kms"))
CREDITGENIE_KEY_FILE = Path(
    env_str("CREDITGENIE_KEY_FILE", str(VAR_DIR / "keys" / f"{CREDITGENIE_TENANT}.key"))
)
require(
    CREDITGENIE_KEY_PROVIDER != "kms" or bool(AWS_KMS_KEY_ID),
    "CREDITGENIE_KEY_PROVIDER=kms needs AWS_KMS_KEY_ID",
)
AWS_KMS_REGION = env_str("AWS_KMS_REGION", env_str("AWS_DEFAULT_REGION", "us-east-1"))
AWS_KMS_ENDPOINT_URL = env.str("AWS_KMS_ENDPOINT_URL", default="") or None
AWS_KMS_CONNECT_TIMEOUT = env_int("AWS_KMS_CONNECT_TIMEOUT", 3, minimum=1)
AWS_KMS_READ_TIMEOUT = env_int("AWS_KMS_READ_TIMEOUT", 5, minimum=1)
AWS_KMS_MAX_ATTEMPTS = env_int("AWS_KMS_MAX_ATTEMPTS", 3, minimum=1)
CREDITGENIE_DATA_KEY_CACHE_SECONDS = env_int("CREDITGENIE_DATA_KEY_CACHE_SECONDS", 300, minimum=0)
# HMAC key of the blind indexes (64 hex digits = 32 bytes); separate from every data key.
CREDITGENIE_BLIND_INDEX_KEY = env_hex_key("CREDITGENIE_BLIND_INDEX_KEY")
# Audit chain anchors (docs/audit.md): s3:// with Object Lock (compliance mode), or a folder.
CREDITGENIE_AUDIT_ANCHOR_URL = audit_anchor_url(VAR_DIR)
CREDITGENIE_AUDIT_ANCHOR_RETAIN_DAYS = env_int("CREDITGENIE_AUDIT_ANCHOR_RETAIN_DAYS", 2557)

# --- Plaid and TransUnion (integrations) ---------------------------------------------------
# docs/verification.md. Hosts are always explicit: plaid-python without a host talks to
# production, so PLAID_ENV picks Plaid's host and PLAID_HOST overrides it (the local sandbox).
PLAID_CLIENT_ID = env_str("PLAID_CLIENT_ID", "")
PLAID_SECRET = env_str("PLAID_SECRET", "")
PLAID_ENV = env_choice("PLAID_ENV", "sandbox", ("sandbox", "production"))
PLAID_HOST = env_vendor_url("PLAID_HOST", f"https://{PLAID_ENV}.plaid.com")
PLAID_VERSION = "2020-09-14"
PLAID_CLIENT_NAME = env_str("PLAID_CLIENT_NAME", "Credit Genie")[:30]
PLAID_WEBHOOK_URL = env_vendor_url("PLAID_WEBHOOK_URL")
PLAID_TIMEOUT = env_timeouts("PLAID", connect=3, read=30)  # seconds
PLAID_SYNC_PAGE_SIZE = env_int("PLAID_SYNC_PAGE_SIZE", 250, minimum=1, maximum=500)
PLAID_WEBHOOK_MAX_AGE_SECONDS = 300  # Plaid: reject webhooks whose iat is over 5 minutes old
PLAID_WEBHOOK_CLOCK_SKEW_SECONDS = env_int("PLAID_WEBHOOK_CLOCK_SKEW_SECONDS", 30)
PLAID_WEBHOOK_KEY_CACHE_SECONDS = env_int("PLAID_WEBHOOK_KEY_CACHE_SECONDS", 3600, minimum=0)
# A kid Plaid does not know is remembered this long: forged kids do not each cost a call.
PLAID_WEBHOOK_UNKNOWN_KID_SECONDS = env_int("PLAID_WEBHOOK_UNKNOWN_KID_SECONDS", 300, minimum=0)
require(
    PLAID_ENV != "production" or "plaid.com" in PLAID_HOST,
    "PLAID_ENV=production needs Plaid's own host in PLAID_HOST",
)
# Plaid Link's script: Plaid's in production; in sandbox mode empty (the server-side test
# page) or the local sandbox's stand-in. Only the Link page's CSP allows it (docs/verification.md).
PLAID_LINK_SCRIPT_URL = env_vendor_url(
    "PLAID_LINK_SCRIPT_URL",
    "https://cdn.plaid.com/link/v2/stable/link-initialize.js" if PLAID_ENV == "production" else "",
)
# Where a bank's OAuth page sends the consumer back to Link (<agency URL>/bank/oauth-return/,
# registered in Plaid's dashboard); empty: no redirect_uri in Link tokens.
PLAID_LINK_REDIRECT_URI = env_str("PLAID_LINK_REDIRECT_URI", "")
env_vendor_url("PLAID_LINK_REDIRECT_URI")  # checked, kept as given
TRANSUNION_URL = env_vendor_url("TRANSUNION_URL")
TRANSUNION_LOOKUP_URL = env_vendor_url(
    "TRANSUNION_LOOKUP_URL", f"{TRANSUNION_URL}/lookup" if TRANSUNION_URL else ""
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
TRANSUNION_TIMEOUT = env_timeouts("TRANSUNION", connect=5, read=30)  # seconds
TRANSUNION_REPORT_RETENTION_DAYS = env_int("TRANSUNION_REPORT_RETENTION_DAYS", 90, minimum=1)
# A bureau answer larger than this is refused before parsing (a full file is ~0.1 MB).
TRANSUNION_MAX_RESPONSE_BYTES = env_int("TRANSUNION_MAX_RESPONSE_BYTES", 10 << 20, minimum=1)
require(
    not TRANSUNION_URL.startswith("https://")
    or bool(TRANSUNION_CLIENT_CERT and TRANSUNION_CLIENT_KEY),
    "TRANSUNION_URL over https needs TRANSUNION_CLIENT_CERT and _KEY",
)

# --- Analytics warehouse (integrations.warehouse) ------------------------------------------
# docs/analytics.md. De-identified events ship as Parquet to file:///<absolute folder> (the
# embedded default, var/warehouse) or s3://<bucket>/<prefix> with SSE-KMS under the
# platform's warehouse key. The front door reads the same location for its benchmarks.
CREDITGENIE_WAREHOUSE_URL = env_match(
    "CREDITGENIE_WAREHOUSE_URL",
    f"file://{VAR_DIR / 'warehouse'}",
    r"file://(/[^?#]*)|s3://([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])(/[^?#]*)?",
    "must be file:///<absolute path> or s3://<bucket>[/<prefix>]",
)
AWS_WAREHOUSE_KMS_KEY_ID = env_str("AWS_WAREHOUSE_KMS_KEY_ID", "")
require(
    not CREDITGENIE_WAREHOUSE_URL.startswith("s3://") or bool(AWS_WAREHOUSE_KMS_KEY_ID),
    "an s3:// CREDITGENIE_WAREHOUSE_URL needs AWS_WAREHOUSE_KMS_KEY_ID",
)
AWS_WAREHOUSE_ENDPOINT_URL = env_str("AWS_WAREHOUSE_ENDPOINT_URL", "") or None
AWS_WAREHOUSE_REGION = env_str("AWS_WAREHOUSE_REGION", env_str("AWS_DEFAULT_REGION", "us-east-1"))
AWS_WAREHOUSE_CONNECT_TIMEOUT = env_int("AWS_WAREHOUSE_CONNECT_TIMEOUT", 3, minimum=1)
AWS_WAREHOUSE_READ_TIMEOUT = env_int("AWS_WAREHOUSE_READ_TIMEOUT", 30, minimum=1)
AWS_WAREHOUSE_MAX_ATTEMPTS = env_int("AWS_WAREHOUSE_MAX_ATTEMPTS", 3, minimum=1)
# HMAC key of the consumer and case pseudonyms: one platform key, never an agency key
# (environment.analytics_key says where it comes from; docs/analytics.md).
CREDITGENIE_ANALYTICS_KEY_IN_ENV = bool(env_str("CREDITGENIE_ANALYTICS_KEY", ""))
CREDITGENIE_ANALYTICS_KEY_FILE = Path(
    env_str("CREDITGENIE_ANALYTICS_KEY_FILE", str(VAR_DIR / "keys" / "analytics.key"))
)
CREDITGENIE_ANALYTICS_KEY = analytics_key(
    key_file=CREDITGENIE_ANALYTICS_KEY_FILE,
    frontdoor=IS_FRONTDOOR,
    debug=DEBUG,
    blind_index_key=CREDITGENIE_BLIND_INDEX_KEY,
)
CREDITGENIE_WAREHOUSE_BATCH_SIZE = env_int(
    "CREDITGENIE_WAREHOUSE_BATCH_SIZE", 10_000, minimum=1, maximum=100000
)
CREDITGENIE_WAREHOUSE_MAX_BATCHES = env_int("CREDITGENIE_WAREHOUSE_MAX_BATCHES", 20, minimum=1)
CREDITGENIE_WAREHOUSE_LEASE_SECONDS = env_int("CREDITGENIE_WAREHOUSE_LEASE_SECONDS", 900, minimum=1)
CREDITGENIE_WAREHOUSE_PURGE_DAYS = env_int("CREDITGENIE_WAREHOUSE_PURGE_DAYS", 30, minimum=1)
# Outbox rows shipped over PURGE_DAYS ago are deleted; benchmark cells under MIN_CONSUMERS hidden.
CREDITGENIE_BENCHMARKS_MIN_CONSUMERS = env_int("CREDITGENIE_BENCHMARKS_MIN_CONSUMERS", 5, minimum=5)
# Where the benchmarks' SQL runs: DuckDB over local files or Athena over Glue (docs/deploy.md).
CREDITGENIE_BENCHMARKS_ENGINE = env_choice(
    "CREDITGENIE_BENCHMARKS_ENGINE", "duckdb", ("duckdb", "athena")
)
CREDITGENIE_ATHENA_WORKGROUP = env_str("CREDITGENIE_ATHENA_WORKGROUP", "creditgenie-benchmarks")
CREDITGENIE_ATHENA_DATABASE = env_str("CREDITGENIE_ATHENA_DATABASE", "creditgenie_warehouse")
CREDITGENIE_ATHENA_TABLE = env_str("CREDITGENIE_ATHENA_TABLE", "events")
CREDITGENIE_ATHENA_TIMEOUT = env_int("CREDITGENIE_ATHENA_TIMEOUT", 600, minimum=1)
AWS_ATHENA_ENDPOINT_URL = env_str("AWS_ATHENA_ENDPOINT_URL", "") or None
