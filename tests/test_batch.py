"""raqib batch: partitions read exactly what `raqib ingest` reads, extraction on Dask workers stores the
same rows as `raqib ingest`, resources load once per worker process, finished partitions are skipped
on a restart, failing partitions are retried and reported, and a real scheduler + worker started as
separate processes do the work."""

from __future__ import annotations

import functools
import io
import json
import os
import random
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path
from typing import Any

import pytest
from conftest import DEV

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
HTML = Path(__file__).parent / "data" / "html"
RAQIB = [sys.executable, "-m", "raqib.cli"]
#: The inputs as every run names them (relative to the input folder, the working directory of the runs).
SOURCES = ["reports.jsonl", "crawl.warc.gz", "dev"]


def _raqib(*args: str, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*RAQIB, *args], capture_output=True, text=True, cwd=cwd, timeout=300, check=False,
                          env={**os.environ, **(env or {})})  # fmt: skip


def _write_warc(path: Path) -> None:
    """Two article pages, an image and a 404 in a gzipped WARC."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    with open(path, "wb") as out:
        writer = WARCWriter(out, gzip=True)
        for url, status, ctype, payload in [
            ("https://furat.example/2018/12/12/marashida/", "200 OK", "text/html; charset=utf-8",
             (HTML / "wp-furat-nav.html").read_bytes()),
            ("https://furat.example/logo.png", "200 OK", "image/png", b"\x89PNG\x00"),
            ("https://furat.example/gone", "404 Not Found", "text/html", b"<p>x</p>"),
            ("https://rafidain.example/news/1", "200 OK", "text/html; charset=windows-1256",
             (HTML / "cp1256-table-layout.html").read_bytes()),
        ]:  # fmt: skip
            headers = StatusAndHeaders(status, [("Content-Type", ctype)], protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(url, "response", payload=io.BytesIO(payload),
                                                          http_headers=headers))  # fmt: skip


def _make_inputs(base: Path) -> Path:
    """A JSON Lines shard with two bad lines, a WARC and a folder of dev reports and a text file."""
    base.mkdir(parents=True, exist_ok=True)
    lines = (SAMPLES / "reports.jsonl").read_text("utf-8").splitlines()
    lines.insert(2, '{"id": "broken", "text": ')  # invalid JSON
    lines.insert(5, "")
    lines.append('{"id": "empty", "text": "  "}')  # no text
    (base / "reports.jsonl").write_text("\n".join(lines) + "\n", "utf-8")
    _write_warc(base / "crawl.warc.gz")
    dev = base / "dev"
    dev.mkdir()
    in_samples = {json.loads(line)["id"] for line in (SAMPLES / "reports.jsonl").read_text("utf-8").splitlines()}
    for f in sorted(DEV.glob("*.json"))[:14]:
        if f.stem not in in_samples:
            (dev / f.name).write_text(f.read_text("utf-8"), "utf-8")
    (dev / "furat.txt").write_text((SAMPLES / "furat-post-kashma.txt").read_text("utf-8"), "utf-8")
    return base


def _errors(stderr: str) -> list[str]:
    return sorted(ln for ln in stderr.splitlines() if ln.startswith("raqib: error:"))


def _stored(url: str) -> dict[str, Any]:
    """What a store holds, without the row numbers and times that depend on the order of writing."""
    from raqib.store import iter_events, open_store

    store = open_store(url)
    events = sorted(({k: v for k, v in r.items() if k not in ("pk", "stored_at")} for r in iter_events(store)),
                    key=lambda r: (r["document_id"], r["seq"]))  # fmt: skip
    out = {"events": events, "records": list(store.records()), "counts": store.counts()}
    store.engine.dispose()
    return out


@pytest.fixture(scope="module")
def inputs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _make_inputs(tmp_path_factory.mktemp("batch") / "in")


@pytest.fixture(scope="module")
def reference(inputs: Path) -> dict[str, Any]:
    """`raqib ingest` of the inputs into SQLite: what every batch run must store."""
    db = f"sqlite:///{inputs.parent / 'ingest.db'}"
    out = _raqib("ingest", *SOURCES, "--db", db, cwd=inputs)
    assert out.returncode == 1, out.stderr  # the two bad lines of the shard
    stored = _stored(db)
    assert stored["counts"]["documents"] >= 15 and stored["counts"]["events"] >= 30
    return {**stored, "errors": _errors(out.stderr)}


@pytest.fixture(scope="module")
def client() -> Iterator[Any]:
    """One local cluster of two single-threaded worker processes for the tests that need no CLI."""
    from raqib.batch import dask_client

    with dask_client(workers=2) as c:
        yield c


def _versions() -> dict[str, str]:
    from raqib.resources import load_resources

    return load_resources().versions


@contextmanager
def _cwd(path: Path) -> Iterator[None]:
    old = os.getcwd()
    os.chdir(path)
    try:
        yield
    finally:
        os.chdir(old)


# --------------------------------------------------------------------------------------------
# Partitions


@pytest.mark.parametrize("size", [1, 2, 5, 1000])
def test_partitions_read_what_ingest_reads(inputs: Path, tmp_path: Path, size: int) -> None:
    from raqib.batch import plan, read_partition
    from raqib.errors import InputError
    from raqib.ingest import read_sources

    def sig(x: Any) -> tuple[Any, ...]:
        if isinstance(x, InputError):
            return ("error", x.origin, x.problem)
        return ("doc", x.origin, x.id, x.text, x.published, x.url, x.title, x.outlet)

    with _cwd(inputs):
        want = [sig(x) for x in read_sources([*SOURCES, "missing.jsonl"])]
        parts, unreadable = plan([*SOURCES, "missing.jsonl"], {"rules": "r", "gazetteer": "g"}, size)
    assert [(e.origin, e.problem) for e in unreadable] == [("missing.jsonl", "no such file or directory")]
    with _cwd(tmp_path):  # a worker elsewhere still reads the files and names them as given
        got = [sig(x) for p in parts for x in read_partition(p)]
    assert got + [sig(e) for e in unreadable] == want
    kinds = {p.kind for p in parts}
    assert kinds == {"jsonl", "warc", "files"}
    if size == 1:
        assert len([p for p in parts if p.kind == "jsonl"]) == 10  # one per non-blank line
        assert [p.name for p in parts if p.kind == "jsonl"][:2] == ["reports.jsonl:1-1", "reports.jsonl:2-2"]
        assert len([p for p in parts if p.kind == "warc"]) == 4
    if size == 1000:
        assert len(parts) == 3
    assert len({p.key for p in parts}) == len(parts)


def test_partition_keys_follow_content_and_versions(tmp_path: Path) -> None:
    from raqib.batch import plan

    shard = tmp_path / "a.jsonl"
    lines = (SAMPLES / "reports.jsonl").read_text("utf-8").splitlines()
    shard.write_text("\n".join(lines) + "\n", "utf-8")
    v1, v2 = {"rules": "r1", "gazetteer": "g"}, {"rules": "r2", "gazetteer": "g"}
    first, _ = plan([str(shard)], v1, 3)
    assert [p.key for p in plan([str(shard)], v1, 3)[0]] == [p.key for p in first]
    assert not {p.key for p in plan([str(shard)], v2, 3)[0]} & {p.key for p in first}  # new rule set: redo
    shard.write_text("\n".join([*lines[:-1], lines[-1].replace("ا", "أ", 1)]) + "\n", "utf-8")
    edited, _ = plan([str(shard)], v1, 3)
    assert [p.key == q.key for p, q in zip(first, edited, strict=True)] == [True, True, False]


# --------------------------------------------------------------------------------------------
# The command against `raqib ingest`


@pytest.mark.parametrize("workers", [1, 2])
def test_batch_stores_what_ingest_stores(inputs: Path, reference: dict[str, Any], store_url: str,
                                         workers: int) -> None:  # fmt: skip
    out = _raqib("batch", *SOURCES, "--db", store_url, "--workers", str(workers), "--partition-size", "3",
                 cwd=inputs)  # fmt: skip
    assert out.returncode == 1, out.stderr  # the bad input is reported and makes the exit status 1
    assert "Traceback" not in out.stderr
    assert _errors(out.stderr) == reference["errors"]
    assert any("reports.jsonl:3" in e for e in reference["errors"])
    stored = _stored(store_url)
    assert stored["counts"] == reference["counts"]
    assert stored["records"] == reference["records"]
    assert stored["events"] == reference["events"]
    assert re.search(r"partitions: \d+ done, 0 skipped \(done earlier\), 0 failed", out.stderr)

    from raqib.store import open_store

    store = open_store(store_url)
    assert sorted(f"raqib: error: {p['origin']}: {p['reason']}" for p in store.problems()) == reference["errors"]
    store.engine.dispose()
    if workers == 2:
        return
    # Run again with --dedup: every partition is skipped, the bad input is named again, and the stored
    # events get the clusters raqib.dedup gives the same records.
    from raqib.dedup import assign_clusters

    again = _raqib("batch", *SOURCES, "--db", store_url, "--partition-size", "3", "--dedup", cwd=inputs)
    assert again.returncode == 1, again.stderr
    assert re.search(r"partitions: 0 done, \d+ skipped \(done earlier\), 0 failed", again.stderr)
    assert [e.removesuffix(" (refused in an earlier run)") for e in _errors(again.stderr)] == reference["errors"]
    assert re.search(r"\d+ stored events in \d+ clusters, [1-9]\d* of them reported by several documents", again.stderr)
    want = {(r["id"], k): e["cluster"] for r in assign_clusters(reference["records"]) for k, e in enumerate(r["events"])}
    assert {(e["document_id"], e["seq"]): e["cluster"] for e in _stored(store_url)["events"]} == want


def test_batch_command_errors(inputs: Path) -> None:
    out = _raqib("batch", "--help", cwd=inputs)
    assert out.returncode == 0 and "--scheduler" in out.stdout and "--partition-size" in out.stdout
    out = _raqib("batch", "-", "--db", "sqlite:///x.db", cwd=inputs.parent)
    assert out.returncode == 2 and "not stdin" in out.stderr
    out = _raqib("batch", "dev", "--scheduler", "tcp://127.0.0.1:9", "--workers", "2", cwd=inputs)
    assert out.returncode == 2 and "exclude each other" in out.stderr
    out = _raqib("batch", "reports.jsonl", "--db", f"sqlite:///{inputs.parent / 'e.db'}", "--scheduler",
                 "tcp://127.0.0.1:9", cwd=inputs, env={"DASK_DISTRIBUTED__COMM__TIMEOUTS__CONNECT": "2s"})  # fmt: skip
    assert out.returncode == 2 and "cannot reach the Dask scheduler at tcp://127.0.0.1:9" in out.stderr
    assert "Traceback" not in out.stderr


# --------------------------------------------------------------------------------------------
# Workers, restarts, retries (one shared local cluster, `run_batch` directly)


def _run(url: str, inputs: Path, client: Any, size: int = 3, **kw: Any) -> Any:
    from raqib.batch import plan, run_batch
    from raqib.store import open_store

    versions = _versions()
    with _cwd(inputs):
        parts, _ = plan(SOURCES, versions, size)
    store = open_store(url)
    try:
        return run_batch(store, parts, versions, lambda: nullcontext(client), **kw)
    finally:
        store.engine.dispose()


def test_resources_load_once_per_worker_process(inputs: Path, tmp_path: Path, client: Any) -> None:
    report = _run(f"sqlite:///{tmp_path / 'r.db'}", inputs, client, size=1)
    ran = [o for o in report.outcomes if o.status == "done"]
    assert len(ran) == len(report.outcomes) >= 20
    pids = {o.worker.pid for o in ran}
    assert os.getpid() not in pids and 1 <= len(pids) <= 2
    # One load of the resources per worker process, shared by every task that process ran.
    loads = {(o.worker.pid, o.worker.resources_token) for o in ran}
    assert len(loads) == len(pids)
    assert len(ran) > len(loads)
    assert all(o.worker.load_seconds > 0.05 for o in ran)
    # The next batch on the same cluster keeps the loaded resources.
    again = _run(f"sqlite:///{tmp_path / 'r2.db'}", inputs, client, size=1)
    assert {(o.worker.pid, o.worker.resources_token) for o in again.outcomes} <= loads


def test_restart_skips_done_partitions(inputs: Path, reference: dict[str, Any], store_url: str, client: Any) -> None:
    from sqlalchemy import delete, select

    from raqib.store import open_store
    from raqib.store.tables import batch_partitions

    first = _run(store_url, inputs, client)
    assert first.count("done") == len(first.outcomes) and first.errors == len(reference["errors"])
    store = open_store(store_url)
    with store.engine.connect() as conn:
        rows = conn.execute(select(batch_partitions)).mappings().all()
    assert len(rows) == len(first.outcomes)
    assert {r["status"] for r in rows} == {"done"} and {r["attempts"] for r in rows} == {1}
    assert sum(r["documents"] for r in rows) == first.documents

    def no_cluster() -> Any:
        raise AssertionError("a batch with every partition done must not start a cluster")

    from raqib.batch import plan, run_batch

    versions = _versions()
    with _cwd(inputs):
        parts, _ = plan(SOURCES, versions, 3)
    second = run_batch(store, parts, versions, no_cluster)
    assert second.count("skipped") == len(parts) and second.documents == 0
    # The bad input found the first time is still reported (and still makes the run exit 1).
    assert sorted(f"raqib: error: {p}" for o in second.outcomes for p in o.problems) == reference["errors"]

    # A run that stopped before it recorded two partitions: only those two run again.
    lost = [p.key for p in parts[1:3]]
    with store.engine.begin() as conn:
        conn.execute(delete(batch_partitions).where(batch_partitions.c.key.in_(lost)))
    third = run_batch(store, parts, versions, lambda: nullcontext(client))
    assert sorted(o.key for o in third.outcomes if o.status == "done") == sorted(lost)
    assert third.count("skipped") == len(parts) - 2
    store.engine.dispose()
    stored = _stored(store_url)
    assert stored["events"] == reference["events"] and stored["records"] == reference["records"]


def _flaky(part: Any, *, marker: str, target: str, fail: int) -> Any:
    """The real task, except that the partition ``target`` raises on its first ``fail`` attempts
    (counted in the file ``marker``: attempts may run in different worker processes)."""
    from raqib.batch import extract_partition

    if part.name == target:
        log = Path(marker)
        n = len(log.read_text().splitlines()) if log.exists() else 0
        log.write_text("x\n" * (n + 1))
        if n < fail:
            raise RuntimeError(f"injected failure {n + 1} in {part.name}")
    return extract_partition(part)


def test_failing_partition_is_retried(inputs: Path, reference: dict[str, Any], tmp_path: Path, client: Any) -> None:
    url = f"sqlite:///{tmp_path / 'r.db'}"
    target = "reports.jsonl:4-7"
    task = functools.partial(_flaky, marker=str(tmp_path / "attempts"), target=target, fail=1)
    report = _run(url, inputs, client, task=task, retries=2)
    (o,) = [o for o in report.outcomes if o.name == target]
    assert (o.status, o.attempts) == ("done", 2)
    assert o.retried_after == (f"RuntimeError: injected failure 1 in {target}",)
    assert report.count("failed") == 0
    assert all(x.attempts == 1 for x in report.outcomes if x.name != target)
    stored = _stored(url)
    assert stored["events"] == reference["events"]


def test_partition_failing_every_attempt_is_reported_and_redone_later(
    inputs: Path, reference: dict[str, Any], tmp_path: Path, client: Any
) -> None:
    from sqlalchemy import select

    from raqib.store import open_store
    from raqib.store.tables import batch_partitions

    url = f"sqlite:///{tmp_path / 'r.db'}"
    target = "reports.jsonl:4-7"
    marker = tmp_path / "attempts"
    task = functools.partial(_flaky, marker=str(marker), target=target, fail=99)
    report = _run(url, inputs, client, task=task, retries=1)
    (o,) = [o for o in report.outcomes if o.status == "failed"]
    assert o.name == target and o.attempts == 2
    assert o.error == f"RuntimeError: injected failure 2 in {target}"
    assert o.retried_after == (f"RuntimeError: injected failure 1 in {target}",)
    assert len(marker.read_text().splitlines()) == 2
    assert report.count("done") == len(report.outcomes) - 1
    assert report.errors == len(reference["errors"]) + 1  # the shard's bad lines are in other partitions
    store = open_store(url)
    with store.engine.connect() as conn:
        row = conn.execute(select(batch_partitions).where(batch_partitions.c.key == o.key)).mappings().one()
    assert (row["status"], row["attempts"], row["error"]) == ("failed", 2, o.error)
    store.engine.dispose()

    # Fixed: the next run does that partition only, and the store is complete.
    again = _run(url, inputs, client)
    assert [x.name for x in again.outcomes if x.status == "done"] == [target]
    assert _stored(url)["events"] == reference["events"]


# --------------------------------------------------------------------------------------------
# A real scheduler and worker, started as separate processes


def _start(args: list[str], cwd: Path, log: Path) -> subprocess.Popen[bytes]:
    with open(log, "wb") as fh:  # the child keeps its own descriptor of the log
        return subprocess.Popen([sys.executable, "-m", *args], cwd=cwd, stdout=subprocess.DEVNULL, stderr=fh)


def _wait_for(log: Path, pattern: str, proc: subprocess.Popen[bytes], timeout: float = 60) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        m = re.search(pattern, log.read_text(errors="replace")) if log.exists() else None
        if m:
            return m.group(1)
        if proc.poll() is not None:
            break
        time.sleep(0.2)
    raise AssertionError(f"no {pattern!r} in {log}:\n{log.read_text(errors='replace')[-3000:]}")


def _stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=15)


def test_remote_scheduler_and_worker_processes(inputs: Path, reference: dict[str, Any], tmp_path: Path) -> None:
    elsewhere = tmp_path / "worker-cwd"
    elsewhere.mkdir()
    scheduler = _start(["dask", "scheduler", "--host", "127.0.0.1", "--port", "0", "--dashboard-address",
                        "127.0.0.1:0"], tmp_path, tmp_path / "scheduler.log")  # fmt: skip
    worker = None
    try:
        address = _wait_for(tmp_path / "scheduler.log", r"Scheduler at:\s+(tcp://127\.0\.0\.1:\d+)", scheduler)
        worker = _start(["dask", "worker", address, "--nworkers", "1", "--nthreads", "1", "--host", "127.0.0.1",
                         "--no-dashboard", "--local-directory", str(tmp_path / "scratch")], elsewhere,
                        tmp_path / "worker.log")  # fmt: skip
        _wait_for(tmp_path / "worker.log", r"(Registered to)", worker)
        db = f"sqlite:///{tmp_path / 'remote.db'}"
        out = _raqib("batch", *SOURCES, "--db", db, "--scheduler", address, "--partition-size", "4", cwd=inputs)
        assert out.returncode == 1, out.stderr
        assert _errors(out.stderr) == reference["errors"]
        stored = _stored(db)
        assert stored["events"] == reference["events"] and stored["records"] == reference["records"]
    finally:
        if worker is not None:
            _stop(worker)
        _stop(scheduler)


# --------------------------------------------------------------------------------------------
# The cross-report step over the store


def _dev_records(res: Any) -> tuple[list[Any], list[dict[str, Any]]]:
    from raqib.ingest import document_from_json
    from raqib.pipeline import process

    docs = []
    for f in sorted(DEV.glob("*.json")):
        g = json.loads(f.read_text("utf-8"))
        visible = {k: g[k] for k in ("id", "text", "published", "title", "url", "outlet", "source") if k in g}
        docs.append(document_from_json(visible, f.name))
    return docs, [process(d, res) for d in docs]


def _scrambled(records: list[dict[str, Any]], seed: int) -> list[dict[str, Any]]:
    """Copies of the dev events in made-up reports: days moved a little or dropped, points moved a
    few km, so clusters cross grid cells, day windows and undated events."""
    rng = random.Random(seed)
    events = [e for r in records for e in r["events"]]
    out = []
    for n in range(60):
        evs = []
        for e in rng.sample(events, 6):
            e = json.loads(json.dumps(e))
            if e.get("date") and rng.random() < 0.7:
                import datetime as dt

                day = dt.date.fromisoformat(e["date"]["from"]) + dt.timedelta(days=rng.randint(-4, 4))
                e["date"]["from"] = day.isoformat()
            elif rng.random() < 0.5:
                e["date"] = None
            loc = e.get("location")
            if loc and loc.get("lat") is not None:
                loc["lat"] += rng.uniform(-0.04, 0.04)
                loc["lon"] += rng.uniform(-0.04, 0.04)
            evs.append(e)
        # a publication day, so undated events are bounded by it (some days fall before their events)
        out.append({"id": f"fake-{n}", "events": evs, "published": rng.choice([r.get("published") for r in records])})
    return out


def test_cluster_events_agrees_with_dedup(res: Any) -> None:
    from raqib.batch import cluster_events
    from raqib.dedup import assign_clusters

    _, records = _dev_records(res)
    for recs in (records, _scrambled(records, 1), _scrambled(records, 2) + records):
        want = [e["cluster"] for r in assign_clusters(recs) for e in r["events"]]
        got = cluster_events([(r["id"], k, e) for r in recs for k, e in enumerate(r["events"])],
                             {r["id"]: r.get("published") for r in recs})  # fmt: skip
        assert got == want
        assert len(set(want)) < len(want)  # some events were merged


def test_cluster_stored(res: Any, store_url: str) -> None:
    from raqib.batch import cluster_stored
    from raqib.dedup import assign_clusters
    from raqib.store import iter_events, open_store

    docs, records = _dev_records(res)
    store = open_store(store_url)
    store.save_many(list(zip(docs, records, strict=True)), res.versions)
    report = cluster_stored(store)
    want = {(r["id"], k): e["cluster"] for r in assign_clusters(records) for k, e in enumerate(r["events"])}
    rows = list(iter_events(store))
    assert {(r["document_id"], r["seq"]): r["cluster"] for r in rows} == want
    assert all(r["record"]["cluster"] == r["cluster"] for r in rows)
    assert report.events == len(rows) and report.changed == len(rows)
    assert report.multi >= 5 and report.clusters == len(set(want.values()))
    assert cluster_stored(store).changed == 0  # nothing new: nothing written
    store.engine.dispose()


def test_the_cli_default_partition_size_is_the_library_default() -> None:
    # raqib.cli writes the number itself: importing raqib.batch there would load Dask for every command
    import inspect

    from raqib import cli
    from raqib.batch import DEFAULT_PARTITION_SIZE

    assert inspect.signature(cli.batch).parameters["partition_size"].default == DEFAULT_PARTITION_SIZE
