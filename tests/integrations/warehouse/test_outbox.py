"""The outbox: every event type lands in its partition with the documented schema, nothing
identifying leaves, and the allowlist refuses what it does not declare."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pyarrow.parquet as pq
import pytest
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from intake.models import Application, Household
from integrations.warehouse import facts as f
from integrations.warehouse import services
from integrations.warehouse.deidentify import PROFILE_COLUMNS, pseudonym
from integrations.warehouse.errors import FactsError, OutboxUsageError
from integrations.warehouse.models import OutboxEvent, ShipBatch
from integrations.warehouse.parquet import ARROW_SCHEMA
from integrations.warehouse.schema import EVENT_COLUMNS
from integrations.warehouse.services import outbox_emit
from integrations.warehouse.shipping import warehouse_ship_pending
from tests.integrations.warehouse.conftest import (
    ANALYTICS_KEY,
    AT,
    emit_all,
    peers_emit,
    read_all,
    shipped_files,
)

pytestmark = pytest.mark.django_db

# Distinctive values of every PII kind: none may appear anywhere in the shipped files.
PII = {
    "first_name": "Zebulon",
    "last_name": "Quackenbush",
    "email": "zebulon.quackenbush@example.org",
    "ssn": "078-05-1120",
    "street": "1313 Mockingbird Lane",
    "city": "Walla Walla",
    "zip_code": "94110",
    "phone": "(415) 555-0199",
    "birth_date": dt.date(1983, 7, 14),
}
FREE_TEXT = "Lost my job at the Quackenbush cannery in March"
NEEDLES = (
    "Zebulon",
    "Quackenbush",
    "zebulon.quackenbush",
    "078-05-1120",
    "078051120",
    "Mockingbird",
    "Walla",
    "94110",
    "555-0199",
    "1983-07-14",
    "07/14/1983",
    "cannery",
    "4321.49",
    "612.34",
    "23456.78",
    "3456.78",
)


@pytest.fixture
def source(agency_profile):
    """An application whose household holds distinctive PII, as the wizard stores it."""
    user = get_user_model().objects.create_user(
        username="zq-consumer", email=PII["email"], first_name="Zebulon", last_name="Q"
    )
    application = Application.objects.create(consumer=user)
    household = Household.objects.create(application=application, household_size=3, **PII)
    return user, application, household


def _facts_from(user, application, household) -> tuple[f.Subject, f.Profile]:
    """What the intake caller will do: only allowlisted fields leave the row."""
    subject = f.Subject(consumer_ref=str(user.pk), case_ref=str(application.public_id))
    profile = f.Profile(
        birth_date=household.birth_date,
        zip_code=household.zip_code,
        household_size=household.household_size,
        monthly_income=Decimal("3210.55"),
        unsecured_debt=Decimal("23456.78"),
    )
    return subject, profile


def test_every_event_type_lands_in_its_partition_with_the_documented_schema(warehouse, source):
    subject, profile = _facts_from(*source)
    emit_all(subject, profile)
    peers_emit(profile, 4)

    result = warehouse_ship_pending()

    assert (result.batches, result.events, result.failed, result.held) == (1, 15, False, 0)
    (path,) = shipped_files(warehouse)
    batch = ShipBatch.objects.get()
    assert path == str(warehouse / f"agency=test-agency/date=2026-03-14/batch-{batch.pk}.parquet")
    assert pq.read_schema(path).remove_metadata() == ARROW_SCHEMA
    key = bytes.fromhex(ANALYTICS_KEY)
    mine = pseudonym(key=key, kind="consumer", agency="test-agency", ref=subject.consumer_ref)
    shipped = read_all(warehouse).to_arrow_table().to_pylist()
    assert len({r["consumer_pid"] for r in shipped}) == 5
    rows = {r["event_type"]: r for r in shipped if r["consumer_pid"] == mine}
    assert set(rows) == {t.value for t in f.EventType}
    for kind, row in rows.items():
        assert row["agency"] == "test-agency" and row["date"] == dt.date(2026, 3, 14)
        assert row["occurred_hour"] == dt.datetime(2026, 3, 14, 15, tzinfo=dt.UTC)
        allowed = set(EVENT_COLUMNS[f.EventType(kind)]) | {
            "event_id",
            "event_type",
            "occurred_hour",
            "schema_version",
            "agency",
            "date",
        }
        filled = {name for name, value in row.items() if value not in (None, [])}
        assert filled <= allowed, kind
    # Five consumers share the profile: it ships at the finest level (age 42 at the event).
    assert {k: rows["submitted"][k] for k in PROFILE_COLUMNS} == {
        "profile_level": 0,
        "age_band": "40-44",
        "zip3": "941",
        "state": "CA",
        "region": "west",
        "household_band": "3",
        "income_band": "3000-3999",
        "debt_band": "20000-34999",
    }
    enrolled = rows["enrolled"]
    assert (enrolled["monthly_payment"], enrolled["enrolled_debt"], enrolled["interest_saved"]) == (
        Decimal("610.00"),
        Decimal("23500.00"),
        Decimal("4300.00"),
    )
    assert enrolled["concessions"] == [
        {"creditor": "capital one", "apr": Decimal("9.90")},
        {"creditor": "discover", "apr": Decimal("7.13")},
    ]
    assert rows["closed"]["close_reason"] == "completed"
    assert rows["verification_failed"]["failure_reason"] == "no_hit"


def test_no_pii_of_the_source_rows_appears_in_any_exported_column(warehouse, source):
    user, application, household = source
    subject, profile = _facts_from(user, application, household)
    emit_all(subject, profile)
    warehouse_ship_pending()

    table = read_all(warehouse).to_arrow_table()
    text = "\n".join(str(v) for column in table.columns for v in column.to_pylist())
    raw = b"".join(open(p, "rb").read() for p in shipped_files(warehouse))  # noqa: SIM115
    for needle in (*NEEDLES, str(application.public_id), user.username):
        assert needle not in text, needle
        assert needle.encode() not in raw, needle
    stored = "".join(f"{e.payload}{e.profile}" for e in OutboxEvent.objects.all())
    for needle in NEEDLES:
        assert needle not in stored, needle


@pytest.mark.parametrize("field", ["name", "email", "ssn", "address", "notes", "dob"])
def test_facts_refuse_fields_outside_the_allowlist(warehouse, source, field):
    subject, _ = _facts_from(*source)
    with transaction.atomic(), pytest.raises(FactsError, match=f"'{field}' is not in the allow"):
        outbox_emit(event_type="submitted", subject=subject, facts={"profile": {field: "Zebulon"}})
    with pytest.raises(TypeError):
        f.Profile(**{field: "Zebulon"})
    with transaction.atomic(), pytest.raises(FactsError, match="is not in the allowlist"):
        outbox_emit(event_type="declined", subject=subject, facts={"reason": "other", field: "x"})
    assert not OutboxEvent.objects.exists()


def test_facts_refuse_wrong_types_free_text_and_unknown_event_types(warehouse, source):
    subject, _ = _facts_from(*source)
    with pytest.raises(FactsError, match="must be a finite Decimal"):
        f.Profile(monthly_income=3210.55)
    with pytest.raises(FactsError, match="must be one of"):
        f.Declined(reason=FREE_TEXT)
    with pytest.raises(FactsError, match="creditor's name"):
        f.Concession(creditor="Acct 4111111111111111", apr=Decimal("9"))
    with pytest.raises(FactsError, match="5-digit ZIP"):
        f.Profile(zip_code="1313 Mockingbird Lane")
    with transaction.atomic():
        with pytest.raises(FactsError, match="event_type"):
            outbox_emit(event_type="note_added", subject=subject, facts={})
        with pytest.raises(FactsError, match="must be Declined"):
            outbox_emit(event_type="declined", subject=subject, facts=f.Closed(reason="other"))
    with pytest.raises(FactsError) as error:
        f.Declined(reason=FREE_TEXT)
    assert "cannery" not in str(error.value)  # messages name fields, never values


@pytest.mark.django_db(transaction=True)
def test_outbox_rows_commit_and_roll_back_with_the_change(warehouse, source):
    subject, profile = _facts_from(*source)
    with pytest.raises(OutboxUsageError):
        outbox_emit(event_type="declined", subject=subject, facts=f.Declined(reason="other"))
    with pytest.raises(RuntimeError), transaction.atomic():
        outbox_emit(event_type="declined", subject=subject, facts=f.Declined(reason="other"))
        raise RuntimeError("the change failed")
    assert not OutboxEvent.objects.exists()
    emit_all(subject, profile, at=AT)
    assert OutboxEvent.objects.count() == 11


def test_stream_is_off_without_the_platform_key(warehouse, source, settings):
    settings.CREDITGENIE_ANALYTICS_KEY = ""
    subject, _ = _facts_from(*source)
    with transaction.atomic():
        emitted = outbox_emit(event_type="declined", subject=subject, facts={"reason": "other"})
    assert emitted is None
    assert not OutboxEvent.objects.exists()


def _step(n: int) -> None:
    subject = f.Subject(consumer_ref=f"batch-{n}", case_ref=f"batch-case-{n}")
    outbox_emit(event_type="step_completed", subject=subject, facts=f.StepCompleted(step="debts"))


def test_batched_rows_are_inserted_together_at_the_end(warehouse, monkeypatch):
    monkeypatch.setattr(services, "BATCH_SIZE", 3)
    with transaction.atomic(), CaptureQueriesContext(connection) as captured:
        with services.outbox_batched():
            for n in range(7):
                _step(n)
            assert not OutboxEvent.objects.exists()  # nothing written yet
        inserts = [q for q in captured if q["sql"].startswith("INSERT")]

    assert len(inserts) == 3  # 3 + 3 + 1 rows
    refs = OutboxEvent.objects.values_list("payload__case_pid", flat=True)
    assert len(set(refs)) == OutboxEvent.objects.count() == 7


def test_a_failed_batch_writes_nothing(warehouse):
    with pytest.raises(RuntimeError), transaction.atomic(), services.outbox_batched():
        _step(1)
        raise RuntimeError("the seed failed")

    assert not OutboxEvent.objects.exists()
