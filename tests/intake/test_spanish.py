"""Spanish: the catalogue is complete and compiled, and every page of the wizard and the
portal, rendered with Spanish chosen in the language switch, shows no English text."""

from __future__ import annotations

import gettext
import shutil
import time

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client

from intake.models import Application
from intake.services import message_post, plan_offer_publish
from intake.wizard.steps import STEP_SLUGS
from tenants.signin import AUTH_TIME
from tenants.us_states import US_STATES

from .catalogue import (
    MO_PATH,
    PO_PATH,
    catalogue_entries,
    english_fragments,
    english_left,
    untranslated,
    visible_text,
)
from .conftest import ABOUT_YOU, fill, rows, url

NAMES = (
    "Test Credit Counseling",
    "Test CC",
    "Credit Genie",
    "Big Bank Card",
    "Ana",
    "Lopez",
    "Peach St",
    "Atlanta",
    "English",
    *map(str, US_STATES.values()),
)
SNAPSHOT = {
    "monthly_deposit": "$412.00",
    "payoff_date": "03/2030",
    "interest_saved": "$6,120.00",
    "setup_fee": "$25.00",
    "monthly_fee": "$15.00",
    "monthly_fee_as_it_changes": {
        "en": "$15.00 a month through May 2027, then $10.00 a month",
        "es": "$15.00 al mes hasta mayo de 2027, luego $10.00 al mes",
    },
    "fee_rule_applied": {"en": "GA state law.", "es": "Ley estatal de GA."},
    "creditors": [{"creditor": "Big Bank Card", "payment": "$180.00"}],
}
STAFF_PATHS = ("counselor/", "templates/counselor/")
SOURCE_DIRS = (
    "creditgenie",
    "tenants",
    "intake",
    "counselor",
    "integrations",
    "notifications",
    "templates",
)
DOCUMENT = "Plan de acción: depositar $412.00 al mes durante 48 meses."


def test_every_msgid_has_a_spanish_translation_and_none_is_fuzzy():
    entries = catalogue_entries()

    assert len(entries) > 300
    assert untranslated(entries) == []


def test_the_catalogue_holds_every_string_of_the_code(tmp_path, settings, monkeypatch):
    """makemessages into a copy of the catalogue: a string added to the code and not yet
    extracted and translated shows up here. Staff-only text (the counselor side) is exempt.

    It runs in a folder of links to the source folders: run from the repository, it would
    write into the repository's own locale/ (makemessages picks the nearest one)."""
    shutil.copytree(PO_PATH.parents[2], tmp_path / "locale")
    sources = tmp_path / "src"
    sources.mkdir()
    for name in SOURCE_DIRS:
        (sources / name).symlink_to(settings.BASE_DIR / name, target_is_directory=True)
    settings.LOCALE_PATHS = [tmp_path / "locale"]
    monkeypatch.chdir(sources)
    call_command("makemessages", locale=["es"], symlinks=True, verbosity=0)

    fresh = catalogue_entries(tmp_path / "locale" / "es" / "LC_MESSAGES" / "django.po")
    assert len(fresh) >= len(catalogue_entries())  # extraction ran
    consumer = [entry for entry in fresh if not all(map(_staff_only, entry.references))]
    assert untranslated(consumer) == []


def _staff_only(path: str) -> bool:
    return path.startswith(STAFF_PATHS)


def _compiled(compiled: gettext.GNUTranslations, entry) -> bool:
    """Whether the .mo says something else than the .po for this entry (plurals: one)."""
    if entry.msgid_plural:
        one = compiled.ngettext(entry.msgid, entry.msgid_plural, 1)
        return one != entry.msgstr.get("msgstr[0]")
    return compiled.gettext(entry.msgid) != entry.msgstr.get("msgstr")


def test_the_compiled_catalogue_matches_the_po_file():
    with MO_PATH.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    stale = [entry.msgid for entry in catalogue_entries()[1:] if _compiled(compiled, entry)]
    assert stale == [], "run manage.py compilemessages -l es"


@pytest.fixture
def spanish(signed_in) -> Client:
    response = signed_in.post("/i18n/setlang/", {"language": "es", "next": "/"})
    assert response.status_code == 302
    assert signed_in.cookies[settings.LANGUAGE_COOKIE_NAME].value == "es"
    return signed_in


def _english(
    client: Client, path: str, method: str = "get", language: str = "es", **data: object
) -> list[str]:
    response = getattr(client, method)(path, data, follow=method == "post")
    assert response.status_code == 200, (path, response.status_code)
    assert response.headers["Content-Language"] == language
    fragments = english_fragments(catalogue_entries())
    return english_left(visible_text(response.content.decode()), fragments, NAMES)


def _assert_spanish(client: Client, path: str, method: str = "get", **data: object) -> None:
    assert _english(client, path, method, **data) == [], path


def test_the_catalogue_check_finds_english(signed_in, draft):
    assert "Save and continue" in _english(signed_in, url(draft, "step-about-you"), language="en")


@pytest.mark.parametrize("slug", STEP_SLUGS)
def test_every_empty_step_and_its_errors_are_spanish(spanish, draft, slug):
    _assert_spanish(spanish, url(draft, f"step-{slug}"))
    _assert_spanish(spanish, url(draft, f"step-{slug}") + "?check=1")


def test_invalid_answers_show_spanish_errors(spanish, draft):
    bad = ABOUT_YOU | {"zip_code": "3030", "birth_date": "28/04/1986", "ssn": "12", "email": "x"}
    _assert_spanish(spanish, url(draft, "step-about-you"), "post", **bad)
    amounts = rows([{"kind": "wages", "gross": "lots", "net": "5000", "frequency": ""}])
    _assert_spanish(spanish, url(draft, "step-income"), "post", **amounts)
    debts = rows([{"creditor": "", "kind": "credit_card", "balance": "-5", "apr": "300"}])
    _assert_spanish(spanish, url(draft, "step-debts"), "post", **debts)
    _assert_spanish(spanish, url(draft, "step-expenses"), "post", rent="abc")
    _assert_spanish(spanish, url(draft, "step-consents"), "post", credit_pull="on")


def test_filled_steps_added_rows_and_autosave_are_spanish(spanish, draft):
    fill(spanish, draft)
    for slug in STEP_SLUGS:
        _assert_spanish(spanish, url(draft, f"step-{slug}"))
    _assert_spanish(spanish, url(draft, "step-income") + "?add=1")
    _assert_spanish(spanish, url(draft, "step-debts") + "?add=1")
    review = visible_text(spanish.get(url(draft, "step-review")).content.decode())
    assert "28 abr 1986" in review and "24.99%" in review and "$8,500.00" in review  # es-US
    htmx = spanish.post(url(draft, "step-expenses"), {"rent": "900"}, HTTP_HX_REQUEST="true")
    assert "Guardado a las" in visible_text(htmx.content.decode())


def test_portal_offer_messages_and_call_request_are_spanish(spanish, draft, other_consumer):
    _assert_spanish(spanish, url(draft, "application"))
    fill(spanish, draft)
    _assert_spanish(spanish, url(draft, "submit"), "post")
    application = Application.objects.get(pk=draft.pk)
    plan_offer_publish(application=application, snapshot=SNAPSHOT, document=DOCUMENT)
    message_post(
        application=application,
        author=other_consumer,
        body="Hola Ana, ya revisé su presupuesto.",
        from_staff=True,
    )
    session = spanish.session
    session[AUTH_TIME] = time.time()
    session.save()
    for name in ("application", "messages", "offer"):
        _assert_spanish(spanish, url(application, name))
    _assert_spanish(spanish, url(application, "offer-accept"), "post", typed_name="")
    _assert_spanish(spanish, url(application, "messages"), "post", body="")
    _assert_spanish(spanish, "/talk-to-a-counselor/")
    _assert_spanish(spanish, "/talk-to-a-counselor/", "post", phone="12")
    _assert_spanish(spanish, "/")


def test_sign_in_and_signed_out_pages_are_spanish(client, agency_profile):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "es"
    for path in ("/accounts/login/", "/accounts/signed-out/?reason=idle", "/"):
        _assert_spanish(client, path)
