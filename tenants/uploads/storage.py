"""The bytes of stored files, written through the default storage (STORAGES["default"]).

Production: S3 with SSE-KMS under the agency's key (settings); the app stores the bytes as
they are. Embedded default: the local FileSystemStorage, and the app seals the bytes first
with the deployment's active data key (tenants.encryption: AES-256-GCM, the stored file's
public id as associated data), so a file moved to another row's key does not decrypt.
"""

from __future__ import annotations

import secrets
import uuid

from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.utils import timezone

from tenants.encryption import envelope
from tenants.encryption.exceptions import DecryptionError
from tenants.encryption.keys import active_data_key, data_key_plaintext


def storage_key_new() -> str:
    """uploads/<yyyy>/<mm>/<32 random hex digits>: nothing of the name, user or case."""
    return timezone.now().strftime("uploads/%Y/%m/") + secrets.token_hex(16)


def seal_context(public_id: uuid.UUID) -> str:
    """The associated data of a stored file's bytes: its model, column and row."""
    return f"uploads.storedfile.content|{public_id}"


def blob_seal(data: bytes, public_id: uuid.UUID) -> bytes:
    """The v1 envelope token of `data` (ASCII bytes). Side effects: may create a data key."""
    key_id, key = active_data_key()
    return envelope.seal(key, key_id, seal_context(public_id), data).encode("ascii")


def blob_unseal(raw: bytes, public_id: uuid.UUID) -> bytes:
    """The plaintext of a sealed blob. Raises DecryptionError (other row, altered, not a
    token), KeyProviderError."""
    try:
        token = envelope.parse(raw.decode("ascii"))
    except UnicodeDecodeError:
        raise DecryptionError("the stored file is not a sealed v1 token") from None
    return envelope.unseal(data_key_plaintext(token.key_id), token, seal_context(public_id))


def blob_write(*, key: str, data: bytes) -> str:
    """Writes bytes under `key`; returns the name the storage used (it never overwrites)."""
    return storages["default"].save(key, ContentFile(data))


def blob_read(*, key: str) -> bytes:
    """The stored bytes. Raises FileNotFoundError (local) or the storage's error."""
    with storages["default"].open(key, "rb") as handle:
        return handle.read()


def blob_delete(*, key: str) -> None:
    """Deletes the bytes; a missing file is not an error (idempotent)."""
    storages["default"].delete(key)


def blob_exists(*, key: str) -> bool:
    return storages["default"].exists(key)
