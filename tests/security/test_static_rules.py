"""The security gates of bin/test catch what they exist for, and the tree passes them."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.security.static_rules import BASE_DIR, check_python, check_template, check_tree

BAD_PYTHON = {
    "raw-sql": [
        "Application.objects.raw('SELECT * FROM intake_application')",
        "Application.objects.extra(where=['id = 1'])",
        "Application.objects.annotate(x=RawSQL('SELECT 1', []))",
        "cursor.execute(f'SELECT * FROM t WHERE id = {pk}')",
        "cursor.execute('SELECT * FROM t WHERE id = %s' % pk)",
        "cursor.execute('SELECT * FROM t WHERE id = ' + pk)",
        "cursor.executemany('DELETE FROM {}'.format(table), rows)",
    ],
    "mark-safe": [
        "mark_safe(profile.name)",
        "SafeString(request.GET['q'])",
        "format_html(user_text)",
    ],
    "unscoped-get": [
        "Application.objects.get(pk=public_id)",
        "get_object_or_404(Application, id=pk)",
    ],
}
SAFE_PYTHON = [
    "cursor.execute('SELECT pg_advisory_xact_lock(%s)', [key])",
    "mark_safe('<br>')",
    "format_html('<b>{}</b>', name)",
    "Application.objects.filter(public_id=pk, consumer_id=user.pk).first()",
    "request.GET.get('id')",
]


@pytest.mark.parametrize(
    ("rule", "snippet"), [(rule, s) for rule, snippets in BAD_PYTHON.items() for s in snippets]
)
def test_rule_catches_bad_snippet(rule, snippet):
    findings = check_python("intake/views.py", snippet + "\n")
    assert [(f.rule, f.line) for f in findings] == [(rule, 1)]


@pytest.mark.parametrize("snippet", SAFE_PYTHON)
def test_rules_accept_safe_snippet(snippet):
    assert check_python("intake/views.py", snippet + "\n") == []


def test_unscoped_get_applies_to_views_only():
    snippet = "Application.objects.get(pk=1)\n"
    assert check_python("intake/services.py", snippet) == []
    assert [f.rule for f in check_python("counselor/audit_views.py", snippet)] == ["unscoped-get"]


def test_csrf_exempt_is_allowed_only_in_webhooks():
    source = (
        "from django.views.decorators.csrf import csrf_exempt\n\n"
        "@csrf_exempt\ndef hook(request):\n    return None\n"
    )
    findings = check_python("intake/views.py", source)
    assert [(f.rule, f.line) for f in findings] == [("csrf-exempt", 1), ("csrf-exempt", 3)]
    assert check_python("integrations/plaid/webhooks.py", source) == []
    assert check_python("integrations/plaid/webhooks/views.py", source) == []


def test_template_rule_catches_safe_filter_and_autoescape_off():
    source = (
        "<p>{{ agency.name }}</p>\n<p>{{ note|safe }}</p>\n{% autoescape off %}x{% endautoescape %}"
    )
    findings = check_template("templates/x.html", source)
    assert [(f.rule, f.line, f.message) for f in findings] == [
        ("mark-safe", 2, "|safe"),
        ("mark-safe", 3, "{% autoescape off %}"),
    ]


def test_source_tree_passes_the_rules():
    assert [str(f) for f in check_tree()] == []


def test_rules_command_fails_on_a_finding(tmp_path):
    (tmp_path / "intake").mkdir()
    bad = tmp_path / "intake" / "views.py"
    bad.write_text("def v(request, pk):\n    return Application.objects.get(pk=pk)\n")
    result = _run(sys.executable, "-m", "tests.security.static_rules", "intake", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        "intake/views.py:2: unscoped-get: load the object through a scoped access helper",
        "security rules: 1 finding(s)",
    ]


def _run(*args: str, cwd: Path = BASE_DIR) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(BASE_DIR)}
    return subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=120)


BANDIT = [
    sys.executable,
    "-m",
    "bandit",
    "-q",
    "--severity-level",
    "medium",
    "--confidence-level",
    "medium",
]


def test_bandit_gate_fails_on_medium_finding(tmp_path):
    probe = tmp_path / "probe.py"
    probe.write_text("import subprocess\n\n\ndef run(cmd):\n    subprocess.call(cmd, shell=True)\n")
    result = _run(*BANDIT, str(probe))
    assert result.returncode == 1
    assert "B602" in result.stdout


def test_bandit_gate_passes_on_the_source_tree():
    packages = ("creditgenie", "tenants", "intake", "counselor", "integrations")
    result = _run(*BANDIT, "-r", *packages, "-x", "*/migrations/*")
    assert result.returncode == 0, result.stdout
