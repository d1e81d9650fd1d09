"""Writes and reads of stored files: the interface the consumer and counselor apps call.

    stored = stored_file_create(upload=request.FILES["file"], actor=request.user,
                                role=Role.CONSUMER, purpose="intake documents",
                                case_id=str(application.public_id), request=request)
    opened = stored_file_open(stored_file=stored, actor=request.user, role=Role.COUNSELOR,
                              purpose="counseling review", request=request)
    return stored_file_response(opened=opened)

Access control stays with the caller: load the StoredFile through the app's scoped helper
(a foreign file is a 404) before calling these.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from tenants.audit.models import AuditAction, AuditOutcome
from tenants.audit.services import audit_record

from .errors import StoredFileCorrupt, StoredFileUnavailable, UploadRejected
from .models import StoredFile
from .scanning import stored_file_plaintext
from .storage import blob_delete, blob_seal, blob_write, storage_key_new
from .tasks import stored_file_scan_task
from .validation import CheckedUpload, Upload, upload_validate

logger = logging.getLogger("creditgenie.uploads")
OBJECT_TYPE = "stored_file"

UNAVAILABLE = {
    StoredFile.Status.PENDING: _(
        "This file is still being checked for viruses. Please try again in a few minutes."
    ),
    StoredFile.Status.INFECTED: _(
        "This file contains a virus or other malware and has been quarantined. It cannot be "
        "downloaded. Please upload a clean copy."
    ),
    StoredFile.Status.REJECTED: _(
        "This file could not be checked for viruses and cannot be downloaded. Please upload "
        "another copy."
    ),
}


@dataclass(frozen=True)
class OpenedFile:
    """A clean file's plaintext and what a download response needs."""

    public_id: str
    name: str
    content_type: str
    data: bytes


def scanner_configured() -> bool:
    return bool(settings.CLAMD_ADDRESS)


def stored_file_create(
    *,
    upload: Upload,
    actor: Any,
    role: str,
    purpose: str,
    case_id: str = "",
    request: HttpRequest | None = None,
) -> StoredFile:
    """Validates an upload and stores it encrypted under a random key.

    With a scanner configured the file is `pending` (not downloadable) and a scan is queued
    after commit; without one it is `clean` at once.
    Side effects: writes the bytes to the default storage (deleted again if the insert
    fails), one StoredFile row, one audit event (create; denied when validation fails).
    Raises UploadRejected (with a consumer-facing message), KeyProviderError.
    """
    audit = {"actor": actor, "role": role, "purpose": purpose, "case_id": case_id}
    try:
        checked = upload_validate(
            upload,
            max_bytes=settings.CREDITGENIE_UPLOAD_MAX_BYTES,
            max_pixels=settings.CREDITGENIE_UPLOAD_MAX_PIXELS,
        )
    except UploadRejected:
        _audit(**audit, action=AuditAction.CREATE, object_id="", request=request, denied=True)
        raise
    stored = _stored_file_new(checked, actor=actor, case_id=case_id)
    payload = blob_seal(checked.data, stored.public_id) if stored.sealed else checked.data
    stored.storage_key = blob_write(key=storage_key_new(), data=payload)
    try:
        _stored_file_insert(stored, audit=audit, request=request)
    except BaseException:
        blob_delete(key=stored.storage_key)
        raise
    return stored


def _stored_file_new(checked: CheckedUpload, *, actor: Any, case_id: str) -> StoredFile:
    pending = scanner_configured()
    return StoredFile(
        original_name=checked.name,
        size=len(checked.data),
        sha256=checked.sha256,
        content_type=checked.content_type,
        sealed=settings.CREDITGENIE_UPLOAD_SEAL,
        status=StoredFile.Status.PENDING if pending else StoredFile.Status.CLEAN,
        case_id=case_id,
        uploaded_by=actor if getattr(actor, "is_authenticated", False) else None,
    )


@transaction.atomic
def _stored_file_insert(stored: StoredFile, *, audit: dict, request: HttpRequest | None) -> None:
    stored.save()
    _audit(**audit, action=AuditAction.CREATE, object_id=str(stored.public_id), request=request)
    if stored.status == StoredFile.Status.PENDING:
        stored_file_id = stored.pk
        transaction.on_commit(lambda: stored_file_scan_task.delay(stored_file_id=stored_file_id))


def stored_file_open(
    *,
    stored_file: StoredFile,
    actor: Any,
    role: str,
    purpose: str,
    request: HttpRequest | None = None,
) -> OpenedFile:
    """The plaintext of a clean file, for a download.

    Side effects: one audit event (read; denied when the file is not downloadable).
    Raises StoredFileUnavailable (pending, infected, rejected; `message` is for the
    consumer), StoredFileCorrupt, DecryptionError (bytes moved from another file or
    altered), KeyProviderError.
    """
    stored_file.refresh_from_db(fields=["status"])
    audit = {"actor": actor, "role": role, "purpose": purpose, "case_id": stored_file.case_id}
    object_id = str(stored_file.public_id)
    if not stored_file.downloadable:
        _audit(**audit, action=AuditAction.READ, object_id=object_id, request=request, denied=True)
        raise StoredFileUnavailable(stored_file.status, UNAVAILABLE[stored_file.status])
    data = stored_file_plaintext(stored_file)
    if hashlib.sha256(data).hexdigest() != stored_file.sha256:
        raise StoredFileCorrupt(f"stored file {object_id} does not match its SHA-256")
    _audit(**audit, action=AuditAction.READ, object_id=object_id, request=request)
    return OpenedFile(object_id, stored_file.original_name, stored_file.content_type, data)


def stored_file_delete(
    *,
    stored_file: StoredFile,
    actor: Any,
    role: str,
    purpose: str,
    action: str = AuditAction.DELETE,
    request: HttpRequest | None = None,
) -> None:
    """Deletes a file's bytes, then its row. Idempotent: bytes already gone are fine, and a
    rolled-back run leaves the row for the next one.

    Side effects: deletes from the default storage, deletes the row and records one audit
    event (`action`: delete, or purge for retention) when the row still existed.
    """
    blob_delete(key=stored_file.storage_key)
    with transaction.atomic():
        deleted, _counts = StoredFile.objects.filter(pk=stored_file.pk).delete()
        if not deleted:
            return
        _audit(
            actor=actor,
            role=role,
            purpose=purpose,
            case_id=stored_file.case_id,
            action=action,
            object_id=str(stored_file.public_id),
            request=request,
        )


def _audit(*, denied: bool = False, object_id: str, **fields: Any) -> None:
    outcome = AuditOutcome.DENIED if denied else AuditOutcome.ALLOWED
    audit_record(object_type=OBJECT_TYPE, object_id=object_id, outcome=outcome, **fields)
