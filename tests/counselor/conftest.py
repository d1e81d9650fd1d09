"""Shared fixtures for the counselor workspace tests: staff, step-up, demo terms, a case."""

from __future__ import annotations

import copy
import time

import pytest
from django.contrib.auth import get_user_model

from counselor.demo.terms import DEMO_INPUTS, creditor_terms_seed
from counselor.services.proposals import proposal_start
from tenants.roles import role_grant
from tenants.signin import AUTH_TIME
from tests.counselor.cases import sent_application


@pytest.fixture
def make_staff(db):
    def make(username: str, *roles: str):
        user = get_user_model().objects.create_user(username=username, password="long-test-pw-1")
        for role in roles:
            role_grant(user, role)
        return user

    return make


def recent_auth(client) -> None:
    """The session's verified sign-in is fresh (step-up satisfied)."""
    session = client.session
    session[AUTH_TIME] = time.time()
    session.save()


@pytest.fixture
def terms(db):
    return creditor_terms_seed()


@pytest.fixture
def inputs() -> dict:
    return copy.deepcopy(DEMO_INPUTS)


def inputs_with(debt_count: int) -> dict:
    """The demo inputs with ``debt_count`` unsecured debts (copies of the first three)."""
    data = copy.deepcopy(DEMO_INPUTS)
    cards = [d for d in data["debts"] if not d["secured"]]
    data["debts"] = [dict(cards[i % 3], id=f"d{i + 1}") for i in range(debt_count)]
    return data


@pytest.fixture
def case(db, terms, agency_profile, inputs):
    """A case with its first proposal version, started by the system."""
    version = proposal_start(case_id=sent_application().public_id, inputs=inputs, actor=None)
    return version.proposal
