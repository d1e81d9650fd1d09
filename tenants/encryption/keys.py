"""Data keys in use: the active key for new writes, unwrapped keys cached in memory with a
TTL (CREDITGENIE_DATA_KEY_CACHE_SECONDS), creation and rotation.

The caches are per process. A data key created inside a transaction is the active key for
the rest of that transaction on its own connection (a seed that writes thousands of values
asks the database for it once), and for everyone only after that transaction commits, so a
rolled-back key is never used again.
"""

from __future__ import annotations

import secrets
import threading
import time
from dataclasses import dataclass
from functools import partial

from django.conf import settings
from django.core.signals import setting_changed
from django.db import IntegrityError, transaction
from django.dispatch import receiver
from django.utils import timezone

from .envelope import DATA_KEY_BYTES
from .exceptions import DecryptionError, KeyProviderError
from .models import DataKey
from .providers import KeyProvider, Wrapped, provider_current, provider_for

_lock = threading.Lock()
_plaintexts: dict[str, tuple[bytes, float]] = {}  # data key id -> (key, expires at)
_active: tuple[str, float] | None = None  # (data key id, expires at)
_uncommitted: set[str] = set()  # created in a transaction that has not committed yet
# Per thread: (connection, key id, its on-commit callback) of a key this thread's open
# transaction created. Valid while the callback is still queued: a rollback, of the
# transaction or of the savepoint the key was created in, drops the callback with the row.
_pending = threading.local()


@dataclass(frozen=True)
class RotationResult:
    rewrapped: int
    already_current: int
    new_data_key: str | None
    master_key_id: str


def cache_clear() -> None:
    """Forgets every unwrapped data key and the active key of this process."""
    global _active
    with _lock:
        _plaintexts.clear()
        _active = None
    _pending.key = None
    provider_for.cache_clear()


@receiver(setting_changed)
def _settings_changed(**kwargs: object) -> None:
    cache_clear()


def wrap_context(key_id: str) -> dict[str, str]:
    """What every wrapped data key is bound to: this tenant and its own id."""
    return {"tenant": settings.CREDITGENIE_TENANT, "data_key": key_id}


def _unwrap(row: DataKey) -> bytes:
    wrapped = Wrapped(bytes(row.wrapped_key), row.master_key_id)
    try:
        return provider_for(row.provider).unwrap(wrapped, wrap_context(row.id))
    except KeyProviderError as exc:
        raise KeyProviderError(f"data key {row.id} ({row.provider}): {exc}") from None


def data_key_plaintext(key_id: str) -> bytes:
    """The unwrapped data key `key_id`, from the cache or unwrapped now (and cached).

    Raises DecryptionError if no such key exists, KeyProviderError if it does not unwrap.
    """
    now = time.time()
    cached = _plaintexts.get(key_id)
    if cached is not None and cached[1] > now:
        return cached[0]
    row = DataKey.objects.filter(pk=key_id).first()
    if row is None:
        raise DecryptionError(f"data key {key_id} does not exist in this database")
    plaintext = _unwrap(row)
    _remember(row.id, plaintext, now)
    return plaintext


def _remember(key_id: str, plaintext: bytes, now: float) -> None:
    ttl = settings.CREDITGENIE_DATA_KEY_CACHE_SECONDS
    if ttl > 0:
        with _lock:
            _plaintexts[key_id] = (plaintext, now + ttl)


def active_data_key() -> tuple[str, bytes]:
    """The id and key for new writes; creates the first data key when there is none.

    Side effects: may insert a DataKey (and call the key provider). Raises KeyProviderError.
    """
    global _active
    now = time.time()
    active = _active
    if active is not None and active[1] > now:
        return active[0], data_key_plaintext(active[0])
    pending = _pending_key()
    if pending is not None:
        return pending, data_key_plaintext(pending)
    row = DataKey.objects.filter(status=DataKey.Status.ACTIVE).first() or _create_first()
    plaintext = data_key_plaintext(row.id)
    ttl = settings.CREDITGENIE_DATA_KEY_CACHE_SECONDS
    if ttl > 0 and row.id not in _uncommitted:
        _active = (row.id, now + ttl)
    return row.id, plaintext


def _pending_key() -> str | None:
    """The key this thread's open transaction created, while that creation still stands."""
    pending = getattr(_pending, "key", None)
    if pending is None:
        return None
    connection, key_id, committed = pending
    queued = connection.run_on_commit  # (savepoint ids, callback, robust) per entry
    if connection is transaction.get_connection() and any(e[1] is committed for e in queued):
        return key_id
    _pending.key = None
    return None


def _committed(key_id: str) -> None:
    _uncommitted.discard(key_id)
    if getattr(_pending, "key", None) is not None and _pending.key[1] == key_id:
        _pending.key = None


def _create_first() -> DataKey:
    """Creates the active key; if another process won the race, returns theirs."""
    try:
        with transaction.atomic():
            return data_key_create(provider=provider_current())
    except IntegrityError:
        return DataKey.objects.get(status=DataKey.Status.ACTIVE)


def _new_id() -> str:
    key_id = secrets.token_hex(4)
    while DataKey.objects.filter(pk=key_id).exists():
        key_id = secrets.token_hex(4)
    return key_id


def data_key_create(*, provider: KeyProvider) -> DataKey:
    """Creates a new active data key from `provider` (GenerateDataKey for KMS).

    Side effects: one provider call, one DataKey row; the caller retires the previous active
    key first (one active key at a time, enforced by a constraint). Raises KeyProviderError,
    IntegrityError if another key is active.
    """
    key_id = _new_id()
    plaintext, wrapped = provider.generate(wrap_context(key_id))
    row = DataKey.objects.create(
        id=key_id,
        wrapped_key=wrapped.wrapped,
        provider=provider.name,
        master_key_id=wrapped.master_key_id,
    )
    _uncommitted.add(key_id)
    committed = partial(_committed, key_id)
    _pending.key = (transaction.get_connection(), key_id, committed)
    transaction.on_commit(committed)
    _remember(key_id, plaintext, time.time())
    return row


def _rewrap_one(row: DataKey, provider: KeyProvider) -> None:
    """Re-wraps one data key under `provider`'s current master key, verifying the result."""
    context = wrap_context(row.id)
    if row.provider == provider.name:
        wrapped = provider.rewrap(Wrapped(bytes(row.wrapped_key), row.master_key_id), context)
    else:
        old = Wrapped(bytes(row.wrapped_key), row.master_key_id)
        wrapped = provider.wrap(provider_for(row.provider).unwrap(old, context), context)
    # Proves the new wrapping opens under the current master key before it replaces the old.
    if len(provider.unwrap(wrapped, context)) != DATA_KEY_BYTES:
        raise KeyProviderError(f"data key {row.id} did not survive re-wrapping")
    row.wrapped_key, row.master_key_id = wrapped.wrapped, wrapped.master_key_id
    row.provider, row.rewrapped_at = provider.name, timezone.now()
    row.save(update_fields=["wrapped_key", "master_key_id", "provider", "rewrapped_at"])


def _verify_one(row: DataKey, provider: KeyProvider) -> None:
    """Proves a data key already under the current master key still unwraps."""
    provider.unwrap(Wrapped(bytes(row.wrapped_key), row.master_key_id), wrap_context(row.id))


@transaction.atomic
def data_keys_rotate(*, new_data_key: bool = False) -> RotationResult:
    """Re-wraps every data key under the current master key; optionally starts a new one.

    Idempotent: keys already under the current master key are only checked to unwrap.
    All or nothing: a key that does not unwrap (wrong key file, other KMS key) stops the
    run and nothing is changed. Side effects: provider calls, updates DataKey rows, clears
    this process's cache. Raises KeyProviderError.
    """
    cache_clear()  # re-read the key file / KMS configuration as they are now
    provider = provider_current()
    target = provider.current_master_key_id()
    rows = list(DataKey.objects.select_for_update().order_by("created_at", "id"))
    stale = [r for r in rows if (r.provider, r.master_key_id) != (provider.name, target)]
    for row in rows:
        step = _rewrap_one if row in stale else _verify_one
        try:
            step(row, provider)
        except KeyProviderError as exc:
            raise KeyProviderError(f"data key {row.id}: {exc}") from None
    created = _start_new_data_key(provider) if new_data_key else None
    transaction.on_commit(cache_clear)
    return RotationResult(len(stale), len(rows) - len(stale), created, target)


def _start_new_data_key(provider: KeyProvider) -> str:
    DataKey.objects.filter(status=DataKey.Status.ACTIVE).update(status=DataKey.Status.RETIRED)
    return data_key_create(provider=provider).id
