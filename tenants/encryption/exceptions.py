"""The errors of field encryption: one small hierarchy, none of them carries key material or
plaintext in its message."""

from __future__ import annotations

from django.core.exceptions import FieldError


class EncryptionError(Exception):
    """Base of every field-encryption failure."""


class DecryptionError(EncryptionError):
    """A stored value cannot be decrypted: malformed, altered, or copied from another row or
    column. Never answered with garbage."""


class KeyProviderError(EncryptionError):
    """The master key cannot (un)wrap a data key: wrong key file, wrong or unreachable KMS key,
    unreadable key file."""


class EncryptedWriteError(EncryptionError, TypeError):
    """Plaintext reached the database layer of an encrypted field without being encrypted, e.g.
    through QuerySet.update() or bulk_update(); only Model.save() and bulk_create() encrypt."""


class EncryptedLookupError(FieldError):
    """A lookup other than isnull on an encrypted field; search through a blind index."""
