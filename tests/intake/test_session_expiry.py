"""Autosave across an expired session: the draft keeps every value saved before the idle
limit passed; the autosave after it is refused (401 + HX-Redirect for htmx, a redirect
otherwise) and changes nothing; after signing in again every value is back in the form."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

import time_machine
from django.conf import settings
from django.test import Client
from django.utils import timezone

from intake.models import Application, Expense, Household, Income

from .conftest import ABOUT_YOU, INCOMES, url

HTMX = {"HX-Request": "true"}
EXPENSES = {"rent": "1,200", "groceries": "$500.50", "electric": "120"}


def _autosave(client: Client, application: Application, step: str, data: dict[str, str]):
    page = "http://testserver" + url(application, f"step-{step}")
    return client.post(
        url(application, f"step-{step}"), data, headers=HTMX | {"HX-Current-URL": page}
    )


def _idle_limit_passed(minutes_after: int = 1) -> time_machine.travel:
    idle = settings.CREDITGENIE_SESSION_IDLE_SECONDS["consumer"]
    return time_machine.travel(timezone.now() + timedelta(seconds=idle, minutes=minutes_after))


def _expenses(application: Application) -> dict[str, Decimal]:
    rows = Expense.objects.filter(application=application)
    return {row.category: row.amount for row in rows if row.amount is not None}


def test_autosave_after_the_idle_limit_is_refused_and_the_draft_keeps_what_was_saved(
    signed_in, consumer, draft
):
    for step, data in (("about-you", ABOUT_YOU), ("income", INCOMES), ("expenses", EXPENSES)):
        saved = _autosave(signed_in, draft, step, data)
        assert saved.status_code == 200 and b"Saved at" in saved.content, step
    before = _expenses(draft)

    with _idle_limit_passed():
        late = _autosave(signed_in, draft, "expenses", EXPENSES | {"rent": "9,999"})
        assert late.status_code == 401
        signed_out = urlsplit(late["HX-Redirect"])
        assert signed_out.path == "/accounts/signed-out/"
        back = parse_qs(signed_out.query)
        assert back == {"reason": ["idle"], "next": [url(draft, "step-expenses")]}
        assert (
            _expenses(draft)
            == before
            == {
                "rent": Decimal("1200.00"),
                "groceries": Decimal("500.50"),
                "electric": Decimal("120.00"),
            }
        )

        signed_in.force_login(consumer)  # signing in again
        resumed = signed_in.get(back["next"][0])

    assert resumed.status_code == 200
    form = resumed.context["form"]
    assert {name: form[name].value() for name in EXPENSES} == {
        "rent": "1200.00",
        "groceries": "500.50",
        "electric": "120.00",
    }
    about = signed_in.get(url(draft, "step-about-you")).context["form"]
    for name in ("first_name", "last_name", "birth_date", "street", "city", "zip_code"):
        assert about[name].value() == ABOUT_YOU[name], name
    home = Household.objects.get(application=draft)
    assert (home.ssn, home.email) == ("123-45-6789", "ana@example.com")
    assert Income.objects.filter(application=draft).count() == 1


def test_a_plain_post_after_the_idle_limit_goes_to_sign_in_and_saves_nothing(
    signed_in, consumer, draft
):
    signed_in.post(url(draft, "step-expenses"), EXPENSES)

    with _idle_limit_passed():
        late = signed_in.post(url(draft, "step-expenses"), EXPENSES | {"rent": "1"})
        assert late.status_code == 302
        assert late["Location"].startswith("/accounts/signed-out/?reason=idle")
        again = signed_in.get(late["Location"])
        assert "Anything you saved is kept." in again.content.decode()

    assert _expenses(draft)["rent"] == Decimal("1200.00")
    assert not signed_in.get(url(draft, "step-expenses")).wsgi_request.user.is_authenticated
