"""Audit events cannot be changed or removed, and concurrent appends never fork the chain."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections, transaction
from django.db.utils import ProgrammingError

from tenants.audit.errors import AuditEventInvalid, AuditImmutableError
from tenants.audit.models import AuditEvent
from tenants.audit.selectors import audit_chain_verify
from tenants.audit.services import audit_record
from tests.tenants.audit_reset import fresh_audit_chain  # noqa: F401 (a fixture)


def _record(object_id: str = "g1") -> AuditEvent:
    return audit_record(
        actor=None, role="", action="read", object_type="guard-test", object_id=object_id
    )


@pytest.mark.django_db
def test_audit_event_save_of_a_stored_row_is_refused():
    event = _record()
    event.purpose = "rewritten"

    with pytest.raises(AuditImmutableError, match="append-only: update refused"):
        event.save()
    event.refresh_from_db()
    assert event.purpose == ""


@pytest.mark.django_db
def test_audit_event_delete_is_refused():
    event = _record()

    with pytest.raises(AuditImmutableError, match="append-only: delete refused"):
        event.delete()
    assert AuditEvent.objects.filter(seq=event.seq).count() == 1


@pytest.mark.django_db
def test_audit_event_queryset_update_delete_and_bulk_update_are_refused():
    event = _record()
    rows = AuditEvent.objects.filter(seq=event.seq)

    with pytest.raises(AuditImmutableError, match="update refused"):
        rows.update(outcome="denied")
    with pytest.raises(AuditImmutableError, match="delete refused"):
        rows.delete()
    with pytest.raises(AuditImmutableError, match="bulk_update refused"):
        AuditEvent.objects.bulk_update([event], ["outcome"])
    event.refresh_from_db()
    assert event.outcome == "allowed"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("statement", "operation"),
    [
        ("UPDATE audit_auditevent SET purpose = 'x' WHERE seq = {seq}", "UPDATE"),
        ("DELETE FROM audit_auditevent WHERE seq = {seq}", "DELETE"),
        ("TRUNCATE audit_auditevent", "TRUNCATE"),
    ],
)
def test_audit_table_trigger_refuses_raw_sql_changes(statement, operation):
    event = _record()

    with pytest.raises(ProgrammingError, match=f"append-only: {operation} refused"):  # noqa: SIM117
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement.format(seq=int(event.seq)))
    event.refresh_from_db()
    assert event.purpose == ""


@pytest.mark.django_db
def test_audit_record_rejects_an_unknown_action():
    with pytest.raises(AuditEventInvalid, match="unknown audit action 'peek'"):
        audit_record(actor=None, role="", action="peek", object_type="x", object_id="1")


def _in_thread(target, *args) -> threading.Thread:
    def run() -> None:
        try:
            target(*args)
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("fresh_audit_chain")
def test_audit_record_concurrent_writers_keep_one_valid_chain():
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def writer(name: str) -> None:
        barrier.wait()
        try:
            for number in range(25):
                _record(f"{name}-{number}")
        except BaseException as exc:  # surfaced by the assertion below
            errors.append(exc)

    threads = [_in_thread(writer, name) for name in ("left", "right")]
    for thread in threads:
        thread.join(timeout=60)

    report = audit_chain_verify()
    assert errors == []
    assert report.problems == []
    assert AuditEvent.objects.filter(object_type="guard-test").count() == 50


@pytest.mark.django_db(transaction=True)
def test_audit_record_waits_for_an_open_append_to_commit():
    first_written, release, second_done = threading.Event(), threading.Event(), threading.Event()
    events: dict[str, AuditEvent] = {}

    def first() -> None:
        with transaction.atomic():
            events["first"] = _record("first")
            first_written.set()
            release.wait(timeout=30)

    def second() -> None:
        first_written.wait(timeout=30)
        events["second"] = _record("second")
        second_done.set()

    threads = [_in_thread(first), _in_thread(second)]
    first_written.wait(timeout=30)
    blocked = not second_done.wait(timeout=0.5)
    release.set()
    for thread in threads:
        thread.join(timeout=30)

    assert blocked
    assert events["second"].seq == events["first"].seq + 1
    assert events["second"].prev_hash == events["first"].hash
