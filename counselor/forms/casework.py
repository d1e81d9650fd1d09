"""Forms of casework on the case page: a status change, a follow-up task, a secure message.

Each keeps what was typed (``typed``) so a refused change shows it back with the reason.
"""

from __future__ import annotations

from django import forms

from counselor.forms.case import AssigneeForm, CaseVersionField
from intake.models import Application


class CaseworkForm(forms.Form):
    """What was typed in this form's visible fields, as typed."""

    typed_fields: tuple[str, ...] = ()

    def typed(self) -> dict[str, str]:
        return {name: str(self.data.get(name, "")) for name in self.typed_fields}

    def first_error(self) -> str:
        """The first refusal, in field order (what the page shows above the form)."""
        for name in self.fields:
            if name in self.errors:
                return str(self.errors[name][0])
        return str(self.non_field_errors()[0]) if self.non_field_errors() else ""


class StatusForm(CaseworkForm):
    """The next status, the reason and (closing) a close reason. ``from_status`` is the
    status the page showed (empty when it is not a status at all)."""

    typed_fields = ("status", "reason", "close_reason")

    status = forms.CharField(required=False)
    reason = forms.CharField(required=False, strip=False)
    close_reason = forms.CharField(required=False)
    from_status = forms.CharField(required=False)
    case_version = CaseVersionField()

    def clean_from_status(self) -> str:
        seen = self.cleaned_data["from_status"]
        return seen if seen in Application.Status.values else ""


class TaskForm(CaseworkForm, AssigneeForm):
    """A follow-up task: title, due date (YYYY-MM-DD) and who it is for."""

    typed_fields = ("title", "due_date", "assignee")

    title = forms.CharField(required=False, strip=False)
    due_date = forms.DateField(
        required=False,
        input_formats=["%Y-%m-%d"],
        error_messages={"invalid": "Give the due date as YYYY-MM-DD."},
    )
    case_version = CaseVersionField()

    field_order = ("title", "due_date", "assignee", "case_version")


class MessageForm(CaseworkForm):
    """A secure message to the consumer."""

    typed_fields = ("body",)

    body = forms.CharField(required=False, strip=False)
