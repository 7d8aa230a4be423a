"""The text-layer floor: documents per second of reading (json.loads of a JSON Lines line +
``document_from_json``), ``normalize`` and ``segment`` on one core.

No extractor can be faster than this, so it is the yardstick for ``bench_extract.py``.

    python benchmarks/bench_floor.py            # 10,000 generated documents, median of 5 runs
    python benchmarks/bench_floor.py --n 50     # a quick check

Prints one line of JSON (the result) and one line for people.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

if __package__:
    from . import _common as common
else:
    import _common as common


def main(argv: Sequence[str] | None = None) -> dict[str, object]:
    ap = argparse.ArgumentParser(
        description="Documents/s of read + normalize + segment (the text-layer floor)."
    )
    ap.add_argument("--n", type=int, default=10_000, help="documents (default 10000)")
    ap.add_argument("--seed", type=int, default=7, help="corpus seed (default 7)")
    ap.add_argument("--runs", type=int, default=5, help="timed runs; the median is reported (default 5)")
    ap.add_argument(
        "--corpus", type=Path, help="read the first N documents of this .jsonl instead of generating"
    )
    ap.add_argument(
        "--pin", type=int, metavar="CPU", help="pin the process to this CPU (default: the scheduler's choice)"
    )
    args = ap.parse_args(argv)
    if args.n < 1 or args.runs < 1:
        ap.error("--n and --runs must be >= 1")

    cpu = common.pin_one_core(args.pin)
    lines = common.corpus_lines(args.n, args.seed, args.corpus)
    n = len(lines)
    chars = sum(len(line) for line in lines)
    load_start = common.loadavg()
    seconds: list[float] = []
    cpu_seconds: list[float] = []
    sentences = 0
    for _ in range(args.runs):
        t, c, sentences = common.timed(lambda: common.floor_pass(lines))
        seconds.append(t)
        cpu_seconds.append(c)
    rate = common.docs_per_s(n, seconds)
    cpu_rate = common.docs_per_s(n, cpu_seconds)
    result = {
        "benchmark": "floor",
        "n": n,
        "seed": args.seed,
        "corpus": str(args.corpus) if args.corpus else "generated",
        "runs": args.runs,
        "seconds": [round(s, 4) for s in seconds],
        "cpu_seconds": [round(s, 4) for s in cpu_seconds],
        "docs_per_s": round(rate, 1),
        "docs_per_cpu_s": round(cpu_rate, 1),
        "sentences": sentences,
        "json_chars": chars,
        "pinned_cpu": cpu,
        "loadavg_1m_start": load_start,
        **common.machine(),
    }
    common.emit(
        result,
        f"floor (read + normalize + segment): {rate:,.0f} docs/s ({cpu_rate:,.0f} per CPU second), "
        f"median of {args.runs} runs over {n:,} docs (runs {', '.join(f'{s:.2f}s' for s in seconds)})",
    )
    return result


if __name__ == "__main__":
    main()
    sys.exit(0)
