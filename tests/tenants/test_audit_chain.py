"""The audit hash chain and manage.py verify_audit, on PostgreSQL.

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

from tenants.audit.chain import GENESIS_HASH, chain_hash, chain_walk
from tenants.audit.models import AuditEvent
from tenants.audit.services import audit_record

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


def _row(seq: int, prev_hash: str, **changes: object) -> dict[str, object]:
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
    row["hash"] = chain_hash(prev_hash, row)
    row.update(changes)
    return row


def test_chain_hash_covers_previous_hash_and_content():
    row = _row(1, GENESIS_HASH)

    assert chain_hash(GENESIS_HASH, row) == row["hash"]
    assert chain_hash("f" * 64, row) != row["hash"]
    assert chain_hash(GENESIS_HASH, {**row, "purpose": "x"}) != row["hash"]


def test_chain_hash_ignores_the_text_form_of_an_ipv6_address():
    row = _row(1, GENESIS_HASH, ip="2001:db8::1")

    assert chain_hash(GENESIS_HASH, row) == chain_hash(GENESIS_HASH, {**row, "ip": "2001:DB8:0::1"})


def test_chain_walk_reports_anchor_mismatch_and_truncated_tail():
    first = _row(1, GENESIS_HASH)
    second = _row(2, str(first["hash"]))

    assert chain_walk([first, second], anchor=(2, str(second["hash"]))).intact
    wrong = chain_walk([first, second], anchor=(2, "e" * 64))
    cut = chain_walk([first], anchor=(2, str(second["hash"])))

    assert [str(p) for p in wrong.problems] == [
        "row 2: hash differs from the anchor recorded elsewhere"
    ]
    assert [str(p) for p in cut.problems] == [
        "row 2: anchor row missing: the chain ends at row 1 (rows removed from the end)"
    ]


def test_audit_record_links_each_event_to_the_one_before():
    first = _record("a1")
    second = _record("a2")
    second.refresh_from_db()

    assert second.seq == first.seq + 1
    assert second.prev_hash == first.hash
    assert second.hash == chain_hash(first.hash, second.__dict__)


def test_verify_audit_passes_an_intact_chain_with_count_and_head():
    _record("a1")
    last = _record("a2", request=RequestFactory().get("/", REMOTE_ADDR="::ffff:192.0.2.1"))
    last.refresh_from_db()

    out, errors = _verify()

    assert last.ip == "::ffff:192.0.2.1"
    assert out == f"audit chain intact: {last.seq} events, head {last.seq}:{last.hash}\n"
    assert errors == []


def test_verify_audit_names_an_altered_row():
    _record("a1")
    altered = _record("a2")
    _record("a3")
    _sql("UPDATE audit_auditevent SET purpose = %s WHERE seq = %s", ["other", altered.seq])

    out, errors = _verify()

    assert out.startswith("CommandError: audit chain broken: 1 problem(s) in ")
    assert errors == [f"row {altered.seq}: content does not match its hash (row altered)"]


def test_verify_audit_names_an_altered_row_whose_hash_was_recomputed():
    _record("a1")
    altered = _record("a2")
    after = _record("a3")
    forged = chain_hash(altered.prev_hash, {**altered.__dict__, "outcome": "denied"})
    _sql(
        "UPDATE audit_auditevent SET outcome = 'denied', hash = %s WHERE seq = %s",
        [forged, altered.seq],
    )

    _, errors = _verify()

    assert errors == [
        f"row {after.seq}: prev_hash does not match the hash of the row before it "
        "(row removed or altered)"
    ]


def test_verify_audit_names_the_gap_left_by_a_removed_row():
    _record("a1")
    removed = _record("a2")
    after = _record("a3")
    _sql("DELETE FROM audit_auditevent WHERE seq = %s", [removed.seq])

    out, errors = _verify()

    assert out.startswith("CommandError: audit chain broken: 2 problem(s) in ")
    assert errors == [
        f"row {after.seq}: row {removed.seq} missing (gap in the sequence before this row)",
        f"row {after.seq}: prev_hash does not match the hash of the row before it "
        "(row removed or altered)",
    ]


def test_verify_audit_names_rows_cut_from_the_end_against_an_anchor():
    _record("a1")
    last = _record("a2")
    _sql("DELETE FROM audit_auditevent WHERE seq = %s", [last.seq])

    out, errors = _verify("--anchor", f"{last.seq}:{last.hash}")

    assert out == "CommandError: audit chain broken: 1 problem(s) in " + f"{last.seq - 1} rows"
    assert errors == [
        f"row {last.seq}: anchor row missing: the chain ends at row {last.seq - 1} "
        "(rows removed from the end)"
    ]


def test_verify_audit_rejects_a_malformed_anchor():
    out, _ = _verify("--anchor", "12:nothex")

    assert out == "CommandError: --anchor '12:nothex': use SEQ:HASH (the hash in lowercase hex)"
