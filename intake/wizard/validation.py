"""Submit's re-validation of every step from the saved draft (like django-formtools)."""

from __future__ import annotations

from ..models import Application

# `steps` is read at call time: steps imports the services, which import this module, so
# a name imported from a half-initialised `steps` would fail whichever module loads first.
from . import steps


def first_incomplete_step(application: Application) -> str | None:
    """The slug of the first step whose saved answers do not pass, or None."""
    for step in steps.STEPS:
        if step.slug in steps.TRACKED:
            _form, complete = steps.step_validate(step, application)
            if not complete:
                return step.slug
    return None
