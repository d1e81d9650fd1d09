"""The local platform: front door + two demo agencies, under one process manager.

`python -m creditgenie.local_platform` (what bin/start runs) provisions, on first
run, the front door and two agencies with their own SQLite databases, ports,
broker folders and workers, seeds demo data, writes a Procfile and hands over to
honcho, which prefixes each process's log lines with its name. Re-running reuses
what exists (provisioning is idempotent).
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class DemoAgency:
    slug: str
    name: str
    offset: int
    codes: tuple[str, ...]
    states: tuple[str, ...]
    zip_prefixes: tuple[tuple[str, str], ...]


DEMO_AGENCIES = (
    DemoAgency(
        "acme", "Acme Credit Counseling", 1, ("acme-flyer",), ("GA", "FL"), (("TX", "750"),)
    ),
    DemoAgency("beacon", "Beacon Financial Counseling", 2, ("beacon-radio",), ("TX", "NY"), ()),
)
# The platform's processes get their settings from their env files, never from the shell.
_OWN_PREFIXES = ("CREDITGENIE_", "DATABASE_", "CELERY_", "SECRET_KEY", "DJANGO_", "AWS_", "OIDC_")
LOCAL_ONLY = {"DJANGO_DEBUG": "true", "CREDITGENIE_DEV_LOGIN": "true", "LOG_LEVEL": "INFO"}
# The local OpenID provider (integrations/oidc/devprovider) listens at port base + 9.
# The SMTP sink (notifications.sink) at port base + 25, writing to <var>/mail.
MAIL_SINK_PORT_OFFSET = 25
OIDC_PORT_OFFSET = 9
DEV_PROVIDER = BASE_DIR / "integrations" / "oidc" / "devprovider"


def _read_env(path: Path) -> dict[str, str]:
    values = {}
    for line in path.read_text().splitlines():
        if "=" in line and not line.startswith("#"):
            key, _, value = line.partition("=")
            values[key] = value.strip("'")
    return values


def _write_env(path: Path, values: dict[str, str]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(f"{k}='{v}'\n" for k, v in values.items()))
    path.chmod(0o600)


def _manage(env_file: Path, *args: str, var_dir: Path) -> None:
    env = (
        _clean_environ()
        | _read_env(env_file)
        | {
            "CREDITGENIE_ENV_FILE": str(env_file),
            "CREDITGENIE_VAR_DIR": str(var_dir),
            "CREDITGENIE_AGENCY_ENV_DIR": str(var_dir / "agencies"),
        }
    )
    subprocess.run([sys.executable, str(BASE_DIR / "manage.py"), *args], env=env, check=True)


def _clean_environ() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith(_OWN_PREFIXES)}


def warehouse_env(var_dir: Path) -> dict[str, str]:
    """One local warehouse folder for the whole platform: every agency ships its Parquet
    files there and the front door's /platform/benchmarks/ reads them (docs/analytics.md).
    The analytics key is the front door's key file (<var>/keys/analytics.key), made by its
    init_deployment and written into each agency's env file by provision_agency."""
    return {"CREDITGENIE_WAREHOUSE_URL": f"file://{var_dir / 'warehouse'}"}


def mail_sink_env(var_dir: Path, port_base: int) -> dict[str, str]:
    """Every agency mails to the one local SMTP sink and writes texts to its folder;
    staff read both at /notices/local-mail/ (docs/notifications.md)."""
    return {
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(port_base + MAIL_SINK_PORT_OFFSET),
        "CREDITGENIE_MAIL_SINK_DIR": str(var_dir / "mail"),
        "CREDITGENIE_SMS_BACKEND": "folder",
    }


def frontdoor_env(var_dir: Path, port: int) -> Path:
    path = var_dir / "frontdoor.env"
    existing = _read_env(path) if path.exists() else {}
    values = (
        {
            "CREDITGENIE_ROLE": "frontdoor",
            "CREDITGENIE_TENANT": "frontdoor",
            "DATABASE_URL": f"sqlite:///{var_dir / 'frontdoor.sqlite3'}",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "CREDITGENIE_HTTPS": "false",
            "CREDITGENIE_LOCAL_RUN": "true",
            "CREDITGENIE_PUBLIC_URL": f"http://127.0.0.1:{port}",
        }
        | existing
        | LOCAL_ONLY
        | warehouse_env(var_dir)
    )
    _write_env(path, values)
    return path


def oidc_client_env(values: dict[str, str], slug: str, port_base: int) -> dict[str, str]:
    """An agency's OIDC client settings; its secret is made once and kept."""
    return {
        "OIDC_ISSUER": f"http://127.0.0.1:{port_base + OIDC_PORT_OFFSET}",
        "OIDC_RP_CLIENT_ID": f"creditgenie-{slug}",
        "OIDC_RP_CLIENT_SECRET": values.get("OIDC_RP_CLIENT_SECRET") or secrets.token_urlsafe(32),
    }


def oidc_provider_files(var_dir: Path, agencies: list[tuple[str, Path, int]]) -> Path:
    """The dev provider's clients (one per agency) and its own copy of the demo users,
    which hosted sign-up extends. Returns the clients file."""
    folder = var_dir / "oidc"
    folder.mkdir(parents=True, exist_ok=True)
    users = folder / "users.json"
    if not users.exists():
        users.write_text((DEV_PROVIDER / "users.json").read_text())
    clients = []
    for slug, env_file, port in agencies:
        values = _read_env(env_file)
        url = f"http://127.0.0.1:{port}"
        clients.append(
            {
                "client_id": values["OIDC_RP_CLIENT_ID"],
                "client_secret": values["OIDC_RP_CLIENT_SECRET"],
                "agency": slug,
                "redirect_uris": [f"{url}/oidc/callback/"],
                "post_logout_redirect_uris": [f"{url}/accounts/signed-out/"],
            }
        )
    path = folder / "clients.json"
    path.write_text(json.dumps(clients, indent=2))
    path.chmod(0o600)
    return path


def sandbox_env(port_base: int, agency_url: str) -> dict[str, str]:
    """An agency's vendor settings for the local sandboxes (docs/verification.md)."""
    return {
        "PLAID_HOST": f"http://127.0.0.1:{port_base + 7}",
        "PLAID_CLIENT_ID": "sandbox-client-id",
        "PLAID_SECRET": "sandbox-secret",
        "PLAID_WEBHOOK_URL": f"{agency_url}/integrations/plaid/webhook",
        # Link in the browser through the sandbox's stand-in for Plaid's script.
        "PLAID_LINK_SCRIPT_URL": (
            f"http://127.0.0.1:{port_base + 7}/link/v2/stable/link-initialize.js"
        ),
        "TRANSUNION_URL": f"http://127.0.0.1:{port_base + 8}",
    }


# The platform's operator on the front door (admin and /platform/benchmarks/), local runs
# only: deployments create their staff with `createsuperuser`.
FRONTDOOR_OPERATOR = """
from django.contrib.auth import get_user_model
from tenants.views.accounts import DEMO_PASSWORD
User = get_user_model()
if not User.objects.filter(username="operator").exists():
    User.objects.create_superuser("operator", "operator@example.org", DEMO_PASSWORD)
"""


def provision(var_dir: Path, port_base: int) -> list[tuple[str, Path, int]]:
    """Provisions the front door and the demo agencies; returns (name, env file, port)."""
    fd_env = frontdoor_env(var_dir, port_base)
    _manage(fd_env, "migrate", "--noinput", "-v0", var_dir=var_dir)
    _manage(fd_env, "init_deployment", var_dir=var_dir)
    _manage(fd_env, "shell", "-c", FRONTDOOR_OPERATOR, var_dir=var_dir)
    processes = [("frontdoor", fd_env, port_base)]
    for agency in DEMO_AGENCIES:
        port = port_base + agency.offset
        url = f"http://127.0.0.1:{port}"
        env_file = var_dir / "agencies" / f"{agency.slug}.env"
        if env_file.exists():  # provisioned before, maybe on other ports: move it
            _manage(fd_env, "agency_routes", agency.slug, f"--public-url={url}", var_dir=var_dir)
        _manage(
            fd_env,
            "provision_agency",
            agency.slug,
            "--name",
            agency.name,
            "--public-url",
            url,
            var_dir=var_dir,
        )
        routes = [f"--code={c}" for c in agency.codes] + [f"--state={s}" for s in agency.states]
        routes += [f"--zip-prefix={s}:{z}" for s, z in agency.zip_prefixes]
        _manage(fd_env, "agency_routes", agency.slug, *routes, var_dir=var_dir)
        here = {"CREDITGENIE_PUBLIC_URL": url, "CSRF_TRUSTED_ORIGINS": url}
        here |= warehouse_env(var_dir)
        here |= sandbox_env(port_base, url)
        here |= mail_sink_env(var_dir, port_base)
        values = _read_env(env_file) | LOCAL_ONLY | here
        _write_env(env_file, values | oidc_client_env(values, agency.slug, port_base))
        _manage(env_file, "seed_demo", var_dir=var_dir)
        processes.append((agency.slug, env_file, port))
    return processes


# Web processes per deployment on a laptop: two gunicorn workers of four threads each.
LOCAL_WEB_WORKERS = 2
BENCHMARKS_EVERY_SECONDS = 300


def web_command(python: str, port: int, *, reload: bool = False) -> str:
    """A deployment's web process: gunicorn with the production settings module
    (creditgenie/gunicorn_conf.py), bound to the loopback; --reload restarts the workers
    when a source file changes (development only)."""
    command = (
        f"{python} -m gunicorn -c python:creditgenie.gunicorn_conf "
        f"--bind 127.0.0.1:{port} --workers {LOCAL_WEB_WORKERS} creditgenie.wsgi"
    )
    return f"{command} --reload" if reload else command


def procfile(
    processes: list[tuple[str, Path, int]], var_dir: Path, *, reload: bool = False
) -> Path:
    """One web process per deployment and one worker (with beat) per agency, each with its own
    env, and the local OpenID provider."""
    with_env = BASE_DIR / "bin" / "with-env"
    python = sys.executable
    lines = []
    for name, env_file, port in processes:
        prefix = f"{with_env} {env_file} {var_dir}"
        lines.append(f"{name}: {prefix} {web_command(python, port, reload=reload)}")
        if name != "frontdoor":
            lines.append(
                # --beat: the agency's scheduled tasks (retention, rescans) run locally too.
                f"{name}-worker: {prefix} {python} -m celery -A creditgenie worker "
                f"--pool=solo --loglevel=INFO -Q {name}-default -n {name}@%h "
                f"--beat --schedule={var_dir / f'beat-{name}'}"
            )
    # The front door's benchmarks, computed on a schedule as in production (docs/deploy.md).
    fd_env = processes[0][1]
    lines.append(
        f"benchmarks: {with_env} {fd_env} {var_dir} {python} manage.py benchmarks_refresh "
        f"--every {BENCHMARKS_EVERY_SECONDS}"
    )
    agencies = [p for p in processes if p[0] != "frontdoor"]
    clients = oidc_provider_files(var_dir, agencies)
    port = processes[0][2] + OIDC_PORT_OFFSET
    lines.append(
        f"oidc: env OIDC_DEV_PORT={port} OIDC_DEV_CLIENTS={clients} "
        f"OIDC_DEV_USERS={var_dir / 'oidc' / 'users.json'} node {DEV_PROVIDER / 'server.mjs'}"
    )
    # The vendor sandboxes (docs/verification.md): Plaid at port base + 7, the bureau at + 8.
    base = processes[0][2]
    lines.append(f"plaid-sandbox: {python} -m integrations.sandbox.plaid --port {base + 7}")
    lines.append(f"bureau-sandbox: {python} -m integrations.sandbox.transunion --port {base + 8}")
    sink = f"--port {base + MAIL_SINK_PORT_OFFSET} --folder {var_dir / 'mail'}"
    lines.append(f"mail-sink: {python} -m notifications.sink {sink}")
    path = var_dir / "Procfile"
    path.write_text("\n".join(lines) + "\n")
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port-base", type=int, default=8000)
    parser.add_argument("--var-dir", type=Path, default=BASE_DIR / "var" / "platform")
    parser.add_argument(
        "--reload", action="store_true", help="restart web workers when the code changes"
    )
    args = parser.parse_args()
    var_dir = args.var_dir.resolve()
    processes = provision(var_dir, args.port_base)
    path = procfile(processes, var_dir, reload=args.reload)
    print("\nCredit Genie is starting:")
    for name, _, port in processes:
        print(f"  {name:<10} http://127.0.0.1:{port}/")
    print(f"  {'oidc':<10} http://127.0.0.1:{args.port_base + OIDC_PORT_OFFSET}/ (dev sign-in)")
    print("Sign in at an agency as consumer, counselor, supervisor, admin or support, and")
    print("at the front door's /platform/benchmarks/ as operator; the demo password is")
    print("genie-demo-2026. Admin: /admin/. Stop with Ctrl-C.\n")
    sys.stdout.flush()
    os.chdir(BASE_DIR)
    honcho = [sys.executable, "-m", "honcho", "-f", str(path), "-d", str(BASE_DIR), "start"]
    os.execve(sys.executable, honcho, _clean_environ())  # noqa: S606  (hand the terminal to honcho)


if __name__ == "__main__":
    main()
