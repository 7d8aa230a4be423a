"""`raqib batch` at scale: extraction rate against the text-layer floor, start-up time and memory,
speed-up from 1 to 2 Dask workers (and a projection for a cluster), the client's store-write rate,
and end-to-end time of `raqib batch` into SQLite and PostgreSQL.

    python benchmarks/bench_batch.py                        # 2,000 documents end to end (a few minutes)
    python benchmarks/bench_batch.py --n 100000             # the 100,000-document run of BENCHMARKS.md
    python benchmarks/bench_batch.py --n 30 --extract-n 20 --speedup-n 30 --store-n 20 --partition-size 10

PostgreSQL is measured when ``--pg-url`` (or ``RAQIB_BENCH_PG_URL`` / ``RAQIB_TEST_PG_URL``) names a server:
the run uses a fresh schema of its own there and drops it afterwards.

Sections, in order (``--skip`` leaves some out):

- ``startup``: importing the pipeline and ``load_resources()`` (gazetteer, dictionaries, rules) in
  this process, and its peak RSS after that;
- ``extract``: documents/s of the full extract + ``to_record`` and of the floor (read + normalise +
  segment) over the same ``--extract-n`` documents in this process, and their ratio;
- ``speedup``: a local cluster of 1, then 2 single-threaded worker processes extracts ``--speedup-n``
  documents (a JSON Lines file cut into partitions, results gathered, nothing stored): start-up of
  the cluster and of the workers' resources, documents/s, speed-up, worker peak RSS;
- ``store``: documents/s of ``Store.save_many`` (the client's serial part) on already extracted
  documents, per back end;
- ``e2e``: ``raqib batch CORPUS --db URL --workers W`` as a user runs it (a subprocess, from start to
  exit), per back end, with the peak RSS of its largest process and, sampled once a second, the CPU
  seconds and peak RSS of the client and of each worker;
- ``projection``: documents/s on a cluster of W worker cores (see ``project``).

Prints one line of JSON (the result) and one line per section for people.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

if __package__:
    from . import _common as common
    from .bench_extract import full_pass, load
else:
    import _common as common
    from bench_extract import full_pass, load

ROOT = Path(__file__).resolve().parent.parent
#: Issue 9's goals (BENCHMARKS.md, "Batch").
GOAL_SPEEDUP_2 = 1.5
GOAL_SQLITE_100K_S = 300.0
SECTIONS = ("startup", "extract", "speedup", "store", "e2e")


def cpu_s() -> float:
    """CPU seconds (user + system) this process has used."""
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def rss_mb(who: int = resource.RUSAGE_SELF) -> float:
    """Peak resident set size in MB (Linux reports ru_maxrss in KiB)."""
    return round(resource.getrusage(who).ru_maxrss / 1024, 1)


def write_corpus(path: Path, n: int, seed: int, source: Path | None) -> Path:
    """``n`` documents as a JSON Lines file: generated (``corpus.py``), or the first ``n`` of ``source``,
    copied a line at a time (100,000 documents held in this process would be 700 MB of it)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if source is not None and source.resolve() == path.resolve():
        # opening the copy for writing would empty the source itself
        if len(common.corpus_lines(n, seed, source)) < n:
            raise SystemExit(f"{source}: fewer than {n:,} documents")
        return path
    if source is None:
        path.write_text("".join(line + "\n" for line in common.corpus_lines(n, seed)), "utf-8")
        return path
    with open(source, encoding="utf-8") as src, open(path, "w", encoding="utf-8") as out:
        copied = 0
        for line in src:
            if copied == n:
                break
            if line.strip():
                out.write(line.rstrip("\n") + "\n")
                copied += 1
    return path


@contextmanager
def pg_database(base: str | None) -> Iterator[str | None]:
    """A fresh schema in the PostgreSQL server at ``base`` (None when there is none), dropped afterwards."""
    if not base:
        yield None
        return
    from raqib.store.scratch import scratch_schema

    with scratch_schema(base, "bench_batch") as url:
        yield url


@contextmanager
def database(backend: str, workdir: Path, pg_base: str | None, tag: str) -> Iterator[str | None]:
    if backend == "sqlite":
        path = workdir / f"{tag}.db"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        yield f"sqlite:///{path}"
        return
    with pg_database(pg_base) as url:
        yield url


# --------------------------------------------------------------------------------------------
# Sections


def bench_extract(lines: Sequence[str], res: Any, runs: int) -> dict[str, Any]:
    """Full pass and floor over ``runs`` slices of ``lines``, each slice documents this process has not
    read before (the geocoder and recognisers cache their answers: a run over documents read already
    would time the caches), the full pass first (as ``bench_extract.py``)."""
    n = len(lines) // runs
    floor_s, full_s = [], []
    events = errors = 0
    for r in range(runs):
        run = lines[r * n : (r + 1) * n]
        t, _c, (run_events, run_errors, _msgs) = common.timed(lambda run=run: full_pass(run, res))
        full_s.append(t)
        events, errors = events + run_events, errors + run_errors
        t, _c, _ = common.timed(lambda run=run: common.floor_pass(run))
        floor_s.append(t)
    full, floor = common.docs_per_s(n, full_s), common.docs_per_s(n, floor_s)
    return {"n": n, "runs": runs, "full_docs_per_s": round(full, 1), "floor_docs_per_s": round(floor, 1),
            "ratio_full_to_floor": round(floor / full, 2), "full_seconds": [round(s, 3) for s in full_s],
            "floor_seconds": [round(s, 3) for s in floor_s], "events": events, "errors": errors,
            "unseen_documents_per_run": True}  # fmt: skip


def _extract_on_cluster(corpus: Path, workers: int, partition_size: int, versions: dict[str, str]) -> dict[str, Any]:
    """Extraction only: every partition through ``extract_partition`` on ``workers`` processes."""
    from distributed import as_completed

    from raqib.batch import ResourcesPlugin, _attempt, dask_client, extract_partition, plan

    parts, _ = plan([str(corpus)], versions, partition_size)
    t0 = time.perf_counter()
    with dask_client(workers=workers) as client:
        t1 = time.perf_counter()
        client.register_plugin(ResourcesPlugin())
        loaded = time.perf_counter()
        window = max(2, 2 * workers)
        todo = iter(parts)
        futures = as_completed()
        docs = events = problems = 0
        busy: dict[int, float] = {}
        loads: list[float] = []

        def submit() -> None:
            part = next(todo, None)
            if part is not None:
                key = f"bench-{part.key[:16]}-{uuid.uuid4().hex[:6]}"
                futures.add(client.submit(_attempt, part, extract_partition, key, key=key, pure=False))

        cpu0 = client.run(cpu_s)
        t2 = time.perf_counter()
        for _ in range(window):
            submit()
        for fut in futures:
            submit()
            r = fut.result()
            fut.release()
            docs += len(r.documents)
            problems += len(r.problems)
            events += sum(len(p.events) for p in r.documents)
            busy[r.worker.pid] = busy.get(r.worker.pid, 0.0) + r.seconds
            loads.append(r.worker.load_seconds)
        t3 = time.perf_counter()
        cpu1 = client.run(cpu_s)
        worker_rss = client.run(rss_mb)
    cpu = sum(cpu1[w] - cpu0[w] for w in cpu1)
    return {
        "workers": workers, "partitions": len(parts), "documents": docs, "events": events, "errors": problems,
        "cluster_start_s": round(t1 - t0, 2), "worker_resource_load_s": round(loaded - t1, 2),
        "resource_load_in_worker_s": round(statistics.median(loads), 3) if loads else None,
        "extract_s": round(t3 - t2, 2), "docs_per_s": round(docs / (t3 - t2), 1),
        "worker_cpu_s": round(cpu, 2), "docs_per_worker_cpu_s": round(docs / cpu, 1),
        "cpu_share": round(cpu / (workers * (t3 - t2)), 2),
        "worker_busy_s": {str(k): round(v, 2) for k, v in busy.items()},
        "worker_peak_rss_mb": sorted(worker_rss.values()),
    }  # fmt: skip


def bench_speedup(corpus: Path, partition_size: int, versions: dict[str, str]) -> dict[str, Any]:
    runs = {w: _extract_on_cluster(corpus, w, partition_size, versions) for w in (1, 2)}
    speedup = runs[1]["extract_s"] / runs[2]["extract_s"]
    return {"runs": [runs[1], runs[2]], "speedup_2_workers": round(speedup, 2), "goal": GOAL_SPEEDUP_2,
            "goal_met": speedup >= GOAL_SPEEDUP_2}  # fmt: skip


def bench_store(lines: Sequence[str], res: Any, backends: Sequence[str], workdir: Path,
                pg_base: str | None, batch: int) -> dict[str, Any]:  # fmt: skip
    """Documents/s of ``Store.save_many`` (``batch`` documents per call) on extracted documents."""
    from raqib.ingest import document_from_json
    from raqib.pipeline import process
    from raqib.store import open_store

    pairs = []
    for lineno, line in enumerate(lines, 1):
        doc = document_from_json(json.loads(line), f"corpus.jsonl:{lineno}")
        pairs.append((doc, process(doc, res)))
    out: dict[str, Any] = {"n": len(pairs), "batch": batch}
    for backend in backends:
        with database(backend, workdir, pg_base, "store") as url:
            if url is None:
                out[backend] = None
                continue
            store = open_store(url)
            t0, c0 = time.perf_counter(), time.process_time()
            for i in range(0, len(pairs), batch):
                store.save_many(pairs[i : i + batch], res.versions)
            took, cpu = time.perf_counter() - t0, time.process_time() - c0
            store.engine.dispose()
            out[backend] = {"seconds": round(took, 2), "docs_per_s": round(len(pairs) / took, 1),
                            "client_cpu_s": round(cpu, 2), "docs_per_client_cpu_s": round(len(pairs) / cpu, 1)}
    return out


class TreeSampler:
    """Peak RSS and CPU seconds of a process and of each of its descendants, read from ``/proc`` once a
    second (Linux). The peak is the kernel's high-water mark (``VmHWM``), exact up to the last second of
    a process; the last sample before a process ends stands for its CPU time.

    Not ``wait4``'s ``ru_maxrss``: a child's counts the memory of the process that started it, as it
    was when it forked (``exec`` keeps the high-water mark of the replaced image): run F's "largest
    process 795 MB" was this benchmark holding 100,000 documents when it started ``raqib batch``."""

    def __init__(self, root: int) -> None:
        self.root = root
        self.seen: dict[int, dict[str, Any]] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        tick, page = os.sysconf("SC_CLK_TCK"), os.sysconf("SC_PAGE_SIZE")
        while not self._stop.is_set():
            stats: dict[int, list[str]] = {}
            for name in os.listdir("/proc"):
                if not name.isdigit():
                    continue
                try:
                    with open(f"/proc/{name}/stat") as fh:
                        text = fh.read()
                except (OSError, ValueError):
                    continue
                stats[int(name)] = text[text.rindex(")") + 2 :].split()
            tree, todo = set(), [self.root]
            while todo:
                pid = todo.pop()
                tree.add(pid)
                todo += [p for p, f in stats.items() if int(f[1]) == pid and p not in tree]
            for pid in tree & stats.keys():
                f = stats[pid]
                cpu, rss = (int(f[11]) + int(f[12])) / tick, int(f[21]) * page / 2**20
                d = self.seen.get(pid)
                if d is None:
                    try:
                        cmd = Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace")
                    except OSError:
                        cmd = ""
                    role = "client" if pid == self.root else "worker" if "spawn_main" in cmd else "other"
                    d = self.seen[pid] = {"role": role, "cpu_s": 0.0, "peak_rss_mb": 0.0}
                d["cpu_s"], d["peak_rss_mb"] = max(d["cpu_s"], cpu), max(d["peak_rss_mb"], rss, _hwm_mb(pid))
            self._stop.wait(1.0)

    def stop(self) -> dict[str, Any]:
        self._stop.set()
        self._thread.join()
        by = {r: [d for d in self.seen.values() if d["role"] == r] for r in ("client", "worker")}
        out = {f"{r}_{k}": [round(d[k], 1) for d in ds] for r, ds in by.items() for k in ("cpu_s", "peak_rss_mb")}
        out["largest_peak_rss_mb"] = round(max((d["peak_rss_mb"] for d in self.seen.values()), default=0.0), 1)
        return out


def _hwm_mb(pid: int) -> float:
    """The peak resident set size of a live process (``VmHWM``), in MB; 0 when it is gone."""
    try:
        with open(f"/proc/{pid}/status") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except (OSError, ValueError):
        pass
    return 0.0


def bench_e2e(corpus: Path, n: int, backends: Sequence[str], workdir: Path, pg_base: str | None,
              workers: int, partition_size: int) -> dict[str, Any]:  # fmt: skip
    """``raqib batch`` as a subprocess, per back end: wall-clock from start to exit."""
    out: dict[str, Any] = {"n": n, "workers": workers, "partition_size": partition_size}
    for backend in backends:
        with database(backend, workdir, pg_base, "e2e") as url:
            if url is None:
                out[backend] = None
                continue
            cmd = [sys.executable, "-m", "raqib.cli", "batch", str(corpus), "--db", url, "--workers", str(workers),
                   "--partition-size", str(partition_size)]  # fmt: skip
            load_start = common.loadavg()
            t0 = time.perf_counter()
            proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
            sampler = TreeSampler(proc.pid)
            stderr = proc.stderr.read() if proc.stderr else ""
            by_process = sampler.stop()
            _pid, status, usage = os.wait4(proc.pid, 0)
            proc.returncode = os.waitstatus_to_exitcode(status)
            took = time.perf_counter() - t0
            summary = next((ln for ln in stderr.splitlines() if ln.startswith("raqib: stored")), stderr[-500:])
            out[backend] = {
                "seconds": round(took, 1), "docs_per_s": round(n / took, 1), "exit": proc.returncode,
                "summary": summary, "peak_rss_mb_largest_process": by_process["largest_peak_rss_mb"],
                "cpu_s": round(usage.ru_utime + usage.ru_stime, 1),
                "cpu_ms_per_doc": round(1000 * (usage.ru_utime + usage.ru_stime) / n, 2),
                "loadavg_1m_start": load_start,
                "loadavg_1m_end": common.loadavg(),
                "sampled": by_process,
            }  # fmt: skip
    sqlite = out.get("sqlite")
    if sqlite and n >= 100_000:
        out["goal_sqlite_100k_s"] = GOAL_SQLITE_100K_S
        # a run that failed met nothing, however fast it stopped
        out["goal_met"] = sqlite["exit"] == 0 and sqlite["seconds"] * 100_000 / n <= GOAL_SQLITE_100K_S
    return out


def project(worker_rate: float, store_rates: dict[str, float], cores: Sequence[int]) -> dict[str, Any]:
    """Documents/s on a cluster of W worker cores, each worker on a core of its own.

    Extraction is independent per partition: W workers extract ``W x worker_rate`` documents/s, where
    ``worker_rate`` is documents per worker CPU-second measured in the 2-worker run (so it includes what
    Dask costs inside a worker: receiving tasks, pickling results), not the wall-clock rate, which on
    a shared machine also holds the time a worker waited for a core. The scheduler's own work (about
    one task every few seconds per worker at 1,000 documents a partition) is left out. The client stores every
    partition itself, one after another, so the end-to-end rate cannot pass its store-write rate:
    projected = min(extraction, store), with the store rate per client CPU-second (the client has a
    core of its own; a PostgreSQL server has its own cores too, and its work is not counted). Assumed
    too: the input is on a file system every worker reads, and the network moves a partition's
    records faster than they are made (about 30 KB a document)."""
    out: dict[str, Any] = {"worker_docs_per_cpu_s": round(worker_rate, 1), "store_docs_per_s": store_rates,
                           "by_workers": {}}  # fmt: skip
    for w in cores:
        extract = w * worker_rate
        row = {"extract_docs_per_s": round(extract, 0)}
        for backend, rate in store_rates.items():
            row[f"{backend}_docs_per_s"] = round(min(extract, rate), 0)
            row[f"{backend}_100k_minutes"] = round(100_000 / min(extract, rate) / 60, 1)
        out["by_workers"][str(w)] = row
    return out


# --------------------------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> dict[str, Any]:
    ap = argparse.ArgumentParser(description="raqib batch on Dask: rates, speed-up, memory, end-to-end time.")
    ap.add_argument("--n", type=int, default=2000, help="documents for the end-to-end runs (default 2000)")
    ap.add_argument("--extract-n", type=int, default=1000, help="documents for extract vs floor (default 1000)")
    ap.add_argument("--speedup-n", type=int, default=2000, help="documents for the 1/2-worker runs (default 2000)")
    ap.add_argument("--store-n", type=int, default=500, help="documents for the store-write rate (default 500)")
    ap.add_argument("--runs", type=int, default=1,
                    help="runs of extract vs floor, each on --extract-n new documents; medians (default 1)")
    ap.add_argument("--seed", type=int, default=7, help="corpus seed (default 7)")
    ap.add_argument("--corpus", type=Path, help="take documents from this .jsonl instead of generating them")
    ap.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="workers end to end (default nproc)")
    ap.add_argument("--partition-size", type=int, default=1000, help="documents per partition (default 1000)")
    ap.add_argument("--backends", default="sqlite,postgresql", help="store back ends (default sqlite,postgresql)")
    ap.add_argument("--pg-url", default=os.environ.get("RAQIB_BENCH_PG_URL") or os.environ.get("RAQIB_TEST_PG_URL"),
                    help="PostgreSQL server URL (default $RAQIB_BENCH_PG_URL or $RAQIB_TEST_PG_URL)")  # fmt: skip
    ap.add_argument("--workdir", type=Path, default=ROOT / "benchmarks" / "out" / "batch",
                    help="corpus files and SQLite databases (default benchmarks/out/batch)")  # fmt: skip
    ap.add_argument("--skip", default="", help=f"comma-separated sections to leave out: {', '.join(SECTIONS)}")
    ap.add_argument("--project", default="4,8,16,32", help="cluster sizes to project (default 4,8,16,32)")
    args = ap.parse_args(argv)
    skip = {s for s in args.skip.split(",") if s}
    if skip - set(SECTIONS):
        ap.error(f"--skip: unknown sections {sorted(skip - set(SECTIONS))}; known: {', '.join(SECTIONS)}")
    backends = [b for b in args.backends.split(",") if b]
    if set(backends) - {"sqlite", "postgresql"}:
        ap.error("--backends: sqlite and/or postgresql")
    if "postgresql" in backends and not args.pg_url:
        print("bench_batch: no PostgreSQL server (--pg-url / RAQIB_TEST_PG_URL); measuring SQLite only",
              file=sys.stderr)  # fmt: skip
        backends = [b for b in backends if b != "postgresql"]
    args.workdir.mkdir(parents=True, exist_ok=True)
    result: dict[str, Any] = {"benchmark": "batch", "seed": args.seed, "loadavg_1m_start": common.loadavg()}
    human: list[str] = []

    res, import_s, load_s = load()
    result["startup"] = {"import_s": round(import_s, 3), "resource_load_s": round(load_s, 3),
                         "peak_rss_mb_after_load": rss_mb()}  # fmt: skip
    human.append(f"start-up: import {import_s:.2f} s, load_resources() {load_s:.2f} s, peak RSS {rss_mb()} MB")
    versions = res.versions  # type: ignore[attr-defined]

    if "extract" not in skip:
        lines = common.corpus_lines(args.extract_n * args.runs, args.seed, args.corpus)
        if len(lines) < args.extract_n * args.runs:
            ap.error(f"--corpus has {len(lines):,} documents; {args.runs} runs of {args.extract_n:,} unseen documents "
                     f"need {args.extract_n * args.runs:,}")  # fmt: skip
        r = result["extract"] = bench_extract(lines, res, args.runs)
        human.append(f"extract: full {r['full_docs_per_s']:,.0f} docs/s, floor {r['floor_docs_per_s']:,.0f} docs/s, "
                     f"ratio {r['ratio_full_to_floor']:.2f} ({r['n']:,} docs, {r['errors']} errors)")  # fmt: skip

    if "speedup" not in skip:
        corpus = write_corpus(args.workdir / f"corpus-{args.speedup_n}.jsonl", args.speedup_n, args.seed, args.corpus)
        r = result["speedup"] = bench_speedup(corpus, args.partition_size, versions)
        one, two = r["runs"]
        human.append(f"speed-up: 1 worker {one['docs_per_s']:,.0f} docs/s, 2 workers {two['docs_per_s']:,.0f} docs/s "
                     f"-> {r['speedup_2_workers']:.2f}x (goal >= {GOAL_SPEEDUP_2}x: "
                     f"{'met' if r['goal_met'] else 'missed'}); per worker CPU-second {one['docs_per_worker_cpu_s']:,.0f} "
                     f"and {two['docs_per_worker_cpu_s']:,.0f} docs, CPU share {one['cpu_share']:.2f} and "
                     f"{two['cpu_share']:.2f}; cluster start {one['cluster_start_s']:.1f} s + "
                     f"worker resource load {one['worker_resource_load_s']:.1f} s; worker peak RSS "
                     f"{two['worker_peak_rss_mb']} MB")  # fmt: skip

    if "store" not in skip:
        lines = common.corpus_lines(args.store_n, args.seed, args.corpus)
        r = result["store"] = bench_store(lines, res, backends, args.workdir, args.pg_url, args.partition_size)
        human.append("store (Store.save_many, client side): " + ", ".join(
            f"{b} {r[b]['docs_per_s']:,.0f} docs/s ({r[b]['docs_per_client_cpu_s']:,.0f} per client CPU-second)"
            for b in backends if r.get(b)))  # fmt: skip

    if "e2e" not in skip:
        corpus = write_corpus(args.workdir / f"corpus-{args.n}.jsonl", args.n, args.seed, args.corpus)
        r = result["e2e"] = bench_e2e(corpus, args.n, backends, args.workdir, args.pg_url, args.workers,
                                      args.partition_size)  # fmt: skip
        for b in backends:
            if r.get(b):
                human.append(f"end to end, raqib batch --workers {args.workers} into {b}: {args.n:,} docs in "
                             f"{r[b]['seconds']:,.1f} s ({r[b]['docs_per_s']:,.0f} docs/s, exit {r[b]['exit']}, "
                             f"{r[b]['cpu_ms_per_doc']:.1f} CPU ms/doc in all processes, "
                             f"largest process {r[b]['peak_rss_mb_largest_process']} MB; sampled: client "
                             f"{r[b]['sampled']['client_cpu_s']} CPU s, {r[b]['sampled']['client_peak_rss_mb']} MB, "
                             f"workers {r[b]['sampled']['worker_cpu_s']} CPU s, "
                             f"{r[b]['sampled']['worker_peak_rss_mb']} MB)")  # fmt: skip
        if "goal_met" in r:
            human.append(f"goal: 100,000 docs into SQLite in <= {GOAL_SQLITE_100K_S:.0f} s: "
                         f"{'met' if r['goal_met'] else 'missed'}")  # fmt: skip

    if "speedup" in result and "store" in result:
        two = result["speedup"]["runs"][1]
        st = result["store"]
        store_rates = {b: st[b]["docs_per_client_cpu_s"] for b in backends if st.get(b)}
        cores = [int(c) for c in args.project.split(",") if c]
        p = result["projection"] = project(two["docs_per_worker_cpu_s"], store_rates, cores)
        human.append("projection: " + "; ".join(
            f"{w} workers -> extract {row['extract_docs_per_s']:,.0f} docs/s"
            + "".join(f", {b} {row[f'{b}_docs_per_s']:,.0f}" for b in store_rates)
            for w, row in p["by_workers"].items()))  # fmt: skip

    result["versions"] = dict(versions)
    result.update(common.machine())
    common.emit(result, "\n".join(human))
    return result


if __name__ == "__main__":  # the guard matters: Dask starts its worker processes by re-importing this file
    outcome = main()
    failed = [s for s in ("sqlite", "postgresql") if (outcome.get("e2e") or {}).get(s, {}) and
              outcome["e2e"][s]["exit"] != 0]  # fmt: skip
    sys.exit(1 if failed or (outcome.get("extract") or {}).get("errors") else 0)
