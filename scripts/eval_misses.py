"""Per-document diagnosis of event extraction on a gold set: unmatched gold events, unmatched
predictions, and matched pairs whose actors, counts or evidence disagree.

    PYTHONPATH=. python scripts/eval_misses.py tests/data/dev [--doc ID] [--only missed|spurious|pairs|counts]

``--only counts`` lists, per matched pair, the count items the prediction misses (gold items it lacks),
gets wrong (items it has that gold lacks) and whether its evidence misses, with the lengths.

The figures themselves come from ``raqib eval``; this lists what lies behind them.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from raqib.cli import predict_gold
from raqib.evaluate import (
    _actor_agreement,
    _count_items,
    _date_gap,
    _event,
    _evidence_hit,
    _kind_tier,
    _place_tier,
    dedup_groups,
    load_gold,
    score,
)


def _place(ev: Mapping[str, Any]) -> str:
    loc = ev.get("location") or {}
    return str(loc.get("name_ar"))


def _date(ev: Mapping[str, Any]) -> str:
    d = ev.get("date")
    if isinstance(d, dict):
        return f"{d.get('from')}..{d.get('to')}"
    return str(d)


def _line(ev: Mapping[str, Any], width: int = 110) -> str:
    evidence = " ".join(str(ev.get("evidence", "")).split())
    if len(evidence) > width:
        evidence = evidence[:width] + "…"
    return (f"{ev.get('kind')}: {ev.get('actor1')} -> {ev.get('actor2')} @ {_place(ev)} [{_date(ev)}] "
            f"{dict(ev.get('counts') or {})} {ev.get('rule_id', '')}\n        «{evidence}»")  # fmt: skip


def _cause(gold: Mapping[str, Any], preds: list[Mapping[str, Any]]) -> str:
    """Why a gold event found no partner: which of kind, place and date the nearest unmatched
    prediction gets wrong ("none" when no prediction shares two of the three)."""
    g = _event(gold)
    for p in map(_event, preds):
        ok = (_kind_tier(g, p, True) is not None, _place_tier(g.place, p.place) is not None,
              _date_gap(g.date, p.date) is not None)  # fmt: skip
        if sum(ok) == 2:
            return ("kind", "place", "date")[ok.index(False)]
    return "none"


def _count_lines(text: str, doc: Any) -> list[str]:
    """Per matched pair: count items missed (gold only) and wrong (prediction only), and an evidence miss."""
    lines = []
    for gi, pi in doc.lenient_pairs:
        g, p = doc.gold_events[gi], doc.pred_events[pi]
        gold_items, pred_items = _count_items(g.get("counts")), _count_items(p.get("counts"))
        missed, wrong = sorted(gold_items - pred_items), sorted(pred_items - gold_items)
        hit = _evidence_hit(text, g, p)
        if not (missed or wrong or not hit):
            continue
        head = f"  #{gi} {g['kind']} @ {_place(g)}"
        if missed or wrong:
            head += f"  missed {missed}  wrong {wrong}"
        lines.append(head)
        if not hit:
            pe = str(p.get("evidence", ""))
            lines.append(f"    EVIDENCE gold {len(g.get('evidence', ''))} chars, pred {len(pe)} chars")
            lines.append(f"      gold «{' '.join(str(g.get('evidence', '')).split())}»")
            lines.append(f"      pred «{' '.join(pe.split())}»")
        else:
            lines.append(f"      «{' '.join(str(g.get('evidence', '')).split())}»")
    return lines


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("gold_dir", type=Path)
    ap.add_argument("--doc", help="only this document id")
    ap.add_argument("--only", choices=["missed", "spurious", "pairs", "counts"], help="only this section")
    args = ap.parse_args(argv)
    gold = load_gold(args.gold_dir)
    if args.doc:
        gold = [g for g in gold if g["id"] == args.doc]
    pred = predict_gold(gold)
    scores = score(gold, pred, dedup_groups(args.gold_dir / "README.md"))
    causes: dict[str, int] = {}
    texts = {g["id"]: g.get("text", "") for g in gold}
    for doc in scores.documents:
        lines: list[str] = []
        if args.only in (None, "missed"):
            extra = [doc.pred_events[i] for i in doc.unmatched_pred]
            for i in doc.unmatched_gold:
                cause = _cause(doc.gold_events[i], extra)
                causes[cause] = causes.get(cause, 0) + 1
                lines.append(f"  MISS({cause}) {_line(doc.gold_events[i])}")
        if args.only in (None, "spurious"):
            lines += [f"  EXTRA {_line(doc.pred_events[i])}" for i in doc.unmatched_pred]
        if args.only in (None, "pairs"):
            for gi, pi in doc.lenient_pairs:
                g, p = doc.gold_events[gi], doc.pred_events[pi]
                a1, a2 = _actor_agreement(_event(g), _event(p))
                counts_ok = _count_items(g.get("counts")) == _count_items(p.get("counts"))
                hit = _evidence_hit(texts[doc.doc_id], g, p)
                problems = [w for w, ok in (("actor1", a1), ("actor2", a2), ("counts", counts_ok),
                                             ("evidence", hit), ("kind", g["kind"] == p["kind"])) if not ok]  # fmt: skip
                if problems:
                    lines.append(f"  PAIR  {','.join(problems)}\n    gold {_line(g)}\n    pred {_line(p)}")
        if args.only == "counts":
            lines += _count_lines(texts[doc.doc_id], doc)
        if lines:
            print(f"== {doc.doc_id}")
            print("\n".join(lines))
    print(f"\nmisses by the field the nearest prediction gets wrong: {causes}", file=sys.stderr)
    print(f"\nlenient F1 {scores.events_lenient_f1.value:.3f}  strict F1 {scores.events_strict_f1.value:.3f}  "
          f"actor1 {scores.actor1_accuracy.value:.3f}  counts F1 {scores.counts_f1.value:.3f}  "
          f"evidence {scores.evidence_hits.value:.3f}", file=sys.stderr)  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
