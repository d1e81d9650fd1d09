"""The S3 destination against moto's server: SSE-KMS objects under the agency's partition,
an unreachable or missing bucket keeps events queued, and they ship when it is back."""

from __future__ import annotations

import io

import boto3
import pyarrow.parquet as pq
import pytest

from integrations.warehouse.models import ShipBatch
from integrations.warehouse.shipping import warehouse_ship_pending
from tests.encryption_app.fixtures import kms_key_create, moto_server  # noqa: F401
from tests.integrations.warehouse.conftest import ANALYTICS_KEY, emit_many
from tests.processes import free_port

pytestmark = pytest.mark.django_db


@pytest.fixture
def s3_warehouse(settings, moto_server):  # noqa: F811
    bucket = f"cg-warehouse-{free_port()}"
    settings.CREDITGENIE_ANALYTICS_KEY = ANALYTICS_KEY
    settings.CREDITGENIE_WAREHOUSE_URL = f"s3://{bucket}/events"
    settings.AWS_WAREHOUSE_KMS_KEY_ID = kms_key_create(moto_server)
    settings.AWS_WAREHOUSE_ENDPOINT_URL = moto_server
    settings.AWS_WAREHOUSE_REGION = "us-east-1"
    settings.AWS_WAREHOUSE_CONNECT_TIMEOUT = 1
    settings.AWS_WAREHOUSE_MAX_ATTEMPTS = 1
    client = boto3.client("s3", endpoint_url=moto_server, region_name="us-east-1")
    return client, bucket


def test_batches_ship_to_s3_with_the_platform_kms_key(s3_warehouse, settings):
    client, bucket = s3_warehouse
    client.create_bucket(Bucket=bucket)
    settings.CREDITGENIE_WAREHOUSE_BATCH_SIZE = 25
    emit_many(60)

    result = warehouse_ship_pending()

    assert (result.batches, result.events, result.failed) == (3, 60, False)
    keys = sorted(o["Key"] for o in client.list_objects_v2(Bucket=bucket)["Contents"])
    expected = sorted(
        f"events/agency=test-agency/date=2026-03-14/batch-{pk}.parquet"
        for pk in ShipBatch.objects.values_list("pk", flat=True)
    )
    assert keys == expected
    ids = set()
    for key in keys:
        head = client.head_object(Bucket=bucket, Key=key)
        assert head["ServerSideEncryption"] == "aws:kms"
        assert settings.AWS_WAREHOUSE_KMS_KEY_ID in head["SSEKMSKeyId"]
        body = client.get_object(Bucket=bucket, Key=key)["Body"].read()
        ids |= set(pq.read_table(io.BytesIO(body)).column("event_id").to_pylist())
    assert len(ids) == 60


def test_unreachable_then_missing_bucket_keeps_events_queued_until_s3_is_back(
    s3_warehouse,
    settings,
    moto_server,  # noqa: F811
):
    client, bucket = s3_warehouse
    emit_many(10)
    settings.AWS_WAREHOUSE_ENDPOINT_URL = f"http://127.0.0.1:{free_port()}"  # nothing listens

    assert warehouse_ship_pending().failed
    (batch,) = ShipBatch.objects.all()
    assert (batch.status, batch.last_error) == ("pending", "s3:EndpointConnectionError")

    settings.AWS_WAREHOUSE_ENDPOINT_URL = moto_server  # reachable, but no bucket yet
    assert warehouse_ship_pending().failed
    batch.refresh_from_db()
    assert (batch.status, batch.last_error) == ("pending", "s3:NoSuchBucket")

    client.create_bucket(Bucket=bucket)
    result = warehouse_ship_pending()

    assert (result.batches, result.events, result.failed) == (1, 10, False)
    batch.refresh_from_db()
    assert (batch.status, batch.attempts, batch.last_error) == ("shipped", 3, "")
    (obj,) = client.list_objects_v2(Bucket=bucket)["Contents"]
    assert obj["Key"] == f"events/agency=test-agency/date=2026-03-14/batch-{batch.pk}.parquet"
