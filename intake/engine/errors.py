"""The one error type of the pure domain engine.

Lives in ``intake`` because ``counselor`` may import ``intake`` but never the
other way round; both sides raise the same error.
"""

from __future__ import annotations


class DomainError(ValueError):
    """Bad input to a domain calculation; ``field`` names the offending input.

    Views and services turn it into a message next to that field.
    """

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message
