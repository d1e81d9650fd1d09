"""Forms of the counselor queue: filters (GET) and the blind-index search (POST)."""

from __future__ import annotations

from django import forms

from counselor.selectors.queue import (
    OUTCOMES,
    SEARCH_KINDS,
    SORTS,
    Cursor,
    QueueFilters,
    cursor_decode,
)
from intake.models import Application
from intake.selectors import VERIFICATION_STATES

STATUSES = [("", "Any status")] + [
    (value, label) for value, label in Application.Status.choices if value != "draft"
]


class QueueFilterForm(forms.Form):
    """The queue's query string; an invalid value is ignored (that field only is left out:
    ``cleaned_data`` keeps the valid ones)."""

    tab = forms.CharField(required=False)
    status = forms.ChoiceField(choices=STATUSES, required=False)
    submitted_from = forms.DateField(required=False, label="Submitted from")
    submitted_to = forms.DateField(required=False, label="Submitted to")
    language = forms.ChoiceField(
        choices=[("", "Any language"), ("en", "English"), ("es", "Spanish")], required=False
    )
    assignee = forms.IntegerField(required=False, min_value=1, label="Assigned counselor")
    sort = forms.ChoiceField(
        choices=[("oldest", "Oldest first"), ("newest", "Newest first"), ("status", "Status")],
        required=False,
    )
    # "Next"/"Previous" links: the cursor (a row's sort key) and the page number shown.
    after = forms.RegexField(regex=r"^[A-Za-z0-9_-]{1,300}$", required=False)
    before = forms.RegexField(regex=r"^[A-Za-z0-9_-]{1,300}$", required=False)
    page = forms.IntegerField(required=False, min_value=1, max_value=1_000_000)
    find = forms.RegexField(regex=r"^[a-z_]+:[0-9a-f]{32}$", required=False)
    verification = forms.ChoiceField(
        choices=[("", "Any verification"), *VERIFICATION_STATES.items()], required=False
    )
    outcome = forms.ChoiceField(
        choices=[("", "Any eligibility"), *OUTCOMES.items()],
        required=False,
        label="Eligibility (latest saved plan)",
    )

    def filters(self) -> QueueFilters:
        self.is_valid()
        data = self.cleaned_data
        kind, _, index = (data.get("find") or "").partition(":")
        return QueueFilters(
            status=data.get("status", ""),
            submitted_from=data.get("submitted_from"),
            submitted_to=data.get("submitted_to"),
            language=data.get("language", ""),
            assignee_id=data.get("assignee"),
            find_kind=kind if kind in SEARCH_KINDS else "",
            find_index=index if kind in SEARCH_KINDS else "",
            verification=data.get("verification", ""),
            outcome=data.get("outcome", ""),
        )

    def value(self, name: str, default: object = "") -> object:
        self.is_valid()
        return self.cleaned_data.get(name) or default

    def cursor(self) -> Cursor | None:
        """Where the page starts (None: the first page, also for a token that does not
        decode for this sort)."""
        after, before = str(self.value("after")), str(self.value("before"))
        if not (after or before):
            return None
        return cursor_decode(after or before, sort=self.sort_key, backwards=not after)

    @property
    def sort_key(self) -> str:
        value = str(self.value("sort", "oldest"))
        return value if value in SORTS else "oldest"


class QueueSearchForm(forms.Form):
    """What a counselor types to find a person: first + last name, e-mail, phone, or SSN
    last 4 + last name.

    Posted (never in the URL); the view turns it into a blind index for the query string.
    """

    kind = forms.ChoiceField(
        choices=[
            ("name", "First + last name"),
            ("email", "E-mail"),
            ("phone", "Phone"),
            ("ssn_name", "SSN last 4 + last name"),
            ("reference", "Reference (CG-7K3-9QX)"),
        ]
    )
    value = forms.CharField(
        max_length=254, label="First name, e-mail, phone, SSN last 4 or reference"
    )
    last_name = forms.CharField(
        max_length=120, required=False, label="Last name (with a first name or SSN last 4)"
    )
    # The tab the search was made from, so the results open on it.
    tab = forms.CharField(required=False, strip=False)
