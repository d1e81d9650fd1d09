"""The intake wizard under a concurrent load of consumers: render (GET) and save (POST) time
of each step at p50/p95, against /healthz measured in the same run.

Provisions a throwaway agency on PostgreSQL (as tests/platform.py does), creates the
consumers with the password form (CREDITGENIE_DEV_LOGIN=true), starts a real gunicorn on
loopback and drives it with one thread per consumer (requests, cookies and CSRF like a
browser). Each consumer signs in, starts a draft and goes through the steps once to warm
up; then all go through them `--rounds` times at once, measured, while a separate thread
polls /healthz. Everything it created is dropped at the end.

Needs PostgreSQL on 127.0.0.1:5432 (user postgres, trust) and Redis on 127.0.0.1:6379.
Run: .venv/bin/python bench/bench_intake.py [--consumers 16] [--rounds 3] [--workers 4]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import requests

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

from tests.processes import (  # noqa: E402
    PG_SERVER,
    deployment_env,
    free_port,
    manage,
    pg_admin,
    pg_drop,
    sign_in,
    unique_name,
    wait_for,
)

PASSWORD = "bench-consumer-password-2026"  # noqa: S105  (a throwaway local account)
COOKIE = "cg_bench_csrftoken"
ROWS = {"rows-TOTAL_FORMS": "1", "rows-INITIAL_FORMS": "0"}
STEPS: tuple[tuple[str, dict[str, str]], ...] = (
    (
        "about-you",
        {
            "first_name": "Ana",
            "last_name": "Lopez",
            "birth_date": "04/28/1986",
            "ssn": "123-45-6789",
            "street": "1 Peach St",
            "city": "Atlanta",
            "state": "GA",
            "zip_code": "30301",
            "phone": "404-555-0123",
            "email": "ana@example.com",
            "household_size": "3",
            "dependents": "1",
            "employment_status": "full_time",
            "preferred_language": "en",
        },
    ),
    ("consents", {"privacy": "on", "esign": "on", "credit_pull": "on"}),
    (
        "income",
        ROWS
        | {
            "rows-0-kind": "wages",
            "rows-0-gross": "$4,000",
            "rows-0-net": "3200",
            "rows-0-frequency": "monthly",
        },
    ),
    ("expenses", {"rent": "1,200", "groceries": "520", "electric": "$130", "phone": "90"}),
    (
        "debts",
        ROWS
        | {
            "rows-0-creditor": "Chase",
            "rows-0-kind": "credit_card",
            "rows-0-balance": "$8,500",
            "rows-0-apr": "24.99%",
            "rows-0-minimum_payment": "255",
        },
    ),
    ("bank", {"skip": "on"}),
    ("documents", {"done": "on"}),
    ("review", {}),
)
CREATE_USERS = """
from django.contrib.auth import get_user_model
from tenants.roles import Role, role_grant
User = get_user_model()
for n in range({count}):
    user = User.objects.create_user(username=f"bench-{{n:04d}}", password="{password}")
    role_grant(user, Role.CONSUMER)
"""


def env_file_read(path: Path) -> dict[str, str]:
    """KEY='value' lines, as tenants.provisioning writes them (read without Django)."""
    pairs = (line.partition("=") for line in path.read_text().splitlines() if "=" in line)
    return {key.strip(): value.strip().strip("'") for key, _, value in pairs}


class Samples:
    """Thread-safe lists of durations (seconds) by name."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.by_name: dict[str, list[float]] = defaultdict(list)
        self.errors: list[str] = []

    def add(self, name: str, seconds: float) -> None:
        with self.lock:
            self.by_name[name].append(seconds)

    def error(self, text: str) -> None:
        with self.lock:
            self.errors.append(text)


def _ms(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(len(ordered) * fraction))] * 1000


def _line(name: str, samples: list[float]) -> str:
    return (
        f"{name:<22} p50 {statistics.median(samples) * 1000:7.1f} ms   "
        f"p95 {_ms(samples, 0.95):7.1f} ms   n={len(samples)}"
    )


@contextmanager
def _agency(tmp: Path, consumers: int, keep: bool = False) -> Iterator[dict[str, str]]:
    """A provisioned throwaway agency with `consumers` consumer accounts; its environment.
    With `keep` its databases outlive the run (and `tmp`, holding its key, must too)."""
    frontdoor, agency = unique_name("cgb_fd"), unique_name("cgb_intake")
    env = deployment_env(
        {
            "CREDITGENIE_ROLE": "frontdoor",
            "CREDITGENIE_TENANT": "frontdoor",
            "DATABASE_URL": f"{PG_SERVER}/{frontdoor}",
            "SECRET_KEY": "f" * 50,
        },
        tmp,
    )
    with pg_admin() as conn:
        conn.execute(f'CREATE DATABASE "{frontdoor}"')
    try:
        manage(env, "migrate", "--noinput")
        manage(env, "init_deployment")
        manage(
            env,
            "provision_agency",
            "bench",
            "--name",
            "Bench Credit Counseling",
            "--public-url",
            "https://bench.example.org",
            "--database-url",
            f"{PG_SERVER}/{agency}",
        )
        values = env_file_read(tmp / "agencies" / "bench.env")
        agency_env = deployment_env(
            values
            | {
                "ALLOWED_HOSTS": "127.0.0.1",
                "CREDITGENIE_HTTPS": "false",
                "CREDITGENIE_LOCAL_RUN": "true",
                "CREDITGENIE_DEV_LOGIN": "true",
                "RATE_LIMIT_SIGN_IN": "10000/m",
                "LOG_LEVEL": "ERROR",
            },
            tmp,
        )
        script = CREATE_USERS.format(count=consumers, password=PASSWORD)
        manage(agency_env, "shell", "-c", script)
        yield agency_env
    finally:
        if not keep:
            pg_drop(agency)
            pg_drop(frontdoor)


@contextmanager
def _gunicorn(env: dict[str, str], workers: int, threads: int, log: Path) -> Iterator[str]:
    """gunicorn on loopback; its output goes to `log` (a pipe nobody reads would fill up)."""
    port = free_port()
    with log.open("w") as out:
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
                "60",
            ],
            env=env,
            cwd=BASE_DIR,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        url = f"http://127.0.0.1:{port}"
        try:
            wait_for(url + "/healthz", proc, timeout=60)
            yield url
        finally:
            proc.terminate()
            proc.wait(timeout=30)


def _post(session: requests.Session, url: str, data: dict[str, str]) -> requests.Response:
    token = session.cookies[COOKIE]
    return session.post(
        url,
        data=data | {"csrfmiddlewaretoken": token, "continue": "1"},
        headers={"Referer": url},
        allow_redirects=False,
        timeout=30,
    )


def _round(session: requests.Session, base: str, application: str, samples: Samples | None):
    """Every step once: GET (render) and, but for review, POST (save)."""
    for slug, data in STEPS:
        url = f"{base}{application}/{slug}/"
        began = time.perf_counter()
        page = session.get(url, timeout=30)
        _record(samples, f"{slug} render", began, page.status_code, 200)
        if slug != "review":
            began = time.perf_counter()
            saved = _post(session, url, data)
            _record(samples, f"{slug} save", began, saved.status_code, 302)


def _record(samples: Samples | None, name: str, began: float, status: int, expected: int):
    if samples is None:  # the warm-up round
        return
    samples.add(name, time.perf_counter() - began)
    if status != expected:
        samples.error(f"{name}: {status}")


def _consumer(base: str, username: str, rounds: int, samples: Samples, ready: threading.Barrier):
    """Signs in, starts a draft, goes through one warm-up round, waits for the others, then
    goes through the measured rounds."""
    session = requests.Session()
    sign_in(session, base, username, PASSWORD)
    application = _post(session, f"{base}/apply/", {}).headers["Location"].rstrip("/")
    _round(session, base, application, None)
    ready.wait()
    for _ in range(rounds):
        _round(session, base, application, samples)


def _health(base: str, stop: threading.Event, samples: Samples) -> None:
    for _ in range(5):  # warm-up, like the consumers' first round
        requests.get(f"{base}/healthz", timeout=30)
    while not stop.is_set():
        began = time.perf_counter()
        answer = requests.get(f"{base}/healthz", timeout=30)
        _record(samples, "/healthz", began, answer.status_code, 200)
        time.sleep(0.05)


def _load(base: str, consumers: int, rounds: int) -> tuple[Samples, float]:
    samples, stop, ready = Samples(), threading.Event(), threading.Barrier(consumers + 1)
    health = threading.Thread(target=_health, args=(base, stop, samples))
    threads = [
        threading.Thread(target=_consumer, args=(base, f"bench-{n:04d}", rounds, samples, ready))
        for n in range(consumers)
    ]
    for thread in threads:
        thread.start()
    ready.wait(timeout=300)
    began = time.perf_counter()
    health.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - began
    stop.set()
    health.join()
    return samples, elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--consumers", type=int, default=16)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=4)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="cg-bench-intake-") as name:
        log = Path(name) / "gunicorn.log"
        with (
            _agency(Path(name), args.consumers) as env,
            _gunicorn(env, args.workers, args.threads, log) as base,
        ):
            samples, elapsed = _load(base, args.consumers, args.rounds)
    requests_made = sum(len(v) for k, v in samples.by_name.items() if k != "/healthz")
    print(
        f"{args.consumers} concurrent consumers x {args.rounds} rounds of 8 steps, gunicorn "
        f"{args.workers} workers x {args.threads} threads: {requests_made} wizard requests "
        f"in {elapsed:.1f} s ({requests_made / elapsed:.0f}/s)"
    )
    for slug, _data in STEPS:
        for kind in ("render", "save"):
            if f"{slug} {kind}" in samples.by_name:
                print(_line(f"{slug} {kind}", samples.by_name[f"{slug} {kind}"]))
    print(_line("/healthz (same run)", samples.by_name["/healthz"]))
    if samples.errors:
        print(f"{len(samples.errors)} unexpected answers, e.g. {samples.errors[:5]}")


if __name__ == "__main__":
    main()
