"""The README's quickstart output is what the demo prints (docs that match the code)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).parents[1]


def _readme_block() -> list[str]:
    text = (ROOT / "README.md").read_text("utf-8")
    block = re.search(r"`make demo` prints.*?```text\n(.*?)```", text, re.DOTALL)
    assert block, "README has no make demo output block"
    return [ln.rstrip() for ln in block.group(1).splitlines() if not ln.startswith("setting up")]


def test_make_demo_prints_what_the_readme_shows(tmp_path: Path) -> None:
    shutil.copytree(ROOT / "samples", tmp_path / "samples")
    env = {**os.environ, "COLUMNS": "200"}
    env.pop("RAQIB_DB", None)
    run = [sys.executable, "-m", "raqib.cli"]
    ingest = subprocess.run([*run, "ingest", "samples/", "--db", "sqlite:///raqib.db"], cwd=tmp_path,
                            capture_output=True, text=True, env=env, check=False, timeout=300)  # fmt: skip
    assert ingest.returncode == 0, ingest.stderr
    events = subprocess.run([*run, "events", "--db", "sqlite:///raqib.db"], cwd=tmp_path,
                            capture_output=True, text=True, env=env, check=False, timeout=300)  # fmt: skip
    assert events.returncode == 0, events.stderr
    got = [ln.rstrip() for ln in (ingest.stderr + events.stdout).splitlines()]
    assert got == _readme_block()


def _cli_commands() -> dict[tuple[str, ...], set[str]]:
    """Every command of the CLI (as a path of names) and its option names."""
    import typer

    from raqib.cli import app

    out: dict[tuple[str, ...], set[str]] = {}

    def walk(cmd, path: tuple[str, ...]) -> None:  # type: ignore[no-untyped-def]
        subs = getattr(cmd, "commands", None)
        if subs:
            for name, sub in subs.items():
                walk(sub, (*path, name))
        else:
            out[path] = {o for p in cmd.params for o in (*p.opts, *p.secondary_opts) if o.startswith("-")}

    walk(typer.main.get_command(app), ())
    return out


def _readme_commands() -> dict[tuple[str, ...], set[str]]:
    """The README's command table: each command it names and the options its row shows."""
    text = (ROOT / "README.md").read_text("utf-8")
    groups = {path[0] for path in _cli_commands() if len(path) > 1}
    rows: dict[tuple[str, ...], set[str]] = {}
    for usage in re.findall(r"^\| `raqib ([^`]+)` \|", text, re.MULTILINE):
        words = usage.replace("\\|", "|").split()
        options = set(re.findall(r"(?<![\w-])(--?[a-z][a-z-]*)", usage))
        names = [(words[0], sub) for sub in words[1].split("|")] if words[0] in groups else [(words[0],)]
        for name in names:
            rows.setdefault(name, set()).update(options)
    return rows


def test_the_readme_command_table_matches_the_cli() -> None:
    cli, readme = _cli_commands(), _readme_commands()
    assert sorted(set(cli) - set(readme)) == [], "commands the README's table leaves out"
    assert sorted(set(readme) - set(cli)) == [], "commands the README names that do not exist"
    for path, options in readme.items():
        assert options <= cli[path], (path, sorted(options - cli[path]))
