"""Audit rows and log lines carry ids, roles and actions only: a consumer whose username is
their e-mail address signs in through the real sign-in page, goes through the wizard and
submits (real verification worker and sandboxes), a counselor offers a plan and the consumer
accepts it. Then every column of every audit row written, and every log line emitted at
INFO and above, is scanned for the consumer's name, e-mail, phone, SSN and address."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator

import pytest
from counselor.seed import creditor_terms_seed
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client

from creditgenie.logging import JsonFormatter, RequestIdFilter
from intake.services import application_start
from tenants.audit.models import AuditEvent
from tenants.roles import Role, role_grant
from tests.intake.conftest import url
from tests.integrations.plaid import conftest as plaid_fixtures
from tests.integrations.transunion import conftest as bureau_fixtures
from tests.integrations.warehouse.test_pii_end_to_end import (
    ALL_CONSENTS,
    ZEB,
    ZEB_DEBTS,
    _offer,
    _person,
    _submit_and_verify,
    _wizard,
    celery_worker,
)

plaid_url, plaid = plaid_fixtures.plaid_url, plaid_fixtures.plaid
bureau_url, bureau = bureau_fixtures.bureau_url, bureau_fixtures.bureau
__all__ = ["bureau", "bureau_url", "celery_worker", "plaid", "plaid_url"]

pytestmark = pytest.mark.django_db(transaction=True)

SEEDED = (
    ZEB["first_name"],
    ZEB["last_name"],
    ZEB["email"],
    ZEB["email"].split("@")[0],
    ZEB["phone"],
    "4045550187",
    "555-0187",
    ZEB["ssn"],
    "579310004",
    ZEB["street"],
    "Marigold",
    ZEB["city"],
)
PASSWORD = "a-long-consumer-password-77"


@pytest.fixture
def log_text() -> Iterator[io.StringIO]:
    """Every log line at INFO and above, formatted as the deployment formats it."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RequestIdFilter())
    handler.setLevel(logging.INFO)
    names = ["", "django", "django.server", "creditgenie.audit", "celery"]
    loggers = [logging.getLogger(name) for name in names]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
    yield stream
    for logger, level in zip(loggers, levels, strict=True):
        logger.removeHandler(handler)
        logger.setLevel(level)


def _sign_in_with_email_username() -> tuple[Client, object]:
    consumer = get_user_model().objects.create_user(
        username=ZEB["email"],
        email=ZEB["email"],
        first_name=ZEB["first_name"],
        last_name=ZEB["last_name"],
        password=PASSWORD,
    )
    role_grant(consumer, Role.CONSUMER)
    client = Client()
    signed_in = client.post("/accounts/login/", {"username": ZEB["email"], "password": PASSWORD})
    assert signed_in.status_code == 302, signed_in.content[:1000]
    return client, consumer


def _audit_text(after: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM audit_auditevent WHERE seq > %s ORDER BY seq", [after])
        return "\n".join(" ".join(str(value) for value in row) for row in cursor.fetchall())


def test_audit_rows_and_log_lines_hold_no_personal_data_of_a_whole_journey(
    celery_worker, plaid, bureau, agency_profile, settings, log_text
):
    settings.PLAID_ENV, settings.PLAID_WEBHOOK_URL = "sandbox", ""
    creditor_terms_seed()
    head = AuditEvent.objects.order_by("-seq").values_list("seq", flat=True).first() or 0
    client, consumer = _sign_in_with_email_username()
    application = application_start(consumer=consumer)
    _wizard(client, application, ZEB, ALL_CONSENTS, ZEB_DEBTS)
    assert client.post(url(application, "step-bank"), {"skip": "on"}).status_code == 302
    _submit_and_verify(client, application)
    _counselor_client, counselor = _person("counselor-pii-scan", Role.COUNSELOR)
    offer = _offer(application, counselor)
    accept = {
        "offer": str(offer.public_id),
        "document_hash": offer.document_hash,
        "typed_name": f"{ZEB['first_name']} {ZEB['last_name']}",
        "consent": "on",
    }
    assert client.post(url(application, "offer-accept"), accept).status_code == 302

    events = AuditEvent.objects.filter(seq__gt=head)
    audit, logs = _audit_text(head), log_text.getvalue()

    # The journey was audited and logged (so the scans below can fail) ...
    assert events.filter(actor=consumer, action="login").count() == 1
    assert events.filter(actor=consumer).count() >= 10
    assert set(events.filter(actor=consumer).values_list("actor_label", flat=True)) == {
        f"user-{consumer.pk}"
    }
    assert f"user-{consumer.pk}" in logs
    # ... and neither holds a trace of the person.
    assert [value for value in SEEDED if value.lower() in audit.lower()] == []
    assert [value for value in SEEDED if value.lower() in logs.lower()] == []
