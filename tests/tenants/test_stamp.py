"""A deployment refuses to serve from a database stamped for another deployment."""

from __future__ import annotations

import html

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from tenants.checks import check_deployment_stamp
from tenants.stamp import stamp_problem

pytestmark = pytest.mark.django_db


def _restamp(slug: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute("UPDATE creditgenie_deployment_stamp SET slug = %s", [slug])


def test_matching_stamp_serves_the_agency_page(client, agency_profile):
    response = client.get("/")
    assert response.status_code == 200
    assert "Welcome to Test Credit Counseling" in response.content.decode()
    assert stamp_problem() is None


def test_foreign_stamp_gets_503_naming_the_problem_and_no_data(client, agency_profile):
    _restamp("other-agency")
    response = client.get("/")
    body = html.unescape(response.content.decode())
    assert response.status_code == 503
    assert "configured for 'test-agency' (agency)" in body
    assert "belongs to 'other-agency' (agency)" in body
    assert "Test Credit Counseling" not in body
    assert client.get("/healthz").status_code == 200


def test_system_check_errors_on_foreign_stamp_and_warns_on_missing(settings):
    assert check_deployment_stamp(databases=["default"]) == []
    _restamp("other-agency")
    errors = check_deployment_stamp(databases=["default"])
    assert [e.id for e in errors] == ["tenants.E001"]
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM creditgenie_deployment_stamp")
    warnings = check_deployment_stamp(databases=["default"])
    assert [w.id for w in warnings] == ["tenants.W001"]
    assert check_deployment_stamp() == []  # without database checks it reads nothing


def test_init_deployment_refuses_a_foreign_database(settings):
    _restamp("other-agency")
    with pytest.raises(CommandError, match="database already belongs to 'other-agency'"):
        call_command("init_deployment", "--name", "X")


@pytest.mark.parametrize(
    "command",
    [
        ("verify_audit",),
        ("rotate_keys",),
        ("grant_access", "someone", "--reason", "support ticket 1"),
    ],
)
def test_commands_that_read_agency_data_refuse_another_agencys_database(settings, command):
    settings.CREDITGENIE_TENANT = "beacon"

    with pytest.raises(CommandError) as refused:
        call_command(*command)

    assert str(refused.value) == (
        "This deployment is configured for 'beacon' (agency) but its database belongs to "
        "'test-agency' (agency). Check DATABASE_URL."
    )
