"""List the control and deduplication mistakes of raqib on a gold set, for finding their causes.

    python scripts/control_misses.py tests/data/dev [--doc ID] [--no-control] [--no-dedup]

Control: per document, the gold rows no prediction matched and the predicted rows that matched no
gold row (place, controller, status, rule, evidence). Deduplication: every true duplicate pair of
the README's groups that was not predicted, with the reason (a side unmatched as an event, or the
test of ``raqib.dedup.same_happening`` that refused), and every false merge.
"""

from __future__ import annotations

import argparse
import sys
from itertools import combinations
from pathlib import Path
from typing import Any

# Run from a checkout: import the raqib beside this script, not an installed one.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from raqib.cli import predict_gold
from raqib.dedup import GROUPS, MAX_DAYS, _day, _same_place, _same_sides
from raqib.evaluate import dedup_groups, load_gold, score


def _short(text: str | None, n: int = 110) -> str:
    text = (text or "").replace("\n", " ")
    return text if len(text) <= n else text[: n - 1] + "…"


def _row(r: dict[str, Any]) -> str:
    return (f"{r.get('place_ar')!s:<28} {r.get('controller')!s:<8} {r.get('status', 'held'):<9} "
            f"{r.get('rule_id', '')!s:<28} | {_short(r.get('evidence'))}")  # fmt: skip


def _why_apart(a: dict[str, Any], b: dict[str, Any]) -> str:
    """The first test of ``same_happening`` that refuses the pair."""
    if GROUPS.get(a["kind"]) != GROUPS.get(b["kind"]):
        return f"kind groups differ ({a['kind']} / {b['kind']})"
    if not _same_sides(a, b):
        return f"sides differ ({a['actor1']}-{a['actor2']} / {b['actor1']}-{b['actor2']})"
    if not _same_place(a.get("location"), b.get("location")):
        la, lb = a.get("location") or {}, b.get("location") or {}
        return (f"places differ ({la.get('name_ar')} {la.get('precision')} {la.get('lat')},{la.get('lon')} / "
                f"{lb.get('name_ar')} {lb.get('precision')} {lb.get('lat')},{lb.get('lon')})")  # fmt: skip
    da, db = _day(a), _day(b)
    if da and db and abs((da - db).days) > MAX_DAYS:
        return f"days differ ({da} / {db})"
    return "same_happening agrees: clusters joined elsewhere differ (should not happen)"


def _ev(e: dict[str, Any]) -> str:
    loc = e.get("location") or {}
    d = e.get("date")
    day = d if isinstance(d, str) or d is None else f"{d.get('from')}..{d.get('to')}"
    return f"{e['kind']} {e.get('actor1')}->{e.get('actor2')} @{loc.get('name_ar')} {day}"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("gold_dir", type=Path)
    ap.add_argument("--doc", help="only this document id")
    ap.add_argument("--no-control", action="store_true")
    ap.add_argument("--no-dedup", action="store_true")
    args = ap.parse_args(argv)
    gold = load_gold(args.gold_dir)
    pred = predict_gold(gold)
    groups = dedup_groups(args.gold_dir / "README.md")
    scores = score(gold, pred, groups)
    gold_by_id = {g["id"]: g for g in gold}
    pred_by_id = {p["id"]: p for p in pred}
    out = sys.stdout
    if not args.no_control:
        for d in scores.documents:
            if args.doc and d.doc_id != args.doc:
                continue
            gc, pc = gold_by_id[d.doc_id].get("control") or [], pred_by_id[d.doc_id].get("control") or []
            if not d.unmatched_gold_control and not d.unmatched_pred_control:
                continue
            print(f"== {d.doc_id}  (gold {len(gc)}, pred {len(pc)}, matched {len(d.control_pairs)})", file=out)
            for i in d.unmatched_gold_control:
                print("  MISS  " + _row(gc[i]), file=out)
            for i in d.unmatched_pred_control:
                print("  FALSE " + _row(pc[i]), file=out)
    if not args.no_dedup:
        paired = {d.doc_id: dict(d.lenient_pairs) for d in scores.documents}
        print("\n== dedup: true pairs not predicted", file=out)
        true_pairs = set()
        for members in groups:
            refs = [(m.rpartition("#")[0], int(m.rpartition("#")[2])) for m in members]
            for a, b in combinations(sorted(refs), 2):
                true_pairs.add((a, b))
                if args.doc and args.doc not in (a[0], b[0]):
                    continue
                pa, pb = paired[a[0]].get(a[1]), paired[b[0]].get(b[1])
                ga, gb = gold_by_id[a[0]]["events"][a[1]], gold_by_id[b[0]]["events"][b[1]]
                if pa is None or pb is None:
                    side = " and ".join(f"{r[0]}#{r[1]}" for r, p in ((a, pa), (b, pb)) if p is None)
                    print(f"  UNMATCHED {side}: gold {_ev(ga)} / {_ev(gb)}", file=out)
                    continue
                ea, eb = pred_by_id[a[0]]["events"][pa], pred_by_id[b[0]]["events"][pb]
                if ea.get("cluster") != eb.get("cluster"):
                    print(f"  APART {a[0]}#{a[1]} / {b[0]}#{b[1]}: {_why_apart(ea, eb)}\n"
                          f"        pred {_ev(ea)} / {_ev(eb)}", file=out)  # fmt: skip
        print("\n== dedup: false merges", file=out)
        refs_of: dict[str, list[tuple[str, int, int]]] = {}
        for doc_id, pairs in paired.items():
            for gi, pi in pairs.items():
                c = pred_by_id[doc_id]["events"][pi].get("cluster")
                if c:
                    refs_of.setdefault(c, []).append((doc_id, gi, pi))
        for members in refs_of.values():
            for (da, ga, pa), (db, gb, pb) in combinations(sorted(members), 2):
                kind_a = gold_by_id[da]["events"][ga]["kind"]
                kind_b = gold_by_id[db]["events"][gb]["kind"]
                if da == db or GROUPS.get(kind_a) != GROUPS.get(kind_b) or ((da, ga), (db, gb)) in true_pairs:
                    continue
                if args.doc and args.doc not in (da, db):
                    continue
                print(f"  MERGED {da}#{ga} / {db}#{gb}: pred {_ev(pred_by_id[da]['events'][pa])} / "
                      f"{_ev(pred_by_id[db]['events'][pb])}", file=out)  # fmt: skip
    figs = scores.figures()
    print("\n" + "  ".join(f"{k} {figs[k].value:.3f} ({figs[k].num}/{figs[k].den})"
                           for k in ("control_precision", "control_recall", "control_f1", "dedup_precision",
                                     "dedup_recall", "dedup_f1")), file=out)  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
