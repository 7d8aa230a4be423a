"""Event queries on a large store: one 30-day window inside a box holding about 1% of the events,
first page of 100, on SQLite (R*Tree) and PostgreSQL + PostGIS (GiST), through ``query_events``
exactly as the CLI, the exports and the API call it.

    python benchmarks/bench_store.py                          # 1,000,000 events, SQLite (+ PostGIS if
                                                              # RAQIB_TEST_PG_URL is set), 300 queries
    python benchmarks/bench_store.py --events 20000 --queries 50   # a quick check

The events are synthetic but shaped like raqib's: real event records of the bundled sample reports
used as templates, spread uniformly over Syria's bounding box (35.7-42.4 E, 32.3-37.4 N) and over
ten years (2014-2023), 100 events per document. They are written with the store's own tables (the
R*Tree triggers and the PostGIS generated column do their work as for ``Store.save``), then the
database is analysed (``ANALYZE``). Each query draws a random 30-day window and a random box of
0.58 x 0.51 degrees (1% of the area, so about 1% of the events) and asks for the first page of 100.
Prints one line of JSON (the result) and one line per back end for people.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import text

from raqib.store import EventFilter, open_store, query_events
from raqib.store.tables import documents, events

BOX = (35.7, 32.3, 42.4, 37.4)  # min lon, min lat, max lon, max lat
START = dt.date(2014, 1, 1)
DAYS = 3652
PER_DOC = 100
GOAL_P99_MS = 50.0


def templates() -> list[dict]:
    """Event records of the bundled sample reports (extracted once)."""
    from raqib.ingest import read_sources
    from raqib.pipeline import process
    from raqib.resources import load_resources

    res = load_resources()
    root = Path(__file__).resolve().parents[1] / "samples"
    out = []
    for doc in read_sources([str(root)]):
        if hasattr(doc, "text"):
            out += process(doc, res)["events"]
    return out


def fill(store, n_events: int, seed: int, chunk: int = 20_000) -> float:  # type: ignore[no-untyped-def]
    """Write ``n_events`` synthetic events (and their documents); seconds taken."""
    rng = random.Random(seed)
    temps = templates()
    x0, y0, x1, y1 = BOX
    t0 = time.perf_counter()
    n_docs = (n_events + PER_DOC - 1) // PER_DOC
    written = 0
    for first_doc in range(0, n_docs, chunk // PER_DOC):
        docs, evs = [], []
        for d in range(first_doc, min(n_docs, first_doc + chunk // PER_DOC)):
            doc_id = f"synthetic-{d:07d}"
            day = START + dt.timedelta(days=rng.randrange(DAYS))
            docs.append({"id": doc_id, "text": "نص", "text_sha256": "0" * 64, "status": "ok", "version": 1,
                         "published": day.isoformat(), "outlet": "synthetic", "url": None})  # fmt: skip
            for seq in range(min(PER_DOC, n_events - written)):
                t = rng.choice(temps)
                lat, lon = rng.uniform(y0, y1), rng.uniform(x0, x1)
                when = (START + dt.timedelta(days=rng.randrange(DAYS))).isoformat()
                rec = {**t, "location": {**(t["location"] or {"name_ar": "قرية", "precision": "village"}),
                                         "lat": lat, "lon": lon}, "date": {"from": when, "to": when}}  # fmt: skip
                evs.append({
                    "document_id": doc_id, "seq": seq, "uid": f"e{d:07d}{seq:03d}", "document_version": 1,
                    "kind": t["kind"], "actor1": t["actor1"], "actor2": t["actor2"],
                    "place_ar": rec["location"]["name_ar"], "lat": lat, "lon": lon, "date_from": when, "date_to": when,
                    "certainty": t["certainty"], "evidence": t["evidence"], "evidence_start": t["evidence_span"][0],
                    "evidence_end": t["evidence_span"][1], "rule_id": t["rule_id"], "record": rec,
                    "review_status": "ok", "reviewed": False, "precision": rec["location"].get("precision"),
                })  # fmt: skip
                written += 1
        with store.engine.begin() as conn:
            conn.execute(documents.insert(), docs)
            conn.execute(events.insert(), evs)
        print(f"\r  {store.dialect}: {written:,} / {n_events:,} events", end="", file=sys.stderr, flush=True)
    print(file=sys.stderr)
    with store.engine.connect() as conn:
        conn = conn.execution_options(isolation_level="AUTOCOMMIT")
        conn.execute(text("ANALYZE"))
    return time.perf_counter() - t0


def queries(store, n: int, seed: int) -> dict:  # type: ignore[no-untyped-def]
    """Timings (ms) of ``n`` window+box queries, first page of 100."""
    rng = random.Random(seed + 1)
    x0, y0, x1, y1 = BOX
    w, h = (x1 - x0) * 0.1, (y1 - y0) * 0.1  # 10% of each side: 1% of the area
    times, hits = [], []
    for i in range(n + 5):
        bx, by = rng.uniform(x0, x1 - w), rng.uniform(y0, y1 - h)
        day = START + dt.timedelta(days=rng.randrange(DAYS - 30))
        flt = EventFilter(date_from=day.isoformat(), date_to=(day + dt.timedelta(days=29)).isoformat(),
                          bbox=(bx, by, bx + w, by + h))  # fmt: skip
        t0 = time.perf_counter()
        rows = query_events(store, flt, limit=100)
        ms = (time.perf_counter() - t0) * 1000
        if i >= 5:  # the first few warm the connection pool and the caches
            times.append(ms)
            hits.append(len(rows))
    times.sort()
    return {"queries": n, "p50_ms": round(statistics.median(times), 2),
            "p99_ms": round(times[min(len(times) - 1, int(len(times) * 0.99))], 2), "max_ms": round(times[-1], 2),
            "mean_rows": round(statistics.mean(hits), 1), "goal_p99_ms": GOAL_P99_MS,
            "meets_goal": times[min(len(times) - 1, int(len(times) * 0.99))] < GOAL_P99_MS}  # fmt: skip


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--events", type=int, default=1_000_000, help="events to store (default 1,000,000)")
    ap.add_argument("--queries", type=int, default=300, help="queries to time (default 300)")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--backends", default="sqlite,postgresql", help="comma-separated: sqlite, postgresql")
    ap.add_argument("--pg-url", default=os.environ.get("RAQIB_TEST_PG_URL"), help="PostgreSQL URL (env RAQIB_TEST_PG_URL)")
    ap.add_argument("--workdir", default=None, help="where the SQLite file goes (default a temporary folder)")
    args = ap.parse_args()
    result: dict = {"events": args.events, "machine": {"cpus": os.cpu_count()}}
    with tempfile.TemporaryDirectory(dir=args.workdir) as tmp:
        for backend in args.backends.split(","):
            if backend == "sqlite":
                url = f"sqlite:///{Path(tmp) / 'bench.db'}"
            elif args.pg_url:
                url = _fresh_pg_schema(args.pg_url)
            else:
                print("  postgresql: skipped (no --pg-url / RAQIB_TEST_PG_URL)", file=sys.stderr)
                continue
            store = open_store(url)
            load_s = fill(store, args.events, args.seed)
            result[backend] = {"load_s": round(load_s, 1), **queries(store, args.queries, args.seed)}
            print(f"  {backend}: {json.dumps(result[backend])}", file=sys.stderr, flush=True)
            store.engine.dispose()
            if backend == "postgresql":
                _drop_pg_schema(args.pg_url)
    print(json.dumps(result))
    for backend in ("sqlite", "postgresql"):
        if backend in result:
            r = result[backend]
            print(f"{backend}: {args.events:,} events loaded in {r['load_s']} s; window+box first page of 100: "
                  f"p50 {r['p50_ms']} ms, p99 {r['p99_ms']} ms (goal < {GOAL_P99_MS:.0f} ms), "
                  f"{r['mean_rows']} rows on average")  # fmt: skip


SCHEMA = f"bench_store_{os.getpid()}"  # one per run: runs may overlap on a shared server


def _fresh_pg_schema(base: str) -> str:
    from sqlalchemy import create_engine

    engine = create_engine(base)
    with engine.begin() as conn:
        conn.execute(text(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE"))
        conn.execute(text(f"CREATE SCHEMA {SCHEMA}"))
    engine.dispose()
    return f"{base}{'&' if '?' in base else '?'}options=-csearch_path%3D{SCHEMA},public"


def _drop_pg_schema(base: str) -> None:
    from sqlalchemy import create_engine

    engine = create_engine(base)
    with engine.begin() as conn:
        conn.execute(text(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE"))
    engine.dispose()


if __name__ == "__main__":
    main()
