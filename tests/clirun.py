"""Running the real `tidings` command in a subprocess against a SQLite file (tests/cli)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from support import SHARED


def _command() -> list[str]:
    script = Path(sys.executable).with_name("tidings")
    return [str(script)] if script.exists() else [sys.executable, "-m", "tidings.cli"]


@dataclass
class Result:
    args: tuple[str, ...]
    code: int
    out: str
    err: str

    @property
    def err_line(self) -> str:
        return " ".join(self.err.split())

    def json(self) -> Any:
        return json.loads(self.out)


@dataclass
class Cli:
    db: Path
    cwd: Path

    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("TIDINGS_")}
        env.update(
            TIDINGS_DATABASE_URL=f"sqlite:///{self.db}",
            TIDINGS_SHARED_DATA=str(SHARED),
            TIDINGS_LOG_LEVEL="WARNING",
            TIDINGS_FETCH_TIMEOUT_S="5",
        )
        return env

    def __call__(self, *args: str, **extra_env: str) -> Result:
        proc = subprocess.run(
            [*_command(), *args],
            capture_output=True,
            text=True,
            encoding="utf-8",
            env={**self.env(), **extra_env},
            cwd=self.cwd,
            timeout=180,
            check=False,
        )
        result = Result(args, proc.returncode, proc.stdout, proc.stderr)
        assert "Traceback" not in proc.stderr, proc.stderr
        assert "Traceback" not in proc.stdout, proc.stdout
        return result
