"""Blind indexes: finding an encrypted row by email, phone, or SSN last 4 + last name,
without reading plaintext in SQL."""

from __future__ import annotations

import re

import pytest
from django.conf import settings as django_settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tenants.encryption.blind_index import (
    blind_index,
    normalize_email,
    normalize_last_name,
    normalize_phone,
    normalize_ssn_last4_name,
)
from tests.encryption_app import fixtures

if "tests.encryption_app" not in django_settings.INSTALLED_APPS:
    pytest.skip("needs CREDITGENIE_TEST_APPS=true (tests/env_defaults.py)", allow_module_level=True)

from tests.encryption_app.models import Client

# Fixtures shared by the encryption test modules.
key_file, local_keys = fixtures.key_file, fixtures.local_keys
pytestmark = pytest.mark.usefixtures("local_keys")


def _client(last_name: str, ssn: str, email: str | None, phone: str | None) -> Client:
    return Client.objects.create(last_name=last_name, ssn=ssn, email=email, phone=phone)


@pytest.fixture
def clients() -> dict[str, Client]:
    return {
        "ana": _client("Lopez", "123-45-6789", "Ana.Lopez@Example.org", "(555) 010-0199"),
        "ben": _client("Baker", "987-65-6789", "ben@example.org", "555-010-0100"),
        "cy": _client("Lopez", "111-22-3333", None, None),
    }


def test_blind_index_finds_client_by_email_in_any_spelling(clients):
    found = Client.objects.filter(email_index=blind_index("email", " ana.lopez@EXAMPLE.org "))

    assert list(found) == [clients["ana"]]


def test_blind_index_finds_client_by_phone_in_any_format(clients):
    found = Client.objects.filter(phone_index=blind_index("phone", "+1 555 010 0199"))

    assert list(found) == [clients["ana"]]


def test_blind_index_finds_client_by_ssn_last4_and_last_name(clients):
    found = Client.objects.filter(ssn_name_index=blind_index("ssn_last4_name", "6789", "lopez"))

    assert list(found) == [clients["ana"]]


def test_blind_index_search_does_not_match_last4_with_another_name(clients):
    found = Client.objects.filter(ssn_name_index=blind_index("ssn_last4_name", "6789", "Ng"))

    assert list(found) == []


def test_blind_index_is_null_when_its_source_is_empty(clients):
    assert clients["cy"].email_index is None
    assert list(Client.objects.filter(email_index__isnull=True)) == [clients["cy"]]


def test_blind_index_search_reads_no_plaintext_in_sql(clients):
    index = blind_index("email", "ana.lopez@example.org")

    with CaptureQueriesContext(connection) as queries:
        list(Client.objects.filter(email_index=index))

    (query,) = queries.captured_queries
    assert '"encryption_testapp_client"."email_index" = ' in query["sql"]
    assert index in query["sql"]
    assert "ana.lopez" not in query["sql"].lower()


def test_blind_index_is_stored_as_32_hex_digits(clients):
    assert re.fullmatch(r"[0-9a-f]{32}", clients["ana"].email_index)
    assert clients["ana"].email_index == blind_index("email", "ana.lopez@example.org")


def test_blind_index_kind_separates_equal_inputs():
    assert blind_index("phone", "5550100199") != blind_index("email", "5550100199@x")
    assert blind_index("phone", "5550100199") == blind_index("phone", "555.010.0199")


def test_blind_index_depends_on_its_key(settings):
    before = blind_index("email", "ana@example.org")
    settings.CREDITGENIE_BLIND_INDEX_KEY = "0" * 64

    assert blind_index("email", "ana@example.org") != before


def test_blind_index_without_key_is_improperly_configured(settings):
    settings.CREDITGENIE_BLIND_INDEX_KEY = ""

    with pytest.raises(ImproperlyConfigured, match="CREDITGENIE_BLIND_INDEX_KEY is not set"):
        blind_index("email", "ana@example.org")


@pytest.mark.parametrize(
    ("normalize", "value", "expected"),
    [
        (normalize_email, " Ana.Lopez@EXAMPLE.org\t", "ana.lopez@example.org"),
        (normalize_phone, "+1 (555) 010-0199", "5550100199"),
        (normalize_phone, "555 010 0199", "5550100199"),
        (normalize_last_name, "O'Brien-Núñez", "obriennunez"),
        (normalize_last_name, " de la Cruz ", "delacruz"),
    ],
)
def test_normalizers_return_canonical_forms(normalize, value, expected):
    assert normalize(value) == expected


def test_ssn_last4_normalizer_takes_full_ssn_or_last4():
    assert normalize_ssn_last4_name("123-45-6789", "López") == "6789|lopez"
    assert normalize_ssn_last4_name("6789", "LOPEZ") == "6789|lopez"


@pytest.mark.parametrize(
    ("kind", "values", "message"),
    [
        ("email", ("no-at-sign",), "not an email address"),
        ("phone", ("12",), "7 to 15 digits"),
        ("ssn_last4_name", ("678", "Lopez"), "9 digits"),
        ("ssn_last4_name", ("6789", "--"), "at least one letter"),
    ],
)
def test_blind_index_refuses_input_that_normalizes_to_nothing(kind, values, message):
    with pytest.raises(ValueError, match=message):
        blind_index(kind, *values)


def test_full_name_index_ignores_case_accents_and_punctuation():
    assert blind_index("full_name", " María ", "O'Brien-Núñez") == blind_index(
        "full_name", "maria", "OBRIENNUNEZ"
    )
    assert blind_index("full_name", "Maria", "Lopez") != blind_index("full_name", "Lopez", "Maria")
    with pytest.raises(ValueError):
        blind_index("full_name", "Maria", "--")
