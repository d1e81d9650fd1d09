"""The queue's pages: keyset cursors in "Next" and "Previous" links (no OFFSET), stable
under equal submit times, a stale or tampered cursor opens the first page, and tab counts
capped so that counting never reads every case."""

from __future__ import annotations

import re

import pytest

from counselor.selectors import queue as queue_selectors
from counselor.selectors.queue import count_label
from tenants.roles import Role
from tests.counselor.cases import sent_application

pytestmark = pytest.mark.django_db
QUEUE = "/counselor/"


@pytest.fixture
def supervisor(client, make_staff):
    user = make_staff("supervisor-1", Role.SUPERVISOR)
    client.force_login(user)
    return user


def _link(response, rel: str) -> str | None:
    found = re.search(rf'<a href="\?([^"]+)" rel="{rel}">', response.content.decode())
    return found.group(1).replace("&amp;", "&") if found else None


def _follow(client, response, rel: str):
    return client.get(f"{QUEUE}?{_link(response, rel)}")


def _rows(response) -> list[int]:
    return [application.pk for application in response.context["page"].rows]


def test_next_and_previous_links_walk_the_pages_by_cursor(client, supervisor):
    made = [sent_application().pk for _ in range(27)]

    first = client.get(QUEUE, {"tab": "all"})
    second = _follow(client, first, "next")
    back = _follow(client, second, "prev")

    assert (_rows(first), _rows(second), _rows(back)) == (made[:25], made[25:], made[:25])
    assert (_link(first, "prev"), _link(second, "next"), _link(back, "prev")) == (None,) * 3
    assert "after=" in _link(first, "next") and "page=2" in _link(first, "next")
    assert (second.context["page"].number, back.context["page"].number) == (2, 1)
    assert "Page 2" in second.content.decode()


def test_equal_submit_times_are_ordered_by_id_across_pages(client, supervisor):
    made = [sent_application(hours=5).pk for _ in range(30)]

    first = client.get(QUEUE, {"tab": "all", "sort": "newest"})
    second = _follow(client, first, "next")

    assert _rows(first) + _rows(second) == made[::-1]
    assert "sort=newest" in _link(first, "next")


def test_status_sort_pages_through_every_status(client, supervisor):
    reviewed = [sent_application(status="in_review").pk for _ in range(20)]
    submitted = [sent_application().pk for _ in range(10)]

    first = client.get(QUEUE, {"tab": "all", "sort": "status"})
    second = _follow(client, first, "next")

    assert _rows(first) + _rows(second) == reviewed + submitted


def test_filters_stay_on_the_next_page(client, supervisor):
    spanish = [sent_application(language="es").pk for _ in range(26)]
    sent_application(language="en")

    first = client.get(QUEUE, {"tab": "all", "language": "es"})
    second = _follow(client, first, "next")

    assert _rows(first) + _rows(second) == spanish


@pytest.mark.parametrize("cursor", ["bm90LWpzb24", "WyJ4Il0", "not base64!", "W10"])
def test_a_tampered_cursor_opens_the_first_page(client, supervisor, cursor):
    made = [sent_application().pk for _ in range(3)]

    response = client.get(QUEUE, {"tab": "all", "after": cursor, "page": "9"})

    assert response.status_code == 200
    assert (_rows(response), response.context["page"].number) == (made, 1)


def test_tab_counts_stop_at_the_cap(client, supervisor, monkeypatch):
    monkeypatch.setattr(queue_selectors, "COUNT_CAP", 2)
    for _ in range(4):
        sent_application()

    response = client.get(QUEUE, {"tab": "all"})

    page = response.context["page"]
    assert (page.counts["all"], page.counts["unassigned"], page.total) == (3, 3, "2+")
    assert "Cases, 2+ in this tab" in response.content.decode()


def test_count_label_reads_as_people_write_numbers():
    assert [count_label(n) for n in (0, 999, 1000, 1001)] == ["0", "999", "1,000", "1,000+"]
