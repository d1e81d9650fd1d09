"""The client address of an audit event, sealed with the agency's data key.

The address is personal data, and the audit trail is never erased: the row stores it
encrypted (AES-256-GCM, ``tenants.encryption``), bound to the row's ``seq``, so a token
copied to another row does not open. The chain's hash covers the address itself (its
exploded form, ``chain.py``), not the ciphertext: rows sealed after they were written (the
migration that encrypted the column) keep their hashes, and verification opens each
address to recompute them. A token that does not open leaves a marker in its place, which
makes the row's hash fail, so ``verify_audit`` names that row.
"""

from __future__ import annotations

from collections.abc import Mapping

from tenants.encryption import envelope, keys
from tenants.encryption.exceptions import DecryptionError

SEALED_PREFIX = "v1:"
# What a token that does not open reads as: never an address, so the row's hash fails.
UNREADABLE = "(address does not decrypt)"


def _context(seq: int) -> str:
    return f"audit.auditevent.ip|{int(seq)}"


def ip_seal(seq: int, address: str | None) -> str | None:
    """The stored form of ``address`` for row ``seq`` (None stays None).
    Side effects: may create the first data key. Raises KeyProviderError."""
    if address is None:
        return None
    key_id, key = keys.active_data_key()
    return envelope.seal(key, key_id, _context(seq), address.encode())


def ip_open(seq: int, stored: str | None) -> str | None:
    """The address stored in row ``seq``; ``UNREADABLE`` when the token does not open (altered,
    another row's, an unknown data key). Raises KeyProviderError when a key does not unwrap."""
    if stored is None or not stored.startswith(SEALED_PREFIX):
        return stored
    try:
        token = envelope.parse(stored)
        return envelope.unseal(keys.data_key_plaintext(token.key_id), token, _context(seq)).decode()
    except DecryptionError:
        return UNREADABLE


def ip_opened(row: Mapping[str, object]) -> dict[str, object]:
    """A row's values (``values()`` of an event) with its address opened."""
    return {**row, "ip": ip_open(int(row["seq"]), row["ip"])}  # type: ignore[call-overload, arg-type]
