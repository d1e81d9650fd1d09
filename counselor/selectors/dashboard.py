"""The supervisor dashboard: workload, cases by status, times to first contact and to offer,
offer acceptance; aggregates only (no consumer data), a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import (
    Avg,
    Count,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    Subquery,
)

from counselor.models import CaseAssignment, CaseNote
from intake.models import Application, PlanOffer, VerificationFlag

BAR_WIDTH = 300  # px of the longest bar
OPEN = (Application.Status.SUBMITTED, Application.Status.IN_REVIEW, Application.Status.OFFERED)


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
    def workload_height(self) -> int:
        return 24 * len(self.workload) + 4

    @property
    def statuses_height(self) -> int:
        return 24 * len(self.statuses) + 4


def bars(rows: list[tuple[str, int, str]]) -> list[Bar]:
    """(label, count, link) -> bars scaled to the largest count (pure)."""
    top = max((count for _label, count, _link in rows), default=0)
    return [
        Bar(label, count, round(BAR_WIDTH * count / top) if top else 0, 24 * i, link)
        for i, (label, count, link) in enumerate(rows)
    ]


def _first(model: Any, field: str) -> Subquery:
    return Subquery(
        model.objects.filter(application=OuterRef("pk")).order_by(field).values(field)[:1]
    )


def _bureau_failed() -> Exists:
    return Exists(VerificationFlag.objects.filter(application=OuterRef("pk"), code="bureau_failed"))


def _average_wait(annotation: str) -> Any:
    return Avg(ExpressionWrapper(F(annotation) - F("submitted_at"), output_field=DurationField()))


def supervisor_dashboard() -> Dashboard:
    """The figures, from four aggregate queries whatever the number of cases.

    First contact is the case's first counselor note; time to offer, its first offer. The
    verification failure rate rides on the waits' aggregate (finished verifications, and
    those with a ``bureau_failed`` flag)."""
    workload = (
        CaseAssignment.objects.filter(assigned_to__isnull=False, application__status__in=OPEN)
        .values("assigned_to", "assigned_to__username")
        .annotate(count=Count("pk"))
        .order_by("-count", "assigned_to__username")
    )
    statuses = dict(
        Application.objects.exclude(status=Application.Status.DRAFT)
        .values_list("status")
        .annotate(count=Count("pk"))
        .values_list("status", "count")
    )
    waits = (
        Application.objects.exclude(status=Application.Status.DRAFT)
        .filter(submitted_at__isnull=False)
        .annotate(
            first_note=_first(CaseNote, "created_at"),
            first_offer=_first(PlanOffer, "created_at"),
            verified_at=F("verification_request__completed_at"),
            bureau_failed=_bureau_failed(),
        )
        .aggregate(
            first_contact=_average_wait("first_note"),
            to_offer=_average_wait("first_offer"),
            finished=Count("pk", filter=Q(verified_at__isnull=False)),
            failed=Count("pk", filter=Q(verified_at__isnull=False, bureau_failed=True)),
        )
    )
    offers = PlanOffer.objects.filter(superseded=False).aggregate(
        total=Count("pk"),
        accepted=Count("pk", filter=Q(status=PlanOffer.Status.ACCEPTED)),
        declined=Count("pk", filter=Q(status=PlanOffer.Status.DECLINED)),
    )
    labels = dict(Application.Status.choices)
    return Dashboard(
        workload=bars(
            [
                (
                    row["assigned_to__username"],
                    row["count"],
                    f"?tab=all&assignee={row['assigned_to']}",
                )
                for row in workload
            ]
        ),
        statuses=bars(
            [
                (str(labels[s]), statuses.get(s, 0), f"?tab=all&status={s}")
                for s in labels
                if s != Application.Status.DRAFT
            ]
        ),
        first_contact=waits["first_contact"],
        to_offer=waits["to_offer"],
        offers=offers["total"],
        accepted=offers["accepted"],
        declined=offers["declined"],
        verifications_finished=waits["finished"],
        verifications_failed=waits["failed"],
    )
