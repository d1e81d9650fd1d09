"""The sandboxes as real processes, and a real Celery worker, for the integration tests."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager

import requests
from celery.contrib.testing.worker import start_worker

from creditgenie.celery import app
from integrations.plaid import client
from tests.processes import BASE_DIR, free_port

PLAID_ID, PLAID_SECRET = "test-client-id", "test-secret"


@contextmanager
def sandbox(module: str, *args: str) -> Iterator[str]:
    """``python -m integrations.sandbox.<module> --port N``; yields its base URL."""
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", f"integrations.sandbox.{module}", "--port", str(port), *args],
        cwd=BASE_DIR,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait(url, proc)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def _wait(url: str, proc: subprocess.Popen) -> None:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"sandbox exited: {proc.stderr.read()[-2000:]}")
        try:
            requests.get(f"{url}/sandbox/admin/calls", timeout=1)
            return
        except requests.ConnectionError:
            time.sleep(0.1)
    raise TimeoutError(url)


def plaid_sandbox() -> Iterator[str]:
    with sandbox("plaid", "--client-id", PLAID_ID, "--secret", PLAID_SECRET) as url:
        yield url


@contextmanager
def worker() -> Iterator[object]:
    """An in-process worker on the test broker (never eager mode)."""
    assert not app.conf.task_always_eager
    with start_worker(app, pool="solo", perform_ping_check=False, loglevel="WARNING") as w:
        yield w


def wait_until(check, timeout: float = 30.0, every: float = 0.1):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(every)
    raise TimeoutError("condition not met in time")


def faults(url: str, path: str, *values: str) -> None:
    requests.post(
        f"{url}/sandbox/admin/faults", json={"path": path, "faults": list(values)}, timeout=5
    )


def calls(url: str) -> dict[str, int]:
    return requests.get(f"{url}/sandbox/admin/calls", timeout=5).json()


def linked(username: str = "user_good") -> tuple[str, str]:
    """A fresh item at the sandbox: (access token, item id)."""
    public = client.sandbox_public_token_create(institution_id="ins_109508", username=username)
    exchange = client.item_public_token_exchange(public_token=public)
    return exchange.access_token, exchange.item_id
