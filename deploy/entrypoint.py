"""The container's entry point: one image, a role chosen by the command.

    web        gunicorn with creditgenie.gunicorn_conf (the default command)
    worker     a Celery worker on this agency's queue (CELERY_QUEUE)
    beat       the one Celery beat of the deployment
    migrate    the database migrations, run as a one-off task before a release takes traffic
    manage …   any other management command (e.g. ``manage benchmarks_refresh``)

On ECS the database password arrives from Secrets Manager as DATABASE_PASSWORD beside
DATABASE_HOST, DATABASE_PORT, DATABASE_NAME and DATABASE_USER; DATABASE_URL is composed
from them here (the password URL-quoted), unless DATABASE_URL is already set.
"""

from __future__ import annotations

import os
import sys
from urllib.parse import quote

COMMANDS = {
    "web": ["gunicorn", "-c", "python:creditgenie.gunicorn_conf", "creditgenie.wsgi"],
    "worker": [
        "celery",
        "-A",
        "creditgenie",
        "worker",
        "--loglevel=INFO",
        "--concurrency={concurrency}",
        "-Q",
        "{queue}",
    ],
    "beat": [
        "celery",
        "-A",
        "creditgenie",
        "beat",
        "--loglevel=INFO",
        "--schedule=/app/var/run/celerybeat-schedule",
    ],
    "migrate": ["python", "manage.py", "migrate", "--noinput"],
    "manage": ["python", "manage.py"],
}


def database_url(environ: dict[str, str]) -> str | None:
    """DATABASE_URL from its parts, or None when there are none to compose."""
    if environ.get("DATABASE_URL") or not environ.get("DATABASE_HOST"):
        return None
    user = quote(environ["DATABASE_USER"], safe="")
    password = quote(environ["DATABASE_PASSWORD"], safe="")
    host, port = environ["DATABASE_HOST"], environ.get("DATABASE_PORT", "5432")
    name = quote(environ.get("DATABASE_NAME", "creditgenie"), safe="")
    return f"postgres://{user}:{password}@{host}:{port}/{name}"


def command(argv: list[str], environ: dict[str, str]) -> list[str]:
    """The program to run for `argv` (the container's command)."""
    role, rest = (argv[0], argv[1:]) if argv else ("web", [])
    if role not in COMMANDS:
        raise SystemExit(f"unknown command {role!r}: use one of {', '.join(COMMANDS)}")
    values = {
        "queue": environ.get("CELERY_QUEUE")
        or f"{environ.get('CREDITGENIE_TENANT', 'local')}-default",
        "concurrency": environ.get("CELERY_CONCURRENCY", "2"),
    }
    return [part.format(**values) for part in COMMANDS[role]] + rest


def main() -> None:
    url = database_url(dict(os.environ))
    if url:
        os.environ["DATABASE_URL"] = url
    program = command(sys.argv[1:], dict(os.environ))
    os.chdir("/app")
    os.execvp(program[0], program)  # noqa: S606  (the container's one process)


if __name__ == "__main__":
    main()
