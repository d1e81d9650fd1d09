"""The KMS key provider against moto's server (a real process): GenerateDataKey, Decrypt
under the deployment's own key only, ReEncrypt on rotation, loud failures."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django.db import connection

from tenants.encryption.exceptions import DecryptionError, KeyProviderError
from tenants.encryption.keys import cache_clear, data_keys_rotate
from tenants.encryption.models import DataKey
from tests.encryption_app import fixtures
from tests.encryption_app.fixtures import kms_key_arn, kms_key_create

if "tests.encryption_app" not in django_settings.INSTALLED_APPS:
    pytest.skip("needs CREDITGENIE_TEST_APPS=true (tests/env_defaults.py)", allow_module_level=True)

from tests.encryption_app.models import Client

# Fixtures shared by the encryption test modules; moto runs once per module.
key_file, local_keys = fixtures.key_file, fixtures.local_keys
moto_server, kms_keys = fixtures.moto_server, fixtures.kms_keys
pytestmark = pytest.mark.processes
TOKEN = re.compile(r"^v1:[0-9a-f]{8}:[A-Za-z0-9_-]+$")


def _client(ssn: str = "123-45-6789") -> Client:
    return Client.objects.create(
        last_name="Lopez",
        ssn=ssn,
        birth_date=datetime.date(1984, 3, 7),
        monthly_income=Decimal("4250.10"),
    )


def _fresh(client: Client) -> Client:
    return Client.objects.get(pk=client.pk)


def _raw_ssn(client: Client) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT ssn FROM encryption_testapp_client WHERE id = %s", [client.pk])
        return cursor.fetchone()[0]


def test_kms_data_key_comes_from_the_agency_key(kms_keys, moto_server):
    client = _client()

    (data_key,) = DataKey.objects.all()
    assert data_key.provider == "kms"
    assert data_key.master_key_id == kms_key_arn(moto_server, kms_keys)
    assert TOKEN.match(_raw_ssn(client))
    assert "123-45-6789" not in _raw_ssn(client)
    cache_clear()  # as in another process: the data key is unwrapped by KMS Decrypt
    loaded = _fresh(client)
    assert (loaded.ssn, loaded.birth_date, loaded.monthly_income) == (
        "123-45-6789",
        datetime.date(1984, 3, 7),
        Decimal("4250.10"),
    )


def test_kms_ciphertext_swapped_between_rows_fails_to_decrypt(kms_keys):
    ana, ben = _client(), _client("987-65-4321")
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE encryption_testapp_client SET ssn = %s WHERE id = %s", [_raw_ssn(ben), ana.pk]
        )

    with pytest.raises(DecryptionError, match="belongs to another row or column"):
        _ = _fresh(ana).ssn


def test_kms_same_value_encrypts_differently_twice(kms_keys):
    assert _raw_ssn(_client()) != _raw_ssn(_client())


def test_kms_other_key_fails_loudly(settings, kms_keys, moto_server):
    client = _client()
    settings.AWS_KMS_KEY_ID = kms_key_create(moto_server)

    with pytest.raises(KeyProviderError, match=r"\(kms\): KMS decrypt refused with AccessDenied"):
        _ = _fresh(client).ssn


def test_kms_data_key_of_another_tenant_fails_loudly(settings, kms_keys):
    client = _client()
    settings.CREDITGENIE_TENANT = "other-agency"

    with pytest.raises(KeyProviderError, match="KMS decrypt refused with InvalidCiphertext"):
        _ = _fresh(client).ssn


def test_kms_rotation_to_a_new_key_keeps_every_value_readable(settings, kms_keys, moto_server):
    clients = [_client(f"{n:03d}-45-6789") for n in range(1, 4)]
    new_key = kms_key_create(moto_server)
    settings.AWS_KMS_KEY_ID = new_key

    call_command("rotate_keys", "--new-data-key")

    new_arn = kms_key_arn(moto_server, new_key)
    assert sorted(DataKey.objects.values_list("provider", "master_key_id", "status")) == [
        ("kms", new_arn, "active"),
        ("kms", new_arn, "retired"),
    ]
    cache_clear()
    assert [_fresh(c).ssn for c in clients] == ["001-45-6789", "002-45-6789", "003-45-6789"]


def test_kms_rotation_is_idempotent(kms_keys, capsys):
    _client()
    wrapped = bytes(DataKey.objects.get().wrapped_key)

    call_command("rotate_keys")

    assert bytes(DataKey.objects.get().wrapped_key) == wrapped
    assert capsys.readouterr().out.endswith("; 1 already current\n")


def test_rotation_from_local_to_kms_needs_no_key_file_afterwards(settings, local_keys, moto_server):
    client = _client()
    settings.CREDITGENIE_KEY_PROVIDER = "kms"
    settings.AWS_KMS_KEY_ID = kms_key_create(moto_server)
    settings.AWS_KMS_ENDPOINT_URL = moto_server

    call_command("rotate_keys")
    local_keys.unlink()
    cache_clear()

    assert DataKey.objects.get().provider == "kms"
    assert _fresh(client).ssn == "123-45-6789"


def test_kms_rotation_from_an_inaccessible_key_fails_and_changes_nothing(settings, kms_keys):
    client = _client()
    wrapped = bytes(DataKey.objects.get().wrapped_key)
    # The encryption context no longer matches. (The command itself would refuse sooner: the
    # database's stamp names another tenant; the service is what is under test here.)
    settings.CREDITGENIE_TENANT = "other-agency"

    with pytest.raises(KeyProviderError, match=r"^data key .*InvalidCiphertext"):
        data_keys_rotate(new_data_key=True)

    assert bytes(DataKey.objects.get().wrapped_key) == wrapped
    assert DataKey.objects.count() == 1
    settings.CREDITGENIE_TENANT = "test-agency"
    assert _fresh(client).ssn == "123-45-6789"


def test_kms_unreachable_fails_loudly_within_its_timeouts(settings, kms_keys):
    client = _client()
    settings.AWS_KMS_ENDPOINT_URL = "http://127.0.0.1:9"
    settings.AWS_KMS_CONNECT_TIMEOUT = 1
    settings.AWS_KMS_MAX_ATTEMPTS = 1

    with pytest.raises(KeyProviderError, match="KMS decrypt failed: EndpointConnectionError"):
        _ = _fresh(client).ssn
