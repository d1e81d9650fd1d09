"""Stored files on the embedded default: sealed bytes on disk under random keys, downloads
only as attachments, audit events for every create, read, refusal and delete."""

from __future__ import annotations

import hashlib
import re
import shutil
from pathlib import Path

import pytest

from tenants.audit.models import AuditEvent
from tenants.encryption.exceptions import DecryptionError
from tenants.roles import Role
from tenants.uploads.errors import StoredFileCorrupt, StoredFileUnavailable, UploadRejected
from tenants.uploads.models import StoredFile
from tenants.uploads.responses import stored_file_response
from tenants.uploads.services import stored_file_create, stored_file_delete, stored_file_open
from tests.tenants.uploads_fixtures import local_files, pdf_bytes, png_bytes, upload

__all__ = ["local_files"]
pytestmark = pytest.mark.django_db
KEY = re.compile(r"^uploads/\d{4}/\d{2}/[0-9a-f]{32}$")
CASE = "0b6a43f4-2d4a-4c3b-9a57-2a4b0a6f1c11"


def _create(consumer, name: str = "Ana Lopez bank statement.pdf", data: bytes | None = None):
    return stored_file_create(
        upload=upload(name, data or pdf_bytes()),
        actor=consumer,
        role=Role.CONSUMER,
        purpose="intake documents",
        case_id=CASE,
    )


def _open(stored: StoredFile, user):
    return stored_file_open(stored_file=stored, actor=user, role=Role.COUNSELOR, purpose="review")


def _events(object_id: str = "") -> list[tuple[str, str, str, str]]:
    rows = AuditEvent.objects.filter(object_type="stored_file", case_id=CASE)
    if object_id:
        rows = rows.filter(object_id=object_id)
    return list(rows.order_by("seq").values_list("action", "outcome", "object_id", "purpose"))


def test_stored_file_create_without_scanner_is_clean_under_a_random_key(local_files, consumer):
    data = pdf_bytes()

    stored = _create(consumer, data=data)

    stored.refresh_from_db()
    assert KEY.match(stored.storage_key)
    assert "statement" not in stored.storage_key and str(stored.public_id) not in stored.storage_key
    assert (
        stored.original_name,
        stored.size,
        stored.sha256,
        stored.content_type,
        stored.sealed,
        stored.status,
        stored.case_id,
        stored.uploaded_by,
        stored.scanned_at,
    ) == (
        "Ana Lopez bank statement.pdf",
        len(data),
        hashlib.sha256(data).hexdigest(),
        "application/pdf",
        True,
        "clean",
        CASE,
        consumer,
        None,
    )
    assert _events() == [("create", "allowed", str(stored.public_id), "intake documents")]


def test_stored_file_name_and_bytes_are_ciphertext_at_rest(local_files, consumer):
    data = pdf_bytes(b"BT (Account 000123456789) Tj ET")
    stored = _create(consumer, data=data)

    on_disk = (local_files / stored.storage_key).read_bytes()
    raw_name = StoredFile.objects.filter(pk=stored.pk).values_list("original_name", flat=True)[0]

    assert on_disk.startswith(b"v1:") and b"%PDF" not in on_disk and b"000123456789" not in on_disk
    assert "Lopez" not in raw_name.token
    assert (local_files / stored.storage_key).stat().st_mode & 0o777 == 0o600


def test_stored_file_bytes_copied_to_another_files_key_fail_to_decrypt(local_files, consumer):
    first, second = _create(consumer), _create(consumer, name="other.pdf")
    shutil.copyfile(local_files / first.storage_key, local_files / second.storage_key)

    with pytest.raises(DecryptionError, match="belongs to another row or column"):
        _open(second, consumer)


def test_stored_file_open_returns_the_plaintext_and_records_a_read(local_files, consumer):
    data = pdf_bytes()
    stored = _create(consumer, data=data)

    opened = _open(stored, consumer)

    assert (opened.name, opened.content_type, opened.data) == (
        "Ana Lopez bank statement.pdf",
        "application/pdf",
        data,
    )
    assert _events()[-1] == ("read", "allowed", str(stored.public_id), "review")


def test_stored_file_response_is_an_uncached_attachment_never_sniffed(local_files, consumer):
    png = _create(consumer, name="Photo of stub.png", data=png_bytes())

    response = stored_file_response(opened=_open(png, consumer))

    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"] == 'attachment; filename="Photo of stub.png"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    assert response["Content-Length"] == str(png.size)
    assert response.content == _open(png, consumer).data


def test_stored_file_response_encodes_a_non_ascii_name(local_files, consumer):
    stored = _create(consumer, name='Estado de cuenta "nómina".pdf')

    response = stored_file_response(opened=_open(stored, consumer))

    assert response["Content-Disposition"] == (
        "attachment; filename*=utf-8''Estado%20de%20cuenta%20%22n%C3%B3mina%22.pdf"
    )


def test_stored_file_create_rejected_stores_nothing_and_records_denied(local_files, consumer):
    with pytest.raises(UploadRejected) as caught:
        _create(consumer, name="statement.pdf", data=png_bytes())

    assert caught.value.code == "type_mismatch"
    assert StoredFile.objects.count() == 0
    assert not local_files.exists() or not any(p.is_file() for p in local_files.rglob("*"))
    assert _events() == [("create", "denied", "", "intake documents")]


def test_stored_file_pending_is_not_downloadable(local_files, consumer):
    stored = _create(consumer)
    StoredFile.objects.filter(pk=stored.pk).update(status=StoredFile.Status.PENDING)

    with pytest.raises(StoredFileUnavailable) as caught:
        _open(stored, consumer)

    assert caught.value.status == "pending"
    assert str(caught.value.message) == (
        "This file is still being checked for viruses. Please try again in a few minutes."
    )
    assert _events()[-1] == ("read", "denied", str(stored.public_id), "review")


def test_stored_file_altered_in_storage_is_refused(settings, local_files, consumer):
    settings.CREDITGENIE_UPLOAD_SEAL = False  # as on S3: no seal, the SHA-256 still guards
    stored = _create(consumer)
    path: Path = local_files / stored.storage_key
    path.write_bytes(path.read_bytes().replace(b"Pay stub", b"Pay stuf"))

    with pytest.raises(StoredFileCorrupt, match="does not match its SHA-256"):
        _open(stored, consumer)


def test_stored_file_delete_removes_bytes_and_row_and_is_idempotent(local_files, consumer):
    stored = _create(consumer)
    path = local_files / stored.storage_key

    stored_file_delete(stored_file=stored, actor=None, role="system", purpose="retention")
    stored_file_delete(stored_file=stored, actor=None, role="system", purpose="retention")

    assert not path.exists()
    assert StoredFile.objects.filter(pk=stored.pk).exists() is False
    assert [e[:2] for e in _events(str(stored.public_id))] == [
        ("create", "allowed"),
        ("delete", "allowed"),
    ]
