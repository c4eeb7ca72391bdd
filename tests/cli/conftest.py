"""The `cli` fixture: the real command against a fresh SQLite file in the test's tmp folder."""

from __future__ import annotations

from pathlib import Path

import pytest

from clirun import Cli


@pytest.fixture
def cli(tmp_path: Path) -> Cli:
    return Cli(db=tmp_path / "tidings.db", cwd=tmp_path)
