"""Shared fixtures. The suite runs against the real PostgreSQL and Redis of this
machine (see tests/env_defaults.py); the test database is stamped like a
provisioned agency database."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from counselor.selectors.case import case_workers_forget
from tenants.selectors import agency_profile_forget
from tenants.services import agency_profile_ensure
from tenants.stamp import stamp_write

pytest_plugins = ["tests.platform"]


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: None, django_db_blocker: pytest.FixtureRequest) -> None:
    """The test database carries this deployment's stamp, as provisioning leaves it."""
    with django_db_blocker.unblock():
        stamp_write()


@pytest.fixture(autouse=True)
def _agency_profile_kept_per_test():
    """A test's rows roll back without a signal: no page keeps another test's profile, or
    another test's colleagues in its assignment lists."""
    agency_profile_forget()
    case_workers_forget()
    yield
    agency_profile_forget()
    case_workers_forget()


@pytest.fixture
def agency_profile(db: None):
    return agency_profile_ensure(name="Test Credit Counseling", short_name="Test CC")


@pytest.fixture
def consumer(db: None):
    return get_user_model().objects.create_user(
        username="consumer-a", password="a-long-test-password", first_name="Ana"
    )


@pytest.fixture
def other_consumer(db: None):
    return get_user_model().objects.create_user(
        username="consumer-b", password="a-long-test-password", first_name="Ben"
    )
