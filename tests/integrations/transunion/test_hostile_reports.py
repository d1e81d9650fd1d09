"""Bureau answers the parser had never seen: a score-only (model) report, well-formed
reports with one bad value, a cut-off body and an oversized one. Each ends as a stored
report or a failed pull with its reason, never a pull left running."""

from __future__ import annotations

from decimal import Decimal

import pytest

from integrations.errors import failure_reason
from integrations.sandbox.transunion.personas import document
from integrations.sandbox.transunion.server import _hostile
from integrations.transunion.models import BureauPull, CreditReport
from integrations.transunion.parser import ReportParseError, report_parse
from tests.integrations.transunion.subjects import bureau_faults
from tests.integrations.transunion.test_pulls import _done, _request, celery_worker

pytestmark = [pytest.mark.processes, pytest.mark.django_db(transaction=True)]
__all__ = ["celery_worker"]


@pytest.mark.parametrize(
    ("fault", "message"),
    [
        ("body:bad_date", "dateOpened: not a date (YYYY-MM-DD)"),
        ("body:bad_balance", "currentBalance: not an amount in dollars"),
        (
            "body:bad_late_count",
            "paymentHistory/historicalCounters/late30DaysTotal: not a count",
        ),
    ],
)
def test_a_bad_value_is_a_report_parse_error_naming_the_element(fault, message):
    with pytest.raises(ReportParseError) as raised:
        report_parse(_hostile(document(ssn="666000004", reference="r1"), fault))
    assert str(raised.value) == message


def test_the_score_only_report_keeps_counts_statement_and_compliance(bureau, celery_worker):
    pull = _done(_request("application:score-only", "0007"))
    assert pull.status == BureauPull.Status.DONE
    report = CreditReport.objects.get(pull=pull)
    assert (report.hit, report.score) == (True, 667)
    summary = report.summary
    assert summary["score_only"] is True
    assert summary["tradelines"] == []
    counts = summary["credit_summary"]
    assert (counts["trades"], counts["inquiries"], counts["negative_trades"]) == (32, 4, 1)
    assert Decimal(counts["total_balance"]) == Decimal("122422")
    assert Decimal(counts["revolving_balance"]) == Decimal("6840")
    assert summary["consumer_statements"] == [
        "DO NOT CONFUSE WITH CONSUMERS OF SIMILAR IDENTIFICATION; VERIFY ALL IDENTIFYING "
        "INFORMATION."
    ]
    assert summary["compliance_conditions"] == [
        {"type": "trade", "source": "TARGET N.B.", "remarks": ["CBC"]}
    ]


@pytest.mark.parametrize(
    ("fault", "code"),
    [
        ("body:bad_balance", "REPORT_UNREADABLE"),
        ("body:malformed", "BAD_RESPONSE"),
        ("huge:400", "RESPONSE_TOO_LARGE"),
    ],
)
def test_a_hostile_answer_fails_the_pull_with_a_reason(
    bureau, celery_worker, settings, fault, code
):
    settings.TRANSUNION_MAX_RESPONSE_BYTES = 256 * 1024  # the 400-trade body is ~0.6 MB
    bureau_faults(bureau, fault)
    pull = _done(_request(f"application:{fault}"))
    assert (pull.status, pull.error_code) == (BureauPull.Status.FAILED, code)
    assert pull.claimed_by == ""
    assert failure_reason(code) != ""
    assert not CreditReport.objects.filter(pull=pull).exists()
