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
