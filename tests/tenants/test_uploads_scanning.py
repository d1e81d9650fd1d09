"""The scanning hook against a real clamd (EICAR test signature) and a real Celery worker:
files stay pending and undownloadable until scanned; infected files are quarantined."""

from __future__ import annotations

import time

import pytest
from celery.contrib.testing.worker import start_worker

from creditgenie.celery import app
from tenants.audit.models import AuditEvent
from tenants.roles import Role
from tenants.uploads.clamd import ScanVerdict, clamd_scan, verdict_parse
from tenants.uploads.errors import ScannerError, StoredFileUnavailable
from tenants.uploads.models import StoredFile
from tenants.uploads.scanning import stored_file_scan
from tenants.uploads.services import stored_file_create, stored_file_open
from tests.tenants.uploads_fixtures import (
    EICAR,
    clamd_server,
    closed_port_address,
    local_files,
    pdf_bytes,
    pdf_eicar,
    upload,
)

__all__ = ["clamd_server", "local_files"]
pytestmark = pytest.mark.processes
CASE = "5f0e3c1a-9d2b-4e1f-8c7a-3b6d2e1f0a99"


@pytest.fixture(scope="module")
def worker():
    assert not app.conf.task_always_eager
    with start_worker(app, pool="solo", perform_ping_check=False, loglevel="WARNING") as w:
        yield w


@pytest.fixture
def scanner(settings, local_files, clamd_server):
    settings.CLAMD_ADDRESS = clamd_server
    return local_files


def _create(user, data: bytes, name: str = "statement.pdf") -> StoredFile:
    return stored_file_create(
        upload=upload(name, data), actor=user, role=Role.CONSUMER, purpose="intake", case_id=CASE
    )


def _wait_for_verdict(stored: StoredFile, timeout: float = 30) -> StoredFile:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        stored.refresh_from_db()
        if stored.status != StoredFile.Status.PENDING:
            return stored
        time.sleep(0.1)
    raise AssertionError("the scan task did not record a verdict")


def _scan_events(stored: StoredFile) -> list[tuple[str, str, str, str]]:
    rows = AuditEvent.objects.filter(object_type="stored_file", object_id=str(stored.public_id))
    return list(rows.order_by("seq").values_list("action", "outcome", "role", "purpose"))


def test_clamd_finds_eicar_and_passes_clean_bytes(clamd_server):
    assert clamd_scan(address=clamd_server, data=b"hello" + EICAR, timeout=10) == ScanVerdict(
        infected=True, signature="Eicar-Test-Signature.UNOFFICIAL"
    )
    assert clamd_scan(address=clamd_server, data=pdf_bytes(), timeout=10) == ScanVerdict(False)


def test_clamd_unreachable_is_a_temporary_error():
    with pytest.raises(ScannerError, match="unreachable") as caught:
        clamd_scan(address=closed_port_address(), data=b"x", timeout=2)

    assert caught.value.permanent is False


def test_clamd_refusing_a_stream_is_a_permanent_error():
    with pytest.raises(ScannerError) as caught:
        verdict_parse("INSTREAM size limit exceeded. ERROR")

    assert caught.value.permanent is True


@pytest.mark.django_db(transaction=True)
def test_upload_eicar_is_quarantined_and_never_downloadable(scanner, worker, consumer):
    stored = _create(consumer, pdf_eicar())
    with pytest.raises(StoredFileUnavailable):
        stored_file_open(stored_file=stored, actor=consumer, role=Role.CONSUMER, purpose="portal")

    stored = _wait_for_verdict(stored)

    assert (stored.status, stored.signature) == ("infected", "Eicar-Test-Signature.UNOFFICIAL")
    assert stored.scanned_at is not None
    assert not (scanner / stored.storage_key).exists()
    with pytest.raises(StoredFileUnavailable) as caught:
        stored_file_open(stored_file=stored, actor=consumer, role=Role.CONSUMER, purpose="portal")
    assert str(caught.value.message) == (
        "This file contains a virus or other malware and has been quarantined. It cannot be "
        "downloaded. Please upload a clean copy."
    )
    assert _scan_events(stored) == [
        ("create", "allowed", "consumer", "intake"),
        ("read", "denied", "consumer", "portal"),
        ("delete", "allowed", "system", "malware quarantine: infected"),
        ("read", "denied", "consumer", "portal"),
    ]


@pytest.mark.django_db(transaction=True)
def test_upload_clean_pdf_becomes_downloadable_after_its_scan(scanner, worker, consumer):
    data = pdf_bytes()
    stored = _create(consumer, data)
    assert stored.status == "pending"

    stored = _wait_for_verdict(stored)

    assert (stored.status, stored.signature) == ("clean", "")
    opened = stored_file_open(stored_file=stored, actor=consumer, role=Role.CONSUMER, purpose="p")
    assert opened.data == data
    assert _scan_events(stored)[1] == ("update", "allowed", "system", "malware scan")


@pytest.mark.django_db
def test_stored_file_scan_twice_records_one_verdict(scanner, consumer):
    # Without a committed transaction no task is queued: the scans below are the only ones.
    stored = _create(consumer, pdf_eicar())
    stale = StoredFile.objects.get(pk=stored.pk)

    assert stored_file_scan(stored_file=StoredFile.objects.get(pk=stored.pk)) == "infected"
    assert stored_file_scan(stored_file=stale) == "infected"  # the same task delivered again

    assert [e[0] for e in _scan_events(stored)] == ["create", "delete"]
    assert not (scanner / stored.storage_key).exists()


@pytest.mark.django_db
def test_stored_file_scan_with_scanner_down_stays_pending(settings, local_files, consumer):
    settings.CLAMD_ADDRESS = closed_port_address()
    stored = StoredFile.objects.get(pk=_create(consumer, pdf_bytes()).pk)

    with pytest.raises(ScannerError):
        stored_file_scan(stored_file=stored)

    stored.refresh_from_db()
    assert (stored.status, stored.scanned_at) == ("pending", None)
    assert (local_files / stored.storage_key).exists()
