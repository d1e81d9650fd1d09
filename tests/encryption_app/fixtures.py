"""Fixtures for the field-encryption tests: a local key file, and moto's KMS as a real
server process. Test modules import the ones they use."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import boto3
import pytest

from tenants.encryption.keyfile import create_key_file, new_blind_index_key
from tenants.encryption.models import DataKey
from tests.processes import free_port

AWS_TEST_ENV = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
}


@pytest.fixture
def key_file(tmp_path: Path) -> Path:
    path = tmp_path / "keys" / "test-agency.key"
    create_key_file(path)
    return path


def _no_data_key_yet() -> None:
    """A fresh agency under the new master key: no data key of another test's key file
    (the test's transaction rolls the deletion back)."""
    DataKey.objects.all().delete()


@pytest.fixture
def local_keys(settings, key_file: Path, db: None) -> Path:
    """The local provider with a fresh key file and blind-index key (caches reset by the
    settings change)."""
    settings.CREDITGENIE_KEY_PROVIDER = "local"
    settings.CREDITGENIE_KEY_FILE = key_file
    settings.CREDITGENIE_BLIND_INDEX_KEY = new_blind_index_key()
    settings.CREDITGENIE_DATA_KEY_CACHE_SECONDS = 300
    _no_data_key_yet()
    return key_file


def _wait_for_port(port: int, process: subprocess.Popen, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"moto server exited with {process.returncode}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("moto server did not start")


@pytest.fixture(scope="session")
def moto_server() -> Iterator[str]:
    """moto's server as a real process on a free port; AWS credentials are dummies."""
    port = free_port()
    env = os.environ | AWS_TEST_ENV
    process = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    with pytest.MonkeyPatch.context() as patch:
        for name, value in AWS_TEST_ENV.items():
            patch.setenv(name, value)
        patch.delenv("AWS_PROFILE", raising=False)
        try:
            _wait_for_port(port, process)
            yield f"http://127.0.0.1:{port}"
        finally:
            process.terminate()
            process.wait(timeout=10)


def kms_key_create(endpoint_url: str) -> str:
    """A new symmetric KMS key on the moto server; returns its KeyId."""
    client = boto3.client("kms", endpoint_url=endpoint_url, region_name="us-east-1")
    return client.create_key(Description="credit genie test")["KeyMetadata"]["KeyId"]


def kms_key_arn(endpoint_url: str, key_id: str) -> str:
    client = boto3.client("kms", endpoint_url=endpoint_url, region_name="us-east-1")
    return client.describe_key(KeyId=key_id)["KeyMetadata"]["Arn"]


@pytest.fixture
def kms_keys(settings, moto_server: str, db: None) -> str:
    """The kms provider against moto with a fresh KMS key; returns the key id."""
    key_id = kms_key_create(moto_server)
    settings.CREDITGENIE_KEY_PROVIDER = "kms"
    settings.AWS_KMS_KEY_ID = key_id
    settings.AWS_KMS_ENDPOINT_URL = moto_server
    settings.AWS_KMS_REGION = "us-east-1"
    settings.CREDITGENIE_BLIND_INDEX_KEY = new_blind_index_key()
    settings.CREDITGENIE_DATA_KEY_CACHE_SECONDS = 300
    _no_data_key_yet()
    return key_id
