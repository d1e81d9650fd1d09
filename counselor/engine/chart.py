"""The payoff chart: total balance month by month, plan versus minimum payments.

Pure code (no Django). Balances come from the engine's schedules (``PlanLine.schedule``
and the baseline's ``Amortization.rows``); this module only adds them up per month and
maps them onto an SVG canvas. Coordinates are Decimals rounded to 0.1 px.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from counselor.engine.dmp import Payoff, Plan
from intake.engine.money import ZERO

WIDTH, HEIGHT, PAD = Decimal(640), Decimal(260), Decimal(40)
TENTH = Decimal("0.1")


def plan_balances(plan: Plan) -> tuple[Decimal, ...]:
    """Enrolled balance at the start (index 0) and after each month of the plan."""
    closing = [
        sum((ln.schedule[m].closing for ln in plan.lines if m < ln.months), ZERO)
        for m in range(plan.months)
    ]
    return (plan.total_enrolled, *closing)


def baseline_balances(payoff: Payoff, horizon: int) -> tuple[Decimal, ...]:
    """Balance on minimum payments for ``horizon`` months; a debt that never pays off
    (no schedule) is drawn at its starting balance."""
    start = sum((line.balance for line in payoff.lines), ZERO)
    months = [sum((_closing(line, m) for line in payoff.lines), ZERO) for m in range(horizon)]
    return (start, *months)


def _closing(line: object, month: int) -> Decimal:
    if not line.rows:
        return line.balance
    return line.rows[month].closing if month < len(line.rows) else ZERO


@dataclass(frozen=True)
class Series:
    key: str
    balances: tuple[Decimal, ...]
    points: tuple[tuple[Decimal, Decimal], ...]

    @property
    def points_attr(self) -> str:
        """The SVG ``points`` attribute."""
        return " ".join(f"{x},{y}" for x, y in self.points)


@dataclass(frozen=True)
class PayoffChart:
    """Two series on one canvas; ``baseline_pays_off`` False adds a "never" label."""

    horizon: int
    top: Decimal
    plan: Series
    baseline: Series
    baseline_pays_off: bool
    width: Decimal = WIDTH
    height: Decimal = HEIGHT
    pad: Decimal = PAD

    @property
    def x_axis_y(self) -> Decimal:
        return self.height - self.pad

    @property
    def right(self) -> Decimal:
        return self.width - self.pad


def scale_x(month: int, horizon: int) -> Decimal:
    """Month -> x pixel."""
    span = WIDTH - 2 * PAD
    return (PAD + span * month / max(horizon, 1)).quantize(TENTH, ROUND_HALF_UP)


def scale_y(balance: Decimal, top: Decimal) -> Decimal:
    """Balance -> y pixel (0 at the bottom axis, ``top`` at the top)."""
    span = HEIGHT - 2 * PAD
    share = balance / top if top else ZERO
    return (HEIGHT - PAD - span * share).quantize(TENTH, ROUND_HALF_UP)


def _series(key: str, balances: tuple[Decimal, ...], horizon: int, top: Decimal) -> Series:
    points = tuple((scale_x(m, horizon), scale_y(b, top)) for m, b in enumerate(balances))
    return Series(key, balances, points)


def payoff_chart(plan: Plan, payoff: Payoff) -> PayoffChart:
    """The chart for a plan and its baseline. The horizon is the longer of the two payoffs
    (the plan's when the baseline never pays off)."""
    horizon = max(plan.months, payoff.months or 0, 1)
    if not payoff.pays_off:
        horizon = max(plan.months, max((len(ln.rows) for ln in payoff.lines), default=0), 1)
    planned = plan_balances(plan)
    minimum = baseline_balances(payoff, horizon)
    top = max((*planned, *minimum))
    return PayoffChart(
        horizon=horizon,
        top=top,
        plan=_series("plan", planned, horizon, top),
        baseline=_series("baseline", minimum, horizon, top),
        baseline_pays_off=payoff.pays_off,
    )
