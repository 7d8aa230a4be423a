"""Merging, first half: the rows of the source tables as records (``_records``), and records of
different sources lying close together with compatible names clustered into places (``_cluster``)."""

from __future__ import annotations

import math
import re
import sqlite3
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field

from raqib.gazetteer.geometry import approx_km
from raqib.gazetteer.latin import _is_latin, is_arabic, latin_key, latin_similarity, romanized_keys
from raqib.normalize import bare


@dataclass
class _Rec:
    sid: str
    source: str
    lat: float
    lon: float
    names_ar: list[str]
    names_en: list[str]
    feature: str
    country: str | None = None
    pcode: str | None = None
    geonames_id: int | None = None
    pos_rank: int = 2
    population: int = 0
    adm: dict[str, str] = field(default_factory=dict)
    merge_radius: float = 3.0


@dataclass
class _Place:
    recs: list[_Rec]
    lat: float
    lon: float
    ar_keys: set[str] = field(default_factory=set)
    en_keys: set[str] = field(default_factory=set)
    country: str | None = None
    adm1: str | None = None
    sy23: tuple[str, str] | None = None
    gn: dict[str, str] = field(default_factory=dict)

    @property
    def first(self) -> _Rec:
        return self.recs[0]


def _gn_feature(fcode: str, fclass: str, pop: int) -> str | None:
    if fclass == "P":
        if fcode in ("PPLC", "PPLA", "PPLG") or pop >= 100_000:
            return "city"
        if fcode in ("PPLA2", "PPLA3") or pop >= 10_000:
            return "town"
        if fcode in ("PPLH", "PPLW", "PPLQ", "PPLCH"):
            return None
        return "village"
    landmark_codes = {
        "T": {"HLL", "HLLS", "MT", "MTS", "PK", "PKS", "RDGE", "PASS", "MND"},
        "S": {"AIRP", "AIRB", "AIRF", "AIRH", "DAM", "MILB", "INSM", "CSTL", "CMP", "CMPRF", "BDG", "FT", "RUIN",
              "OILR", "OILP", "OILF", "PS", "PRN", "BRKS", "PSTB", "CTRF", "STDM", "HSP", "UNIV", "MSQE",
              "SHRN", "TMB", "FCL", "PO", "MKT", "PRT", "RSTN", "BCN", "ANS"},
        "H": {"DAM", "DAMSB", "LK", "RSV", "WAD"},
    }  # fmt: skip
    if fcode in landmark_codes.get(fclass, ()):
        return "landmark"
    return None


def _add_en(names: list[str], value: str | None) -> None:
    if not value:
        return
    value = value.strip()
    m = re.fullmatch(r"(.*?)\s*\(([^)]*)\)\s*", value)
    parts = [value]
    if m:
        parts = [m.group(1)]
        if not m.group(2).replace(".", "").isdigit():
            parts.append(m.group(2))
    for part in parts:
        part = part.strip(" -")
        if part and part not in names and _is_latin(part):
            names.append(part)


def _add_ar(names: list[str], value: str | None) -> None:
    if value and is_arabic(value):
        value = value.strip()
        if value not in names:
            names.append(value)


def _records(conn: sqlite3.Connection) -> list[_Rec]:
    recs: list[_Rec] = []
    for gid, name, asc, alts, lat, lon, fclass, fcode, cc, a1, a2, pop, origin in conn.execute(
        "SELECT * FROM geonames ORDER BY geonameid"
    ):
        feature = _gn_feature(fcode, fclass, pop or 0)
        if feature is None:
            continue
        ar: list[str] = []
        en: list[str] = []
        _add_en(en, name)
        _add_en(en, asc)
        en_keys = {latin_key(n) for n in en}
        for a in (alts or "").split(","):
            if is_arabic(a):
                _add_ar(ar, a)
            elif len(en_keys) < 6 and latin_key(a) not in en_keys:
                _add_en(en, a)
                en_keys.add(latin_key(a))
        adm = {
            "gn1": f"{cc}.{a1}" if a1 else "",
            "gn2": f"{cc}.{a1}.{a2}" if a1 and a2 else "",
            "fcode": fcode,
            "origin": origin,
        }
        radius = 8.0 if feature == "city" else 4.0 if feature == "town" else 3.0
        recs.append(
            _Rec(f"gn:{gid}", "geonames", lat, lon, ar, en, feature, cc, None, gid, 2, pop or 0, adm, radius)
        )
    for row in conn.execute("SELECT * FROM ocha_pplp ORDER BY pcode"):
        pcode, n_ar, n_en, p1, e1, _a1, p2, e2, _a2, p3, e3, _a3, lat, lon, cc = row
        ar, en = [], []
        _add_ar(ar, n_ar)
        _add_en(en, n_en)
        adm = {"p1": p1 or "", "e1": e1 or "", "p2": p2 or "", "e2": e2 or "", "p3": p3 or "", "e3": e3 or ""}
        recs.append(
            _Rec(
                f"pplp:{pcode}", "ocha_pplp", lat, lon, ar, en, "village", cc or "SY", pcode, None, 1, 0, adm
            )
        )
    for row in conn.execute("SELECT * FROM iom_osm ORDER BY pcode"):
        pcode, _fid, _osm, n_ar, n_en, n_lat, loc, place, p1, e1, p2, e2, p3, e3, lat, lon, _sim = row
        ar, en = [], []
        _add_ar(ar, n_ar)
        for v in (loc, n_en, n_lat, n_ar):
            _add_en(en, v)
        feature = {"city": "city", "town": "town"}.get(place or "", "village")
        adm = {"p1": p1 or "", "e1": e1 or "", "p2": p2 or "", "e2": e2 or "", "p3": p3 or "", "e3": e3 or ""}
        recs.append(_Rec(f"iom:{pcode}", "iom_osm", lat, lon, ar, en, feature, "SY", pcode, None, 1, 0, adm))
    for osm_id, name, n_ar, n_en, place, lat, lon in conn.execute("SELECT * FROM osm_places ORDER BY osm_id"):
        ar, en = [], []
        _add_ar(ar, n_ar)
        _add_ar(ar, name)
        _add_en(en, n_en)
        _add_en(en, name)
        feature = {"city": "city", "town": "town"}.get(place or "", "village")
        recs.append(_Rec(f"osm:{osm_id}", "osm_places", lat, lon, ar, en, feature, None, None, None, 1))
    for wid, _r, lat, lon, _m, _c, symbol, size, label, target, _co, flags in conn.execute(
        "SELECT * FROM wikipedia_marks ORDER BY rowid"
    ):
        if not label or "invalid_coordinate" in (flags or "") or symbol in (
            "inset_map", "overlay", "hidden_link_dot", "rural_presence",
        ):  # fmt: skip
            continue
        en: list[str] = []
        _add_en(en, label)
        if target and not target.startswith("#"):
            t = re.sub(r",_(Syria|Iraq|Lebanon|Turkey)$", "", target.split("#")[0]).replace("_", " ")
            if latin_key(t) and latin_similarity(latin_key(t), latin_key(label)) >= 80:
                _add_en(en, t)
        if not en:
            continue
        if symbol == "dot":
            feature = "city" if (size or 0) >= 14 else "town" if (size or 0) >= 8 else "village"
        else:
            feature = "landmark"
        recs.append(_Rec(wid, "wikipedia_marks", lat, lon, [], en, feature, None, None, None, 3))
    return recs


class _Grid:
    def __init__(self, cell: float = 0.05) -> None:
        self.CELL = cell
        self.cells: dict[tuple[int, int], list] = defaultdict(list)

    def key(self, lat: float, lon: float) -> tuple[int, int]:
        return math.floor(lat / self.CELL), math.floor(lon / self.CELL)

    def add(self, lat: float, lon: float, item: object) -> None:
        self.cells[self.key(lat, lon)].append(item)

    def near(self, lat: float, lon: float, km: float) -> Iterator:
        r = math.ceil(km / (111.0 * self.CELL * max(0.2, math.cos(math.radians(lat)))))
        ci, cj = self.key(lat, lon)
        for di in range(-r, r + 1):
            for dj in range(-r, r + 1):
                yield from self.cells.get((ci + di, cj + dj), ())


def _rec_keys(rec: _Rec) -> tuple[set[str], set[str]]:
    ar = set()
    for n in rec.names_ar:
        k = bare(n)
        if k:
            ar.add(k)
            ar.add(k.replace(" ", ""))
    en = {k for k in (latin_key(n) for n in rec.names_en) if k}
    return ar, en


def _compatible(place: _Place, ar: set[str], en: set[str], rec: _Rec) -> float:
    """Name compatibility (0-100) of a record with a place."""
    if ar and place.ar_keys and ar & place.ar_keys:
        return 100.0
    best = 0.0
    for a in en:
        for b in place.en_keys:
            best = max(best, latin_similarity(a, b))
    if best < 85 and (ar and not place.ar_keys and place.en_keys):
        for n in rec.names_ar:
            for a in romanized_keys(n):
                for b in place.en_keys:
                    best = max(best, latin_similarity(a, b) - 5)
    if best < 85 and (place.ar_keys and not ar and en):
        for pr in place.recs:
            for n in pr.names_ar:
                for a in romanized_keys(n):
                    for b in en:
                        best = max(best, latin_similarity(a, b) - 5)
    return best


_PRIORITY = {"geonames": 0, "ocha_pplp": 1, "iom_osm": 2, "osm_places": 3, "wikipedia_marks": 4}
#: Sources whose distinct records are distinct places (never merged with one another).
_DISTINCT = frozenset({"geonames", "iom_osm", "ocha_pplp", "osm_places"})


def _cluster(recs: list[_Rec]) -> tuple[list[_Place], int]:
    places: list[_Place] = []
    grid = _Grid()
    by_pcode: dict[str, _Place] = {}
    merged = 0
    for rec in sorted(recs, key=lambda r: (_PRIORITY[r.source], r.sid)):
        ar, en = _rec_keys(rec)
        target: _Place | None = None
        if rec.pcode and rec.pcode in by_pcode:
            target = by_pcode[rec.pcode]
        else:
            best = (0.0, 0.0)
            for pl in grid.near(rec.lat, rec.lon, 8.0):
                if rec.source in _DISTINCT and any(r.source == rec.source for r in pl.recs):
                    continue
                if rec.pcode and pl.first.pcode and pl.first.pcode != rec.pcode:
                    continue
                d = approx_km(rec.lat, rec.lon, pl.lat, pl.lon)
                radius = max(rec.merge_radius, pl.first.merge_radius)
                if rec.source == pl.first.source == "wikipedia_marks":
                    radius = 1.5
                if d > radius:
                    continue
                score = _compatible(pl, ar, en, rec)
                need = 80.0 if d <= 3.0 else 90.0
                if score >= need and (score - 10 * d, -d) > best:
                    best = (score - 10 * d, -d)
                    target = pl
        if target is None:
            target = _Place([rec], rec.lat, rec.lon)
            places.append(target)
            grid.add(rec.lat, rec.lon, target)
        else:
            target.recs.append(rec)
            merged += 1
            if rec.pos_rank < min(r.pos_rank for r in target.recs[:-1]):
                target.lat, target.lon = rec.lat, rec.lon
        target.ar_keys |= ar
        target.en_keys |= en
        if rec.pcode:
            by_pcode.setdefault(rec.pcode, target)
    return places, merged
