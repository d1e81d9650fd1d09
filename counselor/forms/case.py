"""Forms of the case page: assigning the case and its notes.

They convert, and leave the rules to the services: an empty note reaches ``case_note_save``,
which says why it is refused, so every refusal reads the same wherever it comes from.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import get_user_model


class CaseVersionField(forms.IntegerField):
    """The case version the page was opened at; anything unreadable is -1, which no case
    has, so the save is refused as a conflict rather than guessed."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(required=False, widget=forms.HiddenInput, **kwargs)

    def to_python(self, value: Any) -> int:
        text = str(value or "")
        return int(text) if text.isdigit() else -1


class AssigneeForm(forms.Form):
    """``assignee``: "me", a colleague's user id, or empty for nobody."""

    assignee = forms.CharField(required=False)

    def __init__(self, data: Any = None, *, user: Any, **kwargs: Any) -> None:
        super().__init__(data, **kwargs)
        self.user = user

    def clean_assignee(self) -> Any:
        raw = self.cleaned_data["assignee"]
        if raw == "me":
            return self.user
        if not raw.isdigit():
            return None
        colleague = get_user_model().objects.filter(pk=int(raw)).first()
        if colleague is None:
            raise forms.ValidationError("No such colleague.")
        return colleague


class AssignForm(AssigneeForm):
    """The case page's "Assign to"; ``next`` is where to go back to (checked by the view)."""

    next = forms.CharField(required=False)


class NoteForm(forms.Form):
    """A new note, or (``note_id``) a new version of one. The body is kept as typed, so a
    conflict page shows it back unchanged."""

    body = forms.CharField(required=False, strip=False)
    case_version = CaseVersionField()
    note_id = forms.UUIDField(required=False, error_messages={"invalid": "Unknown note."})
