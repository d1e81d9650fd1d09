"""Liveness and readiness endpoints for the load balancer and the process manager."""

from __future__ import annotations

from django.apps import apps
from django.conf import settings
from django.db import DatabaseError, connections
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from kombu import Connection

from tenants.stamp import stamp_problem


def _database_ok() -> bool:
    try:
        with connections["default"].cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except DatabaseError:
        return False


def _broker_ok() -> bool:
    connection = Connection(
        settings.CELERY_BROKER_URL,
        transport_options=settings.CELERY_BROKER_TRANSPORT_OPTIONS,
        connect_timeout=settings.CELERY_BROKER_CONNECTION_TIMEOUT,
    )
    try:
        connection.ensure_connection(max_retries=1, timeout=2)
    except Exception:  # kombu raises transport-specific errors; any of them means "down"
        return False
    finally:
        connection.release()
    return True


@require_GET
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness: the process answers. Touches nothing else."""
    return JsonResponse({"status": "ok"})


def _audit_chain_detail() -> str:
    """The last scheduled verification of the audit chain, in a sentence (agency only)."""
    verification = apps.get_model("audit", "ChainVerification")
    last = verification.objects.order_by("-ran_at").first()
    if last is None:
        return "not verified yet"
    when = last.ran_at.strftime("%Y-%m-%d %H:%M UTC")
    if last.intact:
        return f"intact: {last.rows} events, verified {when}"
    return f"BROKEN from row {last.first_bad_seq}, verified {when}: {last.problem}"


@require_GET
@never_cache
def readyz(request: HttpRequest) -> JsonResponse:
    """Readiness: the database (stamped for this deployment) and the broker are reachable;
    503 names what is down. Details (the audit chain's last verification) never make it 503:
    a broken chain is an alarm for people, not a reason to stop serving."""
    database = _database_ok()
    problem = stamp_problem() if database else None
    checks = {
        "database": "ok" if database else "down",
        "stamp": "ok" if database and problem is None else "mismatch" if database else "unknown",
        "broker": "ok" if _broker_ok() else "down",
    }
    details = {"stamp": problem} if problem else {}
    if database and problem is None and apps.is_installed("tenants.audit"):
        details["audit_chain"] = _audit_chain_detail()
    ready = all(value == "ok" for value in checks.values())
    return JsonResponse(
        {"status": "ok" if ready else "unavailable", "checks": checks, "details": details},
        status=200 if ready else 503,
    )
