"""The counselor queue and case pages at N applications: p50/p95 server time and query
count, side by side in one run with the Django admin's changelist of applications (the
same table) and /healthz. The case page is measured as it opens (the summary and the
Budget), and with its heaviest section, Verification (the sealed credit report and bank),
open: as a whole page and as the panel its section navigation loads.

Provisions a throwaway agency on PostgreSQL (as bench_intake.py does), fills it with
`seed_demo --count N`, then measures inside one agency process with Django's test client
(server time: the whole request through the middleware, no network), signed in as the demo
supervisor (the admin changelist as the demo administrator). Every page is requested once
to warm up, then `--rounds` times. The supervisor dashboard is measured in steady state
(its snapshot present, as beat keeps it), and "dashboard, counted live" beside it is the
count itself (`supervisor_dashboard()`, what the beat task runs every minute). Everything
it created is dropped at the end.

Needs PostgreSQL on 127.0.0.1:5432 (user postgres, trust) and Redis on 127.0.0.1:6379.
Run: .venv/bin/python bench/bench_counselor.py [--count 20000] [--large] [--rounds 30]
or side by side: .venv/bin/python bench/bench_counselor.py --levels 1000,10000,100000
(`--large` seeds 100,000 applications; a level written `100000:DIR` measures the agency
kept in DIR.) `--keep DIR` keeps the seeded agency (databases
and key) and `--reuse DIR` measures it again without seeding (after migrating it).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
sys.path.insert(0, str(BASE_DIR / "bench"))

from bench_intake import _agency  # noqa: E402

from tests.processes import manage  # noqa: E402

MEASURE = """
import json, statistics, time
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from counselor.selectors.queue import PAGE_SIZE, cursor_encode
from intake.models import Application

User = get_user_model()
supervisor, admin = Client(), Client()
supervisor.force_login(User.objects.get(username="supervisor"))
admin.force_login(User.objects.get(username="admin"))
sent = Application.objects.exclude(status="draft")
case = sent.order_by("-submitted_at").first()
# The measured case gets what a verification stores (the demo seed has none): a bank with
# its accounts (sealed names and figures) and a credit report (sealed score and tradelines).
from decimal import Decimal
from django.utils import timezone
from intake.models import BankConnection, VerificationRequest
from integrations.plaid.models import PlaidAccount, PlaidItem
from integrations.sandbox.transunion.personas import document
from integrations.transunion.models import BureauPull
from integrations.transunion.services import credit_report_store
item = PlaidItem.objects.create(
    item_id=f"bench-{{case.public_id}}", access_token="access-bench", synced_at=timezone.now()
)
BankConnection.objects.create(application=case, item_public_id=item.public_id)
PlaidAccount.objects.bulk_create(
    PlaidAccount(
        item=item, account_id=f"bench-{{item.pk}}-{{n}}", name=f"Account {{n}}", mask=f"{{n:04d}}",
        type="credit", subtype="credit card", current=Decimal("1234.56"), limit=Decimal("5000"),
        purchase_apr=Decimal("24.99"), minimum_payment=Decimal("45.00"),
    )
    for n in range(4)
)
pull = BureauPull.objects.create(
    idempotency_key=f"bench:{{case.public_id}}", reference=f"bench{{case.pk}}",
    consent_reference="bench", subject="{{}}",
)
credit_report_store(pull=pull, xml=document(ssn="000000004", reference=pull.reference).decode())
VerificationRequest.objects.update_or_create(
    application=case, defaults={{"bureau_pull_id": pull.public_id}}
)
# Page 200 as its "Next" link names it: the cursor of the last row of page 199 (the last
# page where there are fewer than 200).
deep = sent.order_by("submitted_at", "id")[min(199 * PAGE_SIZE, sent.count() - 1) - 1]
deep = cursor_encode((deep.submitted_at, deep.id))
pages = {{
    "queue, all cases": (supervisor, "/counselor/?tab=all"),
    "queue, unassigned, newest": (supervisor, "/counselor/?tab=unassigned&sort=newest"),
    "queue, filtered": (supervisor, "/counselor/?tab=all&status=in_review&language=es"),
    "queue, page 200": (supervisor, f"/counselor/?tab=all&after={{deep}}&page=200"),
    "case page": (supervisor, f"/counselor/cases/{{case.public_id}}/"),
    "case page, verification": (
        supervisor, f"/counselor/cases/{{case.public_id}}/?section=verification"
    ),
    "case panel, verification": (
        supervisor, f"/counselor/cases/{{case.public_id}}/sections/verification/"
    ),
    "supervisor dashboard": (supervisor, "/counselor/supervisor/"),
    "admin changelist": (admin, "/admin/intake/application/"),
    "/healthz": (Client(), "/healthz"),
}}
def timed(call):
    call()  # warm-up
    times, queries = [], 0
    for _ in range({rounds}):
        with CaptureQueriesContext(connection) as captured:
            began = time.perf_counter()
            call()
            times.append((time.perf_counter() - began) * 1000)
        queries = len(captured)
    times.sort()
    p95 = times[min(len(times) - 1, int(round(0.95 * (len(times) - 1))))]
    return (statistics.median(times), p95, queries)


def page(name, client, url):
    def get():
        response = client.get(url)
        assert response.status_code == 200, (name, response.status_code)
    return get


from counselor.models import DashboardSnapshot
from counselor.selectors.dashboard import supervisor_dashboard
from counselor.services.dashboard import dashboard_snapshot_refresh
out = {{}}
for name, (client, url) in pages.items():
    if name == "supervisor dashboard":
        # As a supervisor sees it in steady state: the snapshot beat refreshes every minute
        # is there, and the page reads it (it must not count again: checked below).
        as_of = dashboard_snapshot_refresh().computed_at
    out[name] = timed(page(name, client, url))
    if name == "supervisor dashboard":
        assert DashboardSnapshot.objects.get().computed_at == as_of, "the page counted again"
        # Beside it, what the beat task (or a page with no fresh snapshot) spends counting.
        out["dashboard, counted live"] = timed(supervisor_dashboard)
print("RESULT " + json.dumps(out))
"""


FIRST_DATA_KEY = "from tenants.encryption.keys import active_data_key; active_data_key()"


def _measure(env: dict[str, str], rounds: int) -> dict[str, list]:
    manage(env, "migrate", "--noinput")  # a kept database may predate the code
    done = subprocess.run(
        [sys.executable, str(BASE_DIR / "manage.py"), "shell", "-c", MEASURE.format(rounds=rounds)],
        env=env,
        cwd=BASE_DIR,
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        sys.exit(f"measuring failed:\n{done.stderr[-3000:]}")
    line = next(x for x in done.stdout.splitlines() if x.startswith("RESULT "))
    return json.loads(line.removeprefix("RESULT "))


def _seeded(folder: Path, count: int, keep: bool) -> Iterator[dict[str, str]]:
    with _agency(folder, 0, keep=keep) as env:
        env = env | {"ALLOWED_HOSTS": "127.0.0.1,testserver"}
        began = time.perf_counter()
        # The first data key, committed before the seeding's one transaction: a key made
        # inside it is cached only at commit, and until then every sealed value looks for it
        # among the transaction's pending on-commit callbacks (quadratic in the seed's size).
        manage(env, "shell", "-c", FIRST_DATA_KEY)
        subprocess.run(  # no timeout: 100,000 applications take about 4 minutes here
            [sys.executable, str(BASE_DIR / "manage.py"), "seed_demo", "--count", str(count)],
            # Without the analytics stream: its events, one outbox row at a time, were most
            # of the seeding's time, and no page measured here reads them.
            env=env | {"CREDITGENIE_ANALYTICS_KEY": ""},
            cwd=BASE_DIR,
            capture_output=True,
            text=True,
            check=True,
        )
        print(f"seed_demo --count {count}: {time.perf_counter() - began:.0f} s", flush=True)
        if keep:
            (folder / "agency-env.json").write_text(json.dumps(env))
            print(f"kept: measure again with --reuse {folder}", flush=True)
        yield env


def _table(levels: dict[int, dict[str, list]], rounds: int) -> None:
    counts = list(levels)
    head = "".join(f"{f'p50 @{n:,}':>14}" for n in counts)
    print(f"{'page':<28}{head}{'p95 @' + f'{counts[-1]:,}':>14}{'queries':>9}   ({rounds} rounds)")
    for name in levels[counts[0]]:
        p50s = "".join(f"{levels[n][name][0]:>14.1f}" for n in counts)
        _, p95, queries = levels[counts[-1]][name]
        print(f"{name:<28}{p50s}{p95:>14.1f}{queries:>9}")
    _targets(levels)


def _targets(levels: dict[int, dict[str, list]]) -> None:
    """The issue's targets, each with its figure (p50s, milliseconds)."""
    small, large = min(levels), max(levels)
    p50 = {n: {name: row[0] for name, row in rows.items()} for n, rows in levels.items()}
    queue, top = "queue, all cases", p50[large]
    checks = [
        (f"queue p50 @{large:,} / @{small:,}", top[queue] / p50[small][queue], 1.3),
        (f"queue / admin changelist @{large:,}", top[queue] / top["admin changelist"], 0.5),
        (f"page 200 / page 1 @{large:,}", top["queue, page 200"] / top[queue], 1.3),
        (f"case page p50 @{large:,} (ms)", top["case page"], 40),
        (f"dashboard p50 @{large:,} (ms)", top["supervisor dashboard"], 50),
    ]
    for label, figure, limit in checks:
        verdict = "ok" if figure <= limit else "MISSED"
        print(f"{label:<40}{figure:>8.2f}   target <= {limit}   {verdict}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=20_000)
    parser.add_argument(
        "--levels",
        help="comma-separated counts measured side by side, e.g. 1000,10000,100000:DIR",
    )
    parser.add_argument("--large", action="store_true", help="100,000 applications")
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--keep", type=Path, help="keep the seeded agency in this folder")
    parser.add_argument("--reuse", type=Path, help="measure an agency kept with --keep")
    args = parser.parse_args()
    count = 100_000 if args.large else args.count
    if args.levels:
        levels = {}
        for item in args.levels.split(","):
            level, _, kept = item.partition(":")
            if kept:  # measured again in an agency kept with --keep
                env = json.loads((Path(kept) / "agency-env.json").read_text())
                levels[int(level)] = _measure(env, args.rounds)
                continue
            with (
                tempfile.TemporaryDirectory() as tmp,
                contextmanager(_seeded)(Path(tmp), int(level), False) as env,
            ):
                levels[int(level)] = _measure(env, args.rounds)
        _table(levels, args.rounds)
        return
    if args.reuse:
        env = json.loads((args.reuse / "agency-env.json").read_text())
        results = _measure(env, args.rounds)
    elif args.keep:
        args.keep.mkdir(parents=True, exist_ok=True)
        with contextmanager(_seeded)(args.keep.resolve(), count, True) as env:
            results = _measure(env, args.rounds)
    else:
        with (
            tempfile.TemporaryDirectory() as tmp,
            contextmanager(_seeded)(Path(tmp), count, False) as env,
        ):
            results = _measure(env, args.rounds)
    _table({count: results}, args.rounds)


if __name__ == "__main__":
    main()
