"""The malware scan of a pending stored file, and the quarantine of what it finds.

Idempotent: the verdict is written with a conditional `UPDATE ... WHERE status='pending'`,
so a task delivered twice (late acks, a worker killed mid-task) records one verdict and one
audit event. A quarantined file keeps its row (status infected or rejected) and loses its
bytes; a repeated run only makes sure the bytes are gone.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from tenants.audit.models import AuditAction
from tenants.audit.services import audit_record

from .clamd import clamd_scan
from .errors import ScannerError
from .models import StoredFile
from .storage import blob_delete, blob_read, blob_unseal

logger = logging.getLogger("creditgenie.uploads")
SYSTEM_ROLE = "system"
QUARANTINED = (StoredFile.Status.INFECTED, StoredFile.Status.REJECTED)


# Called with each file the scan quarantines (infected, or refused), once, in the
# transaction of the verdict: the apps above (which tenants never imports) register what
# follows, e.g. the consumer's notice that a document needs replacing.
_quarantine_hooks: list[Callable[[StoredFile], None]] = []


def stored_file_quarantine_hook_register(hook: Callable[[StoredFile], None]) -> None:
    if hook not in _quarantine_hooks:
        _quarantine_hooks.append(hook)


def stored_file_plaintext(stored_file: StoredFile) -> bytes:
    """The file's bytes as uploaded (unsealed when the app sealed them).

    Raises DecryptionError, KeyProviderError, FileNotFoundError or the storage's error.
    """
    raw = blob_read(key=stored_file.storage_key)
    return blob_unseal(raw, stored_file.public_id) if stored_file.sealed else raw


def stored_file_scan(*, stored_file: StoredFile) -> str:
    """Scans a pending file with clamd and records the verdict; returns the status.

    Side effects: reads the bytes, one clamd connection, one conditional UPDATE and one audit
    event (update for clean; delete for a quarantine, whose bytes are then deleted).
    Bytes that are missing make a pending file rejected.
    Raises ScannerError when clamd is unreachable or times out (temporary: retry later; the
    file stays pending), DecryptionError/KeyProviderError when the bytes cannot be read.
    """
    stored_file.refresh_from_db(fields=["status"])
    if stored_file.status in QUARANTINED:
        blob_delete(key=stored_file.storage_key)  # finishes a quarantine interrupted midway
        return stored_file.status
    if stored_file.status != StoredFile.Status.PENDING:
        return stored_file.status
    if not settings.CLAMD_ADDRESS:
        raise ScannerError("no scanner configured (CLAMD_ADDRESS)", permanent=False)
    try:
        data = stored_file_plaintext(stored_file)
    except FileNotFoundError:
        # Another delivery of this task quarantined the file meanwhile, or the bytes are
        # gone: either way nothing can be scanned, and the file never becomes downloadable.
        return _verdict_record(stored_file, StoredFile.Status.REJECTED, "")
    try:
        verdict = clamd_scan(
            address=settings.CLAMD_ADDRESS, data=data, timeout=settings.CLAMD_TIMEOUT
        )
    except ScannerError as exc:
        if not exc.permanent:
            raise
        return _verdict_record(stored_file, StoredFile.Status.REJECTED, "")
    status = StoredFile.Status.INFECTED if verdict.infected else StoredFile.Status.CLEAN
    return _verdict_record(stored_file, status, verdict.signature)


def _verdict_record(stored_file: StoredFile, status: str, signature: str) -> str:
    with transaction.atomic():
        claimed = StoredFile.objects.filter(
            pk=stored_file.pk, status=StoredFile.Status.PENDING
        ).update(status=status, signature=signature[:200], scanned_at=timezone.now())
        if claimed:
            _audit_verdict(stored_file, status)
        if claimed and status in QUARANTINED:
            for hook in _quarantine_hooks:
                hook(stored_file)
    stored_file.refresh_from_db(fields=["status", "signature", "scanned_at"])
    if claimed and status in QUARANTINED:
        blob_delete(key=stored_file.storage_key)
        logger.warning(
            "stored file quarantined",
            extra={
                "stored_file": str(stored_file.public_id),
                "status": status,
                "signature": signature,
            },
        )
    return stored_file.status


def _audit_verdict(stored_file: StoredFile, status: str) -> None:
    clean = status == StoredFile.Status.CLEAN
    audit_record(
        actor=None,
        role=SYSTEM_ROLE,
        action=AuditAction.UPDATE if clean else AuditAction.DELETE,
        object_type="stored_file",
        object_id=str(stored_file.public_id),
        case_id=stored_file.case_id,
        purpose="malware scan" if clean else f"malware quarantine: {status}",
    )
