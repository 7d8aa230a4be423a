"""Context: the places a context string names ("التابعة لبلدة الشعفة في ريف دير الزور الشرقي",
"45 كم جنوب مدينة إدلب"), resolved to anchors (``parse_context``, ``resolve_context``)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from raqib.gazetteer import Entry, Gazetteer, approx_km
from raqib.geocode.candidates import _cache_put, _fuzzy, _name_candidates, _pools, _score
from raqib.geocode.names import (
    _COUNTRY_ADJ,
    _DIRECTIONS,
    _GENERIC,
    _KM,
    _PREPOSITIONS,
    _SEGMENT_BREAK,
    _STOPS,
    _Form,
    _Name,
    _split,
)


@dataclass(frozen=True, slots=True)
class Anchor:
    """A place the context names."""

    index: int
    """Entry index."""
    kind: str
    """governorate, district, subdistrict, point or country."""
    radius: float
    """How far (km) from the anchor point the place may lie when the anchor is a point."""
    target: tuple[float, float] | None = None
    """Expected position when the context gives a distance and bearing ("45 كم جنوب مدينة إدلب")."""
    bearing: float | None = None
    """Direction (degrees from north) in which the place lies from ``ref`` ("شمال حماة",
    "ريف حماه الشمالي الشرقي")."""
    ref: tuple[float, float] | None = None
    """Reference point of ``bearing`` (the town, or the governorate's namesake city)."""


@dataclass(frozen=True, slots=True)
class ContextInfo:
    """What a context string says about where a place is."""

    anchors: tuple[Anchor, ...] = ()
    """Resolved places of the context, most specific first."""
    countries: tuple[str, ...] = ()
    """Countries named (or implied by an adjective or by the anchors)."""
    area_ids: frozenset[str] = frozenset()
    """Admin-unit ids the place should lie in."""
    points: tuple[tuple[float, float, float], ...] = ()
    """(lat, lon, radius km) the place should lie near."""
    sectors: tuple[tuple[float, float, float], ...] = ()
    """(lat, lon, bearing): the place should lie in that direction from the point."""

    @property
    def empty(self) -> bool:
        return not (self.anchors or self.countries)


# --------------------------------------------------------------------------------------------
# Context


def _pick(gaz: Gazetteer, hits: Sequence[int], kind: str | None, countries: Sequence[str],
          broader: Sequence[Anchor]) -> int | None:  # fmt: skip
    """The entry a context mention most likely means (None when none fits the broader places)."""
    ents = gaz.entries
    best, best_s = None, -1e9
    for i in hits:
        e = ents[i]
        f = e.feature
        s = 0.1 * min(e.rank, 15)
        sub = bool(e.pcode and len(e.pcode) == 8)
        if kind == "governorate":
            s += 5 if f == "governorate" else -3
        elif kind == "subdistrict":
            s += (6 if sub else 4) if f == "district" else (1 if f in ("city", "town") else -2)
        elif kind == "district":
            s += (4 if sub else 6) if f == "district" else (1 if f in ("city", "town") else -2)
        elif kind == "countryside":
            s += (
                5
                if f == "governorate"
                else (3 if not sub else 2.5)
                if f == "district"
                else 2
                if f in ("city", "town")
                else 0
            )
        elif kind == "country":
            s += 5 if f == "country" else -3
        elif kind == "point":
            s += 3 if f in ("city", "town", "village", "landmark") else -1
        else:
            s += 3 if f == "governorate" else 2 if f in ("city", "town", "district", "country") else 0
        if countries and e.country not in countries:
            s -= 6
        if broader and not _fits(gaz, e, broader):
            continue
        if s > best_s:
            best, best_s = i, s
    return best


def _fits(gaz: Gazetteer, e: Entry, broader: Sequence[Anchor]) -> bool:
    """Whether ``e`` can lie inside the broader places already resolved."""
    for a in broader:
        b = gaz.entries[a.index]
        if b.feature == "country":
            if e.country != b.country:
                return False
        elif b.feature in ("governorate", "district"):
            if b.id in e.admin_ids or b.id in e.admin_near or e.id == b.id:
                continue
            if e.admin_ids or e.country != b.country:
                return False
            if approx_km(e.lat, e.lon, b.lat, b.lon) > 150:
                return False
        else:
            if approx_km(e.lat, e.lon, b.lat, b.lon) > max(60.0, 2 * a.radius):
                return False
    return True


def _radius(kind: str | None, e: Entry) -> float:
    if kind == "countryside":
        return 40.0 if e.feature == "city" else 30.0
    if e.feature == "city":
        return 25.0
    if e.feature == "district":
        return 30.0
    return 12.0


def _offset(lat: float, lon: float, bearing: float, km: float) -> tuple[float, float]:
    dlat = km * math.cos(math.radians(bearing)) / 111.195
    dlon = km * math.sin(math.radians(bearing)) / (111.195 * max(0.2, math.cos(math.radians(lat))))
    return lat + dlat, lon + dlon


def _kind_of(e: Entry) -> str:
    if e.feature == "district":
        return "subdistrict" if e.pcode and len(e.pcode) == 8 else "district"
    return e.feature if e.feature in ("governorate", "country") else "point"


def _info(gaz: Gazetteer, anchors: Sequence[Anchor], countries: Sequence[str]) -> ContextInfo:
    area: set[str] = set()
    points: list[tuple[float, float, float]] = []
    for a in anchors:
        e = gaz.entries[a.index]
        if a.kind in ("governorate", "district", "subdistrict"):
            area.add(e.id)
        elif a.kind == "point":
            la, lo = a.target if a.target else (e.lat, e.lon)
            points.append((la, lo, a.radius))
    ccs = list(dict.fromkeys([*countries, *(gaz.entries[a.index].country for a in anchors)]))
    sectors = tuple((a.ref[0], a.ref[1], a.bearing) for a in anchors if a.bearing is not None and a.ref)
    return ContextInfo(tuple(anchors), tuple(c for c in ccs if c), frozenset(area), tuple(points), sectors)


def _direction(toks: Sequence[tuple[str, str, str, str]], i: int) -> tuple[float | None, int]:
    """A direction word (or pair: شمال شرق، الشمالي الغربي) at ``toks[i]``: (bearing, words used)."""
    if i >= len(toks) or toks[i][3] not in _DIRECTIONS:
        return None, 0
    b = _DIRECTIONS[toks[i][3]]
    if i + 1 < len(toks) and toks[i + 1][3] in _DIRECTIONS:
        o = _DIRECTIONS[toks[i + 1][3]]
        if b != o and abs(b - o) != 180:
            return (315.0 if {b, o} == {0.0, 270.0} else (b + o) / 2), 2
    return b, 1


@dataclass(slots=True)
class _Mention:
    hits: tuple[int, ...] | None
    text: str
    words: tuple[str, ...]
    kind: str | None
    bearing: float | None = None
    dist: float | None = None
    sector: float | None = None


def parse_context(gaz: Gazetteer, context: str | None) -> ContextInfo:
    """Resolve the places a context names (cached on the gazetteer, bounded)."""
    if not context:
        return ContextInfo()
    ck = ("ctx", context)
    hit = gaz._cache.get(ck)
    if hit is not None:
        return hit
    mentions: list[_Mention] = []
    countries: list[str] = []
    for seg in _SEGMENT_BREAK.split(context):
        toks = _split(seg)
        stems = [t[2] for t in toks]
        kind: str | None = None
        bearing: float | None = None
        dist: float | None = None
        i = 0

        def add(m: _Mention, end: int, toks: list[tuple[str, str, str, str]] = toks) -> int:
            nonlocal kind, bearing, dist
            m.bearing, m.dist = bearing, dist
            sector, used = _direction(toks, end)  # "ريف حماه الشمالي الشرقي"
            if sector is not None and toks[end][0].startswith("ال"):
                m.sector = sector
                end += used
            mentions.append(m)
            kind, bearing, dist = None, None, None
            return end

        while i < len(toks):
            word, _clitics, stem, tag = toks[i]
            if stem.isdigit():
                if i + 1 < len(toks) and toks[i + 1][3] in _KM:
                    dist = float(stem)
                    i += 2
                    continue
                i += 1
                continue
            b, used = _direction(toks, i)
            if b is not None:
                bearing = b
                i += used
                continue
            if tag in _COUNTRY_ADJ:
                countries.append(_COUNTRY_ADJ[tag])
            generic = _GENERIC.get(tag)
            n, hits = _lookup(gaz, stems, i)
            if generic:
                if n >= 2 and any(_generic_fits(generic, gaz.entries[h].feature) for h in hits):
                    i = add(_Mention(hits, word, tuple(stems[i : i + n]), generic), i + n)
                    continue
                kind = generic
                i += 1
                continue
            if tag in _PREPOSITIONS or tag in _STOPS:
                i += 1
                continue
            if n:
                i = add(
                    _Mention(hits, " ".join(t[0] for t in toks[i : i + n]), tuple(stems[i : i + n]), kind),
                    i + n,
                )
                continue
            if kind in ("point", "subdistrict", "district", "governorate"):
                # a name the gazetteer does not know in Arabic: up to three words, resolved below
                j = i
                while (
                    j < len(toks)
                    and j - i < 3
                    and toks[j][3] not in _GENERIC
                    and toks[j][3] not in _DIRECTIONS
                    and toks[j][3] not in _PREPOSITIONS
                    and toks[j][3] not in _STOPS
                    and not toks[j][2].isdigit()
                ):
                    j += 1  # fmt: skip
                if j > i:
                    i = add(_Mention(None, " ".join(t[0] for t in toks[i:j]), tuple(stems[i:j]), kind), j)
                    continue
            i += 1
    resolved: list[Anchor] = []  # broadest first
    for m in reversed(mentions):
        if m.hits is None:
            idx = _resolve_unknown(gaz, m.text, m.words, m.kind, countries, list(reversed(resolved)))
        else:
            idx = _pick(gaz, m.hits, m.kind, countries, resolved)
        if idx is None:
            continue
        e = gaz.entries[idx]
        radius = _radius(m.kind, e)
        tgt = None
        bearing = m.bearing if m.bearing is not None else m.sector
        if m.bearing is not None and m.dist is not None:
            tgt = _offset(e.lat, e.lon, m.bearing, m.dist)
            radius = max(6.0, 0.3 * m.dist)
            bearing = None

        ref = None
        if bearing is not None:
            ref = (e.lat, e.lon)
            if e.feature in ("governorate", "district"):
                city = next((gaz.entries[h] for h in gaz.name_index.get(m.words, ())
                             if gaz.entries[h].feature in ("city", "town") and gaz.entries[h].country == e.country), None)  # fmt: skip
                if city is not None:
                    ref = (city.lat, city.lon)
        resolved.append(Anchor(idx, _kind_of(e), radius, tgt, bearing, ref))
    info = _info(gaz, list(reversed(resolved)), countries)
    _cache_put(gaz, ck, info)
    return info


def _generic_fits(generic: str, feature: str) -> bool:
    if generic == "point":
        return feature in ("city", "town", "village", "landmark")
    if generic in ("district", "subdistrict"):
        return feature == "district"
    if generic == "countryside":
        return feature == "governorate"
    return feature == generic


def _lookup(gaz: Gazetteer, stems: Sequence[str], i: int) -> tuple[int, tuple[int, ...]]:
    """Longest gazetteer name starting at ``stems[i]``: (length in words, entry indices)."""
    best: tuple[int, tuple[int, ...]] = (0, ())
    for j in range(i + 1, min(len(stems), i + gaz.max_words) + 1):
        hit = gaz.name_index.get(tuple(stems[i:j]))
        if hit:
            best = (j - i, hit)
    return best


def _resolve_unknown(gaz: Gazetteer, text: str, words: tuple[str, ...], kind: str | None,
                     countries: Sequence[str], broader: Sequence[Anchor]) -> int | None:  # fmt: skip
    """A context name not in the Arabic index, looked for across scripts inside the broader places."""
    if not broader:
        return None
    ctx = _info(gaz, broader, countries)
    pn = _Name((_Form(words, text, "exact"),), kind, False, None)
    cands = _name_candidates(gaz, pn)
    if not cands:
        cands, ambiguous = _fuzzy(gaz, pn, _pools(gaz, ctx, None, ()))
        if ambiguous:
            return None
    cands = [c for c in cands if c.area_index is None]
    if not cands:
        return None
    _score(gaz, cands, ctx, None, (), kind)
    good = sorted((c for c in cands if c.consistent), key=lambda c: -c.score)
    return good[0].index if good else None


def resolve_context(gaz: Gazetteer, context: str | None) -> Entry | None:
    """The most specific place a context names ("التابعة لبلدة الشعفة في ريف دير الزور الشرقي"
    → al-Sha'fah; "ريف إدلب الجنوبي" → Idlib governorate), or None."""
    info = parse_context(gaz, context)
    return gaz.entries[info.anchors[0].index] if info.anchors else None
