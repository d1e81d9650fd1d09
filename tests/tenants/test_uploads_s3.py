"""The production path: documents in S3 (moto's server, a real process) encrypted by S3 with
the agency's own KMS key (SSE-KMS); the app does not seal them itself."""

from __future__ import annotations

import boto3
import pytest

from tenants.roles import Role
from tenants.uploads.models import StoredFile
from tenants.uploads.services import stored_file_create, stored_file_delete, stored_file_open
from tests.encryption_app.fixtures import kms_key_arn, kms_key_create, moto_server
from tests.tenants.uploads_fixtures import pdf_bytes, upload

__all__ = ["moto_server"]
pytestmark = [pytest.mark.processes, pytest.mark.django_db]
BUCKET = "test-agency-documents"
PREFIX = "test-agency"


@pytest.fixture
def s3_files(settings, moto_server: str) -> tuple[object, str]:
    """S3 storage as settings.py builds it for a bucket, against moto; returns (s3, key id)."""
    s3 = boto3.client("s3", endpoint_url=moto_server, region_name="us-east-1")
    if BUCKET not in [b["Name"] for b in s3.list_buckets()["Buckets"]]:
        s3.create_bucket(Bucket=BUCKET)
    key_id = kms_key_create(moto_server)
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": BUCKET,
                "location": PREFIX,
                "endpoint_url": moto_server,
                "region_name": "us-east-1",
                "object_parameters": {"ServerSideEncryption": "aws:kms", "SSEKMSKeyId": key_id},
                "default_acl": None,
                "file_overwrite": False,
                "querystring_auth": True,
                "querystring_expire": 60,
            },
        },
    }
    settings.CREDITGENIE_UPLOAD_SEAL = False
    settings.CLAMD_ADDRESS = ""
    return s3, key_id


def _create(user, data: bytes) -> StoredFile:
    return stored_file_create(
        upload=upload("statement.pdf", data), actor=user, role=Role.CONSUMER, purpose="intake"
    )


def test_s3_object_is_written_with_sse_kms_under_the_agency_key(s3_files, moto_server, consumer):
    s3, key_id = s3_files
    data = pdf_bytes()

    stored = _create(consumer, data)

    head = s3.head_object(Bucket=BUCKET, Key=f"{PREFIX}/{stored.storage_key}")
    assert head["ServerSideEncryption"] == "aws:kms"
    assert head["SSEKMSKeyId"] in {key_id, kms_key_arn(moto_server, key_id)}
    assert stored.sealed is False
    opened = stored_file_open(stored_file=stored, actor=consumer, role=Role.CONSUMER, purpose="p")
    assert opened.data == data


def test_s3_object_key_is_random_and_deleted_with_the_file(s3_files, consumer):
    s3, _key_id = s3_files
    stored = _create(consumer, pdf_bytes())
    key = f"{PREFIX}/{stored.storage_key}"

    stored_file_delete(stored_file=stored, actor=None, role="system", purpose="retention")

    listed = s3.list_objects_v2(Bucket=BUCKET, Prefix=key).get("Contents", [])
    assert listed == []
    assert "statement" not in key
