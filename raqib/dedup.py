"""One happening reported by several outlets becomes one cluster of events.

Two events of different reports are taken to describe the same happening when their kinds are
in the same group (takeover/withdrawal, remote violence, battles …), their acting sides agree
(either order for clashes and agreements; a withdrawal by the side a place was taken from; an
unknown side agrees with any), they happened at the same place (same name, one name inside the
other as whole words, or within 5 km under a name spelt alike or at one point) and their days
are at most three days apart (outlets date the same capture differently; a day inside a reported
span, such as a month, is in it). Events that only look
alike — the same village taken and retaken, neighbouring villages, different days — stay apart
because one of these tests fails. Clusters are the connected groups of such pairs; each event
of a cluster carries the same ``cluster`` id in the output record.

An event without a day is not free to match any day (``window``): it happened no later than its
report was published (a day of slack for a publication day inferred from the text), and when its
report dates an event of the same kind group, sides and place, the undated one is another
happening, not one near that day ("the road was closed yesterday; the siege had begun earlier").
Two undated events agree on the day.

An undated event of an undated report (nothing bounds its day, ``UNBOUNDED``) shares only kind
and place with an event of another report: there an unknown side agrees only with an unknown side
("aircraft struck Idlib" in an undated report is not the Russian strike on Idlib of a dated one).

A cluster never holds two events of one report: two events of a report are two happenings ("SDF
took al-Kashma ... ISIS dissidents had seized al-Kashma"; "the road was closed today ... the siege
began ten days ago"), so another report's events are paired with them one to one
(``one_per_report``, closest day first).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from rapidfuzz import fuzz

from raqib.normalize import bare, normalize

GROUPS = {
    "takeover": "territory", "withdrawal": "territory",
    "airstrike": "remote", "shelling": "remote", "explosion": "remote", "suicide_attack": "remote",
    "clash": "battle", "internal_clash": "battle", "siege": "battle",
    "surrender": "yield", "defection": "yield",
    "arrest": "detain", "abduction": "detain", "release": "detain",
    "killing": "killing", "protest": "protest", "agreement": "agreement", "other": "other",
}  # fmt: skip
_UNORDERED = frozenset(["clash", "internal_clash", "agreement"])
MAX_KM = 5.0
MAX_DAYS = 3
SAME_POINT_KM = 0.1
"""Two located places this close are one gazetteer entry, whatever the names the reports use."""
NAME_LIKE = 75.0
"""Least similarity (rapidfuzz ratio of the bare names without spaces) of two differently written
names within ``MAX_KM`` for them to be one place."""


def _km(a: dict[str, Any], b: dict[str, Any]) -> float | None:
    if None in (a.get("lat"), a.get("lon"), b.get("lat"), b.get("lon")):
        return None
    la1, lo1, la2, lo2 = map(math.radians, (a["lat"], a["lon"], b["lat"], b["lon"]))
    h = math.sin((la2 - la1) / 2) ** 2 + math.cos(la1) * math.cos(la2) * math.sin((lo2 - lo1) / 2) ** 2
    return 6371.0 * 2 * math.asin(math.sqrt(h))


def _same_place(a: dict[str, Any] | None, b: dict[str, Any] | None) -> bool:
    if not a or not b:
        return False
    wa, wb = bare(a["name_ar"]).split(), bare(b["name_ar"]).split()
    if wa and wb:
        short, long_ = (wa, wb) if len(wa) <= len(wb) else (wb, wa)
        if any(long_[i : i + len(short)] == short for i in range(len(long_) - len(short) + 1)):
            return True
    km = _km(a, b)
    # Two places located only at a coarse level (the same town for two villages) are not the same.
    fine = a.get("precision") in ("village", "town", "city", "neighbourhood", "landmark", "camp")
    if km is None or km > MAX_KM or not fine or a.get("precision") != b.get("precision"):
        return False
    # Within a few km, two names are one place when they are spelt alike ("تل رفعت" / "تل رفعة") or
    # located at one point (one gazetteer entry under two names); neighbouring villages are neither.
    return km <= SAME_POINT_KM or fuzz.ratio("".join(wa), "".join(wb)) >= NAME_LIKE


def _day(ev: dict[str, Any]) -> dt.date | None:
    d = ev.get("date")
    return dt.date.fromisoformat(d["from"]) if d else None


def _span(ev: dict[str, Any]) -> tuple[dt.date, dt.date] | None:
    """The event's first and last day (a month for "في سبتمبر الماضي"), None when undated."""
    d = ev.get("date")
    if not d or not d.get("from"):
        return None
    first = dt.date.fromisoformat(d["from"])
    last = dt.date.fromisoformat(d["to"]) if d.get("to") else first
    return first, max(first, last)


def days_apart(a: tuple[dt.date, dt.date], b: tuple[dt.date, dt.date]) -> int:
    """Days between two spans, 0 when they overlap: a day inside a reported month is that month."""
    return max(0, (b[0] - a[1]).days, (a[0] - b[1]).days)


def _same_sides(a: dict[str, Any], b: dict[str, Any]) -> bool:
    def agree(x: str | None, y: str | None) -> bool:
        return x == y or "UNKNOWN" in (x, y)

    if a["kind"] in _UNORDERED and b["kind"] in _UNORDERED:
        return {a["actor1"], a["actor2"]} == {b["actor1"], b["actor2"]} or agree(a["actor1"], b["actor1"])
    if {a["kind"], b["kind"]} == {"takeover", "withdrawal"}:
        # One happening seen from both sides: the side that withdrew is the one the place was taken
        # from, never the taker ("rebels take I'jaz, then withdraw from it" is two happenings).
        take, leave = (a, b) if a["kind"] == "takeover" else (b, a)
        if leave["actor1"] in (None, "UNKNOWN") or take["actor1"] == "UNKNOWN":
            return True
        return leave["actor1"] != take["actor1"] and take.get("actor2") in (None, "UNKNOWN", leave["actor1"])
    return agree(a["actor1"], b["actor1"])


ONE_PER_REPORT_MAX = 200
"""Largest cluster that ``one_per_report`` splits (its work grows with the square of the size)."""
PUBLISHED_SLACK = 1
"""Days an event may lie after its report's publication day (inferred publication days may be a day off)."""
OTHERS = "_others"
"""Key of the names of an event's report's other places (``others``) in the compared dicts."""
UNBOUNDED = "_unbounded"
"""Key marking an undated event of an undated report (see the module text)."""
WINDOW = "_window"
"""Key of an undated event's ``Window`` in the dicts ``same_happening`` compares (never in output)."""


@dataclass(frozen=True)
class Window:
    """What the report tells about the day of one of its undated events."""

    latest: dt.date | None
    """The report's publication day: the event did not happen after it."""
    not_near: tuple[tuple[dt.date, dt.date], ...]
    """Spans of the report's dated events of the same kind group, sides and place: another happening."""


def windows(events: Sequence[dict[str, Any]], published: str | dt.date | None) -> list[Window | None]:
    """The ``Window`` of each undated event of one report (None for dated events, and for undated
    ones about whose day the report tells nothing)."""
    latest = dt.date.fromisoformat(published) if isinstance(published, str) else published
    out: list[Window | None] = []
    for ev in events:
        if _span(ev) is not None:
            out.append(None)
            continue
        near = tuple(sorted({sp for o in events if (sp := _span(o)) is not None and _same_but_day(ev, o)}))
        out.append(Window(latest, near) if latest is not None or near else None)
    return out


def _same_but_day(a: dict[str, Any], b: dict[str, Any]) -> bool:
    if not (GROUPS.get(a["kind"]) == GROUPS.get(b["kind"]) and _same_sides(a, b)
            and _same_place(a.get("location"), b.get("location"))):  # fmt: skip
        return False
    if (a.get(UNBOUNDED) or b.get(UNBOUNDED)) and a["actor1"] != b["actor1"] and a["kind"] not in _UNORDERED:
        return False  # an unknown side agrees with any only where a day ties the two events
    na, nb = _name(a), _name(b)
    # "درعا" matches "درعا البلد" unless the report also tells the same kind of event at "درعا البلد"
    return na == nb or (nb not in a.get(OTHERS, ()) and na not in b.get(OTHERS, ()))


def _name(ev: dict[str, Any]) -> str:
    loc = ev.get("location")
    return bare(loc["name_ar"]) if loc and loc.get("name_ar") else ""


def others(events: Sequence[dict[str, Any]]) -> list[frozenset[str]]:
    """For each event of one report, the names of the report's other places with an event of the
    same kind group and sides: an event matches another report's event at one of those by that
    event only ("the siege of Daraa al-Balad and of Daraa camp": the camp is not al-Balad)."""
    names = [_name(ev) for ev in events]
    groups = [GROUPS.get(ev["kind"]) for ev in events]
    return [frozenset(n for o, n, og in zip(events, names, groups, strict=True)
                      if n and n != own and og == group and _same_sides(ev, o))
            for ev, own, group in zip(events, names, groups, strict=True)]  # fmt: skip


def days_agree(a: dict[str, Any], b: dict[str, Any]) -> bool:
    """Whether the days of two events allow one happening (see the module text)."""
    sa, sb = _span(a), _span(b)
    if sa is not None and sb is not None:
        return days_apart(sa, sb) <= MAX_DAYS
    if sa is None and sb is None:
        return True
    undated, span = (a, sb) if sa is None else (b, sa)
    w = undated.get(WINDOW)
    if w is None or span is None:
        return True
    if w.latest is not None and (span[0] - w.latest).days > PUBLISHED_SLACK:
        return False
    return all(days_apart(span, other) > MAX_DAYS for other in w.not_near)


def same_happening(a: dict[str, Any], b: dict[str, Any]) -> bool:
    """Whether two events of different reports describe one happening (see the module text)."""
    return _same_but_day(a, b) and days_agree(a, b)


def with_windows(events: Sequence[dict[str, Any]], published: str | dt.date | None) -> list[dict[str, Any]]:
    """The events of one report as ``same_happening`` compares them: undated ones carry their
    ``Window``, and each the names of its report's other places (``others``)."""
    out = []
    for ev, w, names in zip(events, windows(events, published), others(events), strict=True):
        extra: dict[str, Any] = ({WINDOW: w} if w is not None else {}) | ({OTHERS: names} if names else {})
        if _span(ev) is None and published is None:
            extra[UNBOUNDED] = True
        out.append({**ev, **extra} if extra else ev)
    return out


def assign_clusters(records: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """Copies of the records in which events of one happening share a ``cluster`` id."""
    compared = [with_windows(rec["events"], rec.get("published")) for rec in records]
    items = [(r, k) for r, rec in enumerate(records) for k in range(len(rec["events"]))]
    parent = list(range(len(items)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    by_group: dict[str, list[int]] = {}
    for n, (r, k) in enumerate(items):
        by_group.setdefault(GROUPS.get(records[r]["events"][k]["kind"], "other"), []).append(n)
    for members in by_group.values():
        for x, i in enumerate(members):
            ri, ki = items[i]
            for j in members[x + 1 :]:
                rj, kj = items[j]
                if ri != rj and same_happening(compared[ri][ki], compared[rj][kj]):
                    parent[find(i)] = find(j)
    groups: dict[int, list[int]] = {}
    for n in range(len(items)):
        groups.setdefault(find(n), []).append(n)
    out = [{**rec, "events": [dict(e) for e in rec["events"]]} for rec in records]
    split = []
    for members in groups.values():
        found = [(records[items[n][0]]["id"], items[n][1], compared[items[n][0]][items[n][1]]) for n in members]
        split += [[members[x] for x in part] for part in one_per_report(found)]
    for members in split:
        keys = sorted(f"{records[items[n][0]]['id']}#{items[n][1]}" for n in members)
        cluster = "evt-" + hashlib.sha256("|".join(keys).encode()).hexdigest()[:12]
        spans = sorted(sp for n in members if (sp := _span(records[items[n][0]]["events"][items[n][1]])) is not None)
        for n in members:
            r, k = items[n]
            ev = out[r]["events"][k]
            ev["cluster"] = cluster
            if spans and compared[r][k].get(UNBOUNDED) and (day := weekday_day(ev.get("evidence") or "", spans)):
                ev["date"] = {"from": day.isoformat(), "to": day.isoformat(), "precision": "day", "source": "cluster"}
    return out


def one_per_report(members: Sequence[tuple[str, int, dict[str, Any]]]) -> list[list[int]]:
    """The parts of one cluster (its events as ``(document id, seq, compared event)``) in which no
    report has two events. A report tells two happenings when it tells two events (the closure of a
    road today and the siege it tightens, begun days ago); when both join another report's events
    through ``same_happening``, the pairs are taken closest day first (then in document and seq
    order) and a pair is joined only when no report would have two events in the part. The pairing
    compares every two events of the cluster, so a cluster of more than ``ONE_PER_REPORT_MAX`` events
    (a story repeated in hundreds of reports, not one told twice in one) is left whole."""
    docs = [doc for doc, _, _ in members]
    if len(set(docs)) == len(docs) or len(members) > ONE_PER_REPORT_MAX:
        return [list(range(len(members)))]
    spans = [_span(ev) for _, _, ev in members]
    dated = sorted((sp, x) for x, sp in enumerate(spans) if sp is not None)
    undated = [x for x, sp in enumerate(spans) if sp is None]
    # dated events more than MAX_DAYS apart never match: only near ones (sorted by first day) are compared
    candidates = []
    for n, (sx, x) in enumerate(dated):
        for m in range(n + 1, len(dated)):
            if (dated[m][0][0] - sx[1]).days > MAX_DAYS:
                break
            candidates.append((x, dated[m][1]))
    candidates += [(x, y) for x in undated for y in range(len(members)) if y != x and (spans[y] is not None or y > x)]
    pairs = []
    for x, y in candidates:
        (dx, sx, ex), (dy, sy, ey) = members[x], members[y]
        if dx != dy and same_happening(ex, ey):
            sa, sb = spans[x], spans[y]
            gap = days_apart(sa, sb) if sa is not None and sb is not None else MAX_DAYS + 1
            pairs.append((gap, min((dx, sx), (dy, sy)), max((dx, sx), (dy, sy)), min(x, y), max(x, y)))
    parent = list(range(len(members)))
    reports = [{d} for d in docs]
    for *_, x, y in sorted(pairs):
        rx, ry = x, y
        while parent[rx] != rx:
            rx = parent[rx]
        while parent[ry] != ry:
            ry = parent[ry]
        if rx != ry and not reports[rx] & reports[ry]:
            parent[rx] = ry
            reports[ry] |= reports[rx]
    parts: dict[int, list[int]] = {}
    for x in range(len(members)):
        r = x
        while parent[r] != r:
            r = parent[r]
        parts.setdefault(r, []).append(x)
    return list(parts.values())


def weekday_day(evidence: str, spans: Sequence[tuple[dt.date, dt.date]]) -> dt.date | None:
    """The day of an undated report's event whose sentence names one weekday ("بسطت X الإثنين
    سيطرتها على V"), given the spans of the same happening in dated reports: the day of that weekday
    within ``MAX_DAYS`` of the earliest of them (one at most: a week has seven days), else None.
    It is an inference from other reports, marked ``"source": "cluster"`` in the record."""
    from raqib.recognize.dates import WEEKDAYS

    named = {WEEKDAYS[w] for w in normalize(evidence).chunks if w in WEEKDAYS}
    if len(named) != 1:
        return None
    first, last = spans[0]
    wd = named.pop()
    days = [first + dt.timedelta(d) for d in range(-MAX_DAYS, (last - first).days + MAX_DAYS + 1)]
    return next((d for d in days if d.weekday() == wd), None)
