"""Liveness and readiness: /readyz names the component that is down."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import requests

from tenants.audit.models import ChainVerification
from tests.processes import deployment_env, server

pytestmark = pytest.mark.django_db


def test_healthz_answers_without_touching_anything(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz")
    assert response.json() == {"status": "ok"}
    assert response["Cache-Control"].startswith("max-age=0")


UP = {"database": "ok", "stamp": "ok", "broker": "ok"}


def test_readyz_reports_database_stamp_and_broker_up(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "checks": UP,
        "details": {"audit_chain": "not verified yet"},
    }


def test_readyz_is_503_naming_the_stamp_of_another_agency(client, settings):
    settings.CREDITGENIE_TENANT = "beacon"
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json() == {
        "status": "unavailable",
        "checks": {"database": "ok", "stamp": "mismatch", "broker": "ok"},
        "details": {
            "stamp": "This deployment is configured for 'beacon' (agency) but its database "
            "belongs to 'test-agency' (agency). Check DATABASE_URL."
        },
    }


def test_readyz_shows_a_broken_audit_chain_in_details_without_a_503(client):
    ChainVerification.objects.create(
        ran_at=datetime(2026, 3, 4, 5, 6, tzinfo=UTC),
        intact=False,
        rows=41,
        last_seq=42,
        first_bad_seq=17,
        problem="row 17: content does not match its hash (row altered or re-hashed)",
    )
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json()["details"] == {
        "audit_chain": "BROKEN from row 17, verified 2026-03-04 05:06 UTC: row 17: content does "
        "not match its hash (row altered or re-hashed)"
    }


def test_readyz_reports_broker_down_with_503(client, settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json() == {
        "status": "unavailable",
        "checks": {"database": "ok", "stamp": "ok", "broker": "down"},
        "details": {"audit_chain": "not verified yet"},
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
            "checks": {"database": "down", "stamp": "unknown", "broker": "ok"},
            "details": {},
        }
        # Pages that need the database refuse with 503 instead of a stack trace.
        page = requests.get(f"{url}/", timeout=20)
        assert page.status_code == 503
        assert "The database cannot be reached right now" in page.text
        assert "Traceback" not in page.text
