"""JSON log lines carry the request id and no PII."""

from __future__ import annotations

import io
import json
import logging

import pytest
from django.urls import path

from creditgenie.logging import JsonFormatter, RequestIdFilter

SSN, EMAIL, PHONE, ACCOUNT = "123-45-6789", "jane.doe@example.com", "(555) 123-4567", "000123456789"


def _explode(request):
    raise ValueError(f"could not parse {request.POST.get('ssn')} for {request.POST.get('email')}")


urlpatterns = [path("explode/", _explode)]


@pytest.fixture
def log_lines():
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RequestIdFilter())
    loggers = [logging.getLogger("django"), logging.getLogger("django.request")]
    for logger in loggers:
        logger.addHandler(handler)
    yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    for logger in loggers:
        logger.removeHandler(handler)


@pytest.mark.urls("tests.creditgenie.test_logging")
def test_server_error_with_pii_in_request_leaves_no_pii_in_logs(client, log_lines, db):
    client.raise_request_exception = False
    response = client.post(
        f"/explode/?email={EMAIL}&phone={PHONE}",
        {"ssn": SSN, "email": EMAIL, "account": ACCOUNT},
        HTTP_X_REQUEST_ID="req-0123456789",
    )
    assert response.status_code == 500
    assert response["X-Request-ID"] == "req-0123456789"
    lines = log_lines()
    error = next(line for line in lines if line["name"] == "django.request")
    assert error["level"] == "ERROR"
    assert error["request_id"] == "req-0123456789"
    assert "could not parse [ssn] for [email]" in error["exc_info"]
    raw = json.dumps(lines)
    for secret in (SSN, EMAIL, PHONE, ACCOUNT, "jane.doe"):
        assert secret not in raw


def test_request_id_is_generated_when_missing_or_malformed(client, db):
    generated = client.get("/healthz")["X-Request-ID"]
    assert len(generated) == 32
    assert generated != client.get("/healthz")["X-Request-ID"]
    forged = client.get("/healthz", HTTP_X_REQUEST_ID="<script>alert(1)</script>")
    assert forged["X-Request-ID"] != "<script>alert(1)</script>"
    assert len(forged["X-Request-ID"]) == 32


def test_nested_values_are_masked_at_any_depth():
    record = logging.LogRecord(
        "creditgenie.audit", logging.INFO, __file__, 1, "audit event", (), None
    )
    record.audit = {
        "actor_label": EMAIL,
        "seq": 7,
        "notes": [f"call {PHONE}", {"ssn": SSN, EMAIL: ACCOUNT}],
    }
    RequestIdFilter().filter(record)

    line = json.loads(JsonFormatter().format(record))

    assert line["audit"] == {
        "actor_label": "[email]",
        "seq": 7,
        "notes": ["call [phone]", {"ssn": "[ssn]", "[email]": "[number]"}],
    }
