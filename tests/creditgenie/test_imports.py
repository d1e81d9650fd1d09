"""A web process starts lean: the large vendor libraries load where they are used.

pyarrow (with numpy) writes warehouse files, plaid-python talks to Plaid, pypdf checks
uploaded PDFs, boto3 talks to AWS, DuckDB reads the warehouse for the front door's staff:
none of them is needed to start serving pages, and every web worker would otherwise carry
them from its first request.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.processes import BASE_DIR, deployment_env

HEAVY = ("pyarrow", "plaid", "pypdf", "boto3", "botocore", "duckdb")

# What a WSGI server does at startup (django.setup() and the application), then every
# URLconf the deployment includes, walked to the last view.
STARTUP = """
import json, sys
import django
django.setup()
from creditgenie.wsgi import application
from django.urls import URLResolver, get_resolver

def walk(patterns):
    count = 0
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            count += walk(pattern.url_patterns)
        else:
            assert callable(pattern.callback), pattern
            count += 1
    return count

views = walk(get_resolver().url_patterns)
heavy = sorted(name for name in {heavy} if name in sys.modules)
print(json.dumps({{"views": views, "heavy": heavy}}))
"""


@pytest.mark.parametrize("role", ["agency", "frontdoor"])
def test_web_application_starts_without_the_heavy_vendor_libraries(role, tmp_path):
    env = deployment_env(
        {
            "CREDITGENIE_ROLE": role,
            "CREDITGENIE_TENANT": "frontdoor" if role == "frontdoor" else "acme",
            "SECRET_KEY": "imports-test-secret-key-0123456789abcdefghijklmnopqrs",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'unused.sqlite3'}",
        },
        tmp_path,
    )
    done = subprocess.run(
        [sys.executable, "-c", STARTUP.format(heavy=HEAVY)],
        env=env,
        cwd=BASE_DIR,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    loaded = json.loads(done.stdout.strip().splitlines()[-1])

    assert loaded["views"] > 10
    assert loaded["heavy"] == []
