"""The container image's Dockerfile (hadolint, and what the image must and must not hold),
its entry point, and gunicorn's settings from the environment. No Docker engine is needed."""

from __future__ import annotations

import importlib
import os
import subprocess
import sys
from pathlib import Path

import pytest

from deploy import entrypoint

ROOT = Path(__file__).resolve().parents[2]
HADOLINT = Path(sys.executable).parent / "hadolint"


def _hadolint(path: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(HADOLINT), "--no-color", str(path)], capture_output=True, text=True, check=False
    )


def test_hadolint_passes_on_the_dockerfile():
    result = _hadolint(ROOT / "Dockerfile")
    assert (result.returncode, result.stdout) == (0, "")


def test_hadolint_fails_on_a_careless_dockerfile(tmp_path):
    careless = tmp_path / "Dockerfile"
    careless.write_text("FROM python:latest\nRUN pip install django\nUSER root\n")
    result = _hadolint(careless)
    assert result.returncode == 1
    # latest tag, unpinned pip install, last user root
    for code in ("DL3007", "DL3013", "DL3002"):
        assert code in result.stdout, code


def _stages() -> dict[str, list[str]]:
    stages: dict[str, list[str]] = {}
    current = ""
    for line in (ROOT / "Dockerfile").read_text().splitlines():
        if line.startswith("FROM "):
            current = line.split(" AS ")[-1]
            stages[current] = [line]
        elif current and line.strip() and not line.startswith("#"):
            stages[current].append(line)
    return stages


def test_the_runtime_stage_is_slim_unprivileged_and_collects_static_files():
    stages = _stages()
    assert list(stages) == ["assets", "python-deps", "runtime"]
    runtime = "\n".join(stages["runtime"])
    assert stages["runtime"][0] == "FROM python:3.11-slim-bookworm AS runtime"
    assert "pip install --group run" in "\n".join(stages["python-deps"])
    for tool in ("apt-get", "gcc", "build-essential", "npm", "pip install"):
        assert tool not in runtime, tool
    assert "USER 10001:10001" in runtime
    assert "manage.py collectstatic --noinput" in runtime
    assert 'ENTRYPOINT ["python", "/app/deploy/entrypoint.py"]' in runtime
    assert 'CMD ["web"]' in runtime
    ignored = (ROOT / ".dockerignore").read_text().splitlines()
    assert {".git", ".env", "var", "node_modules", ".venv", "tests"} <= set(ignored)


def test_one_image_runs_web_worker_beat_and_migrations_by_command():
    env = {"CREDITGENIE_TENANT": "acme"}
    assert entrypoint.command([], env) == [
        "gunicorn",
        "-c",
        "python:creditgenie.gunicorn_conf",
        "creditgenie.wsgi",
    ]
    assert entrypoint.command(["worker"], env | {"CELERY_QUEUE": "acme-default"}) == [
        "celery",
        "-A",
        "creditgenie",
        "worker",
        "--loglevel=INFO",
        "--concurrency=2",
        "-Q",
        "acme-default",
    ]
    assert entrypoint.command(["worker"], env)[-1] == "acme-default"
    assert entrypoint.command(["beat"], env)[:4] == ["celery", "-A", "creditgenie", "beat"]
    assert entrypoint.command(["migrate"], env) == [
        "python",
        "manage.py",
        "migrate",
        "--noinput",
    ]
    assert entrypoint.command(["manage", "benchmarks_refresh"], env) == [
        "python",
        "manage.py",
        "benchmarks_refresh",
    ]
    with pytest.raises(SystemExit, match="unknown command 'shell'"):
        entrypoint.command(["shell"], env)


def test_the_database_url_is_composed_from_the_secret_with_the_password_quoted():
    parts = {
        "DATABASE_HOST": "db.internal",
        "DATABASE_PORT": "5433",
        "DATABASE_NAME": "creditgenie",
        "DATABASE_USER": "creditgenie",
        "DATABASE_PASSWORD": "p@ss:w/rd#1",
    }
    assert entrypoint.database_url(parts) == (
        "postgres://creditgenie:p%40ss%3Aw%2Frd%231@db.internal:5433/creditgenie"
    )
    assert entrypoint.database_url(parts | {"DATABASE_URL": "postgres://x"}) is None
    assert entrypoint.database_url({}) is None


def _conf(monkeypatch, **env):
    for name in list(os.environ):
        if name.startswith("GUNICORN_"):
            monkeypatch.delenv(name)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    import creditgenie.gunicorn_conf as conf

    return importlib.reload(conf)


def test_gunicorn_defaults_are_sized_for_the_container(monkeypatch):
    conf = _conf(monkeypatch)
    assert conf.workers == conf.cpu_count() + 1
    assert (conf.worker_class, conf.threads) == ("gthread", 4)
    assert (conf.max_requests, conf.max_requests_jitter) == (1000, 100)
    assert (conf.timeout, conf.graceful_timeout, conf.keepalive) == (60, 30, 75)
    assert conf.bind == "0.0.0.0:8000"


def test_gunicorn_settings_come_from_the_environment(monkeypatch):
    conf = _conf(
        monkeypatch,
        GUNICORN_WORKERS="3",
        GUNICORN_THREADS="8",
        GUNICORN_MAX_REQUESTS="500",
        GUNICORN_MAX_REQUESTS_JITTER="50",
        GUNICORN_GRACEFUL_TIMEOUT="20",
        GUNICORN_BIND="127.0.0.1:9000",
        GUNICORN_WORKER_TMP_DIR="/dev/shm",
    )
    assert (conf.workers, conf.threads, conf.max_requests) == (3, 8, 500)
    assert (conf.max_requests_jitter, conf.graceful_timeout) == (50, 20)
    assert (conf.bind, conf.worker_tmp_dir) == ("127.0.0.1:9000", "/dev/shm")
    with pytest.raises(SystemExit, match="GUNICORN_WORKERS='many' is not a whole number"):
        _conf(monkeypatch, GUNICORN_WORKERS="many")


def test_cpus_are_read_from_the_container_quota(tmp_path):
    from creditgenie.gunicorn_conf import cpu_count

    quota = tmp_path / "cpu.max"
    quota.write_text("150000 100000\n")
    assert cpu_count(quota) == 2
    quota.write_text("50000 100000\n")
    assert cpu_count(quota) == 1
    quota.write_text("max 100000\n")
    assert cpu_count(quota) == len(os.sched_getaffinity(0))
    assert cpu_count(tmp_path / "missing") == len(os.sched_getaffinity(0))
