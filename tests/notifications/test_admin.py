"""Staff follow deliveries in the read-only admin: state, attempts, last error; never the
address, and nothing can be added, changed or deleted there."""

from __future__ import annotations

import pytest

from notifications.models import Notice

ADDRESS = "maria.lopez@example.org"


@pytest.mark.django_db
def test_admin_lists_notices_with_state_attempts_and_error_but_no_address(admin_client):
    failing = Notice.objects.create(
        kind="offer_ready",
        channel="email",
        address=ADDRESS,
        link="/a/x/offer/",
        state="pending",
        attempts=3,
        last_error="mail server unavailable (ConnectionRefusedError)",
    )
    Notice.objects.create(kind="bank_renewal", channel="sms", address="4045550101", state="bounced")

    listing = admin_client.get("/admin/notifications/notice/")
    page = listing.content.decode()
    assert listing.status_code == 200
    assert "mail server unavailable (ConnectionRefusedError)" in page
    assert "Waiting to be sent" in page and "Bounced" in page
    assert "Plan offer ready" in page and "Bank connection needs renewal" in page
    assert ADDRESS not in page and "4045550101" not in page

    detail = admin_client.get(f"/admin/notifications/notice/{failing.pk}/change/").content.decode()
    assert "mail server unavailable" in detail and ADDRESS not in detail
    assert admin_client.get("/admin/notifications/notice/add/").status_code == 403
    assert admin_client.post(f"/admin/notifications/notice/{failing.pk}/delete/").status_code == 403
    failing.refresh_from_db()
    assert (failing.state, failing.attempts) == ("pending", 3)
