"""Write docs/cli.md from the `tidings` command's own --help texts.

Run: .venv/bin/python tools/gen_cli_docs.py   (tests/cli/test_cli_docs.py checks it is current)
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from typer.testing import CliRunner

from tidings.cli import app

COMMANDS = [
    [],
    ["init"],
    ["serve"],
    ["demo"],
    ["add-source"],
    ["discover"],
    ["entities"],
    ["enrich"],
    ["reenrich"],
    ["quotes"],
    ["eval", "mind"],
    ["eval", "simulate"],
    ["train"],
    ["refresh"],
    ["sources"],
    ["import-opml"],
    ["export-opml"],
    ["readers"],
    ["readers", "create"],
    ["readers", "list"],
    ["follow"],
    ["feed"],
    ["extract"],
]


def render() -> str:
    runner = CliRunner()
    env = {"COLUMNS": "100", "TERM": "dumb", "NO_COLOR": "1"}
    parts = [
        "# CLI reference",
        "",
        "Generated from `tidings … --help` by `tools/gen_cli_docs.py`; do not edit by hand.",
        "",
    ]
    for cmd in COMMANDS:
        result = runner.invoke(app, [*cmd, "--help"], env=env, prog_name="tidings")
        if result.exit_code != 0:
            raise SystemExit(f"--help failed for {cmd}: {result.output}")
        parts += [f"## `{' '.join(['tidings', *cmd])}`", "", "```text"]
        parts += [line.rstrip() for line in result.output.strip("\n").splitlines()]
        parts += ["```", ""]
    return "\n".join(parts)


def render_settings() -> str:
    from tidings.core import Settings

    lines = [
        "# Configuration",
        "",
        "Generated from `tidings.core.Settings` by `tools/gen_cli_docs.py`; do not edit by hand.",
        "",
        "Every setting is an environment variable with the `TIDINGS_` prefix. For secrets, "
        "`TIDINGS_<NAME>_FILE` names a file holding the value.",
        "",
        "| variable | default | meaning |",
        "| --- | --- | --- |",
    ]
    for name, field in Settings.model_fields.items():
        default = field.default
        lines.append(f"| `TIDINGS_{name.upper()}` | `{default}` | {field.description or ''} |")
    return "\n".join(lines) + "\n"


def main() -> int:
    os.environ.setdefault("COLUMNS", "100")
    docs = Path(__file__).resolve().parent.parent / "docs"
    (docs / "cli.md").write_text(render(), encoding="utf-8")
    (docs / "configuration.md").write_text(render_settings(), encoding="utf-8")
    sys.stdout.write(f"wrote {docs / 'cli.md'} and {docs / 'configuration.md'}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
