"""The embedded SQLite default under load: concurrent writers wait their turn, never fail.

Every counselor queue view appends to the audit chain, so 32 simultaneous views are 32
simultaneous writers on one SQLite file, from several gunicorn processes and threads.
"""

from __future__ import annotations

import sqlite3
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests

from counselor.demo.agency import DEMO_PASSWORD
from tenants.provisioning import database_ensure
from tests.processes import deployment_env, manage, server, sign_in

pytestmark = pytest.mark.processes

CONCURRENT_VIEWS = 32


@pytest.fixture(scope="module")
def sqlite_agency(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, str], Path]:
    tmp = tmp_path_factory.mktemp("sqlite")
    database = tmp / "acme.sqlite3"
    assert database_ensure(f"sqlite:///{database}")  # as provisioning creates it
    env = deployment_env(
        {
            "CREDITGENIE_TENANT": "acme",
            "SECRET_KEY": "sqlite-test-secret-key-0123456789abcdefghijklmnopq",
            "DATABASE_URL": f"sqlite:///{database}",
            "CREDITGENIE_BLIND_INDEX_KEY": "5a" * 32,
            "ALLOWED_HOSTS": "127.0.0.1",
        },
        tmp,
    )
    for command in (["migrate", "--noinput"], ["init_deployment"], ["create_key_file"]):
        manage(env, *command)
    manage(env, "seed_demo", "--count", "4")
    return env, database


def _audit_rows(database: Path) -> int:
    with sqlite3.connect(database) as conn:
        return conn.execute("SELECT count(*) FROM audit_auditevent").fetchone()[0]


def test_provisioned_sqlite_files_are_owner_only(sqlite_agency):
    _, database = sqlite_agency
    with sqlite3.connect(database) as conn:  # an open connection keeps the -wal file
        conn.execute("SELECT count(*) FROM audit_auditevent").fetchone()
        modes = {p.name: oct(p.stat().st_mode & 0o777) for p in database.parent.glob("acme*")}

    assert modes == {
        name: "0o600" for name in ("acme.sqlite3", "acme.sqlite3-wal", "acme.sqlite3-shm")
    }
    assert database_ensure(f"sqlite:///{database}") is False  # never recreated


def test_sqlite_connections_use_wal_and_wait_for_the_write_lock(sqlite_agency):
    env, database = sqlite_agency
    shown = manage(
        env,
        "shell",
        "-c",
        "from django.db import connection as c; cur = c.cursor();"
        "print([cur.execute(f'PRAGMA {p}').fetchone()[0]"
        " for p in ('journal_mode', 'busy_timeout', 'synchronous')])",
    )

    assert shown.stdout.splitlines()[-1] == "['wal', 20000, 1]"  # 1 is NORMAL
    with sqlite3.connect(database) as conn:  # the file itself stays in WAL mode
        assert conn.execute("PRAGMA journal_mode").fetchone() == ("wal",)


def test_32_concurrent_audited_page_views_all_succeed(sqlite_agency):
    env, database = sqlite_agency
    with server(env, workers=2, threads=8) as base:
        session = requests.Session()
        session.mount(base, requests.adapters.HTTPAdapter(pool_maxsize=CONCURRENT_VIEWS))
        sign_in(session, base, "counselor", DEMO_PASSWORD)
        assert session.get(f"{base}/counselor/", timeout=30).status_code == 200
        before = _audit_rows(database)

        def view(_: int) -> int:
            return session.get(f"{base}/counselor/", timeout=60).status_code

        with ThreadPoolExecutor(CONCURRENT_VIEWS) as pool:
            statuses = list(pool.map(view, range(CONCURRENT_VIEWS)))

    assert statuses == [200] * CONCURRENT_VIEWS
    assert _audit_rows(database) == before + CONCURRENT_VIEWS
