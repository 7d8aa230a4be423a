"""Crash safety: a run killed with SIGKILL in the middle, then started again, loses no document and
stores none twice, on SQLite and PostgreSQL.

A corpus of a few hundred generated reports (``benchmarks/corpus.py``) is written as JSON Lines;
the command is started, killed once the store holds some but not all of the documents, started and
killed again further on, then run to the end. Afterwards every input id is stored exactly once (one
version, no duplicate event), and each document's events equal those of a clean, uninterrupted run.

``COMMANDS`` names the commands under test: ``raqib ingest`` (one process) and ``raqib batch`` (a Dask
local cluster of two worker processes, killed with the whole process group, small partitions so that the
kill falls between and inside partition writes).
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).parents[1]
RAQIB = [sys.executable, "-m", "raqib.cli"]
N_DOCS = 240
FILES = 3

# name -> the command line that stores the reports of a folder in a database.
COMMANDS: dict[str, Callable[[Path, str], list[str]]] = {
    "ingest": lambda folder, url: [*RAQIB, "ingest", str(folder), "--db", url],
    "batch": lambda folder, url: [
        *RAQIB, "batch", str(folder), "--db", url, "--workers", "2", "--partition-size", "10"
    ],
}


def _corpus_module() -> Any:
    spec = importlib.util.spec_from_file_location("raqib_bench_corpus", ROOT / "benchmarks" / "corpus.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str]]:
    """A folder of JSON Lines files holding ``N_DOCS`` generated reports, and their ids."""
    folder = tmp_path_factory.mktemp("corpus")
    lines = _corpus_module().generate_lines(N_DOCS, 20261125, use_gazetteer=False)
    per_file = -(-len(lines) // FILES)
    for k in range(FILES):
        chunk = lines[k * per_file : (k + 1) * per_file]
        (folder / f"part-{k}.jsonl").write_text("".join(ln + "\n" for ln in chunk), encoding="utf-8")
    return folder, [json.loads(ln)["id"] for ln in lines]


def _snapshot(url: str) -> dict[str, Any]:
    """What the store holds: per document its versions and its events (in order)."""
    from sqlalchemy import select

    from raqib.store import EventFilter, iter_events, open_store
    from raqib.store.tables import document_versions, documents

    store = open_store(url)
    try:
        with store.engine.connect() as conn:
            docs = {r.id: r.version for r in conn.execute(select(documents.c.id, documents.c.version))}
            versions = conn.execute(select(document_versions.c.document_id, document_versions.c.version)).all()
        events: dict[str, list[tuple[Any, ...]]] = {}
        for e in iter_events(store, EventFilter(include_rejected=True)):
            events.setdefault(e["document_id"], []).append(
                (e["seq"], e["uid"], e["kind"], e["actor1"], e["actor2"], e["place_ar"], e["lat"], e["lon"],
                 e["date_from"], e["date_to"], e["evidence_start"], e["evidence_end"], e["evidence"])
            )  # fmt: skip
        return {"documents": docs, "versions": versions, "events": events, "problems": store.problems()}
    finally:
        store.engine.dispose()


@pytest.fixture(scope="module")
def clean(corpus: tuple[Path, list[str]], tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The store after one uninterrupted ``raqib ingest`` (SQLite)."""
    url = f"sqlite:///{tmp_path_factory.mktemp('clean') / 'raqib.db'}"
    out = subprocess.run(COMMANDS["ingest"](corpus[0], url), capture_output=True, text=True, timeout=900, check=False)
    assert out.returncode == 0, out.stderr
    return _snapshot(url)


def _stored(url: str) -> int:
    from raqib.store import open_store

    store = open_store(url)
    try:
        return store.counts()["documents"]
    finally:
        store.engine.dispose()


def _kill_when(cmd: list[str], url: str, at_least: int, below: int, log: Path) -> int:
    """Start ``cmd``, SIGKILL it (and any worker it started) once the store holds ``at_least``
    documents, which must be below ``below``; the number stored once it is dead (a commit may land
    between the count and the kill)."""
    with open(log, "wb") as err:  # a file, not a pipe: a full pipe would stall the run
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=err, start_new_session=True)
    try:
        deadline = time.monotonic() + 600
        while time.monotonic() < deadline:
            n = _stored(url)
            if n >= at_least:
                assert proc.poll() is None, "the run ended before it could be killed"
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=60)
                assert n < below, f"{n} documents stored already: too late to kill mid-run"
                return _stored(url)
            if proc.poll() is not None:
                pytest.fail(f"the run ended with {proc.returncode} after storing {n} documents: "
                            f"{log.read_text('utf-8')[-2000:]}")  # fmt: skip
            time.sleep(0.02)
        pytest.fail("the run stored too few documents in ten minutes")
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=60)
    raise AssertionError("unreachable")


@pytest.mark.slow
@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_a_killed_run_restarted_loses_nothing_and_stores_nothing_twice(
    command: str, store_url: str, corpus: tuple[Path, list[str]], clean: dict[str, Any], tmp_path: Path
) -> None:
    folder, ids = corpus
    from raqib.store import open_store

    open_store(store_url).engine.dispose()  # the schema first: the runs and the polling then share it
    cmd = COMMANDS[command](folder, store_url)
    first = _kill_when(cmd, store_url, at_least=N_DOCS // 10, below=N_DOCS, log=tmp_path / "first.log")
    second = _kill_when(cmd, store_url, at_least=N_DOCS // 2, below=N_DOCS, log=tmp_path / "second.log")
    assert 0 < first <= second < N_DOCS
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=900, check=False)
    assert out.returncode == 0, out.stderr
    if command == "batch":  # the partitions stored before the kills are not extracted again
        # A partition's documents and its "done" record are one commit, so the restart skips exactly
        # the partitions whose documents were stored (all partitions hold 10 documents).
        m = re.search(r"(\d+) skipped \(done earlier\)", out.stdout + out.stderr)
        assert m and int(m.group(1)) * 10 == second, out.stdout + out.stderr

    got = _snapshot(store_url)
    assert sorted(got["documents"]) == sorted(ids) == sorted(clean["documents"])  # each input id, once
    assert set(got["documents"].values()) == {1}  # never stored again as a new version
    assert sorted(got["versions"]) == sorted((i, 1) for i in ids)
    assert got["problems"] == []
    for doc_id in ids:
        evs = got["events"].get(doc_id, [])
        assert len({e[1] for e in evs}) == len(evs), doc_id  # no event twice
        assert evs == clean["events"].get(doc_id, []), doc_id
