"""The case page's summary (who, where the case stands, the budget's surplus or shortfall,
eligibility, verification, next follow-up) and its sections to jump to, in human words."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from tenants.roles import Role
from tests.counselor.cases import sent_application

pytestmark = pytest.mark.django_db


def _page(client, application) -> str:
    response = client.get(reverse("counselor:case", args=[application.public_id]))
    assert response.status_code == 200
    return re.sub(r"\s+", " ", response.content.decode())


def test_the_summary_says_where_the_case_stands(client, make_staff, agency_profile):
    client.force_login(make_staff("counselor-1", Role.COUNSELOR))
    application = sent_application(last_name="Summary")

    page = _page(client, application)
    summary = page.split('id="case-summary"')[1].split("</section>")[0]

    assert "Maria Summary" in summary
    assert f"Ref. {application.reference}" in summary
    facts = dict(re.findall(r"<dt>([^<]+)</dt><dd[^>]*>\s*([^<]+)", summary))
    assert facts["Status"].strip() == "Submitted"
    assert facts["Assigned to"].strip() == "Unassigned"
    assert (facts["Language"].strip(), facts["State"].strip()) == ("English", "GA")
    assert facts["Monthly budget"].strip() == "Surplus $1,600.00"
    assert facts["Eligibility"].strip() == "No plan yet"
    assert facts["Verification"].strip() == "Not run"
    links = re.findall(r'<a href="#([a-z-]+)">([^<]+)</a>', summary)
    assert [label for _anchor, label in links] == [
        "Budget",
        "Verification",
        "Debts",
        "Documents",
        "Notes and tasks",
        "Messages",
        "Plans",
        "History",
    ]
    for anchor, _label in links:
        assert f'<section id="{anchor}" class="case-section"' in page


def test_status_change_says_a_reason_is_required_and_close_reasons_read_as_words(
    client, make_staff, agency_profile
):
    client.force_login(make_staff("counselor-1", Role.COUNSELOR))

    page = _page(client, sent_application())

    assert "Reason (required)" in page
    assert 'aria-describedby="case-status-reason-hint"' in page
    assert "Every status change needs a reason" in page
    options = re.findall(
        r'<option value="([a-z_]+)"[^>]*>([^<]+)</option>',
        page.split('id="case-close-reason"')[1].split("</select>")[0],
    )
    assert options and all(label[0].isupper() and "_" not in label for _value, label in options)
