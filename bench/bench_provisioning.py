"""Provisioning a new agency on PostgreSQL, end to end, as an operator runs it.

Creates a throwaway front door database, then runs `manage.py provision_agency`
for a few new agencies (CREATE DATABASE, migrations, stamp, profile, registry,
environment file) and once more for each (the idempotent re-run), and prints the
wall-clock figures. Everything it created is dropped at the end.

Needs PostgreSQL on 127.0.0.1:5432 (user postgres, trust).
Run: .venv/bin/python bench/bench_provisioning.py [--agencies 3]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import psycopg

BASE_DIR = Path(__file__).resolve().parent.parent
SERVER = "postgres://postgres@127.0.0.1:5432"
OWN = ("CREDITGENIE_", "DATABASE_", "CELERY_", "SECRET_KEY", "DJANGO_", "AWS_")


def _admin(statement: str) -> None:
    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as conn:
        conn.execute(statement)


def _manage(env: dict[str, str], *args: str) -> float:
    began = time.perf_counter()
    subprocess.run(
        [sys.executable, str(BASE_DIR / "manage.py"), *args],
        env=env,
        cwd=BASE_DIR,
        check=True,
        capture_output=True,
    )
    return time.perf_counter() - began


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--agencies", type=int, default=3)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="cg-bench-prov-"))
    (tmp / "empty.env").touch()
    run = uuid.uuid4().hex[:8]
    frontdoor = f"cgb_frontdoor_{run}"
    env = {k: v for k, v in os.environ.items() if not k.startswith(OWN)} | {
        "CREDITGENIE_ROLE": "frontdoor",
        "CREDITGENIE_TENANT": "frontdoor",
        "DATABASE_URL": f"{SERVER}/{frontdoor}",
        "SECRET_KEY": "b" * 50,
        "CREDITGENIE_ENV_FILE": str(tmp / "empty.env"),
        "CREDITGENIE_VAR_DIR": str(tmp),
        "CREDITGENIE_AGENCY_ENV_DIR": str(tmp / "agencies"),
        "LOG_LEVEL": "ERROR",
    }
    databases = [frontdoor] + [f"cgb_agency{n}_{run}" for n in range(args.agencies)]
    _admin(f'CREATE DATABASE "{frontdoor}"')
    try:
        _manage(env, "migrate", "--noinput")
        _manage(env, "init_deployment")
        fresh, again = [], []
        for n, name in enumerate(databases[1:]):
            argv = [
                "provision_agency",
                f"bench-{n}",
                "--name",
                f"Bench {n}",
                "--public-url",
                f"https://bench-{n}.example.org",
                "--database-url",
                f"{SERVER}/{name}",
            ]
            fresh.append(_manage(env, *argv))
            again.append(_manage(env, *argv))
        print(
            f"new agency (create db, migrate, stamp, register): median "
            f"{statistics.median(fresh):.2f} s  max {max(fresh):.2f} s  n={len(fresh)}"
        )
        print(
            f"idempotent re-run:                                 median "
            f"{statistics.median(again):.2f} s  max {max(again):.2f} s"
        )
    finally:
        for name in databases:
            _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


if __name__ == "__main__":
    main()
