"""The written action plan and DMP disclosures: every COA FEC 4 / PA-FEC 7 item of
DOMAIN.md in the PDF's text, in English and Spanish; a stable document hash."""

from __future__ import annotations

import hashlib
import io
import re
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse
from pypdf import PdfReader

from counselor.engine.case_plan import offer_figures
from counselor.engine.dmp import Comparison
from counselor.engine.snapshots import inputs_parse
from counselor.services.action_plan import (
    action_plan_context,
    action_plan_pdf,
    action_plan_render,
    comparison_phrase,
    document_sha256,
)
from counselor.services.proposals import proposal_build_from
from intake.engine.money import money_text
from intake.models import Application
from tenants.audit.models import AuditEvent
from tenants.roles import Role

# One phrase per disclosure item of DOMAIN.md ("DMP disclosures (COA PA-FEC 7)") plus the
# FEC 4 written plan, as each language's document words it.
DISCLOSURES = {
    "en": (
        "Written action plan",
        "Your options compared",
        "Permission to contact your creditors",
        "Payment schedule and budget for the plan period",
        "Secured and unsecured debts",
        "Your debts and the proposed payment to each creditor",
        "Total debt disclosed and total enrolled",
        "Fees",
        "Creditor contributions do not change the service you receive",
        "100% of each payment you make for a creditor is credited",
        "Your responsibilities",
        "report any discrepancy",
        "Signatures",
        "Client signature",
    ),
    "es": (
        "Plan de acción por escrito",
        "Comparación de sus opciones",
        "Permiso para comunicarnos con sus acreedores",
        "Calendario de pagos y presupuesto para el período del plan",
        "Deudas garantizadas y no garantizadas",
        "Sus deudas y el pago propuesto a cada acreedor",
        "Deuda total declarada y deuda total inscrita",
        "Cargos",
        "Las contribuciones de los acreedores no cambian el servicio que usted recibe",
        "el 100% de cada pago que usted hace para un acreedor se acredita",
        "Sus responsabilidades",
        "cualquier discrepancia",
        "Firmas",
        "Firma del cliente",
    ),
}


def _pdf_text(pdf: bytes) -> str:
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    return re.sub(r"\s+", " ", text)


def _document(inputs, language):
    result = proposal_build_from(inputs)
    context = action_plan_context(
        result=result,
        inputs=inputs_parse(inputs),
        agency_name="Test Credit Counseling",
        case_id="case-1",
        version=1,
        language=language,
        reasons=result.assessment.reasons(language),
    )
    return result, action_plan_render(context)


@pytest.mark.parametrize("language", ["en", "es"])
def test_pdf_contains_every_disclosure_item(case, inputs, language):
    result, document = _document(inputs, language)

    text = _pdf_text(action_plan_pdf(document, created=date(2026, 1, 15)))

    for phrase in DISCLOSURES[language]:
        assert phrase in text, phrase
    plan = result.plan
    for line in plan.lines:
        assert f"{line.debt.creditor} {money_text(line.debt.balance)}" in text
        assert money_text(line.payment) in text
    assert "TOYOTA MOTOR CREDIT" in text  # the secured debt is disclosed, not enrolled
    for amount in (
        result.total_disclosed,
        plan.total_enrolled,
        plan.monthly_deposit,
        result.fees.setup_fee,
        result.fees.monthly_fee,
        plan.total_fees,
    ):
        assert money_text(amount) in text
    for reason in result.assessment.reasons(language):
        assert reason.split(",")[0] in text


def test_the_hash_is_sha256_of_the_exact_document_and_the_pdf_is_reproducible(case, inputs):
    _result, document = _document(inputs, "en")
    _again, same = _document(inputs, "en")
    _es, spanish = _document(inputs, "es")

    assert document.sha256 == hashlib.sha256(document.html.encode()).hexdigest()
    assert document_sha256(document.html) == document.sha256 == same.sha256
    assert spanish.sha256 != document.sha256
    day = date(2026, 1, 15)
    assert action_plan_pdf(document, created=day) == action_plan_pdf(same, created=day)


def test_action_plan_page_shows_the_document_and_is_audited(client, case, make_staff):
    carol = make_staff("carol", Role.COUNSELOR)
    client.force_login(carol)
    url = reverse("counselor:action-plan", kwargs={"public_id": case.case_id})

    response = client.get(url + "?lang=es")

    html = response.content.decode()
    assert response.context["document"].language == "es"
    reference = Application.objects.get(public_id=case.case_id).reference
    assert f"<b>Referencia:</b> {reference}" in html  # the consumer's code, not an internal id
    assert str(case.case_id) not in response.context["document"].html
    assert "Permiso para comunicarnos con sus acreedores" in html
    assert response.context["document"].sha256 in html
    event = AuditEvent.objects.filter(actor=carol).latest("seq")
    assert (event.action, event.object_type, event.case_id, event.outcome) == (
        "read",
        "action_plan",
        str(case.case_id),
        "allowed",
    )


def test_action_plan_pdf_download_is_an_audited_export(client, case, make_staff):
    carol = make_staff("carol", Role.SUPERVISOR)
    client.force_login(carol)
    url = reverse("counselor:action-plan-pdf", kwargs={"public_id": case.case_id})

    response = client.get(url + "?lang=en&version=1")

    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="action-plan-v1-en.pdf"'
    assert "Permission to contact your creditors" in _pdf_text(response.content)
    assert len(response["X-Document-SHA256"]) == 64
    event = AuditEvent.objects.filter(actor=carol).latest("seq")
    assert (event.action, event.object_type) == ("export", "action_plan")


def test_unknown_version_is_404(client, case, make_staff):
    client.force_login(make_staff("carol", Role.COUNSELOR))
    url = reverse("counselor:action-plan", kwargs={"public_id": case.case_id})

    assert client.get(url + "?version=9").status_code == 404


@pytest.mark.parametrize(
    ("language", "more"), [("en", "more interest and 2 more months"), ("es", "más en intereses")]
)
def test_a_plan_that_costs_more_interest_says_so_not_a_negative_saving(
    terms, agency_profile, inputs, language, more
):
    # A card the agency has no concession for, whose plan payment is below the minimum:
    # the plan runs longer than the minimums and costs more interest.
    inputs["debts"] = [
        {
            "id": "d1",
            "creditor": "BIG BANK CARD",
            "balance": "8500.00",
            "apr": "24.99",
            "min_payment": "255.00",
            "secured": False,
            "is_housing": False,
        }
    ]
    result, document = _document(inputs, language)

    assert result.comparison.interest_more and result.comparison.interest_more > 0
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", document.html))
    assert f"{money_text(result.comparison.interest_more)} {more}" in text
    assert "-$" not in text  # never a negative "saving"
    figures = offer_figures(result)
    assert figures["interest_more"] == money_text(result.comparison.interest_more)


@pytest.mark.parametrize(
    ("baseline", "months", "language", "phrase"),
    [
        ("900.00", 30, "en", "$400.00 less interest and 6 fewer months"),
        ("900.00", 25, "en", "$400.00 less interest and 1 fewer month"),
        ("500.00", 24, "en", "$0.00 less interest and the same number of months"),
        ("400.00", 23, "es", "$100.00 más en intereses y 1 mes más"),
        ("900.00", 30, "es", "$400.00 menos en intereses y 6 meses menos"),
    ],
)
def test_the_comparison_is_worded_for_people(baseline, months, language, phrase):
    comparison = Comparison(
        plan_interest=Decimal("500.00"),
        plan_months=24,
        baseline_interest=Decimal(baseline),
        baseline_months=months,
        baseline_pays_off=True,
    )
    assert comparison_phrase(comparison, language) == phrase
