"""Production settings pass ``manage.py check --deploy --fail-level WARNING`` in both roles."""

from __future__ import annotations

import secrets

import pytest

from tests.processes import deployment_env, manage


def _production_env(role: str, tmp_path, **overrides: str) -> dict[str, str]:
    values = {
        "CREDITGENIE_ROLE": role,
        "CREDITGENIE_TENANT": "frontdoor" if role == "frontdoor" else "acme",
        "DJANGO_DEBUG": "false",
        "CREDITGENIE_HTTPS": "true",
        "CREDITGENIE_DEV_LOGIN": "false",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": "acme.example.org",
        "CACHE_URL": "redis://127.0.0.1:6379/13",
    }
    return deployment_env(values | overrides, tmp_path)


@pytest.mark.parametrize("role", ["agency", "frontdoor"])
def test_production_settings_pass_the_deploy_check(role, tmp_path):
    result = manage(
        _production_env(role, tmp_path), "check", "--deploy", "--fail-level", "WARNING", check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "System check identified no issues (0 silenced)."


def test_startup_refuses_https_off_without_debug_or_the_local_run_flag(tmp_path):
    env = _production_env("agency", tmp_path, CREDITGENIE_HTTPS="false")
    env.pop("CREDITGENIE_LOCAL_RUN", None)  # the test suite's own environment sets it
    result = manage(env, "check", check=False)
    assert result.returncode == 1
    assert (
        "django.core.exceptions.ImproperlyConfigured: CREDITGENIE_HTTPS=false is refused with "
        "DJANGO_DEBUG off: a deployment serves https only. For a local run on this machine set "
        "CREDITGENIE_LOCAL_RUN=true as well."
    ) in result.stderr


def test_deploy_check_fails_when_https_is_off_for_a_local_run(tmp_path):
    env = _production_env(
        "agency", tmp_path, CREDITGENIE_HTTPS="false", CREDITGENIE_LOCAL_RUN="true"
    )
    result = manage(env, "check", "--deploy", "--fail-level", "WARNING", check=False)
    assert result.returncode == 1
    for warning in ("security.W004", "security.W008", "security.W012", "security.W016"):
        assert warning in result.stderr
