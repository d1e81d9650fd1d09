from __future__ import annotations

from datetime import timedelta

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model

from tenants.roles import Role

from .models import Grant


class GrantIssueForm(forms.Form):
    user = forms.ModelChoiceField(
        queryset=get_user_model().objects.none(), label="Platform support person"
    )
    scope = forms.ChoiceField(choices=Grant.Scope.choices)
    minutes = forms.IntegerField(min_value=1, initial=60, label="Minutes")
    reason = forms.CharField(max_length=500, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = get_user_model().objects.filter(
            groups__name=Role.PLATFORM_SUPPORT, is_active=True
        )
        self.fields["minutes"].max_value = settings.CREDITGENIE_GRANT_MAX_SECONDS // 60

    def clean_minutes(self) -> timedelta:
        minutes = self.cleaned_data["minutes"]
        if minutes * 60 > settings.CREDITGENIE_GRANT_MAX_SECONDS:
            raise forms.ValidationError("Longer than the longest grant allowed.")
        return timedelta(minutes=minutes)
