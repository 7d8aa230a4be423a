"""Load on `raqib serve` over loopback: a fixed number of requests from many concurrent connections,
on SQLite and on PostgreSQL. Every non-2xx answer and every connection error or timeout counts as
an error; the run is valid only with 0 errors.

    python benchmarks/bench_load.py                      # 20,000 requests, 200 connections, both back ends
    python benchmarks/bench_load.py --requests 300 --connections 50 --reports 16 --backends sqlite

For each back end: a fresh store (a SQLite file, or a schema of its own in the PostgreSQL server of
``--pg-url`` / ``RAQIB_TEST_PG_URL``, dropped afterwards) is filled with the dev reports
(``tests/data/dev/*.json``) by ``raqib ingest``; ``raqib serve`` is started on a free loopback port as
a user starts it (one uvicorn process, its access log on); a few warm-up requests build the control
timeline; then the client (one process, ``httpx.AsyncClient`` with a pool of ``--connections``
connections, as many concurrent tasks) sends the requests, drawn with a fixed seed from the mix the
web map makes:

- 40 % ``/api/events`` with filters (kinds, actors, a box, a window of days, a page size);
- 25 % ``/api/control/map?as_of=DAY`` (half of them ``brief``, as the map's replay asks);
- 20 % ``/api/events.geojson?from=...&to=...&limit=500`` (the map's event layer);
- 15 % ``/api/meta``.

Latency is from sending a request to having read its whole body, on the client; the client shares the
machine's cores with the server, so its own CPU time is reported too. Prints one line of JSON (the
result) and one line per back end for people; exits with status 1 when any request failed.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlencode

from raqib.store.scratch import scratch_schema

if __package__:
    from . import _common as common
else:
    import _common as common

ROOT = Path(__file__).resolve().parents[1]
DEV = ROOT / "tests" / "data" / "dev"
KINDS = ["takeover", "clash", "airstrike", "shelling", "explosion", "killing", "arrest", "withdrawal", "agreement"]
ACTORS = ["SDF", "ISIS", "SYR-GOV", "HTS", "SNA", "TUR", "PMF", "HOUTHI", "RSF", "LNA"]
BOXES = ["35.7,32.3,42.4,37.4", "40.0,34.0,41.5,35.5", "36.5,35.5,38.5,37.0", "38.5,34.0,42.0,36.5", "30,12,60,40"]


# --------------------------------------------------------------------------------------------
# Stores and the server


def fill(url: str, reports: int, workdir: Path) -> dict[str, object]:
    """``raqib ingest`` the first ``reports`` dev reports into ``url``; its summary line."""
    folder = workdir / "reports"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    for path in sorted(DEV.glob("*.json"))[:reports]:
        shutil.copy(path, folder / path.name)
    t0 = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "raqib.cli", "ingest", str(folder), "--db", url],
                          capture_output=True, text=True, cwd=ROOT, env=_env(), check=False)  # fmt: skip
    summary = proc.stderr.strip().splitlines()[-1] if proc.stderr.strip() else ""
    if proc.returncode != 0:
        raise SystemExit(f"raqib ingest failed ({proc.returncode}):\n{proc.stderr[-3000:]}")
    return {"reports": len(list(folder.glob("*.json"))), "ingest_s": round(time.perf_counter() - t0, 2),
            "summary": summary}  # fmt: skip


def _env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k not in ("RAQIB_TOKEN", "RAQIB_DB")}


@contextlib.contextmanager
def serving(url: str, log: Path) -> Iterator[tuple[str, int]]:
    """``raqib serve --db url`` on a free loopback port: (base URL, pid)."""
    import httpx

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with open(log, "wb") as out:
        proc = subprocess.Popen([sys.executable, "-m", "raqib.cli", "serve", "--db", url, "--port", str(port)],
                                cwd=ROOT, env=_env(), stdout=out, stderr=subprocess.STDOUT)  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            if proc.poll() is not None:
                raise SystemExit(f"raqib serve exited with {proc.returncode}:\n{log.read_text()[-3000:]}")
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"{base}/api/meta", timeout=5).status_code == 200:
                    break
            if time.monotonic() > deadline:
                raise SystemExit("raqib serve did not answer within 90 s")
            time.sleep(0.2)
        yield base, proc.pid
    finally:
        proc.terminate()
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def cpu_seconds(pid: int) -> float | None:
    """User + system CPU seconds of a process so far (Linux /proc)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return None


def ram_gib() -> float | None:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return round(int(line.split()[1]) / 2**20, 1)
    except (OSError, ValueError):
        pass
    return None


# --------------------------------------------------------------------------------------------
# The requests


def days_between(first: str, last: str) -> list[str]:
    import datetime as dt

    a, b = dt.date.fromisoformat(first), dt.date.fromisoformat(last)
    return [(a + dt.timedelta(days=i)).isoformat() for i in range((b - a).days + 1)]


def requests_mix(meta: dict, n: int, seed: int) -> list[tuple[str, str]]:
    """``n`` (endpoint, path) pairs drawn with ``seed`` from the mix in the module's docstring."""
    import datetime as dt

    rng = random.Random(seed)
    ev = meta["dates"]["events"]
    ctl = meta["dates"]["control"]
    event_days = days_between(ev["from"], ev["to"]) if ev["from"] else ["2019-01-01"]
    control_days = days_between(ctl["from"], ctl["to"]) if ctl["from"] else event_days
    out = []
    for _ in range(n):
        x = rng.random()
        if x < 0.40:
            q: list[tuple[str, str]] = []
            for _ in range(rng.randint(1, 3)):
                pick = rng.choice(("kind", "actor", "bbox", "window", "certainty"))
                if pick == "kind":
                    q += [("kind", k) for k in rng.sample(KINDS, rng.randint(1, 3))]
                elif pick == "actor":
                    q += [("actor", a) for a in rng.sample(ACTORS, rng.randint(1, 2))]
                elif pick == "bbox":
                    q.append(("bbox", rng.choice(BOXES)))
                elif pick == "certainty":
                    q.append(("certainty", rng.choice(("reported", "claimed"))))
                else:
                    end = dt.date.fromisoformat(rng.choice(event_days))
                    q += [("from", (end - dt.timedelta(days=rng.choice((7, 30, 365)))).isoformat()),
                          ("to", end.isoformat())]  # fmt: skip
            q.append(("limit", str(rng.choice((20, 100, 200)))))
            out.append(("events", "/api/events?" + urlencode(q)))
        elif x < 0.65:
            q = [("as_of", rng.choice(control_days))] + ([("brief", "true")] if rng.random() < 0.5 else [])
            out.append(("control_map", "/api/control/map?" + urlencode(q)))
        elif x < 0.85:
            end = dt.date.fromisoformat(rng.choice(event_days))
            q = [("from", (end - dt.timedelta(days=30)).isoformat()), ("to", end.isoformat()), ("limit", "500")]
            out.append(("events_geojson", "/api/events.geojson?" + urlencode(q)))
        else:
            out.append(("meta", "/api/meta"))
    return out


async def load(base: str, reqs: list[tuple[str, str]], connections: int, timeout: float) -> dict[str, object]:
    """Send every request of ``reqs`` over ``connections`` concurrent connections."""
    import httpx

    latency = [0.0] * len(reqs)
    status = [0] * len(reqs)
    size = [0] * len(reqs)
    problems: list[str] = []
    todo = iter(range(len(reqs)))
    limits = httpx.Limits(max_connections=connections, max_keepalive_connections=connections)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=timeout) as client:

        async def worker() -> None:
            for i in todo:
                t0 = time.perf_counter()
                try:
                    r = await client.get(reqs[i][1])
                    status[i], size[i] = r.status_code, len(r.content)
                    if not 200 <= r.status_code < 300 and len(problems) < 10:
                        problems.append(f"{r.status_code} {reqs[i][1]}: {r.text[:200]}")
                except httpx.HTTPError as exc:
                    status[i] = -1
                    if len(problems) < 10:
                        cause = exc.__cause__ or exc.__context__
                        problems.append(f"{exc.__class__.__name__} ({cause!r}) after {time.perf_counter() - t0:.2f} s, "
                                        f"at {time.perf_counter() - start:.1f} s into the run: {reqs[i][1]}")  # fmt: skip
                latency[i] = time.perf_counter() - t0

        c0, t0 = time.process_time(), time.perf_counter()
        start = t0
        await asyncio.gather(*(worker() for _ in range(connections)))
        wall, client_cpu = time.perf_counter() - t0, time.process_time() - c0

    def ms(values: list[float]) -> dict[str, float]:
        v = sorted(values)
        if not v:
            return {}

        def q(p: float) -> float:
            return round(1000 * v[min(len(v) - 1, int(p * len(v)))], 1)

        return {"p50_ms": q(0.50), "p90_ms": q(0.90), "p99_ms": q(0.99), "max_ms": round(1000 * v[-1], 1),
                "mean_ms": round(1000 * statistics.fmean(v), 1)}  # fmt: skip

    errors = sum(1 for s in status if not 200 <= s < 300)
    by_endpoint = {}
    for name in sorted({e for e, _ in reqs}):
        idx = [i for i, (e, _) in enumerate(reqs) if e == name]
        by_endpoint[name] = {"requests": len(idx), "errors": sum(1 for i in idx if not 200 <= status[i] < 300),
                             "mean_kb": round(statistics.fmean(size[i] for i in idx) / 1024, 1),
                             **ms([latency[i] for i in idx])}  # fmt: skip
    return {
        "requests": len(reqs), "connections": connections, "errors": errors,
        "statuses": dict(sorted(Counter(str(s) for s in status).items())), "error_examples": problems,
        "wall_s": round(wall, 2), "requests_per_s": round(len(reqs) / wall, 1), **ms(latency),
        "client_cpu_s": round(client_cpu, 1), "by_endpoint": by_endpoint,
    }  # fmt: skip


def bench_backend(url: str, name: str, args: argparse.Namespace, workdir: Path) -> dict[str, object]:
    import httpx

    stored = fill(url, args.reports, workdir)
    log = workdir / f"serve-{name}.log"
    with serving(url, log) as (base, pid):
        meta = httpx.get(f"{base}/api/meta", timeout=30).json()
        reqs = requests_mix(meta, args.requests, args.seed)
        for _, path in reqs[:20]:  # warm-up: the control timeline, the resources, the first pages
            httpx.get(base + path, timeout=60)
        cpu0 = cpu_seconds(pid)
        result = asyncio.run(load(base, reqs, args.connections, args.timeout))
        cpu1 = cpu_seconds(pid)
    if cpu0 is not None and cpu1 is not None:
        result["server_cpu_s"] = round(cpu1 - cpu0, 1)
    result["server_log"] = str(log)
    return {"backend": name, "store": stored, "uvicorn_workers": 1, **result}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--requests", type=int, default=20_000, help="requests per back end (default 20,000)")
    ap.add_argument("--connections", type=int, default=200, help="concurrent connections (default 200)")
    ap.add_argument("--backends", default="sqlite,postgresql", help="comma-separated: sqlite, postgresql")
    ap.add_argument("--pg-url", default=os.environ.get("RAQIB_TEST_PG_URL"),
                    help="PostgreSQL server (default $RAQIB_TEST_PG_URL); a schema of its own is used and dropped")
    ap.add_argument("--reports", type=int, default=10_000, help="store only the first N dev reports (default all)")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--timeout", type=float, default=60.0, help="seconds before a request counts as failed")
    ap.add_argument("--workdir", type=Path, default=None, help="for the SQLite file and the server logs")
    args = ap.parse_args(argv)

    backends = [b.strip() for b in args.backends.split(",") if b.strip()]
    if "postgresql" in backends and not args.pg_url:
        print("bench_load: no PostgreSQL server (--pg-url or RAQIB_TEST_PG_URL): measuring SQLite only",
              file=sys.stderr)  # fmt: skip
        backends.remove("postgresql")
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="raqib-bench-load-"))
    workdir.mkdir(parents=True, exist_ok=True)
    result: dict[str, object] = {"benchmark": "load", "requests": args.requests, "connections": args.connections,
                                 "seed": args.seed, "machine": common.machine()}  # fmt: skip
    result["machine"]["ram_gib"] = ram_gib()  # type: ignore[index]
    humans = []
    for name in backends:
        if name == "sqlite":
            r = bench_backend(f"sqlite:///{workdir / 'load.db'}", name, args, workdir)
        else:
            with scratch_schema(args.pg_url, "bench_load") as url:
                r = bench_backend(url, name, args, workdir)
        result[name] = r
        humans.append(f"{name}: {r['requests']} requests over {r['connections']} connections in {r['wall_s']} s: "
                      f"{r['requests_per_s']} requests/s, p50 {r['p50_ms']} ms, p99 {r['p99_ms']} ms, "
                      f"{r['errors']} errors")  # fmt: skip
    result["machine"]["loadavg_1m_end"] = common.loadavg()  # type: ignore[index]
    errors = sum(int(result[b]["errors"]) for b in backends)  # type: ignore[index]
    result["valid"] = errors == 0
    common.emit(result, "\n".join(humans))
    return 0 if errors == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
