"""The cross-report step after a batch: events of one happening in several stored reports get one
cluster id, with the rules of ``raqib.dedup`` (``same_happening``) but without comparing every pair.

``same_happening`` splits into a part that reads only an event's kind, sides and place (its *core*),
the names of the report's other places (``OTHERS``) and the days. Events with one core are kept
together; cores are compared only when their places could be one (one name inside the other, or
neighbouring grid cells), once per pair of cores. The events of two matching cores are then joined
by ranges of days (``_View``), so the cost grows with the events and the pairs of matching cores, not
with the pairs of events.
"""

from __future__ import annotations

import bisect
import datetime as dt
import hashlib
import math
import time
from collections import defaultdict
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from raqib.heap import collector_paused

#: Grid cell for the "within 5 km" test of ``raqib.dedup``: 0.1° is at least 5.5 km north-south
#: everywhere and east-west below 60° latitude (the regions raqib covers), so two places 5 km apart
#: are in the same or neighbouring cells.
_CELL_DEG = 0.1
_FINE = frozenset(["village", "town", "city", "neighbourhood", "landmark", "camp"])


class _Forest:
    """Union-find over the events: the connected groups of matching pairs."""

    __slots__ = ("parent",)

    def __init__(self, n: int) -> None:
        self.parent = list(range(n))

    def find(self, i: int) -> int:
        parent = self.parent
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def union(self, i: int, j: int) -> None:
        ri, rj = self.find(i), self.find(j)
        if ri != rj:
            self.parent[ri] = rj


class _View:
    """Events of one core (all of them, or those whose report names no given other place), undated
    first, then dated by first day, so that the events one event matches are a few ranges of it.

    Joining an event to a range connects the whole range, so the view remembers which neighbours are
    already connected (``skip``: the next position whose right-hand neighbour is not yet, as in a
    union-find) and a later join walks only the new part: all joins to a view cost its length once
    plus one step per range."""

    __slots__ = ("firsts", "longest", "members", "positions", "skip", "undated")

    def __init__(self, members: list[int], days: Sequence[int | None], lasts: Sequence[int],
                 docs: Sequence[str]) -> None:  # fmt: skip
        """``members``: undated ones first, then dated ones by first day (``_View.order``)."""
        self.members = members
        self.undated = next((x for x, n in enumerate(members) if days[n] is not None), len(members))
        dated = members[self.undated :]
        self.firsts: list[int] = [days[n] for n in dated]  # type: ignore[misc]
        self.longest = max((lasts[n] - self.firsts[x] for x, n in enumerate(dated)), default=0)
        """Most days from the first to the last day of one span (a month for "في سبتمبر")."""
        self.positions: dict[str, list[int]] = defaultdict(list)
        for x, n in enumerate(self.members):
            self.positions[docs[n]].append(x)
        self.skip = list(range(len(self.members)))

    @staticmethod
    def order(members: Sequence[int], days: Sequence[int | None]) -> list[int]:
        """``members`` in the order of a view."""
        return sorted(members, key=lambda n: (-1, n) if days[n] is None else (days[n], n))

    def dated_from(self, first: int) -> int:
        """Position of the first dated event whose span starts on day ``first`` or later."""
        return self.undated + bisect.bisect_left(self.firsts, first)

    def dated_to(self, first: int) -> int:
        """Position after the last dated event whose span starts on day ``first`` or earlier."""
        return self.undated + bisect.bisect_right(self.firsts, first)

    def join(self, forest: _Forest, x: int, lo: int, hi: int, leave: Sequence[int]) -> None:
        """Join event ``x`` to the events at positions ``lo`` to ``hi`` but those at ``leave`` (sorted)."""
        for stop in leave:
            if stop >= hi:
                break
            if stop >= lo:
                self._join_range(forest, x, lo, stop)
                lo = stop + 1
        self._join_range(forest, x, lo, hi)

    def _join_range(self, forest: _Forest, x: int, lo: int, hi: int) -> None:
        if lo >= hi:
            return
        members, skip = self.members, self.skip
        forest.union(x, members[lo])
        p = lo
        while True:
            while skip[p] != p:  # the next position not yet connected to its right-hand neighbour
                skip[p] = skip[skip[p]]
                p = skip[p]
            if p >= hi - 1:
                return
            forest.union(members[p], members[p + 1])
            skip[p] = p + 1
            p += 1


class _Core:
    """Events that ``same_happening`` cannot tell apart but by day, document and ``OTHERS``: same
    kind, sides, place (name, point and precision) and ``UNBOUNDED`` mark."""

    __slots__ = ("group", "members", "name", "others", "rep", "sides", "views")

    def __init__(self, rep: dict[str, Any], name: str, group: str | None, sides: tuple[Any, ...]) -> None:
        self.rep = rep
        """The first event, without its ``OTHERS`` and ``WINDOW``: ``_same_but_day`` of two reps is
        the test on the cores."""
        self.name = name
        self.group = group
        self.sides = sides
        """Kind, sides and UNBOUNDED mark: the part of the core that is not the place."""
        self.members: list[int] = []
        self.others: set[str] = set()
        """Every place name some member's report also names (``OTHERS``)."""
        self.views: dict[str | None, _View] = {}


def cluster_events(
    items: Sequence[tuple[str, int, dict[str, Any]]],
    published: Mapping[str, str | dt.date | None] | None = None,
) -> list[str]:
    """The cluster id of every event (``(document id, seq, event record)``, a document's events
    together in seq order; ``published``: each document's publication day), the same as
    ``raqib.dedup.assign_clusters`` gives over the documents' records.

    ``same_happening(a, b)`` is ``_same_but_day`` of the cores of ``a`` and ``b`` (kind group, sides,
    place, the ``UNBOUNDED`` side rule), then the ``OTHERS`` rule, then ``days_agree``. So cores are
    compared, not events: only cores whose places pass ``_same_place``, found through the words of
    the names (one name inside the other) and grid cells (within 5 km). For each matching pair of
    cores, an event of one is joined to the events of the other its days agree with, which are ranges
    of the other's ``_View``: a dated event to those starting from its first day to ``MAX_DAYS`` after
    its last (the pairs starting earlier are joined from the other side), an undated one to all
    undated ones and to the dated ones up to its ``Window``'s publication day, leaving out those near
    a day of its report. Events of its own report are left out; they are joined only through others."""
    from raqib.dedup import (
        GROUPS,
        MAX_DAYS,
        MAX_KM,
        OTHERS,
        PUBLISHED_SLACK,
        UNBOUNDED,
        WINDOW,
        _km,
        _same_but_day,
        _same_place,
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
        compared = with_windows([items[n][2] for n in ns], (published or {}).get(doc))
        for n, ev in zip(ns, compared, strict=True):
            evs[n] = ev
    docs = [doc for doc, _, _ in items]
    forest = _Forest(len(items))

    days: list[int | None] = []
    lasts: list[int] = []  # last day of each dated event's span (a month for "في سبتمبر")
    places: dict[tuple[Any, ...], int] = {}
    locations: list[dict[str, Any]] = []
    cores: dict[tuple[Any, ...], _Core] = {}
    cores_at: list[dict[str | None, list[_Core]]] = []  # by place, then kind group
    for n, ev in enumerate(evs):
        span = _span(ev)
        days.append(span[0].toordinal() if span else None)
        lasts.append(span[1].toordinal() if span else 0)
        loc = ev.get("location")
        if not loc:
            continue  # no place: same_happening never matches it
        name = bare(loc.get("name_ar") or "")
        place = places.setdefault((name, loc.get("lat"), loc.get("lon"), loc.get("precision")), len(places))
        if place == len(locations):
            locations.append(loc)
            cores_at.append(defaultdict(list))
        key = (place, ev["kind"], ev["actor1"], ev.get("actor2"), bool(ev.get(UNBOUNDED)))
        core = cores.get(key)
        if core is None:
            rep = {k: v for k, v in ev.items() if k not in (OTHERS, WINDOW)}
            core = cores[key] = _Core(rep, name, GROUPS.get(ev["kind"]), key[1:])
            cores_at[place][core.group].append(core)
        core.members.append(n)
        core.others.update(ev.get(OTHERS, ()))

    def view(core: _Core, other: str) -> _View:
        """The events of ``core`` that the ``OTHERS`` rule lets match an event at the place ``other``."""
        key = None if other == core.name or other not in core.others else other
        if key not in core.views:
            if None not in core.views:
                core.views[None] = _View(_View.order(core.members, days), days, lasts, docs)
            if key is not None:
                members = [n for n in core.views[None].members if key not in evs[n].get(OTHERS, ())]
                core.views[key] = _View(members, days, lasts, docs)
        return core.views[key]

    def join(x: int, into: _View) -> None:
        """Join event ``x`` to every event of ``into`` of another report whose days agree with it."""
        leave = into.positions.get(docs[x], [])
        first = days[x]
        if first is not None:
            into.join(forest, x, into.dated_from(first), into.dated_to(lasts[x] + MAX_DAYS), leave)
            return
        w = evs[x].get(WINDOW)
        if w is None:
            into.join(forest, x, 0, len(into.members), leave)
            return
        hi = len(into.members) if w.latest is None else into.dated_to(w.latest.toordinal() + PUBLISHED_SLACK)
        near = []
        for span in w.not_near:
            f0, l0 = span[0].toordinal(), span[1].toordinal()
            # the spans within MAX_DAYS of it start at most ``longest`` days earlier
            start, stop = into.dated_from(f0 - MAX_DAYS - into.longest), min(hi, into.dated_to(l0 + MAX_DAYS))
            for pos in range(start, stop):
                if max(0, into.firsts[pos - into.undated] - l0, f0 - lasts[into.members[pos]]) <= MAX_DAYS:
                    near.append(pos)
        into.join(forest, x, 0, hi, sorted(set(leave).union(near)) if near else leave)

    sides: dict[tuple[Any, ...], bool] = {}

    def matches(a: _Core, b: _Core) -> bool:
        """``_same_but_day`` of the cores of two places that are one: it then reads only the kinds and
        sides (and the UNBOUNDED mark), so it is asked once per two such keys."""
        key = (a.sides, b.sides)
        if key not in sides:
            sides[key] = _same_but_day(a.rep, b.rep)
        return sides[key]

    def link(a: _Core, b: _Core) -> None:
        """Join the events of two cores at places that are one, as ``same_happening`` pairs them."""
        forward = matches(a, b)
        backward = forward if a is b else matches(b, a)
        if not (forward or backward):
            return
        one, two = view(a, b.name), view(b, a.name)
        if forward != backward:
            # The UNBOUNDED side rule reads the kind of the first event only: pair by pair, in the
            # order assign_clusters compares them (rare: a clash and a siege, one side unknown).
            for i in one.members:
                for j in two.members:
                    if (forward == (i < j) and docs[i] != docs[j] and forest.find(i) != forest.find(j)
                            and days_agree(evs[i], evs[j])):  # fmt: skip
                        forest.union(i, j)
            return
        for x in one.members:
            join(x, two)
        if a is not b:
            for x in two.members:
                join(x, one)

    by_words: dict[tuple[str, ...], list[int]] = defaultdict(list)
    cells: dict[tuple[Any, ...], list[int]] = defaultdict(list)
    for (name, lat, lon, precision), place in places.items():
        if name:
            by_words[tuple(name.split())].append(place)
        if lat is not None and lon is not None and precision in _FINE:
            cells[(math.floor(lat / _CELL_DEG), math.floor(lon / _CELL_DEG), precision)].append(place)
    # Places that could be one: one name a run of words of the other (equal names included) ...
    pairs: set[tuple[int, int]] = set()
    for words, at in by_words.items():
        for start in range(len(words)):
            for end in range(start + 1, len(words) + 1):
                for q in by_words.get(words[start:end], ()):
                    pairs.update((min(p, q), max(p, q)) for p in at)
    # ... or within MAX_KM, in the same or neighbouring cells (each pair of cells once). A great circle
    # is never shorter than its north-south part: points further apart in latitude need no _km.
    max_dlat = math.degrees(MAX_KM / 6371.0) * (1 + 1e-9)
    for (la, lo, precision), at in cells.items():
        for dla, dlo in ((0, 0), (0, 1), (1, -1), (1, 0), (1, 1)):
            for q in cells.get((la + dla, lo + dlo, precision), ()):
                there = locations[q]
                pairs.update((min(p, q), max(p, q)) for p in at if abs(locations[p]["lat"] - there["lat"]) <= max_dlat
                             and _km(locations[p], there) <= MAX_KM)  # fmt: skip
    for p, q in sorted(pairs):
        if not _same_place(locations[p], locations[q]):
            continue
        for group, mine in cores_at[p].items():
            theirs = cores_at[q].get(group, [])
            for k, a in enumerate(mine):
                for b in mine[k:] if p == q else theirs:
                    link(a, b)

    groups: dict[int, list[int]] = defaultdict(list)
    for n in range(len(items)):
        groups[forest.find(n)].append(n)
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


def stored_events(store: Any, page: int = 20_000) -> Iterator[tuple[str, str, int, dict[str, Any], str | None,
                                                                   str | None]]:  # fmt: skip
    """(uid, document id, seq, the fields ``_matching_fields`` keeps, cluster, the document's
    published day) of every stored event not rejected, in pk order: the events ``iter_events`` gives,
    read without the columns and the decoding of whole rows it does for the API."""
    from sqlalchemy import Text, cast, select

    from raqib.store.bulk import json_value
    from raqib.store.tables import documents, events

    q = (select(events.c.pk, events.c.uid, events.c.document_id, events.c.seq, cast(events.c.record, Text),
                events.c.cluster, documents.c.published)
         .join_from(events, documents, documents.c.id == events.c.document_id)
         .where(events.c.review_status == "ok").order_by(events.c.pk).limit(page))  # fmt: skip
    after = None
    while True:
        with store.engine.connect() as conn:
            rows = conn.execute(q if after is None else q.where(events.c.pk > after)).all()
        for _pk, uid, doc, seq, record, cluster, published in rows:
            yield uid, doc, seq, _matching_fields(json_value(record)), cluster, published
        if len(rows) < page:
            return
        after = rows[-1][0]


def cluster_stored(store: Any) -> ClusterReport:
    """Give the stored events of one happening one cluster id (``cluster_events``) and write the ids
    that changed (``Store.set_clusters``)."""
    t0 = time.perf_counter()
    published: dict[str, str | None] = {}
    rows = []
    # Every object made here lives until the end (millions for a large store, none in a cycle): the
    # cyclic collector would scan them again and again (a fifth of cluster_events' time at 74,000 events).
    with collector_paused():
        for uid, doc, seq, fields, cluster, day in stored_events(store):
            rows.append((uid, doc, seq, fields, cluster))
            published[doc] = day
        ids = cluster_events([(doc, seq, rec) for _, doc, seq, rec, _ in rows], published)
    changed = {uid: cid for (uid, *_, old), cid in zip(rows, ids, strict=True) if old != cid}
    if changed:
        store.set_clusters(changed)
    docs: dict[str, set[str]] = defaultdict(set)
    for (_, doc, *_), cid in zip(rows, ids, strict=True):
        docs[cid].add(doc)
    return ClusterReport(len(rows), len(docs), sum(len(d) > 1 for d in docs.values()), len(changed),
                         time.perf_counter() - t0)  # fmt: skip
