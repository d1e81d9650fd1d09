"""Master key providers: where data keys come from and what wraps them.

- `local` (embedded default): the agency's key file (keyfile.py); AES-256-GCM wrapping.
- `kms`: the agency's own AWS KMS key; GenerateDataKey / Decrypt / ReEncrypt / Encrypt.

Both bind every wrapped data key to the tenant and the data key's id (KMS encryption
context, or GCM associated data), so a wrapped key copied to another row or deployment does
not unwrap. A deployment unwraps only under master keys it holds: the versions in its key
file, or its configured KMS key; anything else is a KeyProviderError, never garbage.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Protocol

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from .envelope import DATA_KEY_BYTES, NONCE_BYTES
from .exceptions import KeyProviderError
from .keyfile import MasterKey, read_key_file


@dataclass(frozen=True)
class Wrapped:
    """A data key wrapped under a master key, as stored in DataKey."""

    wrapped: bytes
    master_key_id: str


class KeyProvider(Protocol):
    name: str

    def current_master_key_id(self) -> str: ...
    def generate(self, context: dict[str, str]) -> tuple[bytes, Wrapped]: ...
    def wrap(self, plaintext: bytes, context: dict[str, str]) -> Wrapped: ...
    def unwrap(self, wrapped: Wrapped, context: dict[str, str]) -> bytes: ...
    def rewrap(self, wrapped: Wrapped, context: dict[str, str]) -> Wrapped: ...


def _context_bytes(context: dict[str, str]) -> bytes:
    return json.dumps(context, sort_keys=True, separators=(",", ":")).encode()


class LocalKeyProvider:
    """Wraps data keys with the current master key of a key file (read once)."""

    name = "local"

    def __init__(self, path: Path) -> None:
        self.path = path
        self._keys: list[MasterKey] = read_key_file(path)

    def current_master_key_id(self) -> str:
        return self._keys[-1].key_id

    def generate(self, context: dict[str, str]) -> tuple[bytes, Wrapped]:
        plaintext = os.urandom(DATA_KEY_BYTES)
        return plaintext, self.wrap(plaintext, context)

    def wrap(self, plaintext: bytes, context: dict[str, str]) -> Wrapped:
        current = self._keys[-1]
        nonce = os.urandom(NONCE_BYTES)
        sealed = AESGCM(current.key).encrypt(nonce, plaintext, _context_bytes(context))
        return Wrapped(wrapped=nonce + sealed, master_key_id=current.key_id)

    def unwrap(self, wrapped: Wrapped, context: dict[str, str]) -> bytes:
        """Raises KeyProviderError if the file lacks the master key or the tag fails."""
        master = next((k for k in self._keys if k.key_id == wrapped.master_key_id), None)
        if master is None:
            raise KeyProviderError(
                f"wrapped under master key {wrapped.master_key_id}, which the key file "
                f"{self.path} does not hold (wrong key file?)"
            )
        nonce, sealed = wrapped.wrapped[:NONCE_BYTES], wrapped.wrapped[NONCE_BYTES:]
        try:
            return AESGCM(master.key).decrypt(nonce, sealed, _context_bytes(context))
        except InvalidTag:
            raise KeyProviderError(
                f"does not unwrap under master key {master.key_id}: altered, or wrapped "
                "for another tenant or data key"
            ) from None

    def rewrap(self, wrapped: Wrapped, context: dict[str, str]) -> Wrapped:
        return self.wrap(self.unwrap(wrapped, context), context)


@cache
def provider_for(name: str) -> KeyProvider:
    """The provider called `name`, built from settings once per process (cleared when
    settings change). Raises ImproperlyConfigured or KeyProviderError."""
    if name == "local":
        return LocalKeyProvider(Path(settings.CREDITGENIE_KEY_FILE))
    if name == "kms":
        if not settings.AWS_KMS_KEY_ID:
            raise ImproperlyConfigured("the kms key provider needs AWS_KMS_KEY_ID")
        # boto3 (about 26 MB) loads only in deployments whose keys are in KMS.
        from .kms import KmsKeyProvider, kms_client

        return KmsKeyProvider(settings.AWS_KMS_KEY_ID, kms_client())
    raise ImproperlyConfigured(f"unknown key provider {name!r}")


def provider_current() -> KeyProvider:
    """The provider new data keys come from (CREDITGENIE_KEY_PROVIDER)."""
    return provider_for(settings.CREDITGENIE_KEY_PROVIDER)
