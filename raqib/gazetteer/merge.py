"""Merging, second half: ``place``, ``place_source`` and ``name`` recomputed from the source tables
(``_rebuild``): countries and admin paths of the clustered places, admin units as places, ids kept
across rebuilds."""

from __future__ import annotations

import json
import math
import re
import sqlite3
from collections import defaultdict
from collections.abc import Sequence

from rapidfuzz import fuzz, process

from raqib.gazetteer.geometry import PolygonIndex, approx_km
from raqib.gazetteer.latin import (
    _ascii,
    _non_arabic_letters,
    _romanised_fit,
    _split_quals,
    latin_key,
    latin_similarity,
)
from raqib.gazetteer.records import _add_en, _cluster, _Grid, _Place, _Rec, _records
from raqib.gazetteer.tables import _SETTLEMENT_RANK, ADMIN1_AR, COUNTRIES
from raqib.normalize import bare


def _en_order_first(recs: Sequence[_Rec]) -> str:
    """The English name the place's primary names come from (GeoNames first)."""
    for src in ("geonames", "iom_osm", "ocha_pplp", "osm_places", "wikipedia_marks"):
        for r in recs:
            if r.source == src and r.names_en:
                return r.names_en[0]
    return ""


def _norm_en(s: str) -> str:
    return re.sub(r"[^a-z]", "", _ascii(s).lower())


def _rebuild(conn: sqlite3.Connection) -> tuple[int, int, int]:
    """Recompute ``place``, ``place_source`` and ``name`` from the source tables.

    Ids are kept across rebuilds: a place keeps the id it had when one of its source records
    was already part of that place (so imports never rename places).
    """
    previous = dict(conn.execute("SELECT source_id, place_id FROM place_source"))
    conn.execute("DELETE FROM place")
    conn.execute("DELETE FROM place_source")
    conn.execute("DELETE FROM name")

    # --- admin-1 references
    ocha = {
        r[0]: r
        for r in conn.execute(
            "SELECT pcode, name_en, name_ar, alt_en, center_lat, center_lon, geometry FROM ocha_adm1"
        )
    }
    polys = PolygonIndex((p, json.loads(r[6])) for p, r in ocha.items()) if ocha else None
    ocha_by_en = {_norm_en(r[1]): p for p, r in ocha.items()}
    for p, r in ocha.items():
        for alt in (r[3] or "").split("|"):
            if alt:
                ocha_by_en.setdefault(_norm_en(alt), p)
    gn_admin = {
        code: (level, name, asc, gid)
        for code, level, name, asc, gid in conn.execute("SELECT * FROM geonames_admin")
    }

    recs = _records(conn)
    places, merged = _cluster(recs)

    # --- country and Syrian governorate of every place
    gn_points = [(pl.lat, pl.lon, pl) for pl in places if any(r.source == "geonames" for r in pl.recs)]
    gn_grid = _Grid(0.5)
    for lat, lon, pl in gn_points:
        gn_grid.add(lat, lon, pl)

    def nearest_gn(lat: float, lon: float, km: float, country: str | None = None) -> _Place | None:
        best, bd = None, km
        for pl in gn_grid.near(lat, lon, km):
            if country and pl.country != country:
                continue
            d = approx_km(lat, lon, pl.lat, pl.lon)
            if d < bd:
                best, bd = pl, d
        return best

    for pl in places:
        cc = next((r.country for r in pl.recs if r.country), None)
        adm1 = next((r.adm["p1"] for r in pl.recs if r.adm.get("p1")), None)
        if polys is not None and (cc in (None, "SY")):
            hit = polys.locate(pl.lat, pl.lon)
            if hit:
                cc, adm1 = "SY", adm1 or hit
        if cc is None:
            near = nearest_gn(pl.lat, pl.lon, 60.0)
            cc = next((r.country for r in near.recs if r.country), None) if near else None
        pl.country = cc
        pl.adm1 = adm1 if cc == "SY" else None

    # --- Syrian districts / sub-districts: from IOM / PPLP P-codes, else the nearest placed community
    sy_adm: dict[str, str] = {}  # pcode -> English name
    iom_pts = _Grid()
    for pl in places:
        for r in pl.recs:
            if r.adm.get("p3"):
                sy_adm[r.adm["p2"]] = r.adm["e2"]
                sy_adm[r.adm["p3"]] = r.adm["e3"]
                iom_pts.add(pl.lat, pl.lon, (pl, r.adm["p1"], r.adm["p2"], r.adm["p3"]))
                break
    for p2e, p3, p3e in conn.execute("SELECT adm2_en, adm3_pcode, adm3_en FROM iom_audit"):
        if p3:
            sy_adm.setdefault(p3, p3e)
            sy_adm.setdefault(p3[:6], p2e)
    for pl in places:
        pl.sy23 = None
        if pl.country != "SY":
            continue
        own = next((r.adm for r in pl.recs if r.adm.get("p3")), None)
        if own:
            pl.sy23 = (own["p2"], own["p3"])
            pl.adm1 = own["p1"] or pl.adm1
            continue
        best, bd = None, 10.0
        for other, p1, p2, p3 in iom_pts.near(pl.lat, pl.lon, 10.0):
            if p1 != pl.adm1:
                continue
            d = approx_km(pl.lat, pl.lon, other.lat, other.lon)
            if d < bd:
                best, bd = (p2, p3), d
        pl.sy23 = best

    # --- IOM community list rows without coordinates: attach to a compatible point when unambiguous
    placed_pcodes = {r.pcode for pl in places for r in pl.recs if r.pcode}
    sub_members: dict[str, list[_Place]] = defaultdict(list)
    for pl in places:
        if pl.sy23:
            sub_members[pl.sy23[1]].append(pl)
    unplaced = 0
    cand_keys: dict[str, list[str]] = defaultdict(list)
    cand_places: dict[str, list[_Place]] = defaultdict(list)
    for pl in places:
        if pl.country == "SY" and pl.adm1 and not any(r.pcode for r in pl.recs):
            for k in pl.en_keys:
                cand_keys[pl.adm1].append(_split_quals(k)[0])
                cand_places[pl.adm1].append(pl)
    sub_info: dict[str, tuple[float, float, float]] = {}
    for p3, members in sub_members.items():
        clat = sum(m.lat for m in members) / len(members)
        clon = sum(m.lon for m in members) / len(members)
        sub_info[p3] = (clat, clon, max(approx_km(clat, clon, m.lat, m.lon) for m in members))
    taken: set[int] = set()
    for pcode, name_en, a1, a2, a3, p3 in conn.execute(
        "SELECT pcode, name_en, adm1_en, adm2_en, adm3_en, adm3_pcode FROM iom_audit ORDER BY pcode"
    ):
        if pcode in placed_pcodes:
            continue
        p1 = ocha_by_en.get(_norm_en(a1 or ""))
        key = latin_key(name_en or "")
        if not key or not p1 or (p3 or "") not in sub_info:
            unplaced += 1
            continue
        clat, clon, spread = sub_info[p3]
        best_of: dict[int, tuple[float, _Place]] = {}
        for _k, _score, j in process.extract(
            _split_quals(key)[0], cand_keys.get(p1, []), scorer=fuzz.ratio, score_cutoff=78, limit=None
        ):
            pl = cand_places[p1][j]
            if id(pl) in taken or approx_km(clat, clon, pl.lat, pl.lon) > spread + 12.0:
                continue
            s = max((latin_similarity(key, k) for k in pl.en_keys), default=0.0)
            if s >= 85 and s > best_of.get(id(pl), (0.0, pl))[0]:
                best_of[id(pl)] = (s, pl)
        scored = list(best_of.values())
        scored.sort(key=lambda t: -t[0])
        if not scored or (len(scored) > 1 and scored[1][0] >= scored[0][0] - 5):
            unplaced += 1
            continue
        pl = scored[0][1]
        en: list[str] = []
        _add_en(en, name_en)
        rec = _Rec(f"iom:{pcode}", "iom_audit", pl.lat, pl.lon, [], en, pl.first.feature, "SY", pcode, None, 9,
                   adm={"p1": p1, "e1": a1, "p2": p3[:6], "e2": a2, "p3": p3, "e3": a3})  # fmt: skip
        pl.recs.append(rec)
        pl.en_keys.add(key)
        pl.sy23 = (p3[:6], p3)
        taken.add(id(pl))
        merged += 1

    # --- admin units as places
    admin_rows: list[dict] = []
    admin_of: dict[int, list[str]] = {}  # id(place) -> admin ids

    def seat_ar(members: list[_Place], name: str) -> list[str]:
        key = latin_key(re.sub(r"(?i)\b(district|qadha|qada|qa[dḑ]a[’']?|nahiyat|markaz)\b", " ", name))
        best: tuple[float, int, list[str]] = (0.0, 0, [])
        for m in members:
            ar = [n for r in sorted(m.recs, key=lambda r: r.pos_rank) for n in r.names_ar]
            if not ar:
                continue
            s = max((latin_similarity(key, k) for k in m.en_keys), default=0.0)
            rank = _SETTLEMENT_RANK.get(_feature(m), 0)
            if s >= 85 and (s, rank) > best[:2]:
                best = (s, rank, ar)
        return sorted(dict.fromkeys(best[2]), key=_non_arabic_letters)

    sy_members: dict[str, list[_Place]] = defaultdict(list)
    for pl in places:
        if pl.country == "SY" and pl.adm1:
            sy_members[pl.adm1].append(pl)
            if pl.sy23:
                sy_members[pl.sy23[0]].append(pl)
                sy_members[pl.sy23[1]].append(pl)
    for p, (pcode, name_en, name_ar, alt_en, clat, clon, _g) in sorted(ocha.items()):
        en = [name_en] + [a for a in (alt_en or "").split("|") if a and a != name_en]
        admin_rows.append({"id": f"ocha:{p}", "ar": [name_ar] if name_ar else [], "en": en, "lat": clat, "lon": clon,
                           "feature": "governorate", "parents": [], "country": "SY", "pcode": p, "gid": None,
                           "source": "ocha_adm1"})  # fmt: skip
    ocha_ar = {p: r[2] for p, r in ocha.items()}
    pplp_ar: dict[str, str] = {}  # Arabic names of districts / sub-districts given by COD-PP rows
    for p2, a2, e2, p3, a3, e3 in conn.execute(
        "SELECT adm2_pcode, adm2_ar, adm2_en, adm3_pcode, adm3_ar, adm3_en FROM ocha_pplp ORDER BY pcode"
    ):
        for code, ar, en in ((p2, a2, e2), (p3, a3, e3)):
            if code and ar:
                pplp_ar.setdefault(code, ar)
                if en:
                    sy_adm.setdefault(code, en)
    for code in sorted(k for k in sy_adm if len(k) in (6, 8) and k[:4] in ocha):
        members = [
            m for m in sy_members.get(code, []) if any(r.source in ("iom_osm", "ocha_pplp") for r in m.recs)
        ]
        members = members or sy_members.get(code, [])
        if not members:
            continue
        lat = sum(m.lat for m in members) / len(members)
        lon = sum(m.lon for m in members) / len(members)
        name = sy_adm[code]
        parents = [f"ocha:{code[:4]}"] + ([f"ocha:{code[:6]}"] if len(code) == 8 else [])
        ar = [pplp_ar[code]] if code in pplp_ar else seat_ar(sy_members.get(code, []), name)
        admin_rows.append({"id": f"ocha:{code}", "ar": ar, "en": [name],
                           "lat": lat, "lon": lon, "feature": "district", "parents": parents, "country": "SY",
                           "pcode": code, "gid": None, "source": "iom_audit"})  # fmt: skip
    # GeoNames admin units outside Syria: governorates with hand-made Arabic names, districts (IQ)
    gn_members: dict[str, list[_Place]] = defaultdict(list)
    for pl in places:
        g = next((r.adm for r in pl.recs if r.adm.get("gn1")), None)
        if g is None and pl.country and pl.country != "SY":
            near = nearest_gn(pl.lat, pl.lon, 100.0, pl.country)
            g = next((r.adm for r in near.recs if r.adm.get("gn1")), None) if near else None
        pl.gn = g or {}
        if g and pl.country != "SY":
            gn_members[g["gn1"]].append(pl)
            if g.get("gn2") and g["gn2"].startswith("IQ."):
                gn_members[g["gn2"]].append(pl)
    for code in sorted(gn_members):
        if code not in gn_admin:
            continue
        level, name, asc, gid = gn_admin[code]
        members = gn_members[code]
        if level == 1 and code not in ADMIN1_AR:
            continue
        lat = sum(m.lat for m in members) / len(members)
        lon = sum(m.lon for m in members) / len(members)
        if level == 1:
            ar = list(ADMIN1_AR[code])
            parents: list[str] = []
            feature = "governorate"
            seats = [m for m in members if any(r.adm.get("fcode") in ("PPLA", "PPLC") and r.adm.get("gn1") == code
                                               for r in m.recs)]  # fmt: skip
            if seats:
                lat, lon = seats[0].lat, seats[0].lon
        else:
            ar = seat_ar(members, asc or name)
            parents = [f"gn-adm1:{code.rsplit('.', 1)[0]}"] if code.rsplit(".", 1)[0] in ADMIN1_AR else []
            feature = "district"
            seat = [m for m in members if ar and set(ar) & {n for r in m.recs for n in r.names_ar}]
            if seat:
                lat, lon = seat[0].lat, seat[0].lon
        en = list(dict.fromkeys(x for x in (name, asc) if x))
        admin_rows.append({"id": f"gn-adm{level}:{code}", "ar": ar, "en": en, "lat": lat, "lon": lon,
                           "feature": feature, "parents": parents, "country": code[:2], "pcode": None, "gid": gid,
                           "source": "geonames" if level == 2 else "raqib_tables"})  # fmt: skip
    countries = {pl.country for pl in places if pl.country}
    for cc in sorted(countries & set(COUNTRIES)):
        ar, en, lat, lon = COUNTRIES[cc]
        admin_rows.append({"id": f"country:{cc}", "ar": list(ar), "en": [en], "lat": lat, "lon": lon,
                           "feature": "country", "parents": [], "country": cc, "pcode": None, "gid": None,
                           "source": "raqib_tables"})  # fmt: skip

    admin_by_id = {a["id"]: a for a in admin_rows}

    def names_of(aid: str | None) -> tuple[str, str]:
        a = admin_by_id.get(aid or "")
        if not a:
            return "", ""
        return (a["ar"][0] if a["ar"] else ""), (a["en"][0] if a["en"] else "")

    for pl in places:
        ids: list[str] = []
        if pl.country == "SY":
            if pl.adm1:
                ids.append(f"ocha:{pl.adm1}")
                if pl.sy23 and pl.sy23[0][:4] == pl.adm1:
                    ids += [f"ocha:{c}" for c in pl.sy23]
        elif pl.gn:
            if f"gn-adm1:{pl.gn['gn1']}" in admin_by_id:
                ids.append(f"gn-adm1:{pl.gn['gn1']}")
            if f"gn-adm2:{pl.gn.get('gn2')}" in admin_by_id:
                ids.append(f"gn-adm2:{pl.gn['gn2']}")
        admin_of[id(pl)] = [i for i in ids if i in admin_by_id]
    # names for admin units: governorate Arabic from OCHA
    for a in admin_rows:
        if a["id"].startswith("ocha:") and not a["ar"] and len(a["pcode"]) == 4:
            a["ar"] = [ocha_ar.get(a["pcode"])] if ocha_ar.get(a["pcode"]) else []

    # --- governorates within a few km of Syrian points near a boundary
    near_ids: dict[int, str] = {}
    if polys is not None:
        for pl in places:
            if pl.country != "SY" or not pl.adm1:
                continue
            other = set()
            for dlat, dlon in ((0.06, 0.0), (-0.06, 0.0), (0.0, 0.075), (0.0, -0.075)):
                hit = polys.locate(pl.lat + dlat, pl.lon + dlon)
                if hit and hit != pl.adm1:
                    other.add(f"ocha:{hit}")
            if other:
                near_ids[id(pl)] = "|".join(sorted(other))

    # --- write
    place_rows, src_rows, name_rows = [], [], []
    used_ids: set[str] = {a["id"] for a in admin_rows}
    for pl in places:
        ids = admin_of[id(pl)]
        recs_sorted = sorted(pl.recs, key=_id_priority)
        old_ids = sorted({previous[r.sid] for r in recs_sorted if r.sid in previous} - used_ids)
        pid = old_ids[0] if old_ids else recs_sorted[0].sid
        if pid in used_ids:
            pid = next((r.sid for r in recs_sorted if r.sid not in used_ids), f"{pid}#{len(used_ids)}")
        used_ids.add(pid)
        ar_names = list(
            dict.fromkeys(n for r in sorted(recs_sorted, key=lambda r: r.pos_rank) for n in r.names_ar)
        )
        # Arabic spellings before Persian/Kurdish ones; among GeoNames' Arabic alternates the one
        # whose romanisation is closest to the English name (القامشلي for Al Qāmishlī, not القامشلو)
        en_key = latin_key(_en_order_first(recs_sorted))
        ar_names.sort(key=lambda n: (_non_arabic_letters(n), -_romanised_fit(n, en_key)))
        en_order = sorted(
            recs_sorted, key=lambda r: {"geonames": 0, "iom_osm": 1, "ocha_pplp": 1}.get(r.source, 2)
        )
        en_names = list(dict.fromkeys(n for r in en_order for n in r.names_en))
        feature = _feature(pl)
        pop = max(r.population for r in recs_sorted)
        rank = (
            _SETTLEMENT_RANK.get(feature, 0) * 2
            + min(len(recs_sorted), 4)
            + (math.log10(pop) if pop > 1 else 0)
        )
        pcode = next((r.pcode for r in recs_sorted if r.pcode), None)
        gid = next((r.geonames_id for r in recs_sorted if r.geonames_id), None)
        place_rows.append((
            pid, ar_names[0] if ar_names else None, en_names[0] if en_names else None, round(pl.lat, 6),
            round(pl.lon, 6), feature, "|".join(ids), "|".join(names_of(i)[0] for i in ids),
            "|".join(names_of(i)[1] for i in ids), pl.country, pcode, gid, round(rank, 3), near_ids.get(id(pl)),
        ))  # fmt: skip
        for r in recs_sorted:
            src_rows.append((pid, r.sid, r.source))
            for n in r.names_ar:
                name_rows.append((pid, n, bare(n), "ar", r.source))
            for n in r.names_en:
                name_rows.append((pid, n, latin_key(n), "en", r.source))
    for a in admin_rows:
        ids = a["parents"]
        place_rows.append((
            a["id"], a["ar"][0] if a["ar"] else None, a["en"][0] if a["en"] else None, round(a["lat"], 6),
            round(a["lon"], 6), a["feature"], "|".join(ids), "|".join(names_of(i)[0] for i in ids),
            "|".join(names_of(i)[1] for i in ids), a["country"], a["pcode"], a["gid"],
            {"country": 12, "governorate": 9, "district": 5}[a["feature"]], None,
        ))  # fmt: skip
        src_rows.append((a["id"], a["id"], a["source"]))
        for n in a["ar"]:
            name_rows.append((a["id"], n, bare(n), "ar", a["source"]))
        for n in a["en"]:
            name_rows.append((a["id"], n, latin_key(n), "en", a["source"]))
    # de-duplicate names per place (same name from several sources: keep the first source)
    seen: set[tuple[str, str, str]] = set()
    uniq = []
    for row in name_rows:
        k = (row[0], row[1], row[3])
        if k not in seen:
            seen.add(k)
            uniq.append(row)
    conn.executemany("INSERT INTO place VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)", place_rows)
    conn.executemany("INSERT INTO place_source VALUES (?,?,?)", src_rows)
    conn.executemany("INSERT INTO name VALUES (?,?,?,?,?)", uniq)
    return len(place_rows), merged, unplaced


def _id_priority(r: _Rec) -> tuple[int, str]:
    order = {
        "geonames": 0,
        "iom_osm": 1,
        "wikipedia_marks": 2,
        "iom_audit": 3,
        "ocha_pplp": 5,
        "osm_places": 6,
    }
    return order.get(r.source, 9), r.sid


def _feature(pl: _Place) -> str:
    feats = [r.feature for r in pl.recs]
    if any(r.source == "geonames" and r.feature == "city" for r in pl.recs):
        return "city"
    settled = [f for f in feats if f != "landmark"]
    if not settled:
        return "landmark"
    return max(settled, key=lambda f: _SETTLEMENT_RANK[f])
