"""Issue 17, phones and forms: every field has its USWDS class from the first render (not
only after a failed submit), drawn by the one field template through the project's form
renderer (tenants.uswds), and the error state appears only on a checked step."""

from __future__ import annotations

import unicodedata
from html.parser import HTMLParser

import pytest
from django.utils import translation

from tenants.us_states import US_STATES
from tests.intake.conftest import url

STEPS = ("about-you", "consents", "income", "expenses", "debts", "documents")  # bank: no field
CLASS_OF = {
    "select": "usa-select",
    "textarea": "usa-textarea",
    "checkbox": "usa-checkbox__input",
    "file": "usa-file-input",
}


class Fields(HTMLParser):
    """The form fields of the page's main content: (tag or input type, attributes)."""

    def __init__(self) -> None:
        super().__init__()
        self.fields: list[tuple[str, dict[str, str]]] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {k: v or "" for k, v in attrs}
        if "id" in found:
            self.ids.add(found["id"])
        kind = found.get("type", "text") if tag == "input" else tag
        if tag in ("select", "textarea") or (
            tag == "input" and kind not in ("hidden", "submit", "button")
        ):
            self.fields.append((kind, found))


def _fields(html: str) -> Fields:
    main = html.split('id="main-content"', 1)[1]
    parser = Fields()
    parser.feed(main)
    return parser


@pytest.mark.parametrize("step", STEPS)
def test_every_field_has_its_uswds_class_on_first_render(signed_in, draft, step):
    response = signed_in.get(url(draft, f"step-{step}"))
    assert response.status_code == 200
    page = _fields(response.content.decode())
    assert page.fields, step
    for kind, attrs in page.fields:
        classes = attrs.get("class", "").split()
        assert CLASS_OF.get(kind, "usa-input") in classes, (step, kind, attrs)
        assert "usa-input--error" not in classes and "aria-invalid" not in attrs, attrs


def test_the_about_you_step_draws_selects_and_inputs_styled(signed_in, draft):
    page = _fields(signed_in.get(url(draft, "step-about-you")).content.decode())
    kinds = {attrs["name"]: (kind, attrs["class"]) for kind, attrs in page.fields}
    assert kinds["state"] == ("select", "usa-select")
    assert kinds["first_name"] == ("text", "usa-input")
    assert kinds["has_co_applicant"] == ("checkbox", "usa-checkbox__input")
    # The hint is linked to its field.
    assert "id_ssn-hint" in page.ids
    ssn = next(attrs for _kind, attrs in page.fields if attrs["name"] == "ssn")
    assert ssn["aria-describedby"] == "id_ssn-hint"


def test_a_checked_step_marks_the_field_in_error_and_links_its_message(signed_in, draft):
    signed_in.post(url(draft, "step-about-you"), {"zip_code": "3030", "city": "Atlanta"})
    html = signed_in.get(url(draft, "step-about-you") + "?check=1").content.decode()
    page = _fields(html)
    zip_code = next(attrs for _kind, attrs in page.fields if attrs["name"] == "zip_code")
    assert zip_code["class"].split() == ["usa-input", "usa-input--error"]
    assert zip_code["aria-invalid"] == "true"
    assert zip_code["aria-describedby"] == "id_zip_code-error"
    assert "id_zip_code-error" in page.ids
    city = next(attrs for _kind, attrs in page.fields if attrs["name"] == "city")
    assert city["class"] == "usa-input" and city["value"] == "Atlanta"
    # Opened to be filled in again, the same saved answers show no error.
    page = _fields(signed_in.get(url(draft, "step-about-you")).content.decode())
    zip_code = next(attrs for _kind, attrs in page.fields if attrs["name"] == "zip_code")
    assert zip_code["class"] == "usa-input" and "aria-invalid" not in zip_code


class Options(HTMLParser):
    """The state select's (value, label) pairs."""

    def __init__(self) -> None:
        super().__init__()
        self.inside, self.options = False, []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "select":
            self.inside = found.get("name") == "state"
        elif tag == "option" and self.inside:
            self.options.append([found.get("value") or "", ""])

    def handle_endtag(self, tag: str) -> None:
        self.inside = self.inside and tag != "select"

    def handle_data(self, data: str) -> None:
        if self.inside and self.options and not self.options[-1][1]:
            self.options[-1][1] = data.strip()


def _key(label: str) -> str:
    return unicodedata.normalize("NFKD", label).encode("ascii", "ignore").decode().casefold()


@pytest.mark.parametrize("language", ["en", "es"])
def test_the_states_are_sorted_by_their_name_in_the_page_language(
    signed_in, draft, settings, language
):
    signed_in.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    parser = Options()
    parser.feed(signed_in.get(url(draft, "step-about-you")).content.decode())
    blank, *states = parser.options
    assert blank[0] == "" and len(states) == len(US_STATES)
    labels = [label for _code, label in states]
    assert labels == sorted(labels, key=_key)
    with translation.override(language):
        assert labels == sorted((str(name) for name in US_STATES.values()), key=_key)
    codes = [code for code, _label in states]
    if language == "en":  # by name, not by code: Delaware (DE) before D.C. (DC)
        assert codes.index("DE") < codes.index("DC")
