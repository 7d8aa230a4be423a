"""Results: ``geocode`` itself (the order of attempts is in the package docstring) and the
``Place`` it returns."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from raqib.gazetteer import Entry, Gazetteer, approx_km
from raqib.geocode.candidates import _cache_put, _Cand, _fuzzy, _name_candidates, _pools, _score
from raqib.geocode.context import Anchor, ContextInfo, _info, parse_context
from raqib.geocode.names import _parse_name
from raqib.model import Place

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
    # max(0.0, min(1.0, score)) without two builtin calls (some 1,400 instructions each in Python 3.11)
    score = score if score < 1.0 else 1.0
    score = score if score > 0.0 else 0.0
    return Place(name, e.lat, e.lon, e.id, _admin(gaz, e), e.country, precision, how, round(score, 3),
                 e.pcode if pcode == _OWN else pcode, alts)  # fmt: skip


def _choose(gaz: Gazetteer, name: str, cands: list[_Cand], how: str | None = None) -> Place:
    cands.sort(key=lambda c: -c.score)
    best = cands[0]
    e = gaz.entries[best.index]
    score = best.base
    rival = None  # the first candidate that is another place
    for c in cands[1:]:
        if _rivals(e, gaz.entries[c.index]):
            rival = c
            break
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
    """Locate a place name as written in the text (see ``_locate``). An answer outside the
    ``country`` asked for is never returned: "unknown" is honest, a village in another country
    is not."""
    place = _locate(gaz, name, context, country, near, parent)
    if country and place.country and place.country != country and place.lat is not None:
        return Place(name, None, None, None, (), country, "unknown", "none", 0.0,
                     alternatives=(place.gazetteer_id,) if place.gazetteer_id else ())  # fmt: skip
    return place


def _locate(
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
        pk = ("parent", parent, context, country, tuple(near))  # every input of the answer: no order effects
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
