"""Encrypted fields on PostgreSQL, local key provider: what the database holds and what
happens to ciphertext that is moved, altered or queried."""

from __future__ import annotations

import datetime
import re
import uuid
from decimal import Decimal

import pytest
from django.conf import settings as django_settings
from django.db import connection, models, transaction
from django.test.utils import isolate_apps

from tenants.encryption.exceptions import (
    DecryptionError,
    EncryptedLookupError,
    EncryptedWriteError,
)
from tenants.encryption.fields import EncryptedFieldMixin, EncryptedTextField, Sealed
from tenants.encryption.models import DataKey
from tests.encryption_app import fixtures

if "tests.encryption_app" not in django_settings.INSTALLED_APPS:
    pytest.skip("needs CREDITGENIE_TEST_APPS=true (tests/env_defaults.py)", allow_module_level=True)

from tests.encryption_app.models import BankAccount, Client

# Fixtures shared by the encryption test modules.
key_file, local_keys = fixtures.key_file, fixtures.local_keys
pytestmark = pytest.mark.usefixtures("local_keys")

TOKEN = re.compile(r"^v1:[0-9a-f]{8}:[A-Za-z0-9_-]+$")
ENCRYPTED_COLUMNS = [f.column for f in Client._meta.fields if isinstance(f, EncryptedFieldMixin)]
PLAINTEXTS = {
    "ssn": "123-45-6789",
    "email": "ana.lopez@example.org",
    "phone": "(555) 010-0199",
    "birth_date": "1984-03-07",
    "monthly_income": "4250.10",
    "notes": "Lost job in March; behind on two cards.",
}


def _client(**overrides: object) -> Client:
    values = {
        "last_name": "Lopez",
        "ssn": PLAINTEXTS["ssn"],
        "email": PLAINTEXTS["email"],
        "phone": PLAINTEXTS["phone"],
        "birth_date": datetime.date(1984, 3, 7),
        "monthly_income": Decimal("4250.10"),
        "notes": PLAINTEXTS["notes"],
    }
    return Client.objects.create(**(values | overrides))


def _raw(client: Client, column: str) -> str | None:
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {connection.ops.quote_name(column)} FROM encryption_testapp_client "  # noqa: S608
            "WHERE id = %s",
            [client.pk],
        )
        return cursor.fetchone()[0]


def _sql(statement: str, params: list[object]) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def test_encrypted_columns_hold_only_v1_ciphertext_in_raw_sql():
    client = _client()
    data_key = DataKey.objects.get()

    raw = {column: _raw(client, column) for column in ENCRYPTED_COLUMNS}

    assert sorted(raw) == sorted(PLAINTEXTS)
    for column, stored in raw.items():
        assert TOKEN.match(stored), column
        assert stored.split(":")[1] == data_key.id
        assert PLAINTEXTS[column] not in stored
        assert "Lopez" not in stored


def test_encrypted_values_round_trip_with_their_python_types():
    created = _client()

    loaded = Client.objects.get(pk=created.pk)

    assert loaded.ssn == "123-45-6789"
    assert loaded.email == "ana.lopez@example.org"
    assert loaded.birth_date == datetime.date(1984, 3, 7)
    assert loaded.monthly_income == Decimal("4250.10")
    assert type(loaded.monthly_income) is Decimal
    assert loaded.notes == PLAINTEXTS["notes"]


def test_encrypted_value_stays_plaintext_on_the_saved_instance():
    client = _client()

    assert client.ssn == "123-45-6789"
    assert client.birth_date == datetime.date(1984, 3, 7)


def test_ciphertext_swapped_between_rows_fails_to_decrypt():
    ana = _client()
    ben = _client(last_name="Baker", ssn="987-65-4321")
    _sql(
        "UPDATE encryption_testapp_client SET ssn = CASE id WHEN %s THEN %s ELSE %s END "
        "WHERE id IN (%s, %s)",
        [ana.pk, _raw(ben, "ssn"), _raw(ana, "ssn"), ana.pk, ben.pk],
    )
    ana_loaded, ben_loaded = Client.objects.get(pk=ana.pk), Client.objects.get(pk=ben.pk)

    for loaded in (ana_loaded, ben_loaded):
        with pytest.raises(DecryptionError) as error:
            _ = loaded.ssn
        assert str(error.value) == (
            f"cannot decrypt encryption_testapp.client.ssn|{loaded.public_id}: the "
            f"ciphertext under data key {DataKey.objects.get().id} does not verify: it "
            "belongs to another row or column, or was altered"
        )
    assert ana_loaded.email == "ana.lopez@example.org"


def test_ciphertext_copied_to_another_column_fails_to_decrypt():
    client = _client()
    _sql(
        "UPDATE encryption_testapp_client SET notes = ssn WHERE id = %s",
        [client.pk],
    )

    loaded = Client.objects.get(pk=client.pk)

    assert loaded.ssn == "123-45-6789"
    with pytest.raises(DecryptionError, match=r"client\.notes\|.*does not verify"):
        _ = loaded.notes


def test_altered_ciphertext_fails_to_decrypt():
    client = _client()
    stored = _raw(client, "ssn")
    last = stored[-2]
    altered = stored[:-2] + ("A" if last != "A" else "B") + stored[-1]
    _sql("UPDATE encryption_testapp_client SET ssn = %s WHERE id = %s", [altered, client.pk])

    with pytest.raises(DecryptionError, match="does not verify"):
        _ = Client.objects.get(pk=client.pk).ssn


def test_malformed_stored_value_fails_to_decrypt():
    client = _client()
    _sql("UPDATE encryption_testapp_client SET ssn = %s WHERE id = %s", ["123-45-6789", client.pk])

    with pytest.raises(DecryptionError, match="not in the v1 ciphertext format"):
        _ = Client.objects.get(pk=client.pk).ssn


def test_same_value_encrypts_differently_twice():
    ana, ben = _client(), _client()
    first = _raw(ana, "ssn")

    ana.save()

    assert first != _raw(ana, "ssn")
    assert _raw(ana, "ssn") != _raw(ben, "ssn")
    assert Client.objects.get(pk=ana.pk).ssn == Client.objects.get(pk=ben.pk).ssn


def test_ssn_ciphertext_is_64_characters():
    client = _client()

    assert len(_raw(client, "ssn")) == 64


def test_null_encrypted_value_is_null_in_sql_and_found_by_isnull():
    client = _client(email=None, birth_date=None, monthly_income=None)

    assert _raw(client, "email") is None
    assert list(Client.objects.filter(email__isnull=True)) == [client]
    assert Client.objects.get(pk=client.pk).monthly_income is None


def test_empty_text_is_encrypted_too():
    client = _client(notes="")

    assert TOKEN.match(_raw(client, "notes"))
    assert Client.objects.get(pk=client.pk).notes == ""


@pytest.mark.parametrize("lookup", ["ssn", "ssn__icontains", "ssn__startswith", "ssn__in"])
def test_lookup_on_encrypted_field_is_refused(lookup):
    value = ["123-45-6789"] if lookup.endswith("__in") else "123-45-6789"
    with pytest.raises(EncryptedLookupError) as error:
        Client.objects.filter(**{lookup: value})
    assert str(error.value) == (
        "encryption_testapp.Client.ssn is encrypted and supports only __isnull; search "
        "through its blind index (tenants.encryption.blind_index)"
    )


@pytest.mark.parametrize(
    ("lookup", "message"),
    [("birth_date__year", "supports only __isnull"), ("birth_date__year__gt", r"\(__year\)")],
)
def test_transform_on_encrypted_date_is_refused(lookup, message):
    with pytest.raises(EncryptedLookupError, match=message):
        Client.objects.filter(**{lookup: 1984})


def test_queryset_update_of_encrypted_field_is_refused():
    client = _client()

    # transaction.atomic(): update() marks the enclosing transaction for rollback.
    with pytest.raises(EncryptedWriteError, match=r"Model\.save"), transaction.atomic():
        Client.objects.filter(pk=client.pk).update(ssn="000-00-0000")
    assert Client.objects.get(pk=client.pk).ssn == "123-45-6789"


def test_bulk_update_of_encrypted_field_is_refused():
    client = _client()
    client.ssn = "000-00-0000"

    with pytest.raises(EncryptedWriteError):
        Client.objects.bulk_update([client], ["ssn"])


def test_bulk_create_encrypts_each_row():
    rows = Client.objects.bulk_create(
        [Client(last_name="Lopez", ssn="111-11-1111"), Client(last_name="Ng", ssn="222-22-2222")]
    )

    assert [TOKEN.match(_raw(row, "ssn")) is not None for row in rows] == [True, True]
    assert sorted(c.ssn for c in Client.objects.all()) == ["111-11-1111", "222-22-2222"]


def test_values_query_returns_sealed_tokens_not_plaintext():
    client = _client()

    (row,) = Client.objects.values_list("ssn", flat=True)

    assert row == Sealed(_raw(client, "ssn"))


def test_deferred_encrypted_field_is_loaded_and_decrypted_on_access():
    client = _client()

    loaded = Client.objects.only("last_name").get(pk=client.pk)

    assert loaded.get_deferred_fields() >= {"ssn"}
    assert loaded.ssn == "123-45-6789"


def test_decimal_field_refuses_float():
    with pytest.raises(TypeError, match="never a float"):
        _client(monthly_income=4250.1)


def test_decimal_field_stores_string_input_rounded_to_its_places():
    client = _client(monthly_income="1999.999")

    assert Client.objects.get(pk=client.pk).monthly_income == Decimal("2000.00")


def test_uuid_primary_key_serves_as_row_identity():
    account = BankAccount.objects.create(account_number="000123456789")
    other = BankAccount.objects.create(account_number="000987654321")
    _sql(
        "UPDATE encryption_testapp_bankaccount SET account_number = "
        "(SELECT account_number FROM encryption_testapp_bankaccount WHERE id = %s) "
        "WHERE id = %s",
        [other.pk, account.pk],
    )

    assert BankAccount.objects.get(pk=other.pk).account_number == "000987654321"
    with pytest.raises(DecryptionError):
        _ = BankAccount.objects.get(pk=account.pk).account_number


@isolate_apps("tests.encryption_app")
def test_model_without_row_identity_fails_the_system_check():
    class Loose(models.Model):  # noqa: DJ008
        ssn = EncryptedTextField()

        class Meta:
            app_label = "encryption_testapp"

    errors = Loose.check()

    assert [e.id for e in errors] == ["encryption.E001"]
    assert errors[0].msg == (
        "EncryptedTextField 'ssn' needs a stable row identity: the model has no field 'public_id'"
    )


@isolate_apps("tests.encryption_app")
def test_identity_without_default_fails_the_system_check():
    class Loose(models.Model):  # noqa: DJ008
        public_id = models.UUIDField(unique=True)
        ssn = EncryptedTextField()

        class Meta:
            app_label = "encryption_testapp"

    assert [e.msg.split(": ")[1] for e in Loose.check()] == [
        "'public_id' is not a UUIDField with a callable default"
    ]


@isolate_apps("tests.encryption_app")
def test_unique_encrypted_field_fails_the_system_check():
    class Indexed(models.Model):  # noqa: DJ008
        public_id = models.UUIDField(default=uuid.uuid4, unique=True)
        ssn = EncryptedTextField(unique=True)

        class Meta:
            app_label = "encryption_testapp"

    assert [e.id for e in Indexed.check()] == ["encryption.E002"]
