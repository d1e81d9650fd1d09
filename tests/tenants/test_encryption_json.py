"""EncryptedJSONField: a whole JSON document as one ciphertext, bound to its row."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.conf import settings as django_settings
from django.db import connection

from tenants.encryption.exceptions import (
    DecryptionError,
    EncryptedLookupError,
    EncryptedWriteError,
)
from tests.encryption_app import fixtures

if "tests.encryption_app" not in django_settings.INSTALLED_APPS:
    pytest.skip("needs CREDITGENIE_TEST_APPS=true (tests/env_defaults.py)", allow_module_level=True)

from tests.encryption_app.models import Plan

key_file, local_keys = fixtures.key_file, fixtures.local_keys
pytestmark = pytest.mark.usefixtures("local_keys")
TERMS = {"creditor": "Zephyrine Credit Union", "balance": Decimal("13579.83"), "lines": [1, 2]}


def _raw(plan: Plan) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT terms FROM encryption_testapp_plan WHERE id = %s", [plan.pk])
        return cursor.fetchone()[0]


def test_a_document_is_stored_sealed_and_reads_back_with_decimals_as_strings():
    plan = Plan.objects.create(terms=TERMS)

    raw = _raw(plan)
    assert raw.startswith("v1:")
    assert "Zephyrine" not in raw and "13579" not in raw
    assert Plan.objects.get(pk=plan.pk).terms == {
        "creditor": "Zephyrine Credit Union",
        "balance": "13579.83",
        "lines": [1, 2],
    }


def test_key_lookups_and_updates_are_refused():
    plan = Plan.objects.create(terms=TERMS)

    with pytest.raises(EncryptedLookupError, match=r"encryption_testapp\.Plan\.terms"):
        Plan.objects.filter(terms__creditor="Zephyrine Credit Union").count()
    with pytest.raises(EncryptedWriteError):
        Plan.objects.filter(pk=plan.pk).update(terms={"creditor": "x"})


def test_a_document_copied_to_another_row_does_not_decrypt():
    first, second = Plan.objects.create(terms=TERMS), Plan.objects.create(terms={})
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE encryption_testapp_plan SET terms = %s WHERE id = %s", [_raw(first), second.pk]
        )

    with pytest.raises(DecryptionError, match=str(second.public_id)):
        _ = Plan.objects.get(pk=second.pk).terms
