"""Provisioning a new agency deployment, run by operators from the front door.

One agency = one database, one SECRET_KEY, one environment file. Provisioning
creates the database, migrates and stamps it in a child process that runs with
the agency's own environment (so it sees exactly the agency's apps), registers the
agency at the front door, and writes the agency's environment file. Every step is
idempotent; a failure undoes what this run created and leaves nothing half-made.

The environment files (they hold credentials) stay with the operators, in
CREDITGENIE_AGENCY_ENV_DIR; the front door's database never stores them.
"""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import environ
import psycopg
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from psycopg import sql

from .analytics_key import AnalyticsKeyError, stream_environment
from .encryption.keyfile import encryption_environment, key_file_ensure
from .models import SLUG_VALIDATOR, Agency

MANAGE_PY = Path(settings.BASE_DIR) / "manage.py"
# Variables of the parent process that must never leak into an agency's child process.
_PARENT_ONLY = ("CREDITGENIE_", "DATABASE_", "CELERY_", "SECRET_KEY", "DJANGO_", "AWS_")


class ProvisioningError(Exception):
    """Provisioning stopped; the message is one line an operator can act on."""


@dataclass(frozen=True)
class AgencySpec:
    slug: str
    name: str
    public_url: str
    database_url: str = ""


def spec_validate(spec: AgencySpec) -> None:
    """Raises ProvisioningError naming the first bad field."""
    try:
        SLUG_VALIDATOR(spec.slug)
    except ValidationError:
        raise ProvisioningError(
            f"invalid slug {spec.slug!r}: use 3-40 lowercase letters, digits or hyphens, "
            "starting with a letter"
        ) from None
    if not spec.name.strip():
        raise ProvisioningError("--name must not be empty")
    try:
        URLValidator(schemes=["http", "https"])(spec.public_url)
    except ValidationError:
        raise ProvisioningError(f"invalid --public-url {spec.public_url!r}") from None
    if spec.database_url:
        _db_config(spec.database_url)


def _db_config(url: str) -> dict[str, object]:
    try:
        config = environ.Env.db_url_config(url)
    except Exception:
        raise ProvisioningError(f"invalid --database-url {_redact(url)!r}") from None
    if config.get("ENGINE") not in (
        "django.db.backends.sqlite3",
        "django.db.backends.postgresql",
    ):
        raise ProvisioningError("--database-url must be a sqlite:// or postgres:// URL")
    return config


def _redact(url: str) -> str:
    parts = urlsplit(url)
    if parts.password:
        return url.replace(f":{parts.password}@", ":***@")
    return url


def default_database_url(slug: str) -> str:
    return f"sqlite:///{Path(settings.VAR_DIR) / f'{slug}.sqlite3'}"


def database_ensure(url: str) -> bool:
    """Creates the agency's database if it does not exist; True if this call created it."""
    config = _db_config(url)
    if config["ENGINE"] == "django.db.backends.sqlite3":
        path = Path(str(config["NAME"]))
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            # Created empty and owner-only; SQLite gives its -wal and -shm files the same mode.
            os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        except FileExistsError:
            return False
        except OSError as exc:
            raise ProvisioningError(f"cannot create the database file: {exc}") from None
        return True
    name = str(config["NAME"])
    with _pg_maintenance(config) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists:
            return False
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        return True


def database_drop(url: str) -> None:
    """Removes a database this run created, when a later step failed."""
    config = _db_config(url)
    if config["ENGINE"] == "django.db.backends.sqlite3":
        for suffix in ("", "-wal", "-shm"):
            Path(f"{config['NAME']}{suffix}").unlink(missing_ok=True)
        return
    with _pg_maintenance(config) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                sql.Identifier(str(config["NAME"]))
            )
        )


def _pg_maintenance(config: dict[str, object]) -> psycopg.Connection:
    """A connection to the server's maintenance database, to create or drop databases."""
    try:
        return psycopg.connect(
            host=str(config.get("HOST") or "localhost"),
            port=int(config.get("PORT") or 5432),
            user=str(config.get("USER") or "postgres"),
            password=str(config.get("PASSWORD") or "") or None,
            dbname="postgres",
            connect_timeout=5,
            autocommit=True,
        )
    except psycopg.OperationalError:
        where = f"{config.get('HOST') or 'localhost'}:{config.get('PORT') or 5432}"
        raise ProvisioningError(f"cannot reach the database server at {where}") from None


def env_file_path(slug: str) -> Path:
    return Path(settings.CREDITGENIE_AGENCY_ENV_DIR) / f"{slug}.env"


def env_file_read(path: Path) -> dict[str, str]:
    values: dict[str, str] = {}
    if path.is_file():
        for line in path.read_text().splitlines():
            if line.strip() and not line.lstrip().startswith("#") and "=" in line:
                key, _, value = line.partition("=")
                values[key.strip()] = value.strip().strip("'")
    return values


def env_file_write(path: Path, values: dict[str, str]) -> None:
    """Writes KEY='value' lines (shell- and django-environ-readable), owner-only."""
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = [f"{key}='{value}'" for key, value in values.items()]
    path.write_text("\n".join(lines) + "\n")
    path.chmod(0o600)


def agency_environment(spec: AgencySpec, existing: dict[str, str]) -> dict[str, str]:
    """The agency's environment; values already on file (secret key, additions) are kept."""
    parts = urlsplit(spec.public_url)
    origin = f"{parts.scheme}://{parts.netloc}"
    values = {
        "CREDITGENIE_ROLE": "agency",
        "CREDITGENIE_TENANT": spec.slug,
        "CREDITGENIE_PUBLIC_URL": spec.public_url,
        "DATABASE_URL": spec.database_url or default_database_url(spec.slug),
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": parts.hostname or "localhost",
        "CSRF_TRUSTED_ORIGINS": origin,
        "CREDITGENIE_HTTPS": "true" if parts.scheme == "https" else "false",
        # Plain http only for an agency on this machine; a deployment refuses it otherwise.
        **({} if parts.scheme == "https" else {"CREDITGENIE_LOCAL_RUN": "true"}),
        "CELERY_QUEUE": f"{spec.slug}-default",
    }
    # Field encryption (tenants.encryption): the agency's local master key file and its
    # blind-index key; key_file_ensure() creates the file during provisioning.
    values |= encryption_environment(Path(settings.VAR_DIR) / "keys" / f"{spec.slug}.key")
    # The analytics stream (docs/analytics.md): the platform's one key and warehouse.
    try:
        stream = stream_environment()
    except AnalyticsKeyError as exc:
        raise ProvisioningError(str(exc)) from None
    known = existing.get("CREDITGENIE_ANALYTICS_KEY")
    if known and known != stream["CREDITGENIE_ANALYTICS_KEY"]:
        raise ProvisioningError(
            f"agency {spec.slug!r} has another CREDITGENIE_ANALYTICS_KEY than the platform's: "
            "its pseudonyms would not match; fix its environment file"
        )
    return values | stream | existing


def run_in_agency(env_values: dict[str, str], env_path: Path, *args: str) -> None:
    """Runs `manage.py <args>` as the agency deployment; raises ProvisioningError on failure."""
    child_env = {k: v for k, v in os.environ.items() if not k.startswith(_PARENT_ONLY)}
    child_env |= env_values | {"CREDITGENIE_ENV_FILE": str(env_path)}
    result = subprocess.run(
        [sys.executable, str(MANAGE_PY), *args],
        env=child_env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    if result.returncode != 0:
        lines = (result.stderr or result.stdout).strip().splitlines() or ["no output"]
        raise ProvisioningError(f"`manage.py {args[0]}` failed: {lines[-1]}")


def registry_conflict(spec: AgencySpec) -> None:
    """A slug already registered under another public URL is an operator mistake."""
    agency = Agency.objects.filter(slug=spec.slug).first()
    if agency is not None and agency.public_url.rstrip("/") != spec.public_url.rstrip("/"):
        raise ProvisioningError(
            f"agency {spec.slug!r} is already registered with public URL {agency.public_url}"
        )


def provision_agency(spec: AgencySpec) -> dict[str, str]:
    """Creates (or completes) an agency deployment; returns its environment.

    Side effects: may create a database, writes the agency's environment file (with the
    platform's analytics key and warehouse location) and its local master key file
    (tenants.encryption),
    migrates and stamps the agency's database, creates its profile, and registers
    the agency at the front door. Raises ProvisioningError; on error, whatever this
    call created is removed again.
    """
    spec_validate(spec)
    registry_conflict(spec)
    env_path = env_file_path(spec.slug)
    existing = env_file_read(env_path)
    if spec.database_url and existing.get("DATABASE_URL", spec.database_url) != spec.database_url:
        raise ProvisioningError(
            f"agency {spec.slug!r} is already provisioned on another database "
            f"({_redact(existing['DATABASE_URL'])})"
        )
    values = agency_environment(spec, existing)
    created_db = database_ensure(values["DATABASE_URL"])
    created_env = not env_path.exists()
    created_key = False
    try:
        env_file_write(env_path, values)
        created_key = key_file_ensure(Path(values["CREDITGENIE_KEY_FILE"]))
        run_in_agency(values, env_path, "migrate", "--noinput")
        run_in_agency(values, env_path, "init_deployment", "--name", spec.name)
    except BaseException:
        if created_db:
            database_drop(values["DATABASE_URL"])
        if created_env:
            env_path.unlink(missing_ok=True)
        if created_key:
            Path(values["CREDITGENIE_KEY_FILE"]).unlink(missing_ok=True)
        raise
    Agency.objects.update_or_create(
        slug=spec.slug, defaults={"display_name": spec.name, "public_url": spec.public_url}
    )
    return values


def migrate_agency(agency: Agency) -> None:
    """Applies pending migrations to one registered agency's database."""
    env_path = env_file_path(agency.slug)
    values = env_file_read(env_path)
    if not values:
        raise ProvisioningError(f"no environment file for {agency.slug!r} at {env_path}")
    run_in_agency(values, env_path, "migrate", "--noinput")
