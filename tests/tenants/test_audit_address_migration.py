"""Audit rows written with a plain client address are sealed by the migration without
changing a hash: the chain stays verifiable, and the migration is reversible."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import RequestFactory

from tenants.audit.chain import chain_hash
from tenants.audit.ip import ip_open
from tenants.audit.key import chain_key_stored
from tenants.audit.services import audit_record
from tests.tenants.audit_reset import fresh_audit_chain  # noqa: F401 (a fixture)

BEFORE = [("audit", "0003_keyed_chain")]
AFTER = [("audit", "0004_sealed_client_address")]
ADDRESSES = ("192.0.2.77", "2001:db8::5")


def _rows(seqs: list[int]) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT seq, ip::text, prev_hash, hash FROM audit_auditevent WHERE seq = ANY(%s) "
            "ORDER BY seq",
            [seqs],
        )
        return cursor.fetchall()


def _hash_holds(seq: int, address: str, prev_hash: str, stored_hash: str) -> bool:
    (row,) = _values(seq)
    key = chain_key_stored()
    return chain_hash(prev_hash, {**row, "ip": address}, key.for_row(seq)) == stored_hash


def _values(seq: int) -> list[dict]:
    from tenants.audit.models import AuditEvent

    return list(AuditEvent.objects.filter(seq=seq).values())


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("fresh_audit_chain")
def test_the_migration_seals_plain_addresses_and_keeps_every_hash():
    events = [
        audit_record(
            actor=None,
            role="",
            action="read",
            object_type="application",
            object_id=str(n),
            request=RequestFactory().get("/", REMOTE_ADDR=address),
        )
        for n, address in enumerate(ADDRESSES)
    ]
    seqs = [e.seq for e in events]
    sealed = _rows(seqs)

    MigrationExecutor(connection).migrate(BEFORE)
    plain = _rows(seqs)
    assert [row[1] for row in plain] == ["192.0.2.77/32", "2001:db8::5/128"]  # inet again
    MigrationExecutor(connection).migrate(AFTER)

    resealed = _rows(seqs)
    for (seq, stored, prev_hash, hash_), before, address in zip(
        resealed, sealed, ADDRESSES, strict=True
    ):
        assert stored.startswith("v1:") and address not in stored
        assert stored != before[1]  # sealed afresh
        assert ip_open(seq, stored) == address
        assert (prev_hash, hash_) == (before[2], before[3])  # no hash changed
        assert _hash_holds(seq, address, prev_hash, hash_)
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
