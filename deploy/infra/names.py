"""Names both sides of an account boundary must agree on, derived in one place."""

from __future__ import annotations

WAREHOUSE_KEY_ALIAS = "alias/creditgenie/warehouse"
WAREHOUSE_PREFIX = "events"
# The error event the audit chain's scheduled verification logs (docs/audit.md); the
# audit alarm counts the log lines that carry it.
AUDIT_FAILURE_EVENT = "audit_chain_broken"
TASK_KINDS = ("web", "worker", "beat", "migrate")


def warehouse_bucket_name(platform_account: str) -> str:
    return f"creditgenie-warehouse-{platform_account}"


def task_role_name(slug: str, kind: str) -> str:
    """An agency's task role; the worker's is the one that ships to the warehouse."""
    return f"creditgenie-{slug}-{kind}"


def delegation_role_name(slug: str) -> str:
    """The role in the DNS account an agency assumes to delegate its own subdomain."""
    return f"creditgenie-dns-delegation-{slug}"
