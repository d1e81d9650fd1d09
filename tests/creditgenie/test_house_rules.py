"""The house rules a reader relies on (docs/architecture.md), checked on the source itself.

- no template line over 160 characters;
- no formatter skip markers anywhere: the formatter decides;
- every setting is assigned once in creditgenie/settings.py and never changed below;
- the engine packages import only the standard library and the engine itself;
- no application module over 500 lines.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
APPS = ("creditgenie", "tenants", "intake", "counselor", "integrations", "notifications")
ENGINES = {
    "intake.engine": {"intake.engine"},
    "counselor.engine": {"counselor.engine", "intake.engine"},
}
MUTATORS = {"append", "extend", "insert", "update", "setdefault", "pop", "remove", "clear"}


def _python_files(*tops: str) -> list[Path]:
    files = [path for top in tops for path in (ROOT / top).rglob("*.py")]
    return sorted(path for path in files if "migrations" not in path.parts)


def test_no_template_line_is_longer_than_160_characters():
    long = [
        f"{path.relative_to(ROOT)}:{number} ({len(line)})"
        for path in sorted((ROOT / "templates").rglob("*.html"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if len(line) > 160
    ]
    assert long == []


def test_the_formatter_decides_every_line():
    marker = "fmt: " + "skip"  # spelled apart so this file does not match itself
    found = [
        str(path.relative_to(ROOT))
        for path in _python_files(*APPS, "tests", "bench")
        if marker in path.read_text(encoding="utf-8")
    ]
    assert found == []


def _bound_names(node: ast.AST) -> list[str]:
    if isinstance(node, ast.Name):
        return [node.id]
    if isinstance(node, ast.Tuple | ast.List):
        return [name for element in node.elts for name in _bound_names(element)]
    return []


def _settings_writes(tree: ast.Module) -> tuple[list[str], list[str]]:
    """(every binding of an upper-case name, every later change of one) in settings.py."""
    bindings: list[str] = []
    changes: list[str] = []
    for node in ast.walk(tree):
        targets: list[ast.AST] = []
        if isinstance(node, ast.Assign):
            targets = node.targets
        elif isinstance(node, ast.AnnAssign):
            targets = [node.target]
        elif isinstance(node, ast.AugAssign):
            changes.append(f"{ast.unparse(node.target)} (line {node.lineno})")
        elif isinstance(node, ast.For):
            targets = [node.target]
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            owner = node.func.value
            while isinstance(owner, ast.Subscript | ast.Attribute):
                owner = owner.value
            if node.func.attr in MUTATORS and isinstance(owner, ast.Name) and owner.id.isupper():
                changes.append(f"{ast.unparse(node.func)} (line {node.lineno})")
        for target in targets:
            if isinstance(target, ast.Subscript | ast.Attribute):
                changes.append(f"{ast.unparse(target)} (line {node.lineno})")
            bindings += [name for name in _bound_names(target) if name.lstrip("_").isupper()]
    return bindings, changes


def test_each_setting_is_assigned_once_and_never_changed_further_down():
    tree = ast.parse((ROOT / "creditgenie" / "settings.py").read_text(encoding="utf-8"))
    bindings, changes = _settings_writes(tree)
    twice = sorted({name for name in bindings if bindings.count(name) > 1})
    assert twice == []
    assert changes == []
    assert "MIDDLEWARE" in bindings and "CELERY_BEAT_SCHEDULE" in bindings  # the check sees them


def test_the_settings_check_catches_a_second_assignment_and_a_late_change():
    bindings, changes = _settings_writes(
        ast.parse('A = [1]\nA = [2]\nB = {}\nB["x"] = 1\nC = []\nC.append(3)\nD = 1\nD += 1\n')
    )
    assert bindings.count("A") == 2
    assert sorted(changes) == ["B['x'] (line 4)", "C.append (line 6)", "D (line 8)"]


def _first_party_imports(path: Path) -> set[str]:
    """Every module ``path`` imports, relative imports resolved to absolute names."""
    package = ".".join(path.relative_to(ROOT).with_suffix("").parts[:-1])
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                found.add(".".join([*base, node.module] if node.module else base))
            else:
                found.add(node.module or "")
    return found


@pytest.mark.parametrize("engine", sorted(ENGINES))
def test_the_engine_imports_only_the_standard_library_and_the_engine(engine):
    allowed = ENGINES[engine]
    outside = {
        f"{path.relative_to(ROOT)}: {module}"
        for path in sorted((ROOT / engine.replace(".", "/")).rglob("*.py"))
        for module in _first_party_imports(path)
        if module.split(".")[0] not in sys.stdlib_module_names
        and not any(module == root or module.startswith(f"{root}.") for root in allowed)
    }
    assert outside == set()


def test_no_application_module_is_longer_than_500_lines():
    long = {
        str(path.relative_to(ROOT)): lines
        for path in _python_files(*APPS)
        if (lines := len(path.read_text(encoding="utf-8").splitlines())) > 500
    }
    assert long == {}
