"""SQS as the broker: a real worker process and a real client against moto's server."""

from __future__ import annotations

import subprocess
import sys
from urllib.parse import urlsplit

import boto3
import pytest

from tests.encryption_app.fixtures import moto_server
from tests.processes import BASE_DIR, deployment_env

pytestmark = pytest.mark.processes
__all__ = ["moto_server"]

SEND = (
    "import django; django.setup(); from creditgenie.celery import app, ping; "
    "print(app.conf.broker_url.split(':')[0], ping.delay().get(timeout=60))"
)


@pytest.fixture
def sqs_env(moto_server, tmp_path):
    endpoint = urlsplit(moto_server)
    return deployment_env(
        {
            "CREDITGENIE_TENANT": "acme",
            "SECRET_KEY": "sqs-test-secret-key-0123456789abcdefghijklmnopqrstuvwxyz",
            "DATABASE_URL": f"sqlite:///{tmp_path}/acme.sqlite3",
            "CELERY_BROKER_URL": f"sqs://testing:testing@{endpoint.hostname}:{endpoint.port}",
            "CELERY_SQS_SECURE": "false",
            "CELERY_RESULT_BACKEND": "redis://127.0.0.1:6379/8",
        },
        tmp_path,
    )


def test_task_round_trip_over_sqs(sqs_env, moto_server):
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "creditgenie",
            "worker",
            "--pool=solo",
            "--loglevel=WARNING",
            "-Q",
            "acme-default",
            "--without-mingle",
            "--without-gossip",
        ],
        cwd=BASE_DIR,
        env=sqs_env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        sent = subprocess.run(
            [sys.executable, "-c", SEND],
            cwd=BASE_DIR,
            env=sqs_env,
            capture_output=True,
            text=True,
            timeout=90,
            check=False,
        )
        assert sent.returncode == 0, sent.stderr[-2000:]
        assert sent.stdout.strip() == "sqs pong"
    finally:
        worker.terminate()
        worker.wait(timeout=20)
    queues = boto3.client("sqs", endpoint_url=moto_server, region_name="us-east-1").list_queues()
    assert any(url.endswith("/acme-default") for url in queues["QueueUrls"])
