"""Real processes for tests: PostgreSQL databases, gunicorn servers, manage.py runs.

Each server runs one deployment with exactly the environment a real one gets,
nothing inherited from the test process's Django settings.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

import psycopg
import requests
from psycopg import sql

BASE_DIR = Path(__file__).resolve().parent.parent
PG_SERVER = "postgres://postgres@127.0.0.1:5432"
_OWN_PREFIXES = ("CREDITGENIE_", "DATABASE_", "CELERY_", "SECRET_KEY", "DJANGO_", "AWS_")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def unique_name(prefix: str) -> str:
    return f"{prefix}_{uuid.uuid4().hex[:10]}"


def pg_admin() -> psycopg.Connection:
    return psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True, connect_timeout=5)


def pg_exists(name: str) -> bool:
    with pg_admin() as conn:
        return bool(conn.execute("SELECT 1 FROM pg_database WHERE datname=%s", [name]).fetchone())


def pg_drop(name: str) -> None:
    with pg_admin() as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )


def deployment_env(values: dict[str, str], tmp: Path) -> dict[str, str]:
    """A clean environment for a deployment process: the OS basics plus `values`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(_OWN_PREFIXES)}
    defaults = {
        "DJANGO_SETTINGS_MODULE": "creditgenie.settings",
        "DJANGO_DEBUG": "false",
        "CREDITGENIE_HTTPS": "false",
        "CREDITGENIE_LOCAL_RUN": "true",
        "CREDITGENIE_DEV_LOGIN": "true",
        "CREDITGENIE_VAR_DIR": str(tmp / "var"),
        "CREDITGENIE_AGENCY_ENV_DIR": str(tmp / "agencies"),
        # Overridable so that two test runs on one machine never share a broker.
        "CELERY_BROKER_URL": os.environ.get(
            "CREDITGENIE_TEST_BROKER_URL", "redis://127.0.0.1:6379/14"
        ),
        "LOG_LEVEL": "WARNING",
        "WHITENOISE_USE_FINDERS": "true",
        # Point at an empty file so a developer's .env never leaks into the process.
        "CREDITGENIE_ENV_FILE": str(_empty_env_file(tmp)),
    }
    return env | defaults | values


def _empty_env_file(tmp: Path) -> Path:
    path = tmp / "empty.env"
    path.touch()
    return path


def manage(env: dict[str, str], *args: str, check: bool = True) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(BASE_DIR / "manage.py"), *args],
        env=env,
        cwd=BASE_DIR,
        capture_output=True,
        text=True,
        timeout=300,
        check=check,
    )


@contextmanager
def server(env: dict[str, str], *, workers: int = 1, threads: int = 2) -> Iterator[str]:
    """A gunicorn process serving the deployment `env` describes; yields its base URL.

    Its log goes to a file, not a pipe nobody reads: a long journey's log would fill the
    pipe and block the server on its next write."""
    port = free_port()
    log = tempfile.TemporaryFile("w+")  # noqa: SIM115 -- closed below
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "creditgenie.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--threads",
            str(threads),
            "--timeout",
            "30",
        ],
        env=env,
        cwd=BASE_DIR,
        stdout=subprocess.DEVNULL,
        stderr=log,
        text=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_for(url + "/healthz", proc, log)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=15)
        log.close()


def wait_for(
    url: str,
    proc: subprocess.Popen | None = None,
    log: IO[str] | None = None,
    timeout: float = 30.0,
) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            if log is not None:
                log.seek(0)
            stream = log or proc.stderr
            detail = stream.read()[-2000:] if stream else f"exit {proc.returncode}"
            raise RuntimeError(f"server exited early: {detail}")
        try:
            if requests.get(url, timeout=2).status_code < 500:
                return
        except (requests.ConnectionError, requests.Timeout):
            pass
        time.sleep(0.2)
    raise TimeoutError(f"{url} did not answer within {timeout}s")


def sign_in(session: requests.Session, base: str, username: str, password: str) -> None:
    """Signs in through the login form, like a browser (CSRF cookie and token)."""
    page = session.get(f"{base}/accounts/login/", timeout=10)
    token = page.text.split('name="csrfmiddlewaretoken" value="', 1)[1].split('"', 1)[0]
    response = session.post(
        f"{base}/accounts/login/",
        data={"username": username, "password": password, "csrfmiddlewaretoken": token},
        headers={"Referer": f"{base}/accounts/login/"},
        timeout=10,
        allow_redirects=False,
    )
    assert response.status_code == 302, f"sign-in failed: {response.status_code}"


def csrf_post(session: requests.Session, url: str, cookie_name: str) -> requests.Response:
    token = session.cookies[cookie_name]
    return session.post(
        url,
        data={"csrfmiddlewaretoken": token},
        headers={"Referer": url},
        timeout=10,
        allow_redirects=False,
    )
