"""Geocoding: a place name as the text writes it, plus the context the text gives, to a ``Place``.

Order of attempts (the first that yields a candidate consistent with the context wins):

1. exact: the name's key (``normalize.bare`` words) in the gazetteer's Arabic name index, with or
   without a leading generic word (قرية، بلدة، ناحية ...);
2. variant: the part in parentheses, the name written without spaces (كفرصفرة / كفر صفرة),
   البو ↔ ابو, a longer gazetteer name that starts with the given words (الباغوز → الباغوز فوقاني);
3. cross-script: the name romanised (``gazetteer.romanize``) and compared with rapidfuzz to the
   English names of places the gazetteer knows only in English (Wikipedia map marks, IOM
   communities without coordinates), restricted to the area the context gives;
4. context: the parent (التابعة لبلدة X), else the most specific place of the context (town,
   sub-district, district, governorate), with ``precision`` saying how coarse that is;
5. none: ``lat``/``lon`` None, ``precision`` "unknown".

Ambiguous names are resolved by the context's governorate/district/town and by ``near`` (the
positions of the other places of the same report).
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process

from raqib.gazetteer import (
    Entry,
    Gazetteer,
    _split_quals,
    approx_km,
    ar_words,
    latin_similarity,
    romanize,
    romanized_keys,
)
from raqib.model import Place
from raqib.normalize import match_key, strip_clitics

__all__ = ["ContextInfo", "geocode", "parse_context", "resolve_context", "romanize"]

# Generic words (bare key) → what follows them is: a settlement ("point"), a sub-district, a
# district, a governorate, the countryside of, or a country.
_GENERIC: dict[str, str] = {}
for _kind, _words in {
    "point": "قريه قريتي قري بلده بلدتي بلدات مدينه مدينتي مدن بلد مزرعه مخيم حي احياء مركز قصبه "
    "تجمع ضاحيه حاجز معبر مطار سد تله تبه جبهه جبهات محور محاور بلدتا قريتا مفرق",
    "subdistrict": "ناحيه ناحيتي نواحي",
    "district": "منطقه منطقتي قضاء اقضيه محليه مديريه مديريتي",
    "governorate": "محافظه محافظتي محافظات ولايه ولايتي",
    "countryside": "ريف ريفي اريف بادية باديه",
    "country": "دوله",
}.items():
    for _w in _words.split():
        _GENERIC[_w] = _kind
#: Generic words that are also often the first word of a real name: tried with the name first.
_NAME_HEADS = frozenset(["مزرعه", "تله", "تبه", "سد", "مطار", "مخيم", "حي", "معبر", "حاجز", "مفرق", "مركز"])
_DIRECTIONS = {
    "شمال": (0.0,), "جنوب": (180.0,), "شرق": (90.0,), "غرب": (270.0,),
    "شمالي": (0.0,), "جنوبي": (180.0,), "شرقي": (90.0,), "غربي": (270.0,),
    "شماليه": (0.0,), "جنوبيه": (180.0,), "شرقيه": (90.0,), "غربيه": (270.0,),
}  # fmt: skip
_KM = frozenset(["كم", "كيلو", "كيلومتر", "كيلومترات", "كلم", "كيلومترا"])
_PREPOSITIONS = frozenset(
    ["في", "من", "الي", "علي", "قرب", "محيط", "حول", "داخل", "نحو", "باتجاه", "عند", "اطراف", "اطار", "تابعه",
     "التابعه", "التابع", "تابع", "جبهات", "جبهه", "مشارف", "ضواحي", "شمال", "جنوب", "شرق", "غرب", "بين"]
)  # fmt: skip
_PART_OF = frozenset(["اطراف", "اجزاء", "محيط", "ضواحي", "مشارف", "احياء", "جزء", "اجزاء", "اغلب", "معظم"])
_COUNTRY_ADJ = {
    "سوري": "SY", "سوريه": "SY", "عراقي": "IQ", "عراقيه": "IQ", "يمني": "YE", "يمنيه": "YE",
    "ليبي": "LY", "ليبيه": "LY", "سوداني": "SD", "سودانيه": "SD", "تركي": "TR", "تركيه": "TR",
    "لبناني": "LB", "لبنانيه": "LB", "اردني": "JO", "اردنيه": "JO", "ايراني": "IR", "ايرانيه": "IR",
}  # fmt: skip
_WORD = re.compile(r"[\w\u0600-\u06ff]+")
_SEGMENT_BREAK = re.compile(r"[،,;؛:()\[\]\"“”«»\n]|\s[-–—]\s")
_QUOTES = "\"'“”«»‘’„`"

#: Precision of an entry found for the name itself, by feature.
_PRECISION = {
    "city": "city", "town": "town", "village": "village", "landmark": "village", "district": "district",
    "governorate": "governorate", "country": "country",
}  # fmt: skip
#: Precision when the place is only located through the context entry.
_CONTEXT_PRECISION = {
    "city": "city", "town": "town", "village": "town", "landmark": "town", "district": "district",
    "governorate": "governorate", "country": "country",
}  # fmt: skip
_FEATURE_WEIGHT = {"city": 0.05, "town": 0.04, "village": 0.02, "landmark": 0.0, "district": 0.0,
                   "governorate": 0.0, "country": 0.0}  # fmt: skip

CROSS_SCRIPT_MIN = 84.0
"""Least latin_similarity (0-100) for a cross-script match inside the context area."""
CROSS_SCRIPT_MIN_WIDE = 92.0
"""Least similarity when the only area is a whole country."""
_CACHE_MAX = 8192


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


@dataclass(frozen=True, slots=True)
class ContextInfo:
    """What a context string says about where a place is."""

    anchors: tuple[Anchor, ...] = ()
    """Resolved places of the context, most specific first."""
    countries: tuple[str, ...] = ()
    """Countries named (or implied by an adjective)."""
    area_ids: frozenset[str] = frozenset()
    """Admin-unit ids the place should lie in."""
    points: tuple[tuple[float, float, float], ...] = ()
    """(lat, lon, radius km) the place should lie near."""

    @property
    def empty(self) -> bool:
        return not (self.anchors or self.countries)


@dataclass(slots=True)
class _Cand:
    index: int
    how: str
    base: float
    score: float = 0.0
    consistent: bool = True
    pcode: str | None = None
    area_index: int | None = None
    extra: dict = field(default_factory=dict)


# --------------------------------------------------------------------------------------------
# Context


def _tokens(text: str) -> list[list[tuple[str, str, str]]]:
    """Segments of (key, clitics, stem) tokens of a text."""
    out = []
    for seg in _SEGMENT_BREAK.split(text):
        toks = []
        for w in _WORD.findall(match_key(seg)):
            clitics, stem = strip_clitics(w)
            toks.append((w, clitics, stem))
        if toks:
            out.append(toks)
    return out


def _lookup_span(gaz: Gazetteer, stems: Sequence[str], i: int) -> tuple[int, tuple[int, ...]]:
    """Longest gazetteer name starting at ``stems[i]``: (length in words, entry indices)."""
    best: tuple[int, tuple[int, ...]] = (0, ())
    for j in range(i + 1, min(len(stems), i + gaz.max_words) + 1):
        hit = gaz.name_index.get(tuple(stems[i:j]))
        if hit:
            best = (j - i, hit)
    return best


def _pick(gaz: Gazetteer, hits: tuple[int, ...], kind: str | None, countries: Sequence[str],
          broader: list[Anchor]) -> int | None:  # fmt: skip
    """The entry a context mention most likely means."""
    ents = gaz.entries
    best, best_s = None, -1e9
    for i in hits:
        e = ents[i]
        s = e.rank * 0.1
        f = e.feature
        if kind == "governorate":
            s += 5 if f == "governorate" else -3
        elif kind in ("district", "subdistrict"):
            s += 5 if f == "district" else (1 if f in ("city", "town") else -2)
            if kind == "subdistrict" and e.pcode and len(e.pcode) == 8:
                s += 1
        elif kind == "countryside":
            s += 5 if f == "governorate" else 3 if f == "district" else 2 if f in ("city", "town") else 0
        elif kind == "country":
            s += 5 if f == "country" else -3
        elif kind == "point":
            s += 3 if f in ("city", "town", "village") else -1
        else:
            s += 2 if f in ("city", "town", "governorate", "district", "country") else 0
        if countries and e.country not in countries:
            s -= 6
        for a in broader:
            b = ents[a.index]
            if b.feature in ("governorate", "district"):
                s += 4 if b.id in e.admin_ids else (0 if not e.admin_ids or e.country != b.country else -4)
            elif b.feature == "country":
                s += 2 if e.country == b.country else -6
            else:
                d = approx_km(e.lat, e.lon, b.lat, b.lon)
                s += 3 if d < 40 else (0 if d < 100 else -3)
        if s > best_s:
            best, best_s = i, s
    return best


def _radius(kind: str, e: Entry) -> float:
    if kind == "countryside":
        return 40.0 if e.feature == "city" else 30.0
    if e.feature == "city":
        return 25.0
    if e.feature == "district":
        return 30.0
    return 15.0


def _offset(lat: float, lon: float, bearing: float, km: float) -> tuple[float, float]:
    dlat = km * math.cos(math.radians(bearing)) / 111.195
    dlon = km * math.sin(math.radians(bearing)) / (111.195 * max(0.2, math.cos(math.radians(lat))))
    return lat + dlat, lon + dlon


def parse_context(gaz: Gazetteer, context: str | None) -> ContextInfo:
    """Resolve the places a context names (cached on the gazetteer, bounded)."""
    if not context:
        return ContextInfo()
    cache = gaz._cache
    ck = ("ctx", context)
    hit = cache.get(ck)
    if hit is not None:
        return hit
    mentions: list[tuple[tuple[int, ...], str | None, tuple[float, float] | None, bool]] = []
    countries: list[str] = []
    for seg in _tokens(context):
        stems = [t[2] for t in seg]
        kind: str | None = None
        direction: float | None = None
        dist: float | None = None
        after_prep = True
        i = 0
        while i < len(seg):
            key, clitics, stem = seg[i]
            if key.isdigit() or stem.isdigit():
                num = float(key if key.isdigit() else stem)
                if i + 1 < len(seg) and (seg[i + 1][0] in _KM or seg[i + 1][2] in _KM):
                    dist = num
                    i += 2
                    continue
                i += 1
                continue
            if stem in _DIRECTIONS or key in _DIRECTIONS:
                direction = (_DIRECTIONS.get(stem) or _DIRECTIONS[key])[0]
                # "شمال شرق", "شمالي غربي": average the two bearings
                if i + 1 < len(seg) and seg[i + 1][2] in _DIRECTIONS:
                    other = _DIRECTIONS[seg[i + 1][2]][0]
                    if direction == 0.0 and other == 270.0:
                        direction = 315.0
                    else:
                        direction = (direction + other) / 2
                    i += 1
                after_prep = True
                i += 1
                continue
            if stem in _COUNTRY_ADJ:
                countries.append(_COUNTRY_ADJ[stem])
            generic = _GENERIC.get(stem) or _GENERIC.get(key)
            n, hits = _lookup_span(gaz, stems, i)
            if generic and (n <= 1 or stem in _NAME_HEADS or not any(
                gaz.entries[h].feature in ("governorate", "district", "city") for h in hits
            )):  # fmt: skip
                if generic == "countryside" and n >= 2 and any(gaz.entries[h].feature == "governorate" for h in hits):
                    pass  # "ريف دمشق" is a governorate's name
                else:
                    kind = generic
                    after_prep = True
                    i += 1
                    continue
            if n:
                strong = any(gaz.entries[h].feature in ("governorate", "district", "city", "town", "country")
                             for h in hits)  # fmt: skip
                if kind or after_prep or strong or clitics:
                    target = None
                    if direction is not None and dist is not None:
                        target = (direction, dist)
                    mentions.append((hits, kind, target, direction is not None))
                kind, direction, dist, after_prep = None, None, None, False
                i += n
                continue
            after_prep = stem in _PREPOSITIONS or key in _PREPOSITIONS or bool(clitics and clitics[0] in "بل")
            if key not in _PREPOSITIONS and stem not in _PREPOSITIONS:
                kind = kind if stem in ("ال",) else kind
            i += 1
    # resolve broadest first (the text goes from specific to general)
    resolved: list[Anchor] = []
    for hits, kind, target, _has_dir in reversed(mentions):
        idx = _pick(gaz, hits, kind, countries, resolved)
        if idx is None:
            continue
        e = gaz.entries[idx]
        k = {"governorate": "governorate", "district": "district", "country": "country"}.get(e.feature, "point")
        if e.feature == "district" and e.pcode and len(e.pcode) == 8:
            k = "subdistrict"
        tgt = None
        radius = _radius(kind or "", e)
        if target is not None:
            tgt = _offset(e.lat, e.lon, target[0], target[1])
            radius = max(6.0, 0.35 * target[1])
        resolved.append(Anchor(idx, k, radius, tgt))
    anchors = tuple(reversed(resolved))
    area: set[str] = set()
    points: list[tuple[float, float, float]] = []
    for a in anchors:
        e = gaz.entries[a.index]
        if a.kind in ("governorate", "district", "subdistrict"):
            area.add(e.id)
        elif a.kind == "point":
            if a.target:
                points.append((a.target[0], a.target[1], a.radius))
            else:
                points.append((e.lat, e.lon, a.radius))
    ccs = list(dict.fromkeys(countries + [gaz.entries[a.index].country for a in anchors if gaz.entries[a.index].country]))
    info = ContextInfo(anchors, tuple(c for c in ccs if c), frozenset(area), tuple(points))
    if len(cache) > _CACHE_MAX:
        cache.clear()
    cache[ck] = info
    return info


def resolve_context(gaz: Gazetteer, context: str | None) -> Entry | None:
    """The most specific place a context names ("التابعة لبلدة الشعفة في ريف دير الزور الشرقي"
    → al-Sha'fah; "ريف إدلب الجنوبي" → Idlib governorate), or None."""
    info = parse_context(gaz, context)
    return gaz.entries[info.anchors[0].index] if info.anchors else None


# --------------------------------------------------------------------------------------------
# The name


@dataclass(frozen=True, slots=True)
class _Name:
    forms: tuple[tuple[tuple[str, ...], str], ...]
    """(key words, how) to look up, best first."""
    generic: str | None
    part_of: bool


def _parse_name(name: str) -> _Name:
    text = name.strip().strip(_QUOTES).strip()
    forms: list[tuple[tuple[str, ...], str]] = []
    main, paren = text, None
    m = re.match(r"^(.*?)\s*[(\[]([^)\]]*)[)\]]\s*(.*)$", text)
    if m:
        main = (m.group(1) + " " + m.group(3)).strip()
        paren = m.group(2).strip()
    words = list(ar_words(main))
    part_of = False
    while words and words[0] in _PART_OF:
        part_of = True
        words = words[1:]
        if words and words[0] == "من":
            words = words[1:]
    generic = None
    if words:
        forms.append((tuple(words), "exact"))
    while len(words) > 1 and words[0] in _GENERIC:
        generic = generic or _GENERIC[words[0]]
        words = words[1:]
        forms.append((tuple(words), "exact"))
    if paren:
        pw = list(ar_words(paren))
        while len(pw) > 1 and pw[0] in _GENERIC:
            pw = pw[1:]
        if pw:
            forms.append((tuple(pw), "variant"))
    if words and words[0] == "بو" and len(words) > 1:
        forms.append((("ابو", *words[1:]), "variant"))
    if words and words[0] == "ابو" and len(words) > 1:
        forms.append((("بو", *words[1:]), "variant"))
    seen = set()
    uniq = []
    for f in forms:
        if f[0] and f[0] not in seen:
            seen.add(f[0])
            uniq.append(f)
    return _Name(tuple(uniq), generic, part_of)


def _name_candidates(gaz: Gazetteer, pn: _Name) -> list[_Cand]:
    out: list[_Cand] = []
    seen: set[int] = set()

    def add(hits: Sequence[int], how: str, base: float) -> None:
        for i in hits:
            if i not in seen:
                seen.add(i)
                out.append(_Cand(i, how, base))

    for words, how in pn.forms:
        add(gaz.name_index.get(words, ()), how, 1.0 if how == "exact" else 0.9)
    if out:
        return out
    for words, _how in pn.forms:
        add(gaz.joined_index.get("".join(words), ()), "variant", 0.88)
    if out:
        return out
    # a longer name that starts with the given words (الباغوز → الباغوز فوقاني / تحتاني)
    for words, _how in pn.forms[:2]:
        for key in gaz.first_words.get(words[0], ()):
            if len(key) > len(words) and key[: len(words)] == words and len(key) - len(words) == 1:
                add(gaz.name_index[key], "variant", 0.8)
    return out


# --------------------------------------------------------------------------------------------
# Scoring


def _consistency(gaz: Gazetteer, e: Entry, ctx: ContextInfo, country: str | None,
                 near: Sequence[tuple[float, float]]) -> tuple[bool, float]:  # fmt: skip
    """(consistent with the context, bonus)."""
    bonus = 0.0
    ok = True
    if ctx.area_ids:
        ids = e.admin_ids
        if e.id in ctx.area_ids or any(a in ctx.area_ids for a in ids):
            bonus += 0.2
        elif not ids:
            # admin unknown: judge by distance to the area's centre
            d = min(approx_km(e.lat, e.lon, gaz.get(a).lat, gaz.get(a).lon) for a in ctx.area_ids)  # type: ignore[union-attr]
            ok = d < 60
        else:
            ok = False
    if ctx.points:
        d = min(approx_km(e.lat, e.lon, la, lo) / r for la, lo, r in ctx.points)
        if d <= 1.0:
            bonus += 0.25 * (1.0 - d) + 0.05
            ok = True if not ctx.area_ids else ok or d <= 0.5
        elif not ctx.area_ids:
            ok = False
    want = [country] if country else list(ctx.countries)
    if want and e.country not in want:
        ok = False
        bonus -= 0.5
    if near:
        d = min(approx_km(e.lat, e.lon, la, lo) for la, lo in near)
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
        elif generic == "point":
            bonus += 0.05 if f in ("city", "town", "village") else -0.2
        elif f in ("governorate", "district", "country"):
            bonus -= 0.08  # a bare name is more often the town than the unit named after it
        c.consistent = ok
        c.score = c.base + bonus + _FEATURE_WEIGHT.get(f, 0.0) + 0.005 * min(e.rank, 12)


def _area_lists(gaz: Gazetteer, aid: str) -> tuple[list[str], list[tuple[str, int, bool]]]:
    """Base keys and (key, index, unplaced) of English-only places in an admin area (cached)."""
    ck = ("area", aid)
    hit = gaz._cache.get(ck)
    if hit is None:
        keys: list[str] = []
        meta: list[tuple[str, int, bool]] = []
        for k, i in gaz.english_by_area.get(aid, ()):
            keys.append(_split_quals(k)[0])
            meta.append((k, i, False))
        for k, j in gaz.unplaced_by_area.get(aid, ()):
            keys.append(_split_quals(k)[0])
            meta.append((k, j, True))
        hit = (keys, meta)
        gaz._cache[ck] = hit
    return hit


def _cross_script(gaz: Gazetteer, pn: _Name, ctx: ContextInfo, country: str | None,
                  near: Sequence[tuple[float, float]]) -> list[_Cand]:  # fmt: skip
    """Candidates from English-only places inside the context's area."""
    areas: list[tuple[list[str], list[tuple[str, int, bool]], float]] = []
    # most specific area first
    for a in ctx.anchors:
        e = gaz.entries[a.index]
        if a.kind in ("subdistrict", "district", "governorate"):
            areas.append((*_area_lists(gaz, e.id), CROSS_SCRIPT_MIN))
    pts = list(ctx.points) + [(la, lo, 30.0) for la, lo in near[:6]]
    if pts:
        keys: list[str] = []
        meta: list[tuple[str, int, bool]] = []
        seen: set[tuple[str, int]] = set()
        for la, lo, r in pts:
            for k, i in gaz.english_near(la, lo, max(r, 10.0)):
                if (k, i) in seen:
                    continue
                seen.add((k, i))
                keys.append(_split_quals(k)[0])
                meta.append((k, i, False))
        areas.append((keys, meta, CROSS_SCRIPT_MIN))
    if not areas:
        cc = country or (ctx.countries[0] if ctx.countries else None)
        if not cc:
            return []
        areas.append((*_area_lists(gaz, f"country:{cc}"), CROSS_SCRIPT_MIN_WIDE))
    queries: list[tuple[str, str]] = []
    for words, _how in pn.forms:
        for rk in romanized_keys(" ".join(words)):
            if rk:
                queries.append((rk, _split_quals(rk)[0]))
    if not queries:
        return []
    best: dict[tuple[int, bool], _Cand] = {}
    for keys, meta, thr in areas:
        if not keys:
            continue
        for full, base in dict.fromkeys(queries):
            if not base:
                continue
            for _k, _s, j in process.extract(base, keys, scorer=fuzz.ratio, score_cutoff=thr - 8, limit=8):
                k, idx, unplaced = meta[j]
                sim = latin_similarity(full, k)
                if sim < thr:
                    continue
                ck = (idx, unplaced)
                if ck not in best or best[ck].base < sim / 100:
                    if unplaced:
                        u = gaz.unplaced[idx]
                        best[ck] = _Cand(u.area, "cross-script", sim / 100, pcode=u.pcode, area_index=u.area,
                                         extra={"unplaced": u.name_en})  # fmt: skip
                    else:
                        best[ck] = _Cand(idx, "cross-script", sim / 100)
        if best:
            break  # the most specific area with a match wins
    return list(best.values())


# --------------------------------------------------------------------------------------------
# Results


def _place(gaz: Gazetteer, name: str, e: Entry, precision: str, how: str, score: float,
           alternatives: Sequence[int] = (), pcode: str | None = None) -> Place:  # fmt: skip
    admin = tuple(a for a in e.admin_ar if a)
    if e.feature in ("governorate", "district") and e.name_ar:
        admin = (*admin, e.name_ar)
    alts = tuple(dict.fromkeys(gaz.entries[i].id for i in alternatives if gaz.entries[i].id != e.id))[:5]
    return Place(name, e.lat, e.lon, e.id, admin, e.country, precision, how, round(max(0.0, min(1.0, score)), 3),
                 pcode if pcode is not None else e.pcode, alts)  # fmt: skip


def _none(name: str, country: str | None) -> Place:
    return Place(name, None, None, None, (), country, "unknown", "none", 0.0)


def _context_fallback(gaz: Gazetteer, name: str, ctx: ContextInfo, parent_place: Place | None,
                      country: str | None, pcode: str | None, area_hint: int | None) -> Place | None:  # fmt: skip
    if parent_place is not None and parent_place.lat is not None and parent_place.gazetteer_id:
        pe = gaz.get(parent_place.gazetteer_id)
        if pe is not None:
            prec = _CONTEXT_PRECISION.get(pe.feature, "town")
            if parent_place.precision in ("district", "governorate", "country"):
                prec = parent_place.precision
            return _place(gaz, name, pe, prec, "context", 0.5 * parent_place.score + 0.1, pcode=pcode)
    if area_hint is not None:
        ae = gaz.entries[area_hint]
        return _place(gaz, name, ae, "district", "cross-script", 0.45, pcode=pcode)
    for a in ctx.anchors:
        e = gaz.entries[a.index]
        if a.target is not None:
            tgt = Place(name, round(a.target[0], 5), round(a.target[1], 5), e.id, tuple(x for x in e.admin_ar if x),
                        e.country, "district", "context", 0.35)  # fmt: skip
            return tgt
        prec = _CONTEXT_PRECISION.get(e.feature, "town")
        score = {"city": 0.4, "town": 0.4, "district": 0.3, "governorate": 0.2, "country": 0.1}.get(e.feature, 0.35)
        return _place(gaz, name, e, prec, "context", score, pcode=pcode)
    if ctx.countries:
        e = gaz.get(f"country:{ctx.countries[0]}")
        if e is not None:
            return _place(gaz, name, e, "country", "context", 0.1)
    return None


def _within(gaz: Gazetteer, name: str, country: str | None, near: Sequence[tuple[float, float]]) -> Place | None:
    """Places named inside a descriptive name ("الطريق الواصل بين بلدتي سحم الجولان والشجرة")."""
    info = parse_context(gaz, name)
    pts = [gaz.entries[a.index] for a in info.anchors]
    if not pts:
        if len(info.countries) >= 2:
            cs = [gaz.get(f"country:{c}") for c in info.countries[:2]]
            if all(cs):
                lat = sum(c.lat for c in cs) / 2  # type: ignore[union-attr]
                lon = sum(c.lon for c in cs) / 2  # type: ignore[union-attr]
                return Place(name, round(lat, 5), round(lon, 5), cs[0].id, (), cs[0].country, "country", "context", 0.1)  # type: ignore[union-attr]
        return None
    if len(pts) == 1:
        e = pts[0]
        prec = _CONTEXT_PRECISION.get(e.feature, "town")
        return _place(gaz, name, e, prec, "context", 0.35)
    lat = sum(e.lat for e in pts) / len(pts)
    lon = sum(e.lon for e in pts) / len(pts)
    spread = max(approx_km(lat, lon, e.lat, e.lon) for e in pts)
    prec = "town" if spread < 10 else "district" if spread < 60 else "governorate"
    e = pts[0]
    return Place(name, round(lat, 5), round(lon, 5), e.id, tuple(x for x in e.admin_ar if x), e.country, prec,
                 "context", 0.3)  # fmt: skip


def geocode(
    gaz: Gazetteer,
    name: str,
    context: str | None = None,
    country: str | None = None,
    near: Sequence[tuple[float, float]] = (),
    parent: str | None = None,
) -> Place:
    """Locate a place name as written in the text (see the module docstring for the order).

    ``context`` is the admin context the text attaches ("التابعة لبلدة الشعفة في ريف دير الزور
    الشرقي", "شمال مدينة حماة"); ``country`` an ISO code the place should be in; ``near`` the
    positions of the other places of the report; ``parent`` the place this one is said to belong
    to (التابعة لبلدة X).
    """
    pn = _parse_name(name)
    if not pn.forms:
        return _none(name, country)
    ctx = parse_context(gaz, context)
    parent_place: Place | None = None
    if parent:
        pk = ("parent", parent, context, country)
        parent_place = gaz._cache.get(pk)
        if parent_place is None:
            parent_place = geocode(gaz, parent, context, country, near)
            gaz._cache[pk] = parent_place
        if parent_place.lat is not None and parent_place.gazetteer_id:
            pe = gaz.get(parent_place.gazetteer_id)
            if pe is not None:
                pa = Anchor(gaz.by_id[pe.id], "point", 10.0)
                ctx = ContextInfo((pa, *ctx.anchors), ctx.countries, ctx.area_ids,
                                  ((pe.lat, pe.lon, 10.0), *ctx.points))  # fmt: skip

    cands = _name_candidates(gaz, pn)
    if cands:
        _score(gaz, cands, ctx, country, near, pn.generic)
        good = [c for c in cands if c.consistent]
        if good:
            good.sort(key=lambda c: -c.score)
            best = good[0]
            e = gaz.entries[best.index]
            score = best.base
            if len(good) > 1:
                second = good[1]
                e2 = gaz.entries[second.index]
                far = approx_km(e.lat, e.lon, e2.lat, e2.lon) > 5
                if far and second.score > best.score - 0.1:
                    score *= 0.6  # two far-apart places fit equally well
                elif far and second.score > best.score - 0.25:
                    score *= 0.8
            if ctx.empty and not near and not country and len(cands) > 1:
                score *= 0.9
            prec = _PRECISION.get(e.feature, "village")
            others = [c.index for c in good[1:]] + [c.index for c in cands if not c.consistent]
            return _place(gaz, name, e, prec, best.how, score, others)

    xs = _cross_script(gaz, pn, ctx, country, near)
    area_hint, pcode = None, None
    if xs:
        _score(gaz, xs, ctx, country, near, pn.generic)
        placed = [c for c in xs if c.area_index is None and c.consistent]
        unplaced = [c for c in xs if c.area_index is not None]
        placed.sort(key=lambda c: -c.score)
        unplaced.sort(key=lambda c: -c.base)
        best_un = unplaced[0] if unplaced else None
        if placed and (best_un is None or placed[0].base >= best_un.base - 0.02):
            best = placed[0]
            e = gaz.entries[best.index]
            score = 0.9 * best.base
            if len(placed) > 1:
                e2 = gaz.entries[placed[1].index]
                if approx_km(e.lat, e.lon, e2.lat, e2.lon) > 5 and placed[1].base >= best.base - 0.03:
                    score *= 0.7
            return _place(gaz, name, e, _PRECISION.get(e.feature, "village"), "cross-script", score,
                          [c.index for c in placed[1:]])  # fmt: skip
        if best_un is not None:
            area_hint, pcode = best_un.area_index, best_un.pcode

    fb = _context_fallback(gaz, name, ctx, parent_place, country, pcode, area_hint)
    if fb is not None:
        return fb
    if cands:
        # nothing fits the context but the name exists elsewhere (no context given, or another country)
        cands.sort(key=lambda c: -c.score)
        e = gaz.entries[cands[0].index]
        return _place(gaz, name, e, _PRECISION.get(e.feature, "village"), cands[0].how, 0.3 * cands[0].base,
                      [c.index for c in cands[1:]])  # fmt: skip
    inner = _within(gaz, name, country, near)
    if inner is not None:
        return inner
    return _none(name, country)
