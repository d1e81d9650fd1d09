"""The creditor terms table: matching report names, versions kept, the admin editor."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from counselor.engine.dmp import DEFAULT_TERMS, Concessions, Debt, propose_plan
from counselor.engine.terms_match import TermsRow, TermsTable
from counselor.errors import TermsError
from counselor.models import CreditorTerms
from counselor.selectors.terms import (
    creditor_terms_for,
    creditor_terms_history,
    creditor_terms_table,
)
from counselor.services.terms import creditor_terms_create, creditor_terms_update
from intake.engine.creditors import creditor_key
from tenants.audit.models import AuditEvent
from tenants.roles import Role
from tests.counselor.conftest import recent_auth

SYNC = TermsRow(
    "s",
    1,
    "Synchrony Bank",
    ("SYNCB", "SYNCB/AMAZON"),
    Concessions(concession_apr=Decimal("9.9")),
)
CHASE = TermsRow("c", 1, "Chase", ("JPMCB", "JPMCB CARD"), Concessions(concession_apr=Decimal("6")))
DEFAULT = TermsRow(
    "d", 1, "Default", (), Concessions(min_payment_pct=Decimal("2.5")), is_default=True
)
GONE = TermsRow("g", 1, "Old Bank", (), Concessions(concession_apr=Decimal("1")), active=False)
TABLE = TermsTable([SYNC, CHASE, DEFAULT, GONE])


def test_creditor_key_folds_case_punctuation_and_bureau_spellings():
    assert creditor_key(" SyncB/Amazon  ") == creditor_key("syncb amazon") == "SYNCHRONY AMAZON"
    assert creditor_key("Bk. of Amer") == creditor_key("Bank of America") == "BOFA"


@pytest.mark.parametrize(
    ("name", "rule", "row"),
    [
        ("chase", "name", CHASE),
        ("SYNCB/AMAZON", "alias", SYNC),
        ("syncb amazon", "alias", SYNC),
        ("SYNCB/CARE CREDIT", "prefix", SYNC),
        # One normal form: filler words ("CARD SERVICES") do not make another name.
        ("JPMCB CARD SERVICES", "name", CHASE),
        ("JPMCB SAPPHIRE", "prefix", CHASE),
        ("SYNCBX", "default", DEFAULT),
        ("OLD BANK", "default", DEFAULT),
    ],
)
def test_matcher_rules_in_order(name, rule, row):
    match = TABLE.match(name)

    assert (match.rule, match.row, match.terms) == (rule, row, row.terms)


def test_matcher_falls_back_to_engine_defaults_without_a_default_row():
    match = TermsTable([SYNC]).match("UNKNOWN LENDER")

    assert (match.rule, match.row, match.terms) == ("default", None, DEFAULT_TERMS)


def test_seeded_table_matches_report_names(terms):
    assert creditor_terms_for("SYNCB/AMAZON").label == "Synchrony Bank"
    assert creditor_terms_for("JPMCB CARD").terms.concession_apr == Decimal("6.00")
    # "CAPITAL ONE BANK USA NA" reads as the entry's own name once filler words are left out.
    assert creditor_terms_for("CAPITAL ONE BANK USA NA").rule == "name"
    assert creditor_terms_for("CAP ONE").label == "Capital One"
    assert creditor_terms_for("CITICARDS CBNA").label == "Citibank"
    assert creditor_terms_for("ACME FINANCE").label == "Agency default terms"
    assert terms == 10


def test_terms_for_prices_chase_at_its_concession(terms):
    debt = Debt("CHASE CARD", Decimal("10000"), Decimal("29.99"), Decimal("300"))

    plan = propose_plan(
        [debt], creditor_terms_table().terms_for, monthly_fee=0, setup_fee=0, start=date(2026, 1, 1)
    )

    assert plan.lines[0].apr == Decimal("6.00")
    assert plan.lines[0].payment == Decimal("200.00")  # 2% of 10,000 clears it in 58 months
    assert plan.lines[0].months == 58


def _values(**changes):
    base = {
        "creditor": "Acme Card",
        "aliases": ["ACME/CARD"],
        "min_payment_pct": Decimal("2.00"),
        "concession_apr": Decimal("9.90"),
        "max_term_months": 60,
        "fair_share_pct": Decimal("0"),
        "reage_after_payments": None,
        "notes": "",
        "active": True,
    }
    return base | changes


def test_every_change_keeps_the_previous_version(make_staff):
    admin = make_staff("admin-1", Role.AGENCY_ADMIN)
    first = creditor_terms_create(actor=admin, reason="new creditor", values=_values())
    creditor_terms_update(
        actor=admin,
        public_id=first.public_id,
        expected_version=1,
        reason="lowered",
        values=_values(concession_apr=Decimal("8.00")),
    )
    creditor_terms_update(
        actor=admin,
        public_id=first.public_id,
        expected_version=2,
        reason="now 0%",
        values=_values(concession_apr=Decimal("0")),
    )

    history = creditor_terms_history(public_id=first.public_id)

    assert [(v.version, v.concession_apr, v.change_reason) for v in history] == [
        (3, Decimal("0.00"), "now 0%"),
        (2, Decimal("8.00"), "lowered"),
        (1, Decimal("9.90"), "new creditor"),
    ]
    assert [v.valid_to is None for v in history] == [True, False, False]
    assert history[1].valid_to == history[0].valid_from
    assert {v.changed_by for v in history} == {admin}
    assert creditor_terms_for("ACME/CARD").terms.concession_apr == Decimal("0.00")


def test_update_from_a_stale_version_is_refused(make_staff):
    admin = make_staff("admin-1", Role.AGENCY_ADMIN)
    row = creditor_terms_create(actor=admin, reason="new", values=_values())
    creditor_terms_update(
        actor=admin, public_id=row.public_id, expected_version=1, reason="x", values=_values()
    )

    with pytest.raises(TermsError, match="now version 2"):
        creditor_terms_update(
            actor=admin, public_id=row.public_id, expected_version=1, reason="y", values=_values()
        )
    assert CreditorTerms.objects.filter(public_id=row.public_id).count() == 2


def test_create_needs_a_reason_and_valid_terms(make_staff):
    admin = make_staff("admin-1", Role.AGENCY_ADMIN)

    with pytest.raises(TermsError, match="Say why"):
        creditor_terms_create(actor=admin, reason=" ", values=_values())
    with pytest.raises(TermsError, match="max_term_months"):
        creditor_terms_create(actor=admin, reason="r", values=_values(max_term_months=0))


def test_edit_requires_recent_sign_in(client, terms, make_staff):
    admin = make_staff("admin-1", Role.AGENCY_ADMIN)
    row = CreditorTerms.objects.get(creditor="Chase")
    client.force_login(admin)
    url = reverse("counselor:creditor-terms-edit", kwargs={"public_id": row.public_id})

    response = client.post(url, {"creditor": "Chase", "reason": "x"})

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:reauthenticate"))
    assert CreditorTerms.objects.filter(public_id=row.public_id).count() == 1


def test_edit_with_recent_sign_in_saves_a_version_and_is_audited(client, terms, make_staff):
    admin = make_staff("admin-1", Role.AGENCY_ADMIN)
    row = CreditorTerms.objects.get(creditor="Chase")
    client.force_login(admin)
    recent_auth(client)
    url = reverse("counselor:creditor-terms-edit", kwargs={"public_id": row.public_id})
    form = {
        "creditor": "Chase",
        "aliases": "CHASE CARD\nJPMCB",
        "min_payment_pct": "2.00",
        "concession_apr": "5.00",
        "max_term_months": "60",
        "fair_share_pct": "8.00",
        "active": "on",
        "reason": "New concession letter",
        "version": "1",
    }

    response = client.post(url, form)

    assert response.status_code == 302
    current = CreditorTerms.objects.get(public_id=row.public_id, valid_to__isnull=True)
    assert (current.version, current.concession_apr, current.aliases) == (
        2,
        Decimal("5.00"),
        ["CHASE CARD", "JPMCB"],
    )
    assert (current.changed_by, current.change_reason) == (admin, "New concession letter")
    event = AuditEvent.objects.filter(object_type="creditor_terms").latest("seq")
    assert (event.actor_id, event.action, event.object_id, event.role) == (
        admin.pk,
        "update",
        str(row.public_id),
        "agency_admin",
    )
    page = client.get(url)
    assert "New concession letter" in page.content.decode()


@pytest.mark.parametrize("role", [Role.COUNSELOR, Role.SUPERVISOR, Role.CONSUMER])
def test_terms_pages_are_404_for_everyone_but_agency_admins(client, terms, make_staff, role):
    client.force_login(make_staff("someone", role))
    recent_auth(client)
    row = CreditorTerms.objects.get(creditor="Chase")

    for url in (
        reverse("counselor:creditor-terms"),
        reverse("counselor:creditor-terms-new"),
        reverse("counselor:creditor-terms-edit", kwargs={"public_id": row.public_id}),
        reverse("counselor:fee-schedule"),
    ):
        assert client.get(url).status_code == 404, url


def test_terms_list_shows_current_versions_in_constant_queries(
    client, terms, make_staff, django_assert_max_num_queries
):
    client.force_login(make_staff("admin-1", Role.AGENCY_ADMIN))

    with django_assert_max_num_queries(8):
        response = client.get(reverse("counselor:creditor-terms"))

    assert [r.creditor for r in response.context["rows"]][:2] == [
        "Agency default terms",
        "Bank of America",
    ]
    assert "SYNCB/AMAZON" in response.content.decode()
