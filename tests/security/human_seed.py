"""Realistic data for the page scan (test_human_words.py), made through the real views:
an offered and signed plan (raw_seed's consumer), a household short every month with
worksheet lines and large figures, a draft filled to the review, a call-back request, a
counselor's message, note and assignment."""

from __future__ import annotations

import time
from dataclasses import dataclass

from django.conf import settings
from django.test import Client
from django.urls import reverse

from counselor.models import Proposal
from counselor.services.case import case_version
from intake.models import Application, PlanOffer
from intake.services import application_start
from tenants.signin import AUTH_TIME
from tests.intake.conftest import rows
from tests.security.raw_seed import ABOUT_YOU, FAMILY, GIVEN, _post, _signed_in, _token, seed

SHORT_ABOUT = ABOUT_YOU | {
    "first_name": "Odalys",
    "last_name": "Fairweather",
    "ssn": "219-48-7307",
    "email": "odalys.fairweather@example.net",
    "phone": "(404) 555-0177",
    "state": "DC",
    "zip_code": "20001",
    "city": "Washington",
}
SHORT_STEPS = (
    ("about-you", SHORT_ABOUT),
    ("consents", {"privacy": "on", "esign": "on", "credit_pull": "on"}),
    (
        "income",
        rows([{"kind": "wages", "gross": "2300.00", "net": "1800.00", "frequency": "biweekly"}]),
    ),
    (
        "expenses",
        {
            "rent": "2210.55",
            "electric": "140.00",
            "water_sewer_trash": "95.00",
            "auto_insurance": "210.00",
            "groceries": "812.00",
            "clothing": "120.00",
        },
    ),
    (
        "debts",
        rows(
            [
                {
                    "creditor": "Larkspur Bank Card",
                    "kind": "credit_card",
                    "balance": "24210.55",
                    "apr": "29.99",
                    "minimum_payment": "720.00",
                },
                {
                    "creditor": "Mercy General",
                    "kind": "medical",
                    "balance": "3400.00",
                    "apr": "0",
                    "minimum_payment": "100.00",
                },
            ]
        ),
    ),
    ("bank", {"skip": "on"}),
    ("documents", {"done": "on"}),
)
# Names and what people typed: shown as they are in both languages.
AS_TYPED = (
    GIVEN,
    FAMILY,
    "Odalys",
    "Fairweather",
    "Zephyrine Credit Union",
    "Larkspur Bank Card",
    "Mercy General",
    "Raw Bytes Credit Counseling",
    "Credit Genie",
    "Carol",
    "Nguyen",
    "Sam",
    "Okafor",
    "Asked for a plan.",
)


@dataclass
class Story:
    signed: Application  # offered, then signed by its consumer
    short: Application  # submitted, short every month, with a plan
    draft: Application  # filled to the review, not sent
    consumer: object
    short_consumer: object
    draft_consumer: object
    counselor: object
    supervisor: object
    admin: object


def _fresh(client: Client) -> Client:
    session = client.session
    session[AUTH_TIME] = int(time.time())
    session.save()
    return client


def client_of(user: object, language: str) -> Client:
    """A browser signed in as ``user`` with a fresh sign-in, reading ``language``."""
    client = Client()
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return _fresh(client)


def _consumer(given: str, family: str, email: str) -> tuple[Client, object]:
    return _signed_in(_token(given, family, email, ()))


def _fill(client: Client, application: Application, steps: tuple) -> None:
    case = {"public_id": application.public_id}
    for step, data in steps:
        _post(client, reverse(f"intake:step-{step}", kwargs=case), data)


def story() -> Story:
    signed = seed()
    consumer = signed.consumer
    counselor_client, counselor = _signed_in(
        _token("Carol", "Nguyen", "carol@agency.example", ("counselor",))
    )
    _fresh(counselor_client)
    _s, supervisor = _signed_in(_token("Sam", "Okafor", "sam@agency.example", ("supervisor",)))
    _a, admin = _signed_in(_token("Ada", "Admin", "ada@agency.example", ("agency_admin",)))

    short_client, short_consumer = _consumer("Odalys", "Fairweather", SHORT_ABOUT["email"])
    short = application_start(consumer=short_consumer)
    _fill(short_client, short, SHORT_STEPS)
    _post(short_client, reverse("intake:submit", kwargs={"public_id": short.public_id}), {})

    draft_client, draft_consumer = _consumer("Ines", "Cardenal", "ines.cardenal@example.net")
    draft = application_start(consumer=draft_consumer)
    _fill(draft_client, draft, SHORT_STEPS[:5])
    _post(
        draft_client,
        reverse("intake:counseling-request"),
        {"preferred_times": ["morning"], "phone": "4045550123", "topic": "debt", "language": "en"},
    )

    for case in (signed, short):
        kwargs = {"public_id": case.public_id}
        _post(counselor_client, reverse("counselor:case-assign", kwargs=kwargs), {"assignee": "me"})
    kwargs = {"public_id": signed.public_id}
    for name, body in (("counselor:case-note", "Called."), ("counselor:case-message", "Hello!")):
        data = {"body": body, "case_version": case_version(application=signed)}
        _post(counselor_client, reverse(name, kwargs=kwargs), data)
    _post(
        counselor_client,
        reverse("counselor:case-plan-start", kwargs={"public_id": short.public_id}),
        {},
    )
    offer = PlanOffer.objects.get(application=signed)
    consumer_client = _fresh(client_of(consumer, "en"))
    response = consumer_client.post(
        reverse("intake:offer-accept", kwargs=kwargs),
        {
            "offer": offer.public_id,
            "document_hash": offer.document_hash,
            "typed_name": f"{GIVEN} {FAMILY}",
            "consent": "on",
        },
    )
    assert response.status_code == 302, response.content[:3000]
    assert Proposal.objects.filter(case=short).exists()
    return Story(
        signed=Application.objects.get(pk=signed.pk),
        short=Application.objects.get(pk=short.pk),
        draft=draft,
        consumer=consumer,
        short_consumer=short_consumer,
        draft_consumer=draft_consumer,
        counselor=counselor,
        supervisor=supervisor,
        admin=admin,
    )
