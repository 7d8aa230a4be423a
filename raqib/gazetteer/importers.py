"""Importers of full sources: each adds rows to a source table of an existing index and, unless
``rebuild=False``, re-runs the merge."""

from __future__ import annotations

import csv
import json
import sqlite3
from pathlib import Path

from raqib.errors import DataFileError
from raqib.gazetteer.build import BuildReport, _after_import, _check_index
from raqib.gazetteer.records import _gn_feature
from raqib.gazetteer.sources import _geonames_rows, _open_text
from raqib.gazetteer.tables import DEFAULT_COUNTRIES


def import_geonames_dump(index_path: Path, dump_path: Path, *, rebuild: bool = True) -> BuildReport | None:
    """Add a GeoNames ``geoname``-table dump (``SY.txt``, ``SY.zip``, ``allCountries.zip`` ...).

    Rows of the countries the index was built for are kept: populated places (class P) and
    landmarks (hills, airports, dams, bases ...); existing GeoNames ids are replaced.
    """
    _check_index(index_path)
    conn = sqlite3.connect(index_path)
    try:
        row = conn.execute("SELECT value FROM meta WHERE key='countries'").fetchone()
        keep = frozenset((row[0] if row else ",".join(DEFAULT_COUNTRIES)).split(","))
        rows = [
            r for r in _geonames_rows(Path(dump_path), keep, Path(dump_path).name)
            if _gn_feature(r[7], r[6], r[11]) is not None
        ]  # fmt: skip
        if not rows and Path(dump_path).stat().st_size > 0:
            with _open_text(Path(dump_path)) as fh:
                first = fh.readline()
            if len(first.split("\t")) < 19:
                raise DataFileError(str(dump_path), "not a GeoNames geoname table (19 tab-separated columns)")
        conn.executemany("INSERT OR REPLACE INTO geonames VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)", rows)
        conn.commit()
    finally:
        conn.close()
    return _after_import(Path(index_path), "geonames_dump", len(rows), rebuild)


_PPLP_COLUMNS = {
    "pcode": ("admin4pcode", "adm4_pcode", "pcode", "location_pcode", "pplp_pcode", "code"),
    "name_ar": ("admin4name_ar", "adm4_ar", "name_ar", "location_name_ar", "pplp_ar", "arabic_name"),
    "name_en": ("admin4name_en", "adm4_en", "name_en", "location_name_en", "pplp_en", "name", "english_name"),
    "lat": ("latitude", "lat", "y", "point_y"),
    "lon": ("longitude", "lon", "long", "lng", "x", "point_x"),
    "adm1_pcode": ("admin1pcode", "adm1_pcode"), "adm1_en": ("admin1name_en", "adm1_en"),
    "adm1_ar": ("admin1name_ar", "adm1_ar"), "adm2_pcode": ("admin2pcode", "adm2_pcode"),
    "adm2_en": ("admin2name_en", "adm2_en"), "adm2_ar": ("admin2name_ar", "adm2_ar"),
    "adm3_pcode": ("admin3pcode", "adm3_pcode"), "adm3_en": ("admin3name_en", "adm3_en"),
    "adm3_ar": ("admin3name_ar", "adm3_ar"), "country": ("admin0pcode", "adm0_pcode", "iso2", "country"),
}  # fmt: skip


def import_ocha_pplp_csv(index_path: Path, csv_path: Path, *, rebuild: bool = True) -> BuildReport | None:
    """Add an OCHA COD-PP populated-places CSV (e.g. HDX ``syr_pplp_adm4_unocha``).

    Columns are recognised case-insensitively under their COD names: ``admin4Pcode``/``ADM4_PCODE``,
    ``admin4Name_ar``/``ADM4_AR``, ``admin4Name_en``/``ADM4_EN``, ``latitude``/``lat``/``Y``/``POINT_Y``,
    ``longitude``/``lon``/``X``/``POINT_X``, and the ``admin1-3`` names and P-codes. Rows with the
    P-code of an IOM community merge with it.
    """
    _check_index(index_path)
    rows = []
    with _open_text(Path(csv_path)) as fh:
        reader = csv.DictReader(fh)
        header = {h.strip().lower(): h for h in (reader.fieldnames or [])}
        col = {k: next((header[c] for c in cands if c in header), None) for k, cands in _PPLP_COLUMNS.items()}
        missing = [k for k in ("pcode", "lat", "lon") if col[k] is None]
        if missing or (col["name_ar"] is None and col["name_en"] is None):
            raise DataFileError(
                str(csv_path), f"missing columns {missing or ['name_ar/name_en']} in {list(header)}"
            )
        for i, d in enumerate(reader, start=2):

            def get(k: str, d: dict = d) -> str | None:
                c = col[k]
                v = (d.get(c) or "").strip() if c else ""
                return v or None

            try:
                lat, lon = float(get("lat") or ""), float(get("lon") or "")
            except ValueError as err:
                raise DataFileError(f"{csv_path}:{i}", f"bad coordinate ({err})") from None
            cc = get("country")
            rows.append((
                get("pcode"), get("name_ar"), get("name_en"), get("adm1_pcode"), get("adm1_en"), get("adm1_ar"),
                get("adm2_pcode"), get("adm2_en"), get("adm2_ar"), get("adm3_pcode"), get("adm3_en"),
                get("adm3_ar"), lat, lon, (cc[:2].upper() if cc else "SY"),
            ))  # fmt: skip
    return _store_rows(index_path, "ocha_pplp", rows, rebuild)


def import_osm_places(index_path: Path, path: Path, *, rebuild: bool = True) -> BuildReport | None:
    """Add OpenStreetMap populated places from GeoJSON (Point features with ``name``, ``name:ar``,
    ``name:en``, ``place`` properties, as in HOTOSM exports) or CSV (the same columns plus
    ``lat``/``lon`` or ``X``/``Y``, and ``osm_id``)."""
    _check_index(index_path)
    path = Path(path)
    rows = []
    if path.suffix.lower() in (".geojson", ".json") or path.name.endswith((".geojson.gz", ".json.gz")):
        with _open_text(path) as fh:
            data = json.load(fh)
        for i, feat in enumerate(data.get("features", [])):
            geom = feat.get("geometry") or {}
            p = feat.get("properties") or {}
            if geom.get("type") != "Point":
                continue
            lon, lat = geom["coordinates"][:2]
            oid = p.get("osm_id") or feat.get("id") or f"f{i}"
            oid = f"{p.get('osm_type', 'node')}/{oid}" if str(oid).lstrip("-").isdigit() else str(oid)
            rows.append(
                (
                    oid,
                    p.get("name"),
                    p.get("name:ar"),
                    p.get("name:en"),
                    p.get("place"),
                    float(lat),
                    float(lon),
                )
            )
    else:
        with _open_text(path) as fh:
            reader = csv.DictReader(fh)
            for i, d in enumerate(reader, start=2):
                d = {k.strip().lower(): (v or "").strip() for k, v in d.items() if k}
                lat = d.get("lat") or d.get("latitude") or d.get("y")
                lon = d.get("lon") or d.get("longitude") or d.get("x")
                try:
                    flat, flon = float(lat or ""), float(lon or "")
                except ValueError:
                    raise DataFileError(f"{path}:{i}", "missing or bad lat/lon") from None
                oid = d.get("osm_id") or d.get("@id") or d.get("id") or f"r{i}"
                if oid.lstrip("-").isdigit():
                    oid = f"{d.get('osm_type') or 'node'}/{oid}"
                rows.append((oid, d.get("name"), d.get("name:ar") or d.get("name_ar"), d.get("name:en") or d.get("name_en"),
                             d.get("place"), flat, flon))  # fmt: skip
    return _store_rows(index_path, "osm_places", rows, rebuild)


def _store_rows(index_path: Path, table: str, rows: list[tuple], rebuild: bool) -> BuildReport | None:
    """Insert a source's rows into its own table of the index, then rebuild the merged places."""
    conn = sqlite3.connect(index_path)
    try:
        marks = ",".join("?" * len(rows[0])) if rows else ""
        if rows:
            conn.executemany(f"INSERT OR REPLACE INTO {table} VALUES ({marks})", rows)  # the table name is one of ours, never input
        conn.commit()
    finally:
        conn.close()
    return _after_import(Path(index_path), table, len(rows), rebuild)
