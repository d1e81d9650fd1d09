"""Settings read the environment and stop loudly on malformed values."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.processes import BASE_DIR, deployment_env

LOAD = "import django; django.setup(); from django.conf import settings; print(settings.{})"


def _load(tmp_path, expression: str, **values: str) -> subprocess.CompletedProcess:
    env = deployment_env({"SECRET_KEY": "s" * 50, **values}, tmp_path)
    env["DJANGO_SETTINGS_MODULE"] = "creditgenie.settings"
    return subprocess.run(
        [sys.executable, "-c", LOAD.format(expression)],
        env=env,
        cwd=BASE_DIR,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"DJANGO_DEBUG": "maybe"}, "DJANGO_DEBUG='maybe' is not a boolean"),
        ({"CREDITGENIE_ROLE": "worker"}, "CREDITGENIE_ROLE='worker' must be one of agency"),
        ({"CREDITGENIE_TENANT": "Acme!"}, "CREDITGENIE_TENANT='Acme!' must be 3-40"),
        ({"DATABASE_CONN_MAX_AGE": "ten"}, "DATABASE_CONN_MAX_AGE='ten' is not a whole number"),
        ({"DATABASE_URL": "mysq1://x/y"}, "DATABASE_URL is malformed"),
        ({"SECRET_KEY": "", "DJANGO_DEBUG": "false"}, "SECRET_KEY is required"),
        ({"AWS_STORAGE_BUCKET_NAME": "docs"}, "AWS_STORAGE_BUCKET_NAME needs AWS_KMS_KEY_ID"),
        ({"CREDITGENIE_ENV_FILE": "/nonexistent.env"}, "'/nonexistent.env' does not exist"),
    ],
)
def test_malformed_setting_stops_with_a_message_naming_it(tmp_path, values, message):
    result = _load(tmp_path, "DEBUG", **values)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert message in result.stderr


def test_embedded_defaults_when_nothing_is_configured(tmp_path):
    result = _load(
        tmp_path,
        "DATABASES['default']['ENGINE'], settings.CELERY_BROKER_URL, "
        "settings.STORAGES['default']['BACKEND'], settings.DEBUG, settings.SESSION_COOKIE_NAME",
        CELERY_BROKER_URL="",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == (
        "django.db.backends.sqlite3 filesystem:// "
        "django.core.files.storage.FileSystemStorage False cg_local_session"
    )


def test_s3_storage_uses_sse_kms_with_the_agency_key(tmp_path):
    result = _load(
        tmp_path,
        "STORAGES['default']['OPTIONS']['object_parameters']",
        AWS_STORAGE_BUCKET_NAME="acme-docs",
        AWS_KMS_KEY_ID="arn:aws:kms:us-east-1:111122223333:key/acme",
        CREDITGENIE_TENANT="acme",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == (
        "{'ServerSideEncryption': 'aws:kms', "
        "'SSEKMSKeyId': 'arn:aws:kms:us-east-1:111122223333:key/acme'}"
    )


def test_cookie_names_carry_the_tenant_slug(settings):
    assert settings.SESSION_COOKIE_NAME == "cg_test_agency_session"
    assert settings.CSRF_COOKIE_NAME == "cg_test_agency_csrftoken"
    assert settings.SESSION_ENGINE == "django.contrib.sessions.backends.db"
