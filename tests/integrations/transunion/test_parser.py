"""Parsing: the contract file with exact values; each bureau persona's tradelines exactly;
persona documents keep the contract's structure."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from integrations.sandbox.transunion.personas import CONTRACT, document
from integrations.transunion.parser import ReportParseError, Tradeline, report_parse

SHARED = Path(__file__).resolve().parents[3].parent / "shared/contracts/transunion"


def _contract():
    return report_parse(CONTRACT.read_bytes())


def test_bundled_contract_is_the_shared_file_unchanged():
    shared = SHARED / "credit-report-response-v2.33.xml"
    if shared.exists():
        assert shared.read_bytes() == CONTRACT.read_bytes()


def test_contract_file_summary_and_indicative_data():
    report = _contract()
    assert (report.summary.hit_indicator, report.summary.hit, report.summary.frozen) == (
        "regularHit",
        True,
        False,
    )
    assert report.summary.in_file_since == date(1993, 4, 1)
    person = report.indicative
    assert person.names == ("ROBERT E UPHOLD SR",)
    assert (person.ssn, person.birth_date) == ("666484418", date(1956, 8, 1))
    assert [(a.status, a.street, a.city, a.state, a.zip_code) for a in person.addresses] == [
        ("current", "27366 PERRY ST", "ROSEVILLE", "MI", "48066"),
        ("previous", "2251 S FORT APACHE RD", "LAS VEGAS", "NV", "89117"),
        ("previous", "8530 W SAHARA AV #214", "LAS VEGAS", "NV", "89117"),
    ]
    assert [(e.employer, e.occupation) for e in person.employment] == [("EMPLOYER X", "RETIRED")]


def test_contract_tradelines_with_exact_values():
    report = _contract()
    assert len(report.tradelines) == 32
    assert report.tradelines[0] == Tradeline(
        creditor="5/3 BANK NA",
        industry_code="B",
        portfolio_type="installment",
        account_type="AU",
        ecoa="jointContractLiability",
        opened=date(2020, 2, 6),
        effective=date(2021, 11, 30),
        closed=None,
        paid_out=None,
        balance=Decimal("16015"),
        high_credit=Decimal("20295"),
        credit_limit=None,
        account_rating="02",
        scheduled_payment=Decimal("336"),
        past_due=Decimal("189"),
        payment_pattern="11111111111111111111",
        late_30=0,
        late_60=0,
        late_90=0,
        remarks=(),
        account_last4="X4X5",  # of "8X4X5": never the whole number
    )
    assert report.tradelines[1].account_last4 == "2006"
    jcp = report.tradelines[1]
    assert (jcp.creditor, jcp.portfolio_type, jcp.closed, jcp.credit_limit, jcp.remarks) == (
        "SYNCB/JCP",
        "revolving",
        date(2021, 10, 17),
        Decimal("124"),
        ("CLO",),
    )
    kinds = [t.portfolio_type for t in report.tradelines]
    assert (kinds.count("revolving"), kinds.count("installment")) == (14, 14)


def test_contract_inquiries_and_score_with_factors():
    report = _contract()
    assert [(i.subscriber, i.date) for i in report.inquiries][:2] == [
        ("ON THE BARRE", date(2022, 1, 27)),
        ("MOTOR CITY C", date(2020, 10, 4)),
    ]
    assert len(report.inquiries) == 5
    assert (report.score.model, report.score.value, report.score.factors) == (
        "00V60",
        667,
        ("09", "07", "85", "05"),
    )
    assert report.public_records == () and report.collections == ()


def _persona(last4: str):
    return report_parse(document(ssn=f"66600{last4}", reference="ref-1"))


def test_revolving_persona_tradelines_exact():
    report = _persona("0004")
    rows = [
        (
            t.creditor,
            t.portfolio_type,
            t.balance,
            t.credit_limit,
            t.scheduled_payment,
            t.past_due,
            (t.late_30, t.late_60, t.late_90),
        )
        for t in report.tradelines
    ]
    D = Decimal
    assert rows == [
        ("SYNCB/AMAZON", "revolving", D("4210"), D("5000"), D("126"), D("0"), (0, 0, 0)),
        ("CAPITAL ONE", "revolving", D("2875"), D("3000"), D("86"), D("0"), (0, 0, 0)),
        ("DISCOVER FIN SVCS", "revolving", D("6930"), D("7500"), D("208"), D("95"), (1, 0, 0)),
        ("CITI/SEARS", "revolving", D("1120"), D("2500"), D("40"), D("0"), (0, 0, 0)),
        ("JPMCB CARD", "revolving", D("8460"), D("9000"), D("254"), D("508"), (1, 1, 0)),
        ("SYNCB/LOWES", "revolving", D("1590"), D("2000"), D("48"), D("0"), (0, 0, 0)),
        ("ALLY FINANCIAL", "installment", D("11250"), None, D("412"), D("0"), (0, 0, 0)),
    ]
    assert report.tradelines[-1].ecoa == "jointContractLiability"
    assert (report.score.value, report.inquiries) == (612, ())


def test_thin_file_collections_and_bankruptcy_personas():
    thin = _persona("0001")
    assert [(t.creditor, t.balance, t.account_type) for t in thin.tradelines] == [
        ("SELF FINANCIAL", Decimal("380"), "FX")
    ]
    collections = _persona("0005")
    assert [
        (c.agency, c.original_creditor, c.balance, c.original_balance)
        for c in collections.collections
    ] == [
        ("LVNV FUNDING", "CREDIT ONE BANK", Decimal("1284"), Decimal("950")),
        ("MIDLAND CREDIT MGMT", "COMENITY BANK", Decimal("2210"), Decimal("1800")),
    ]
    assert [t.creditor for t in collections.tradelines] == ["CAPITAL ONE"]
    bankrupt = _persona("0006")
    assert [(p.type, p.filed, p.paid) for p in bankrupt.public_records] == [
        ("7X", date(2021, 3, 2), date(2021, 7, 19))
    ]
    assert bankrupt.score.value == 523


def test_no_hit_and_frozen_files():
    no_hit = _persona("0002")
    assert (no_hit.summary.hit, no_hit.tradelines, no_hit.score, no_hit.indicative.names) == (
        False,
        (),
        None,
        (),
    )
    frozen = _persona("0003")
    assert (frozen.summary.hit, frozen.summary.frozen, frozen.tradelines) == (True, True, ())


def _paths(node: ET.Element, prefix: str = "") -> set[str]:
    here = f"{prefix}/{node.tag.split('}')[-1]}"
    return {here}.union(*(_paths(child, here) for child in node))


@pytest.mark.parametrize("last4", ["0001", "0004", "0005", "0006", "9999"])
def test_persona_documents_keep_the_contract_structure(last4):
    contract = _paths(ET.fromstring(CONTRACT.read_bytes()))  # noqa: S314  (our own files)
    persona = _paths(ET.fromstring(document(ssn=f"66600{last4}", reference="r")))  # noqa: S314
    added = {p for p in persona - contract if "/collection" not in p and "/publicRecord" not in p}
    assert added == {"/creditBureau/transactionControl/userRefNumber"}


def test_error_documents_and_entities_are_refused():
    with pytest.raises(ReportParseError, match="SYS_BUSY"):
        report_parse(
            '<creditBureau xmlns="http://www.transunion.com/namespace"><product><error>'
            "<code>SYS_BUSY</code><description>busy</description></error></product></creditBureau>"
        )
    with pytest.raises(ReportParseError, match="DTD"):
        report_parse('<!DOCTYPE x [<!ENTITY a "b">]><creditBureau/>')
