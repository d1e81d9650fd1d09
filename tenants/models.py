"""What makes an agency an isolated tenant, and the front door's registry.

Agency deployments use DeploymentStamp and AgencyProfile. The front door uses the
registry (Agency, ReferralCode, Territory, RoutingCount), which holds no consumer
data: routing counts are anonymous tallies per agency, day and method.
"""

from __future__ import annotations

from zoneinfo import available_timezones

from django.core.validators import FileExtensionValidator, RegexValidator
from django.db import models

from .us_states import STATE_CHOICES

SLUG_VALIDATOR = RegexValidator(
    r"^[a-z][a-z0-9-]{1,38}[a-z0-9]$",
    "Use 3-40 lowercase letters, digits or hyphens, starting with a letter.",
)
COLOUR_VALIDATOR = RegexValidator(r"^#[0-9a-fA-F]{6}$", "Use a colour like #1a4480.")
ZIP_PREFIX_VALIDATOR = RegexValidator(r"^\d{1,5}$", "Use 1 to 5 digits of a ZIP code.")
LANGUAGE_CHOICES = [("en", "English"), ("es", "Español")]
TIMEZONE_CHOICES = sorted(
    (name, name) for name in available_timezones() if name.startswith(("America/", "Pacific/"))
)


class DeploymentStamp(models.Model):
    """The slug of the agency a database belongs to, written once at provisioning.

    The table is created by a migration and left unmanaged, so test-database flushes
    never clear it. A deployment whose CREDITGENIE_TENANT differs refuses to serve.
    """

    slug = models.CharField(max_length=40)
    role = models.CharField(max_length=20)
    stamped_at = models.DateTimeField()

    class Meta:
        managed = False
        db_table = "creditgenie_deployment_stamp"

    def __str__(self) -> str:
        return f"{self.role}:{self.slug}"


class AgencyProfile(models.Model):
    """The agency this deployment serves; exactly one row, edited in the admin."""

    singleton = models.PositiveSmallIntegerField(default=1, unique=True, editable=False)
    name = models.CharField(max_length=120)
    short_name = models.CharField(max_length=40)
    logo = models.FileField(
        upload_to="brand/",
        blank=True,
        validators=[FileExtensionValidator(["png", "jpg", "jpeg", "webp"])],
        help_text="PNG, JPEG or WebP, shown in the page header.",
    )
    brand_colour = models.CharField(max_length=7, default="#1a4480", validators=[COLOUR_VALIDATOR])
    states_served = models.JSONField(default=list, blank=True)
    phone = models.CharField(max_length=20, blank=True)
    email = models.EmailField(blank=True)
    timezone = models.CharField(max_length=40, choices=TIMEZONE_CHOICES, default="America/New_York")
    languages = models.JSONField(default=list)
    # Filled by the fee work (counselor/engine/fees.py): {"setup_fee": "50.00", "monthly_fee": ...}.
    fee_schedule = models.JSONField(default=dict, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=models.Q(singleton=1), name="agency_profile_singleton")
        ]

    def __str__(self) -> str:
        return self.name


class Agency(models.Model):
    """An agency deployment known to the front door."""

    slug = models.CharField(max_length=40, unique=True, validators=[SLUG_VALIDATOR])
    display_name = models.CharField(max_length=120)
    public_url = models.URLField(help_text="Base URL of the agency's deployment.")
    active = models.BooleanField(default=True, help_text="Inactive agencies get no consumers.")
    priority = models.PositiveSmallIntegerField(
        default=100, help_text="Lower wins when several agencies serve the same territory."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name_plural = "agencies"
        ordering = ["display_name"]

    def __str__(self) -> str:
        return self.display_name


class ReferralCode(models.Model):
    """A code printed on a flyer or given by a partner: /r/<code> goes to its agency."""

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="referral_codes")
    code = models.CharField(
        max_length=40,
        unique=True,
        validators=[RegexValidator(r"^[a-z0-9-]{2,40}$", "Lowercase letters, digits, hyphens.")],
    )
    active = models.BooleanField(default=True)

    def __str__(self) -> str:
        return self.code


class Territory(models.Model):
    """A state, or a ZIP prefix within a state, that an agency serves."""

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="territories")
    state = models.CharField(max_length=2, choices=STATE_CHOICES)
    zip_prefix = models.CharField(
        max_length=5,
        blank=True,
        validators=[ZIP_PREFIX_VALIDATOR],
        help_text="Leave blank to serve the whole state.",
    )

    class Meta:
        verbose_name_plural = "territories"
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "state", "zip_prefix"], name="territory_unique_per_agency"
            )
        ]
        indexes = [models.Index(fields=["state", "zip_prefix"])]

    def __str__(self) -> str:
        return f"{self.state} {self.zip_prefix}".strip()


class RoutingCount(models.Model):
    """Anonymous tally of consumers routed, per agency, day and method."""

    class Method(models.TextChoices):
        REFERRAL = "referral", "Referral code"
        ZIP = "zip", "ZIP prefix"
        STATE = "state", "State"
        CHOOSER = "chooser", "Chosen from the list"
        UNMATCHED = "unmatched", "No agency matched"

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, null=True, blank=True)
    day = models.DateField()
    method = models.CharField(max_length=12, choices=Method.choices)
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "day", "method"], name="routing_count_unique"
            ),
            models.UniqueConstraint(
                fields=["day", "method"],
                condition=models.Q(agency__isnull=True),
                name="routing_count_unique_unmatched",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.method}: {self.count}"


class BenchmarkRun(models.Model):
    """One computation of the front door's cross-agency benchmarks (tenants.benchmarks), as
    the scheduled task stored it; the page shows the latest. Holds only suppressed,
    de-identified aggregates."""

    class Engine(models.TextChoices):
        DUCKDB = "duckdb", "DuckDB over the warehouse files"
        ATHENA = "athena", "Athena over the Glue table"

    computed_at = models.DateTimeField(auto_now_add=True, db_index=True)
    engine = models.CharField(max_length=16, choices=Engine.choices)
    files = models.PositiveIntegerField()
    result = models.JSONField()

    class Meta:
        verbose_name = "benchmarks computation"

    def __str__(self) -> str:
        return f"benchmarks computed {self.computed_at:%Y-%m-%d %H:%M} ({self.engine})"
