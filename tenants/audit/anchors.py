"""Anchors: signed digests of the verified chain head, kept in write-once storage.

Each scheduled verification that finds the chain intact writes one anchor (tenant, last
seq, last hash, row count, time), signed with a key derived from the chain key. In
production the anchors are objects in an S3 bucket with Object Lock in compliance mode, so
nobody (the root account included) can change or delete one before its retention ends;
in a local run they are read-only files in a folder. Verification then requires every
anchored row to still exist with its anchored hash, which names a cut tail and a rewrite.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings

from .chain import ChainKey, timestamp_format

_SIGNING_LABEL = b"creditgenie audit anchor signing key"


@dataclass(frozen=True)
class Anchor:
    tenant: str
    last_seq: int
    last_hash: str
    rows: int
    verified_at: str

    @property
    def name(self) -> str:
        stamp = self.verified_at.replace("-", "").replace(":", "").replace(".", "")
        return f"{self.tenant}/{self.last_seq:015d}-{stamp}.json"

    def __str__(self) -> str:
        return f"{self.last_seq}:{self.last_hash} at {self.verified_at}"


class AnchorInvalid(Exception):
    """An anchor whose signature does not match: not written by this deployment."""


def _signature(anchor: Anchor, key: ChainKey) -> str:
    signing_key = hmac.new(key.key, _SIGNING_LABEL, hashlib.sha256).digest()
    body = json.dumps(asdict(anchor), sort_keys=True, separators=(",", ":")).encode()
    return hmac.new(signing_key, body, hashlib.sha256).hexdigest()


def anchor_encode(anchor: Anchor, key: ChainKey) -> bytes:
    return json.dumps({**asdict(anchor), "signature": _signature(anchor, key)}).encode()


def anchor_decode(name: str, body: bytes, key: ChainKey) -> Anchor:
    """The anchor stored as ``body``; raises AnchorInvalid unless its signature matches."""
    try:
        data = json.loads(body)
        signature = data.pop("signature")
        anchor = Anchor(**data)
    except (ValueError, TypeError, KeyError):
        raise AnchorInvalid(f"anchor {name} is not an anchor") from None
    if not hmac.compare_digest(signature, _signature(anchor, key)):
        raise AnchorInvalid(f"anchor {name} has an invalid signature")
    return anchor


def anchor_new(*, last_seq: int, last_hash: str, rows: int, at: datetime) -> Anchor:
    return Anchor(settings.CREDITGENIE_TENANT, last_seq, last_hash, rows, timestamp_format(at))


class FolderAnchors:
    """Local runs: one read-only file per anchor; an existing file is never replaced."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def write(self, name: str, body: bytes) -> None:
        path = self.folder / name
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o400)
        with os.fdopen(fd, "wb") as handle:
            handle.write(body)

    def read_all(self, tenant: str) -> Iterator[tuple[str, bytes]]:
        for path in sorted((self.folder / tenant).glob("*.json")):
            yield f"{tenant}/{path.name}", path.read_bytes()


class S3Anchors:
    """Production: objects locked in compliance mode until the retention date."""

    def __init__(self, bucket: str, prefix: str) -> None:
        import boto3  # only deployments anchoring to S3 load the AWS SDK
        from botocore.config import Config

        self.bucket, self.prefix = bucket, prefix.strip("/")
        config = Config(connect_timeout=3, read_timeout=10, retries={"max_attempts": 3})
        self.client = boto3.client("s3", endpoint_url=settings.AWS_S3_ENDPOINT_URL, config=config)

    def _key(self, name: str) -> str:
        return f"{self.prefix}/{name}" if self.prefix else name

    def write(self, name: str, body: bytes) -> None:
        days = settings.CREDITGENIE_AUDIT_ANCHOR_RETAIN_DAYS
        self.client.put_object(
            Bucket=self.bucket,
            Key=self._key(name),
            Body=body,
            ContentType="application/json",
            ObjectLockMode="COMPLIANCE",
            ObjectLockRetainUntilDate=datetime.now().astimezone() + timedelta(days=days),
            ChecksumAlgorithm="SHA256",
        )

    def read_all(self, tenant: str) -> Iterator[tuple[str, bytes]]:
        pages = self.client.get_paginator("list_objects_v2")
        for page in pages.paginate(Bucket=self.bucket, Prefix=self._key(f"{tenant}/")):
            for item in page.get("Contents", []):
                body = self.client.get_object(Bucket=self.bucket, Key=item["Key"])["Body"].read()
                yield item["Key"].removeprefix(self._key("")).lstrip("/"), body


def anchor_storage() -> FolderAnchors | S3Anchors:
    """Where anchors live (CREDITGENIE_AUDIT_ANCHOR_URL: file:///folder or s3://bucket/prefix)."""
    url = urlsplit(settings.CREDITGENIE_AUDIT_ANCHOR_URL)
    if url.scheme == "s3":
        return S3Anchors(url.netloc, url.path)
    return FolderAnchors(Path(url.path))
