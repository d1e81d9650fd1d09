"""The case page's summary (who, where the case stands, the budget's surplus or shortfall,
eligibility, verification, next follow-up) and its sections, one open at a time, each on its
own address and as a panel the section navigation loads, in human words."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from intake.models import VerificationRequest
from tenants.roles import Role
from tests.counselor.cases import failed_pull_of, sent_application, verified_application_of

pytestmark = pytest.mark.django_db


def _page(client, application, query: str = "") -> str:
    response = client.get(reverse("counselor:case", args=[application.public_id]) + query)
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
    nav = summary.split('id="case-sections"')[1].split("</nav>")[0]
    links = re.findall(r'<a href="([^"]+)"[^>]*>\s*([^<]+?)\s*</a>', nav)
    assert [label for _href, label in links] == LABELS
    case_url = reverse("counselor:case", args=[application.public_id])
    assert [href for href, _label in links] == [case_url] + [
        f"{case_url}?section={name}" for name in SECTIONS[1:]
    ]
    assert re.findall(r'aria-current="page">([^<]+)</a>', nav) == ["Budget"]
    assert page.count('class="case-section"') == 1
    assert '<section id="budget" class="case-section"' in page


LABELS = [
    "Budget",
    "Verification",
    "Debts",
    "Documents",
    "Notes and tasks",
    "Messages",
    "Plans",
    "History",
]
SECTIONS = [
    "budget",
    "verification",
    "debts",
    "documents",
    "notes-and-tasks",
    "messages",
    "plans",
    "history",
]


@pytest.mark.parametrize(("name", "label"), list(zip(SECTIONS, LABELS, strict=True)))
def test_each_section_opens_alone_on_its_own_address_and_in_the_panel(
    client, make_staff, agency_profile, name, label
):
    client.force_login(make_staff("counselor-1", Role.COUNSELOR))
    application = sent_application()
    case_url = reverse("counselor:case", args=[application.public_id])
    panel_url = reverse("counselor:case-section", args=[application.public_id, name])

    page = _page(client, application, f"?section={name}")
    panel = client.get(panel_url, headers={"HX-Request": "true"})

    assert page.count('class="case-section"') == 1
    assert f'<section id="{name}" class="case-section"' in page
    nav = page.split('id="case-sections"')[1].split("</nav>")[0]
    assert re.findall(r'aria-current="page">([^<]+)</a>', nav) == [label]
    # The link loads the panel and puts the section's own address in the history.
    address = case_url if name == "budget" else f"{case_url}?section={name}"
    link = re.search(rf'<a href="{re.escape(address)}"([^>]*)>', nav)
    assert link is not None
    assert f'hx-get="{panel_url}" hx-target="#case-panel"' in link.group(1)
    assert f'hx-push-url="{address}"' in link.group(1)
    text = re.sub(r"\s+", " ", panel.content.decode())
    assert panel.status_code == 200
    assert f'<section id="{name}" class="case-section"' in text and "<html" not in text
    assert f'<h2 id="{name}-title" tabindex="-1" autofocus>' in text  # the reader moves there
    assert "autofocus" not in page
    assert 'id="case-summary"' not in text and 'id="overview"' not in text
    # The navigation comes along, swapped in place, marking this section open.
    assert re.search(r'<nav [^>]*id="case-sections" hx-swap-oob="true"', text)
    nav = text.split('id="case-sections"')[1]
    assert re.findall(r'aria-current="page">([^<]+)</a>', nav) == [label]


def _running(application) -> None:
    VerificationRequest.objects.create(application=application, started_at=timezone.now())


@pytest.mark.parametrize(
    ("verify", "label"),
    [
        (None, "Not run"),
        (_running, "Running"),
        (verified_application_of, "Verified"),
        (failed_pull_of, "Failed: re-run available"),
    ],
)
def test_the_summary_says_the_verification_state_as_the_queue_filters_it(
    client, make_staff, agency_profile, verify, label
):
    client.force_login(make_staff("counselor-1", Role.COUNSELOR))
    application = sent_application()
    if verify is not None:
        verify(application)

    summary = _page(client, application).split('id="case-summary"')[1].split("</dl>")[0]

    assert f"<dt>Verification</dt><dd>{label}</dd>" in summary


def test_an_unknown_section_is_the_budget_on_the_page_and_a_404_as_a_panel(
    client, make_staff, agency_profile
):
    client.force_login(make_staff("counselor-1", Role.COUNSELOR))
    application = sent_application()

    page = _page(client, application, "?section=secrets")
    panel = client.get(reverse("counselor:case-section", args=[application.public_id, "secrets"]))

    assert '<section id="budget" class="case-section"' in page
    assert panel.status_code == 404


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


def test_the_household_reads_as_people_write_it():
    from types import SimpleNamespace

    from intake.templatetags.formatting import address, phone

    assert phone("4045550123") == "(404) 555-0123"
    assert phone("+1 404 555 0123") == "(404) 555-0123"
    assert phone("") == "\u2014"
    assert phone("12345") == "12345"
    home = SimpleNamespace(
        street="1 Peach St", street2="", city="Atlanta", state="GA", zip_code="30301"
    )
    assert address(home) == "1 Peach St, Atlanta, GA 30301"
    home.street2 = "Apt 4"
    assert address(home) == "1 Peach St, Apt 4, Atlanta, GA 30301"
    assert address(SimpleNamespace(street="", city="", state="", zip_code="")) == "\u2014"
