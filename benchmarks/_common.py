"""Shared pieces of the benchmark scripts: the corpus in memory, the text-layer floor pass,
CPU pinning, machine facts and result printing."""

from __future__ import annotations

import json
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

if __package__:
    from .corpus import generate_lines
else:
    from corpus import generate_lines


def corpus_lines(n: int, seed: int, path: Path | None = None) -> list[str]:
    """``n`` JSON Lines of the benchmark corpus: generated in memory, or the first ``n`` of ``path``."""
    if path is None:
        return generate_lines(n, seed)
    lines: list[str] = []
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                lines.append(line.rstrip("\n"))
                if len(lines) == n:
                    break
    return lines


def floor_pass(lines: Sequence[str]) -> int:
    """The text layer over every line: json.loads + document_from_json + normalize + segment.

    Returns the number of sentences (so the work is visibly used)."""
    from raqib.ingest import document_from_json
    from raqib.normalize import normalize
    from raqib.segment import segment

    sentences = 0
    for lineno, line in enumerate(lines, 1):
        doc = document_from_json(json.loads(line), f"corpus.jsonl:{lineno}")
        norm = normalize(doc.text)
        sentences += len(segment(doc.text, norm))
    return sentences


def timed(fn: Callable[[], object]) -> tuple[float, float, object]:
    """Wall-clock seconds (perf_counter) and CPU seconds (process_time) of ``fn()``, and its result.

    On a shared machine the CPU time is the steadier of the two: it leaves out the time the
    process waited for a core."""
    c0 = time.process_time()
    t0 = time.perf_counter()
    out = fn()
    return time.perf_counter() - t0, time.process_time() - c0, out


def pin_one_core(cpu: int | None) -> int | None:
    """Run this process on CPU ``cpu`` only (None: leave it to the scheduler); returns the CPU pinned.

    The pipeline is single-threaded, so it uses one core either way; pinning only stops the
    process from moving between cores. On a shared machine it can hurt: the chosen core may be
    the busy one."""
    if cpu is None or not hasattr(os, "sched_setaffinity"):
        return None
    os.sched_setaffinity(0, {cpu})
    return cpu


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def code_version() -> dict[str, object]:
    """The code measured: git HEAD, and a hash of the raqib sources and data as they are on disk
    (the working tree may hold uncommitted edits, so HEAD alone does not identify it)."""
    import hashlib
    import subprocess

    import raqib

    pkg = Path(raqib.__file__).resolve().parent
    h = hashlib.sha256()
    for path in sorted(pkg.rglob("*")):
        if path.is_file() and path.suffix in (".py", ".tsv", ".json") and "__pycache__" not in path.parts:
            h.update(str(path.relative_to(pkg)).encode() + b"\0" + path.read_bytes())
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=pkg, capture_output=True, text=True, check=True
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        head = None
    return {"git_head": head, "raqib_sources_sha": h.hexdigest()[:12]}


def machine() -> dict[str, object]:
    """Facts about the machine, recorded with every result."""
    return {
        "nproc": os.cpu_count(),
        "cpu_model": cpu_model(),
        "python": platform.python_version(),
        # which build: distribution builds (PGO, LTO, static) run raqib ~12 % faster than a default source build
        "python_binary": os.path.realpath(sys.executable),
        "loadavg_1m_end": loadavg(),
        **code_version(),
    }


def docs_per_s(n: int, seconds: Sequence[float]) -> float:
    """Documents per second at the median time of the runs."""
    med = statistics.median(seconds)
    return n / med if med > 0 else float("inf")


def loadavg() -> float | None:
    """The 1-minute load average (other work on the machine skews the wall-clock times)."""
    return round(os.getloadavg()[0], 2) if hasattr(os, "getloadavg") else None


def emit(result: dict[str, object], human: str) -> None:
    """Print the one-line JSON result (stdout, first) and the human line."""
    print(json.dumps(result, ensure_ascii=False, sort_keys=False))
    print(human)
    sys.stdout.flush()
