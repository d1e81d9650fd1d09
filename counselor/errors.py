"""The counselor side's own exceptions; views turn them into messages."""

from __future__ import annotations


class CounselorError(Exception):
    """Base of the counselor app's errors; ``str(error)`` is a message for people."""


class TermsError(CounselorError):
    """A creditor terms change that cannot be made (bad values, duplicate name, no reason)."""


class FeeScheduleError(CounselorError):
    """An agency fee schedule that cannot be stored."""


class ProposalError(CounselorError):
    """Proposal inputs the builder cannot price (e.g. every debt excluded)."""


class ProposalConflict(CounselorError):
    """A save based on a version that is no longer the latest (optimistic concurrency).

    ``changes`` lists, in words, what the newer versions changed since ``expected``.
    """

    def __init__(self, *, expected: int, current: int, saved_by: str, changes: tuple[str, ...]):
        self.expected, self.current, self.saved_by, self.changes = (
            expected,
            current,
            saved_by,
            changes,
        )
        what = "; ".join(changes) if changes else "no input changed (saved again)"
        super().__init__(
            f"This proposal was saved as version {current} by {saved_by} after you opened "
            f"version {expected}. Changed: {what}. Your changes were not saved; review the "
            "latest version and apply them again."
        )


class CaseError(CounselorError):
    """A case change that cannot be made (assignee who does not work cases, a draft)."""


class CaseConflict(CounselorError):
    """A case save based on a case version that is no longer the latest.

    ``changes`` lists, in words, what was saved since ``expected`` (who, what, when).
    """

    def __init__(self, *, expected: int, current: int, changes: tuple[str, ...]):
        self.expected, self.current, self.changes = expected, current, changes
        super().__init__(
            f"Someone saved this case while you were editing (you started from version "
            f"{expected}, it is now version {current}). Nothing of yours was saved."
        )


class OfferRefused(CaseError):
    """An offer the rules refuse until a supervisor approves an exception."""
