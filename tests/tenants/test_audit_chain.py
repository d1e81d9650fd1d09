"""The keyed audit chain and manage.py verify_audit, on PostgreSQL.

Rows committed by other tests (the concurrency tests commit) stay in the unmanaged
table, so assertions here are about the rows each test writes, never the table size.
"""

from __future__ import annotations

from datetime import UTC, datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test import RequestFactory

from tenants.audit.chain import GENESIS_HASH, ChainKey, chain_hash, chain_walk
from tenants.audit.ip import ip_open
from tenants.audit.key import chain_key_forget, chain_key_stored
from tenants.audit.models import AuditEvent
from tenants.audit.services import audit_record
from tenants.encryption.keyfile import create_key_file

pytestmark = pytest.mark.django_db


def _record(object_id: str = "a1", **extra: object) -> AuditEvent:
    return audit_record(
        actor=None,
        role="",
        action="read",
        object_type="application",
        object_id=object_id,
        purpose="chain test",
        **extra,
    )


def _verify(*args: str) -> tuple[str, list[str]]:
    out, err = StringIO(), StringIO()
    try:
        call_command("verify_audit", *args, stdout=out, stderr=err)
    except CommandError as exc:
        return f"CommandError: {exc}", err.getvalue().splitlines()
    return out.getvalue(), err.getvalue().splitlines()


def _sql(statement: str, params: list[object]) -> None:
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER USER")
        cursor.execute(statement, params)
        cursor.execute("ALTER TABLE audit_auditevent ENABLE TRIGGER USER")


KEY = ChainKey(key=b"k" * 32)


def _row(
    seq: int, prev_hash: str, key: bytes | None = KEY.key, **changes: object
) -> dict[str, object]:
    row = {
        "seq": seq,
        "created_at": datetime(2026, 1, 2, 3, 4, 5, 600, tzinfo=UTC),
        "actor_id": 7,
        "actor_label": "counselor-1",
        "role": "counselor",
        "action": "read",
        "object_type": "application",
        "object_id": "x",
        "case_id": "x",
        "purpose": "",
        "grant_id": "",
        "outcome": "allowed",
        "request_id": "r",
        "ip": "192.0.2.1",
        "prev_hash": prev_hash,
    }
    row["hash"] = chain_hash(prev_hash, row, key)
    row.update(changes)
    return row


def test_chain_hash_is_keyed_and_covers_previous_hash_and_content():
    row = _row(1, GENESIS_HASH)

    assert chain_hash(GENESIS_HASH, row, KEY.key) == row["hash"]
    assert chain_hash(GENESIS_HASH, row, b"x" * 32) != row["hash"]
    assert chain_hash(GENESIS_HASH, row) != row["hash"]  # the unkeyed (pre-key) format
    assert chain_hash("f" * 64, row, KEY.key) != row["hash"]
    assert chain_hash(GENESIS_HASH, {**row, "purpose": "x"}, KEY.key) != row["hash"]


def test_chain_hash_ignores_the_text_form_of_an_ipv6_address():
    row = _row(1, GENESIS_HASH, ip="2001:db8::1")

    assert chain_hash(GENESIS_HASH, row, KEY.key) == chain_hash(
        GENESIS_HASH, {**row, "ip": "2001:DB8:0::1"}, KEY.key
    )


def test_chain_walk_checks_rows_before_the_key_in_the_unkeyed_format():
    first = _row(1, GENESIS_HASH, key=None)
    second = _row(2, str(first["hash"]))
    key = ChainKey(key=KEY.key, keyed_after=1)

    assert chain_walk([first, second], key=key).intact
    assert [p.seq for p in chain_walk([first, second], key=KEY).problems] == [1]


def test_chain_walk_names_anchor_mismatch_truncated_tail_and_gap_by_first_bad_row():
    first = _row(1, GENESIS_HASH)
    second = _row(2, str(first["hash"]))
    third = _row(3, str(second["hash"]))

    assert chain_walk([first, second], key=KEY, anchors=[(2, str(second["hash"]))]).intact
    wrong = chain_walk([first, second], key=KEY, anchors=[(2, "e" * 64)])
    cut = chain_walk([first], key=KEY, anchors=[(2, str(second["hash"]))])
    gap = chain_walk([first, third], key=KEY)

    assert [str(p) for p in wrong.problems] == [
        "row 2: hash differs from the anchor in write-once storage"
    ]
    assert [str(p) for p in cut.problems] == [
        "row 2: rows 2..2 missing: anchored, but the chain ends at row 1 "
        "(rows removed from the end)"
    ]
    assert (wrong.first_bad_seq, cut.first_bad_seq, gap.first_bad_seq) == (2, 2, 2)
    assert str(gap.problems[0]) == "row 2: row 2 missing (gap in the sequence)"


def test_audit_record_links_each_event_to_the_one_before_under_the_chain_key():
    first = _record("a1")
    second = _record("a2")
    second.refresh_from_db()
    key = chain_key_stored()

    assert second.seq == first.seq + 1
    assert second.prev_hash == first.hash
    assert second.hash == chain_hash(first.hash, second.__dict__, key.key)
    assert second.hash != chain_hash(first.hash, second.__dict__)


def test_audit_record_labels_a_user_by_id_never_by_username(consumer):
    event = audit_record(
        actor=consumer, role="consumer", action="read", object_type="application", object_id="1"
    )

    assert event.actor_label == f"user-{consumer.pk}"


def test_verify_audit_passes_an_intact_chain_with_count_and_head():
    _record("a1")
    last = _record("a2", request=RequestFactory().get("/", REMOTE_ADDR="::ffff:192.0.2.1"))
    last.refresh_from_db()

    out, errors = _verify()

    assert ip_open(last.seq, last.ip) == "::ffff:192.0.2.1"
    assert out == f"audit chain intact: {last.seq} events, head {last.seq}:{last.hash}\n"
    assert errors == []


def test_the_address_is_stored_sealed_for_its_row_and_the_chain_verifies_it():
    request = RequestFactory().get("/", REMOTE_ADDR="198.51.100.23")
    first = _record("a1", request=request)
    second = _record("a2", request=RequestFactory().get("/", REMOTE_ADDR="198.51.100.24"))
    with connection.cursor() as cursor:
        cursor.execute("SELECT ip::text FROM audit_auditevent WHERE seq = %s", [first.seq])
        (stored,) = cursor.fetchone()
    assert stored.startswith("v1:") and "198.51.100" not in stored
    assert ip_open(first.seq, stored) == "198.51.100.23"
    assert _verify()[0].startswith("audit chain intact")

    # Another row's sealed address does not open here: the row is named.
    _sql("UPDATE audit_auditevent SET ip = %s WHERE seq = %s", [stored, second.seq])
    out, errors = _verify()

    assert out.startswith(f"CommandError: audit chain broken from row {second.seq}: 1 problem(s)")
    assert errors == [
        f"row {second.seq}: content does not match its hash (row altered or re-hashed)"
    ]


def test_verify_audit_names_an_altered_row():
    _record("a1")
    altered = _record("a2")
    _record("a3")
    _sql("UPDATE audit_auditevent SET purpose = %s WHERE seq = %s", ["other", altered.seq])

    out, errors = _verify()

    assert out.startswith(f"CommandError: audit chain broken from row {altered.seq}: 1 problem(s)")
    assert errors == [
        f"row {altered.seq}: content does not match its hash (row altered or re-hashed)"
    ]


def test_verify_audit_names_an_altered_row_rehashed_without_the_key():
    _record("a1")
    altered = _record("a2")
    after = _record("a3")
    # Whoever can write the database but lacks the key re-hashes the rest as best they can.
    forged = chain_hash(altered.prev_hash, {**altered.__dict__, "outcome": "denied"})
    relinked = chain_hash(forged, after.__dict__)
    _sql(
        "UPDATE audit_auditevent SET outcome = 'denied', hash = %s WHERE seq = %s",
        [forged, altered.seq],
    )
    _sql(
        "UPDATE audit_auditevent SET prev_hash = %s, hash = %s WHERE seq = %s",
        [forged, relinked, after.seq],
    )

    out, errors = _verify()

    assert out.startswith(f"CommandError: audit chain broken from row {altered.seq}: 2 problem(s)")
    assert errors == [
        f"row {altered.seq}: content does not match its hash (row altered or re-hashed)",
        f"row {after.seq}: content does not match its hash (row altered or re-hashed)",
    ]


def test_verify_audit_names_the_row_removed_from_the_middle():
    _record("a1")
    removed = _record("a2")
    after = _record("a3")
    _sql("DELETE FROM audit_auditevent WHERE seq = %s", [removed.seq])

    out, errors = _verify()

    assert out.startswith(f"CommandError: audit chain broken from row {removed.seq}: 2 problem(s)")
    assert errors == [
        f"row {removed.seq}: row {removed.seq} missing (gap in the sequence)",
        f"row {after.seq}: prev_hash does not match the hash of the row before it "
        "(row removed or altered)",
    ]


def test_verify_audit_names_rows_cut_from_the_end_against_an_anchor():
    _record("a1")
    last = _record("a2")
    _sql("DELETE FROM audit_auditevent WHERE seq = %s", [last.seq])

    out, errors = _verify("--anchor", f"{last.seq}:{last.hash}")

    broken = f"audit chain broken from row {last.seq}: 1 problem(s) in {last.seq - 1} rows"
    assert out == f"CommandError: {broken}"
    assert errors == [
        f"row {last.seq}: rows {last.seq}..{last.seq} missing: anchored, but the chain ends at "
        f"row {last.seq - 1} (rows removed from the end)"
    ]


def test_verify_audit_rejects_a_malformed_anchor():
    out, _ = _verify("--anchor", "12:nothex")

    assert out == "CommandError: --anchor '12:nothex': use SEQ:HASH (the hash in lowercase hex)"


def test_verify_audit_needs_the_master_key_that_wraps_the_chain_key(settings, tmp_path):
    _record("a1")
    chain_key_forget()
    other = tmp_path / "other.key"
    create_key_file(other)
    settings.CREDITGENIE_KEY_FILE = other  # restored after the test; nothing was cached

    out, _ = _verify()

    assert out.startswith(
        "CommandError: cannot verify without the chain key: audit chain key (local): "
    )
    assert "which the key file" in out


def test_verify_audit_honours_the_deployment_stamp(settings):
    settings.CREDITGENIE_TENANT = "other-agency"

    out, _ = _verify()

    assert out == (
        "CommandError: This deployment is configured for 'other-agency' (agency) but its "
        "database belongs to 'test-agency' (agency). Check DATABASE_URL."
    )
