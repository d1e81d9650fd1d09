"""The chain key: the HMAC key of the audit chain, which the database never holds.

It is a random 256-bit key made by the agency's key provider (KMS ``GenerateDataKey`` under
the agency's KMS key in production, the local key file in a local run) and stored only
wrapped, bound to the tenant and to ``keyed_after``. Unwrapping it needs the master key, so
whoever can write the database but not use the master key can neither forge a row's hash
nor verify the chain. One unwrap per process; the key is then kept in memory.
"""

from __future__ import annotations

import threading

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from tenants.encryption.exceptions import KeyProviderError
from tenants.encryption.providers import Wrapped, provider_current, provider_for

from .chain import ChainKey
from .models import AuditKey

_lock = threading.Lock()
_cached: ChainKey | None = None


def _context(keyed_after: int) -> dict[str, str]:
    return {
        "tenant": settings.CREDITGENIE_TENANT,
        "purpose": "audit-chain",
        "keyed_after": str(keyed_after),
    }


def chain_key_forget() -> None:
    """Forgets this process's unwrapped chain key (the next use unwraps it again)."""
    global _cached
    with _lock:
        _cached = None


def _remember(key: ChainKey) -> None:
    global _cached
    with _lock:
        _cached = key


def _unwrap(row: AuditKey) -> ChainKey:
    wrapped = Wrapped(bytes(row.wrapped_key), row.master_key_id)
    try:
        key = provider_for(row.provider).unwrap(wrapped, _context(row.keyed_after))
    except KeyProviderError as exc:
        raise KeyProviderError(f"audit chain key ({row.provider}): {exc}") from None
    return ChainKey(key=key, keyed_after=row.keyed_after)


def chain_key_stored() -> ChainKey | None:
    """The chain key, unwrapped (cached per process), or None before the first keyed row.

    Raises KeyProviderError when the master key that wraps it is not available.
    """
    if _cached is not None:
        return _cached
    row = AuditKey.objects.filter(pk=1).first()
    if row is None:
        return None
    key = _unwrap(row)
    # Remembered once the row is surely committed: a key made in a transaction that rolls
    # back must never hash a row.
    transaction.on_commit(lambda: _remember(key))
    return key


def chain_key_create(*, keyed_after: int) -> ChainKey:
    """Makes the chain key; rows after ``keyed_after`` are hashed with it.

    Called by the first append, while it holds the chain head, so no row can slip in
    between. Side effects: one key provider call, one AuditKey row. Raises KeyProviderError.
    """
    provider = provider_current()
    plaintext, wrapped = provider.generate(_context(keyed_after))
    AuditKey.objects.create(
        id=1,
        provider=provider.name,
        master_key_id=wrapped.master_key_id,
        wrapped_key=wrapped.wrapped,
        keyed_after=keyed_after,
        created_at=timezone.now(),
    )
    key = ChainKey(key=plaintext, keyed_after=keyed_after)
    transaction.on_commit(lambda: _remember(key))
    return key
