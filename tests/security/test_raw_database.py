"""A raw copy of the database shows no consumer's personal information (GLBA Safeguards
Rule 314.4(c)(3)): a consumer signs up, fills the wizard, connects a bank (the Plaid
sandbox), submits; the verification stores the bank's accounts and transactions and the
credit report; a counselor sends an offer; then the bytes of a SQLite deployment's file and
a PostgreSQL dump of the agency's database are searched for every seeded value: names,
e-mail, phone, SSN, street, figures, account names, merchants, transaction amounts and
balances, the tradeline's creditor and balance, the client's IP address."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from django.db import connection

from integrations.plaid.models import PlaidAccount, PlaidTransaction
from integrations.transunion.models import CreditReport
from tenants.audit.ip import ip_open
from tenants.audit.models import AuditEvent
from tenants.encryption.keyfile import new_blind_index_key
from tests.integrations.plaid import conftest as plaid_fixtures
from tests.integrations.plaid.sandboxes import PLAID_ID, PLAID_SECRET
from tests.processes import deployment_env, manage
from tests.security.raw_seed import (
    ACCOUNT_NAMES,
    ADDRESS,
    MERCHANTS,
    SECRETS,
    TRADELINE_CREDITOR,
    seed,
)

pytestmark = pytest.mark.processes

plaid_url = plaid_fixtures.plaid_url
plaid = plaid_fixtures.plaid


def _found(raw: bytes) -> list[str]:
    text = raw.lower()
    return [secret for secret in SECRETS if secret.lower().encode() in text]


@pytest.mark.django_db(transaction=True)
def test_a_postgresql_dump_holds_no_seeded_value_in_plaintext(plaid, settings):
    settings.PLAID_ENV, settings.PLAID_WEBHOOK_URL = "sandbox", ""
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
    # The bank's rows, the credit report and the audit trail hold the values sought.
    assert sorted(a.name for a in PlaidAccount.objects.all()) == sorted(ACCOUNT_NAMES)
    assert {t.merchant for t in PlaidTransaction.objects.all()} == set(MERCHANTS)
    (report,) = CreditReport.objects.all()
    assert [t["creditor"] for t in report.summary["tradelines"]] == [TRADELINE_CREDITOR]
    addresses = AuditEvent.objects.filter(ip__isnull=False).values_list("seq", "ip")
    assert ADDRESS in {ip_open(seq, ip) for seq, ip in addresses}
    assert _found(dump) == []


def test_a_sqlite_deployment_file_holds_no_seeded_value_in_plaintext(tmp_path: Path, plaid):
    database = tmp_path / "agency.sqlite3"
    env = deployment_env(
        {
            "CREDITGENIE_TENANT": "rawbytes",
            "DATABASE_URL": f"sqlite:///{database}",
            "SECRET_KEY": "raw-bytes-test-secret-key-0123456789abcdefghijklmnop",
            "CREDITGENIE_KEY_FILE": str(tmp_path / "keys" / "rawbytes.key"),
            "CREDITGENIE_BLIND_INDEX_KEY": new_blind_index_key(),
            "ALLOWED_HOSTS": "testserver",
            "PLAID_ENV": "sandbox",
            "PLAID_HOST": plaid,
            "PLAID_CLIENT_ID": PLAID_ID,
            "PLAID_SECRET": PLAID_SECRET,
            "PLAID_WEBHOOK_URL": "",
        },
        tmp_path,
    )
    manage(env, "create_key_file")
    manage(env, "migrate", "--noinput")
    manage(env, "init_deployment")
    script = (
        "from tests.security.raw_seed import seed; from integrations import models as m; "
        "public_id = seed().public_id; "
        "print(m.PlaidAccount.objects.count(), m.PlaidTransaction.objects.count(), "
        "m.CreditReport.objects.count()); print(public_id)"
    )
    result = manage(env, "shell", "-c", script, check=False)
    assert result.returncode == 0, result.stderr[-3000:]
    *_, counts, public_id = result.stdout.strip().splitlines()
    assert counts == "2 57 1"  # the bank's accounts and transactions, the credit report
    raw = database.read_bytes() + _wal(database)
    assert public_id.replace("-", "").encode() in raw.replace(b"-", b"")
    assert b"v1:" in raw
    assert _found(raw) == []


def _wal(database: Path) -> bytes:
    """Pages not yet checkpointed into the file (a WAL-mode database)."""
    wal = database.with_name(database.name + "-wal")
    return wal.read_bytes() if wal.exists() else b""
