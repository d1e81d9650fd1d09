"""Submissions queued before the generalisation existed are held by its migration, their old
bands as the finest profile, so they too ship only among five alike."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from integrations.warehouse.deidentify import PROFILE_COLUMNS
from integrations.warehouse.generalise import Fine, generalised
from integrations.warehouse.models import OutboxEvent

BEFORE = [("integrations", "0005_consumer_profile_encrypted")]
AFTER = [("integrations", "0006_warehouse_profile_release")]
SUBJECT = {"consumer_pid": "a" * 64, "case_pid": "b" * 64}


@pytest.fixture
def latest_schema():
    """Every app back at its latest migration afterwards, whatever the test left."""
    yield
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_the_migration_holds_submissions_queued_with_the_old_bands(latest_schema):
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    outbox = executor.loader.project_state(BEFORE).apps.get_model("integrations", "OutboxEvent")
    old_bands = {
        "age_band": "35-44",
        "zip3": "000",
        "household_band": "3-4",
        "income_band": "3000-3999",
        "debt_band": "20000-34999",
    }
    queued = outbox.objects.create(
        event_type="submitted", schema_version=1, payload=SUBJECT | old_bands
    )
    started = outbox.objects.create(
        event_type="application_started", schema_version=1, payload=SUBJECT | {"language": "en"}
    )

    MigrationExecutor(connection).migrate(AFTER)

    held = OutboxEvent.objects.get(pk=queued.pk)
    assert (held.released, held.schema_version) == (False, 2)
    assert held.payload == SUBJECT | dict.fromkeys(PROFILE_COLUMNS)
    assert held.profile == {
        "zip3": None,  # "000" was a small area: unknown now
        "age": "35-44",
        "household": "3-4",
        "income": "3000-3999",
        "debt": "20000-34999",
    }
    assert generalised(Fine(**held.profile), 2)["age_band"] == "35-44"
    assert OutboxEvent.objects.get(pk=started.pk).released is True
