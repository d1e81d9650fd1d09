"""Proposal versions: snapshots with Decimals as strings, numbered versions, optimistic
concurrency that names what changed, audited overrides."""

from __future__ import annotations

import copy
import uuid

import pytest
from django.urls import reverse

from counselor.engine.snapshots import inputs_diff
from counselor.errors import ProposalConflict, ProposalError
from counselor.models import Proposal
from counselor.services.proposals import proposal_save, proposal_start
from tenants.audit.models import AuditEvent
from tenants.roles import Role


def _override(apr: str = "5.00") -> dict:
    return {
        "creditor": "CHASE CARD",
        "concession_apr": apr,
        "min_payment_pct": None,
        "max_term_months": None,
        "reason": "hardship letter",
    }


def test_start_stores_inputs_and_engine_results_as_strings(case, inputs):
    version = case.versions.get()

    assert (case.version, version.number, version.inputs) == (1, 1, inputs)
    lines = version.results["lines"]
    assert [(ln["creditor"], ln["plan_apr"]) for ln in lines] == [
        ("CHASE CARD", "6.00"),
        ("SYNCB/AMAZON", "9.90"),
        ("CAPITAL ONE BANK USA NA", "7.40"),
    ]
    assert version.results["total_disclosed"] == "21500.00"
    assert version.results["total_enrolled"] == "11700.00"
    assert isinstance(version.results["monthly_deposit"], str)


def test_a_case_has_one_proposal(case, inputs):
    with pytest.raises(ProposalError, match="already"):
        proposal_start(case_id=case.case_id, inputs=inputs, actor=None)


def test_saves_number_versions_and_keep_the_old_ones(case, inputs, make_staff):
    carol = make_staff("carol", Role.COUNSELOR)
    changed = copy.deepcopy(inputs) | {"exclusions": ["d2"]}

    saved = proposal_save(proposal=case, expected_version=1, inputs=changed, actor=carol)

    case.refresh_from_db()
    assert (case.version, saved.number, saved.saved_by) == (2, 2, carol)
    assert [v.number for v in case.versions.all()] == [2, 1]
    assert case.versions.get(number=1).inputs == inputs
    assert len(saved.results["lines"]) == 2


def test_stale_save_raises_a_conflict_naming_the_changes(case, inputs, make_staff):
    carol, dan = make_staff("carol", Role.COUNSELOR), make_staff("dan", Role.SUPERVISOR)
    first = copy.deepcopy(inputs) | {"exclusions": ["d2"], "overrides": [_override()]}
    proposal_save(proposal=case, expected_version=1, inputs=first, actor=carol)
    stale = Proposal.objects.get(pk=case.pk)

    with pytest.raises(ProposalConflict) as caught:
        proposal_save(proposal=stale, expected_version=1, inputs=inputs, actor=dan)

    conflict = caught.value
    assert (conflict.expected, conflict.current, conflict.saved_by) == (1, 2, "carol")
    assert conflict.changes == (
        "SYNCB/AMAZON (d2) excluded",
        "override of CHASE CARD's terms added (concession_apr 5.00 because hardship letter)",
    )
    assert "saved as version 2 by carol after you opened version 1" in str(conflict)
    case.refresh_from_db()
    assert (case.version, case.versions.count()) == (2, 2)


def test_inputs_diff_words():
    old = {"debts": [{"id": "d1", "creditor": "A"}], "exclusions": ["d1"], "fee_waiver": ""}
    new = {"debts": [{"id": "d1", "creditor": "A"}], "exclusions": [], "fee_waiver": "job loss"}

    assert inputs_diff(old, new) == ("A (d1) included again", "fee waiver set")


def test_overrides_are_audited_with_the_case(case, inputs, make_staff):
    carol = make_staff("carol", Role.COUNSELOR)

    proposal_save(
        proposal=case,
        expected_version=1,
        inputs=inputs | {"overrides": [_override()]},
        actor=carol,
    )

    events = AuditEvent.objects.filter(actor=carol).order_by("seq")
    assert [(e.action, e.object_type, e.case_id, e.role) for e in events] == [
        ("create", "proposal_version", str(case.case_id), "counselor"),
        ("update", "terms_override", str(case.case_id), "counselor"),
    ]


def test_builder_save_view_reports_a_conflict_with_409(client, case, inputs, make_staff):
    carol, dan = make_staff("carol", Role.COUNSELOR), make_staff("dan", Role.COUNSELOR)
    proposal_save(
        proposal=case, expected_version=1, inputs=inputs | {"exclusions": ["d3"]}, actor=carol
    )
    client.force_login(dan)
    url = reverse("counselor:builder-save", kwargs={"public_id": case.case_id})
    form = {"version": "1", "include_d1": "on", "include_d2": "on", "include_d3": "on"}

    response = client.post(url, form)

    assert response.status_code == 409
    html = response.content.decode()
    assert "Not saved: someone else saved first" in html
    assert "CAPITAL ONE BANK USA NA (d3) excluded" in html
    case.refresh_from_db()
    assert case.version == 2


def test_builder_save_view_saves_the_next_version(client, case, make_staff):
    client.force_login(make_staff("carol", Role.COUNSELOR))
    url = reverse("counselor:builder-save", kwargs={"public_id": case.case_id})
    form = {"version": "1", "include_d1": "on", "include_d3": "on", "fee_waiver": "no income"}

    response = client.post(url, form)

    assert response.status_code == 302
    case.refresh_from_db()
    latest = case.versions.get(number=2)
    assert (latest.inputs["exclusions"], latest.inputs["fee_waiver"]) == (["d2"], "no income")
    assert latest.results["fees_waived"] is True


def test_unknown_case_uuid_has_no_proposal(db):
    assert not Proposal.objects.filter(case_id=uuid.uuid4()).exists()
