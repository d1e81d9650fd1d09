"""A real SMTP sink process (notifications.sink, aiosmtpd) and consumers to notify."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

import pytest

from intake.models import Application, Household
from tests.counselor.cases import sent_application
from tests.processes import BASE_DIR, free_port

PUBLIC_URL = "https://acme.example.org"


def _wait_for_port(port: int, process: subprocess.Popen, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the SMTP sink exited with {process.returncode}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError("the SMTP sink did not start")


@contextmanager
def smtp_sink(port: int, folder: Path) -> Iterator[Path]:
    """`python -m notifications.sink` as its own process, as bin/start runs it."""
    process = subprocess.Popen(
        [sys.executable, "-m", "notifications.sink", "--port", str(port), "--folder", str(folder)],
        cwd=BASE_DIR,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        _wait_for_port(port, process)
        yield folder
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture
def mail_settings(settings, tmp_path: Path):
    """Django's SMTP backend pointed at a port of our own; returns (port, sink folder)."""
    port = free_port()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", port, 3
    settings.CREDITGENIE_PUBLIC_URL = PUBLIC_URL
    settings.NOTIFICATIONS = {
        **settings.NOTIFICATIONS,
        "RETRY_BASE_SECONDS": 1,
        "RETRY_MAX_SECONDS": 2,
    }
    return port, tmp_path / "mail"


def received(folder: Path) -> list[tuple[bytes, EmailMessage]]:
    """Every message the sink wrote: raw bytes and parsed."""
    files = sorted(folder.glob("*.eml")) if folder.is_dir() else []
    return [
        (f.read_bytes(), message_from_bytes(f.read_bytes(), policy=policy.default)) for f in files
    ]


def wait_until(check: Callable[[], object], timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.1)


def applicant(*, language: str = "en", phone: str = "") -> Application:
    """A sent application (Maria Lopez, CHASE CARD $5,200) whose household prefers `language`."""
    application = sent_application(language=language, phone=phone)
    Household.objects.filter(application=application).update(preferred_language=language)
    return application
