"""The cross-report step after a batch: events of one happening in several stored reports get one
cluster id, with the rules of ``raqib.dedup`` (``same_happening``) but without comparing every pair.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
import time
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

#: Grid cell for the "within 5 km" test of ``raqib.dedup``: 0.1° is at least 5.5 km north-south
#: everywhere and east-west below 60° latitude (the regions raqib covers), so two places 5 km apart
#: are in the same or neighbouring cells.
_CELL_DEG = 0.1
_FINE = frozenset(["village", "town", "city", "neighbourhood", "landmark", "camp"])


class _Class:
    """Events of one bucket that ``same_happening`` cannot tell apart but by day and document: same
    kind class, sides, place name, point and precision. An undated event matches every member of a
    class or none, except those of its own document; ``hubs`` remembers, per document left out
    ("*": none), a member of the component that already holds all the other members."""

    __slots__ = ("by_doc", "hubs", "pick", "rep")

    def __init__(self, rep: int) -> None:
        self.rep = rep
        self.by_doc: dict[str, list[int]] = {}
        self.hubs: dict[str, int | None] = {}
        self.pick: list[int] | None = None
        """Once the whole class is one component: members of (up to) two different documents."""


def cluster_events(
    items: Sequence[tuple[str, int, dict[str, Any]]], published: Mapping[str, str | dt.date | None] | None = None
) -> list[str]:
    """The cluster id of every event (``(document id, seq, event record)``, a document's events
    together in seq order; ``published``: each document's publication day), the same as
    ``raqib.dedup.assign_clusters`` gives over the documents' records.

    Instead of comparing every pair of a kind group, events are compared only when they could pass
    ``same_happening``'s place test: they share a word of the place name (one name inside the other
    implies that) or lie in neighbouring grid cells. Inside such a bucket, two dated events are
    compared only when their spans are at most ``MAX_DAYS`` apart; an undated event (it matches any
    day) is compared with one member of each ``_Class`` and joined to the members of the classes it
    matches, so a
    bucket costs about (undated events x classes), not (undated events x events). An undated event
    whose report tells something of its day (a ``raqib.dedup.Window``) is compared with each member
    of the classes it matches but for the day. Pairs already in one cluster are not compared again."""
    from raqib.dedup import (
        _UNORDERED,
        GROUPS,
        MAX_DAYS,
        OTHERS,
        UNBOUNDED,
        WINDOW,
        _same_but_day,
        _span,
        days_agree,
        one_per_report,
        with_windows,
    )
    from raqib.normalize import bare

    by_doc: dict[str, list[int]] = defaultdict(list)
    for n, (doc, _, _) in enumerate(items):
        by_doc[doc].append(n)
    evs = [ev for _, _, ev in items]
    for doc, ns in by_doc.items():
        for n, ev in zip(ns, with_windows([items[n][2] for n in ns], (published or {}).get(doc)), strict=True):
            evs[n] = ev

    parent = list(range(len(items)))
    docs = [doc for doc, _, _ in items]

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def union(i: int, j: int) -> None:
        ri, rj = find(i), find(j)
        if ri != rj:
            parent[ri] = rj

    buckets: dict[tuple[Any, ...], list[int]] = defaultdict(list)
    days: list[int | None] = []
    lasts: list[int] = []  # last day of each dated event's span (a month for "في سبتمبر")
    sigs: list[tuple[Any, ...] | None] = []
    for n, ev in enumerate(evs):
        span = _span(ev)
        days.append(span[0].toordinal() if span else None)
        lasts.append(span[1].toordinal() if span else 0)
        loc = ev.get("location")
        if not loc:
            sigs.append(None)
            continue  # no place: same_happening never matches it
        group = GROUPS.get(ev["kind"])
        name = bare(loc.get("name_ar") or "")
        unordered = ev["kind"] in _UNORDERED
        # same_happening reads the kind and actor2 too (a takeover against a withdrawal)
        sigs.append((unordered, ev["kind"], ev["actor1"], ev.get("actor2"), name, loc.get("lat"),
                     loc.get("lon"), loc.get("precision"), ev.get(OTHERS), ev.get(UNBOUNDED)))  # fmt: skip
        for word in set(name.split()):
            buckets[(group, "w", word)].append(n)
        if loc.get("lat") is not None and loc.get("lon") is not None and loc.get("precision") in _FINE:
            cell = (math.floor(loc["lat"] / _CELL_DEG), math.floor(loc["lon"] / _CELL_DEG))
            buckets[(group, "c", cell, loc["precision"])].append(n)

    classes_of: dict[tuple[Any, ...], list[_Class]] = {}

    def classes(bkey: tuple[Any, ...]) -> list[_Class]:
        if bkey not in classes_of:
            by_sig: dict[Any, _Class] = {}
            for n in buckets[bkey]:
                k = by_sig.setdefault(sigs[n], _Class(n))
                k.by_doc.setdefault(docs[n], []).append(n)
            classes_of[bkey] = list(by_sig.values())
        return classes_of[bkey]

    def join(x: int, k: _Class) -> None:
        """Join the undated event ``x`` to every member of ``k`` from another document."""
        dx = docs[x]
        if k.pick is not None:
            for m in k.pick:
                if docs[m] != dx:
                    union(x, m)
                    return
            return
        left_out = dx if dx in k.by_doc else "*"
        if left_out in k.hubs:
            hub = k.hubs[left_out]
            if hub is not None:
                union(x, hub)
            return
        members = [m for d, ms in k.by_doc.items() if d != left_out for m in ms]
        k.hubs[left_out] = members[0] if members else None
        for m in members:
            union(x, m)
        # All members in one component: every member left out by one hub is in the other (or "*").
        if "*" in k.hubs or (len(k.hubs) >= 2 and len(k.by_doc) >= 3):
            k.pick = [ms[0] for ms in list(k.by_doc.values())[:2]]

    def link(i: int, j: int) -> None:
        if docs[i] != docs[j] and find(i) != find(j) and _same_but_day(evs[i], evs[j]) and days_agree(evs[i], evs[j]):
            union(i, j)

    def compare(mine: tuple[Any, ...], theirs: tuple[Any, ...] | None = None) -> None:
        """Events of bucket ``mine`` among themselves, or against those of bucket ``theirs``."""
        a = buckets[mine]
        b = a if theirs is None else buckets[theirs]
        pool = a if theirs is None else a + b
        in_a = set(a)
        dated = sorted((d, i) for i in pool if (d := days[i]) is not None)
        for x, (_dx, i) in enumerate(dated):
            for dy, j in dated[x + 1 :]:
                if dy - lasts[i] > MAX_DAYS:  # sorted by first day: every later one is further
                    break
                if theirs is None or (i in in_a) != (j in in_a):
                    link(i, j)
        for side, target in [(a, mine)] if theirs is None else [(a, theirs), (b, mine)]:
            targets = classes(target)
            matches: dict[Any, list[_Class]] = {}
            for x in side:
                if days[x] is not None:
                    continue
                if WINDOW in evs[x]:  # its day matters: member by member
                    for k in targets:
                        if _same_but_day(evs[x], evs[k.rep]):
                            for d, ms in k.by_doc.items():
                                if d != docs[x]:
                                    for m in ms:
                                        if find(m) != find(x) and days_agree(evs[x], evs[m]):
                                            union(x, m)
                    continue
                if sigs[x] not in matches:
                    matches[sigs[x]] = [k for k in targets if _same_but_day(evs[x], evs[k.rep])]
                for k in matches[sigs[x]]:
                    join(x, k)

    for bkey in list(buckets):
        compare(bkey)
        if bkey[1] == "c":
            group, _, (la, lo), precision = bkey
            for dla, dlo in ((0, 1), (1, -1), (1, 0), (1, 1)):  # each neighbouring pair of cells once
                other = (group, "c", (la + dla, lo + dlo), precision)
                if other in buckets:
                    compare(bkey, other)

    groups: dict[int, list[int]] = defaultdict(list)
    for n in range(len(items)):
        groups[find(n)].append(n)
    out = [""] * len(items)
    split = []
    for members in groups.values():
        found = [(items[n][0], items[n][1], evs[n]) for n in members]
        split += [[members[x] for x in part] for part in one_per_report(found)]
    for members in split:
        keys = sorted(f"{items[n][0]}#{items[n][1]}" for n in members)
        cluster = "evt-" + hashlib.sha256("|".join(keys).encode()).hexdigest()[:12]
        for n in members:
            out[n] = cluster
    return out


@dataclass(frozen=True)
class ClusterReport:
    """The outcome of ``cluster_stored``."""

    events: int
    """Events considered (all not rejected)."""
    clusters: int
    """Clusters, singletons included."""
    multi: int
    """Clusters with events of more than one report."""
    changed: int
    """Events whose cluster id was written."""
    seconds: float
    """Time taken."""


def _matching_fields(ev: dict[str, Any]) -> dict[str, Any]:
    """The part of an event record ``raqib.dedup.same_happening`` reads (a tenth of its memory)."""
    loc, date = ev.get("location"), ev.get("date")
    return {"kind": ev["kind"], "actor1": ev["actor1"], "actor2": ev.get("actor2"),
            "location": {k: loc.get(k) for k in ("name_ar", "lat", "lon", "precision")} if loc else None,
            "date": {"from": date.get("from"), "to": date.get("to")} if date else None}  # fmt: skip


def cluster_stored(store: Any) -> ClusterReport:
    """Give the stored events of one happening one cluster id (``cluster_events``) and write the ids
    that changed (``Store.set_clusters``)."""
    from raqib.store import iter_events

    t0 = time.perf_counter()
    published: dict[str, str | None] = {}
    rows = []
    for r in iter_events(store, page=5000):
        rows.append((r["uid"], r["document_id"], r["seq"], _matching_fields(r["record"]), r["cluster"]))
        published[r["document_id"]] = r.get("published")
    ids = cluster_events([(doc, seq, rec) for _, doc, seq, rec, _ in rows], published)
    changed = {uid: cid for (uid, *_, old), cid in zip(rows, ids, strict=True) if old != cid}
    if changed:
        store.set_clusters(changed)
    docs: dict[str, set[str]] = defaultdict(set)
    for (_, doc, *_), cid in zip(rows, ids, strict=True):
        docs[cid].add(doc)
    return ClusterReport(len(rows), len(docs), sum(len(d) > 1 for d in docs.values()), len(changed),
                         time.perf_counter() - t0)  # fmt: skip
