"""The README's run command brings up the front door and two branded agencies."""

from __future__ import annotations

import os
import signal
import socket
import subprocess

import pytest
import requests

from tests.processes import BASE_DIR, deployment_env, wait_for

pytestmark = pytest.mark.processes


def _free_port_base() -> int:
    """Three consecutive free ports, and base + 9 for the OpenID provider."""
    for base in range(23000, 33000, 11):
        try:
            for port in (base, base + 1, base + 2, base + 9):
                with socket.socket() as sock:
                    sock.bind(("127.0.0.1", port))
        except OSError:
            continue
        return base
    raise RuntimeError("no free ports")


@pytest.fixture(scope="module")
def local_platform(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("local")
    base = _free_port_base()
    env = {
        k: v
        for k, v in deployment_env({}, tmp).items()
        if not k.startswith(("CREDITGENIE_", "DJANGO_", "CELERY_", "DATABASE_", "SECRET_KEY"))
    }
    log = (tmp / "platform.log").open("w")
    proc = subprocess.Popen(
        ["bin/start", "--port-base", str(base), "--var-dir", str(tmp / "var")],
        cwd=BASE_DIR,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    urls = {name: f"http://127.0.0.1:{base + i}" for i, name in enumerate(("fd", "acme", "beacon"))}
    try:
        for url in urls.values():
            wait_for(f"{url}/healthz", proc, timeout=120)
        urls["oidc"] = f"http://127.0.0.1:{base + 9}"
        wait_for(f"{urls['oidc']}/.well-known/openid-configuration", timeout=60)
        yield urls, tmp
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)
        log.close()


def test_front_door_and_agencies_serve_their_branded_pages(local_platform):
    urls, _ = local_platform
    front = requests.get(f"{urls['fd']}/", timeout=10)
    assert "Get free help with credit card debt" in front.text
    assert "Acme Credit Counseling" in requests.get(f"{urls['fd']}/agencies/", timeout=10).text
    for slug, name in (
        ("acme", "Acme Credit Counseling"),
        ("beacon", "Beacon Financial Counseling"),
    ):
        page = requests.get(f"{urls[slug]}/", timeout=10)
        assert page.status_code == 200
        assert f"<title>{name}</title>" in page.text
        assert f"Welcome to {name}" in page.text
        ready = requests.get(f"{urls[slug]}/readyz", timeout=10).json()
        assert (ready["status"], ready["checks"]) == (
            "ok",
            {"database": "ok", "stamp": "ok", "broker": "ok"},
        )


def test_front_door_routes_to_the_running_agencies(local_platform):
    urls, _ = local_platform
    url = f"{urls['fd']}/r/acme-flyer?utm_source=test"
    referral = requests.get(url, allow_redirects=False, timeout=10)
    assert referral.headers["Location"] == f"{urls['acme']}/?ref=acme-flyer&utm_source=test"
    state = requests.get(f"{urls['fd']}/route/?state=NY", allow_redirects=False, timeout=10)
    assert state.headers["Location"] == f"{urls['beacon']}/"
    landing = requests.get(f"{urls['fd']}/route/?state=GA", timeout=10)
    assert "<title>Acme Credit Counseling</title>" in landing.text


def test_each_agency_has_its_own_database_broker_and_worker(local_platform):
    _, tmp = local_platform
    var = tmp / "var"
    assert {p.name for p in var.glob("*.sqlite3")} == {
        "frontdoor.sqlite3",
        "acme.sqlite3",
        "beacon.sqlite3",
    }
    procfile = (var / "Procfile").read_text()
    assert "acme-worker:" in procfile
    assert "-Q acme-default" in procfile
    assert "-Q beacon-default" in procfile


def test_agency_worker_answers_a_task_through_the_filesystem_broker(local_platform):
    _, tmp = local_platform
    var = tmp / "var"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CREDITGENIE_", "CELERY_"))}
    result = subprocess.run(
        [
            str(BASE_DIR / "bin" / "with-env"),
            str(var / "agencies" / "acme.env"),
            str(var),
            str(BASE_DIR / ".venv" / "bin" / "python"),
            "-c",
            "import django; django.setup(); from creditgenie.celery import app, ping; "
            "print(app.conf.broker_url, ping.delay().get(timeout=60))",
        ],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=90,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip() == "filesystem:// pong"
    assert (var / "broker" / "acme" / "queue").is_dir()


def test_dev_openid_provider_serves_each_agency_its_own_client(local_platform):
    urls, tmp = local_platform
    discovery = requests.get(f"{urls['oidc']}/.well-known/openid-configuration", timeout=10)
    assert discovery.json()["issuer"] == urls["oidc"]
    assert discovery.json()["end_session_endpoint"] == f"{urls['oidc']}/session/end"
    for slug in ("acme", "beacon"):
        env = (tmp / "var" / "agencies" / f"{slug}.env").read_text()
        assert f"OIDC_ISSUER='{urls['oidc']}'" in env
        assert f"OIDC_RP_CLIENT_ID='creditgenie-{slug}'" in env
        login = requests.get(f"{urls[slug]}/accounts/login/", timeout=10).text
        assert 'id="sign-in-provider"' in login
        assert "<code>support</code>" in login  # the demo accounts are listed
        start = requests.get(f"{urls[slug]}/oidc/authenticate/", allow_redirects=False, timeout=10)
        assert start.headers["Location"].startswith(f"{urls['oidc']}/auth?")
        assert f"client_id=creditgenie-{slug}" in start.headers["Location"]


def _as(var, env_file: str, code: str) -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CREDITGENIE_", "CELERY_"))}
    result = subprocess.run(
        [
            str(BASE_DIR / "bin" / "with-env"),
            str(var / env_file),
            str(var),
            str(BASE_DIR / ".venv" / "bin" / "python"),
            "-c",
            f"import django; django.setup(); {code}",
        ],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=90,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout.strip()


def test_demo_agencies_ship_to_the_one_warehouse_the_front_door_benchmarks_read(local_platform):
    _, tmp = local_platform
    var = tmp / "var"
    key = (var / "keys" / "analytics.key").read_text().strip()  # the front door's init made it
    for slug in ("acme", "beacon"):
        env = (var / "agencies" / f"{slug}.env").read_text()
        assert f"CREDITGENIE_ANALYTICS_KEY='{key}'" in env
        assert f"CREDITGENIE_WAREHOUSE_URL='file://{var / 'warehouse'}'" in env
        ship = "from integrations.warehouse.tasks import warehouse_ship as s; print(s())"
        shipped = _as(var, f"agencies/{slug}.env", ship)
        assert shipped.endswith("'failed': False}")  # (its beat may have shipped first)

    funnel = _as(
        var,
        "frontdoor.env",
        "from tenants.benchmarks import benchmarks_compute as b; "
        "print([(r.agency, r.funnel[0].value) for r in b().agencies])",
    )

    assert funnel == "[('acme', 24), ('beacon', 24)]"


def test_the_platform_operator_sees_the_cross_agency_benchmarks(local_platform):
    urls, _ = local_platform
    session = requests.Session()
    login = f"{urls['fd']}/admin/login/"
    session.get(login, timeout=10)
    session.post(
        login,
        timeout=10,
        headers={"Referer": login},
        data={
            "username": "operator",
            "password": "genie-demo-2026",
            "csrfmiddlewaretoken": session.cookies.get_dict().get(_csrf_name(session), ""),
            "next": "/platform/benchmarks/",
        },
    )

    page = session.get(f"{urls['fd']}/platform/benchmarks/", timeout=30)

    assert page.status_code == 200
    assert "<h1>Benchmarks across agencies</h1>" in page.text


def _csrf_name(session: requests.Session) -> str:
    return next(name for name in session.cookies.get_dict() if "csrf" in name)
