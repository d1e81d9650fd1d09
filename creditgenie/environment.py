"""Reading the environment for creditgenie/settings.py: typed values that fail loudly.

Each helper returns a value or raises ImproperlyConfigured naming the variable, so the
settings module stays a flat list of names, each assigned once. The builders at the end
turn a few variables into the dictionaries Django, django-storages and Celery expect.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import environ
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured

env = environ.Env()

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}
_RATE_RE = re.compile(r"^[1-9]\d*/(?:[1-9]\d*)?[smhd]$")
_LOOPBACK_HTTP = re.compile(r"^http://(127\.0\.0\.1|localhost)(:\d+)?(/.*)?$")
_HEX_KEY = re.compile(r"[0-9a-f]{64}")


def read_env_file(base_dir: Path) -> None:
    """Loads a developer's .env, or the file CREDITGENIE_ENV_FILE names; the process
    environment wins over the file."""
    named = env.str("CREDITGENIE_ENV_FILE", default="")
    if named and not Path(named).is_file():
        raise ImproperlyConfigured(f"CREDITGENIE_ENV_FILE={named!r} does not exist")
    if named or (base_dir / ".env").is_file():
        environ.Env.read_env(named or base_dir / ".env", overwrite=False)


def require(condition: bool, message: str) -> None:
    """Stops the process with ``message`` unless ``condition`` holds."""
    if not condition:
        raise ImproperlyConfigured(message)


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


def env_int(
    name: str, default: int, *, minimum: int | None = None, maximum: int | None = None
) -> int:
    """A whole number, optionally within [minimum, maximum]; the error names the variable."""
    raw = env.str(name, default="").strip()
    try:
        value = int(raw) if raw else default
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} is not a whole number") from None
    if minimum is not None and value < minimum:
        lowest = "must not be negative" if minimum == 0 else f"must be at least {minimum}"
        raise ImproperlyConfigured(f"{name}={value} {lowest}")
    if maximum is not None and value > maximum:
        raise ImproperlyConfigured(f"{name}={value} must be at most {maximum}")
    return value


def env_str(name: str, default: str) -> str:
    """A string variable; set but empty counts as not set."""
    return env.str(name, default="").strip() or default


def env_list(name: str, default: list[str]) -> list[str]:
    return env.list(name, default=default)


def env_match(name: str, default: str, pattern: str, message: str) -> str:
    """A string that must match ``pattern`` whole when set; ``message`` says the form."""
    value = env_str(name, default)
    require(not value or bool(re.fullmatch(pattern, value)), f"{name} {message}")
    return value


def env_choice(name: str, default: str, choices: tuple[str, ...]) -> str:
    value = env.str(name, default=default).strip()
    if value not in choices:
        raise ImproperlyConfigured(f"{name}={value!r} must be one of {', '.join(choices)}")
    return value


def env_slug(name: str, default: str) -> str:
    value = env.str(name, default=default)
    if not re.match(r"^[a-z][a-z0-9-]{1,38}[a-z0-9]$", value):
        raise ImproperlyConfigured(
            f"{name}={value!r} must be 3-40 lowercase letters, digits or hyphens, "
            "starting with a letter"
        )
    return value


def env_rate(name: str, default: str) -> str:
    """A django-ratelimit rate such as 60/m (per minute) or 10/5m (per five minutes)."""
    value = env_str(name, default)
    require(bool(_RATE_RE.match(value)), f"{name}={value!r} is not a rate like 60/m or 10/5m")
    return value


def env_hex_key(name: str, default: str = "") -> str:
    """A 32-byte key as 64 lowercase hex digits, or empty."""
    value = env_str(name, default)
    require(not value or bool(_HEX_KEY.fullmatch(value)), f"{name} must be 64 lowercase hex digits")
    return value


def env_timeouts(prefix: str, *, connect: int, read: int) -> tuple[int, int]:
    """(connect, read) seconds from <prefix>_CONNECT_TIMEOUT and <prefix>_READ_TIMEOUT."""
    return (
        env_int(f"{prefix}_CONNECT_TIMEOUT", connect, minimum=1),
        env_int(f"{prefix}_READ_TIMEOUT", read, minimum=1),
    )


def env_vendor_url(name: str, default: str = "") -> str:
    """An outside service's URL: https, or http on loopback only (local sandboxes)."""
    value = env_str(name, default)
    if value and not (value.startswith("https://") or _LOOPBACK_HTTP.match(value)):
        raise ImproperlyConfigured(f"{name} must be an https:// URL (http only on loopback)")
    return value.rstrip("/")


def secret_key(*, debug: bool, tenant: str) -> str:
    """SECRET_KEY from the environment; only a debug run may fall back to a local one."""
    value = env.str("SECRET_KEY", default="")
    require(bool(value) or debug, "SECRET_KEY is required unless DJANGO_DEBUG=true")
    return value or f"insecure-local-only-{tenant}"


# The embedded SQLite default as a serious database (docs/operations.md): write-ahead log so
# readers never block the writer, a writer that waits up to 20 s for the lock instead of
# failing with "database is locked", and transactions that take the write lock at BEGIN,
# so two read-then-write transactions cannot deadlock on upgrading their locks.
_SQLITE_OPTIONS = {
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    "timeout": 20,
    "transaction_mode": "IMMEDIATE",
}


def database_config(default_url: str) -> dict[str, Any]:
    """DATABASES["default"] from DATABASE_URL: PostgreSQL or SQLite only."""
    try:
        config = env.db_url_config(env_str("DATABASE_URL", default_url))
    except (ImproperlyConfigured, ValueError, KeyError) as exc:
        raise ImproperlyConfigured(f"DATABASE_URL is malformed: {exc}") from None
    engine = config.get("ENGINE")
    require(
        engine in ("django.db.backends.postgresql", "django.db.backends.sqlite3"),
        "DATABASE_URL is malformed: use a postgres:// or sqlite:// URL",
    )
    options = dict(config.get("OPTIONS", {}))
    if engine == "django.db.backends.postgresql":
        options["connect_timeout"] = env_int("DATABASE_CONNECT_TIMEOUT", 5)
    else:
        options = _SQLITE_OPTIONS | options  # options in the URL's query string win
    return {
        **config,
        "CONN_MAX_AGE": env_int("DATABASE_CONN_MAX_AGE", 60),
        "CONN_HEALTH_CHECKS": True,
        "OPTIONS": options,
    }


def cache_config(*, tenant: str) -> dict[str, Any]:
    """Redis when CACHE_URL (or REDIS_URL) is set, else a per-process memory cache."""
    url = env_str("CACHE_URL", env_str("REDIS_URL", ""))
    if not url:
        return {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": tenant}
    require(
        url.startswith(("redis://", "rediss://")), "CACHE_URL must be a redis:// or rediss:// URL"
    )
    return {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": url,
        "KEY_PREFIX": tenant,  # deployments sharing a Redis never share counters
        "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
    }


def document_storage(
    *, bucket: str, kms_key: str, endpoint: str | None, tenant: str, media_root: Path
) -> dict[str, Any]:
    """S3 with SSE-KMS under the agency's key when a bucket is set, else local files."""
    if not bucket:
        return {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": media_root, "base_url": None},
        }
    require(bool(kms_key), "AWS_STORAGE_BUCKET_NAME needs AWS_KMS_KEY_ID (SSE-KMS)")
    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": bucket,
            "location": env.str("AWS_STORAGE_PREFIX", default=tenant),
            "endpoint_url": endpoint,
            "object_parameters": {"ServerSideEncryption": "aws:kms", "SSEKMSKeyId": kms_key},
            "default_acl": None,
            "file_overwrite": False,
            "querystring_auth": True,
            "querystring_expire": 60,
        },
    }


def broker_transport_options(url: str, folder: Path) -> dict[str, Any]:
    """Kombu transport options for the filesystem, SQS or Redis broker."""
    if url == "filesystem://":
        return {
            "data_folder_in": str(folder / "queue"),
            "data_folder_out": str(folder / "queue"),
            "processed_folder": str(folder / "processed"),
            "control_folder": str(folder / "control"),
            "store_processed": False,
        }
    if url.startswith("sqs://"):
        # Credentials come from the instance role (sqs://) or the URL; a host in the URL is
        # an endpoint (a local SQS stand-in), spoken over http unless CELERY_SQS_SECURE.
        return {
            "region": env_str("AWS_SQS_REGION", env_str("AWS_DEFAULT_REGION", "us-east-1")),
            "visibility_timeout": 3600,
            "polling_interval": 1,
            "wait_time_seconds": 10,
            "is_secure": env_bool("CELERY_SQS_SECURE", True),
        }
    return {"visibility_timeout": 3600}


def beat_schedule(*, frontdoor: bool, sweep: int) -> dict[str, dict[str, Any]]:
    """The periodic tasks beat sends (none on the front door), schedules in seconds;
    ``sweep`` is VERIFICATION_SWEEP_SECONDS."""
    if frontdoor:
        return {}
    return {
        "retention-purge": {"task": "intake.retention_purge", "schedule": 24 * 3600},
        "uploads-rescan-pending": {"task": "uploads.stored_files_rescan", "schedule": 15 * 60},
        "warehouse-ship": {"task": "integrations.warehouse_ship", "schedule": 5 * 60},
        "warehouse-purge": {"task": "integrations.warehouse_purge", "schedule": 24 * 3600},
        "credit-reports-purge": {"task": "integrations.credit_reports_purge", "schedule": 86400},
        "audit-verify": {"task": "audit.chain_verify", "schedule": 24 * 3600},
        "notices-resend": {"task": "notifications.notices_resend", "schedule": 120},
        "offers-remind-expire": {"task": "intake.offers_remind_and_expire", "schedule": 3600},
        "follow-ups-digest": {"task": "counselor.follow_ups_digest", "schedule": 24 * 3600},
        # The supervisor dashboard's snapshot (docs/counselor.md, "Supervisor dashboard").
        "dashboard-refresh": {"task": "counselor.dashboard_refresh", "schedule": 60},
        **{
            task: {"task": task, "schedule": sweep}
            for task in ("integrations.verification_sweep", "intake.verification_sweep")
        },
    }


def analytics_key(*, key_file: Path, frontdoor: bool, debug: bool, blind_index_key: str) -> str:
    """The platform's pseudonym key: the environment, else (front door) its key file, else a
    fixed key for local debug runs (their data is made up), else empty (stream off)."""
    value = env_hex_key("CREDITGENIE_ANALYTICS_KEY")
    if not value and frontdoor and key_file.is_file():
        value = key_file.read_text().strip()
    if not value and debug:
        value = "0a" * 32
    require(
        not value or bool(_HEX_KEY.fullmatch(value)),
        "CREDITGENIE_ANALYTICS_KEY must be 64 lowercase hex digits",
    )
    require(
        not value or value != blind_index_key,
        "CREDITGENIE_ANALYTICS_KEY must differ from the agency's keys",
    )
    return value


def content_security_policy(*, frontdoor: bool, https: bool, logout_origin: str) -> dict[str, Any]:
    """django-csp's policy: scripts only from our origin or with this response's nonce, no
    inline JS or CSS; data: images are USWDS's icons. Forms post to our origin; the front
    door's end in a redirect to an agency's origin and an agency's sign-out form in one to
    its provider's logout page, which form-action also governs in browsers."""
    if frontdoor:
        form_action = [SELF, "https:", *([] if https else ["http:"])]
    else:
        form_action = [SELF, *([logout_origin] if logout_origin else [])]
    return {
        "DIRECTIVES": {
            "default-src": [SELF],
            "script-src": [SELF, NONCE],
            "style-src": [SELF],
            "img-src": [SELF, "data:"],
            "font-src": [SELF],
            "connect-src": [SELF],
            "form-action": form_action,
            "frame-ancestors": [NONE],
            "object-src": [NONE],
            "base-uri": [NONE],
        }
    }


def session_limits(*, cookie_age: int) -> tuple[dict[str, int], dict[str, int]]:
    """Idle and absolute session limits per role group, in seconds, from
    SESSION_IDLE_<GROUP>_SECONDS and SESSION_ABSOLUTE_<GROUP>_SECONDS; each group needs
    60 <= idle <= absolute <= SESSION_COOKIE_AGE."""
    idle = {
        "consumer": env_int("SESSION_IDLE_CONSUMER_SECONDS", 30 * 60),
        "staff": env_int("SESSION_IDLE_STAFF_SECONDS", 15 * 60),
    }
    absolute = {
        "consumer": env_int("SESSION_ABSOLUTE_CONSUMER_SECONDS", 12 * 3600),
        "staff": env_int("SESSION_ABSOLUTE_STAFF_SECONDS", 8 * 3600),
    }
    require(
        all(60 <= idle[kind] <= absolute[kind] <= cookie_age for kind in idle),
        "session limits: need 60 <= idle <= absolute <= SESSION_COOKIE_AGE for consumer and staff",
    )
    return idle, absolute


def https_on(*, debug: bool) -> bool:
    """CREDITGENIE_HTTPS (default true). Off only in a debug run or with the explicit local-run
    flag CREDITGENIE_LOCAL_RUN=true, so a stray .env cannot turn Secure cookies and HSTS off in
    a deployment."""
    https = env_bool("CREDITGENIE_HTTPS", True)
    require(
        https or debug or env_bool("CREDITGENIE_LOCAL_RUN", False),
        "CREDITGENIE_HTTPS=false is refused with DJANGO_DEBUG off: a deployment serves https "
        "only. For a local run on this machine set CREDITGENIE_LOCAL_RUN=true as well.",
    )
    return https


def audit_anchor_url(var_dir: Path) -> str:
    """Where the audit chain's anchors go: s3://bucket[/prefix] (Object Lock) or a folder."""
    return env_match(
        "CREDITGENIE_AUDIT_ANCHOR_URL",
        f"file://{var_dir / 'audit-anchors'}",
        r"file://(/[^?#]*)|s3://([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])(/[^?#]*)?",
        "must be file:///<absolute path> or s3://<bucket>[/<prefix>]",
    )


def _aws_client(service: str) -> dict[str, Any]:
    """AWS_<service>_ENDPOINT_URL (a local stand-in such as moto), _REGION and timeouts."""
    return {
        "ENDPOINT_URL": env_str(f"AWS_{service}_ENDPOINT_URL", "") or None,
        "REGION": env_str(f"AWS_{service}_REGION", env_str("AWS_DEFAULT_REGION", "us-east-1")),
        "CONNECT_TIMEOUT": env_int(f"AWS_{service}_CONNECT_TIMEOUT", 3, minimum=1),
        "READ_TIMEOUT": env_int(f"AWS_{service}_READ_TIMEOUT", 10, minimum=1),
    }


def notification_settings(*, var_dir: Path, local_run: bool) -> dict[str, Any]:
    """settings.NOTIFICATIONS (docs/notifications.md); E-mail itself stays in EMAIL_*.

    - MAIL_SINK_DIR: where the local SMTP sink (and local texts) write messages.
    - SMS_BACKEND: "sns" (Amazon SNS), or "folder" (the sink folder; local runs' default).
    - SMS_INBOUND_TOKEN: secret path segment of the SNS two-way SMS subscription (STOP);
      empty: no inbound endpoint.
    - SNS, SES: the boto3 clients' endpoint, region and timeouts (AWS_SNS_*, AWS_SES_*).
    - RETRY_BASE_SECONDS, RETRY_MAX_SECONDS, MAX_ATTEMPTS: delivery retries wait BASE,
      2 x BASE, 4 x BASE... capped at MAX; the notice is failed after MAX_ATTEMPTS.
    - CLAIM_SECONDS: how long a worker holds a notice it is sending.
    - OFFER_REMINDER_DAYS, OFFER_EXPIRY_DAYS: an unanswered plan offer gets one reminder,
      then expires."""
    reminder = env_int("CREDITGENIE_OFFER_REMINDER_DAYS", 7, minimum=1)
    expiry = env_int("CREDITGENIE_OFFER_EXPIRY_DAYS", 30, minimum=2)
    require(
        reminder < expiry,
        "CREDITGENIE_OFFER_REMINDER_DAYS must be under CREDITGENIE_OFFER_EXPIRY_DAYS",
    )
    return {
        "MAIL_SINK_DIR": Path(env_str("CREDITGENIE_MAIL_SINK_DIR", str(var_dir / "mail"))),
        "SMS_BACKEND": env_choice(
            "CREDITGENIE_SMS_BACKEND", "folder" if local_run else "sns", ("folder", "sns")
        ),
        "SMS_INBOUND_TOKEN": env_str("CREDITGENIE_SMS_INBOUND_TOKEN", ""),
        "SNS": _aws_client("SNS"),
        "SES": _aws_client("SES"),
        "RETRY_BASE_SECONDS": env_int("CREDITGENIE_NOTICE_RETRY_BASE_SECONDS", 30, minimum=1),
        "RETRY_MAX_SECONDS": env_int("CREDITGENIE_NOTICE_RETRY_MAX_SECONDS", 3600, minimum=1),
        "MAX_ATTEMPTS": env_int("CREDITGENIE_NOTICE_MAX_ATTEMPTS", 10, minimum=1),
        "CLAIM_SECONDS": env_int("CREDITGENIE_NOTICE_CLAIM_SECONDS", 300, minimum=1),
        "OFFER_REMINDER_DAYS": reminder,
        "OFFER_EXPIRY_DAYS": expiry,
    }
