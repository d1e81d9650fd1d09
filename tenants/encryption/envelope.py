"""The stored format of one encrypted value, independent of Django.

    v1:<data-key-id>:<base64url(nonce || ciphertext || tag)>

AES-256-GCM with a random 96-bit nonce per value. The associated data authenticates the
version, the data key id and a caller-supplied context (the column and the row's stable
identity), so a token copied to another row or column, or with an altered header, fails.
"""

from __future__ import annotations

import base64
import binascii
import os
import re
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from .exceptions import DecryptionError

VERSION = "v1"
NONCE_BYTES = 12
TAG_BYTES = 16
DATA_KEY_BYTES = 32
KEY_ID_RE = re.compile(r"^[0-9a-f]{8}$")
TOKEN_RE = re.compile(r"^(v1):([0-9a-f]{8}):([A-Za-z0-9_-]+)$")


@dataclass(frozen=True)
class Token:
    """A parsed stored value: which format and data key, and the sealed bytes."""

    version: str
    key_id: str
    blob: bytes


def _aad(version: str, key_id: str, context: str) -> bytes:
    return f"creditgenie|{version}|{key_id}|{context}".encode()


def _b64encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _b64decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def seal(key: bytes, key_id: str, context: str, plaintext: bytes) -> str:
    """Encrypts `plaintext` under `key`, bound to `context`; returns the stored token."""
    nonce = os.urandom(NONCE_BYTES)
    sealed = AESGCM(key).encrypt(nonce, plaintext, _aad(VERSION, key_id, context))
    return f"{VERSION}:{key_id}:{_b64encode(nonce + sealed)}"


def parse(token: str) -> Token:
    """Splits a stored token; raises DecryptionError if it is not in a known format."""
    match = TOKEN_RE.match(token)
    if match is None:
        raise DecryptionError("the stored value is not in the v1 ciphertext format")
    try:
        blob = _b64decode(match.group(3))
    except (binascii.Error, ValueError):
        raise DecryptionError("the stored value is not valid base64url") from None
    if len(blob) < NONCE_BYTES + TAG_BYTES:
        raise DecryptionError("the stored value is too short to be a ciphertext")
    return Token(version=match.group(1), key_id=match.group(2), blob=blob)


def unseal(key: bytes, token: Token, context: str) -> bytes:
    """Decrypts a parsed token bound to `context`.

    Raises DecryptionError when the tag does not verify: wrong key, wrong row or column,
    or altered bytes.
    """
    nonce, sealed = token.blob[:NONCE_BYTES], token.blob[NONCE_BYTES:]
    try:
        return AESGCM(key).decrypt(nonce, sealed, _aad(token.version, token.key_id, context))
    except InvalidTag:
        raise DecryptionError(
            f"the ciphertext under data key {token.key_id} does not verify: it belongs to "
            "another row or column, or was altered"
        ) from None
