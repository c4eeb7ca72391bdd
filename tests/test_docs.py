"""The generated references in docs/ match the code."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from support import REPO


def _tool() -> object:
    spec = importlib.util.spec_from_file_location(
        "gen_cli_docs", REPO / "tools" / "gen_cli_docs.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_cli_reference_is_current() -> None:
    tool = _tool()
    expected = tool.render()  # type: ignore[attr-defined]
    assert (REPO / "docs" / "cli.md").read_text(encoding="utf-8") == expected, (
        "docs/cli.md is stale: run .venv/bin/python tools/gen_cli_docs.py"
    )


def test_configuration_reference_lists_every_setting() -> None:
    tool = _tool()
    text = (REPO / "docs" / "configuration.md").read_text(encoding="utf-8")
    assert text == tool.render_settings()  # type: ignore[attr-defined]
    from tidings.core import Settings

    for name in Settings.model_fields:
        assert f"TIDINGS_{name.upper()}" in text


def test_readme_quick_start_is_exactly_two_commands() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Quick start", 1)[1].split("##", 1)[0]
    block = section.split("```sh", 1)[1].split("```", 1)[0]
    assert [line for line in block.splitlines() if line.strip()] == ["make run", "make test"]
    assert Path(REPO / "Makefile").is_file()
