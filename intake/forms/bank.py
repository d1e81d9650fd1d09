"""Forms of the bank step's Link page: which connection it repairs, and what Plaid Link (or
the sandbox page) posts back. Every value is kept as posted (the services check them)."""

from __future__ import annotations

from typing import Any

from django import forms

from ..wizard.fields import PressedField


class PostedText(forms.CharField):
    """Text as posted, or None when the name was not posted at all."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(required=False, strip=False, **kwargs)

    def to_python(self, value: Any) -> str | None:
        return None if value is None else str(value)


class PostedValues(forms.Field):
    """Every value posted under one name (Link posts one ``account_id`` per account)."""

    widget = forms.MultipleHiddenInput

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(required=False, **kwargs)

    def to_python(self, value: Any) -> list[str]:
        return [str(v) for v in value or []]


class LinkItemForm(forms.Form):
    """The connection a Link session reconnects ("update mode"); blank for a new one. A
    value that is not a connection id is invalid (the view answers 404)."""

    item = forms.UUIDField(required=False)


class LinkResultForm(forms.Form):
    """What the Link page posts: an exit (the sandbox's Cancel, or Link's onExit with
    Plaid's codes), a public token with Link's metadata (onSuccess), or the sandbox's bank
    and test account."""

    exit = PressedField()
    status = PostedText()
    error_code = PostedText()
    error_type = PostedText()
    link_session_id = PostedText()
    request_id = PostedText()
    public_token = PostedText()
    institution_id = PostedText()
    account_id = PostedValues()
    institution = PostedText()
    persona = PostedText()

    def text(self, name: str) -> str:
        return self.cleaned_data[name] or ""

    @property
    def has_token(self) -> bool:
        return self.cleaned_data["public_token"] is not None
