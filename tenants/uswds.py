"""Every form field drawn the U.S. Web Design System's way, from its first render: the
project's form renderer (settings.FORM_RENDERER) gives each field its USWDS class by
widget type and draws it with the one field template, partials/_field.html (label, hint,
error message, the input; the checkbox layout for a checkbox).

A form may set ``show_errors = False`` (the wizard does, on a step opened to be filled in
rather than checked): its fields are then drawn without their errors."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django import forms
from django.conf import settings
from django.forms.renderers import DjangoTemplates
from django.utils.functional import cached_property

CLASSES: tuple[tuple[type[forms.Widget], str], ...] = (
    (forms.HiddenInput, ""),
    (forms.CheckboxSelectMultiple, "usa-checkbox__input"),
    (forms.RadioSelect, "usa-radio__input"),
    (forms.CheckboxInput, "usa-checkbox__input"),
    (forms.Select, "usa-select"),  # and SelectMultiple
    (forms.Textarea, "usa-textarea"),
    (forms.FileInput, "usa-file-input"),  # and ClearableFileInput
)


def uswds_class(widget: forms.Widget) -> str:
    for kind, css in CLASSES:
        if isinstance(widget, kind):
            return css
    return "usa-input"


class UswdsBoundField(forms.BoundField):
    @property
    def shown_errors(self) -> Any:
        """The field's errors when its form shows them, else none."""
        return self.errors if getattr(self.form, "show_errors", True) else []

    @property
    def aria_describedby(self) -> str | None:
        """The hint and the error message, with the ids the field template gives them."""
        if self.field.widget.attrs.get("aria-describedby") or not self.auto_id:
            return None
        ids = [f"{self.auto_id}-hint"] if self.help_text else []
        return " ".join(ids + ([f"{self.auto_id}-error"] if self.shown_errors else []))

    def build_widget_attrs(self, attrs: dict[str, Any], widget: Any = None) -> dict[str, Any]:
        attrs = super().build_widget_attrs(attrs, widget)
        widget = widget or self.field.widget
        css = uswds_class(widget)
        given = attrs.get("class") or widget.attrs.get("class", "")
        classes = [c for c in given.split() if c != "usa-input--error"]
        if css and css not in classes:
            classes.insert(0, css)
        attrs.pop("aria-invalid", None)
        if self.shown_errors and not widget.is_hidden:
            attrs["aria-invalid"] = "true"
            if css in ("usa-input", "usa-select", "usa-textarea", "usa-file-input"):
                classes.append("usa-input--error")
        if classes:
            attrs["class"] = " ".join(classes)
        return attrs


class UswdsRenderer(DjangoTemplates):
    """The one field template, the USWDS bound field. Its engine reads the project's
    templates first, then Django's own widget templates and the apps' (the admin's widget
    templates include Django's, so all three live in one engine)."""

    field_template_name = "partials/_field.html"
    bound_field_class = UswdsBoundField

    @cached_property
    def engine(self) -> Any:
        forms_templates = Path(forms.__file__).parent / "templates"
        return self.backend(
            {
                "APP_DIRS": True,
                "DIRS": [*settings.TEMPLATES[0]["DIRS"], forms_templates],
                "NAME": "uswds",
                "OPTIONS": {},
            }
        )
