"""A counselor's day around the queue: the header per role, the Today panel of My cases,
follow-ups, unread messages from consumers (and their count, read once the case's messages
open)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from counselor.services.case import case_assign, case_version
from counselor.services.casework import case_task_add
from intake.services import message_post
from tenants.roles import Role
from tests.counselor.cases import sent_application

pytestmark = pytest.mark.django_db


@pytest.fixture
def counselor(make_staff, agency_profile):
    return make_staff("counselor-1", Role.COUNSELOR)


def _text(response) -> str:
    assert response.status_code == 200
    return re.sub(r"\s+", " ", response.content.decode())


def _mine(counselor, last_name: str):
    application = sent_application(last_name=last_name)
    case_assign(application=application, assignee=counselor, actor=counselor)
    return application


def _task(application, counselor, title: str, days: int) -> None:
    due = timezone.localdate() + timedelta(days=days)
    case_task_add(
        application=application,
        title=title,
        due_date=due,
        assignee=counselor,
        actor=counselor,
        expected_version=case_version(application=application),
    )


@pytest.mark.parametrize(
    ("roles", "links", "lands_on"),
    [
        ((Role.COUNSELOR,), ["Cases", "Follow-ups", "Messages"], "/counselor/"),
        (
            (Role.SUPERVISOR,),
            ["Cases", "Follow-ups", "Messages", "Dashboard"],
            "/counselor/supervisor/",
        ),
        ((Role.AGENCY_ADMIN,), ["Creditor terms", "Administration"], "/admin/"),
    ],
)
def test_each_role_lands_on_its_work_with_its_own_header(
    client, make_staff, agency_profile, roles, links, lands_on
):
    person = make_staff("someone", *roles)
    client.force_login(person)

    landing = client.get(reverse("agency:home"))
    page_url = "/counselor/creditor-terms/" if lands_on == "/admin/" else lands_on
    page = _text(client.get(page_url))

    assert landing["Location"] == lands_on
    shown = re.findall(r'class="site-staff-link[^"]*" href="[^"]+"[^>]*>(\w[\w -]*\w)', page)
    assert shown == links
    assert "Signed in as <strong>someone</strong>" in page and "Sign out" in page
    assert "Talk to a counselor" not in page


def test_my_cases_start_with_todays_follow_ups_and_new_unassigned_cases(client, counselor):
    mine = _mine(counselor, "Duenow")
    _task(mine, counselor, "Call about the pay stub", 0)
    _task(mine, counselor, "Check the bank link", -2)
    _task(mine, counselor, "Next month's review", 20)
    sent_application(last_name="Newcase")
    client.force_login(counselor)

    queue = _text(client.get(reverse("counselor:queue")))
    today = _text(client.get(reverse("counselor:today")))

    assert "<h1>My cases</h1>" in queue and 'hx-get="/counselor/today/"' in queue
    assert "Call about the pay stub" in today and "Check the bank link" in today
    assert "overdue" in today and "Next month's review" not in today
    assert "Maria Newcase" in today.split("New unassigned cases")[1]


def test_follow_ups_list_my_open_tasks_not_a_colleagues(client, counselor, make_staff):
    colleague = make_staff("counselor-2", Role.COUNSELOR)
    _task(_mine(counselor, "Mine"), counselor, "Send the budget", 3)
    _task(_mine(colleague, "Theirs"), colleague, "Colleague's call", 1)
    client.force_login(counselor)

    page = _text(client.get(reverse("counselor:follow-ups")))

    assert "Send the budget" in page and "Maria Mine" in page
    assert page.count("?section=notes-and-tasks") == 1  # the case opens on its tasks
    assert "Colleague's call" not in page and "Theirs" not in page


@pytest.mark.parametrize("opened", ["page", "panel"])
def test_unread_messages_are_counted_listed_and_read_when_the_cases_messages_open(
    client, counselor, opened
):
    application = _mine(counselor, "Writer")
    for body in ("Hello?", "Any news?"):
        message_post(
            application=application, author=application.consumer, body=body, from_staff=False
        )
    client.force_login(counselor)
    case_url = reverse("counselor:case", args=[application.public_id])
    messages_url = (
        f"{case_url}?section=messages"
        if opened == "page"
        else reverse("counselor:case-section", args=[application.public_id, "messages"])
    )

    count = _text(client.get(reverse("counselor:unread")))
    threads = _text(client.get(reverse("counselor:messages")))
    case = _text(client.get(case_url))  # the Budget: the messages are not shown
    still = _text(client.get(reverse("counselor:unread")))
    messages = _text(client.get(messages_url))
    after = client.get(reverse("counselor:unread")).content.decode().strip()

    assert ">2</span>" in count
    assert "Maria Writer" in threads and "<td>2</td>" in threads
    assert f'href="{case_url}?section=messages"' in threads
    assert '<span class="case-unread">2 unread</span>' in case and ">2</span>" in still
    assert "Hello?" in messages and "Any news?" in messages
    assert "case-unread" not in messages  # read now, as the navigation says
    assert after == ""
