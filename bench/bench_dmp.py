"""Time a DMP with full schedules, each month's capped fee and the minimum-payment baseline.

Run: ``python bench/bench_dmp.py``. Prints median, p95 and count for 50 creditors
(target: median under 5 ms) and for 1,000 creditors (target: median under 60 ms).
The plan is priced for Michigan, whose cumulative cap is the costliest to check (it
sums the principal repaid in every month). Uses only the standard library.
"""

from __future__ import annotations

import statistics
import sys
import time
from datetime import date
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from counselor.engine.dmp import Concessions, Debt, baseline, compare, propose_plan

SIZES = ((50, 300, 5), (1000, 30, 60))  # creditors, runs, target median in ms
CONCESSIONS = ("0", "6", "7.4", "8", "9.9")
APRS = ("14.99", "19.99", "22.49", "24.99", "26.99", "29.99")


def creditors(count: int = 50) -> list[Debt]:
    """Deterministic, realistic card debts: $500-$15,000, 15-30% APR, ~3% minimums."""
    debts = []
    for index in range(count):
        balance = Decimal(500 + (index * 2917) % 14500) + Decimal(index % 100) / 100
        minimum = (balance * Decimal("0.03")).quantize(Decimal("0.01"))
        debts.append(Debt(f"Creditor {index}", balance, Decimal(APRS[index % 6]), minimum))
    return debts


def terms_table(debts: list[Debt]) -> dict[str, Concessions]:
    """One terms row per creditor, cycling through observed concession APRs."""
    return {
        debt.creditor: Concessions(
            min_payment_pct=Decimal("2.5") if index % 3 else Decimal("2"),
            concession_apr=Decimal(CONCESSIONS[index % 5]),
        )
        for index, debt in enumerate(debts)
    }


def run_once(debts: list[Debt], table: dict[str, Concessions]) -> int:
    """Plan with full schedules, baseline and comparison; returns schedule rows built."""
    plan = propose_plan(
        debts,
        table.__getitem__,
        monthly_fee=Decimal("40"),
        setup_fee=Decimal("50"),
        start=date(2026, 1, 1),
        state="MI",
    )
    payoff = baseline(debts)
    compare(plan, payoff)
    rows = sum(line.months for line in plan.lines) + sum(len(line.cents) for line in payoff.lines)
    return rows + len(plan.fees)


def p95(samples: list[float]) -> float:
    """95th percentile (nearest rank)."""
    ordered = sorted(samples)
    return ordered[max(0, round(0.95 * len(ordered)) - 1)]


def measure(count: int, runs: int, target: float) -> None:
    """Warm up, time ``runs`` runs for ``count`` creditors and print the figures in ms."""
    debts = creditors(count)
    table = terms_table(debts)
    rows = run_once(debts, table)
    samples = []
    for _ in range(runs):
        began = time.perf_counter()
        run_once(debts, table)
        samples.append((time.perf_counter() - began) * 1000)
    median = statistics.median(samples)
    print(f"{count}-creditor plan + baseline ({rows} schedule rows and monthly fees per run)")
    print(f"median {median:.3f} ms  p95 {p95(samples):.3f} ms  count {len(samples)}")
    print(f"target median < {target} ms:", "met" if median < target else "NOT met")


def main() -> None:
    """Both sizes, one after the other."""
    for count, runs, target in SIZES:
        measure(count, runs, target)


if __name__ == "__main__":
    main()
