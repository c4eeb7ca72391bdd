"""Ranking is pure: nothing under `tidings.rank` imports the store, the API, the web app or the
pipeline that wires them (DESIGN.md's layers). Read from the source, so that an import inside
a function counts too."""

from __future__ import annotations

import ast
from pathlib import Path

import tidings.rank

OUTSIDE = (
    "tidings.store",
    "tidings.api",
    "tidings.web",
    "tidings.pipeline",
    "tidings.app",
    "tidings.cli",
)


def _imports(path: Path) -> list[str]:
    names: list[str] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names += [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names += [node.module, *(f"{node.module}.{a.name}" for a in node.names)]
    return names


def test_rank_imports_nothing_from_the_layers_above() -> None:
    files = sorted(Path(tidings.rank.__file__).parent.rglob("*.py"))
    assert len(files) > 10  # the package as it is, not an empty folder
    reaching = {
        f"{path.name}: {name}"
        for path in files
        for name in _imports(path)
        if name.startswith(OUTSIDE)
    }
    assert not reaching


def test_the_check_sees_an_import_from_the_store(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text("def f():\n    from tidings.store import Store\n    return Store\n")
    assert "tidings.store" in _imports(bad)
