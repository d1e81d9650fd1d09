"""Bureau personas: documents of exactly the contract's structure, built from the contract.

The persona is chosen by the last four digits of the requested SSN; any other SSN gets
the contract document itself (with the requester's reference echoed). Every persona
starts from data/credit-report-response-v2.33.xml and replaces the tradelines (and adds
collections or a public record), so element names and order stay the bureau's.
"""

from __future__ import annotations

# Parses only the bundled contract file.
import xml.etree.ElementTree as ET  # nosec B405
from dataclasses import dataclass
from pathlib import Path

NS = "http://www.transunion.com/namespace"
CONTRACT = Path(__file__).parent / "data" / "credit-report-response-v2.33.xml"
_DATE = {
    "estimatedDay": "false",
    "estimatedMonth": "false",
    "estimatedCentury": "false",
    "estimatedYear": "false",
}


@dataclass(frozen=True)
class Trade:
    creditor: str
    portfolio: str  # revolving / installment / open / mortgage
    account_type: str  # CC credit card, AU auto, CH charge, ...
    opened: str
    balance: int
    high_credit: int
    limit: int | None
    rating: str
    payment: int | None
    past_due: int
    pattern: str
    late: tuple[int, int, int] = (0, 0, 0)
    remark: str = ""
    ecoa: str = "individual"


REVOLVING = (
    Trade(
        "SYNCB/AMAZON",
        "revolving",
        "CC",
        "2018-03-14",
        4210,
        5000,
        5000,
        "01",
        126,
        0,
        "111111111111111111111111",
    ),
    Trade(
        "CAPITAL ONE",
        "revolving",
        "CC",
        "2016-07-02",
        2875,
        3300,
        3000,
        "01",
        86,
        0,
        "111111111111111111111111",
    ),
    Trade(
        "DISCOVER FIN SVCS",
        "revolving",
        "CC",
        "2019-11-20",
        6930,
        7500,
        7500,
        "02",
        208,
        95,
        "211111111111111111111111",
        (1, 0, 0),
    ),
    Trade(
        "CITI/SEARS",
        "revolving",
        "CH",
        "2012-05-09",
        1120,
        2500,
        2500,
        "01",
        40,
        0,
        "111111111111111111111111",
    ),
    Trade(
        "JPMCB CARD",
        "revolving",
        "CC",
        "2015-01-30",
        8460,
        9000,
        9000,
        "03",
        254,
        508,
        "321111111111111111111111",
        (1, 1, 0),
    ),
    Trade(
        "SYNCB/LOWES",
        "revolving",
        "CC",
        "2020-09-12",
        1590,
        2000,
        2000,
        "01",
        48,
        0,
        "111111111111111111111111",
    ),
)
CAR = Trade(
    "ALLY FINANCIAL",
    "installment",
    "AU",
    "2022-04-01",
    11250,
    24000,
    None,
    "01",
    412,
    0,
    "111111111111111111111111",
    ecoa="jointContractLiability",
)


@dataclass(frozen=True)
class Persona:
    key: str
    trades: tuple[Trade, ...] = ()
    hit: str = "regularHit"
    frozen: bool = False
    collections: tuple[tuple[str, str, int, int], ...] = ()  # agency, original, balance, orig
    bankruptcy: bool = False
    score: str = "+667"
    # A model (score-only) report, product 08000: the file's creditSummary counts, a
    # consumer statement and a compliance condition, and no tradeline or inquiry.
    score_only: bool = False


PERSONAS = {
    "0001": Persona(
        "thin_file",
        (
            Trade(
                "SELF FINANCIAL",
                "installment",
                "FX",
                "2025-02-10",
                380,
                600,
                None,
                "01",
                25,
                0,
                "1111111111",
            ),
        ),
        score="+598",
    ),
    "0002": Persona("no_hit", hit="regularNoHit", score=""),
    "0003": Persona("frozen", hit="regularHit", frozen=True, score=""),
    "0004": Persona("revolving", (*REVOLVING, CAR), score="+612"),
    "0005": Persona(
        "collections",
        (REVOLVING[1],),
        collections=(
            ("LVNV FUNDING", "CREDIT ONE BANK", 1284, 950),
            ("MIDLAND CREDIT MGMT", "COMENITY BANK", 2210, 1800),
        ),
        score="+541",
    ),
    "0006": Persona("bankruptcy", (CAR,), bankruptcy=True, score="+523"),
    "0007": Persona("score_only", score="+667", score_only=True),
    # Names and balances found nowhere else, for the raw-database scans.
    "7306": Persona(
        "raw_bytes",
        (
            Trade(
                "QUILLMERE BANCORP",
                "revolving",
                "CC",
                "2019-08-02",
                13579,
                15000,
                15000,
                "01",
                402,
                0,
                "111111111111111111111111",
            ),
        ),
        score="+633",
    ),
}
# Hostile documents, by the pull fault "body:<name>": well-formed, one bad value each.
BAD_VALUES = {
    "bad_date": ("dateOpened", "2021-02-30"),
    "bad_balance": ("currentBalance", "00001O000"),
    "bad_late_count": ("paymentHistory/historicalCounters/late30DaysTotal", "x2"),
}


def _q(tag: str) -> str:
    return f"{{{NS}}}{tag}"


def _add(parent: ET.Element, path: str, text: str | None = None, dated: bool = False):
    node = parent
    for tag in path.split("/"):
        node = ET.SubElement(node, _q(tag))
    if dated:
        node.attrib.update(_DATE)
    node.text = text
    return node


def _amount(value: int) -> str:
    return f"{value:09d}"


def _trade(trade: Trade, index: int) -> ET.Element:
    node = ET.Element(_q("trade"))
    _add(node, "subscriber/industryCode", "B")
    node.find(_q("subscriber")).append(ET.Element(_q("memberCode")))
    node.find(f"{_q('subscriber')}/{_q('memberCode')}").text = f"{1000000 + index:08d}"
    _add(node.find(_q("subscriber")), "name/unparsed", trade.creditor)
    _add(node, "portfolioType", trade.portfolio)
    _add(node, "accountNumber", f"4{index:03d}XXXX{(1009 + 977 * index) % 10000:04d}")
    _add(node, "ECOADesignator", trade.ecoa)
    _add(node, "dateOpened", trade.opened, dated=True)
    _add(node, "dateEffective", "2026-06-01", dated=True)
    _add(node, "currentBalance", _amount(trade.balance))
    _add(node, "highCredit", _amount(trade.high_credit))
    if trade.limit is not None:
        _add(node, "creditLimit", _amount(trade.limit))
    _add(node, "accountRating", trade.rating)
    if trade.remark:
        _add(node, "remark/code", trade.remark)
    if trade.payment is not None:
        terms = _add(node, "terms")
        _add(terms, "paymentFrequency", "monthly")
        _add(terms, "scheduledMonthlyPayment", _amount(trade.payment))
    _add(node, "account/type", trade.account_type)
    _add(node, "pastDue", _amount(trade.past_due))
    history = _add(node, "paymentHistory")
    _add(history, "paymentPattern/startDate", "2026-05-01", dated=True)
    history.find(_q("paymentPattern")).append(ET.Element(_q("text")))
    history.find(f"{_q('paymentPattern')}/{_q('text')}").text = trade.pattern
    counters = _add(history, "historicalCounters")
    _add(counters, "monthsReviewedCount", f"{len(trade.pattern):02d}")
    for tag, count in zip(
        ("late30DaysTotal", "late60DaysTotal", "late90DaysTotal"), trade.late, strict=True
    ):
        _add(counters, tag, f"{count:02d}")
    _add(node, "updateMethod", "automated")
    return node


def _collection(agency: str, original: str, balance: int, original_balance: int) -> ET.Element:
    node = ET.Element(_q("collection"))
    _add(node, "subscriber/industryCode", "Y")
    _add(node.find(_q("subscriber")), "name/unparsed", agency)
    _add(node, "portfolioType", "open")
    _add(node, "ECOADesignator", "individual")
    _add(node, "account/type", "FC")
    _add(node, "dateOpened", "2024-08-15", dated=True)
    _add(node, "currentBalance", _amount(balance))
    original_node = _add(node, "original")
    _add(original_node, "creditGrantor/unparsed", original)
    _add(original_node, "balance", _amount(original_balance))
    _add(node, "pastDue", _amount(balance))
    _add(node, "accountRating", "9B")
    _add(node, "remark/code", "CLA")
    return node


def _public_record() -> ET.Element:
    node = ET.Element(_q("publicRecord"))
    _add(node, "type", "7X")  # chapter 7 bankruptcy, discharged
    _add(node, "subscriber/industryCode", "Z")
    _add(node, "docketNumber", "2101234")
    _add(node, "source/type", "federalDistrict")
    _add(node, "dateFiled", "2021-03-02", dated=True)
    _add(node, "datePaid", "2021-07-19", dated=True)
    return node


def contract_tree() -> ET.ElementTree:
    ET.register_namespace("", NS)
    ET.register_namespace("xsi", "http://www.w3.org/2001/XMLSchema-instance")
    return ET.parse(CONTRACT)  # noqa: S314  # nosec B314


def _credit(root: ET.Element) -> ET.Element:
    path = ("product", "subject", "subjectRecord", "custom", "credit")
    return root.find("/".join(_q(tag) for tag in path))


def _model_report(root: ET.Element, record: ET.Element) -> None:
    """Product 08000: the creditSummary stays, a disputed trade is a compliance condition."""
    root.find(f"{_q('product')}/{_q('code')}").text = "08000"
    condition = _add(record.find(_q("custom")), "modelReport/complianceCondition")
    _add(condition, "type", "trade")
    _add(condition, "sourceName/unparsed", "TARGET N.B.")
    _add(condition, "accountNumber", "6X9X6")
    _add(condition, "remark/code", "CBC")


def bad_value(xml: bytes, name: str) -> bytes:
    """The document with one value of its first tradeline replaced by a bad one."""
    ET.register_namespace("", NS)
    root = ET.fromstring(xml)  # noqa: S314  # nosec B314  (our own document)
    path, value = BAD_VALUES[name]
    trade = root.find(f".//{_q('trade')}")
    trade.find("/".join(_q(tag) for tag in path.split("/"))).text = value
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def _apply(root: ET.Element, persona: Persona) -> None:
    record = root.find(f"{_q('product')}/{_q('subject')}/{_q('subjectRecord')}")
    summary = record.find(_q("fileSummary"))
    summary.find(_q("fileHitIndicator")).text = persona.hit
    freeze = summary.find(f"{_q('creditDataStatus')}/{_q('freeze')}/{_q('indicator')}")
    freeze.text = "true" if persona.frozen else "false"
    credit = _credit(root)
    for old in credit.findall(_q("trade")) + credit.findall(_q("inquiry")):
        credit.remove(old)
    at = 0
    if persona.bankruptcy:
        credit.insert(at, _public_record())
        at += 1
    for index, trade in enumerate(persona.trades):
        credit.insert(at + index, _trade(trade, index))
    for offset, args in enumerate(persona.collections):
        credit.insert(at + len(persona.trades) + offset, _collection(*args))
    if persona.score_only:
        _model_report(root, record)
    score = record.find(f"{_q('addOnProduct')}/{_q('scoreModel')}/{_q('score')}/{_q('results')}")
    score.text = persona.score or None
    if persona.hit.endswith("NoHit") or persona.frozen:
        for product in record.findall(_q("addOnProduct")):
            record.remove(product)
        record.remove(record.find(_q("custom")))
    if persona.hit.endswith("NoHit"):
        record.remove(record.find(_q("indicative")))


def document(*, ssn: str, reference: str) -> bytes:
    """The response for a request: the persona's document, our reference echoed."""
    tree = contract_tree()
    root = tree.getroot()
    persona = PERSONAS.get(ssn[-4:])
    if persona is not None:
        _apply(root, persona)
        for number in root.findall(f".//{_q('socialSecurity')}/{_q('number')}"):
            number.text = ssn
    control = root.find(_q("transactionControl"))
    ref = ET.Element(_q("userRefNumber"))
    ref.text = reference
    control.insert(0, ref)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)
