"""The supervisor dashboard: workload, cases by status, times to first contact and to offer,
offer acceptance; aggregates only (no consumer data), a fixed number of queries.

``dashboard_figures`` counts (six queries, what the beat task runs every minute);
``dashboard_snapshot_get`` reads the figures last counted (one query, what the page shows);
``dashboard_of`` turns either into the bars and words of the page."""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import (
    Avg,
    Count,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    Min,
    OuterRef,
    Q,
)
from django.utils import timezone

from counselor.models import CaseAssignment, CaseNote, DashboardSnapshot
from intake.models import Application, PlanOffer, VerificationFlag, VerificationRequest

BAR_WIDTH = 300  # px of the longest bar
MINUTE = timedelta(minutes=1)
OPEN = (Application.Status.SUBMITTED, Application.Status.IN_REVIEW, Application.Status.OFFERED)
# How old the snapshot may be before the page counts again itself: beat refreshes it every
# minute (CELERY_BEAT_SCHEDULE "dashboard-refresh"), so an older one means beat is not
# running (a fresh deployment, a local run without beat, an outage).
SNAPSHOT_FRESH_FOR = timedelta(minutes=5)


@dataclass(frozen=True)
class Bar:
    label: str
    count: int
    width: int
    y: int
    link: str


@dataclass(frozen=True)
class Dashboard:
    workload: list[Bar]
    statuses: list[Bar]
    first_contact: timedelta | None
    to_offer: timedelta | None
    offers: int
    accepted: int
    declined: int
    verifications_finished: int = 0
    verifications_failed: int = 0
    computed_at: datetime | None = None  # when these figures were counted

    @property
    def counted_within_a_minute(self) -> bool:
        """Whether the figures were counted less than a minute ago ("as of" reads so)."""
        return self.computed_at is not None and timezone.now() - self.computed_at < MINUTE

    @property
    def verification_failure_rate(self) -> Decimal | None:
        """Failed / finished verifications (a finished one whose bureau pull failed: the
        counselor's "Re-run verification"), as a percentage; None before any finished."""
        if not self.verifications_finished:
            return None
        rate = Decimal(100) * self.verifications_failed / self.verifications_finished
        return rate.quantize(Decimal("0.1"), ROUND_HALF_UP)

    @property
    def acceptance_rate(self) -> Decimal | None:
        """Accepted / answered offers (open ones left out), as a percentage."""
        answered = self.accepted + self.declined
        if not answered:
            return None
        return (Decimal(100) * self.accepted / answered).quantize(Decimal("0.1"), ROUND_HALF_UP)

    @property
    def first_contact_words(self) -> str:
        return duration_words(self.first_contact) if self.first_contact else "no contact yet"

    @property
    def to_offer_words(self) -> str:
        return duration_words(self.to_offer) if self.to_offer else "no offer yet"

    @property
    def workload_height(self) -> int:
        return 24 * len(self.workload) + 4

    @property
    def statuses_height(self) -> int:
        return 24 * len(self.statuses) + 4


def duration_words(duration: timedelta) -> str:
    """A duration as people say it, to the minute: "under 1 min", "5 min", "3 h 5 min",
    "2 days 4 h" (pure)."""
    minutes = int(duration.total_seconds() // 60)
    days, hours, mins = minutes // 1440, minutes // 60 % 24, minutes % 60
    if days:
        day_words = f"{days} day" if days == 1 else f"{days} days"
        return f"{day_words} {hours} h" if hours else day_words
    if hours:
        return f"{hours} h {mins} min" if mins else f"{hours} h"
    return f"{mins} min" if mins else "under 1 min"


def bars(rows: list[tuple[str, int, str]]) -> list[Bar]:
    """(label, count, link) -> bars scaled to the largest count (pure)."""
    top = max((count for _label, count, _link in rows), default=0)
    return [
        Bar(label, count, round(BAR_WIDTH * count / top) if top else 0, 24 * i, link)
        for i, (label, count, link) in enumerate(rows)
    ]


def _average_first_wait(model: Any) -> timedelta | None:
    """The average time from submit to each case's first ``model`` row, grouped from that
    table's side: its cost follows the rows that exist (contacted, offered cases), not
    every case (no subquery per application)."""
    firsts = (
        model.objects.filter(application__submitted_at__isnull=False)
        .exclude(application__status=Application.Status.DRAFT)
        .values("application")
        .annotate(
            wait=ExpressionWrapper(
                Min("created_at") - F("application__submitted_at"), output_field=DurationField()
            )
        )
    )
    return firsts.aggregate(average=Avg("wait"))["average"]


def _verifications() -> dict[str, int]:
    """Finished verifications of sent cases, and those whose bureau pull failed."""
    failed = Exists(
        VerificationFlag.objects.filter(application=OuterRef("application"), code="bureau_failed")
    )
    return (
        VerificationRequest.objects.filter(completed_at__isnull=False)
        .exclude(application__status=Application.Status.DRAFT)
        .filter(application__submitted_at__isnull=False)
        .aggregate(finished=Count("pk"), failed=Count("pk", filter=Q(failed)))
    )


@dataclass(frozen=True)
class Figures:
    """The dashboard's figures as counted, before bars and labels: what the snapshot keeps
    (``DashboardSnapshot`` has one field of the same name for each)."""

    workload: tuple[tuple[int, str, int], ...]  # (counselor id, username, open cases)
    statuses: dict[str, int]  # status value -> cases (drafts left out)
    first_contact: timedelta | None
    to_offer: timedelta | None
    offers: int
    accepted: int
    declined: int
    verifications_finished: int
    verifications_failed: int


FIGURES = tuple(field.name for field in fields(Figures))
BARS = ("workload", "statuses")  # drawn as bars; the other figures are the Dashboard's own


def dashboard_figures() -> Figures:
    """The figures, from six aggregate queries whatever the number of cases.

    First contact is the case's first counselor note; time to offer, its first offer; the
    verification failure rate counts finished verifications whose bureau pull failed."""
    workload = (
        CaseAssignment.objects.filter(assigned_to__isnull=False, application__status__in=OPEN)
        .values("assigned_to", "assigned_to__username")
        .annotate(count=Count("pk"))
        .order_by("-count", "assigned_to__username")
    )
    statuses = (
        Application.objects.exclude(status=Application.Status.DRAFT)
        .values_list("status")
        .annotate(count=Count("pk"))
        .values_list("status", "count")
    )
    verifications = _verifications()
    offers = PlanOffer.objects.filter(superseded=False).aggregate(
        total=Count("pk"),
        accepted=Count("pk", filter=Q(status=PlanOffer.Status.ACCEPTED)),
        declined=Count("pk", filter=Q(status=PlanOffer.Status.DECLINED)),
    )
    return Figures(
        workload=tuple(
            (row["assigned_to"], row["assigned_to__username"], row["count"]) for row in workload
        ),
        statuses=dict(statuses),
        first_contact=_average_first_wait(CaseNote),
        to_offer=_average_first_wait(PlanOffer),
        offers=offers["total"],
        accepted=offers["accepted"],
        declined=offers["declined"],
        verifications_finished=verifications["finished"],
        verifications_failed=verifications["failed"],
    )


def dashboard_of(figures: Figures, *, computed_at: datetime | None = None) -> Dashboard:
    """The page's bars (status labels in the active language, drill-down links) and
    figures (no query)."""
    labels = dict(Application.Status.choices)
    return Dashboard(
        workload=bars(
            [(name, count, f"?tab=all&assignee={user}") for user, name, count in figures.workload]
        ),
        statuses=bars(
            [
                (str(labels[s]), figures.statuses.get(s, 0), f"?tab=all&status={s}")
                for s in labels
                if s != Application.Status.DRAFT
            ]
        ),
        computed_at=computed_at,
        **{name: getattr(figures, name) for name in FIGURES if name not in BARS},
    )


def supervisor_dashboard() -> Dashboard:
    """The dashboard counted now (six queries; ``dashboard_figures``)."""
    computed_at = timezone.now()
    return dashboard_of(dashboard_figures(), computed_at=computed_at)


def dashboard_snapshot_get(*, fresh_for: timedelta = SNAPSHOT_FRESH_FOR) -> Dashboard | None:
    """The dashboard as last counted (one query), or None when it never was or was counted
    more than ``fresh_for`` ago: the caller counts again (``dashboard_snapshot_refresh``)."""
    snapshot = DashboardSnapshot.objects.filter(computed_at__gte=timezone.now() - fresh_for).first()
    if snapshot is None:
        return None
    kept = {name: getattr(snapshot, name) for name in FIGURES}
    # JSON keeps the workload rows as lists.
    kept["workload"] = tuple((user, name, count) for user, name, count in snapshot.workload)
    return dashboard_of(Figures(**kept), computed_at=snapshot.computed_at)
