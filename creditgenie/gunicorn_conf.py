"""gunicorn settings of every deployment: ``gunicorn -c python:creditgenie.gunicorn_conf
creditgenie.wsgi`` (the container's web command, and the local platform's web processes).

Every number comes from the environment with a default sized for the container
(docs/operations.md, "Web processes"):

| variable | default | what |
|---|---|---|
| GUNICORN_BIND | 0.0.0.0:8000 | where to listen (the load balancer's target port) |
| GUNICORN_WORKERS | CPUs + 1 | processes; CPUs read from the container's CPU quota |
| GUNICORN_THREADS | 4 | threads per process (gthread), so one slow view holds one thread |
| GUNICORN_MAX_REQUESTS | 1000 | a worker is replaced after this many requests (0: never) |
| GUNICORN_MAX_REQUESTS_JITTER | 100 | up to this many more, so workers do not restart together |
| GUNICORN_TIMEOUT | 60 | seconds a request may take before its worker is killed |
| GUNICORN_GRACEFUL_TIMEOUT | 30 | seconds to finish requests in flight after SIGTERM |
| GUNICORN_KEEPALIVE | 75 | seconds to keep an idle connection: above the ALB's 60 s |
| GUNICORN_WORKER_TMP_DIR | (system temp) | the workers' heartbeat files; the image says /dev/shm |

gunicorn's own lines (its error log and the access log) go through the app's JSON
formatter, so they are masked like every other line. The access line leaves out the
query string and the referrer, where personal data typed into a form could travel.
"""

from __future__ import annotations

import math
import os
from pathlib import Path

CGROUP_CPU_MAX = Path("/sys/fs/cgroup/cpu.max")


def cpu_count(cpu_max: Path = CGROUP_CPU_MAX) -> int:
    """The CPUs this process may use: the cgroup v2 quota inside a container (Fargate gives
    the host's count to os.cpu_count()), else the CPUs it is allowed to run on."""
    try:
        quota, period = cpu_max.read_text().split()[:2]
        if quota != "max":
            return max(1, math.ceil(int(quota) / int(period)))
    except (OSError, ValueError):
        pass
    return len(os.sched_getaffinity(0))


def _int(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        return int(raw)
    except ValueError:
        raise SystemExit(f"{name}={raw!r} is not a whole number") from None


# All interfaces inside the container: only the load balancer reaches its port.
bind = os.environ.get("GUNICORN_BIND", "").strip() or "0.0.0.0:8000"
workers = _int("GUNICORN_WORKERS", cpu_count() + 1)
threads = _int("GUNICORN_THREADS", 4)
worker_class = "gthread"
max_requests = _int("GUNICORN_MAX_REQUESTS", 1000)
max_requests_jitter = _int("GUNICORN_MAX_REQUESTS_JITTER", 100)
timeout = _int("GUNICORN_TIMEOUT", 60)
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)
keepalive = _int("GUNICORN_KEEPALIVE", 75)
# The workers' heartbeat files: the image sets /dev/shm, since a container's disk can stall
# a worker into a false timeout.
worker_tmp_dir = os.environ.get("GUNICORN_WORKER_TMP_DIR", "").strip() or None
# The load balancer's X-Forwarded-* are read by Django (CREDITGENIE_TRUSTED_PROXY_COUNT).
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")

accesslog = "-"
# Client, method, path without the query string, status, bytes, milliseconds, request id.
access_log_format = '%(h)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(M)sms %({x-request-id}o)s'

_HANDLER = {
    "class": "logging.StreamHandler",
    "formatter": "json",
    "filters": ["request_id"],
    "stream": "ext://sys.stdout",
}
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "creditgenie.logging.RequestIdFilter"}},
    "formatters": {"json": {"()": "creditgenie.logging.JsonFormatter"}},
    "handlers": {"json": _HANDLER},
    "root": {"level": "INFO", "handlers": ["json"]},
    "loggers": {
        "gunicorn.error": {"level": "INFO", "handlers": ["json"], "propagate": False},
        "gunicorn.access": {"level": "INFO", "handlers": ["json"], "propagate": False},
    },
}
