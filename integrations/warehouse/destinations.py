"""Where Parquet files go: a local folder (embedded default) or an S3 prefix (production).

Both write whole objects under a name fixed by the caller, so writing the same batch twice
replaces the file with the same content instead of adding one. Every failure of the
destination becomes DestinationUnavailable; nothing else is caught here.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import urlsplit

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError
from django.conf import settings

from .errors import DestinationUnavailable


class Destination(Protocol):
    def put(self, key: str, data: bytes) -> str:
        """Stores `data` under `key` (a relative path); returns where it went."""


@dataclass(frozen=True)
class LocalFolder:
    root: Path

    def put(self, key: str, data: bytes) -> str:
        """Writes a temporary file beside the target, fsyncs it and renames it into place,
        so readers never see half a file. Side effects: creates folders (0750) and the
        file (0640)."""
        path = self.root / key
        temporary = path.with_name(f".{path.name}.tmp")
        try:
            path.parent.mkdir(parents=True, exist_ok=True, mode=0o750)
            descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o640)
            with os.fdopen(descriptor, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(temporary, path)
        except OSError as exc:
            code = f"local:{type(exc).__name__}"
            raise DestinationUnavailable(
                "the warehouse folder refused the file", code=code
            ) from exc
        return str(path)


@dataclass(frozen=True)
class S3Prefix:
    bucket: str
    prefix: str
    kms_key_id: str
    client: Any

    def put(self, key: str, data: bytes) -> str:
        """One PutObject with SSE-KMS under the platform's warehouse key. Side effect: the
        object is created or replaced."""
        object_key = f"{self.prefix}/{key}" if self.prefix else key
        try:
            self.client.put_object(
                Bucket=self.bucket,
                Key=object_key,
                Body=data,
                ContentType="application/vnd.apache.parquet",
                ServerSideEncryption="aws:kms",
                SSEKMSKeyId=self.kms_key_id,
            )
        except ClientError as exc:
            code = f"s3:{exc.response.get('Error', {}).get('Code', 'ClientError')}"[:60]
            raise DestinationUnavailable(
                "the warehouse bucket refused the file", code=code
            ) from exc
        except BotoCoreError as exc:
            code = f"s3:{type(exc).__name__}"[:60]
            raise DestinationUnavailable("the warehouse bucket is unreachable", code=code) from exc
        return f"s3://{self.bucket}/{object_key}"


def s3_client() -> Any:
    """boto3 S3 client for the warehouse, with explicit timeouts and bounded retries."""
    config = Config(
        connect_timeout=settings.AWS_WAREHOUSE_CONNECT_TIMEOUT,
        read_timeout=settings.AWS_WAREHOUSE_READ_TIMEOUT,
        retries={"max_attempts": settings.AWS_WAREHOUSE_MAX_ATTEMPTS, "mode": "standard"},
    )
    return boto3.client(
        "s3",
        region_name=settings.AWS_WAREHOUSE_REGION,
        endpoint_url=settings.AWS_WAREHOUSE_ENDPOINT_URL,
        config=config,
    )


def destination_from_settings() -> Destination:
    """The destination named by CREDITGENIE_WAREHOUSE_URL (validated in settings)."""
    url = urlsplit(settings.CREDITGENIE_WAREHOUSE_URL)
    if url.scheme == "s3":
        return S3Prefix(
            bucket=url.netloc,
            prefix=url.path.strip("/"),
            kms_key_id=settings.AWS_WAREHOUSE_KMS_KEY_ID,
            client=s3_client(),
        )
    return LocalFolder(root=Path(url.path))
