"""Data keys under the local key provider: key file, cache TTL, rotation, wrong keys."""

from __future__ import annotations

import datetime
import os
import subprocess
import sys
from pathlib import Path

import pytest
import time_machine
from django.conf import settings as django_settings
from django.core.management import CommandError, call_command
from django.db import connection

from tenants.encryption.exceptions import KeyProviderError
from tenants.encryption.keyfile import create_key_file, read_key_file
from tenants.encryption.keys import cache_clear
from tenants.encryption.models import DataKey
from tests.encryption_app import fixtures

if "tests.encryption_app" not in django_settings.INSTALLED_APPS:
    pytest.skip("needs CREDITGENIE_TEST_APPS=true (tests/env_defaults.py)", allow_module_level=True)

from tests.encryption_app.models import Client

# Fixtures shared by the encryption test modules.
key_file, local_keys = fixtures.key_file, fixtures.local_keys
pytestmark = pytest.mark.usefixtures("local_keys")
BASE_DIR = Path(__file__).resolve().parents[2]


def _client(ssn: str = "123-45-6789") -> Client:
    return Client.objects.create(last_name="Lopez", ssn=ssn, birth_date=datetime.date(1990, 1, 2))


def _fresh(client: Client) -> Client:
    return Client.objects.get(pk=client.pk)


def _wrapped_keys() -> dict[str, bytes]:
    return {k.id: bytes(k.wrapped_key) for k in DataKey.objects.all()}


def test_key_file_is_owner_only_and_never_overwritten(tmp_path):
    path = tmp_path / "agency.key"
    master = create_key_file(path)

    assert path.stat().st_mode & 0o777 == 0o600
    assert [k.key_id for k in read_key_file(path)] == [master.key_id]
    with pytest.raises(FileExistsError):
        create_key_file(path)


def test_key_file_readable_by_others_is_refused(tmp_path):
    path = tmp_path / "agency.key"
    create_key_file(path)
    path.chmod(0o644)

    with pytest.raises(KeyProviderError, match="accessible to others; chmod 600 it"):
        read_key_file(path)


def test_create_key_file_command_refuses_to_overwrite(local_keys):
    with pytest.raises(CommandError, match="exists; a key file is never overwritten"):
        call_command("create_key_file")


def test_first_write_creates_one_active_local_data_key(local_keys):
    _client()
    _client("987-65-4321")

    (data_key,) = DataKey.objects.all()
    assert data_key.status == DataKey.Status.ACTIVE
    assert data_key.provider == "local"
    assert data_key.master_key_id == read_key_file(local_keys)[-1].key_id
    assert len(bytes(data_key.wrapped_key)) == 12 + 32 + 16


def test_other_key_file_fails_loudly(settings, tmp_path):
    client = _client()
    other = tmp_path / "other.key"
    create_key_file(other)
    settings.CREDITGENIE_KEY_FILE = other

    with pytest.raises(KeyProviderError, match=r"which the key file .*other\.key does not hold"):
        _ = _fresh(client).ssn


def test_wrapped_data_key_copied_to_another_data_key_fails_loudly():
    client = _client()
    call_command("rotate_keys", "--new-data-key")
    active = DataKey.objects.get(status="active")
    DataKey.objects.filter(status="retired").update(wrapped_key=active.wrapped_key)
    cache_clear()  # as in a new process

    with pytest.raises(KeyProviderError, match="altered, or wrapped for another tenant"):
        _ = _fresh(client).ssn


def test_data_key_of_another_tenant_fails_loudly(settings):
    client = _client()
    settings.CREDITGENIE_TENANT = "other-agency"

    with pytest.raises(KeyProviderError, match="wrapped for another tenant or data key"):
        _ = _fresh(client).ssn


def test_data_key_cache_honours_its_ttl(settings):
    settings.CREDITGENIE_DATA_KEY_CACHE_SECONDS = 60
    with time_machine.travel(datetime.datetime(2026, 1, 5, 9, 0, tzinfo=datetime.UTC)) as clock:
        client = _client()
        with connection.cursor() as cursor:
            cursor.execute("UPDATE encryption_datakey SET wrapped_key = %s", [b"\0" * 60])

        clock.shift(59)
        assert _fresh(client).ssn == "123-45-6789"  # the cached key; the row is not read
        clock.shift(2)
        with pytest.raises(KeyProviderError, match="does not unwrap"):
            _ = _fresh(client).ssn


def test_data_key_cache_of_zero_seconds_unwraps_every_time(settings):
    settings.CREDITGENIE_DATA_KEY_CACHE_SECONDS = 0
    client = _client()
    with connection.cursor() as cursor:
        cursor.execute("UPDATE encryption_datakey SET wrapped_key = %s", [b"\0" * 60])

    with pytest.raises(KeyProviderError, match="does not unwrap"):
        _ = _fresh(client).ssn


def test_rotation_to_a_new_master_key_keeps_every_value_readable(local_keys):
    clients = [_client(f"{n:03d}-45-6789") for n in range(1, 4)]
    old_master = read_key_file(local_keys)[-1].key_id

    call_command("rotate_keys", "--new-master-key", "--new-data-key")

    new_master = read_key_file(local_keys)[-1].key_id
    assert new_master != old_master
    assert sorted(DataKey.objects.values_list("master_key_id", "status")) == [
        (new_master, "active"),
        (new_master, "retired"),
    ]
    assert [_fresh(c).ssn for c in clients] == ["001-45-6789", "002-45-6789", "003-45-6789"]


def test_rotation_keeps_values_readable_with_only_the_new_master_key(settings, local_keys):
    client = _client()
    call_command("rotate_keys", "--new-master-key")
    lines = local_keys.read_text().splitlines()
    local_keys.write_text("\n".join([lines[0], lines[-1]]) + "\n")  # drop the old version
    settings.CREDITGENIE_KEY_FILE = local_keys  # a new process: caches empty

    assert _fresh(client).ssn == "123-45-6789"


def test_rotation_with_new_data_key_writes_new_values_under_it():
    old_client = _client()
    old_key = DataKey.objects.get().id

    call_command("rotate_keys", "--new-data-key")
    new_client = _client("555-55-5555")

    new_key = DataKey.objects.get(status="active").id
    assert new_key != old_key
    with connection.cursor() as cursor:
        cursor.execute("SELECT id, ssn FROM encryption_testapp_client ORDER BY id")
        stored = {row[0]: row[1].split(":")[1] for row in cursor.fetchall()}
    assert stored == {old_client.pk: old_key, new_client.pk: new_key}
    assert _fresh(old_client).ssn == "123-45-6789"


def test_rotation_is_idempotent(capsys, local_keys):
    _client()
    call_command("rotate_keys", "--new-master-key")
    wrapped = _wrapped_keys()
    capsys.readouterr()

    call_command("rotate_keys")

    assert _wrapped_keys() == wrapped
    (line,) = capsys.readouterr().out.splitlines()
    master = read_key_file(local_keys)[-1].key_id
    assert line == f"re-wrapped 0 data key(s) under {master}; 1 already current"


def test_rotation_with_a_wrong_key_file_fails_and_changes_nothing(settings, tmp_path):
    client = _client()
    wrapped = _wrapped_keys()
    other = tmp_path / "other.key"
    create_key_file(other)
    settings.CREDITGENIE_KEY_FILE = other

    with pytest.raises(CommandError, match=r"^nothing changed: data key [0-9a-f]{8}: wrapped"):
        call_command("rotate_keys")

    assert _wrapped_keys() == wrapped
    settings.CREDITGENIE_KEY_FILE = tmp_path / "keys" / "test-agency.key"
    assert _fresh(client).ssn == "123-45-6789"


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("CREDITGENIE_KEY_PROVIDER", "vault", "CREDITGENIE_KEY_PROVIDER='vault' must be one of"),
        ("CREDITGENIE_DATA_KEY_CACHE_SECONDS", "-1", "must not be negative"),
        ("CREDITGENIE_DATA_KEY_CACHE_SECONDS", "soon", "is not a whole number"),
        ("CREDITGENIE_BLIND_INDEX_KEY", "abc", "must be 64 lowercase hex digits"),
        ("AWS_KMS_READ_TIMEOUT", "0", "must be at least 1"),
    ],
)
def test_malformed_encryption_setting_stops_the_process(variable, value, message):
    env = os.environ | {variable: value}
    result = subprocess.run(
        [sys.executable, "-c", "import creditgenie.settings"],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert result.returncode == 1
    assert "ImproperlyConfigured" in result.stderr
    assert message in result.stderr


def test_kms_provider_without_key_id_stops_the_process():
    env = os.environ | {"CREDITGENIE_KEY_PROVIDER": "kms", "AWS_KMS_KEY_ID": ""}
    result = subprocess.run(
        [sys.executable, "-c", "import creditgenie.settings"],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert "CREDITGENIE_KEY_PROVIDER=kms needs AWS_KMS_KEY_ID" in result.stderr
