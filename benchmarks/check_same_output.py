"""Check that a change to the code leaves every output record as it was: dump the records of the
dev documents and of part of the generated corpus, then compare two dumps byte for byte.

    python benchmarks/check_same_output.py dump -o /tmp/before.jsonl        # on the old code
    python benchmarks/check_same_output.py dump -o /tmp/after.jsonl         # on the new code
    python benchmarks/check_same_output.py compare /tmp/before.jsonl /tmp/after.jsonl

A dump holds one line per document: the input's sha256 (so a changed corpus is told apart from a
changed output) and the record as ``json.dumps(record, sort_keys=True, ensure_ascii=False)``. It
covers every document of ``tests/data/dev`` (read as ``raqib eval`` reads them) and ``--n``
documents of the generated corpus for each of ``--seeds``. ``--reverse`` processes the documents
in the opposite order with the same records expected: caches on the resources must not change an
answer, whatever they have already seen.

The corpus generator reads the gazetteer; ``--corpus-cache`` keeps the generated lines in a file
(written on the first run, read on later ones) so that a change to the gazetteer code cannot change
the input along with the output.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path

if __package__:
    from . import _common as common
else:
    import _common as common

ROOT = Path(__file__).resolve().parent.parent
DEV = ROOT / "tests" / "data" / "dev"
# The code checked is this checkout's, even when another one is installed in editable mode.
sys.path.insert(0, str(ROOT))
#: The day the publication-date check compares with: fixed, so that dumps made on different days agree.
TODAY = dt.date(2026, 1, 1)


def inputs(n: int, seeds: Sequence[int], cache: Path | None) -> list[tuple[str, dict]]:
    """(label, document JSON) of every dev document, then ``n`` corpus documents per seed."""
    from raqib.evaluate import load_gold

    out = []
    for g in load_gold(DEV):
        visible = {k: g[k] for k in ("id", "text", "published", "title", "url", "outlet", "source") if k in g}
        out.append((f"dev:{g['id']}", visible))
    for seed in seeds:
        path = cache.with_name(f"{cache.stem}-{n}-{seed}{cache.suffix}") if cache else None
        if path and path.exists():
            lines = path.read_text("utf-8").splitlines()
        else:
            lines = common.corpus_lines(n, seed)
            if path:
                path.write_text("\n".join(lines) + "\n", "utf-8")
        out.extend((f"corpus:{seed}:{i}", json.loads(line)) for i, line in enumerate(lines, 1))
    return out


def dump_lines(docs: Sequence[tuple[str, dict]], reverse: bool) -> Iterator[tuple[int, str]]:
    """(position, dump line) of every document, in input order or reversed."""
    from raqib.ingest import document_from_json
    from raqib.pipeline import process
    from raqib.resources import load_resources

    res = load_resources()
    order = range(len(docs) - 1, -1, -1) if reverse else range(len(docs))
    for i in order:
        label, raw = docs[i]
        digest = hashlib.sha256(json.dumps(raw, sort_keys=True, ensure_ascii=False).encode()).hexdigest()[:16]
        record = process(document_from_json(raw, label), res, today=TODAY)
        yield i, f"{label}\t{digest}\t{json.dumps(record, sort_keys=True, ensure_ascii=False)}"


def dump(args: argparse.Namespace) -> int:
    docs = inputs(args.n, args.seeds, args.corpus_cache)
    lines = [""] * len(docs)
    for i, line in dump_lines(docs, args.reverse):
        lines[i] = line
    Path(args.output).write_text("\n".join(lines) + "\n", "utf-8")
    import raqib

    print(f"{len(lines):,} records of {Path(raqib.__file__).parent} written to {args.output}", file=sys.stderr)
    return 0


def compare(args: argparse.Namespace) -> int:
    a = Path(args.before).read_text("utf-8").splitlines()
    b = Path(args.after).read_text("utf-8").splitlines()
    if len(a) != len(b):
        print(f"different number of records: {len(a)} vs {len(b)}")
        return 1
    differ = 0
    for x, y in zip(a, b, strict=True):
        lx, hx, rx = x.split("\t", 2)
        ly, hy, ry = y.split("\t", 2)
        if (lx, hx) != (ly, hy):
            print(f"different inputs: {lx} {hx} vs {ly} {hy} (regenerate both dumps from one corpus)")
            return 1
        if rx != ry:
            differ += 1
            if differ <= args.show:
                print(f"--- {lx}\n  before: {rx[:2000]}\n  after:  {ry[:2000]}")
    print(f"{differ} of {len(a):,} records differ")
    return 1 if differ else 0


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Dump output records and compare two dumps byte for byte.")
    sub = ap.add_subparsers(dest="command", required=True)
    d = sub.add_parser("dump", help="write the records of the dev set and part of the corpus")
    d.add_argument("-o", "--output", required=True, help="dump file to write")
    d.add_argument("--n", type=int, default=3000, help="corpus documents per seed (default 3000)")
    d.add_argument("--seeds", type=int, nargs="+", default=[7, 11], help="corpus seeds (default 7 11)")
    d.add_argument("--reverse", action="store_true", help="process the documents in reverse order")
    d.add_argument(
        "--corpus-cache", type=Path, help="keep the generated corpus here (e.g. /tmp/corpus.jsonl; one per seed)"
    )
    c = sub.add_parser("compare", help="compare two dumps; exit 1 when a record differs")
    c.add_argument("before")
    c.add_argument("after")
    c.add_argument("--show", type=int, default=3, help="differing records to print (default 3)")
    args = ap.parse_args(argv)
    return dump(args) if args.command == "dump" else compare(args)


if __name__ == "__main__":
    sys.exit(main())
