"""The front door's benchmarks page: its numbers equal a direct computation over the events
the agencies shipped; cells resting on fewer than five consumers are suppressed; only
platform staff see it."""

from __future__ import annotations

import datetime as dt
import gzip
import json
import statistics
import uuid
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import boto3
import botocore
import pytest
import requests
import time_machine
from django.contrib.auth import get_user_model
from django.db import transaction
from django.test import override_settings

from integrations.warehouse import facts as f
from integrations.warehouse.models import OutboxEvent
from integrations.warehouse.services import outbox_emit
from integrations.warehouse.shipping import warehouse_ship_pending
from tenants.benchmarks import (
    FUNNEL,
    STATEMENTS,
    benchmarks_compute,
    benchmarks_latest,
    benchmarks_refresh,
    benchmarks_sql,
    duckdb_run,
)
from tests.encryption_app.fixtures import moto_server  # noqa: F401

pytestmark = [pytest.mark.urls("creditgenie.urls_frontdoor"), pytest.mark.django_db]
AT = dt.datetime(2026, 5, 4, 10, tzinfo=dt.UTC)
URL = "/platform/benchmarks/"

# agency -> consumers: (stages reached, interest saved when enrolled, concessions)
CAPONE, TINY = "Capital One", "Tiny Credit Union"
SEED = {
    "acme": [
        (FUNNEL, "4321.49", ((CAPONE, "9.90"), (TINY, "6.00"))),
        (FUNNEL, "5150.00", ((CAPONE, "8.00"), (TINY, "6.50"))),
        (FUNNEL, "2049.99", ((CAPONE, "9.90"),)),
        (FUNNEL, "7777.77", ((CAPONE, "10.25"),)),
        (FUNNEL, "1000.00", ((CAPONE, "7.00"),)),
        (FUNNEL, "3333.00", ((CAPONE, "9.00"),)),
        (FUNNEL[:4], None, ()),
        (FUNNEL[:2], None, ()),
    ],
    "beacon": [(FUNNEL, "6000.00", ((CAPONE, "6.00"),))] * 3 + [(FUNNEL[:2], None, ())],
    "cedar": [(FUNNEL, f"{1000 + 500 * n}.00", ((CAPONE, "8.50"),)) for n in range(5)]
    + [(FUNNEL[:2], None, ())] * 4
    + [(FUNNEL[:1], None, ())],
}


def _plan(saved: str, concessions) -> f.PlanTerms:
    return f.PlanTerms(
        monthly_payment=Decimal("400"),
        term_months=48,
        enrolled_debt=Decimal("15000"),
        interest_saved=Decimal(saved),
        concessions=tuple(f.Concession(creditor=c, apr=Decimal(a)) for c, a in concessions),
    )


def _facts(stage: str, saved: str | None, concessions) -> object:
    return {
        "application_started": lambda: f.ApplicationStarted(),
        "submitted": lambda: f.Submitted(profile=f.Profile(zip_code="30301")),
        "verification_completed": lambda: f.VerificationCompleted(source="bureau"),
        "plan_offered": lambda: f.PlanOffered(plan=_plan(saved or "1", concessions)),
        "accepted": lambda: f.Accepted(plan=_plan(saved or "1", concessions)),
        "enrolled": lambda: f.Enrolled(plan=_plan(saved or "1", concessions)),
    }[stage]()


def _seed_and_ship(warehouse: Path) -> None:
    for agency, consumers in SEED.items():
        with override_settings(CREDITGENIE_TENANT=agency):
            with transaction.atomic():
                for n, (stages, saved, concessions) in enumerate(consumers):
                    subject = f.Subject(consumer_ref=f"{agency}-{n}", case_ref=f"case-{n}")
                    for stage in stages:
                        facts = _facts(stage, saved, concessions)
                        outbox_emit(event_type=stage, subject=subject, facts=facts, occurred_at=AT)
            assert not warehouse_ship_pending().failed
            # This one database stands for each agency's own: submissions an agency holds
            # back (fewer than five alike) stay in its outbox, out of the next one's run.
            OutboxEvent.objects.filter(released=False).delete()


def _to_100(value: str) -> Decimal:
    return (Decimal(value) / 100).quantize(Decimal(1), rounding=ROUND_HALF_UP) * 100


def _median(values: list[Decimal]) -> Decimal:
    return Decimal(statistics.median(values)).quantize(Decimal("0.01"), ROUND_HALF_UP)


def _expected(min_consumers: int = 5) -> dict:
    """The benchmarks computed directly from SEED, with the documented rounding."""
    out: dict = {"funnel": {}, "rate": {}, "interest": {}, "all_interest": []}
    aprs: dict[str, list[Decimal]] = {}
    for agency, consumers in SEED.items():
        counts = [sum(stage in stages for stages, _, _ in consumers) for stage in FUNNEL]
        # Every seeded profile is alike: an agency's submissions ship once five share it.
        counts[1] = counts[1] if counts[1] >= 5 else 0
        out["funnel"][agency] = [c if c >= min_consumers else None for c in counts]
        submitted, enrolled = counts[1], counts[-1]
        rate = None
        if submitted:
            rate = (Decimal(100) * enrolled / submitted).quantize(Decimal("0.1"), ROUND_HALF_UP)
        out["rate"][agency] = rate if min(submitted, enrolled) >= min_consumers else None
        saved = [_to_100(s) for stages, s, _ in consumers if "enrolled" in stages]
        out["interest"][agency] = _median(saved) if len(saved) >= min_consumers else None
        out["all_interest"] += saved
        for stages, _, concessions in consumers:
            for creditor, apr in concessions if "enrolled" in stages else ():
                aprs.setdefault(creditor.lower(), []).append(Decimal(apr))
    out["all_interest"] = _median(out["all_interest"])
    out["creditors"] = {
        c: (_median(v) if len(v) >= min_consumers else None) for c, v in sorted(aprs.items())
    }
    return out


@pytest.fixture
def shipped(settings, tmp_path: Path) -> Path:
    root = tmp_path / "warehouse"
    settings.IS_FRONTDOOR = True
    settings.CREDITGENIE_ANALYTICS_KEY = "7d" * 32
    settings.CREDITGENIE_WAREHOUSE_URL = f"file://{root}"
    _seed_and_ship(root)
    return root


def _staff(client, *, is_staff: bool = True):
    user = get_user_model().objects.create_user(username=f"platform-{is_staff}", is_staff=is_staff)
    client.force_login(user)
    return user


def test_benchmarks_equal_a_direct_computation_with_small_cells_suppressed(shipped, client):
    _staff(client)
    benchmarks_refresh()

    response = client.get(URL)

    assert response.status_code == 200
    bench, expected = response.context["benchmarks"], _expected()
    assert [row.agency for row in bench.agencies] == ["acme", "beacon", "cedar"]
    for row in bench.agencies:
        assert [c.value for c in row.funnel] == expected["funnel"][row.agency], row.agency
        assert row.enrollment_rate.value == expected["rate"][row.agency], row.agency
        assert row.median_interest_saved.value == expected["interest"][row.agency], row.agency
    assert bench.overall_median_interest_saved.value == expected["all_interest"]
    assert {r.creditor: r.median_apr.value for r in bench.creditors} == expected["creditors"]
    # The shape of the seed: what is shown and what is suppressed.
    acme, beacon, cedar = bench.agencies
    assert (acme.enrollment_rate.value, acme.median_interest_saved.value) == (
        Decimal("75.0"),
        Decimal("3800.00"),
    )
    assert all(c.suppressed for c in beacon.funnel) and beacon.median_interest_saved.suppressed
    assert (cedar.enrollment_rate.value, cedar.funnel[0].value) == (Decimal("55.6"), 10)
    assert expected["creditors"] == {"capital one": Decimal("8.50"), "tiny credit union": None}
    body = response.content.decode()
    assert "3800.00" in body and "55.6%" in body and "fewer than 5" in body
    assert "tiny credit union" not in body  # a suppressed row does not even name its creditor


def test_benchmarks_count_every_shipped_file(shipped):
    bench = benchmarks_compute(url=f"file://{shipped}")
    assert bench.files == 3 and bench.min_consumers == 5


def test_benchmarks_page_is_for_platform_staff_only(shipped, client):
    response = client.get(URL)
    assert (response.status_code, response["Location"]) == (302, f"/admin/login/?next={URL}")
    _staff(client, is_staff=False)
    assert client.get(URL).status_code == 404
    assert client.post(URL).status_code == 405


def test_benchmarks_page_before_the_first_computation_and_without_files_says_so(
    settings, client, tmp_path, db
):
    settings.IS_FRONTDOOR = True
    settings.CREDITGENIE_WAREHOUSE_URL = f"file://{tmp_path / 'empty'}"
    _staff(client)
    assert "have not been computed yet" in client.get(URL).content.decode()

    benchmarks_refresh()

    response = client.get(URL)
    assert response.status_code == 200
    assert "No events have been shipped" in response.content.decode()


def test_the_page_reads_the_stored_result_and_says_when_it_was_computed(shipped, client):
    _staff(client)
    with time_machine.travel(dt.datetime(2026, 5, 4, 11, 30, tzinfo=dt.UTC), tick=False):
        benchmarks_refresh()
    for path in shipped.rglob("*.parquet"):  # the page computes nothing itself
        path.unlink()

    body = client.get(URL).content.decode()

    assert "Computed May 4, 2026, 11:30 UTC from 3 shipped files." in body
    assert "3800.00" in body and "55.6%" in body


@pytest.fixture
def athena_json_protocol(tmp_path, monkeypatch) -> None:
    """moto 5.2.5's server answers Athena's JSON protocol (X-Amz-Target) only, while botocore
    1.44 speaks rest-json to Athena; botocore reads this copy of its own Athena model, with
    the JSON protocol Athena also serves, from AWS_DATA_PATH."""
    data = Path(botocore.__file__).parent / "data" / "athena" / "2017-05-18" / "service-2.json.gz"
    model = json.loads(gzip.decompress(data.read_bytes()))
    model["metadata"] |= {
        "protocol": "json",
        "protocols": ["json"],
        "jsonVersion": "1.1",
        "targetPrefix": "AmazonAthena",
    }
    for operation in model["operations"].values():
        operation["http"] = {"method": "POST", "requestUri": "/"}
    folder = tmp_path / "botocore-data" / "athena" / "2017-05-18"
    folder.mkdir(parents=True)
    (folder / "service-2.json").write_text(json.dumps(model))
    monkeypatch.setenv("AWS_DATA_PATH", str(tmp_path / "botocore-data"))


def test_the_athena_engine_runs_the_same_sql_and_reads_its_answers(
    shipped,
    settings,
    athena_json_protocol,
    moto_server,  # noqa: F811
):
    settings.CREDITGENIE_BENCHMARKS_ENGINE = "athena"
    settings.AWS_ATHENA_ENDPOINT_URL = moto_server
    settings.AWS_WAREHOUSE_REGION = "us-east-1"
    settings.CREDITGENIE_ATHENA_WORKGROUP = workgroup = f"benchmarks-{uuid.uuid4().hex[:8]}"
    athena = boto3.session.Session().client(
        "athena", endpoint_url=moto_server, region_name="us-east-1"
    )
    athena.create_work_group(Name=workgroup)
    # Athena's answers (moto runs no SQL): DuckDB's rows over the same files, as the
    # strings Athena returns, each after its header row.
    rows = duckdb_run(f"file://{shipped}")
    results = [
        {
            "rows": [{"Data": [{"VarCharValue": f"c{i}"} for i in range(len(rows[name][0]))]}]
            + [
                {"Data": [{} if v is None else {"VarCharValue": str(v)} for v in row]}
                for row in rows[name]
            ],
            "column_info": [],
        }
        for name in STATEMENTS
    ]
    answer = requests.post(
        f"{moto_server}/moto-api/static/athena/query-results",
        json={"account_id": "123456789012", "region": "us-east-1", "results": results},
        timeout=10,
    )
    assert answer.status_code == 201

    run = benchmarks_refresh()

    assert (run.engine, run.files) == ("athena", 3)
    assert benchmarks_latest()[0] == benchmarks_compute(url=f"file://{shipped}", engine="duckdb")
    ids = athena.list_query_executions(WorkGroup=workgroup)["QueryExecutionIds"]
    sent = [athena.get_query_execution(QueryExecutionId=i)["QueryExecution"] for i in ids]
    assert sorted(q["Query"] for q in sent) == sorted(
        benchmarks_sql("athena", '"creditgenie_warehouse"."events"').values()
    )
    assert {q["QueryExecutionContext"]["Database"] for q in sent} == {"creditgenie_warehouse"}


def _script_results(root: Path) -> list[list[tuple]]:
    """Runs docs/analytics/benchmarks.sql statement by statement against `root`."""
    import duckdb

    script = (Path(__file__).resolve().parents[2] / "docs/analytics/benchmarks.sql").read_text()
    code = "\n".join(line for line in script.splitlines() if not line.startswith("--"))
    con = duckdb.connect()
    con.execute(f"SET VARIABLE root = '{root}'")
    results = []
    for statement in (s.strip() for s in code.split(";")):
        if statement:
            cursor = con.execute(statement)
            results.append(cursor.fetchall() if cursor.description else [])
    return results


def test_the_documented_duckdb_script_gives_the_same_numbers(shipped):
    results = _script_results(shipped)
    funnel, rates, interest, creditors = results[2], results[3], results[4], results[5]
    expected = _expected(min_consumers=0)
    assert {row[0]: list(row[1:]) for row in funnel} == expected["funnel"]
    assert {row[0]: row[3] for row in rates} == {"acme": 75.0, "beacon": None, "cedar": 55.6}
    assert interest[-1][2] == expected["all_interest"]
    assert [(c, m) for c, _, m in creditors] == [("capital one", Decimal("8.5000"))]
