"""The cross-report step of `raqib batch --dedup` at growing sizes: CPU seconds and peak memory of
``raqib.batch.cluster_events`` on 10,000 to 80,000 (or more) events, and how the time grows.

    python benchmarks/bench_clusters.py --docs 4000 --save-records benchmarks/out/records-4000.jsonl
    python benchmarks/bench_clusters.py --records benchmarks/out/records-4000.jsonl --sizes 10000,20000,40000,80000
    python benchmarks/bench_clusters.py --docs 40 --sizes 500,1000 --check 1000     # a few seconds

The events come from extracting ``--docs`` documents of the benchmark corpus in this process (or a
``--corpus`` file, or ``--records``: JSON Lines of ``raqib extract`` records, or ``--db``: the events
of a stored batch). A size larger than those events is reached by repeating their documents under new
ids with every day of a copy (publication and events) moved by the same random number of days within
±400, the spread of the corpus generator: the copies repeat the place names, sides and texts of the
originals, so the cores and places stay as many while the events per core grow.

Each size is clustered as ``cluster_stored`` does (on ``_matching_fields`` of each event); sizes up
to ``--check`` are also clustered by ``raqib.dedup.assign_clusters`` (it compares every pair: keep it
to a few thousand events) and must give the same ids. Prints one line of JSON (the result), then one
line per size.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import itertools
import json
import math
import random
import resource
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

if __package__:
    from . import _common as common
else:
    import _common as common


def extracted(lines: Sequence[str]) -> list[dict[str, Any]]:
    """The records of the corpus lines, extracted in this process."""
    from raqib.ingest import document_from_json
    from raqib.pipeline import process
    from raqib.resources import load_resources

    res = load_resources()
    return [process(document_from_json(json.loads(line), f"corpus.jsonl:{n}"), res)
            for n, line in enumerate(lines, 1)]


def stored(url: str) -> list[dict[str, Any]]:
    """The events of a store as records (``id``, ``published``, ``events`` in seq order)."""
    from raqib.store import iter_events, open_store

    store = open_store(url)
    records: dict[str, dict[str, Any]] = {}
    for r in iter_events(store, page=5000):
        doc = r["document_id"]
        rec = records.setdefault(doc, {"id": doc, "published": r.get("published"), "events": {}})
        rec["events"][r["seq"]] = r["record"]
    store.engine.dispose()
    return [{**rec, "events": [rec["events"][k] for k in sorted(rec["events"])]} for rec in records.values()]


def _moved(day: str | None, by: int) -> str | None:
    return (dt.date.fromisoformat(day) + dt.timedelta(days=by)).isoformat() if day else day


def grown(records: Sequence[dict[str, Any]], events: int, seed: int) -> list[dict[str, Any]]:
    """Whole documents of ``records`` and then of copies of them (see the module text) until there
    are at least ``events`` events (all of them when ``records`` hold more)."""
    from raqib.batch.clusters import _matching_fields

    rng = random.Random(seed)
    out: list[dict[str, Any]] = []
    total = copy = 0
    while total < events:
        for rec in records:
            if total >= events:
                break
            by = rng.randint(-400, 400) if copy else 0
            evs = []
            for ev in map(_matching_fields, rec["events"]):
                if ev["date"] and by:
                    ev["date"] = {"from": _moved(ev["date"]["from"], by), "to": _moved(ev["date"]["to"], by)}
                evs.append(ev)
            out.append({"id": f"{rec['id']}~{copy}" if copy else rec["id"],
                        "published": _moved(rec.get("published"), by), "events": evs})  # fmt: skip
            total += len(evs)
        copy += 1
        if not any(rec["events"] for rec in records):
            break
    return out


def measure(records: Sequence[dict[str, Any]], check: bool, runs: int) -> dict[str, Any]:
    """CPU and wall seconds of ``cluster_events`` over the records (the least of ``runs``: on a shared
    machine other work only adds time), with what it found."""
    from raqib.batch import cluster_events

    items = [(rec["id"], k, ev) for rec in records for k, ev in enumerate(rec["events"])]
    published = {rec["id"]: rec.get("published") for rec in records}
    timings = []
    for _ in range(runs):
        gc.collect()
        wall, cpu, ids = common.timed(lambda: cluster_events(items, published))
        timings.append((cpu, wall))
    cpu, wall = min(timings)
    docs: dict[str, set[str]] = {}
    for (doc, _, _), cid in zip(items, ids, strict=True):  # type: ignore[arg-type]
        docs.setdefault(cid, set()).add(doc)
    out = {"events": len(items), "documents": len(records), "cpu_s": round(cpu, 3), "wall_s": round(wall, 3),
           "clusters": len(docs), "multi": sum(len(d) > 1 for d in docs.values()),
           "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)}  # fmt: skip
    if check:
        from raqib.dedup import assign_clusters

        want = [ev["cluster"] for rec in assign_clusters(records) for ev in rec["events"]]
        out["same_as_dedup"] = want == ids
    return out


def main(argv: Sequence[str] | None = None) -> dict[str, Any]:
    ap = argparse.ArgumentParser(description="CPU time and memory of the cross-report step (raqib batch --dedup) "
                                 "at growing numbers of events.")  # fmt: skip
    src = ap.add_mutually_exclusive_group()
    src.add_argument("--records", type=Path, help="JSON Lines of raqib extract records to start from")
    src.add_argument("--db", help="start from the events of this store (a raqib batch --db URL)")
    src.add_argument("--corpus", type=Path, help="extract the first --docs documents of this .jsonl")
    ap.add_argument("--docs", type=int, default=4000,
                    help="documents to extract (default 4000; not with --records/--db)")  # fmt: skip
    ap.add_argument("--seed", type=int, default=7, help="corpus seed and seed of the day shifts (default 7)")
    ap.add_argument("--save-records", type=Path, help="also write the records (the fields clustering reads) here, for --records")
    ap.add_argument("--sizes", default="10000,20000,40000,80000", help="events per run, comma-separated "
                    "(default 10000,20000,40000,80000)")  # fmt: skip
    ap.add_argument("--runs", type=int, default=1, help="timed runs of each size; the least time is kept")
    ap.add_argument("--check", type=int, default=0, metavar="N",
                    help="compare with raqib.dedup.assign_clusters up to N events (default 0: never)")  # fmt: skip
    args = ap.parse_args(argv)
    try:
        sizes = sorted(int(s) for s in args.sizes.split(","))
    except ValueError:
        ap.error(f"--sizes {args.sizes!r}: give numbers of events separated by commas, e.g. 10000,20000")
    if not sizes or sizes[0] < 1 or args.docs < 1 or args.runs < 1:
        ap.error("--sizes, --docs and --runs must be >= 1")

    t0 = time.perf_counter()
    if args.records:
        base = [json.loads(line) for line in args.records.read_text("utf-8").splitlines() if line.strip()]
    elif args.db:
        base = stored(args.db)
    else:
        base = extracted(common.corpus_lines(args.docs, args.seed, args.corpus))
    from raqib.batch.clusters import _matching_fields

    # only what clustering reads, as cluster_stored loads it: the peak RSS is then mostly clustering
    base = [{"id": rec["id"], "published": rec.get("published"), "events": [_matching_fields(e) for e in rec["events"]]}
            for rec in base]  # fmt: skip
    if args.save_records:
        with open(args.save_records, "w", encoding="utf-8") as fh:
            keep = ("id", "published", "events")
            fh.writelines(json.dumps({k: rec.get(k) for k in keep}, ensure_ascii=False) + "\n" for rec in base)
    prepared_s = time.perf_counter() - t0
    load_start = common.loadavg()
    runs = []
    for n in sizes:
        runs.append(measure(grown(base, n, args.seed), n <= args.check, args.runs))
    for a, b in itertools.pairwise(runs):
        # time ~ events^k between two sizes: 1 is linear, 2 quadratic
        ratio = b["events"] / a["events"]
        if a["cpu_s"] > 0 and b["cpu_s"] > 0 and ratio > 1:
            b["growth_exponent"] = round(math.log(b["cpu_s"] / a["cpu_s"]) / math.log(ratio), 2)
    base_events = sum(len(rec["events"]) for rec in base)
    result = {"benchmark": "clusters", "base_documents": len(base), "base_events": base_events,
              "source": str(args.records or args.db or args.corpus or f"generated corpus, seed {args.seed}"),
              "prepare_s": round(prepared_s, 2), "runs": runs, "loadavg_1m_start": load_start,
              "valid": all(r.get("same_as_dedup", True) for r in runs), **common.machine()}  # fmt: skip
    lines = [f"{r['events']:>9,} events ({r['documents']:,} documents"
             f"{', copies' if r['events'] > base_events else ''}): {r['cpu_s']:.2f} CPU-s ({r['wall_s']:.2f} s wall), "
             f"{r['clusters']:,} clusters, {r['multi']:,} of several documents, peak RSS {r['peak_rss_mb']:.0f} MB"
             + (f", growth exponent {r['growth_exponent']}" if r.get("growth_exponent") is not None else "")
             + ("" if "same_as_dedup" not in r else ", same as assign_clusters" if r["same_as_dedup"]
                else ", DIFFERENT from assign_clusters") for r in runs]  # fmt: skip
    common.emit(result, "\n".join(lines))
    if not result["valid"]:
        print("bench_clusters: cluster_events differs from raqib.dedup.assign_clusters", file=sys.stderr)
        sys.exit(1)
    return result


if __name__ == "__main__":
    main()
