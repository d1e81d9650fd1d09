"""Memory of the production processes after the intake benchmark: resident set size (RSS)
of each gunicorn web worker (run with creditgenie.gunicorn_conf, as the container does), of
a Celery worker and of beat. Target: under 150 MB per web worker.

It provisions the throwaway agency of bench_intake.py, serves it with gunicorn under the
production settings module, drives the intake wizard's load through it, then reads
/proc/<pid>/status of every process. Needs PostgreSQL and Redis as bench_intake.py does.
Run: .venv/bin/python bench/bench_memory.py [--consumers 8] [--rounds 2]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench_intake import BASE_DIR, _agency, _load

from tests.processes import free_port, wait_for


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        text = (task / "children").read_text().split()
        found += [int(child) for child in text]
    return found


def _start(env: dict[str, str], args: list[str], log: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", *args],
        env=env,
        cwd=BASE_DIR,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--consumers", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="cg-bench-memory-") as name:
        tmp = Path(name)
        with _agency(tmp, args.consumers) as env:
            port = free_port()
            web_env = env | {
                "GUNICORN_BIND": f"127.0.0.1:{port}",
                "GUNICORN_WORKERS": str(args.workers),
            }
            web = _start(
                web_env,
                ["gunicorn", "-c", "python:creditgenie.gunicorn_conf", "creditgenie.wsgi"],
                tmp / "web.log",
            )
            queue = f"{env.get('CREDITGENIE_TENANT', 'bench')}-default"
            worker = _start(
                env,
                [
                    "celery",
                    "-A",
                    "creditgenie",
                    "worker",
                    "--loglevel=WARNING",
                    "--concurrency=1",
                    "-Q",
                    queue,
                ],
                tmp / "worker.log",
            )
            beat = _start(
                env,
                [
                    "celery",
                    "-A",
                    "creditgenie",
                    "beat",
                    "--loglevel=WARNING",
                    f"--schedule={tmp / 'beat-schedule'}",
                ],
                tmp / "beat.log",
            )
            try:
                url = f"http://127.0.0.1:{port}"
                wait_for(url + "/healthz", web, timeout=60)
                samples, elapsed = _load(url, args.consumers, args.rounds)
                time.sleep(2)
                requests_made = sum(len(v) for v in samples.by_name.values())
                print(f"after the intake load ({requests_made} requests in {elapsed:.1f} s):")
                workers = children(web.pid)
                for pid in workers:
                    print(f"  web worker {pid}: {rss_mb(pid):.0f} MB RSS (target < 150 MB)")
                print(f"  gunicorn master: {rss_mb(web.pid):.0f} MB RSS")
                pool = children(worker.pid)
                print(
                    f"  celery worker: {rss_mb(worker.pid):.0f} MB RSS, "
                    f"its pool child {sum(rss_mb(p) for p in pool):.0f} MB"
                )
                print(f"  celery beat: {rss_mb(beat.pid):.0f} MB RSS")
            finally:
                for process in (web, worker, beat):
                    process.terminate()
                    process.wait(timeout=30)


if __name__ == "__main__":
    main()
