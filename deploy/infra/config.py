"""The deployment config (deploy/agencies.toml), read and checked before any construct."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

CONFIG_FILE = Path(__file__).resolve().parent.parent / "agencies.toml"
_ACCOUNT = re.compile(r"^\d{12}$")
_SLUG = re.compile(r"^[a-z][a-z0-9-]{1,38}[a-z0-9]$")
_STATE = re.compile(r"^[A-Z]{2}$")


class ConfigError(ValueError):
    """The config file says something the infrastructure cannot be built from."""


@dataclass(frozen=True)
class Agency:
    slug: str
    name: str
    account: str
    region: str
    domain: str
    states: tuple[str, ...]
    wave: str  # "development", "preproduction" or "wave-<n>"


@dataclass(frozen=True)
class Platform:
    domain: str
    frontdoor_domain: str
    region: str
    repository: str
    branch: str
    connection_arn: str
    alarm_email: str
    pipeline_account: str
    platform_account: str
    dns_account: str


@dataclass(frozen=True)
class Config:
    platform: Platform
    stages: tuple[Agency, ...]  # development, pre-production
    agencies: tuple[Agency, ...]

    @property
    def everyone(self) -> tuple[Agency, ...]:
        return self.stages + self.agencies

    def waves(self) -> list[tuple[str, list[Agency]]]:
        """The release order: each stage alone, then the agencies wave by wave."""
        waves = [(stage.wave, [stage]) for stage in self.stages]
        numbers = sorted({int(a.wave.removeprefix("wave-")) for a in self.agencies})
        for number in numbers:
            name = f"wave-{number}"
            waves.append((name, [a for a in self.agencies if a.wave == name]))
        return waves


def _agency(entry: dict, wave: str, name_key: str = "name") -> Agency:
    slug = entry.get("slug", "")
    if not _SLUG.match(slug):
        raise ConfigError(f"agency slug {slug!r} must be 3-40 lowercase letters, digits or -")
    if not _ACCOUNT.match(str(entry.get("account", ""))):
        raise ConfigError(f"{slug}: account must be a 12-digit AWS account id")
    states = tuple(entry.get("states", ()))
    if not states or not all(_STATE.match(s) for s in states):
        raise ConfigError(f"{slug}: states must be two-letter codes")
    return Agency(
        slug=slug,
        name=entry[name_key],
        account=str(entry["account"]),
        region=entry["region"],
        domain=entry["domain"],
        states=states,
        wave=wave,
    )


def config_load(path: Path = CONFIG_FILE) -> Config:
    raw = tomllib.loads(path.read_text())
    p, accounts = raw["platform"], raw["accounts"]
    for role in ("pipeline", "platform", "dns"):
        if not _ACCOUNT.match(str(accounts.get(role, ""))):
            raise ConfigError(f"accounts.{role} must be a 12-digit AWS account id")
    platform = Platform(
        domain=p["domain"],
        frontdoor_domain=p["frontdoor_domain"],
        region=p["region"],
        repository=p["repository"],
        branch=p["branch"],
        connection_arn=p["connection_arn"],
        alarm_email=p["alarm_email"],
        pipeline_account=str(accounts["pipeline"]),
        platform_account=str(accounts["platform"]),
        dns_account=str(accounts["dns"]),
    )
    stages = tuple(_agency(s, s["name"], "agency_name") for s in raw.get("stages", ()))
    agencies = tuple(_agency(a, f"wave-{int(a['wave'])}") for a in raw.get("agencies", ()))
    everyone = stages + agencies
    slugs = [a.slug for a in everyone]
    if len(set(slugs)) != len(slugs):
        raise ConfigError("agency slugs must be unique")
    accounts_used = [a.account for a in everyone]
    shared = set(accounts_used) & {platform.platform_account, platform.dns_account}
    if len(set(accounts_used)) != len(accounts_used) or shared:
        raise ConfigError("every agency needs its own AWS account (single tenant)")
    for agency in everyone:
        if not agency.domain.endswith(f".{platform.domain}"):
            raise ConfigError(f"{agency.slug}: domain must be under {platform.domain}")
    return Config(platform, stages, agencies)
