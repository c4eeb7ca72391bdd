"""Where the shared benchmark data lives (`TIDINGS_SHARED_DATA`, default ../shared/data)."""

from __future__ import annotations

import os
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def shared_data() -> Path:
    path = Path(os.environ.get("TIDINGS_SHARED_DATA", REPO.parent / "shared" / "data"))
    if not path.is_dir():
        raise SystemExit(f"shared benchmark data not found at {path} (set TIDINGS_SHARED_DATA)")
    return path
