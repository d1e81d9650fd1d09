"""Deterministic demo data: a living agency for newcomers, and volume for benchmarks.

The same seed always yields the same people and applications. Everything is
fictional; e-mail addresses use the reserved example.com domain.
"""

from __future__ import annotations

import gc
import random
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from counselor.demo.terms import counselor_demo_seed
from intake.demo.seed import intake_demo_seed
from intake.models import Application
from intake.models.application import references_unused
from integrations.models import ConsumerProfile
from integrations.oidc.services import consumer_profile_set
from tenants.roles import Role, role_grant

# A published demo credential, set only where CREDITGENIE_DEV_LOGIN is on.
DEMO_PASSWORD = "genie-demo-2026"  # noqa: S105
STAFF_USERS = (
    ("consumer", "Maria", "Lopez", Role.CONSUMER, {}),
    ("counselor", "Carol", "Nguyen", Role.COUNSELOR, {}),
    ("supervisor", "Sam", "Okafor", Role.SUPERVISOR, {}),
    ("admin", "Ada", "Brooks", Role.AGENCY_ADMIN, {"is_staff": True, "is_superuser": True}),
)
FIRST_NAMES = [
    "James",
    "Maria",
    "Robert",
    "Linda",
    "Michael",
    "Patricia",
    "David",
    "Jennifer",
    "Jose",
    "Elizabeth",
    "Luis",
    "Ana",
    "Daniel",
    "Carmen",
    "Kevin",
    "Rosa",
    "Brian",
    "Sofia",
    "Anthony",
    "Lucia",
    "Marcus",
    "Keisha",
    "Tyrone",
    "Mei",
    "Andre",
    "Guadalupe",
    "Thomas",
    "Sarah",
    "Hector",
    "Denise",
]
LAST_NAMES = [
    "Smith",
    "Johnson",
    "Williams",
    "Brown",
    "Garcia",
    "Martinez",
    "Rodriguez",
    "Hernandez",
    "Lopez",
    "Gonzalez",
    "Wilson",
    "Anderson",
    "Thomas",
    "Taylor",
    "Moore",
    "Jackson",
    "Perez",
    "Sanchez",
    "Ramirez",
    "Torres",
    "Nguyen",
    "Kim",
    "Patel",
    "Washington",
    "Rivera",
    "Flores",
    "Jenkins",
    "Baker",
    "Cruz",
    "Reyes",
]
STATUS_WEIGHTS = (
    (Application.Status.DRAFT, 30),
    (Application.Status.SUBMITTED, 25),
    (Application.Status.IN_REVIEW, 20),
    (Application.Status.OFFERED, 10),
    (Application.Status.ENROLLED, 10),
    (Application.Status.CLOSED, 5),
)


@dataclass(frozen=True)
class SeedResult:
    users_created: int
    applications_created: int


def _demo_user(username: str, first: str, last: str, role: str, flags: dict[str, bool]) -> bool:
    User = get_user_model()
    if User.objects.filter(username=username).exists():
        return False
    user = User(username=username, first_name=first, last_name=last, **flags)
    user.email = f"{username}@example.com"
    if settings.CREDITGENIE_DEV_LOGIN:
        user.set_password(DEMO_PASSWORD)
    else:
        user.set_unusable_password()
    user.save()
    if role == Role.CONSUMER:  # a consumer's name and e-mail live encrypted, not on the user
        consumer_profile_set(user=user, given_name=first, family_name=last, email=user.email)
        user.save()
    role_grant(user, role)
    return True


def _generated_consumers(rng: random.Random, count: int) -> list[object]:
    User = get_user_model()
    taken = set(
        User.objects.filter(username__startswith="demo-").values_list("username", flat=True)
    )
    users, profiles = [], []
    for n in range(1, count + 1):
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        username = f"demo-{n:06d}"
        if username in taken:
            continue
        user = User(username=username)
        user.set_unusable_password()
        email = f"{first}.{last}.{n}@example.com".lower()
        profiles.append(ConsumerProfile(user=user, given_name=first, family_name=last, email=email))
        users.append(user)
    created = User.objects.bulk_create(users, batch_size=2000)
    ConsumerProfile.objects.bulk_create(profiles, batch_size=2000)
    for user, profile in zip(created, profiles, strict=True):
        user.consumer_profile = profile  # the intake seed reads the names from it
    return created


def _applications(rng: random.Random, consumers: list[object]) -> list[Application]:
    """One application a consumer, built but not saved: intake_demo_seed inserts them with
    their parts, their step flags and submit times already set (no UPDATE after)."""
    statuses = [s for s, _ in STATUS_WEIGHTS]
    weights = [w for _, w in STATUS_WEIGHTS]
    now = timezone.now()
    references = references_unused(len(consumers))
    return [
        Application(
            consumer=user,
            reference=reference,
            status=rng.choices(statuses, weights)[0],
            language="es" if rng.random() < 0.3 else "en",
            created_at=now - timedelta(minutes=rng.randrange(90 * 24 * 60)),
        )
        for user, reference in zip(consumers, references, strict=True)
    ]


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector off while the seed runs: reference counting frees
    each batch's rows once written, and the collector's passes over the hundreds of
    thousands of live rows were a fifth of a large seed's time. On again after, whatever
    happens; the cycles (a user and its profile, an application and its household) are
    collected then."""
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()


@_collector_paused()
@transaction.atomic
def demo_seed(*, count: int, seed: int) -> SeedResult:
    """Demo staff and consumers with applications and their parts (intake.demo.seed);
    re-running adds nothing twice.

    Side effects: inserts users, applications and their parts that do not exist yet.
    """
    rng = random.Random(seed)  # noqa: S311  (reproducible demo data, not secrets)
    users = sum(_demo_user(*row) for row in STAFF_USERS)
    consumers = _generated_consumers(rng, count)
    applications = _applications(rng, consumers)
    intake_demo_seed(rng, applications)
    counselor_demo_seed()
    return SeedResult(users + len(consumers), len(applications))
