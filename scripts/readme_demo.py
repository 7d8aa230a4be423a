"""Rewrite the README's `make demo` output block with what the demo prints now.

Run after a change to the rules, the gazetteer or the samples: ``python scripts/readme_demo.py``.
``tests/test_readme.py`` fails while the block and the real output differ.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def demo_output() -> str:
    """What ``make demo`` prints (ingest's messages, then the events table), 200 columns wide."""
    env = {**os.environ, "COLUMNS": "200"}
    env.pop("RAQIB_DB", None)
    run = [sys.executable, "-m", "raqib.cli"]
    with tempfile.TemporaryDirectory() as tmp:
        shutil.copytree(ROOT / "samples", Path(tmp) / "samples")
        ingest = subprocess.run([*run, "ingest", "samples/", "--db", "sqlite:///raqib.db"], cwd=tmp,
                                capture_output=True, text=True, env=env, check=True)  # fmt: skip
        events = subprocess.run([*run, "events", "--db", "sqlite:///raqib.db"], cwd=tmp,
                                capture_output=True, text=True, env=env, check=True)  # fmt: skip
    return "".join(ln.rstrip() + "\n" for ln in (ingest.stderr + events.stdout).splitlines())


def main() -> None:
    readme = ROOT / "README.md"
    text = readme.read_text("utf-8")
    block = re.search(r"`make demo` prints.*?```text\n(.*?)```", text, re.DOTALL)
    if not block:
        sys.exit("README.md has no `make demo` output block")
    first_run = "setting up .venv (first run only) ...\n"  # what make prints before the demo, the first time
    readme.write_text(text[: block.start(1)] + first_run + demo_output() + text[block.end(1) :], encoding="utf-8")


if __name__ == "__main__":
    main()
