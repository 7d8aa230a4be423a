"""Reading the raw sources (the layout of ``data/gazetteer/``) into the source tables of an index."""

from __future__ import annotations

import csv
import gzip
import io
import json
import sqlite3
import zipfile
from collections.abc import Iterator
from pathlib import Path

from raqib.errors import DataFileError
from raqib.gazetteer.geometry import gpkg_point
from raqib.gazetteer.latin import _is_latin, is_arabic


def _open_text(path: Path) -> io.TextIOBase:
    if path.suffix == ".gz":
        return io.TextIOWrapper(gzip.open(path, "rb"), encoding="utf-8-sig", newline="")
    if path.suffix == ".zip":
        zf = zipfile.ZipFile(path)
        members = [m for m in zf.namelist() if m.endswith(".txt") and "readme" not in m.lower()]
        if not members:
            raise DataFileError(str(path), "no .txt member in the zip archive")
        return io.TextIOWrapper(zf.open(members[0]), encoding="utf-8-sig", newline="")
    return open(path, encoding="utf-8-sig", newline="")


def _find(src_dir: Path, name: str) -> Path:
    for cand in (src_dir / name, src_dir / (name + ".gz")):
        if cand.exists():
            return cand
    hits = sorted(src_dir.rglob(name)) + sorted(src_dir.rglob(name + ".gz"))
    if not hits:
        raise DataFileError(str(src_dir / name), "source file not found; see data/gazetteer/README.md")
    return hits[0]


def _keep_alternates(alts: str) -> str:
    """Arabic-script and Latin-script alternate names only (other scripts are dropped)."""
    keep: list[str] = []
    for a in alts.split(","):
        a = a.strip()
        if not a or a in keep or any(ch.isdigit() for ch in a) or "http" in a:
            continue
        if is_arabic(a):
            if not any("a" <= c.lower() <= "z" for c in a):  # mixed-script junk ("qamshlۆ")
                keep.append(a)
        elif _is_latin(a) and not (a.isupper() and len(a) <= 4):
            keep.append(a)
    return ",".join(keep)


def _geonames_rows(path: Path, countries: frozenset[str], origin: str) -> Iterator[tuple]:
    with _open_text(path) as fh:
        for line in fh:
            f = line.rstrip("\n").split("\t")
            if len(f) < 19 or f[8] not in countries:
                continue
            try:
                gid, lat, lon = int(f[0]), float(f[4]), float(f[5])
            except ValueError:
                continue
            pop = int(f[14]) if f[14].isdigit() else 0
            yield (
                gid,
                f[1],
                f[2],
                _keep_alternates(f[3]),
                lat,
                lon,
                f[6],
                f[7],
                f[8],
                f[10],
                f[11],
                pop,
                origin,
            )


def _load_geonames(conn: sqlite3.Connection, src_dir: Path, countries: frozenset[str]) -> int:
    rows = list(_geonames_rows(_find(src_dir, "cities500.txt"), countries, "cities500"))
    conn.executemany("INSERT OR REPLACE INTO geonames VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)", rows)
    for fname, level in (("admin1CodesASCII.txt", 1), ("admin2Codes.txt", 2)):
        with _open_text(_find(src_dir, fname)) as fh:
            adm = []
            for line in fh:
                f = line.rstrip("\n").split("\t")
                if len(f) >= 4 and f[0].split(".")[0] in countries:
                    adm.append((f[0], level, f[1], f[2], int(f[3]) if f[3].isdigit() else None))
        conn.executemany("INSERT OR REPLACE INTO geonames_admin VALUES (?,?,?,?,?)", adm)
    return len(rows)


def _load_iom(conn: sqlite3.Connection, src_dir: Path, exclude: frozenset[str]) -> tuple[int, int]:
    gpkg = _find(src_dir, "iom_displacement_return_locations_validated.gpkg")
    src = sqlite3.connect(f"file:{gpkg}?mode=ro", uri=True)
    try:
        rows = []
        for r in src.execute(
            "SELECT location_pcode, fid, hot_id, hot_name, hot_name_en, hot_name_latin, location_name,"
            " hot_place, adm1_pcode, adm1_name, adm2_pcode, adm2_name, adm3_pcode, adm3_name, geom,"
            " similarity_score FROM validated_locations"
        ):
            pcode = r[0]
            if not pcode or f"iom:{pcode}" in exclude:
                continue
            pt = gpkg_point(r[14])
            if pt is None:
                continue
            rows.append((*r[:14], pt[1], pt[0], r[15]))
    finally:
        src.close()
    conn.executemany("INSERT OR REPLACE INTO iom_osm VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", rows)
    audit = []
    with _open_text(_find(src_dir, "iom_hotosm_location_matching_audit.csv")) as fh:
        for d in csv.DictReader(fh):
            pcode = d["location_pcode"].strip()
            if not pcode or f"iom:{pcode}" in exclude:
                continue
            audit.append((
                pcode, d["location_name"], d["adm1_name"], d["adm2_name"], d["adm3_name"], d["adm3_pcode"],
                d.get("matching_decision"),
            ))  # fmt: skip
    conn.executemany("INSERT OR REPLACE INTO iom_audit VALUES (?,?,?,?,?,?,?)", audit)
    return len(rows), len(audit)


def _load_ocha(conn: sqlite3.Connection, src_dir: Path) -> int:
    with _open_text(_find(src_dir, "syr_admin1.geojson")) as fh:
        data = json.load(fh)
    rows = []
    for feat in data["features"]:
        p = feat["properties"]
        geom = feat["geometry"]
        alt = sorted({x for x in (p.get("province_name"), p.get("adm1_ref_name"), p.get("Name")) if x})
        rows.append((
            p["ADM1_PCODE"], p["ADM1_EN"], p.get("ADM1_AR") or p.get("adm1_name1"), "|".join(alt),
            p.get("center_lat"), p.get("center_lon"), p.get("area_sqkm"), p.get("valid_on"), p.get("version"),
            json.dumps(_round_geometry(geom), separators=(",", ":")),
        ))  # fmt: skip
    conn.executemany("INSERT OR REPLACE INTO ocha_adm1 VALUES (?,?,?,?,?,?,?,?,?,?)", rows)
    return len(rows)


def _round_geometry(geom: dict, digits: int = 4) -> dict:
    """Coordinates rounded to ``digits`` decimals (4 = about 11 m), consecutive repeats dropped."""

    def ring(r: list) -> list:
        out: list[list[float]] = []
        for x, y in r:
            pt = [round(x, digits), round(y, digits)]
            if not out or out[-1] != pt:
                out.append(pt)
        return out

    if geom["type"] == "Polygon":
        return {"type": "Polygon", "coordinates": [ring(r) for r in geom["coordinates"]]}
    return {"type": "MultiPolygon", "coordinates": [[ring(r) for r in p] for p in geom["coordinates"]]}


_WIKI_FILES = (
    ("syria_map_marks.csv", "sy"),
    ("iraq_map_marks.csv", "iq"),
    ("syria_iraq_border_marks.csv", "syiq"),
)


def _load_wikipedia(conn: sqlite3.Connection, src_dir: Path, exclude: frozenset[str]) -> int:
    n = 0
    for fname, tag in _WIKI_FILES:
        rows = []
        with _open_text(_find(src_dir, fname)) as fh:
            for i, d in enumerate(csv.DictReader(fh), start=1):
                wid = f"wp:{tag}:{i}"
                if wid in exclude:
                    continue
                try:
                    lat, lon = float(d["lat"]), float(d["lon"].strip())
                except ValueError:
                    continue
                size = d.get("marksize") or ""
                rows.append((
                    wid, i, lat, lon, d["mark"], d["controller"], d["symbol"],
                    float(size) if size.replace(".", "", 1).isdigit() else None, d["label"].strip(),
                    d["link_target"], int(d.get("commented_out") or 0), d.get("flags") or "",
                ))  # fmt: skip
        conn.executemany("INSERT OR REPLACE INTO wikipedia_marks VALUES (?,?,?,?,?,?,?,?,?,?,?,?)", rows)
        n += len(rows)
    return n
