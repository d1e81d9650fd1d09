"""The queue's search finds people in every tab the person may see and says which tab each
sits in; the keyboard script is served under the CSP nonce; an assignment from a row
refreshes the tab counts in place (htmx)."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from counselor.services.case import case_assign
from tenants.roles import Role
from tests.counselor.cases import sent_application

pytestmark = pytest.mark.django_db
QUEUE = "/counselor/"
SEARCH = "/counselor/search/"


@pytest.fixture
def counselor(make_staff, agency_profile):
    return make_staff("counselor-1", Role.COUNSELOR)


def _found(response) -> list[tuple[str, str]]:
    return [(hit.application.household.last_name, hit.tab) for hit in response.context["found"]]


def test_a_search_from_my_cases_finds_her_in_unassigned_and_says_so(client, counselor):
    sent_application(last_name="Lopez")
    client.force_login(counselor)

    location = client.post(
        SEARCH, {"tab": "mine", "kind": "name", "value": "Maria", "last_name": "Lopez"}
    )["Location"]
    response = client.get(location)
    page = re.sub(r"\s+", " ", response.content.decode())

    assert "tab=mine" in location
    assert _found(response) == [("Lopez", "unassigned")]
    assert "Maria Lopez</a>" in page and ">Unassigned</a></td>" in page
    assert "No cases here." not in page


def test_a_counselors_search_never_finds_a_colleagues_case(client, counselor, make_staff):
    colleague = make_staff("counselor-2", Role.COUNSELOR)
    supervisor = make_staff("supervisor-1", Role.SUPERVISOR)
    mine, theirs = sent_application(last_name="Lopez"), sent_application(last_name="Lopez")
    case_assign(application=mine, assignee=counselor, actor=counselor)
    case_assign(application=theirs, assignee=colleague, actor=colleague)
    search = {"tab": "mine", "kind": "name", "value": "Maria", "last_name": "Lopez"}

    client.force_login(counselor)
    as_counselor = client.get(client.post(SEARCH, search)["Location"])
    client.force_login(supervisor)
    as_supervisor = client.get(client.post(SEARCH, search)["Location"])

    assert [hit.application for hit in as_counselor.context["found"]] == [mine]
    assert [hit.tab for hit in as_counselor.context["found"]] == ["mine"]
    assert [hit.tab for hit in as_supervisor.context["found"]] == ["all", "all"]


def test_keyboard_script_is_loaded_with_the_nonce(client, counselor):
    sent_application()
    client.force_login(counselor)

    response = client.get(QUEUE, {"tab": "unassigned"})
    page = response.content.decode()

    script = re.search(r'<script src="/static/js/queue\.js" nonce="([^"]+)"></script>', page)
    assert script is not None
    assert f"'nonce-{script.group(1)}'" in response.headers["Content-Security-Policy"]
    assert "data-keyboard-rows" in page and "<kbd>/</kbd>" in page
    assert 'hx-select="#queue-main"' in page  # a row's assignment swaps the tabs and rows


def test_assigning_from_a_row_returns_the_queue_with_new_counts_for_htmx(client, counselor):
    application = sent_application()
    client.force_login(counselor)
    url = reverse("counselor:case-assign", args=[application.public_id])

    response = client.post(
        url,
        {"assignee": "me", "next": f"{QUEUE}?tab=unassigned"},
        HTTP_HX_REQUEST="true",
        follow=True,
    )
    page = re.sub(r"\s+", " ", response.content.decode())

    assert 'id="queue-main"' in page
    assert re.search(r"My cases <span class=\"queue-count\">\(1\)</span>", page)
    assert re.search(r"Unassigned <span class=\"queue-count\">\(0\)</span>", page)
