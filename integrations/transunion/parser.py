"""Parser of TransUnion TUNA XML credit report responses (version 2.33) into dataclasses.

The shape is the contract file ``credit-report-response-v2.33.xml`` (shared/contracts):
``creditBureau/product/subject/subjectRecord`` holds ``fileSummary``, ``indicative``,
``custom/credit`` (``trade``, ``collection``, ``inquiry``, ``publicRecord``) and
``addOnProduct`` (score models). Amounts are whole dollars, zero-padded ("000016015");
scores are signed ("+667"). Parsing uses the standard library on text we receive from
the bureau over mutual TLS; entity expansion is refused by the parser below.
"""

from __future__ import annotations

# DTDs (and so entity expansion) are refused in _root before parsing.
import xml.etree.ElementTree as ET  # nosec B405
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

NS = "http://www.transunion.com/namespace"
_N = {"t": NS}


class ReportParseError(ValueError):
    """The document is not a TUNA credit report response we can read, or one of its
    values is not what its element holds (the message names the element)."""


@dataclass(frozen=True)
class FileSummary:
    hit_indicator: str
    hit: bool
    frozen: bool
    suppressed: bool
    in_file_since: date | None


@dataclass(frozen=True)
class Address:
    status: str
    street: str
    city: str
    state: str
    zip_code: str
    reported: date | None


@dataclass(frozen=True)
class Employment:
    employer: str
    occupation: str
    since: date | None


@dataclass(frozen=True)
class Indicative:
    names: tuple[str, ...]
    addresses: tuple[Address, ...]
    ssn: str
    birth_date: date | None
    employment: tuple[Employment, ...]


@dataclass(frozen=True)
class Tradeline:
    creditor: str
    industry_code: str
    portfolio_type: str
    account_type: str
    ecoa: str
    opened: date | None
    effective: date | None
    closed: date | None
    paid_out: date | None
    balance: Decimal | None
    high_credit: Decimal | None
    credit_limit: Decimal | None
    account_rating: str
    scheduled_payment: Decimal | None
    past_due: Decimal | None
    payment_pattern: str
    late_30: int
    late_60: int
    late_90: int
    remarks: tuple[str, ...]
    # The account number's last four characters only (to tell two accounts at one
    # creditor apart, and to match a bank's card mask); the full number is never kept.
    account_last4: str = ""

    @property
    def is_open(self) -> bool:
        return self.closed is None and self.paid_out is None


@dataclass(frozen=True)
class Collection:
    agency: str
    original_creditor: str
    account_type: str
    opened: date | None
    balance: Decimal | None
    original_balance: Decimal | None
    remarks: tuple[str, ...]


@dataclass(frozen=True)
class Inquiry:
    subscriber: str
    industry_code: str
    date: date | None


@dataclass(frozen=True)
class PublicRecord:
    type: str
    court: str
    filed: date | None
    paid: date | None


@dataclass(frozen=True)
class Score:
    model: str
    value: int | None
    factors: tuple[str, ...]


@dataclass(frozen=True)
class CreditSummary:
    """The bureau's own counts and balances (``custom/credit/creditSummary``): present in
    a full report, and all a score-only (model) report says about the tradelines."""

    trades: int
    negative_trades: int
    inquiries: int
    collections: int
    public_records: int
    revolving_balance: Decimal | None
    installment_balance: Decimal | None
    mortgage_balance: Decimal | None
    total_balance: Decimal | None
    total_monthly_payment: Decimal | None


@dataclass(frozen=True)
class ComplianceCondition:
    """A ``modelReport/complianceCondition``: an item the consumer disputes (no account
    number kept)."""

    type: str
    source: str
    remarks: tuple[str, ...]


@dataclass(frozen=True)
class CreditReportData:
    reference: str
    summary: FileSummary
    indicative: Indicative
    tradelines: tuple[Tradeline, ...]
    collections: tuple[Collection, ...]
    inquiries: tuple[Inquiry, ...]
    public_records: tuple[PublicRecord, ...]
    scores: tuple[Score, ...]
    credit_summary: CreditSummary | None = None
    consumer_statements: tuple[str, ...] = ()
    compliance_conditions: tuple[ComplianceCondition, ...] = ()

    @property
    def score(self) -> Score | None:
        return next((s for s in self.scores if s.value is not None), None)

    @property
    def score_only(self) -> bool:
        """A model report: the summary counts trades, but no tradeline came with it."""
        return (
            not self.tradelines
            and self.credit_summary is not None
            and self.credit_summary.trades > 0
        )


def _text(node: ET.Element | None, path: str) -> str:
    found = None if node is None else node.find(path, _N)
    return (found.text or "").strip() if found is not None and found.text else ""


def _bad(path: str, what: str) -> ReportParseError:
    element = path.replace("t:", "").rstrip("/")
    return ReportParseError(f"{element}: not {what}")


def _date(node: ET.Element | None, path: str) -> date | None:
    value = _text(node, path)
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        raise _bad(path, "a date (YYYY-MM-DD)") from None


def _dollars(node: ET.Element | None, path: str) -> Decimal | None:
    value = _text(node, path)
    if not value:
        return None
    try:
        amount = Decimal(value)
    except InvalidOperation:
        raise _bad(path, "an amount in dollars") from None
    if not amount.is_finite():
        raise _bad(path, "an amount in dollars")
    return amount


def _count(node: ET.Element | None, path: str) -> int:
    value = _text(node, path)
    if value and not value.isdigit():
        raise _bad(path, "a count")
    return int(value) if value else 0


def _flag(node: ET.Element | None, path: str) -> bool:
    return _text(node, path).lower() == "true"


def _root(xml: str | bytes) -> ET.Element:
    raw = xml.encode() if isinstance(xml, str) else xml
    if b"<!DOCTYPE" in raw or b"<!ENTITY" in raw:
        raise ReportParseError("documents with a DTD are refused")
    try:
        root = ET.fromstring(raw)  # noqa: S314  # nosec B314
    except ET.ParseError as error:
        raise ReportParseError(f"not XML: {error}") from None
    if root.tag != f"{{{NS}}}creditBureau":
        raise ReportParseError("not a TransUnion creditBureau document")
    return root


def _summary(record: ET.Element) -> FileSummary:
    node = record.find("t:fileSummary", _N)
    indicator = _text(node, "t:fileHitIndicator")
    return FileSummary(
        hit_indicator=indicator,
        hit=bool(indicator) and not indicator.lower().endswith("nohit"),
        frozen=_flag(node, "t:creditDataStatus/t:freeze/t:indicator"),
        suppressed=_flag(node, "t:creditDataStatus/t:suppressed"),
        in_file_since=_date(node, "t:inFileSinceDate"),
    )


def _street(node: ET.Element) -> str:
    street = node.find("t:street", _N)
    if street is None:
        return ""
    unparsed = _text(street, "t:unparsed")
    parts = ("t:number", "t:preDirectional", "t:name", "t:type", "t:postDirectional")
    built = " ".join(p for p in (_text(street, x) for x in parts) if p)
    unit = _text(street, "t:unit/t:number")
    return unparsed or (f"{built} #{unit}" if unit else built)


def _name(node: ET.Element) -> str:
    parts = ("t:person/t:first", "t:person/t:middle", "t:person/t:last")
    name = " ".join(p for p in (_text(node, x) for x in parts) if p)
    suffix = _text(node, "t:person/t:generationalSuffix")
    return f"{name} {suffix}" if suffix else name


def _indicative(record: ET.Element) -> Indicative:
    node = record.find("t:indicative", _N)
    if node is None:
        return Indicative((), (), "", None, ())
    addresses = tuple(
        Address(
            _text(a, "t:status"),
            _street(a),
            _text(a, "t:location/t:city"),
            _text(a, "t:location/t:state"),
            _text(a, "t:location/t:zipCode"),
            _date(a, "t:dateReported"),
        )
        for a in node.findall("t:address", _N)
    )
    employment = tuple(
        Employment(
            _text(e, "t:employer/t:unparsed"),
            _text(e, "t:occupation"),
            _date(e, "t:dateOnFileSince"),
        )
        for e in node.findall("t:employment", _N)
    )
    return Indicative(
        names=tuple(_name(n) for n in node.findall("t:name", _N)),
        addresses=addresses,
        ssn=_text(node, "t:socialSecurity/t:number"),
        birth_date=_date(node, "t:dateOfBirth"),
        employment=employment,
    )


def _remarks(node: ET.Element) -> tuple[str, ...]:
    return tuple(_text(r, "t:code") for r in node.findall("t:remark", _N))


def _tradeline(node: ET.Element) -> Tradeline:
    history = "t:paymentHistory/t:historicalCounters/"
    return Tradeline(
        creditor=_text(node, "t:subscriber/t:name/t:unparsed"),
        industry_code=_text(node, "t:subscriber/t:industryCode"),
        portfolio_type=_text(node, "t:portfolioType"),
        account_type=_text(node, "t:account/t:type"),
        ecoa=_text(node, "t:ECOADesignator"),
        opened=_date(node, "t:dateOpened"),
        effective=_date(node, "t:dateEffective"),
        closed=_date(node, "t:dateClosed"),
        paid_out=_date(node, "t:datePaidOut"),
        balance=_dollars(node, "t:currentBalance"),
        high_credit=_dollars(node, "t:highCredit"),
        credit_limit=_dollars(node, "t:creditLimit"),
        account_rating=_text(node, "t:accountRating"),
        scheduled_payment=_dollars(node, "t:terms/t:scheduledMonthlyPayment"),
        past_due=_dollars(node, "t:pastDue"),
        payment_pattern=_text(node, "t:paymentHistory/t:paymentPattern/t:text"),
        late_30=_count(node, history + "t:late30DaysTotal"),
        late_60=_count(node, history + "t:late60DaysTotal"),
        late_90=_count(node, history + "t:late90DaysTotal"),
        remarks=_remarks(node),
        account_last4=_text(node, "t:accountNumber")[-4:],
    )


def _collection(node: ET.Element) -> Collection:
    return Collection(
        agency=_text(node, "t:subscriber/t:name/t:unparsed"),
        original_creditor=_text(node, "t:original/t:creditGrantor/t:unparsed"),
        account_type=_text(node, "t:account/t:type"),
        opened=_date(node, "t:dateOpened"),
        balance=_dollars(node, "t:currentBalance"),
        original_balance=_dollars(node, "t:original/t:balance"),
        remarks=_remarks(node),
    )


def _inquiry(node: ET.Element) -> Inquiry:
    return Inquiry(
        subscriber=_text(node, "t:subscriber/t:name/t:unparsed"),
        industry_code=_text(node, "t:subscriber/t:industryCode"),
        date=_date(node, "t:date"),
    )


def _public_record(node: ET.Element) -> PublicRecord:
    return PublicRecord(
        type=_text(node, "t:type"),
        court=_text(node, "t:source/t:type"),
        filed=_date(node, "t:dateFiled"),
        paid=_date(node, "t:datePaid"),
    )


def _score(node: ET.Element) -> Score:
    path = "t:scoreModel/t:score/t:results"
    raw = _text(node, path)
    if raw and not raw.lstrip("+-").isdigit():
        raise _bad(path, "a score")
    factors = node.findall("t:scoreModel/t:score/t:factors/t:factor", _N)
    ranked = sorted(factors, key=lambda f: _count(f, "t:rank"))
    return Score(
        model=_text(node, "t:code"),
        value=int(raw) if raw else None,
        factors=tuple(_text(f, "t:code") for f in ranked),
    )


def _credit_summary(credit: ET.Element | None) -> CreditSummary | None:
    node = None if credit is None else credit.find("t:creditSummary", _N)
    if node is None:
        return None
    counts = "t:recordCounts/t:"
    return CreditSummary(
        trades=_count(node, counts + "totalTradeCount"),
        negative_trades=_count(node, counts + "negativeTradeCount"),
        inquiries=_count(node, counts + "totalInquiryCount"),
        collections=_count(node, counts + "collectionCount"),
        public_records=_count(node, counts + "publicRecordCount"),
        revolving_balance=_dollars(node, "t:revolvingAmount/t:currentBalance"),
        installment_balance=_dollars(node, "t:installmentAmount/t:currentBalance"),
        mortgage_balance=_dollars(node, "t:mortgageAmount/t:currentBalance"),
        total_balance=_dollars(node, "t:totalAmount/t:currentBalance"),
        total_monthly_payment=_dollars(node, "t:totalAmount/t:monthlyPayment"),
    )


def _compliance(record: ET.Element) -> tuple[ComplianceCondition, ...]:
    return tuple(
        ComplianceCondition(
            type=_text(node, "t:type"),
            source=_text(node, "t:sourceName/t:unparsed"),
            remarks=_remarks(node),
        )
        for node in record.findall("t:custom/t:modelReport/t:complianceCondition", _N)
    )


def report_error(xml: str | bytes) -> str:
    """The bureau's error code when the document is an error response, else ""."""
    error = _root(xml).find(".//t:error", _N)
    return "" if error is None else (_text(error, "t:code") or "UNKNOWN")


def report_parse(xml: str | bytes) -> CreditReportData:
    """Parses one response document. Raises ReportParseError (with the bureau's error
    text when the document is an error response)."""
    root = _root(xml)
    error = root.find(".//t:error", _N)
    if error is not None:
        raise ReportParseError(
            f"bureau error {_text(error, 't:code')}: {_text(error, 't:description')}"
        )
    record = root.find("t:product/t:subject/t:subjectRecord", _N)
    if record is None:
        raise ReportParseError("no subjectRecord in the response")
    credit = record.find("t:custom/t:credit", _N)
    every = (lambda tag: credit.findall(tag, _N)) if credit is not None else (lambda tag: [])
    return CreditReportData(
        reference=_text(root, "t:transactionControl/t:userRefNumber"),
        summary=_summary(record),
        indicative=_indicative(record),
        tradelines=tuple(_tradeline(n) for n in every("t:trade")),
        collections=tuple(_collection(n) for n in every("t:collection")),
        inquiries=tuple(_inquiry(n) for n in every("t:inquiry")),
        public_records=tuple(_public_record(n) for n in every("t:publicRecord")),
        scores=tuple(_score(n) for n in record.findall("t:addOnProduct", _N)),
        credit_summary=_credit_summary(credit),
        consumer_statements=tuple(
            _text(n, "t:text") for n in record.findall("t:consumerFileData/t:consumerStatement", _N)
        ),
        compliance_conditions=_compliance(record),
    )
