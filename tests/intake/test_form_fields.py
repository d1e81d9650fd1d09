"""Issue 17, phones and forms: every field has its USWDS class from the first render (not
only after a failed submit), drawn by the one field template through the project's form
renderer (tenants.uswds), and the error state appears only on a checked step."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

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
