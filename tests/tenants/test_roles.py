"""A signed-in request's user comes with their roles in one query, through either sign-in
backend; roles granted later are read again."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext

from integrations.oidc.backend import OidcBackend
from tenants.backends import PasswordBackend
from tenants.roles import Role, role_grant, roles_of, user_with_roles

pytestmark = pytest.mark.django_db


@pytest.fixture
def supervisor():
    user = get_user_model().objects.create_user(username="sup-1", password="long-test-pw-1")
    role_grant(user, Role.SUPERVISOR)
    role_grant(user, Role.COUNSELOR)
    return user


@pytest.mark.parametrize("backend", [PasswordBackend, OidcBackend])
def test_the_user_of_a_session_comes_with_their_roles_in_one_query(
    backend, supervisor, django_assert_num_queries
):
    with django_assert_num_queries(1):
        user = backend().get_user(supervisor.pk)
        roles = roles_of(user)

    assert user == supervisor
    assert roles == {Role.SUPERVISOR, Role.COUNSELOR}


def test_a_user_without_roles_has_none_and_an_unknown_id_no_user(consumer):
    assert roles_of(user_with_roles(consumer.pk)) == frozenset()
    assert user_with_roles(consumer.pk + 1000) is None


def test_a_role_granted_after_loading_is_read_again(consumer):
    user = user_with_roles(consumer.pk)
    role_grant(user, Role.COUNSELOR)

    assert roles_of(user) == {Role.COUNSELOR}


def test_an_inactive_account_gets_no_password_session_user(supervisor):
    supervisor.is_active = False
    supervisor.save()

    assert PasswordBackend().get_user(supervisor.pk) is None


def test_signed_in_pages_ask_for_no_roles_beside_the_user(client, supervisor):
    client.force_login(supervisor)
    assert client.session["_auth_user_backend"] == "tenants.backends.PasswordBackend"

    with CaptureQueriesContext(connection) as queries:
        assert client.get("/counselor/supervisor/").status_code == 200

    assert not [q for q in queries if q["sql"].startswith('SELECT "auth_group"."name"')]
