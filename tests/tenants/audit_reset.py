"""A fresh, empty audit chain for tests that verify the whole chain from its start.

The trail is append-only and survives the test database's flushes (a trigger refuses
TRUNCATE), while the chain key's row does not: after an earlier transactional test, rows
hashed under a key that no longer exists would make every whole-chain check fail. Tests
that verify from the start therefore begin from genesis, as a new deployment does."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.db import connection

from tenants.audit.chain import GENESIS_HASH
from tenants.audit.key import chain_key_forget
from tenants.audit.models import ChainVerification


@pytest.fixture
def fresh_audit_chain() -> Iterator[None]:
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER USER")
        cursor.execute("DELETE FROM audit_auditevent")
        cursor.execute("ALTER TABLE audit_auditevent ENABLE TRIGGER USER")
        cursor.execute("DELETE FROM audit_auditkey")
        cursor.execute("UPDATE audit_auditchainhead SET seq = 0, hash = %s", [GENESIS_HASH])
    ChainVerification.objects.all().delete()
    chain_key_forget()
    yield
    chain_key_forget()
