"""Shared fixtures for extraction tests: where the shared data and golden files live."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from support import require

REPO_ROOT = Path(__file__).resolve().parents[2]
GOLDEN = Path(__file__).resolve().parent / "golden"


def shared_data_dir() -> Path:
    configured = os.environ.get("TIDINGS_SHARED_DATA")
    return Path(configured) if configured else (REPO_ROOT / ".." / "shared" / "data").resolve()


@pytest.fixture(scope="session")
def shared_data() -> Path:
    return shared_data_dir()


@pytest.fixture(scope="session")
def seed_path(shared_data: Path) -> Path:
    path = shared_data / "seed" / "scmp-afghanistan.txt"
    assert path.is_file(), f"seed text dump missing: {path}"
    return path


@pytest.fixture(scope="session")
def readability_pages(shared_data: Path) -> Path:
    path = shared_data / "mozilla-readability-test-pages"
    require(path.is_dir(), f"readability test pages not available at {path}")
    return path
