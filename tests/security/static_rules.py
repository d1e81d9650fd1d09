"""Project-specific security rules over the source tree, a quality gate of bin/test.

``python -m tests.security.static_rules creditgenie tenants intake counselor integrations``
prints one ``path:line: rule: message`` per finding and exits 1 when there is any.

semgrep would express these rules in YAML, but every semgrep release pins libraries that
our pinned test dependencies exclude (jsonschema for moto's server, click for Celery), so
it cannot live in the project's environment; an ``ast`` walk does the same job for Python
without another toolchain (docs/security.md, "Gates").

Rules
- ``raw-sql``: ``.raw()``, ``.extra()``, ``RawSQL()``, and ``execute()``/``executemany()``
  whose SQL is built from strings (f-string, ``%``, ``+``, ``str.format``).
- ``mark-safe``: ``mark_safe``/``SafeString`` of anything but a literal, ``format_html``
  with a non-literal format string; in templates ``|safe``, ``|safeseq`` and
  ``{% autoescape off %}``.
- ``csrf-exempt``: ``csrf_exempt`` anywhere but ``integrations/<vendor>/webhooks*``.
- ``unscoped-get``: in views, ``Model.objects.get(pk=/id=)`` or
  ``get_object_or_404(..., pk=/id=)``; views load objects through a scoped helper.

A finding that was reviewed and is safe goes into ``ALLOWED`` with its reason.
"""

from __future__ import annotations

import ast
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from fnmatch import fnmatch
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[2]
PACKAGES = ("creditgenie", "tenants", "intake", "counselor", "integrations")
TEMPLATE_DIRS = ("templates",)
WEBHOOK_GLOBS = ("integrations/*/webhooks*.py", "integrations/*/webhooks/*.py")
VIEW_GLOBS = ("*views.py", "*/views/*.py", "*_views.py")
EXECUTE_METHODS = frozenset({"execute", "executemany"})
ID_KEYWORDS = frozenset({"pk", "id"})
TEMPLATE_PATTERN = re.compile(r"\|\s*safe(?:seq)?\b|{%\s*autoescape\s+off\s*%}")

# (relative path, rule) -> why the finding is safe. Reviewed by a second engineer.
ALLOWED: dict[tuple[str, str], str] = {
    ("intake/templatetags/formatting.py", "mark-safe"): (
        "the frozen action plan our own autoescaped templates wrote, cleaned by nh3 to a"
        " fixed set of text tags (no attributes but width/scope) before it is marked safe"
    ),
    ("counselor/selectors/queue.py", "raw-sql"): (
        "the queue's capped tab counts: the joined pieces are Django's own compiled querysets"
        " (sql_with_params), every value is passed as a bound parameter"
    ),
}


@dataclass(frozen=True)
class Finding:
    path: str
    line: int
    rule: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.rule}: {self.message}"


def _callee_name(call: ast.Call) -> str:
    """``foo`` for ``foo(...)`` and ``bar`` for ``x.bar(...)``."""
    func = call.func
    if isinstance(func, ast.Attribute):
        return func.attr
    return func.id if isinstance(func, ast.Name) else ""


def _is_literal(node: ast.AST) -> bool:
    return isinstance(node, ast.Constant) and isinstance(node.value, str)


def _is_built_string(node: ast.AST) -> bool:
    """SQL put together from pieces: an f-string, ``%``, ``+`` or ``"...".format()``."""
    if isinstance(node, ast.JoinedStr):
        return True
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod | ast.Add):
        return True
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        return node.func.attr == "format" and _is_literal(node.func.value)
    return False


def _is_objects_get(call: ast.Call) -> bool:
    func = call.func
    return (
        isinstance(func, ast.Attribute)
        and func.attr == "get"
        and isinstance(func.value, ast.Attribute)
        and func.value.attr == "objects"
    )


class _Visitor(ast.NodeVisitor):
    def __init__(self, path: str) -> None:
        self.path = path
        self.findings: list[Finding] = []
        self.is_view = any(fnmatch(path, glob) for glob in VIEW_GLOBS)
        self.is_webhook = any(fnmatch(path, glob) for glob in WEBHOOK_GLOBS)

    def _add(self, node: ast.AST, rule: str, message: str) -> None:
        self.findings.append(Finding(self.path, node.lineno, rule, message))

    def visit_Call(self, node: ast.Call) -> None:
        name = _callee_name(node)
        self._check_sql(node, name)
        self._check_safe(node, name)
        self._check_unscoped(node, name)
        self.generic_visit(node)

    def visit_Name(self, node: ast.Name) -> None:
        if node.id == "csrf_exempt" and not self.is_webhook:
            self._add(node, "csrf-exempt", "csrf_exempt outside integrations/*/webhooks*")

    def visit_Attribute(self, node: ast.Attribute) -> None:
        if node.attr == "csrf_exempt" and not self.is_webhook:
            self._add(node, "csrf-exempt", "csrf_exempt outside integrations/*/webhooks*")
        self.generic_visit(node)

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        if any(alias.name == "csrf_exempt" for alias in node.names) and not self.is_webhook:
            self._add(node, "csrf-exempt", "csrf_exempt imported outside webhooks")

    def _check_sql(self, node: ast.Call, name: str) -> None:
        if name in ("raw", "extra", "RawSQL"):
            self._add(node, "raw-sql", f"{name}() bypasses the ORM's parameter binding")
        elif name in EXECUTE_METHODS and node.args and _is_built_string(node.args[0]):
            self._add(node, "raw-sql", "SQL built from strings; pass parameters instead")

    def _check_safe(self, node: ast.Call, name: str) -> None:
        first = node.args[0] if node.args else None
        if name in ("mark_safe", "SafeString") and not (first and _is_literal(first)):
            self._add(node, "mark-safe", f"{name}() of a non-literal value")
        elif name == "format_html" and not (first and _is_literal(first)):
            self._add(node, "mark-safe", "format_html() with a non-literal format string")

    def _check_unscoped(self, node: ast.Call, name: str) -> None:
        if not self.is_view:
            return
        keywords = {keyword.arg for keyword in node.keywords}
        if (_is_objects_get(node) or name == "get_object_or_404") and keywords & ID_KEYWORDS:
            self._add(node, "unscoped-get", "load the object through a scoped access helper")


def check_python(path: str, source: str) -> list[Finding]:
    """Findings in one Python file; ``path`` is relative to the repository."""
    visitor = _Visitor(path)
    visitor.visit(ast.parse(source, filename=path))
    return visitor.findings


def check_template(path: str, source: str) -> list[Finding]:
    """Findings in one Django template."""
    return [
        Finding(path, source.count("\n", 0, match.start()) + 1, "mark-safe", match.group(0))
        for match in TEMPLATE_PATTERN.finditer(source)
    ]


def _sources(base: Path, roots: tuple[str, ...]) -> Iterator[Path]:
    for root in roots:
        for path in sorted((base / root).rglob("*")):
            if "migrations" not in path.parts and path.suffix in (".py", ".html", ".txt"):
                yield path


def check_tree(
    roots: tuple[str, ...] = PACKAGES + TEMPLATE_DIRS, base: Path = BASE_DIR
) -> list[Finding]:
    """Every finding under ``roots`` (folders of ``base``) that is not in ``ALLOWED``."""
    findings: list[Finding] = []
    for path in _sources(base, roots):
        relative = path.relative_to(base).as_posix()
        source = path.read_text(encoding="utf-8")
        check = check_python if path.suffix == ".py" else check_template
        findings += check(relative, source)
    return [f for f in findings if (f.path, f.rule) not in ALLOWED]


def main(argv: list[str]) -> int:
    """Checks the given folders of the current directory (default: the project's)."""
    findings = check_tree(tuple(argv) or PACKAGES + TEMPLATE_DIRS, Path.cwd())
    for finding in findings:
        print(finding)
    print(f"security rules: {len(findings)} finding(s)")
    return 1 if findings else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
