"""System check: refuse to run against another deployment's database."""

from __future__ import annotations

from django.core.checks import Error, Tags, Warning, register

from .stamp import stamp_problem, stamp_read


@register(Tags.database)
def check_deployment_stamp(app_configs: object = None, **kwargs: object) -> list:
    """Runs with `check --database default` and before `migrate`.

    An unstamped database is only a warning (provisioning migrates, then stamps);
    a database stamped for another deployment is an error, which also stops
    `migrate` from touching it.
    """
    if not kwargs.get("databases"):
        return []
    problem = stamp_problem()
    if problem is None:
        return []
    if stamp_read() is None:
        return [Warning(problem, id="tenants.W001")]
    return [Error(problem, id="tenants.E001")]
