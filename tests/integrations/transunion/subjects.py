"""Bureau subjects for the tests: the SSN's last four digits pick the sandbox persona."""

from __future__ import annotations

import requests

from integrations.transunion.client import BureauSubject


def make_subject(last4: str = "0004") -> BureauSubject:
    return BureauSubject(
        "CARLA", "CARDHOLDER", f"66600{last4}", "1980-02-03", "1 MAIN ST", "DENVER", "CO", "80202"
    )


def bureau_calls(url: str) -> dict:
    return requests.get(f"{url}/sandbox/admin/calls", timeout=5).json()


def bureau_faults(url: str, *faults: str) -> None:
    requests.post(f"{url}/sandbox/admin/faults", json={"faults": list(faults)}, timeout=5)
