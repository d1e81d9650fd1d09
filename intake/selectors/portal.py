"""Reads of the consumer's portal: the conversation and the plan offer."""

from __future__ import annotations

from ..models import Application, Message, PlanOffer


def messages_of(application: Application) -> list[Message]:
    return list(application.messages.select_related("author").order_by("created_at", "pk"))


def current_offer(application: Application) -> PlanOffer | None:
    return application.plan_offers.filter(superseded=False).first()
