"""No offer a household cannot keep: a plan the budget test refuses, or one longer than 60
months, is not sent until a supervisor approves an exception with a written reason (step-up,
audited), which the consumer's document then states; the document never recommends an
option that contradicts the plan offered."""

from __future__ import annotations

import pytest
from django.urls import reverse

from counselor.models import OfferException
from counselor.services.offers import offer_document
from counselor.services.proposals import proposal_start
from counselor.views.common import EXCEPTION_TYPED
from intake.models import PlanOffer
from tenants.audit.models import AuditEvent
from tenants.roles import Role
from tests.counselor.cases import sent_application
from tests.counselor.conftest import recent_auth

pytestmark = pytest.mark.django_db

REASON = "Her second job starts next month; the deposit fits from then on."


@pytest.fixture
def counselor(make_staff):
    return make_staff("counselor-1", Role.COUNSELOR)


@pytest.fixture
def supervisor(make_staff):
    return make_staff("supervisor-1", Role.SUPERVISOR)


def _case(inputs, net: str, *, months: int | None = None):
    inputs["household"]["incomes"][0]["net"] = net
    if months is not None:
        long_plan = {"reason": "Long plan", "max_term_months": months, "min_payment_pct": "1.00"}
        inputs["overrides"] = [
            {"creditor": d["creditor"], **long_plan} for d in inputs["debts"] if not d["secured"]
        ]
    application = sent_application()
    version = proposal_start(case_id=application.public_id, inputs=inputs, actor=None)
    return application, version


@pytest.fixture
def unaffordable(terms, agency_profile, inputs):
    return _case(inputs, "2600.00")


def _url(name: str, application) -> str:
    return reverse(f"counselor:{name}", kwargs={"public_id": application.public_id})


def _send(client, application):
    return client.post(_url("case-offer", application), {"version": "1"}, follow=True)


def _approve(client, application, reason: str = REASON):
    data = {"version": "1", "reason": reason}
    return client.post(_url("case-offer-exception", application), data, follow=True)


def test_unaffordable_plan_is_refused_with_the_reasons(client, counselor, unaffordable):
    application, version = unaffordable
    assert version.results["outcome"] == "other_options"
    client.force_login(counselor)
    recent_auth(client)

    page = _send(client, application).content.decode()

    assert "Not sent: this plan needs a supervisor&#x27;s approval." in page
    assert "a debt management plan does not fit: the monthly deposit is more than" in page
    assert not PlanOffer.objects.exists()
    application.refresh_from_db()
    assert application.status == "submitted"


def test_case_page_shows_the_refusal_and_only_a_supervisor_may_approve(
    client, counselor, unaffordable
):
    application, _version = unaffordable
    client.force_login(counselor)
    recent_auth(client)

    page = client.get(f"{_url('case', application)}?section=plans").content.decode()
    denied = client.post(_url("case-offer-exception", application), {"reason": REASON})

    assert "cannot be sent without a supervisor's approval" in page
    assert 'id="case-offer-exception"' not in page
    assert denied.status_code == 403
    assert not OfferException.objects.exists()
    assert AuditEvent.objects.filter(object_type="offer_exception", outcome="denied").count() == 1


def test_approving_needs_a_recent_sign_in_and_a_reason(client, supervisor, unaffordable):
    application, _version = unaffordable
    client.force_login(supervisor)

    stale = client.post(_url("case-offer-exception", application), {"reason": REASON})
    recent_auth(client)
    empty = _approve(client, application, reason="  ").content.decode()

    assert stale["Location"].startswith(reverse("accounts:reauthenticate"))
    assert "Write the reason for the exception" in empty
    assert not OfferException.objects.exists()


def test_the_reason_typed_before_the_step_up_is_there_after_it(client, supervisor, unaffordable):
    application, _version = unaffordable
    client.force_login(supervisor)

    stale = client.post(
        _url("case-offer-exception", application), {"version": "1", "reason": REASON}
    )
    recent_auth(client)  # she signed in again at the provider, which sends her back here
    back = client.get(_url("case-offer-exception", application), follow=True).content.decode()
    approved = _approve(client, application).content.decode()

    assert stale["Location"].startswith(reverse("accounts:reauthenticate"))
    assert "You signed in again. Press “Approve” once more" in back
    assert f'aria-describedby="offer-exception-reason-hint">{REASON}</textarea>' in back
    assert "Exception approved for proposal version 1: the counselor can send it now." in approved
    assert 'id="case-offer-exception"' not in approved
    assert EXCEPTION_TYPED not in client.session
    assert OfferException.objects.get().reason == REASON


def test_supervisor_exception_lets_the_offer_go_and_the_document_states_it(
    client, supervisor, unaffordable
):
    application, version = unaffordable
    client.force_login(supervisor)
    recent_auth(client)

    approved = _approve(client, application).content.decode()
    _send(client, application)

    assert "Exception approved for proposal version 1: the counselor can send it now." in approved
    exception = OfferException.objects.get()
    assert (exception.version, exception.grounds, exception.reason) == (version, ["budget"], REASON)
    assert exception.approved_by == supervisor
    offer = PlanOffer.objects.get(application=application)
    assert (
        "A supervisor at the agency reviewed this plan and approved it as an exception. The"
        f" reason, in their words: “{REASON}”."
    ) in offer.document
    assert "The plan&#x27;s monthly deposit is more than your budget leaves" in offer.document
    audited = AuditEvent.objects.filter(case_id=str(application.public_id), outcome="allowed")
    assert set(audited.values_list("object_type", "action")) >= {
        ("offer_exception", "create"),
        ("plan_offer", "create"),
    }


def test_the_spanish_document_states_the_exception_in_spanish(supervisor, unaffordable):
    _application, version = unaffordable
    OfferException.objects.create(
        version=version,
        grounds=["budget"],
        reason=REASON,
        approved_by=supervisor,
        approved_at=version.saved_at,
    )

    _context, document = offer_document(proposal=version.proposal, version=version, language="es")

    assert (
        "Un supervisor de la agencia revisó este plan y lo aprobó como excepción." in document.html
    )
    assert "El depósito mensual del plan es mayor que lo que su presupuesto deja" in document.html


def test_a_plan_longer_than_60_months_needs_approval(
    client, counselor, supervisor, terms, agency_profile, inputs
):
    application, version = _case(inputs, "3600.00", months=84)
    assert version.results["months"] > 60
    client.force_login(counselor)
    recent_auth(client)

    refused = _send(client, application).content.decode()
    client.force_login(supervisor)
    recent_auth(client)
    _approve(client, application)
    _send(client, application)

    assert f"The plan runs {version.results['months']} months, more than 60." in refused
    assert OfferException.objects.get().grounds == ["term"]
    offer = PlanOffer.objects.get(application=application)
    assert f"This plan runs {version.results['months']} months, longer than" in offer.document


@pytest.mark.parametrize("language", ["en", "es"])
def test_a_dmp_document_recommends_nothing_that_contradicts_it(
    supervisor, terms, agency_profile, inputs, language
):
    """Nothing left each month: the budget test recommends a bankruptcy consultation; the
    document of the plan offered states the facts and the exception, not that advice."""
    _application, version = _case(inputs, "1500.00")
    OfferException.objects.create(
        version=version,
        grounds=["budget"],
        reason=REASON,
        approved_by=supervisor,
        approved_at=version.saved_at,
    )

    _context, document = offer_document(
        proposal=version.proposal, version=version, language=language
    )

    for advice in ("we recommend", "recommended", "le recomendamos", "recomendada"):
        assert advice not in document.html
    offered = "(the plan offered)" if language == "en" else "(el plan ofrecido)"
    assert document.html.count(offered) == 1
