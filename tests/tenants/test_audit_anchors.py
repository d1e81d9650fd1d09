"""The daily verification, run by a real Celery worker, against anchors in write-once
storage: a rewrite, a cut tail and a removed middle row each fail it, naming the first bad
row; the anchors themselves go to S3 with Object Lock in compliance mode (moto's server).

These tests commit (the worker has its own connection), so each one puts the audit rows it
tampered with back as they were: the chain stays intact for the tests after it.
"""

from __future__ import annotations

import logging
import stat
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import boto3
import pytest
from botocore.exceptions import ClientError
from celery.contrib.testing.worker import start_worker
from django.db import connection

from creditgenie.celery import app
from tenants.audit.anchors import FolderAnchors
from tenants.audit.chain import chain_hash
from tenants.audit.key import chain_key_stored
from tenants.audit.models import AuditEvent, ChainVerification
from tenants.audit.services import CHAIN_BROKEN_EVENT, audit_chain_check, audit_record
from tenants.audit.tasks import audit_chain_verify_and_anchor
from tests.encryption_app.fixtures import moto_server
from tests.tenants.audit_reset import fresh_audit_chain  # noqa: F401 (a fixture)

__all__ = ["moto_server"]

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("fresh_audit_chain")]


def _sql(statement: str, params: list[object]) -> None:
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER USER")
        cursor.execute(statement, params)
        cursor.execute("ALTER TABLE audit_auditevent ENABLE TRIGGER USER")


@pytest.fixture
def events() -> Iterator[list[AuditEvent]]:
    """Six committed events; afterwards the chain is put back as it was after them."""
    recorded = [
        audit_record(actor=None, role="", action="read", object_type="anchor-test", object_id=n)
        for n in "abcdef"
    ]
    first = recorded[0].seq
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM audit_auditevent WHERE seq >= %s ORDER BY seq", [first])
        columns = [c.name for c in cursor.description]
        rows = cursor.fetchall()
    yield recorded
    placeholders = ", ".join(["%s"] * len(columns))
    _sql("DELETE FROM audit_auditevent WHERE seq >= %s", [first])
    with connection.cursor() as cursor:
        for row in rows:
            cursor.execute(
                f"INSERT INTO audit_auditevent ({', '.join(columns)}) VALUES ({placeholders})",  # noqa: S608
                row,
            )
        head = recorded[-1]
        cursor.execute("UPDATE audit_auditchainhead SET seq = %s, hash = %s", [head.seq, head.hash])


@pytest.fixture
def anchors(settings, tmp_path) -> str:
    folder = tmp_path / "anchors"
    settings.CREDITGENIE_AUDIT_ANCHOR_URL = f"file://{folder}"
    return str(folder)


@pytest.fixture
def worker() -> Iterator[None]:
    with start_worker(app, pool="solo", perform_ping_check=False, loglevel="WARNING"):
        yield


@pytest.fixture
def alarms(caplog) -> Iterator[pytest.LogCaptureFixture]:
    """ERROR records of the verification logger (it does not propagate to the root)."""
    verification = logging.getLogger("creditgenie.audit.verification")
    verification.addHandler(caplog.handler)
    yield caplog
    verification.removeHandler(caplog.handler)


def _scheduled_run_fails_at(seq: int, alarms: pytest.LogCaptureFixture) -> None:
    with pytest.raises(Exception, match=rf"^audit chain broken from row {seq}: row {seq}: "):
        audit_chain_verify_and_anchor.delay().get(timeout=60)
    latest = ChainVerification.objects.latest()
    assert (latest.intact, latest.first_bad_seq, latest.anchor) == (False, seq, "")
    raised = [r for r in alarms.records if getattr(r, "event", "") == CHAIN_BROKEN_EVENT]
    assert {(r.levelname, r.name, r.first_bad_seq) for r in raised} == {
        ("ERROR", "creditgenie.audit.verification", seq)
    }


def _anchor_now(head: AuditEvent) -> None:
    result = audit_chain_verify_and_anchor.delay().get(timeout=60)
    assert result["intact"] is True
    assert result["anchor"].startswith(f"test-agency/{head.seq:015d}-")


def test_scheduled_run_anchors_an_intact_chain_and_verifies_against_it(events, anchors, worker):
    _anchor_now(events[-1])
    later = audit_record(
        actor=None, role="", action="read", object_type="anchor-test", object_id="g"
    )

    result = audit_chain_verify_and_anchor.delay().get(timeout=60)

    assert result == {"intact": True, "rows": later.seq, "anchor": result["anchor"]}
    assert result["anchor"].startswith(f"test-agency/{later.seq:015d}-")
    assert ChainVerification.objects.filter(intact=True).count() == 2


def test_scheduled_run_names_a_row_altered_and_the_rest_rehashed(events, anchors, worker, alarms):
    _anchor_now(events[-1])
    altered = events[2]
    # The forger has the database but not the key: the best they can do is unkeyed hashes.
    prev = altered.prev_hash
    for event in events[2:]:
        content = {**event.__dict__, "outcome": "denied"} if event is altered else event.__dict__
        forged = chain_hash(prev, content)
        _sql(
            "UPDATE audit_auditevent SET outcome = %s, prev_hash = %s, hash = %s WHERE seq = %s",
            [content["outcome"], prev, forged, event.seq],
        )
        prev = forged

    _scheduled_run_fails_at(altered.seq, alarms)


def test_scheduled_run_names_a_rewrite_by_a_key_holder_at_the_anchor(
    events, anchors, worker, alarms
):
    _anchor_now(events[-1])
    key = chain_key_stored().key
    prev = events[2].prev_hash
    for event in events[2:]:
        content = {**event.__dict__, "purpose": "rewritten"}
        forged = chain_hash(prev, content, key)
        _sql(
            "UPDATE audit_auditevent SET purpose = %s, prev_hash = %s, hash = %s WHERE seq = %s",
            ["rewritten", prev, forged, event.seq],
        )
        prev = forged

    _scheduled_run_fails_at(events[-1].seq, alarms)


def test_scheduled_run_names_the_first_row_of_a_cut_tail(events, anchors, worker, alarms):
    _anchor_now(events[-1])
    _sql("DELETE FROM audit_auditevent WHERE seq >= %s", [events[3].seq])

    _scheduled_run_fails_at(events[3].seq, alarms)


def test_scheduled_run_names_a_row_removed_from_the_middle(events, anchors, worker, alarms):
    _anchor_now(events[-1])
    _sql("DELETE FROM audit_auditevent WHERE seq = %s", [events[1].seq])

    _scheduled_run_fails_at(events[1].seq, alarms)


def test_anchor_files_are_read_only_and_never_replaced(events, anchors):
    written = audit_chain_check()
    path = Path(anchors) / written.anchor

    assert stat.S_IMODE(path.stat().st_mode) == 0o400
    with pytest.raises(FileExistsError):
        FolderAnchors(Path(anchors)).write(written.anchor, b"{}")


def test_anchors_go_to_s3_locked_in_compliance_mode(events, settings, moto_server):
    s3 = boto3.client("s3", endpoint_url=moto_server, region_name="us-east-1")
    s3.create_bucket(Bucket="agency-audit-anchors", ObjectLockEnabledForBucket=True)
    settings.CREDITGENIE_AUDIT_ANCHOR_URL = "s3://agency-audit-anchors/anchors"
    settings.AWS_S3_ENDPOINT_URL = moto_server

    first = audit_chain_check()
    second = audit_chain_check()

    assert (first.intact, second.intact) == (True, True)
    head = s3.head_object(Bucket="agency-audit-anchors", Key=f"anchors/{first.anchor}")
    assert head["ObjectLockMode"] == "COMPLIANCE"
    retained = head["ObjectLockRetainUntilDate"] - datetime.now(UTC)
    assert timedelta(days=2556) < retained <= timedelta(days=2557)
    with pytest.raises(ClientError, match="AccessDenied"):
        s3.delete_object(
            Bucket="agency-audit-anchors",
            Key=f"anchors/{first.anchor}",
            VersionId=head["VersionId"],
        )
