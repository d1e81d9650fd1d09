"""A raw copy of the database shows no consumer's personal information (GLBA Safeguards
Rule 314.4(c)(3)): a consumer signs up, fills the wizard, submits; a counselor sends an
offer; then the bytes of a SQLite deployment's file and a PostgreSQL dump of the agency's
database are searched for every seeded value."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from django.db import connection

from tenants.encryption.keyfile import new_blind_index_key
from tests.processes import deployment_env, manage
from tests.security.raw_seed import SECRETS, seed

pytestmark = pytest.mark.processes


def _found(raw: bytes) -> list[str]:
    text = raw.lower()
    return [secret for secret in SECRETS if secret.lower().encode() in text]


@pytest.mark.django_db(transaction=True)
def test_a_postgresql_dump_holds_no_seeded_value_in_plaintext():
    application = seed()
    db = connection.settings_dict
    host, user = db["HOST"] or "127.0.0.1", db["USER"] or "postgres"
    dump = subprocess.run(
        ["pg_dump", "-h", host, "-U", user, "--data-only", db["NAME"]],
        capture_output=True,
        timeout=120,
        check=True,
    ).stdout
    # The seeded rows are in the dump (as ciphertext): the scan looks at the real data.
    assert str(application.public_id).encode() in dump
    assert b"v1:" in dump
    assert _found(dump) == []


def test_a_sqlite_deployment_file_holds_no_seeded_value_in_plaintext(tmp_path: Path):
    database = tmp_path / "agency.sqlite3"
    env = deployment_env(
        {
            "CREDITGENIE_TENANT": "rawbytes",
            "DATABASE_URL": f"sqlite:///{database}",
            "SECRET_KEY": "raw-bytes-test-secret-key-0123456789abcdefghijklmnop",
            "CREDITGENIE_KEY_FILE": str(tmp_path / "keys" / "rawbytes.key"),
            "CREDITGENIE_BLIND_INDEX_KEY": new_blind_index_key(),
            "ALLOWED_HOSTS": "testserver",
        },
        tmp_path,
    )
    manage(env, "create_key_file")
    manage(env, "migrate", "--noinput")
    manage(env, "init_deployment")
    script = "from tests.security.raw_seed import seed; print(seed().public_id)"
    result = manage(env, "shell", "-c", script, check=False)
    assert result.returncode == 0, result.stderr[-3000:]
    public_id = result.stdout.strip().splitlines()[-1]
    raw = database.read_bytes() + _wal(database)
    assert public_id.replace("-", "").encode() in raw.replace(b"-", b"")
    assert b"v1:" in raw
    assert _found(raw) == []


def _wal(database: Path) -> bytes:
    """Pages not yet checkpointed into the file (a WAL-mode database)."""
    wal = database.with_name(database.name + "-wal")
    return wal.read_bytes() if wal.exists() else b""
