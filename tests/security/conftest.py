"""People of every role, and a clean rate-limit cache for each test."""

from __future__ import annotations

import runpy
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache

import creditgenie.settings as settings_module
from intake.models import Application
from tenants.roles import Role, role_grant

ACTORS = ("anonymous", "consumer_a", "consumer_b", "counselor", "supervisor", "agency_admin")
# Values that identify consumer A; none may appear in a page served to anyone else.
CONSUMER_A_NAME = ("Quintessa", "Marchbanks")


@dataclass
class Cast:
    users: dict[str, object]  # actor -> user (None for anonymous)
    application_a: Application
    application_b: Application

    def secrets_of_a(self) -> tuple[str, ...]:
        return (str(self.application_a.public_id), *CONSUMER_A_NAME, "consumer-a-matrix")


def _person(username: str, role: str, **extra: object):
    user = get_user_model().objects.create_user(
        username=username, password="a-long-test-password", **extra
    )
    role_grant(user, role)
    return user


@pytest.fixture(autouse=True)
def _empty_rate_limit_cache() -> None:
    cache.clear()


@pytest.fixture
def cast(db, agency_profile) -> Cast:
    first, last = CONSUMER_A_NAME
    consumer_a = _person("consumer-a-matrix", Role.CONSUMER, first_name=first, last_name=last)
    consumer_b = _person("consumer-b-matrix", Role.CONSUMER, first_name="Ben")
    users = {
        "anonymous": None,
        "consumer_a": consumer_a,
        "consumer_b": consumer_b,
        "counselor": _person("counselor-matrix", Role.COUNSELOR),
        "supervisor": _person("supervisor-matrix", Role.SUPERVISOR),
        # As provisioned today: the agency's administrator is staff and superuser.
        "agency_admin": _person(
            "admin-matrix", Role.AGENCY_ADMIN, is_staff=True, is_superuser=True
        ),
    }
    return Cast(
        users=users,
        application_a=Application.objects.create(consumer=consumer_a),
        application_b=Application.objects.create(consumer=consumer_b),
    )


@pytest.fixture
def frontdoor_settings(settings, monkeypatch):
    """This test process's settings switched to the front door's role, middleware included
    (settings.py builds a different stack per role)."""
    monkeypatch.setenv("CREDITGENIE_ROLE", "frontdoor")
    monkeypatch.setenv("CREDITGENIE_TENANT", "frontdoor")
    frontdoor = runpy.run_path(str(Path(settings_module.__file__)), run_name="frontdoor_settings")
    settings.IS_FRONTDOOR = True
    settings.MIDDLEWARE = frontdoor["MIDDLEWARE"]
    settings.ROOT_URLCONF = frontdoor["ROOT_URLCONF"]
    return settings
