"""Liveness and readiness: /readyz names the component that is down."""

from __future__ import annotations

import pytest
import requests

from tests.processes import deployment_env, server

pytestmark = pytest.mark.django_db


def test_healthz_answers_without_touching_anything(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz")
    assert response.json() == {"status": "ok"}
    assert response["Cache-Control"].startswith("max-age=0")


def test_readyz_reports_database_and_broker_up(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": "ok", "broker": "ok"}}


def test_readyz_reports_broker_down_with_503(client, settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json() == {
        "status": "unavailable",
        "checks": {"database": "ok", "broker": "down"},
    }


@pytest.mark.processes
def test_readyz_reports_database_down_with_503(tmp_path):
    env = deployment_env(
        {
            "CREDITGENIE_TENANT": "acme",
            "SECRET_KEY": "readyz-test-secret-key-0123456789abcdefghijklmnopqrstuv",
            "DATABASE_URL": "postgres://postgres@127.0.0.1:1/nowhere",
            "DATABASE_CONNECT_TIMEOUT": "2",
        },
        tmp_path,
    )
    with server(env) as url:
        response = requests.get(f"{url}/readyz", timeout=20)
        assert response.status_code == 503
        assert response.json() == {
            "status": "unavailable",
            "checks": {"database": "down", "broker": "ok"},
        }
        # Pages that need the database refuse with 503 instead of a stack trace.
        page = requests.get(f"{url}/", timeout=20)
        assert page.status_code == 503
        assert "The database cannot be reached right now" in page.text
        assert "Traceback" not in page.text
