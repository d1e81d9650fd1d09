"""The benchmarks' SQL on Athena over the warehouse's Glue table (production).

Each statement of tenants.benchmarks runs in the configured workgroup (its results are
encrypted there, docs/deploy.md) and is waited for; rows come back as strings, which the
shared assembly reads. A failed or timed-out query raises BenchmarksUnavailable.
"""

from __future__ import annotations

import time
from typing import Any

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError
from django.conf import settings

from .benchmarks import BenchmarksUnavailable, benchmarks_sql

POLL_SECONDS = 1.0
_DONE = {"SUCCEEDED", "FAILED", "CANCELLED"}


def _client() -> Any:
    config = Config(
        connect_timeout=settings.AWS_WAREHOUSE_CONNECT_TIMEOUT,
        read_timeout=settings.AWS_WAREHOUSE_READ_TIMEOUT,
        retries={"max_attempts": settings.AWS_WAREHOUSE_MAX_ATTEMPTS, "mode": "standard"},
    )
    # A session per run: the service model is read from the data path as it is then.
    return boto3.session.Session().client(
        "athena",
        region_name=settings.AWS_WAREHOUSE_REGION,
        endpoint_url=settings.AWS_ATHENA_ENDPOINT_URL,
        config=config,
    )


def athena_table() -> str:
    return f'"{settings.CREDITGENIE_ATHENA_DATABASE}"."{settings.CREDITGENIE_ATHENA_TABLE}"'


def athena_run() -> dict[str, list[tuple]]:
    """Every statement, in order, on Athena; their rows without the header row."""
    client = _client()
    try:
        return {
            name: _query(client, sql)
            for name, sql in benchmarks_sql("athena", athena_table()).items()
        }
    except (BotoCoreError, ClientError) as exc:
        raise BenchmarksUnavailable("Athena could not be reached") from exc


def _query(client: Any, sql: str) -> list[tuple]:
    started = client.start_query_execution(
        QueryString=sql,
        QueryExecutionContext={"Database": settings.CREDITGENIE_ATHENA_DATABASE},
        WorkGroup=settings.CREDITGENIE_ATHENA_WORKGROUP,
    )
    query_id = started["QueryExecutionId"]
    deadline = time.monotonic() + settings.CREDITGENIE_ATHENA_TIMEOUT
    while True:
        status = client.get_query_execution(QueryExecutionId=query_id)["QueryExecution"]["Status"]
        if status["State"] in _DONE:
            break
        if time.monotonic() > deadline:
            client.stop_query_execution(QueryExecutionId=query_id)
            raise BenchmarksUnavailable(f"Athena query {query_id} took too long")
        time.sleep(POLL_SECONDS)
    if status["State"] != "SUCCEEDED":
        reason = status.get("StateChangeReason", status["State"])
        raise BenchmarksUnavailable(f"Athena query {query_id} failed: {reason}")
    rows: list[tuple] = []
    pages = client.get_paginator("get_query_results").paginate(QueryExecutionId=query_id)
    for page in pages:
        for row in page["ResultSet"]["Rows"]:
            rows.append(tuple(cell.get("VarCharValue") for cell in row["Data"]))
    return rows[1:]  # the first row holds the column names
