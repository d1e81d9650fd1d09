"""A signed-in consumer with a draft, and a helper that fills every step."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from intake.models import Application
from intake.services import application_start
from tenants.roles import Role, role_grant

ABOUT_YOU = {
    "first_name": "Ana",
    "last_name": "Lopez",
    "birth_date": "04/28/1986",
    "ssn": "123-45-6789",
    "street": "1 Peach St",
    "city": "Atlanta",
    "state": "GA",
    "zip_code": "30301",
    "phone": "(404) 555-0123",
    "email": "ana@example.com",
    "household_size": "3",
    "dependents": "2",
    "employment_status": "full_time",
    "preferred_language": "en",
}
CONSENTS = {"privacy": "on", "esign": "on", "credit_pull": "on"}


def rows(items: list[dict[str, str]]) -> dict[str, str]:
    data = {"rows-TOTAL_FORMS": str(len(items)), "rows-INITIAL_FORMS": "0"}
    for n, item in enumerate(items):
        data |= {f"rows-{n}-{k}": v for k, v in item.items()}
    return data


INCOMES = rows([{"kind": "wages", "gross": "$4,000.00", "net": "3200", "frequency": "monthly"}])
DEBTS = rows(
    [
        {
            "creditor": "Big Bank Card",
            "kind": "credit_card",
            "balance": "$8,500",
            "apr": "24.99%",
            "minimum_payment": "255",
        }
    ]
)
EXPENSES = {"rent": "1,200", "groceries": "500.5", "electric": "$120"}


def url(application: Application, name: str) -> str:
    return reverse(f"intake:{name}", kwargs={"public_id": application.public_id})


@pytest.fixture
def signed_in(db, consumer, agency_profile) -> Client:
    role_grant(consumer, Role.CONSUMER)
    client = Client()
    client.force_login(consumer)
    return client


@pytest.fixture
def draft(consumer) -> Application:
    return application_start(consumer=consumer)


def fill(client: Client, application: Application) -> None:
    """Completes every step through the views."""
    for step, data in (
        ("about-you", ABOUT_YOU),
        ("consents", CONSENTS),
        ("income", INCOMES),
        ("expenses", EXPENSES),
        ("debts", DEBTS),
        ("bank", {"skip": "on"}),
        ("documents", {"done": "on"}),
    ):
        response = client.post(url(application, f"step-{step}"), data)
        assert response.status_code == 302, (step, response.content[:2000])
