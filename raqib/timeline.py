"""The control timeline: stored control claims → per-place intervals, and "the map on day D" as a query.

A claim says that a side holds (``held``), partly holds (``partial``), contests (``contested``) or
besieges (``besieged``) a place on a day. Claims are folded place by place, day by day, in the
order (day, document id, seq), so replaying the same claims in any order gives the same map:

* a later claim supersedes an earlier one for the same place (day granularity);
* several holders at once only when the status says so: a ``partial`` or ``contested`` claim
  makes the place shared, and the holders it does not name stay on as sharers (``inferred``)
  unless a ``held`` claim of the same day names the holder; a ``besieged`` claim adds the
  besieger beside the holders; a ``held`` claim leaves one holder;
* of the claims of one day, only the heaviest count: a neutral report outweighs the map
  baseline, which outweighs a side's claim about itself (an outlet affiliated with the claimed
  controller or with a side it fights for); the others are kept in ``disputed_by`` when they
  say otherwise;
* ``held`` claims of equal weight that name different holders on one day are a conflict: the
  holder named by more documents wins, then the one last in replay order; the others are kept
  in ``disputed_by`` with their sources;
* a closed-world statement ("X's areas shrank to A, B, C": ``control.closed_world.v1``) ends
  X's holdings of the other places within ``CLOSED_WORLD_KM`` of a located listed place, from
  the statement's day, unless a claim of that day names them (their next holder is unknown).

A claim's day is its ``as_of``; without one, the report's publication day; without that, the day
the report was first stored, an upper bound (``undated``). Places are keyed by gazetteer id when
the claim's place was located, else by ``normalize.bare`` of the name (see ``claims_from_store``
for how ids are checked and unlocated names resolved).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from raqib.errors import UsageError
from raqib.gazetteer.geometry import haversine_km
from raqib.normalize import bare

if TYPE_CHECKING:  # only for annotations: the store and the gazetteer are loaded by the caller
    from raqib.actors import ActorBook
    from raqib.gazetteer import Entry, Gazetteer
    from raqib.store import Store

STATUSES = ("held", "partial", "contested", "besieged")
"""The statuses a claim can have."""
SHARED = frozenset({"partial", "contested"})
"""Statuses under which several sides hold a place at once."""
DAY_SOURCES = ("stated", "published", "stored", "matched", "baseline")
"""Where a claim's day comes from (see ``DatedClaim.day_source``)."""
CLOSED_WORLD_KM = 25.0
"""Radius around the located places of a closed-world statement within which it ends the
controller's other holdings: about one front of a river valley or a rural district."""
CLOSED_WORLD_RULE = "control.closed_world.v1"

# Weights of same-day claims: a neutral report outweighs the map baseline (a prior compiled by
# Wikipedia editors), which outweighs a side's claim about itself.
_NEUTRAL, _BASELINE, _SELF = 3, 2, 1


@dataclass(frozen=True, slots=True)
class DatedClaim:
    """One control claim placed in time, with where it came from."""

    place: str
    """Place key: the gazetteer id, else ``normalize.bare`` of the name, else the map mark's id."""
    name: str
    """The place as the claim names it (Arabic for reports; for map marks the gazetteer's Arabic
    name or the English label)."""
    controller: str
    """Actor id of the side the claim is about."""
    status: str
    """held, partial, contested or besieged."""
    day: dt.date
    """The day the claim is about (see ``day_source``)."""
    day_source: str
    """stated (the claim's ``as_of``), published (the report's day), stored (the day the report was
    first stored: an upper bound), matched (the report gives no day; the day of another report's
    dated claim of the same holder, see ``build_timeline``) or baseline (the first day of the map
    snapshot's window)."""
    document_id: str
    """Id of the report, or the baseline file name."""
    seq: int
    """Position of the claim in its report (or the row of the map file)."""
    evidence: str
    """The clause that states the claim (for map marks: the mark described)."""
    outlet: str | None = None
    """The report's outlet (or its URL when no outlet is given)."""
    self_claim: bool = False
    """True when the outlet speaks for the claimed controller or a side it fights for."""
    lat: float | None = None
    """Latitude of the place, when known."""
    lon: float | None = None
    """Longitude of the place, when known."""
    approximate: bool = False
    """True when ``lat``/``lon`` are those of a containing place (the village itself is not mapped)."""
    gazetteer_id: str | None = None
    """Gazetteer id of the place itself (never of a containing place)."""
    pcode: str | None = None
    """OCHA P-code of the place, when known."""
    rule_id: str = ""
    """Rule that made the claim (``control.closed_world.v1`` marks a closed-world statement)."""
    day_to: dt.date | None = None
    """Last day of the window ``day`` stands for (the map snapshot's), None for a single day."""

    @property
    def undated(self) -> bool:
        """True when neither the claim nor its report gives a day."""
        return self.day_source in ("stored", "matched")

    @property
    def baseline(self) -> bool:
        """True for a mark of the map baseline."""
        return self.day_source == "baseline"

    @property
    def weight(self) -> int:
        """How much the claim counts against other claims of the same day."""
        return _SELF if self.self_claim else _BASELINE if self.baseline else _NEUTRAL

    @property
    def source(self) -> str:
        """Who says so: the outlet, else the document id."""
        return self.outlet or self.document_id


@dataclass(frozen=True, slots=True)
class TimelinePlace:
    """A place of the timeline, with what the claims about it tell of its location."""

    key: str
    """The place key (see ``DatedClaim.place``)."""
    name: str
    """The name most claims use (the first in replay order on a tie)."""
    names: tuple[str, ...]
    """Every name the claims use, in replay order."""
    lat: float | None
    """Latitude (of the place, else of a containing place), None when unknown."""
    lon: float | None
    """Longitude."""
    approximate: bool
    """True when ``lat``/``lon`` are those of a containing place."""
    gazetteer_id: str | None
    """Gazetteer id, when the place was located."""
    pcode: str | None
    """OCHA P-code, when known."""


@dataclass(frozen=True, slots=True)
class Interval:
    """A side's hold on a place over a span of days."""

    place: TimelinePlace
    """The place."""
    controller: str
    """Actor id of the side."""
    status: str
    """held, partial, contested or besieged."""
    valid_from: dt.date
    """First day (inclusive)."""
    valid_to: dt.date | None
    """Last day (inclusive); None while no later claim has ended it."""
    sources: tuple[DatedClaim, ...]
    """The claims of ``valid_from`` that established it."""
    claims: tuple[DatedClaim, ...]
    """Every claim that stated it (``sources`` first unless ``inferred``), in replay order."""
    disputed_by: tuple[DatedClaim, ...] = ()
    """Claims of its days that said otherwise and were outweighed or outnumbered."""
    ended_by: tuple[DatedClaim, ...] = ()
    """The claims that ended it (a later claim about the place, or a closed-world statement)."""
    inferred: bool = False
    """True when no claim names this side on ``valid_from``: it stays on as a sharer of a place
    another side partly took or contests."""

    def covers(self, day: dt.date) -> bool:
        """Whether the interval includes ``day``."""
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)

    @property
    def last_seen(self) -> dt.date:
        """Last day a claim stated it (``valid_from`` when none did)."""
        return self.claims[-1].day if self.claims else self.valid_from


@dataclass(frozen=True, slots=True)
class Holding:
    """One side's hold on one place on the day a map was asked for."""

    place: TimelinePlace
    """The place."""
    controller: str
    """Actor id of the side."""
    status: str
    """held, partial, contested or besieged."""
    since: dt.date
    """First day of the interval the day falls in."""
    last_seen: dt.date
    """Last day up to the asked day on which a claim stated it (``since`` when none did)."""
    sources: tuple[DatedClaim, ...]
    """The claims that established it."""
    claims: tuple[DatedClaim, ...]
    """The claims up to the asked day that stated it, in replay order."""
    disputed_by: tuple[DatedClaim, ...] = ()
    """Claims that said otherwise and were outweighed or outnumbered (see ``Interval``)."""
    inferred: bool = False
    """True when the side stays on as a sharer that no claim named (see ``Interval``)."""

    @property
    def latest(self) -> tuple[DatedClaim, ...]:
        """The claims of ``last_seen`` (else the sources): the freshest evidence."""
        return tuple(c for c in self.claims if c.day == self.last_seen) or self.sources

    @property
    def evidence(self) -> str:
        """The evidence of the first source (the claim the ``since`` day comes from)."""
        return self.sources[0].evidence if self.sources else ""


@dataclass(frozen=True, slots=True)
class Change:
    """The holders of a place changed on a day."""

    place: TimelinePlace
    """The place (``place.pcode`` is its P-code where known)."""
    day: dt.date
    """First day of the new state."""
    before: tuple[tuple[str, str], ...]
    """(controller, status) pairs of the day before, sorted; empty when nothing was known."""
    after: tuple[tuple[str, str], ...]
    """(controller, status) pairs from ``day``, sorted; empty when the holders became unknown."""
    sources: tuple[DatedClaim, ...]
    """The claims that made the change: those of the new holders first, then the others of the day
    (or the closed-world statement that ended a hold)."""


def _order(c: DatedClaim) -> tuple[Any, ...]:
    """Replay order: (day, document id, seq), then every other field so that the order is total."""
    return (
        c.day,
        c.document_id,
        c.seq,
        c.place,
        c.controller,
        c.status,
        c.day_source,
        c.evidence,
        c.name,
        c.outlet or "",
        c.self_claim,
        c.rule_id,
    )


@dataclass
class _Open:
    """An interval being built."""

    controller: str
    status: str
    valid_from: dt.date
    sources: list[DatedClaim]
    claims: list[DatedClaim]
    inferred: bool
    disputed: list[DatedClaim] = field(default_factory=list)

    def close(
        self, place: TimelinePlace, valid_to: dt.date | None, ended_by: Sequence[DatedClaim]
    ) -> Interval:
        return Interval(
            place,
            self.controller,
            self.status,
            self.valid_from,
            valid_to,
            tuple(self.sources),
            tuple(self.claims),
            tuple(dict.fromkeys(self.disputed)),
            tuple(ended_by),
            self.inferred,
        )


@dataclass
class _Now:
    """One side's state decided for one day."""

    status: str
    sources: list[DatedClaim]
    inferred: bool = False


def _decide(
    today: Sequence[DatedClaim], current: Mapping[str, _Open]
) -> tuple[dict[str, _Now], list[DatedClaim]]:
    """The holders of a place on a day with claims (``today``, in replay order), given the open
    intervals; and the claims that said otherwise."""
    top = max(c.weight for c in today)
    main = [c for c in today if c.weight == top]
    held = [c for c in main if c.status == "held"]
    shared = [c for c in main if c.status in SHARED]
    sieges = [c for c in main if c.status == "besieged"]
    now: dict[str, _Now] = {}
    disputed: list[DatedClaim] = []
    if shared:
        kind = "contested" if any(c.status == "contested" for c in shared) else "partial"
        for c in (*shared, *held):
            entry = now.setdefault(c.controller, _Now(kind, []))
            entry.sources.append(c)
        if not held:  # the sides it does not name stay on as sharers (a besieger stays a besieger)
            for ctl, o in current.items():
                if ctl in now:
                    continue
                besieger = o.status == "besieged"
                now[ctl] = (
                    _Now(o.status, list(o.sources), o.inferred)
                    if besieger
                    else _Now(kind, list(shared), True)
                )
    elif held:
        # the holder named by more reports wins; on a tie, the one last in replay order
        support = Counter(ctl for ctl, _ in dict.fromkeys((c.controller, c.document_id) for c in held))
        last = {c.controller: i for i, c in enumerate(held)}
        winner = max(support, key=lambda ctl: (support[ctl], last[ctl]))
        now[winner] = _Now("held", [c for c in held if c.controller == winner])
        disputed += [c for c in held if c.controller != winner]
    else:
        now = {ctl: _Now(o.status, list(o.sources), o.inferred) for ctl, o in current.items()}
    for c in sieges:
        if c.controller in now and now[c.controller].status != "besieged":
            continue  # a side does not besiege what it holds: the holding stands
        now.setdefault(c.controller, _Now("besieged", [])).sources.append(c)
    for c in today:
        if c.weight < top and not (c.controller in now and now[c.controller].status == c.status):
            disputed.append(c)
    return now, disputed


def _fold(
    place: TimelinePlace, claims: Sequence[DatedClaim], releases: Sequence[tuple[DatedClaim, ...]]
) -> list[Interval]:
    """Fold one place's claims (in replay order) and closed-world releases into intervals."""
    by_day: dict[dt.date, list[DatedClaim]] = defaultdict(list)
    for c in claims:
        by_day[c.day].append(c)
    released: dict[dt.date, list[tuple[DatedClaim, ...]]] = defaultdict(list)
    for stmt in releases:
        released[stmt[0].day].append(stmt)
    current: dict[str, _Open] = {}
    out: list[Interval] = []
    for day in sorted(set(by_day) | set(released)):
        today = by_day.get(day, [])
        if today:
            now, disputed = _decide(today, current)
            ended_by: list[DatedClaim] = list(today)
        else:
            gone = {c.controller: stmt for stmt in released[day] for c in stmt[:1]}
            gone = {ctl: stmt for ctl, stmt in gone.items() if ctl in current}
            if not gone:
                continue
            now = {
                ctl: _Now(o.status, list(o.sources), o.inferred)
                for ctl, o in current.items()
                if ctl not in gone
            }
            disputed = []
            ended_by = [c for stmt in gone.values() for c in stmt]
        for ctl in sorted(current):
            o = current[ctl]
            if ctl not in now or now[ctl].status != o.status:
                out.append(o.close(place, day - dt.timedelta(days=1), ended_by))
                del current[ctl]
        for ctl in sorted(now):
            n = now[ctl]
            stated = [c for c in n.sources if c.controller == ctl and c.day == day]
            if ctl in current:
                current[ctl].claims += stated
                current[ctl].disputed += disputed
            else:
                current[ctl] = _Open(ctl, n.status, day, n.sources, stated, n.inferred, list(disputed))
    out += [current[ctl].close(place, None, ()) for ctl in sorted(current)]
    return sorted(out, key=lambda i: (i.valid_from, i.controller, i.status))


def _place_of(key: str, claims: Sequence[DatedClaim]) -> TimelinePlace:
    # the name reports use most (the first on a tie); map labels only for places no report names
    named = [c.name for c in claims if not c.baseline] or [c.name for c in claims]
    counts = Counter(named)
    name = max(counts, key=lambda n: (counts[n], -named.index(n)))
    exact = next((c for c in claims if c.lat is not None and not c.approximate), None)
    located = exact or next((c for c in claims if c.lat is not None), None)
    return TimelinePlace(
        key=key,
        name=name,
        names=tuple(dict.fromkeys(c.name for c in claims)),
        lat=located.lat if located else None,
        lon=located.lon if located else None,
        approximate=located is not None and located.approximate,
        gazetteer_id=next((c.gazetteer_id for c in claims if c.gazetteer_id), None),
        pcode=next((c.pcode for c in claims if c.pcode), None),
    )


def _close_world(
    places: Mapping[str, TimelinePlace], claims: Sequence[DatedClaim]
) -> dict[str, list[tuple[DatedClaim, ...]]]:
    """Place key → the closed-world statements (their claims) that end its holder's hold."""
    statements: dict[tuple[str, str, dt.date, str], list[DatedClaim]] = defaultdict(list)
    for c in claims:
        if c.rule_id == CLOSED_WORLD_RULE:
            statements[(c.document_id, c.controller, c.day, c.evidence)].append(c)
    out: dict[str, list[tuple[DatedClaim, ...]]] = defaultdict(list)
    for stmt in statements.values():
        listed = {c.place for c in stmt}
        anchors = [
            (p.lat, p.lon) for k in sorted(listed) if (p := places[k]).lat is not None and p.lon is not None
        ]
        if not anchors:
            continue
        for key, p in places.items():
            if key in listed or p.lat is None or p.lon is None:
                continue
            if any(haversine_km(p.lat, p.lon, la, lo) <= CLOSED_WORLD_KM for la, lo in anchors):
                out[key].append(tuple(stmt))
    return out


@dataclass(frozen=True)
class Timeline:
    """Control intervals per place, built by ``build_timeline``; the queries are its methods."""

    places: Mapping[str, TimelinePlace]
    """Place key → the place."""
    intervals: Mapping[str, tuple[Interval, ...]]
    """Place key → its intervals, by first day."""
    claims: tuple[DatedClaim, ...]
    """Every claim, in replay order."""

    def map_as_of(self, day: dt.date, near: tuple[float, float, float] | None = None) -> list[Holding]:
        """Who holds what on ``day`` (optionally only within ``near`` = (lat, lon, km), see
        ``near``), by place name."""
        keys = self.near(*near) if near is not None else self.places.keys()
        out = []
        for key in keys:
            for iv in self.intervals.get(key, ()):
                if iv.covers(day):
                    said = tuple(c for c in iv.claims if c.day <= day)
                    seen = said[-1].day if said else iv.valid_from
                    out.append(
                        Holding(
                            iv.place,
                            iv.controller,
                            iv.status,
                            iv.valid_from,
                            seen,
                            iv.sources,
                            said,
                            tuple(c for c in iv.disputed_by if c.day <= day),
                            iv.inferred,
                        )
                    )
        return sorted(out, key=lambda h: (h.place.name, h.place.key, h.controller))

    def history(self, place: str) -> list[Interval]:
        """The intervals of one place (a key; see ``find`` for names), by first day."""
        return list(self.intervals.get(place, ()))

    def changed_between(
        self, start: dt.date, end: dt.date, near: tuple[float, float, float] | None = None
    ) -> list[Change]:
        """Changes of holders that took effect on a day from ``start`` to ``end`` (both included),
        by day then place name."""
        keys = self.near(*near) if near is not None else self.places.keys()
        out = []
        for key in keys:
            ivs = self.intervals.get(key, ())
            days = {iv.valid_from for iv in ivs} | {
                iv.valid_to + dt.timedelta(days=1) for iv in ivs if iv.valid_to
            }
            for day in sorted(d for d in days if start <= d <= end):
                before = _state(ivs, day - dt.timedelta(days=1))
                after = _state(ivs, day)
                if before == after:
                    continue
                new = sorted({c for iv in ivs if iv.valid_from == day for c in iv.sources}, key=_order)
                ended = sorted(
                    {c for iv in ivs if iv.valid_to == day - dt.timedelta(days=1) for c in iv.ended_by},
                    key=_order,
                )
                out.append(Change(self.places[key], day, before, after, tuple(dict.fromkeys(new + ended))))
        return sorted(out, key=lambda c: (c.day, c.place.name, c.place.key))

    def near(self, lat: float, lon: float, km: float) -> frozenset[str]:
        """Keys of the places within ``km`` of a point.

        A place is within reach when its coordinates (its own, or its containing place's) are;
        when a report lists it in the same clause as a place within reach (a list such as "X's
        areas shrank to A, B, C" is one front, and the list is not cut at the radius); and, for a
        place without any coordinates, when the same report names a place within reach (a report
        is about one area; this is where an unmapped village is most likely to be).
        """
        direct = {
            k
            for k, p in self.places.items()
            if p.lat is not None and p.lon is not None and haversine_km(lat, lon, p.lat, p.lon) <= km
        }
        reports = [c for c in self.claims if not c.baseline]
        clauses = {(c.document_id, c.evidence) for c in reports if c.place in direct}
        documents = {c.document_id for c in reports if c.place in direct}
        listed = {c.place for c in reports if (c.document_id, c.evidence) in clauses}
        unmapped = {
            c.place for c in reports if c.document_id in documents and self.places[c.place].lat is None
        }
        return frozenset(direct | listed | unmapped)

    def find(self, name_or_key: str) -> list[str]:
        """Keys of the places with that key, or a name with the same ``normalize.bare`` key."""
        if name_or_key in self.places:
            return [name_or_key]
        wanted = bare(name_or_key)
        return sorted(k for k, p in self.places.items() if wanted and any(bare(n) == wanted for n in p.names))


def _state(ivs: Sequence[Interval], day: dt.date) -> tuple[tuple[str, str], ...]:
    return tuple(sorted((iv.controller, iv.status) for iv in ivs if iv.covers(day)))


def build_timeline(claims: Iterable[DatedClaim]) -> Timeline:
    """Fold claims into a ``Timeline`` (the order they come in does not matter).

    An undated claim (day first stored) that names a holder which a dated claim of another report
    also names for the place, on or before that day, is taken to report the same hold and takes
    the latest such day (``matched``): an archive stored years after its reports would otherwise
    make every undated report the latest word ("ISIS took Bashkun" with no date, stored today,
    must not undo HTS's retaking two days later).
    """
    ordered = sorted(_match_undated(claims), key=_order)
    for c in ordered:
        if c.status not in STATUSES:
            raise UsageError(
                f"claim about {c.name!r} in {c.document_id!r} has status {c.status!r}; "
                f"expected one of: {', '.join(STATUSES)}"
            )
    by_place: dict[str, list[DatedClaim]] = defaultdict(list)
    for c in ordered:
        by_place[c.place].append(c)
    places = {k: _place_of(k, v) for k, v in sorted(by_place.items())}
    releases = _close_world(places, ordered)
    intervals = {k: tuple(_fold(places[k], by_place[k], releases.get(k, ()))) for k in places}
    return Timeline(places, intervals, tuple(ordered))


def _match_undated(claims: Iterable[DatedClaim]) -> list[DatedClaim]:
    """Undated claims with the day of a dated claim of the same place, holder and status (see
    ``build_timeline``)."""
    claims = list(claims)
    dated: dict[tuple[str, str, str], list[DatedClaim]] = defaultdict(list)
    for c in claims:
        if c.day_source in ("stated", "published"):
            dated[(c.place, c.controller, c.status)].append(c)
    out = []
    for c in claims:
        if c.day_source == "stored":
            days = [d.day for d in dated.get((c.place, c.controller, c.status), ())
                    if d.document_id != c.document_id and d.day <= c.day]  # fmt: skip
            if days:
                c = replace(c, day=max(days), day_source="matched")
        out.append(c)
    return out


# --------------------------------------------------------------------------------------------
# Claims from the store


def claims_from_store(
    store: Store, gaz: Gazetteer | None = None, book: ActorBook | None = None
) -> list[DatedClaim]:
    """The stored control rows and map baseline as dated claims.

    With a gazetteer, a claim's gazetteer id is kept only when the entry bears the claim's name
    (in Arabic, or in English by romanisation): the geocoder gives a containing place's id when it
    could only locate the context (a village "التابعة لبلدة X" → X), and such a claim is keyed by
    its name with X's coordinates as ``approximate``. A claim without an id is geocoded again with
    the report's located places as the ``near`` hint (as event places are) and takes the id found
    when the entry bears its name. Without a gazetteer, ids are taken as given. With an actor book,
    outlets are looked up in the outlet registry to mark a side's claims about itself.
    """
    from raqib.store import baseline_rows, control_rows

    return [*claims_from_rows(control_rows(store), gaz, book), *baseline_claims(baseline_rows(store))]


def claims_from_rows(
    rows: Iterable[Mapping[str, Any]], gaz: Gazetteer | None = None, book: ActorBook | None = None
) -> list[DatedClaim]:
    """Dated claims from ``store.control_rows`` rows (see ``claims_from_store``)."""
    by_doc: dict[str, list[Mapping[str, Any]]] = defaultdict(list)
    for r in rows:
        by_doc[r["document_id"]].append(r)
    out = []
    for doc_id in sorted(by_doc):
        drafts = [_draft(r, gaz, book) for r in sorted(by_doc[doc_id], key=lambda r: r["seq"])]
        if gaz is not None:
            hints = tuple(
                sorted(
                    {
                        (c.lat, c.lon)
                        for c in drafts
                        if c.gazetteer_id and c.lat is not None and c.lon is not None
                    }
                )
            )
            drafts = [_resolve(c, gaz, hints) if c.gazetteer_id is None else c for c in drafts]
        out += drafts
    return out


def _draft(r: Mapping[str, Any], gaz: Gazetteer | None, book: ActorBook | None) -> DatedClaim:
    if r.get("as_of"):
        day, source = dt.date.fromisoformat(r["as_of"]), "stated"
    elif r.get("published"):
        day, source = dt.date.fromisoformat(r["published"]), "published"
    else:
        day, source = dt.date.fromisoformat(r["first_stored"]), "stored"
    record = r.get("record") or {}
    name = r["place_ar"]
    lat, lon, gid = r.get("lat"), r.get("lon"), r.get("gazetteer_id")
    approximate, pcode = False, None
    if gid and gaz is not None:
        entry = gaz.get(gid)
        if entry is not None and names_match(entry, name):
            pcode = entry.pcode
        else:
            gid, approximate = None, lat is not None
    return DatedClaim(
        place=gid or bare(name) or name,
        name=name,
        controller=r["controller"],
        status=r["status"],
        day=day,
        day_source=source,
        document_id=r["document_id"],
        seq=int(r["seq"]),
        evidence=r["evidence"],
        outlet=r.get("outlet") or r.get("url"),
        self_claim=_self_claim(book, r.get("outlet"), r.get("url"), r["controller"], day),
        lat=lat,
        lon=lon,
        approximate=approximate,
        gazetteer_id=gid,
        pcode=pcode,
        rule_id=str(record.get("rule_id") or ""),
    )


def _self_claim(
    book: ActorBook | None, outlet: str | None, url: str | None, controller: str, day: dt.date
) -> bool:
    """Whether the outlet speaks for ``controller``, or for a side it fights for or is part of."""
    if book is None:
        return False
    found = (book.outlet_for(outlet) if outlet else None) or (book.outlet_for(url) if url else None)
    side = found.affiliation if found else None
    if not side:
        return False
    return (
        side == controller
        or any(a.member_of == side for a in book.affiliations_of(controller, day))
        or any(a.member_of == controller for a in book.affiliations_of(side, day))
    )


_SETTLEMENTS = frozenset({"village", "town", "city", "landmark"})
RESOLVE_KM = 50.0
"""How far from the report's located places an unlocated name may be resolved."""


def _resolve(c: DatedClaim, gaz: Gazetteer, hints: tuple[tuple[float, float], ...]) -> DatedClaim:
    """Geocode an unlocated claim again with the report's located places as hints."""
    if not hints:
        return c
    from raqib.geocode import geocode

    place = geocode(gaz, c.name, near=hints)
    entry = gaz.get(place.gazetteer_id) if place.gazetteer_id else None
    if (
        entry is None
        or place.matched_by in ("context", "none")
        or place.precision not in _SETTLEMENTS
        or not names_match(entry, c.name)
        or not any(haversine_km(entry.lat, entry.lon, la, lo) <= RESOLVE_KM for la, lo in hints)
    ):
        return c
    return DatedClaim(
        entry.id,
        c.name,
        c.controller,
        c.status,
        c.day,
        c.day_source,
        c.document_id,
        c.seq,
        c.evidence,
        c.outlet,
        c.self_claim,
        entry.lat,
        entry.lon,
        False,
        entry.id,
        entry.pcode,
        c.rule_id,
        c.day_to,
    )


NAME_FIT = 75.0
"""Least similarity (0-100) of a name to a gazetteer entry's names for the entry to be the place."""


def names_match(entry: Entry, name: str) -> bool:
    """Whether a gazetteer entry bears ``name``: same Arabic key, a close Arabic spelling, or an
    English name its romanisation fits."""
    from rapidfuzz import fuzz

    from raqib.gazetteer import ar_loose, ar_words, latin_key, latin_similarity, romanized_keys

    words = ar_words(name)
    if any(ar_words(n) == words for n in entry.names_ar):
        return True
    loose = ar_loose(name)
    if any(fuzz.ratio(loose, ar_loose(n)) >= NAME_FIT for n in entry.names_ar):
        return True
    keys = [k for k in map(latin_key, entry.names_en) if k]
    return any(latin_similarity(r, k) >= NAME_FIT for r in romanized_keys(name) for k in keys)


def baseline_claims(rows: Iterable[Mapping[str, Any]]) -> list[DatedClaim]:
    """Dated claims from ``store.baseline_rows`` rows: dated the first day of the snapshot's window,
    keyed by the matched gazetteer id, else by the mark's own id (``<file>#<row>``)."""
    out = []
    for r in rows:
        out.append(
            DatedClaim(
                place=r["gazetteer_id"] or f"{r['source']}#{r['seq']}",
                name=r["name"],
                controller=r["controller"],
                status=r["status"],
                day=dt.date.fromisoformat(r["valid_from"]),
                day_source="baseline",
                document_id=r["source"],
                seq=int(r["seq"]),
                evidence=r["evidence"],
                outlet="Wikipedia map",
                lat=r["lat"],
                lon=r["lon"],
                gazetteer_id=r["gazetteer_id"],
                pcode=r["pcode"],
                rule_id="baseline.wikipedia_map.v1",
                day_to=dt.date.fromisoformat(r["valid_to"]),
            )
        )
    return out
