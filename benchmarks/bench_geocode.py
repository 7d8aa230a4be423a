"""Gazetteer load time and memory, and geocoding throughput on one core.

    python benchmarks/bench_geocode.py            # 5 runs of 5,000 exact and 2,000 fuzzy look-ups
    python benchmarks/bench_geocode.py --n 1000   # smaller

* load: ``load_gazetteer`` of the packaged index (median of 5 loads, the file cache warm);
* memory: tracemalloc peak of one load, and the growth of the process RSS;
* exact: ``geocode(name, "ريف <governorate>", country)`` for Arabic names of the index;
* fuzzy: the same names with one letter changed, so that the Arabic index misses and the
  romanised name is matched across scripts in the governorate (or the context is used).

The name-parse and romanisation caches are cleared before every run; context parses and area
pools stay cached (contexts repeat within and across reports). Prints one line of JSON and one
line for people.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from raqib import gazetteer as G
from raqib import geocode as GC


def _rss_mb() -> float:
    try:
        with open("/proc/self/statm") as fh:
            return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
    except OSError:
        return float("nan")


def _clear_name_caches() -> None:
    GC._parse_name.cache_clear()
    G._romanize_cached.cache_clear()
    G.romanized_keys.cache_clear()


_LETTERS = "ابتثجحخدذرزسشصضطظعغفقكلمنهوي"


def _perturb(name: str, rnd: random.Random) -> str:
    chars = list(name)
    idx = [i for i, c in enumerate(chars) if c in _LETTERS]
    i = rnd.choice(idx)
    chars[i] = rnd.choice(_LETTERS.replace(chars[i], ""))
    return "".join(chars)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=5000, help="exact look-ups per run (fuzzy: 2/5 of it)")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})

    path = G._default_path()
    G.load_gazetteer(path)  # warm the file cache and the imports
    loads = []
    for _ in range(args.runs):
        G._LOADED.clear()
        t0 = time.perf_counter()
        gaz = G.load_gazetteer(path)
        loads.append(time.perf_counter() - t0)
    G._LOADED.clear()
    rss0 = _rss_mb()
    tracemalloc.start()
    gaz = G.load_gazetteer(path)
    _cur, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rss_growth = _rss_mb() - rss0

    rnd = random.Random(args.seed)
    pool = [
        e for e in gaz.entries if e.name_ar and e.country in ("SY", "IQ") and e.admin_ar and e.admin_ar[0]
    ]
    items = [(e.name_ar, "ريف " + e.admin_ar[0], e.country) for e in rnd.sample(pool, min(args.n, len(pool)))]
    fuzzy = [(_perturb(n, rnd), c, cc) for n, c, cc in items if sum(ch in _LETTERS for ch in n) >= 3]
    fuzzy = fuzzy[: max(1, args.n * 2 // 5)]

    def run(batch: list[tuple[str, str, str | None]]) -> float:
        _clear_name_caches()
        t0 = time.perf_counter()
        for name, ctx, cc in batch:
            GC.geocode(gaz, name, ctx, cc)
        return len(batch) / (time.perf_counter() - t0)

    run(items[:200])  # contexts parsed, pools built once, as in a long-running process
    run(fuzzy[:200])
    exact = [run(items) for _ in range(args.runs)]
    fz = [run(fuzzy) for _ in range(args.runs)]
    how: dict[str, int] = {}
    for name, ctx, cc in fuzzy:
        m = GC.geocode(gaz, name, ctx, cc).matched_by
        how[m] = how.get(m, 0) + 1
    result = {
        "index": str(path),
        "index_mb": round(path.stat().st_size / 2**20, 2),
        "entries": len(gaz.entries),
        "version": gaz.version,
        "load_s_median": round(statistics.median(loads), 3),
        "load_s_all": [round(x, 3) for x in loads],
        "tracemalloc_peak_mb": round(peak / 2**20, 1),
        "rss_growth_mb": round(rss_growth, 1),
        "exact_per_s_median": round(statistics.median(exact)),
        "fuzzy_per_s_median": round(statistics.median(fz)),
        "exact_n": len(items),
        "fuzzy_n": len(fuzzy),
        "fuzzy_matched_by": how,
        "python": sys.version.split()[0],
        "cpus_visible": os.cpu_count(),
        "loadavg": os.getloadavg() if hasattr(os, "getloadavg") else None,
    }
    print(json.dumps(result, ensure_ascii=False))
    print(
        f"load {result['load_s_median']} s, peak {result['tracemalloc_peak_mb']} MB (RSS +{result['rss_growth_mb']} MB); "
        f"exact {result['exact_per_s_median']}/s, fuzzy {result['fuzzy_per_s_median']}/s "
        f"(median of {args.runs}; load average {result['loadavg']})"
    )


if __name__ == "__main__":
    main()
