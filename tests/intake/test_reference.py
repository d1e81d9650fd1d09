"""The consumer's reference: a short code (CG-7K3-9QX) read aloud and typed, shown on the
portal, the review and the offer, found by the counselor's search; existing applications
get theirs from the migration."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client
from django.urls import reverse

from intake.models import Application
from intake.models.application import REFERENCE_ALPHABET, reference_normal
from intake.services import application_start
from tenants.roles import Role, role_grant

from .conftest import fill, url

CODE = re.compile(rf"^CG-[{REFERENCE_ALPHABET}]{{3}}-[{REFERENCE_ALPHABET}]{{3}}$")
BEFORE = [("intake", "0012_verification_running_index")]
AFTER = [("intake", "0013_application_reference")]


def test_the_alphabet_has_no_look_alike_characters():
    assert not set("01ILOU") & set(REFERENCE_ALPHABET)
    assert len(set(REFERENCE_ALPHABET)) == 30


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("CG-7K3-9QX", "CG-7K3-9QX"),
        (" cg 7k3 9qx ", "CG-7K3-9QX"),
        ("7K3-9QX", "CG-7K3-9QX"),
        ("7k39qx", "CG-7K3-9QX"),
        ("CG-7K3-9Q0", None),  # 0 is not in the alphabet
        ("CG-7K3-9QXX", None),
        ("", None),
    ],
)
def test_a_reference_is_read_the_way_people_type_it(typed, stored):
    assert reference_normal(typed) == stored


def test_every_application_gets_its_own_short_reference(consumer, other_consumer):
    references = [application_start(consumer=user).reference for user in (consumer, other_consumer)]

    assert all(CODE.match(reference) for reference in references), references
    assert len(set(references)) == 2


def test_a_reference_already_taken_is_drawn_again(consumer, other_consumer, monkeypatch):
    taken = application_start(consumer=consumer).reference
    # The random source draws the taken code first, then fresh characters.
    draws = iter([*taken.replace("CG-", "").replace("-", ""), *"23456789ABCD"])
    monkeypatch.setattr("intake.models.application.secrets.choice", lambda _alphabet: next(draws))

    draft = application_start(consumer=other_consumer)

    assert draft.reference == "CG-234-567"
    assert Application.objects.filter(consumer=other_consumer).count() == 1


def test_the_portal_review_and_offer_show_the_reference_not_the_uuid(signed_in, draft):
    fill(signed_in, draft)
    review = signed_in.get(url(draft, "step-review")).content.decode()
    signed_in.post(url(draft, "submit"))
    portal = signed_in.get(url(draft, "application")).content.decode()

    for page in (review, portal):
        assert f'<strong class="reference">{draft.reference}</strong>' in page
    assert f"<strong>{draft.public_id}</strong>" not in portal
    assert "You listed 1 debt." in portal and "You listed 1 source of income." in portal


def test_the_counselor_finds_a_case_by_its_reference(signed_in, draft, make_counselor):
    fill(signed_in, draft)
    signed_in.post(url(draft, "submit"))
    spoken = draft.reference.lower().replace("-", " ")

    found = make_counselor.post(
        reverse("counselor:queue-search"), {"kind": "reference", "value": spoken}
    )
    missing = make_counselor.post(
        reverse("counselor:queue-search"), {"kind": "reference", "value": "CG-222-222"}
    )

    assert found["Location"] == reverse("counselor:case", kwargs={"public_id": draft.public_id})
    case_page = make_counselor.get(found["Location"]).content.decode()
    assert f'<span class="case-ref">Ref. {draft.reference}</span>' in case_page
    assert missing["Location"].startswith(reverse("counselor:queue"))


def test_a_draft_is_not_found_by_its_reference(draft, make_counselor):
    response = make_counselor.post(
        reverse("counselor:queue-search"), {"kind": "reference", "value": draft.reference}
    )

    assert response["Location"].startswith(reverse("counselor:queue"))


@pytest.fixture
def make_counselor(db) -> Client:
    user = get_user_model().objects.create_user(username="counselor-ref", password="long-pw-1")
    role_grant(user, Role.COUNSELOR)
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.django_db(transaction=True)
def test_the_migration_gives_every_existing_application_its_own_reference():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    user = old.get_model("auth", "User").objects.create(username="before-the-reference")
    applications = old.get_model("intake", "Application").objects
    ids = [applications.create(consumer=user, status="submitted").pk for _ in range(3)]

    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    references = list(Application.objects.filter(pk__in=ids).values_list("reference", flat=True))
    assert len(set(references)) == 3
    assert all(CODE.match(reference) for reference in references), references
