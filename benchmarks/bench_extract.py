"""Documents per second of the full pipeline: read (json.loads + ``document_from_json``),
``extract`` (normalise, segment, recognise, geocode, events, control) and ``to_record``, on one core.

The resources are loaded once, before the corpus is built (so the gazetteer is not already
cached), and the load time is reported on its own. Every timed run reads documents that the
process has not seen before (``--runs`` slices of ``--n`` documents): the geocoder and the
recognisers cache their answers, so a run over documents already read would measure the caches,
not the work a large archive of new reports costs. The text-layer floor (``bench_floor.py``) is
measured in the same process on the same documents, right after each full run, and the result
gives the ratio of the two (how many times the floor's time per document the full pipeline takes).

    python benchmarks/bench_extract.py                # 10,000 generated docs, median of 3 runs
    python benchmarks/bench_extract.py --n 50         # a quick check
    python benchmarks/bench_extract.py --profile      # cProfile over 1,000 docs, top 25 by cumulative time

Prints one line of JSON (the result) and one line for people.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import pstats
import sys
import time
from collections.abc import Sequence
from pathlib import Path

if __package__:
    from . import _common as common
else:
    import _common as common

#: Project goals (see BENCHMARKS.md).
GOAL_DOCS_PER_S = 1000.0
GOAL_RATIO = 4.0


def full_pass(lines: Sequence[str], res: object, batch: bool = False) -> tuple[int, int, list[str]]:
    """read + extract + to_record over every line: (events, errors, first error messages). With
    ``batch``: read + ``process`` + ``raqib.store.bulk.prepare``, what a ``raqib batch`` worker does."""
    from raqib.ingest import document_from_json
    from raqib.pipeline import extract, process
    from raqib.record import to_record

    if batch:
        from raqib.store.bulk import prepare

    versions = res.versions  # type: ignore[attr-defined]
    state = res.state_actors  # type: ignore[attr-defined]
    rules_v, gaz_v = versions["rules"], versions["gazetteer"]
    events = errors = 0
    messages: list[str] = []
    for lineno, line in enumerate(lines, 1):
        origin = f"corpus.jsonl:{lineno}"
        try:
            doc = document_from_json(json.loads(line), origin)
            if batch:
                events += len(prepare(doc, process(doc, res), versions).events)  # type: ignore[arg-type]
                continue
            record = to_record(extract(doc, res), state, rules_v, gaz_v)  # type: ignore[arg-type]
        except Exception as exc:  # noqa: BLE001 - counted and reported, the run goes on
            errors += 1
            if len(messages) < 5:
                messages.append(f"{origin}: {type(exc).__name__}: {exc}")
            continue
        events += len(record["events"])
    return events, errors, messages


def load() -> tuple[object, float, float]:
    """Resources, seconds to import the pipeline, seconds to load the resources."""
    t0 = time.perf_counter()
    import raqib.pipeline
    import raqib.record  # noqa: F401
    from raqib.resources import load_resources

    t1 = time.perf_counter()
    res = load_resources()
    return res, t1 - t0, time.perf_counter() - t1


def profile(lines: Sequence[str], res: object, top: int = 25, out: Path | None = None) -> str:
    """cProfile of the full pass over ``lines``: the top functions by cumulative and by own time."""
    prof = cProfile.Profile()
    prof.enable()
    full_pass(lines, res)
    prof.disable()
    if out:
        prof.dump_stats(str(out))
    buf = io.StringIO()
    stats = pstats.Stats(prof, stream=buf).strip_dirs()
    stats.sort_stats("cumulative").print_stats(top)
    stats.sort_stats("tottime").print_stats(15)
    return buf.getvalue()


def main(argv: Sequence[str] | None = None) -> dict[str, object]:
    ap = argparse.ArgumentParser(
        description="Documents/s of the full extract + to_record (with geocoding), with the text-layer floor "
        "measured in the same run.",
    )
    ap.add_argument(
        "--n", type=int, default=10_000, help="documents per run, each run new ones (default 10000)"
    )
    ap.add_argument("--seed", type=int, default=7, help="corpus seed (default 7)")
    ap.add_argument(
        "--runs", type=int, default=3, help="timed runs of each pass; medians reported (default 3)"
    )
    ap.add_argument(
        "--corpus", type=Path, help="read the first N documents of this .jsonl instead of generating"
    )
    ap.add_argument(
        "--pin", type=int, metavar="CPU", help="pin the process to this CPU (default: the scheduler's choice)"
    )
    ap.add_argument(
        "--profile", action="store_true", help="instead of timing, run cProfile over --profile-n documents"
    )
    ap.add_argument("--profile-n", type=int, default=1000, help="documents to profile (default 1000)")
    ap.add_argument("--profile-out", type=Path, help="also save the raw profile here (pstats format)")
    args = ap.parse_args(argv)
    if args.n < 1 or args.runs < 1 or args.profile_n < 1:
        ap.error("--n, --runs and --profile-n must be >= 1")

    cpu = common.pin_one_core(args.pin)
    res, import_s, load_s = load()  # before the corpus: its generator would load the gazetteer first

    if args.profile:
        lines = common.corpus_lines(args.profile_n, args.seed, args.corpus)
        t0 = time.perf_counter()
        report = profile(lines, res, out=args.profile_out)
        wall = time.perf_counter() - t0
        print(report)
        result = {
            "benchmark": "extract-profile",
            "n": len(lines),
            "seed": args.seed,
            "seconds_under_profiler": round(wall, 3),
            "docs_per_s_under_profiler": round(len(lines) / wall, 1),
            "pinned_cpu": cpu,
            **common.machine(),
        }
        common.emit(result, f"profiled {len(lines):,} docs in {wall:.2f}s (profiler overhead included)")
        return result

    # One slice of unseen documents per run (see the module docstring).
    lines = common.corpus_lines(args.n * args.runs, args.seed, args.corpus)
    if len(lines) < args.n * args.runs:
        ap.error(
            f"--corpus {args.corpus} has {len(lines):,} documents; {args.runs} runs of {args.n:,} unseen "
            f"documents need {args.n * args.runs:,}: lower --n or --runs, or give a longer corpus"
        )
    n = args.n
    slices = [lines[r * n : (r + 1) * n] for r in range(args.runs)]
    load_start = common.loadavg()
    floor_s: list[float] = []
    full_s: list[float] = []
    floor_cpu: list[float] = []
    full_cpu: list[float] = []
    events = errors = 0
    messages: list[str] = []
    for run in slices:
        # The full pass first: the floor's tokens would warm caches the full pass shares with it.
        t, c, (run_events, run_errors, run_messages) = common.timed(lambda run=run: full_pass(run, res))
        events += run_events
        errors += run_errors
        messages = (messages + run_messages)[:5]
        full_s.append(t)
        full_cpu.append(c)
        t, c, _sentences = common.timed(lambda run=run: common.floor_pass(run))
        floor_s.append(t)
        floor_cpu.append(c)
    floor_rate = common.docs_per_s(n, floor_s)
    full_rate = common.docs_per_s(n, full_s)
    ratio = floor_rate / full_rate
    cpu_ratio = common.docs_per_s(n, floor_cpu) / common.docs_per_s(n, full_cpu)
    versions = res.versions  # type: ignore[attr-defined]
    result = {
        "benchmark": "extract",
        "n": n,
        "seed": args.seed,
        "corpus": str(args.corpus) if args.corpus else "generated",
        "runs": args.runs,
        "unseen_documents_per_run": True,
        "documents_read": n * args.runs,
        "full_seconds": [round(s, 4) for s in full_s],
        "floor_seconds": [round(s, 4) for s in floor_s],
        "full_cpu_seconds": [round(s, 4) for s in full_cpu],
        "floor_cpu_seconds": [round(s, 4) for s in floor_cpu],
        "docs_per_s": round(full_rate, 1),
        "floor_docs_per_s": round(floor_rate, 1),
        "ratio_full_to_floor": round(ratio, 2),
        "docs_per_cpu_s": round(common.docs_per_s(n, full_cpu), 1),
        "floor_docs_per_cpu_s": round(common.docs_per_s(n, floor_cpu), 1),
        "cpu_ratio_full_to_floor": round(cpu_ratio, 2),
        "import_s": round(import_s, 3),
        "resource_load_s": round(load_s, 3),
        "events": events,
        "errors": errors,
        "error_examples": messages,
        "goal_docs_per_s": GOAL_DOCS_PER_S,
        "goal_ratio": GOAL_RATIO,
        "valid": errors == 0,
        "goals_met": errors == 0 and full_rate >= GOAL_DOCS_PER_S and ratio <= GOAL_RATIO,
        "versions": dict(versions),
        "pinned_cpu": cpu,
        "loadavg_1m_start": load_start,
        **common.machine(),
    }
    if errors:
        print(
            f"bench_extract: {errors} of {n * args.runs} documents failed, e.g. {messages[0]}",
            file=sys.stderr,
        )
    common.emit(
        result,
        f"{'INVALID (documents failed): ' if errors else ''}"
        f"full extract + to_record: {full_rate:,.0f} docs/s; floor {floor_rate:,.0f} docs/s; "
        f"full/floor time ratio {ratio:.2f}; resources loaded in {load_s:.2f}s "
        f"(median of {args.runs} runs over {n:,} unseen docs each; {events:,} events and {errors} errors in all; "
        f"goals >= {GOAL_DOCS_PER_S:,.0f} docs/s and <= {GOAL_RATIO:g}x floor: "
        f"{'met' if result['goals_met'] else 'missed'})",
    )
    return result


if __name__ == "__main__":
    outcome = main()
    # A run in which documents failed measures the failures, not the pipeline: exit 1.
    sys.exit(1 if outcome.get("errors") else 0)
