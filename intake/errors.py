"""The consumer side's own errors; views turn them into messages."""

from __future__ import annotations


class IntakeError(Exception):
    """Base of every refusal of an intake service; `message` is for the consumer."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ApplicationLocked(IntakeError):
    """The application is no longer a draft: wizard steps cannot change it."""


class ApplicationIncomplete(IntakeError):
    """Submit found a step that is not complete; `step` is the first such step's slug."""

    def __init__(self, message: str, step: str) -> None:
        super().__init__(message)
        self.step = step


class OfferNotOpen(IntakeError):
    """The plan offer was superseded or already answered."""


class OfferAlreadySigned(OfferNotOpen):
    """The plan offer is signed: a signed offer never changes and is never signed again."""


class OfferChanged(IntakeError):
    """The offer document shown is not the current one (its hash differs)."""


class SignatureInvalid(IntakeError):
    """The typed name does not match the legal name, or the intent box is not ticked;
    `field` names the form field the message belongs next to ("" for the whole form)."""

    def __init__(self, message: str, field: str = "") -> None:
        super().__init__(message)
        self.field = field


class NoSuchStep(IntakeError):
    """An unknown wizard step."""


class BankConsentMissing(IntakeError):
    """Connecting a bank needs a live bank-data consent (consents step)."""
