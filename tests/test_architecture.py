"""The package diagram is a test: layers, forbidden imports and no cycles (the
contracts in pyproject.toml), and no tricolor import hidden inside a function."""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from support import ROOT

PACKAGES = ("vocab", "spec", "components", "stacks", "drift", "rollout", "policies", "previews", "cli")


def test_import_contracts_hold() -> None:
    lint = shutil.which("lint-imports", path=str(Path(sys.executable).parent))
    assert lint, "import-linter is a test dependency (pyproject.toml)"
    result = subprocess.run([lint, "--no-cache"], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr


def _is_tricolor_import(node: ast.AST) -> bool:
    if isinstance(node, ast.ImportFrom):
        return node.level > 0 or (node.module or "").startswith("tricolor")
    return isinstance(node, ast.Import) and any(a.name.startswith("tricolor") for a in node.names)


def _function_imports(path: Path) -> list[str]:
    """tricolor imports inside functions (relative, or absolute ``tricolor.``)."""
    return [f"{path.relative_to(ROOT)}:{inner.lineno} {node.name}"
            for node in ast.walk(ast.parse(path.read_text(), str(path)))
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
            for inner in ast.walk(node) if _is_tricolor_import(inner)]


@pytest.mark.parametrize("package", PACKAGES)
def test_no_tricolor_import_inside_a_function(package: str) -> None:
    """A cycle hidden by an import inside a function is still a cycle; only heavy
    third-party modules may be imported late (to keep start-up fast)."""
    hidden = [hit for path in sorted((ROOT / package).rglob("*.py")) for hit in _function_imports(path)]
    assert not hidden, "imports inside functions:\n" + "\n".join(hidden)
