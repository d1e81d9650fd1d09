"""The local platform's queue page under load: 16 concurrent connections for N seconds.

Provisions one agency on SQLite as the local platform does (a fresh database file, the
local key file, `seed_demo`), starts its web process with the local platform's own command
(creditgenie/local_platform.py `web_command`: gunicorn with creditgenie/gunicorn_conf.py,
two workers), signs the demo counselor in on every connection, then each connection asks
for the counselor queue (an audited page: every view writes the audit chain) as fast as
it is answered. Prints requests, errors (any answer but 200, or no answer) and the
latency p50/p99. Everything it made is removed at the end.

Run: .venv/bin/python bench/bench_local_load.py [--seconds 20] [--connections 16]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

from creditgenie.local_platform import web_command  # noqa: E402
from tests.processes import deployment_env, free_port, manage, sign_in, wait_for  # noqa: E402

DEMO = "counselor.demo.agency"  # the demo counselor's published password


def _agency(tmp: Path, cases: int) -> dict[str, str]:
    database = tmp / "acme.sqlite3"
    database.touch(mode=0o600)  # as provisioning creates it (tenants/provisioning.py)
    env = deployment_env(
        {
            "CREDITGENIE_TENANT": "acme",
            "SECRET_KEY": "local-load-secret-key-0123456789abcdefghijklmnopq",
            "DATABASE_URL": f"sqlite:///{database}",
            "CREDITGENIE_BLIND_INDEX_KEY": "5a" * 32,
            "ALLOWED_HOSTS": "127.0.0.1",
            "LOG_LEVEL": "WARNING",
            # Sixteen counselors sign in from one address at the start: above the default
            # ten sign-ins a minute an address may make (the load is on the queue page).
            "RATE_LIMIT_SIGN_IN": "100/m",
        },
        tmp,
    )
    for command in (["migrate", "--noinput"], ["init_deployment"], ["create_key_file"]):
        manage(env, *command)
    manage(env, "seed_demo", "--count", str(cases))
    return env


def _load(base: str, password: str, connections: int, seconds: float) -> tuple[list[float], int]:
    sessions = []
    for _ in range(connections):
        session = requests.Session()
        sign_in(session, base, "counselor", password)
        sessions.append(session)
    times: list[float] = []
    errors = 0
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def connection(session: requests.Session) -> None:
        nonlocal errors
        while time.monotonic() < stop:
            began = time.perf_counter()
            try:
                ok = session.get(f"{base}/counselor/", timeout=60).status_code == 200
            except requests.RequestException:
                ok = False
            elapsed = (time.perf_counter() - began) * 1000
            with lock:
                times.append(elapsed)
                errors += not ok

    with ThreadPoolExecutor(connections) as pool:
        list(pool.map(connection, sessions))
    return times, errors


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--cases", type=int, default=1000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="cg-load-") as folder:
        env = _agency(Path(folder), args.cases)
        shown = manage(env, "shell", "-c", f"from {DEMO} import DEMO_PASSWORD as p; print(p)")
        password = shown.stdout.split()[-1]
        port = free_port()
        command = web_command(sys.executable, port).split()
        log = (Path(folder) / "web.log").open("w")  # the access log: one line a request
        web = subprocess.Popen(command, env=env, cwd=BASE_DIR, stdout=log, stderr=log)
        try:
            base = f"http://127.0.0.1:{port}"
            wait_for(f"{base}/healthz", web, timeout=60)
            times, errors = _load(base, password, args.connections, args.seconds)
        finally:
            web.terminate()
            web.wait(timeout=60)
            log.close()
    times.sort()
    p99 = times[min(len(times) - 1, round(0.99 * (len(times) - 1)))]
    print(f"web process: {' '.join(command[1:])}")
    print(
        f"{args.connections} connections x {args.seconds:.0f} s on the queue page "
        f"(SQLite, {args.cases:,} cases): {len(times)} requests, {errors} errors, "
        f"{len(times) / args.seconds:.1f} req/s, p50 {statistics.median(times):.0f} ms, "
        f"p99 {p99:.0f} ms"
    )


if __name__ == "__main__":
    main()
