"""Retention: abandoned drafts and closed cases are purged after their periods, with their
stored files; consents hold a case for 5 years; the audit stub survives; runs are idempotent."""

from __future__ import annotations

import datetime as dt
import logging

import pytest
import time_machine
from django.contrib.auth import get_user_model

from intake.models import Application
from intake.services import retention
from intake.services.retention import PartHandler, consent_keep_until, retention_purge
from integrations.models import ConsumerProfile
from integrations.oidc.services import consumer_profile_set
from tenants.audit.models import AuditEvent
from tenants.roles import Role, role_grant
from tenants.uploads.models import StoredFile
from tenants.uploads.services import stored_file_create
from tests.tenants.uploads_fixtures import local_files, pdf_bytes, upload

__all__ = ["local_files"]
pytestmark = pytest.mark.django_db
START = dt.datetime(2026, 1, 5, 9, 30, tzinfo=dt.UTC)


def _application(consumer, status: str = Application.Status.DRAFT, at: dt.datetime = START):
    with time_machine.travel(at, tick=False):
        return Application.objects.create(consumer=consumer, status=status)


def _file(application: Application) -> StoredFile:
    return stored_file_create(
        upload=upload("pay stub.pdf", pdf_bytes()),
        actor=application.consumer,
        role=Role.CONSUMER,
        purpose="intake documents",
        case_id=str(application.public_id),
    )


def _stub(application: Application) -> list[tuple[str, str, str, str]]:
    rows = AuditEvent.objects.filter(case_id=str(application.public_id), action="purge")
    return list(rows.order_by("seq").values_list("object_type", "role", "actor_label", "purpose"))


def test_retention_purges_an_abandoned_draft_with_its_files(local_files, consumer):
    application = _application(consumer)
    stored = _file(application)
    path = local_files / stored.storage_key
    consumer_profile_set(
        user=consumer, given_name="Ana", family_name="Lopez", email="ana@example.org"
    )
    consumer.save()

    run = retention_purge(now=START + dt.timedelta(days=181))

    assert (run.purged, run.held, run.files) == (
        {"abandoned-draft": 1, "closed-case": 0},
        {"abandoned-draft": 0, "closed-case": 0},
        1,
    )
    assert not Application.objects.filter(pk=application.pk).exists()
    assert not StoredFile.objects.filter(pk=stored.pk).exists() and not path.exists()
    consumer.refresh_from_db()
    assert (consumer.first_name, consumer.last_name, consumer.email) == ("", "", "")
    assert not ConsumerProfile.objects.filter(user=consumer).exists()
    assert _stub(application) == [
        ("stored_file", "system", "system", "retention"),
        ("application", "system", "system", "retention: abandoned-draft"),
        ("user", "system", "system", "retention: personal fields of the account"),
    ]


def test_retention_keeps_a_draft_inside_its_period(consumer):
    application = _application(consumer)

    run = retention_purge(now=START + dt.timedelta(days=179))

    assert run.purged == {"abandoned-draft": 0, "closed-case": 0}
    application.refresh_from_db()
    assert application.status == "draft"


def test_retention_purges_closed_cases_after_five_years_only(consumer, other_consumer):
    closed = _application(consumer, Application.Status.CLOSED)
    recent = _application(other_consumer, Application.Status.CLOSED, START + dt.timedelta(days=30))

    run = retention_purge(now=START + dt.timedelta(days=1828))

    assert run.purged == {"abandoned-draft": 0, "closed-case": 1}
    assert list(Application.objects.values_list("pk", flat=True)) == [recent.pk]
    assert _stub(closed)[0] == ("application", "system", "system", "retention: closed-case")


@pytest.mark.parametrize("status", ["submitted", "in_review", "offered", "enrolled"])
def test_retention_never_purges_an_open_case(consumer, status):
    application = _application(consumer, status)

    run = retention_purge(now=START + dt.timedelta(days=3650))

    assert sum(run.purged.values()) == 0
    assert Application.objects.filter(pk=application.pk).exists()


def test_retention_keeps_the_consumer_name_while_another_case_remains(consumer):
    _application(consumer, Application.Status.CLOSED)
    _application(consumer, Application.Status.ENROLLED)

    retention_purge(now=START + dt.timedelta(days=1828))

    consumer.refresh_from_db()
    assert (consumer.first_name, Application.objects.filter(consumer=consumer).count()) == (
        "Ana",
        1,
    )


def test_retention_never_blanks_a_staff_account(consumer):
    role_grant(consumer, Role.COUNSELOR)
    _application(consumer)

    retention_purge(now=START + dt.timedelta(days=181))

    consumer.refresh_from_db()
    assert consumer.first_name == "Ana"


def test_retention_consent_hold_keeps_the_case_for_five_years(monkeypatch, consumer):
    application = _application(consumer)
    consent_given = START + dt.timedelta(days=2)
    purged: list[int] = []
    handler = PartHandler(
        "intake.Consent",
        purge=lambda app: purged.append(app.pk) or 1,
        keep_until=lambda app: consent_keep_until(consent_given),
    )
    monkeypatch.setitem(retention._part_handlers, handler.label, handler)

    held = retention_purge(now=START + dt.timedelta(days=400))
    after = retention_purge(now=consent_given + dt.timedelta(days=1827, seconds=1))

    assert (held.held["abandoned-draft"], held.purged["abandoned-draft"]) == (1, 0)
    assert (after.held["abandoned-draft"], after.purged["abandoned-draft"]) == (0, 1)
    assert purged == [application.pk]
    assert consent_keep_until(START) == START + dt.timedelta(days=1827)


def test_retention_is_idempotent(local_files, consumer):
    application = _application(consumer)
    _file(application)
    now = START + dt.timedelta(days=200)

    first, second = retention_purge(now=now), retention_purge(now=now)

    assert (first.purged["abandoned-draft"], second.purged["abandoned-draft"]) == (1, 0)
    assert second.files == 0
    assert len(_stub(application)) == 3


def test_retention_works_through_every_batch(settings):
    settings.CREDITGENIE_RETENTION_BATCH_SIZE = 2
    users = [
        get_user_model().objects.create_user(username=f"consumer-{n}", first_name="Zoe")
        for n in range(5)
    ]
    for user in users:
        _application(user)

    run = retention_purge(now=START + dt.timedelta(days=181))

    assert run.purged["abandoned-draft"] == 5
    assert Application.objects.count() == 0


def test_retention_log_line_counts_without_personal_data(caplog, consumer):
    _application(consumer)

    with caplog.at_level(logging.INFO, logger="creditgenie.retention"):
        retention_purge(now=START + dt.timedelta(days=181))

    lines = [(r.message, r.rule, r.purged, r.held, r.files) for r in caplog.records]
    assert lines == [
        ("retention purge", "abandoned-draft", 1, 0, 0),
        ("retention purge", "closed-case", 0, 0, 0),
    ]
    assert "consumer-a" not in caplog.text and "Ana" not in caplog.text
