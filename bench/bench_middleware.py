"""Per-request cost of our middleware stack against a bare Django view, same run.

Three WSGI handlers serve the same trivial view (no database, no template):
no middleware at all, Django's default `startproject` stack, and our stack
(request id, security, WhiteNoise, deployment stamp, sessions, locale, CSRF, auth,
messages, clickjacking). Each is called in-process with a ready WSGI environ, so
the figures are the handler's own cost, not a network's.

Run: .venv/bin/python bench/bench_middleware.py [--requests 20000]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
_tmp = tempfile.mkdtemp(prefix="cg-bench-")
os.environ.update(
    {
        "DJANGO_SETTINGS_MODULE": "creditgenie.settings",
        "CREDITGENIE_ENV_FILE": str(Path(_tmp, "empty.env")),
        "CREDITGENIE_TENANT": "bench",
        "CREDITGENIE_VAR_DIR": _tmp,
        "DATABASE_URL": f"sqlite:///{_tmp}/bench.sqlite3",
        "SECRET_KEY": "bench-secret-key-0123456789abcdefghijklmnopqrstuvwxyz",
        "CREDITGENIE_HTTPS": "false",
        "CREDITGENIE_LOCAL_RUN": "true",
        "LOG_LEVEL": "ERROR",
        "ALLOWED_HOSTS": "testserver",
    }
)
Path(_tmp, "empty.env").touch()
Path(_tmp, "static").mkdir()

import django  # noqa: E402

django.setup()

from django.core.handlers.wsgi import WSGIHandler  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.http import HttpResponse  # noqa: E402
from django.test import RequestFactory, override_settings  # noqa: E402
from django.urls import path  # noqa: E402

DJANGO_DEFAULT = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]


def bare(request):
    return HttpResponse("ok")


urlpatterns = [path("bare/", bare)]


def _handler(middleware: list[str] | None) -> WSGIHandler:
    overrides = {"ROOT_URLCONF": __name__}
    if middleware is not None:
        overrides["MIDDLEWARE"] = middleware
    with override_settings(**overrides):
        handler = WSGIHandler()
    return handler


def _time(handler: WSGIHandler, environ: dict, count: int) -> list[float]:
    def start_response(status: str, headers: list) -> None:
        assert status.startswith("200"), status

    samples = []
    with override_settings(ROOT_URLCONF=__name__):
        for _ in range(count):
            began = time.perf_counter()
            for _chunk in handler(dict(environ), start_response):
                pass
            samples.append(time.perf_counter() - began)
    return samples


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=20000)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    call_command("init_deployment", "--name", "Bench Agency", verbosity=0)
    environ = RequestFactory()._base_environ(PATH_INFO="/bare/", REQUEST_METHOD="GET")
    handlers = {
        "bare view, no middleware": _handler([]),
        "Django default stack": _handler(DJANGO_DEFAULT),
        "our stack": _handler(None),
    }
    medians = {}
    for name, handler in handlers.items():
        _time(handler, environ, 500)  # warm up
        samples = _time(handler, environ, args.requests)
        medians[name] = statistics.median(samples)
        p95 = statistics.quantiles(samples, n=20)[-1]
        print(f"{name:<26} median {medians[name] * 1e6:7.1f} µs   p95 {p95 * 1e6:7.1f} µs")
    ours, bare_cost = medians["our stack"], medians["bare view, no middleware"]
    default = medians["Django default stack"]
    print(f"our stack / bare view       {ours / bare_cost:.2f}x")
    print(f"our stack / Django default  {ours / default:.2f}x  (target ≤ 1.5x)")


if __name__ == "__main__":
    main()
