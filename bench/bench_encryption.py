"""Field encryption: encrypt+decrypt throughput per field type, the cost of encrypted
fields on a list page against the same page with plain fields, and the counselor queue and
case pages (every consumer figure encrypted) beside the admin changelist in the same run.

Run: ``.venv/bin/python bench/bench_encryption.py [--count 3000] [--rounds 20]``
The first two parts set their own environment (a throwaway SQLite database, a fresh local
key file, the test-only models of tests/encryption_app) unless the variables are already
set; the pages part provisions a throwaway PostgreSQL agency seeded with `seed_demo --count`
(bench_counselor.py; `--count 0` skips it).
"""

from __future__ import annotations

import argparse
import datetime
import os
import statistics
import sys
import tempfile
import time
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
sys.path.insert(0, str(BASE_DIR / "bench"))

from tenants.encryption.keyfile import create_key_file, new_blind_index_key  # noqa: E402

OPS = 5000
ROWS = 200
PAGE_RUNS = 30


def _environment(tmp: Path) -> None:
    (tmp / "empty.env").touch()
    create_key_file(tmp / "bench.key")
    defaults = {
        "CREDITGENIE_ENV_FILE": str(tmp / "empty.env"),
        "CREDITGENIE_VAR_DIR": str(tmp),
        "CREDITGENIE_TENANT": "bench-agency",
        "DATABASE_URL": f"sqlite:///{tmp / 'bench.sqlite3'}",
        "DJANGO_DEBUG": "true",
        "LOG_LEVEL": "WARNING",
        "CREDITGENIE_TEST_APPS": "true",
        "CREDITGENIE_KEY_PROVIDER": "local",
        "CREDITGENIE_KEY_FILE": str(tmp / "bench.key"),
        "CREDITGENIE_BLIND_INDEX_KEY": new_blind_index_key(),
    }
    for key, value in defaults.items():
        os.environ.setdefault(key, value)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "creditgenie.settings")


def _per_op(action, count: int) -> list[float]:
    """Microseconds of each call of `action`."""
    times = []
    for _ in range(count):
        start = time.perf_counter_ns()
        action()
        times.append((time.perf_counter_ns() - start) / 1000)
    return times


def field_throughput() -> None:
    from tests.encryption_app.models import Client

    client = Client(last_name="Lopez")
    samples = {
        "ssn": "123-45-6789",
        "notes": "Lost job in March; behind on two cards. " * 5,
        "birth_date": datetime.date(1984, 3, 7),
        "monthly_income": Decimal("4250.10"),
    }
    print(f"encrypt+decrypt, {OPS} ops per field (local key, data key cached)")
    print(f"{'field':<40}{'ops/s':>10}{'median µs':>12}{'p95 µs':>10}{'stored chars':>14}")
    for name, value in samples.items():
        field = Client._meta.get_field(name)
        field.decrypt(client, field.encrypt(client, value))  # warm the key cache
        times = _per_op(lambda f=field, v=value: f.decrypt(client, f.encrypt(client, v)), OPS)
        stored = len(field.encrypt(client, value).token)
        label = f"{type(field).__name__}({name})"
        p95 = statistics.quantiles(times, n=20)[18]
        print(
            f"{label:<40}{1e6 / statistics.fmean(times):>10.0f}"
            f"{statistics.median(times):>12.1f}{p95:>10.1f}{stored:>14}"
        )


def _rows(model) -> None:
    model.objects.bulk_create(
        model(
            last_name=f"Name{n}",
            ssn=f"{n % 900 + 100:03d}-45-{n:04d}",
            email=f"person{n}@example.org",
            phone=f"555-010-{n:04d}",
            birth_date=datetime.date(1950 + n % 50, 1 + n % 12, 1 + n % 28),
            monthly_income=Decimal(f"{2000 + n}.25"),
        )
        for n in range(ROWS)
    )


def _page(model) -> list[tuple]:
    return [
        (c.last_name, c.ssn, c.email, c.phone, c.birth_date, c.monthly_income)
        for c in model.objects.order_by("id")
    ]


def list_page_overhead() -> None:
    from tests.encryption_app.models import Client, PlainClient

    _rows(Client)
    _rows(PlainClient)
    assert _page(Client) == _page(PlainClient)
    print(f"\nlist page of {ROWS} rows, 5 PII fields shown, {PAGE_RUNS} runs (SQLite)")
    medians = {}
    for model in (PlainClient, Client):
        _page(model)
        times = [t / 1000 for t in _per_op(lambda m=model: _page(m), PAGE_RUNS)]
        medians[model.__name__] = statistics.median(times)
        print(f"{model.__name__:<40}{'median ms':>12}{medians[model.__name__]:>10.2f}")
    extra = medians["Client"] - medians["PlainClient"]
    per_value = extra * 1000 / (ROWS * 5)
    ratio = medians["Client"] / medians["PlainClient"]
    print(
        f"overhead: +{extra:.2f} ms per page, {per_value:.1f} µs per decrypted value, x{ratio:.2f}"
    )


def counselor_pages(count: int, rounds: int) -> None:
    """The queue and case pages against the admin changelist of the same table."""
    from bench_counselor import _measure, _seeded

    with (
        tempfile.TemporaryDirectory() as tmp,
        contextmanager(_seeded)(Path(tmp), count, False) as env,
    ):
        results = _measure(env, rounds)
    print(f"\ncounselor pages at {count} applications, {rounds} rounds (PostgreSQL)")
    print(f"{'page':<28}{'p50 ms':>9}{'p95 ms':>9}{'queries':>9}")
    for name, (p50, p95, queries) in results.items():
        print(f"{name:<28}{p50:>9.1f}{p95:>9.1f}{queries:>9}")
    admin = results["admin changelist"][0]
    for name in ("queue, all cases", "case page"):
        print(f"{name} / admin changelist: x{results[name][0] / admin:.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=3000, help="applications for the pages")
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()
    if args.count:
        counselor_pages(args.count, args.rounds)
    with tempfile.TemporaryDirectory(prefix="cg-bench-") as tmp:
        _environment(Path(tmp))
        import django
        from django.core.management import call_command

        django.setup()
        call_command("migrate", verbosity=0, skip_checks=True)
        field_throughput()
        list_page_overhead()


if __name__ == "__main__":
    main()
