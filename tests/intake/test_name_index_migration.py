"""Names stored before the full-name search index existed are indexed by its migration."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from intake.models import Household
from tenants.encryption.blind_index import blind_index

BEFORE = [("intake", "0005_analytics_categories")]
AFTER = [("intake", "0006_household_name_index")]


@pytest.mark.django_db(transaction=True)
def test_the_migration_indexes_names_already_stored():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    user = old.get_model("auth", "User").objects.create(username="before-the-index")
    application = old.get_model("intake", "Application").objects.create(consumer=user)
    households = old.get_model("intake", "Household").objects
    named = households.create(application=application, first_name="José", last_name="Núñez")
    other = old.get_model("intake", "Application").objects.create(consumer=user, status="submitted")
    unnamed = households.create(application=other, first_name="José")

    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    # Back to the latest schema, which the tests after this one expect.
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    assert Household.objects.get(pk=named.pk).name_index == blind_index(
        "full_name", "jose", "nunez"
    )
    assert Household.objects.get(pk=unnamed.pk).name_index is None
