"""Candidates for a parsed name: from the Arabic name index, from area pools across scripts
(``_fuzzy``), and their scores against what the context says (``_score``)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import chain, filterfalse
from typing import TYPE_CHECKING

from rapidfuzz import fuzz, process

from raqib.gazetteer import Entry, Gazetteer, approx_km, ar_loose, latin_similarity, romanized_keys
from raqib.gazetteer.latin import _split_quals, undouble
from raqib.geocode.names import _Name
from raqib.model import fast_maker

if TYPE_CHECKING:  # only in annotations: the context module imports this one
    from raqib.geocode.context import ContextInfo


_FEATURE_WEIGHT = {"city": 0.05, "town": 0.04, "village": 0.02}

CROSS_SCRIPT_MIN = 85.0
"""Least ``latin_similarity`` (0-100) for a cross-script match in a small area (sub-district,
district, the vicinity of the context's towns)."""
CROSS_SCRIPT_MIN_AREA = 90.0
"""Least similarity when the area is a governorate."""
CROSS_SCRIPT_MIN_WIDE = 96.0
"""Least similarity when the only area is a whole country (only with ``_pools(wide=True)``)."""
BLOCK_ABOVE = 400
"""Pools with more keys than this are searched by first-letter block."""
PREFILTER = 72.0
"""rapidfuzz ratio a pool key must reach before ``latin_similarity`` is computed (large areas)."""
PREFILTER_SMALL = 62.0
"""The same for small areas."""
MARGIN = 4.0
"""A cross-script match is ambiguous when a place more than 5 km away scores within this many points."""
VARIANT_LATIN_MIN = 80.0
"""Least romanisation similarity for a place whose Arabic name is spelled differently ..."""
VARIANT_ARABIC_MIN = 75.0
"""... together with this least Arabic similarity (fuzz.ratio of the keys)."""
VARIANT_LATIN_ALONE = 95.0
"""Least romanisation similarity that accepts such a place (in a small area) whatever its Arabic."""
ARABIC_ONLY_MIN = 90.0
"""Least Arabic similarity for a variant when the romanisations do not agree."""
_CACHE_MAX = 20000
_similarity = lru_cache(maxsize=65536)(latin_similarity)
"""``latin_similarity`` of a query and a pool key, cached: two in three pairs come again (the same
romanisation meets the same pool keys in report after report, and ``latin_key`` is already cached)."""
_POINT_POOLS_MAX = 256
_NEAR_MAX = 4096


@dataclass(slots=True)
class _Cand:
    index: int
    how: str
    base: float
    score: float = 0.0
    consistent: bool = True
    pcode: str | None = None
    area_index: int | None = None


# --------------------------------------------------------------------------------------------
# Candidates from the Arabic name index


def _name_candidates(gaz: Gazetteer, pn: _Name) -> list[_Cand]:
    out: list[_Cand] = []
    seen: set[int] = set()

    def add(hits: Sequence[int], how: str, base: float) -> None:
        for i in hits:
            if i not in seen:
                seen.add(i)
                out.append(_Cand(i, how, base))

    for f in pn.forms:
        add(gaz.name_index.get(f.words, ()), f.how, 1.0 if f.how == "exact" else 0.9)
    if out:
        return out
    for f in pn.forms:
        add(gaz.joined_index.get("".join(f.words), ()), "variant", 0.88)
    if out:
        return out
    for f in pn.forms[:2]:
        n = len(f.words)
        for key in gaz.first_words.get(f.words[0], ()):
            if len(key) == n + 1 and key[:n] == f.words:
                add(gaz.name_index[key], "variant", 0.8)
    return out


# --------------------------------------------------------------------------------------------
# Area pools for fuzzy matching


_Meta = tuple[str, int, str]
"""(full latin key, index, kind): kind "en" (English-only entry), "ar" (has Arabic), "un" (unplaced)."""


@dataclass(frozen=True, slots=True)
class _Rows:
    """What one place adds to a search pool."""

    latin: list[str]
    """Base latin keys (qualifiers removed), each in the forms of ``_base_forms``."""
    meta: list[_Meta]
    """The key each base form comes from, aligned with ``latin``."""
    by_letter: dict[str, tuple[list[str], list[_Meta]]]
    """``latin`` and ``meta`` grouped by the first letter of the base form."""
    arabic: tuple[str, ...]
    """Loose Arabic keys (entries with Arabic names only)."""
    index: int
    """Entry index (or unplaced index for kind "un")."""


_make_rows = fast_maker(_Rows)


def _rows(latin_keys: Sequence[str], index: int, kind: str, arabic: tuple[str, ...] = ()) -> _Rows:
    latin: list[str] = []
    meta: list[_Meta] = []
    by_letter: dict[str, tuple[list[str], list[_Meta]]] = {}
    # Rows are made for thousands of places in a new process: one meta tuple per key, no setdefault.
    for k in latin_keys:
        m = (k, index, kind)
        for b in _base_forms(_split_quals(k)[0]):
            latin.append(b)
            meta.append(m)
            group = by_letter.get(b[:1])
            if group is None:
                by_letter[b[:1]] = ([b], [m])
            else:
                group[0].append(b)
                group[1].append(m)
    return _make_rows(latin, meta, by_letter, arabic, index)


class _RowStore:
    """The rows of every place a pool has needed, kept on the gazetteer: point pools are made again
    for every new set of points, from the same few thousand places. Each part is a dict keyed by
    row id (the entry index, or ``~j`` for unplaced community ``j``), so a pool puts its keys
    together with ``map`` and ``chain`` instead of a Python loop over its hundreds of places."""

    __slots__ = ("arabic", "arabic_index", "latin", "letter_latin", "letter_meta", "meta", "rows", "size")

    def __init__(self) -> None:
        self.rows: dict[int, _Rows] = {}
        self.size: dict[int, int] = {}
        """Number of latin keys."""
        self.latin: dict[int, list[str]] = {}
        self.meta: dict[int, list[_Meta]] = {}
        self.letter_latin: dict[str, dict[int, list[str]]] = {}
        """By first letter of the base form, then row id."""
        self.letter_meta: dict[str, dict[int, list[_Meta]]] = {}
        self.arabic: dict[int, tuple[str, ...]] = {}
        """Only the rows with Arabic keys (two in three places have none)."""
        self.arabic_index: dict[int, list[int]] = {}
        """The entry index once per Arabic key."""

    def add(self, rid: int, rows: _Rows) -> _Rows:
        self.rows[rid] = rows
        self.size[rid] = len(rows.latin)
        self.latin[rid] = rows.latin
        self.meta[rid] = rows.meta
        for letter, (latin, meta) in rows.by_letter.items():
            by = self.letter_latin.get(letter)
            if by is None:
                by = self.letter_latin[letter] = {}
                self.letter_meta[letter] = {}
            by[rid] = latin
            self.letter_meta[letter][rid] = meta
        if rows.arabic:
            self.arabic[rid] = rows.arabic
            self.arabic_index[rid] = [rows.index] * len(rows.arabic)
        return rows


def _store(gaz: Gazetteer) -> _RowStore:
    store = gaz._pool_rows
    if store is None:
        store = gaz._pool_rows = _RowStore()
    return store


def _entry_rows(gaz: Gazetteer, i: int) -> _Rows:
    """The rows of entry ``i``, worked out once."""
    store = _store(gaz)
    rows = store.rows.get(i)
    if rows is None:
        has_ar = bool(gaz.entries[i].names_ar)
        arabic = gaz.loose_keys(i) if has_ar else ()
        rows = store.add(i, _rows(gaz.latin_keys[i], i, "ar" if has_ar else "en", arabic))
    return rows


def _unplaced_rows(gaz: Gazetteer, j: int) -> _Rows:
    """The rows of unplaced community ``j``, worked out once."""
    store = _store(gaz)
    rows = store.rows.get(~j)
    if rows is None:
        rows = store.add(~j, _rows((gaz.unplaced[j].key,), j, "un"))
    return rows


class _Pool:
    """The names of a search area: the row ids of its places, their keys put together when
    ``_fuzzy`` first asks."""

    __slots__ = ("_arabic", "_latin", "ids", "size", "store")

    def __init__(self, store: _RowStore, ids: list[int]) -> None:
        self.store = store
        self.ids = ids
        """Row ids of the places, in order (rapidfuzz breaks ties by the order of the keys)."""
        self.size = sum(map(store.size.__getitem__, ids))
        """Number of latin keys."""
        self._latin: dict[str, tuple[list[str], list[_Meta]]] = {}
        self._arabic: tuple[list[str], list[int]] | None = None

    def block(self, base: str) -> tuple[list[str], list[_Meta]]:
        """The latin keys (and their meta) to search for ``base``: all of them, or in a large pool
        those with its first letter. Romanisations and English spellings almost always agree on
        the first folded letter (ق gives both k and g, ث both t and s, a glued "al" is indexed
        without)."""
        letter = base[:1] if self.size > BLOCK_ABOVE else ""
        hit = self._latin.get(letter)
        if hit is None:
            st = self.store
            if letter:
                latin, meta = st.letter_latin.get(letter, {}), st.letter_meta.get(letter, {})
                # the rows with keys of that letter (most have none), in order, found once for both lists
                rids = list(filter(latin.__contains__, self.ids))
                hit = (list(chain.from_iterable(map(latin.__getitem__, rids))),
                       list(chain.from_iterable(map(meta.__getitem__, rids))))  # fmt: skip
            else:
                hit = (list(chain.from_iterable(map(st.latin.__getitem__, self.ids))),
                       list(chain.from_iterable(map(st.meta.__getitem__, self.ids))))  # fmt: skip
            self._latin[letter] = hit
        return hit

    def arabic(self) -> tuple[list[str], list[int]]:
        """Loose Arabic keys and the entry index of each."""
        if self._arabic is None:
            st = self.store
            rids = list(filter(st.arabic.__contains__, self.ids))
            self._arabic = (list(chain.from_iterable(map(st.arabic.__getitem__, rids))),
                            list(chain.from_iterable(map(st.arabic_index.__getitem__, rids))))  # fmt: skip
        return self._arabic


def _base_forms(base: str) -> list[str]:
    """The forms a base key is indexed under: as is, without a glued article ("alsafafna"),
    without spaces ("kafr ram" → "kafram", for كفرروم / Kafroum)."""
    out = [base]
    if base[:2] == "al" and len(base) > 5:
        out.append(base[2:])
    if " " in base:
        out.append(undouble(base.replace(" ", "")))
    return out


def _make_pool(gaz: Gazetteer, members: Sequence[int], unplaced: Sequence[int] = ()) -> _Pool:
    store = _store(gaz)
    ids = [*members, *(~j for j in unplaced)] if unplaced else list(members)
    for rid in filterfalse(store.rows.__contains__, ids):  # places no pool has needed yet
        if rid >= 0:
            _entry_rows(gaz, rid)
        else:
            _unplaced_rows(gaz, ~rid)
    return _Pool(store, ids)


def _cache_put(gaz: Gazetteer, key: tuple, value: object) -> None:
    if len(gaz._cache) > _CACHE_MAX:
        gaz._cache.clear()
    gaz._cache[key] = value


def _area_pool(gaz: Gazetteer, aid: str) -> _Pool:
    ck = ("pool", aid)
    pool = gaz._cache.get(ck)
    if pool is None:
        pool = _make_pool(gaz, gaz.members.get(aid, ()), gaz.unplaced_by_area.get(aid, ()))
        _cache_put(gaz, ck, pool)
    return pool


def _near(gaz: Gazetteer, lat: float, lon: float, km: float) -> list[int]:
    """``gaz.near``, cached: the same towns anchor the point pools of report after report."""
    ck = (lat, lon, km)
    hit = gaz._near_cache.get(ck)
    if hit is None:
        if len(gaz._near_cache) >= _NEAR_MAX:
            gaz._near_cache.clear()
        hit = gaz._near_cache[ck] = gaz.near(lat, lon, km)
    return hit


def _point_pool(gaz: Gazetteer, points: Sequence[tuple[float, float, float]]) -> _Pool:
    ck = tuple(points)  # exact: a rounded key would hand one report the pool of nearby points of another
    pools: dict = gaz._cache.setdefault(("ppools",), {})
    pool = pools.get(ck)
    if pool is None:
        members: dict[int, None] = {}
        for la, lo, r in points:
            members.update(dict.fromkeys(_near(gaz, la, lo, max(r, 8.0))))
        pool = _make_pool(gaz, list(members))
        if len(pools) >= _POINT_POOLS_MAX:
            pools.clear()
        pools[ck] = pool
    return pool


def _pools(gaz: Gazetteer, ctx: ContextInfo, country: str | None, near: Sequence[tuple[float, float]],
           wide: bool = False) -> list[tuple[_Pool, float, bool]]:  # fmt: skip
    """Search areas, most specific first: (pool, least cross-script similarity, small area).

    Without a context area or ``near`` points nothing is searched unless ``wide`` (the whole
    country, at ``CROSS_SCRIPT_MIN_WIDE``): matching a romanisation against a whole country's
    English names finds the wrong village too often.
    """
    out: list[tuple[_Pool, float, bool]] = []
    for kind in ("subdistrict", "district"):  # the anchors of each kind in their order
        for a in ctx.anchors:
            if a.kind == kind:
                out.append((_area_pool(gaz, gaz.entries[a.index].id), CROSS_SCRIPT_MIN, True))
    if ctx.points:
        out.append((_point_pool(gaz, ctx.points), CROSS_SCRIPT_MIN, True))
    for a in ctx.anchors:
        if a.kind == "governorate":
            out.append((_area_pool(gaz, gaz.entries[a.index].id), CROSS_SCRIPT_MIN_AREA, False))
    if not out and near:
        out.append((_point_pool(gaz, [(la, lo, 30.0) for la, lo in near[:8]]), CROSS_SCRIPT_MIN, True))
    if not out and wide:
        cc = country or (ctx.countries[0] if ctx.countries else None)
        if cc:
            out.append((_area_pool(gaz, f"country:{cc}"), CROSS_SCRIPT_MIN_WIDE, False))
    return out


def _fuzzy(gaz: Gazetteer, pn: _Name, pools: Sequence[tuple[_Pool, float, bool]]) -> tuple[list[_Cand], bool]:
    """``_search`` of the name's forms in the pools, memoised: a third of the searches repeat one made
    for the same report (the second ``geocode`` of a mention, with the other places near it, searches
    the same pools when the context gives them). The answer depends on the forms' text and the pools
    only; the pools are cached objects, held by the key, so the memo is kept as small as the point
    pools' cache. Callers score and sort the candidates in place, so each gets its own copies."""
    memo: dict = gaz._cache.setdefault(("fuzzy",), {})
    ck = (tuple(f.text for f in pn.forms), tuple(pools))
    hit = memo.get(ck)
    if hit is None:
        if len(memo) >= _POINT_POOLS_MAX:
            memo.clear()
        hit = memo[ck] = _search(gaz, pn, pools)
    cands, ambiguous = hit
    return [_Cand(c.index, c.how, c.base, pcode=c.pcode, area_index=c.area_index) for c in cands], ambiguous


def _search(gaz: Gazetteer, pn: _Name, pools: Sequence[tuple[_Pool, float, bool]]) -> tuple[list[_Cand], bool]:
    """Cross-script and Arabic-variant candidates from the first pool that has any.

    Arabic-variant matches (a place whose Arabic name is spelled differently) are only looked for
    in small areas (sub-district, district, the vicinity of the context's towns): across a whole
    governorate they find other villages far more often than spelling variants.
    """
    queries: list[tuple[str, str]] = []
    ar_queries: list[str] = []
    for f in pn.forms:
        for rk in romanized_keys(f.text):
            if rk:
                for b in _base_forms(_split_quals(rk)[0]):
                    queries.append((rk, b))
        ar_queries.append(ar_loose(f.text))
    queries = list(dict.fromkeys(queries))
    for pool, thr, small in pools:
        best: dict[tuple[int, str], _Cand] = {}

        def put(c: _Cand, key: tuple[int, str], best: dict[tuple[int, str], _Cand] = best) -> None:
            if key not in best or best[key].base < c.base:
                best[key] = c

        if pool.size:
            for full, base in queries:
                if not base:
                    continue
                cutoff = PREFILTER_SMALL if small else PREFILTER
                keys, metas = pool.block(base)
                for _k, _s, j in process.extract(
                    base, keys, scorer=fuzz.ratio, score_cutoff=cutoff, limit=20
                ):
                    k, idx, kind = metas[j]
                    sim = _similarity(full, k)
                    if kind == "ar":
                        if not small or sim < VARIANT_LATIN_MIN:
                            continue
                        arsim = max(
                            (fuzz.ratio(q, a) for q in ar_queries for a in gaz.loose_keys(idx)), default=0.0
                        )
                        if arsim >= VARIANT_ARABIC_MIN:
                            put(_Cand(idx, "variant", 0.85 * (sim + arsim) / 200), (idx, "e"))
                        elif sim >= VARIANT_LATIN_ALONE:
                            # its Arabic name is another form ("الدادات" for عون الدادات) but one
                            # of its English names is ours
                            put(_Cand(idx, "cross-script", 0.85 * sim / 100), (idx, "e"))
                    elif sim >= thr - 2 * MARGIN:
                        if kind == "un":
                            u = gaz.unplaced[idx]
                            put(_Cand(u.area, "cross-script", 0.9 * sim / 100, pcode=u.pcode, area_index=u.area),
                                (idx, "u"))  # fmt: skip
                        else:
                            put(_Cand(idx, "cross-script", 0.9 * sim / 100), (idx, "e"))
        arabic, arabic_index = pool.arabic() if small else ([], [])
        if arabic:
            for q in ar_queries:
                if len(q.replace(" ", "")) < 4:
                    continue
                for _a, arsim, j in process.extract(q, arabic, scorer=fuzz.ratio, score_cutoff=ARABIC_ONLY_MIN,
                                                    limit=5):  # fmt: skip
                    idx = arabic_index[j]
                    put(_Cand(idx, "variant", 0.8 * arsim / 100), (idx, "e"))
        cands = list(best.values())
        if not cands:
            continue
        # keep the best only when it clears the threshold and no far-away place comes close to it
        cands.sort(key=lambda c: -c.base)
        top = cands[0]
        if top.how == "cross-script" and top.base < 0.9 * thr / 100:
            continue
        te = gaz.entries[top.index]
        margin = 0.009 * (MARGIN if thr < CROSS_SCRIPT_MIN_WIDE else 2 * MARGIN)
        rivals = [c for c in cands[1:] if c.base >= top.base - margin
                  and approx_km(gaz.entries[c.index].lat, gaz.entries[c.index].lon, te.lat, te.lon) > 5]  # fmt: skip
        if rivals:
            return [top, *rivals], True  # ambiguous: unless ``near`` decides, the context is used
        return [c for c in cands if c.base >= 0.9 * thr / 100 or c.how == "variant"], False
    return [], False


# --------------------------------------------------------------------------------------------
# Scoring


def _consistency(gaz: Gazetteer, e: Entry, ctx: ContextInfo, country: str | None,
                 near: Sequence[tuple[float, float]]) -> tuple[bool, float]:  # fmt: skip
    """(consistent with the context, bonus)."""
    want = (country,) if country else ctx.countries
    if want and e.country not in want:
        return False, -0.5
    bonus = 0.0
    ok = True
    area = ctx.area_ids
    in_area = bool(area) and (e.id in area or not area.isdisjoint(e.admin_ids))
    near_area = bool(area) and bool(e.admin_near) and not area.isdisjoint(e.admin_near)
    if ctx.points:
        d = math.inf  # min(approx_km(e.lat, e.lon, la, lo) / r for la, lo, r in ctx.points), as below
        for la, lo, r in ctx.points:
            dk = approx_km(e.lat, e.lon, la, lo) / r
            d = dk if dk < d else d
        if d > 1.0 and ctx.sectors:
            # "north of X" without a distance: further away is fine in that direction
            for la, lo, b in ctx.sectors:
                r = next((r for pla, plo, r in ctx.points if pla == la and plo == lo), None)
                if r is not None:
                    diff = abs((_bearing(la, lo, e.lat, e.lon) - b + 180.0) % 360.0 - 180.0)
                    if diff <= 60 and approx_km(e.lat, e.lon, la, lo) <= 4 * r:
                        d = min(d, 1.0)
        if d <= 1.0:
            bonus += 0.25 * (1.0 - d) + 0.05
        elif d <= 1.5 and (in_area or near_area or not ctx.area_ids):
            bonus += 0.0
        else:
            ok = False
    elif ctx.area_ids:
        if in_area:
            bonus += 0.2
        elif near_area:
            bonus += 0.15
        elif e.admin_ids:
            ok = False
        else:  # admin unknown: judge by the distance to the areas' centres
            ok = min(approx_km(e.lat, e.lon, gaz.get(a).lat, gaz.get(a).lon) for a in ctx.area_ids) < 80  # type: ignore[union-attr]
    if in_area and ctx.points:
        bonus += 0.05
    for la, lo, b in ctx.sectors:
        if approx_km(la, lo, e.lat, e.lon) > 3.0:
            diff = abs((_bearing(la, lo, e.lat, e.lon) - b + 180.0) % 360.0 - 180.0)
            bonus += 0.15 if diff <= 45 else 0.0 if diff <= 90 else -0.2
    if near:
        # min(approx_km(e.lat, e.lon, la, lo) for la, lo in near), written out: it runs for every
        # candidate against every place of the report (and the builtin min costs some 1,400
        # instructions a call in Python 3.11, ``x if x < m else m`` a few)
        elat, elon = e.lat, e.lon
        d = math.inf
        for la, lo in near:
            dk = 111.195 * math.hypot((lo - elon) * math.cos(math.radians((elat + la) / 2)), la - elat)
            d = dk if dk < d else d
        if d < 40:
            bonus += 0.15 * (1.0 - d / 40)
        elif d > 250:
            bonus -= 0.1
    return ok, bonus


def _score(gaz: Gazetteer, cands: list[_Cand], ctx: ContextInfo, country: str | None,
           near: Sequence[tuple[float, float]], generic: str | None) -> None:  # fmt: skip
    for c in cands:
        e = gaz.entries[c.index]
        ok, bonus = _consistency(gaz, e, ctx, country, near)
        f = e.feature
        if generic == "governorate":
            bonus += 0.3 if f == "governorate" else -0.1
        elif generic in ("district", "subdistrict"):
            bonus += 0.3 if f == "district" else 0.0
            if generic == "subdistrict" and e.pcode and len(e.pcode) == 8:
                bonus += 0.05
        elif generic == "point":
            bonus += 0.05 if f in ("city", "town", "village", "landmark") else -0.2
        elif generic == "countryside":
            bonus += 0.3 if f == "governorate" else 0.2 if f == "district" else -0.1
        elif f in ("governorate", "district", "country"):
            bonus -= 0.08  # a bare name is more often the town than the unit named after it
        c.consistent = ok
        rank = 15 if 15 < e.rank else e.rank  # min(e.rank, 15) without the builtin's cost
        c.score = c.base + bonus + _FEATURE_WEIGHT.get(f, 0.0) + 0.008 * rank


def _bearing(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Approximate bearing (degrees from north) from point 1 to point 2."""
    x = (lon2 - lon1) * math.cos(math.radians((lat1 + lat2) / 2))
    return math.degrees(math.atan2(x, lat2 - lat1)) % 360.0
