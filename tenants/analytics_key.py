"""The platform's analytics key and warehouse location, handed to agencies at provisioning.

One key for the whole platform (docs/analytics.md): the HMAC key of the consumer and case
pseudonyms in the warehouse. The front door holds it only to give it to the agencies it
provisions; it never computes a pseudonym and the warehouse's readers never get it.
Where it comes from, in order: the front door's CREDITGENIE_ANALYTICS_KEY (production: its
secret store), else the key file CREDITGENIE_ANALYTICS_KEY_FILE (default
``<var>/keys/analytics.key``, mode 0600) that the front door's ``init_deployment``
generates once and never replaces. Importable without any installed model.
"""

from __future__ import annotations

import os
import re
import secrets
from pathlib import Path

from django.conf import settings

ANALYTICS_KEY = re.compile(r"[0-9a-f]{64}")


class AnalyticsKeyError(Exception):
    """The key file is unreadable or holds something else than a key."""


def analytics_key_file_ensure(path: Path) -> bool:
    """Creates the key file with a fresh key unless it exists; True if this call made it.

    Side effects: may create the folder and the file (owner-only, created exclusively, so
    two concurrent runs never write two different keys)."""
    if path.exists():
        analytics_key_file_read(path)
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return False
    with os.fdopen(fd, "w") as handle:
        handle.write(secrets.token_hex(32) + "\n")
    return True


def analytics_key_file_read(path: Path) -> str:
    try:
        key = path.read_text().strip()
    except OSError as exc:
        raise AnalyticsKeyError(f"cannot read the analytics key file {path}: {exc}") from None
    if not ANALYTICS_KEY.fullmatch(key):
        raise AnalyticsKeyError(f"the analytics key file {path} does not hold 64 hex digits")
    return key


def platform_analytics_key() -> str:
    """The platform's key: the front door's setting when set in its environment, else the
    key file's (made now if the front door's init has not made it yet)."""
    if settings.CREDITGENIE_ANALYTICS_KEY_IN_ENV:
        return settings.CREDITGENIE_ANALYTICS_KEY
    path = Path(settings.CREDITGENIE_ANALYTICS_KEY_FILE)
    analytics_key_file_ensure(path)
    return analytics_key_file_read(path)


def stream_environment() -> dict[str, str]:
    """What an agency needs to write the platform's stream: the key and the warehouse
    location (with the warehouse's KMS key and endpoint when they are set)."""
    values = {
        "CREDITGENIE_ANALYTICS_KEY": platform_analytics_key(),
        "CREDITGENIE_WAREHOUSE_URL": settings.CREDITGENIE_WAREHOUSE_URL,
    }
    for name in ("AWS_WAREHOUSE_KMS_KEY_ID", "AWS_WAREHOUSE_ENDPOINT_URL"):
        if getattr(settings, name, None):
            values[name] = getattr(settings, name)
    return values
