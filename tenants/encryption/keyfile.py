"""The local master key file: the embedded default key provider's key, made at provisioning.

One master key version per line, `<key-id>:<base64url(32 random bytes)>`; the last line is
the current version, earlier lines stay so data keys wrapped under them can be re-wrapped.
The key id is derived from the key (a fingerprint), so a different key file is recognised
as such instead of producing garbage. The file is owner-only (0600) and refused otherwise.

Importable without any installed model: provisioning runs it on the front door.
"""

from __future__ import annotations

import base64
import hashlib
import os
import secrets
import stat
from dataclasses import dataclass
from pathlib import Path

from .exceptions import KeyProviderError

MASTER_KEY_BYTES = 32
BLIND_INDEX_KEY_BYTES = 32
_HEADER = "# Credit Genie local master keys: one per line, the last is current. Keep secret.\n"


@dataclass(frozen=True)
class MasterKey:
    key_id: str
    key: bytes = b""

    def __repr__(self) -> str:  # never show key material, even in tracebacks
        return f"MasterKey(key_id={self.key_id!r})"


def _encode(key: bytes) -> str:
    return base64.urlsafe_b64encode(key).rstrip(b"=").decode("ascii")


def decode_key(text: str) -> bytes:
    """Decodes a base64url master key; raises ValueError unless it is 32 bytes."""
    try:
        key = base64.urlsafe_b64decode(text.strip() + "=" * (-len(text.strip()) % 4))
    except ValueError:
        raise ValueError("not base64url") from None
    if len(key) != MASTER_KEY_BYTES:
        raise ValueError(f"must decode to {MASTER_KEY_BYTES} bytes, not {len(key)}")
    return key


def master_key_id(key: bytes) -> str:
    """A public fingerprint of a master key (SHA-256 of a labelled key, 16 hex digits)."""
    return "local-" + hashlib.sha256(b"creditgenie-master-key-id|" + key).hexdigest()[:16]


def new_blind_index_key() -> str:
    """A fresh blind-index key for CREDITGENIE_BLIND_INDEX_KEY (64 hex digits)."""
    return secrets.token_hex(BLIND_INDEX_KEY_BYTES)


def _line(key: bytes) -> str:
    return f"{master_key_id(key)}:{_encode(key)}\n"


def create_key_file(path: Path) -> MasterKey:
    """Creates a key file holding one fresh master key; returns its (public) id.

    Side effects: creates the parent folder and the file, mode 0600. Raises
    FileExistsError if the file exists (a key is never overwritten).
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_bytes(MASTER_KEY_BYTES)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(_HEADER + _line(key))
    return MasterKey(key_id=master_key_id(key))


def add_key_version(path: Path) -> MasterKey:
    """Appends a fresh master key that becomes current; earlier versions stay.

    Side effects: appends a line to the file. Raises KeyProviderError if it cannot be read.
    """
    read_key_file(path)
    key = secrets.token_bytes(MASTER_KEY_BYTES)
    with path.open("a") as handle:
        handle.write(_line(key))
    return MasterKey(key_id=master_key_id(key))


def read_key_file(path: Path) -> list[MasterKey]:
    """Every master key version in the file, current last.

    Raises KeyProviderError if the file is missing, readable by others, or malformed.
    """
    try:
        mode = path.stat().st_mode
        text = path.read_text()
    except OSError as exc:
        raise KeyProviderError(
            f"cannot read the key file {path} ({exc.strerror}); create it with "
            "`manage.py create_key_file`"
        ) from None
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise KeyProviderError(f"key file {path} is accessible to others; chmod 600 it")
    keys = [_parse_line(path, n, line) for n, line in enumerate(text.splitlines(), 1)]
    keys = [key for key in keys if key is not None]
    if not keys:
        raise KeyProviderError(f"key file {path} holds no key")
    return keys


def _parse_line(path: Path, number: int, line: str) -> MasterKey | None:
    if not line.strip() or line.startswith("#"):
        return None
    key_id, _, encoded = line.strip().partition(":")
    try:
        key = decode_key(encoded)
    except ValueError as exc:
        raise KeyProviderError(f"key file {path} line {number}: key {exc}") from None
    if master_key_id(key) != key_id:
        raise KeyProviderError(f"key file {path} line {number}: key id does not match the key")
    return MasterKey(key_id=key_id, key=key)


def key_file_ensure(path: Path) -> bool:
    """Creates the key file unless it exists; True if this call created it."""
    try:
        create_key_file(path)
    except FileExistsError:
        return False
    return True


def encryption_environment(key_file: Path) -> dict[str, str]:
    """The field-encryption variables of a new agency: its key file and blind-index key."""
    return {
        "CREDITGENIE_KEY_PROVIDER": "local",
        "CREDITGENIE_KEY_FILE": str(key_file),
        "CREDITGENIE_BLIND_INDEX_KEY": new_blind_index_key(),
    }
