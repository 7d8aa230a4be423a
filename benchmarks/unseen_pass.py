"""CPU time of the full pipeline (read, ``extract``, ``to_record``) per document the process has not
seen before, after a warm-up on other documents: what a batch worker pays for a new report.

    python benchmarks/unseen_pass.py --warm 300 --n 1000 --corpus benchmarks/out/batch/corpus-4000.jsonl

The geocoder and the recognisers cache their answers, so a document read twice costs less the second
time; here every timed document is new to the process. For a figure that the load of a shared machine
does not move, count instructions: run it under valgrind with and without the timed documents and
divide the difference by ``--n``::

    valgrind --tool=cachegrind --cache-sim=no python benchmarks/unseen_pass.py --warm 100 --n 0 ...
    valgrind --tool=cachegrind --cache-sim=no python benchmarks/unseen_pass.py --warm 100 --n 200 ...

(``python`` must be the interpreter itself, not a shell wrapper such as a pyenv shim.)

``--prepare`` measures what a ``raqib batch`` worker does per document instead: ``process`` then
``raqib.store.bulk.prepare`` (the store's rows, JSON encoded), as ``raqib.batch.run_partition`` does.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Sequence
from pathlib import Path

if __package__:
    from . import _common as common
    from .bench_extract import full_pass, load
else:
    import _common as common
    from bench_extract import full_pass, load


def main(argv: Sequence[str] | None = None) -> dict[str, object]:
    ap = argparse.ArgumentParser(description="CPU ms per unseen document of the full pipeline, after a warm-up.")
    ap.add_argument("--warm", type=int, default=300, help="documents read first, not timed (default 300)")
    ap.add_argument("--n", type=int, default=1000, help="documents timed after them (default 1000; 0: none)")
    ap.add_argument("--seed", type=int, default=7, help="corpus seed when generating (default 7)")
    ap.add_argument("--corpus", type=Path, help="read the documents from this .jsonl instead of generating")
    ap.add_argument("--prepare", action="store_true",
                    help="process and prepare each document as a batch worker does (default: extract and to_record)")
    args = ap.parse_args(argv)
    if args.warm < 0 or args.n < 0:
        ap.error("--warm and --n must be >= 0")
    res, _import_s, _load_s = load()
    lines = common.corpus_lines(args.warm + args.n, args.seed, args.corpus)
    if len(lines) < args.warm + args.n:
        ap.error(f"the corpus has {len(lines):,} documents; --warm {args.warm} and --n {args.n} need more")
    full_pass(lines[: args.warm], res, args.prepare)
    cpu = time.process_time()
    events, errors, messages = full_pass(lines[args.warm :], res, args.prepare)
    cpu = time.process_time() - cpu
    result: dict[str, object] = {
        "benchmark": "unseen-pass",
        "warm": args.warm,
        "n": args.n,
        "prepare": args.prepare,
        "corpus": str(args.corpus) if args.corpus else "generated",
        "cpu_ms_per_doc": round(1000 * cpu / args.n, 3) if args.n else None,
        "events": events,
        "errors": errors,
        "error_examples": messages,
        **common.machine(),
    }
    print(json.dumps(result, ensure_ascii=False))
    if args.n:
        print(f"{args.n:,} unseen docs after {args.warm:,}: {result['cpu_ms_per_doc']} CPU ms/doc, {events:,} events")
    return result


if __name__ == "__main__":
    sys.exit(1 if main().get("errors") else 0)
