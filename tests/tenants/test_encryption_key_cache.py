"""The active data key is read from the database once, not once per encrypted value."""

from __future__ import annotations

import datetime

import pytest
from django.conf import settings as django_settings
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from tenants.encryption.models import DataKey
from tests.encryption_app import fixtures

if "tests.encryption_app" not in django_settings.INSTALLED_APPS:
    pytest.skip("needs CREDITGENIE_TEST_APPS=true (tests/env_defaults.py)", allow_module_level=True)

from tests.encryption_app.models import Client

key_file, local_keys = fixtures.key_file, fixtures.local_keys
pytestmark = pytest.mark.usefixtures("local_keys")


def _clients(count: int) -> None:
    for n in range(count):
        Client.objects.create(
            last_name="Lopez", ssn=f"{n:03d}-45-6789", birth_date=datetime.date(1990, 1, 2)
        )


def _data_key_queries(count: int) -> int:
    with CaptureQueriesContext(connection) as captured:
        _clients(count)
    return sum("encryption_datakey" in query["sql"] for query in captured)


def test_first_key_created_in_a_transaction_is_read_once_for_any_number_of_values():
    # The test runs inside a transaction, as a seed does: the key is created uncommitted.
    first = _data_key_queries(1)
    more = _data_key_queries(40)  # 120 encrypted values: SSN, birth date, notes

    assert (first, more) == (3, 0)  # no active key, a fresh id, the insert; then none
    assert DataKey.objects.count() == 1


def test_committed_key_is_read_once_then_cached(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _clients(1)

    assert _data_key_queries(40) == 1  # the active key, once


def test_key_created_in_a_rolled_back_savepoint_is_never_used():
    with pytest.raises(RuntimeError), transaction.atomic():
        _clients(1)
        rolled_back = DataKey.objects.get().id
        raise RuntimeError

    _clients(1)

    (key,) = DataKey.objects.all()
    assert key.id != rolled_back
    assert Client.objects.get().ssn == "000-45-6789"
