"""A forced server error with PII in the request leaves no PII in any log line: in every
configured handler of the app, and in the output of a real gunicorn process (its error
log, its access log and the app's lines) run with the production gunicorn settings."""

from __future__ import annotations

import io
import json
import logging
import subprocess
import sys
from pathlib import Path

import pytest
import requests
from django.conf import settings

from creditgenie.logging import JsonFormatter
from tests.creditgenie.test_logging import ACCOUNT, EMAIL, PHONE, SSN
from tests.processes import BASE_DIR, deployment_env, free_port, wait_for

SECRETS = (SSN, EMAIL, PHONE, ACCOUNT, "jane.doe", "123456789")
QUERY = f"?ssn={SSN}&email={EMAIL}&phone={PHONE}&account={ACCOUNT}"


def _configured_handlers() -> list[logging.Handler]:
    loggers = [logging.getLogger(name) for name in settings.LOGGING["loggers"]]
    handlers = {h for logger in [logging.getLogger(), *loggers] for h in logger.handlers}
    return [h for h in handlers if isinstance(h.formatter, JsonFormatter)]


@pytest.fixture
def every_handler_stream():
    """Points every handler of the LOGGING configuration at one buffer."""
    stream = io.StringIO()
    handlers = _configured_handlers()
    previous = [handler.setStream(stream) for handler in handlers]
    yield stream
    for handler, old in zip(handlers, previous, strict=True):
        handler.setStream(old)


@pytest.mark.urls("tests.security.explode_urls")
def test_error_with_pii_leaves_none_in_any_configured_handler(client, db, every_handler_stream):
    assert _configured_handlers(), "LOGGING configures no stream handler"
    client.raise_request_exception = False
    response = client.get(
        f"/explode/{QUERY}",
        HTTP_X_REQUEST_ID="req-pii-0000001",
        HTTP_REFERER=f"https://example.org/form{QUERY}",
    )
    assert response.status_code == 500
    lines = [json.loads(line) for line in every_handler_stream.getvalue().splitlines()]
    error = next(line for line in lines if line["name"] == "django.request")
    assert (error["level"], error["request_id"]) == ("ERROR", "req-pii-0000001")
    assert "could not parse [ssn] for [email]" in error["exc_info"]
    raw = json.dumps(lines)
    assert [secret for secret in SECRETS if secret in raw] == []


def _gunicorn(env: dict[str, str], out: Path, port: int) -> subprocess.Popen:
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "-c",
        "python:creditgenie.gunicorn_conf",
        "creditgenie.wsgi",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        "1",
    ]
    with out.open("w") as sink:
        return subprocess.Popen(command, env=env, cwd=BASE_DIR, stdout=sink, stderr=sink)


@pytest.mark.processes
def test_real_server_logs_no_pii_in_error_access_or_app_lines(transactional_db, tmp_path):
    database = settings.DATABASES["default"]["NAME"]
    env = deployment_env(
        {
            "DJANGO_SETTINGS_MODULE": "tests.security.explode_settings",
            "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{database}",
            "CREDITGENIE_TENANT": settings.CREDITGENIE_TENANT,
            "SECRET_KEY": "pii-log-test-secret-key-0123456789abcdefghijklmnopqrstuvwxyz",
            "ALLOWED_HOSTS": "127.0.0.1",
            "LOG_LEVEL": "INFO",
        },
        tmp_path,
    )
    (tmp_path / "var" / "static").mkdir(parents=True)  # else WhiteNoise warns, unformatted
    out, port = tmp_path / "server.log", free_port()
    proc = _gunicorn(env, out, port)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(base + "/healthz", proc)
        headers = {"X-Request-ID": "req-pii-real-01", "Referer": f"https://example.org/{QUERY}"}
        failed = requests.get(f"{base}/explode/{QUERY}", headers=headers, timeout=10)
        bad_host = requests.get(base + "/", headers={"Host": f"{SSN}.example"}, timeout=10)
    finally:
        proc.terminate()
        proc.wait(timeout=15)
    assert (failed.status_code, bad_host.status_code) == (500, 400)
    lines = [json.loads(line) for line in out.read_text().splitlines() if line.strip()]
    names = {line["name"] for line in lines}
    assert {"gunicorn.error", "gunicorn.access", "django.request"} <= names
    access = [line["message"] for line in lines if line["name"] == "gunicorn.access"]
    assert any('"GET /explode/ HTTP/1.1" 500' in m and "req-pii-real-01" in m for m in access)
    raw = json.dumps(lines)
    assert [secret for secret in SECRETS if secret in raw] == []
