"""The staff role groups of an agency's Cognito pool: the app's staff roles
(tenants.roles.STAFF_ROLES, checked equal by tests/deploy), spelt as the groups are named."""

from __future__ import annotations

STAFF_GROUPS = ("counselor", "supervisor", "agency_admin", "platform_support")
