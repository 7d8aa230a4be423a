"""Geocoding: a place name as the text writes it, plus the context the text gives, to a ``Place``.

Order of attempts (the first that yields a candidate consistent with the context wins):

1. exact: the name's key (``normalize.bare`` words) in the gazetteer's Arabic name index, with or
   without a leading generic word (قرية، بلدة، ناحية ...);
2. variant: the part in parentheses, the name written without spaces (كفرصفرة / كفر صفرة),
   البو ↔ ابو, a gazetteer name one qualifier longer (الباغوز → الباغوز فوقاني);
3. cross-script: the name romanised (``gazetteer.romanize``) and compared with rapidfuzz to the
   English names of the places of the context's area (sub-district, district, the vicinity of
   the context's towns, governorate, in that order): places known only in English (Wikipedia map
   marks, IOM communities without coordinates, which give their sub-district) match on the
   romanisation alone (matched_by "cross-script"); places with a differently spelled Arabic name
   must also be close in Arabic (matched_by "variant");
4. context: a landmark's namesake (سد مأرب → مأرب), places named inside a descriptive name, the
   parent (التابعة لبلدة X), else the most specific place of the context (town, sub-district,
   district, governorate), with ``precision`` saying how coarse that is;
5. none: ``lat``/``lon`` None, ``precision`` "unknown".

Ambiguous names are resolved by the context's governorate/district/town and by ``near`` (the
positions of the other places of the same report). Context parses, area pools and parents are
cached on the ``Gazetteer`` (bounded).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache

from rapidfuzz import fuzz, process

from raqib.gazetteer import (
    _DOUBLE,
    Entry,
    Gazetteer,
    _split_quals,
    approx_km,
    ar_loose,
    latin_similarity,
    romanize,
    romanized_keys,
)
from raqib.model import Place
from raqib.normalize import match_key, strip_clitics

__all__ = ["Anchor", "ContextInfo", "geocode", "parse_context", "resolve_context", "romanize"]

# Generic words (key form, article and clitics removed) → what follows them.
_GENERIC: dict[str, str] = {}
for _kind, _words in {
    "point": "قريه قريتي قري بلده بلدتي بلدات مدينه مدينتي مدن مزرعه مخيم حي احياء مركز قصبه تجمع ضاحيه "
    "حاجز معبر مطار سد تله تبه جبهه جبهات محور محاور بلدتا قريتا مفرق وسط عاصمه",
    "subdistrict": "ناحيه ناحيتي نواحي",
    "district": "منطقه منطقتي قضاء اقضيه محليه مديريه مديريتي",
    "governorate": "محافظه محافظتي محافظات ولايه ولايتي",
    "countryside": "ريف ريفي اريف باديه",
    "country": "دوله",
}.items():
    for _w in _words.split():
        _GENERIC[_w] = _kind
#: Generic words that name a landmark after a place (سد مأرب, مطار طرابلس): the rest is not the place.
_LANDMARK_HEADS = frozenset(["سد", "مطار", "معبر", "حاجز", "مفرق", "مخيم", "تله", "تبه"])
_DIRECTIONS = {
    "شمال": 0.0, "جنوب": 180.0, "شرق": 90.0, "غرب": 270.0, "شمالي": 0.0, "جنوبي": 180.0, "شرقي": 90.0,
    "غربي": 270.0, "شماليه": 0.0, "جنوبيه": 180.0, "شرقيه": 90.0, "غربيه": 270.0,
}  # fmt: skip
_KM = frozenset(["كم", "كيلو", "كيلومتر", "كيلومترات", "كلم", "كيلومترا"])
_PREPOSITIONS = frozenset(
    ["في", "من", "الي", "علي", "قرب", "محيط", "حول", "داخل", "نحو", "باتجاه", "عند", "اطراف", "تابعه",
     "تابع", "مشارف", "ضواحي", "بين", "مسافه", "حدود", "ادار"]
)  # fmt: skip
_STOPS = frozenset(
    ["و", "او", "مع", "التي", "الذي", "هو", "هي", "عدد", "نقاط", "لا", "تتجاوز", "مختلف", "اداريه"]
)
_PART_OF = frozenset(["اطراف", "اجزاء", "محيط", "ضواحي", "مشارف", "جزء", "اغلب", "معظم", "مساحات"])
_COUNTRY_ADJ = {
    "سوري": "SY", "سوريه": "SY", "عراقي": "IQ", "عراقيه": "IQ", "يمني": "YE", "يمنيه": "YE",
    "ليبي": "LY", "ليبيه": "LY", "سوداني": "SD", "سودانيه": "SD", "تركي": "TR", "تركيه": "TR",
    "لبناني": "LB", "لبنانيه": "LB", "اردني": "JO", "اردنيه": "JO", "ايراني": "IR", "ايرانيه": "IR",
}  # fmt: skip
_VOCAB = frozenset(
    [
        *_GENERIC,
        *_DIRECTIONS,
        *_KM,
        *_PREPOSITIONS,
        *_STOPS,
        *_PART_OF,
        *_COUNTRY_ADJ,
        "من",
        "ابو",
        "بو",
        "البو",
    ]
)
_WORD = re.compile(r"[\w\u0600-\u06ff]+")
_SEGMENT_BREAK = re.compile(r"[،,;؛:()\[\]\"“”«»\n]|\s[-–—]\s")
_PAREN = re.compile(r"^(.*?)\s*[(\[]([^)\]]*)[)\]]\s*(.*)$")
_QUOTES = "\"'“”«»‘’„` "

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
_POINT_POOLS_MAX = 256


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


@dataclass(slots=True)
class _Cand:
    index: int
    how: str
    base: float
    score: float = 0.0
    consistent: bool = True
    pcode: str | None = None
    area_index: int | None = None


@dataclass(frozen=True, slots=True)
class _Form:
    words: tuple[str, ...]
    """Key words (``bare``)."""
    text: str
    """Original text of those words (for romanisation)."""
    how: str


@dataclass(frozen=True, slots=True)
class _Name:
    forms: tuple[_Form, ...]
    generic: str | None
    part_of: bool
    head: _Form | None
    """For a landmark named after a place (سد مأرب): that place."""


# --------------------------------------------------------------------------------------------
# Words


def _make_fast_key() -> Callable[[str], str]:
    """``normalize.match_key`` by ``str.translate`` on the same character map, used only if it
    gives the same keys on a probe list (else ``match_key`` itself)."""
    try:
        from raqib.normalize import _charmap

        table = _charmap()
    except (ImportError, TypeError, KeyError, OSError):  # pragma: no cover - normaliser changed
        return match_key

    def fast(text: str) -> str:
        t = text.translate(table)
        return t if t == t.lower() else match_key(text)

    probes = ("أبو الحسن", "قرية “الكشمة”", "إدلب ١٢", "حماة‌ ـ", "ABC Ḩamāh", "ى ة ؤ ئ ک ی", "سُوريّة")
    return fast if all(fast(x) == match_key(x) for x in probes) else match_key


_key = _make_fast_key()


@lru_cache(maxsize=65536)
def _stem(key: str) -> tuple[str, str]:
    return strip_clitics(key)


def _split(text: str) -> list[tuple[str, str, str, str]]:
    """(original word, clitics, stem key, tag) for each word of ``text``.

    The stem (``strip_clitics``) is what the name index is keyed on; the tag is the word as it
    is looked up in the vocabulary tables above: the whole key when it is a vocabulary word
    ("بلدة" stays "بلده", where ``strip_clitics`` would cut a ب), else the stem ("لبلدة" → "بلده").
    """
    words = _WORD.findall(text)
    keys = _WORD.findall(_key(text))
    if len(keys) == len(words):
        pairs = zip(words, keys, strict=True)
    else:  # a character the key drops split or joined words: key each word on its own
        pairs = ((w, _key(w)) for w in words)
    out = []
    for w, key in pairs:
        if not key:
            continue
        clitics, stem = _stem(key)
        # the original word for romanisation: only a clitic glued to the article is cut ("بالشعفة");
        # a lone و/ب/ل/ف/ك may be the first letter of the name ("كبير", "فوقاني")
        cut = len(clitics) - 2 if clitics.endswith("ال") else 0
        tag = key if key in _VOCAB else stem
        out.append((w[cut:] if 0 < cut < len(w) else w, clitics, stem, tag))
    return out


@lru_cache(maxsize=32768)
def _parse_name(name: str) -> _Name:
    text = name.strip().strip(_QUOTES)
    main, paren = text, None
    m = _PAREN.match(text) if ("(" in text or "[" in text) else None
    if m:
        main = (m.group(1) + " " + m.group(3)).strip()
        paren = m.group(2).strip()
    toks = _split(main)
    part_of = False
    while len(toks) > 1 and toks[0][3] in _PART_OF:
        part_of = True
        toks = toks[1:]
        if len(toks) > 1 and toks[0][3] == "من":
            toks = toks[1:]
    forms: list[_Form] = []
    generic = None
    head = None

    def form(ts: Sequence[tuple[str, str, str, str]], how: str) -> _Form:
        return _Form(tuple(t[2] for t in ts), " ".join(t[0] for t in ts), how)

    if toks:
        forms.append(form(toks, "exact"))
    while len(toks) > 1 and toks[0][3] in _GENERIC:
        generic = generic or _GENERIC[toks[0][3]]
        if toks[0][3] in _LANDMARK_HEADS:
            head = form(toks[1:], "exact")
            break
        toks = toks[1:]
        forms.append(form(toks, "exact"))
    if paren:
        pt = _split(paren)
        while len(pt) > 1 and pt[0][3] in _GENERIC:
            pt = pt[1:]
        if pt:
            forms.append(form(pt, "variant"))
    if toks and len(toks) > 1 and not head:
        first = toks[0][3]
        if first == "بو" or (first == "البو"):
            forms.append(
                _Form(
                    ("ابو", *(t[2] for t in toks[1:])), "أبو " + " ".join(t[0] for t in toks[1:]), "variant"
                )
            )
        elif first == "ابو":
            forms.append(
                _Form(
                    ("بو", *(t[2] for t in toks[1:])), "البو " + " ".join(t[0] for t in toks[1:]), "variant"
                )
            )
    seen: set[tuple[str, ...]] = set()
    uniq = []
    for f in forms:
        if f.words and f.words not in seen:
            seen.add(f.words)
            uniq.append(f)
    return _Name(tuple(uniq), generic, part_of, head)


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


@dataclass(slots=True)
class _Pool:
    latin: list[str]
    """Base latin keys (qualifiers removed)."""
    latin_meta: list[tuple[str, int, str]]
    """(full key, index, kind): kind "en" (English-only entry), "ar" (has Arabic), "un" (unplaced)."""
    arabic: list[str]
    arabic_meta: list[int]
    blocks: dict[str, tuple[list[str], list[tuple[str, int, str]]]] | None = None
    """For large pools: the latin keys grouped by first letter (searched instead of ``latin``)."""

    def block(self, base: str) -> tuple[list[str], list[tuple[str, int, str]]]:
        if self.blocks is None:
            return self.latin, self.latin_meta
        return self.blocks.get(base[:1], ([], []))


def _base_forms(base: str) -> list[str]:
    """The forms a base key is indexed under: as is, without a glued article ("alsafafna"),
    without spaces ("kafr ram" → "kafram", for كفرروم / Kafroum)."""
    out = [base]
    if base[:2] == "al" and len(base) > 5:
        out.append(base[2:])
    if " " in base:
        out.append(_DOUBLE.sub(r"\1", base.replace(" ", "")))
    return out


def _make_pool(gaz: Gazetteer, members: Sequence[int], unplaced: Sequence[int] = ()) -> _Pool:
    pool = _Pool([], [], [], [])
    for i in members:
        kind = "ar" if gaz.entries[i].names_ar else "en"
        for k in gaz.latin_keys[i]:
            for b in _base_forms(_split_quals(k)[0]):
                pool.latin.append(b)
                pool.latin_meta.append((k, i, kind))
        if kind == "ar":
            for a in gaz.loose_keys(i):
                pool.arabic.append(a)
                pool.arabic_meta.append(i)
    for j in unplaced:
        k = gaz.unplaced[j].key
        for b in _base_forms(_split_quals(k)[0]):
            pool.latin.append(b)
            pool.latin_meta.append((k, j, "un"))
    if len(pool.latin) > BLOCK_ABOVE:
        # first-letter blocks: romanisations and English spellings almost always agree on the
        # first folded letter (ق gives both k and g, ث both t and s, a glued "al" is indexed without)
        blocks: dict[str, tuple[list[str], list[tuple[str, int, str]]]] = {}
        for b, m in zip(pool.latin, pool.latin_meta, strict=True):
            keys, metas = blocks.setdefault(b[:1], ([], []))
            keys.append(b)
            metas.append(m)
        pool.blocks = blocks
    return pool


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


def _point_pool(gaz: Gazetteer, points: Sequence[tuple[float, float, float]]) -> _Pool:
    ck = tuple((round(a, 3), round(b, 3), round(r, 1)) for a, b, r in points)
    pools: dict = gaz._cache.setdefault(("ppools",), {})
    pool = pools.get(ck)
    if pool is None:
        members: dict[int, None] = {}
        for la, lo, r in points:
            for i in gaz.near(la, lo, max(r, 8.0)):
                members[i] = None
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
    order = {"subdistrict": 0, "district": 1}
    for a in sorted((a for a in ctx.anchors if a.kind in order), key=lambda a: order[a.kind]):
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

        if pool.latin:
            for full, base in queries:
                if not base:
                    continue
                cutoff = PREFILTER_SMALL if small else PREFILTER
                keys, metas = pool.block(base)
                for _k, _s, j in process.extract(
                    base, keys, scorer=fuzz.ratio, score_cutoff=cutoff, limit=20
                ):
                    k, idx, kind = metas[j]
                    sim = latin_similarity(full, k)
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
        if pool.arabic and small:
            for q in ar_queries:
                if len(q.replace(" ", "")) < 4:
                    continue
                for _a, arsim, j in process.extract(q, pool.arabic, scorer=fuzz.ratio, score_cutoff=ARABIC_ONLY_MIN,
                                                    limit=5):  # fmt: skip
                    idx = pool.arabic_meta[j]
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


def _bearing(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Approximate bearing (degrees from north) from point 1 to point 2."""
    x = (lon2 - lon1) * math.cos(math.radians((lat1 + lat2) / 2))
    return math.degrees(math.atan2(x, lat2 - lat1)) % 360.0


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
        d = min(approx_km(e.lat, e.lon, la, lo) / r for la, lo, r in ctx.points)
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
            if generic == "subdistrict" and e.pcode and len(e.pcode) == 8:
                bonus += 0.05
        elif generic == "point":
            bonus += 0.05 if f in ("city", "town", "village", "landmark") else -0.2
        elif generic == "countryside":
            bonus += 0.3 if f == "governorate" else 0.2 if f == "district" else -0.1
        elif f in ("governorate", "district", "country"):
            bonus -= 0.08  # a bare name is more often the town than the unit named after it
        c.consistent = ok
        c.score = c.base + bonus + _FEATURE_WEIGHT.get(f, 0.0) + 0.008 * min(e.rank, 15)


# --------------------------------------------------------------------------------------------
# Results


def _admin(gaz: Gazetteer, e: Entry) -> tuple[str, ...]:
    """Arabic admin path of a Place at ``e`` (the unit itself last when ``e`` is one); cached."""
    paths = gaz._admin_paths
    admin = paths.get(e.id)
    if admin is None:
        admin = tuple(a for a in e.admin_ar if a)
        if e.feature in ("governorate", "district") and e.name_ar:
            admin = (*admin, e.name_ar)
        paths[e.id] = admin
    return admin


_OWN = "own"


def _place(gaz: Gazetteer, name: str, e: Entry, precision: str, how: str, score: float,
           alternatives: Sequence[int] = (), pcode: str | None = _OWN) -> Place:  # fmt: skip
    """A Place at entry ``e``; ``pcode`` defaults to the entry's own (pass None or the place's
    own P-code when ``e`` only contains the place)."""
    alts = tuple(dict.fromkeys(gaz.entries[i].id for i in alternatives if gaz.entries[i].id != e.id))[:5]
    return Place(name, e.lat, e.lon, e.id, _admin(gaz, e), e.country, precision, how, round(max(0.0, min(1.0, score)), 3),
                 e.pcode if pcode == _OWN else pcode, alts)  # fmt: skip


def _choose(gaz: Gazetteer, name: str, cands: list[_Cand], how: str | None = None) -> Place:
    cands.sort(key=lambda c: -c.score)
    best = cands[0]
    e = gaz.entries[best.index]
    score = best.base
    rival = next((c for c in cands[1:] if _rivals(e, gaz.entries[c.index])), None)
    if rival is not None:
        gap = best.score - rival.score
        score *= 0.6 if gap < 0.1 else 0.8 if gap < 0.25 else 1.0  # far-apart places fit about as well
    return _place(gaz, name, e, _PRECISION.get(e.feature, "village"), how or best.how, score,
                  [c.index for c in cands[1:]], best.pcode or _OWN)  # fmt: skip


def _rivals(e: Entry, e2: Entry) -> bool:
    """Whether two candidates are different places (not the same spot, nor a unit and its seat)."""
    if e.id in e2.admin_ids or e2.id in e.admin_ids:
        return False
    return approx_km(e.lat, e.lon, e2.lat, e2.lon) > 5


def _context_place(gaz: Gazetteer, name: str, ctx: ContextInfo, parent_place: Place | None,
                   pcode: str | None, alternatives: Sequence[int] = ()) -> Place | None:  # fmt: skip
    place = _context_place0(gaz, name, ctx, parent_place, pcode)
    if place is not None and alternatives:
        alts = tuple(dict.fromkeys(gaz.entries[i].id for i in alternatives))[:5]
        place = replace(place, alternatives=alts)
    return place


def _context_place0(gaz: Gazetteer, name: str, ctx: ContextInfo, parent_place: Place | None,
                    pcode: str | None) -> Place | None:  # fmt: skip
    if parent_place is not None and parent_place.lat is not None and parent_place.gazetteer_id:
        pe = gaz.get(parent_place.gazetteer_id)
        if pe is not None:
            prec = _CONTEXT_PRECISION.get(pe.feature, "town")
            if parent_place.precision in ("district", "governorate", "country"):
                prec = parent_place.precision
            return _place(gaz, name, pe, prec, "context", 0.5 * parent_place.score + 0.1, pcode=pcode)
    for a in ctx.anchors:
        e = gaz.entries[a.index]
        if a.target is not None:
            return Place(name, round(a.target[0], 5), round(a.target[1], 5), e.id, _admin(gaz, e), e.country, "district",
                         "context", 0.35, pcode)  # fmt: skip
        score = {"city": 0.4, "town": 0.4, "district": 0.3, "governorate": 0.2, "country": 0.1}.get(
            e.feature, 0.35
        )
        return _place(gaz, name, e, _CONTEXT_PRECISION.get(e.feature, "town"), "context", score, pcode=pcode)
    for cc in ctx.countries:
        e = gaz.get(f"country:{cc}")
        if e is not None:
            return _place(gaz, name, e, "country", "context", 0.1, pcode=pcode)
    return None


def _within(gaz: Gazetteer, name: str) -> Place | None:
    """Places named inside a descriptive name ("الطريق الواصل بين بلدتي سحم الجولان والشجرة")."""
    info = parse_context(gaz, name)
    pts = [gaz.entries[a.index] for a in info.anchors]
    if not pts:
        cs = [e for e in (gaz.get(f"country:{c}") for c in info.countries) if e is not None]
        if len(cs) >= 2:
            lat, lon = sum(c.lat for c in cs) / len(cs), sum(c.lon for c in cs) / len(cs)
            return Place(
                name, round(lat, 5), round(lon, 5), cs[0].id, (), cs[0].country, "country", "context", 0.1
            )
        return None
    if len(pts) == 1:
        e = pts[0]
        return _place(gaz, name, e, _CONTEXT_PRECISION.get(e.feature, "town"), "context", 0.35, pcode=None)
    lat, lon = sum(e.lat for e in pts) / len(pts), sum(e.lon for e in pts) / len(pts)
    spread = max(approx_km(lat, lon, e.lat, e.lon) for e in pts)
    prec = "town" if spread < 10 else "district" if spread < 60 else "governorate"
    e = pts[0]
    return Place(name, round(lat, 5), round(lon, 5), e.id, _admin(gaz, e), e.country, prec, "context", 0.3)


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
    الشرقي", "شمال مدينة حماة"); ``country`` an ISO code the place must be in; ``near`` the
    positions of the other places of the report; ``parent`` the place this one is said to belong
    to (التابعة لبلدة X).
    """
    pn = _parse_name(name)
    if not pn.forms:
        return Place(name, None, None, None, (), country, "unknown", "none", 0.0)
    ctx = parse_context(gaz, context)
    parent_place: Place | None = None
    if parent:
        pk = ("parent", parent, context, country)
        parent_place = gaz._cache.get(pk)
        if parent_place is None:
            parent_place = geocode(gaz, parent, context, country, near)
            _cache_put(gaz, pk, parent_place)
        if (
            parent_place.lat is not None
            and parent_place.gazetteer_id
            and parent_place.precision in ("village", "town", "city")
        ):
            pe = gaz.get(parent_place.gazetteer_id)
            if pe is not None:
                anchors = (Anchor(gaz.by_id[pe.id], "point", 10.0), *ctx.anchors)
                ctx = _info(gaz, anchors, ctx.countries)

    # 1-2. the Arabic name index
    cands = _name_candidates(gaz, pn)
    if cands:
        _score(gaz, cands, ctx, country, near, pn.generic)
        good = [c for c in cands if c.consistent]
        if good:
            place = _choose(gaz, name, good)
            if ctx.empty and not near and not country and len(cands) > 1:
                place = replace(place, score=round(place.score * 0.9, 3))
            return place

    # 3. across scripts, inside the context's area
    pcode: str | None = None
    area_hint: int | None = None
    alternatives: list[int] = [c.index for c in cands]
    if pn.head is None:
        xs, ambiguous = _fuzzy(gaz, pn, _pools(gaz, ctx, country, near, wide=True))
        if xs:
            _score(gaz, xs, ctx, country, near, pn.generic)
            xs.sort(key=lambda c: -c.score)
            if ambiguous:
                # the context (near points, direction, area) may still prefer one of them clearly
                if xs[0].consistent and xs[0].area_index is None and xs[0].score - xs[1].score >= 0.09:
                    return _choose(gaz, name, xs)
                alternatives = [c.index for c in xs]
            else:
                placed = [c for c in xs if c.area_index is None and c.consistent]
                unplaced = sorted((c for c in xs if c.area_index is not None), key=lambda c: -c.base)
                if placed and (not unplaced or max(c.base for c in placed) >= unplaced[0].base - 0.02):
                    return _choose(gaz, name, placed)
                if unplaced:
                    area_hint, pcode = unplaced[0].area_index, unplaced[0].pcode

    # 4. the context
    if pn.head is not None:
        hp = geocode(gaz, "مدينة " + pn.head.text, context, country, near)
        if hp.lat is not None and hp.precision in ("city", "town", "village") and hp.gazetteer_id:
            he = gaz.get(hp.gazetteer_id)
            if he is not None:
                return _place(
                    gaz,
                    name,
                    he,
                    _CONTEXT_PRECISION.get(he.feature, "town"),
                    "context",
                    0.5 * hp.score,
                    pcode=None,
                )
    if parent_place is None and area_hint is not None:
        # a community known only by P-code: its sub-district, unless the context names a town in it
        town = next((a for a in ctx.anchors if a.kind == "point"), None)
        ae = gaz.entries[area_hint]
        if town is None or not (ae.id in gaz.entries[town.index].admin_ids or approx_km(
            ae.lat, ae.lon, gaz.entries[town.index].lat, gaz.entries[town.index].lon
        ) < 25):  # fmt: skip
            return _place(gaz, name, ae, "district", "cross-script", 0.45, pcode=pcode)
    if len(pn.forms[0].words) >= 3:
        inner = _within(gaz, name)
        if inner is not None:
            return inner
    fallback = _context_place(gaz, name, ctx, parent_place, pcode, alternatives)
    if fallback is not None:
        return fallback
    if cands:
        # the name exists, but not where the context (or the country) says
        if not country:
            place = _choose(gaz, name, cands)
            return replace(place, score=round(0.3 * place.score, 3))
        return Place(name, None, None, None, (), country, "unknown", "none", 0.0,
                     alternatives=tuple(gaz.entries[c.index].id for c in cands[:5]))  # fmt: skip
    inner = _within(gaz, name) if len(pn.forms[0].words) >= 2 else None
    if inner is not None:
        return inner
    return Place(name, None, None, None, (), country, "unknown", "none", 0.0)
