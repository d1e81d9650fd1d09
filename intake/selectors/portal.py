"""Reads of the consumer's portal: the conversation and the plan offer."""

from __future__ import annotations

from ..models import Application, Message, PlanAcceptance, PlanOffer


def messages_of(application: Application) -> list[Message]:
    return list(application.messages.select_related("author").order_by("created_at", "pk"))


def current_offer(application: Application) -> PlanOffer | None:
    return application.plan_offers.filter(superseded=False).first()


def signed_plan_of(application: Application) -> PlanAcceptance | None:
    """The application's latest e-signature (with its offer), if it signed one."""
    return (
        application.plan_acceptances.select_related("offer", "application")
        .order_by("-accepted_at", "-pk")
        .first()
    )
