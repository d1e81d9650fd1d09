"""Reads of DMP proposals and their saved versions."""

from __future__ import annotations

from uuid import UUID

from django.db.models import Q

from counselor.models import Proposal, ProposalVersion


def proposal_for_case(*, case_id: UUID, visible: Q | None = None) -> Proposal | None:
    """The case's proposal, or None (also when the case is not ``visible``: a condition
    on the proposal, see ``counselor.permissions.case_visible_q``)."""
    return Proposal.objects.select_related("case").filter(visible or Q(), case_id=case_id).first()


def proposal_version_latest(*, proposal: Proposal) -> ProposalVersion:
    """The version numbered ``proposal.version``."""
    return proposal.versions.select_related("saved_by").get(number=proposal.version)


def proposal_version_get(*, proposal: Proposal, number: int) -> ProposalVersion | None:
    """One saved version, or None."""
    return proposal.versions.filter(number=number).first()
