"""Building an index from the raw sources (``build_index``), and re-running the merge of an
existing index after imports (``rebuild_index``)."""

from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from raqib.errors import DataFileError
from raqib.gazetteer.merge import _rebuild
from raqib.gazetteer.sources import _load_geonames, _load_iom, _load_ocha, _load_wikipedia
from raqib.gazetteer.tables import (
    _IMPORT_SOURCES,
    _SOURCES,
    ADMIN1_AR,
    COUNTRIES,
    DEFAULT_COUNTRIES,
    LATIN_KEY_VERSION,
    SCHEMA_VERSION,
    normalizer_fingerprint,
)

# --------------------------------------------------------------------------------------------
# Index schema

_SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE sources (source TEXT PRIMARY KEY, title TEXT, files TEXT, licence TEXT NOT NULL,
    attribution TEXT NOT NULL, url TEXT, rows INTEGER);
CREATE TABLE geonames (geonameid INTEGER PRIMARY KEY, name TEXT, asciiname TEXT, alternatenames TEXT,
    lat REAL, lon REAL, fclass TEXT, fcode TEXT, country TEXT, admin1 TEXT, admin2 TEXT,
    population INTEGER, origin TEXT);
CREATE TABLE geonames_admin (code TEXT PRIMARY KEY, level INTEGER, name TEXT, asciiname TEXT,
    geonameid INTEGER);
CREATE TABLE iom_osm (pcode TEXT PRIMARY KEY, fid INTEGER, osm_id TEXT, name_ar TEXT, name_en TEXT,
    name_latin TEXT, location_name TEXT, place TEXT, adm1_pcode TEXT, adm1_en TEXT, adm2_pcode TEXT,
    adm2_en TEXT, adm3_pcode TEXT, adm3_en TEXT, lat REAL, lon REAL, similarity REAL);
CREATE TABLE iom_audit (pcode TEXT PRIMARY KEY, name_en TEXT, adm1_en TEXT, adm2_en TEXT, adm3_en TEXT,
    adm3_pcode TEXT, decision TEXT);
CREATE TABLE ocha_adm1 (pcode TEXT PRIMARY KEY, name_en TEXT, name_ar TEXT, alt_en TEXT,
    center_lat REAL, center_lon REAL, area_sqkm REAL, valid_on TEXT, version TEXT, geometry TEXT);
CREATE TABLE wikipedia_marks (id TEXT PRIMARY KEY, row INTEGER, lat REAL, lon REAL,
    mark TEXT, controller TEXT, symbol TEXT, marksize REAL, label TEXT, link_target TEXT,
    commented_out INTEGER, flags TEXT);
CREATE TABLE ocha_pplp (pcode TEXT PRIMARY KEY, name_ar TEXT, name_en TEXT, adm1_pcode TEXT, adm1_en TEXT,
    adm1_ar TEXT, adm2_pcode TEXT, adm2_en TEXT, adm2_ar TEXT, adm3_pcode TEXT, adm3_en TEXT,
    adm3_ar TEXT, lat REAL, lon REAL, country TEXT);
CREATE TABLE osm_places (osm_id TEXT PRIMARY KEY, name TEXT, name_ar TEXT, name_en TEXT, place TEXT,
    lat REAL, lon REAL);
CREATE TABLE place (id TEXT PRIMARY KEY, name_ar TEXT, name_en TEXT, lat REAL NOT NULL, lon REAL NOT NULL,
    feature TEXT NOT NULL, admin_ids TEXT, admin_ar TEXT, admin_en TEXT, country TEXT, pcode TEXT,
    geonames_id INTEGER, rank REAL, near_ids TEXT);
CREATE TABLE place_source (place_id TEXT, source_id TEXT, source TEXT);
CREATE TABLE name (place_id TEXT, name TEXT, key TEXT, lang TEXT, source TEXT);
"""
_INDEXES = """
CREATE INDEX IF NOT EXISTS name_key ON name(key);
"""


@dataclass(frozen=True, slots=True)
class BuildReport:
    """What ``build_index`` (or an importer) wrote."""

    path: Path
    """The index file."""
    places: int
    """Rows of the merged ``place`` table (admin units and countries included)."""
    names: int
    """Rows of the ``name`` table."""
    source_rows: Mapping[str, int]
    """Rows copied per source table."""
    merged: int
    """Source records that were merged into a place created by another record."""
    unplaced: int
    """IOM community P-codes with neither coordinates nor a merged point (usable at sub-district level)."""
    seconds: float
    """Wall time."""
    countries: tuple[str, ...] = ()
    """Countries kept from GeoNames."""


def _write_sources(conn: sqlite3.Connection, counts: Mapping[str, int]) -> None:
    for src, info in {**_SOURCES, **_IMPORT_SOURCES}.items():
        if src in counts or src in _SOURCES:
            conn.execute(
                "INSERT OR REPLACE INTO sources VALUES (?,?,?,?,?,?,?)",
                (src, info["title"], info.get("files", ""), info["licence"], info["attribution"], info["url"],
                 counts.get(src)),
            )  # fmt: skip


def _finish(conn: sqlite3.Connection) -> None:
    conn.commit()
    conn.execute("ANALYZE")
    conn.commit()
    conn.execute("VACUUM")


def build_index(
    src_dir: Path,
    out_path: Path,
    countries: Iterable[str] | None = None,
    *,
    exclude: Iterable[str] = (),
) -> BuildReport:
    """Merge the raw sources under ``src_dir`` (layout of ``data/gazetteer/``) into ``out_path``.

    ``countries`` limits GeoNames to those ISO codes (default ``DEFAULT_COUNTRIES``).
    ``exclude`` drops source ids before merging ("iom:C6803" drops that community from both IOM
    files, "wp:sy:12" a map mark): used by tests that hold places out of the index.
    The build is deterministic: the same sources give a byte-identical file.
    """
    t0 = time.perf_counter()
    src_dir, out_path = Path(src_dir), Path(out_path)
    keep = frozenset(c.upper() for c in (countries or DEFAULT_COUNTRIES))
    ex = frozenset(exclude)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    tmp = out_path.with_name(out_path.name + ".tmp")
    if tmp.exists():
        tmp.unlink()
    conn = sqlite3.connect(tmp)
    try:
        conn.executescript(_SCHEMA)
        counts = {"geonames": _load_geonames(conn, src_dir, keep)}
        counts["iom_osm"], counts["iom_audit"] = _load_iom(conn, src_dir, ex)
        counts["ocha_adm1"] = _load_ocha(conn, src_dir)
        counts["wikipedia_marks"] = _load_wikipedia(conn, src_dir, ex)
        counts["raqib_tables"] = len(ADMIN1_AR) + len(COUNTRIES)
        _write_sources(conn, counts)
        conn.executemany(
            "INSERT INTO meta VALUES (?,?)",
            [
                ("schema_version", SCHEMA_VERSION),
                ("latin_key_version", LATIN_KEY_VERSION),
                ("normalizer", normalizer_fingerprint()),
                ("countries", ",".join(sorted(keep))),
                ("excluded", str(len(ex))),
            ],
        )
        places, merged, unplaced = _rebuild(conn)
        conn.executescript(_INDEXES)
        names = conn.execute("SELECT count(*) FROM name").fetchone()[0]
        _finish(conn)
    finally:
        conn.close()
    os.replace(tmp, out_path)
    return BuildReport(
        out_path, places, names, counts, merged, unplaced, time.perf_counter() - t0, tuple(sorted(keep))
    )


# --------------------------------------------------------------------------------------------
# Re-running the merge after an import


def _count_source(conn: sqlite3.Connection, source: str, rows: int) -> dict[str, int]:
    counts = {s: n for s, n in conn.execute("SELECT source, rows FROM sources") if n is not None}
    if source:
        counts[source] = counts.get(source, 0) + rows
    _write_sources(conn, counts)
    return counts


def _after_import(index_path: Path, source: str, rows: int, rebuild: bool) -> BuildReport | None:
    if rebuild:
        return _reindex(index_path, source, rows)
    conn = sqlite3.connect(index_path)
    try:
        _count_source(conn, source, rows)
        conn.commit()
    finally:
        conn.close()
    return None


def _reindex(index_path: Path, source: str, rows: int) -> BuildReport:
    t0 = time.perf_counter()
    conn = sqlite3.connect(index_path)
    try:
        counts = _count_source(conn, source, rows)
        places, merged, unplaced = _rebuild(conn)
        names = conn.execute("SELECT count(*) FROM name").fetchone()[0]
        countries = conn.execute("SELECT value FROM meta WHERE key='countries'").fetchone()
        _finish(conn)
    finally:
        conn.close()
    cc = tuple(countries[0].split(",")) if countries and countries[0] else ()
    return BuildReport(
        Path(index_path), places, names, counts, merged, unplaced, time.perf_counter() - t0, cc
    )


def _check_index(index_path: Path) -> None:
    if not Path(index_path).exists():
        raise DataFileError(
            str(index_path), "gazetteer index not found; build it first (raqib gazetteer build)"
        )


def rebuild_index(index_path: Path) -> BuildReport:
    """Recompute the merged tables of an index from its source tables (after imports made with
    ``rebuild=False``)."""
    _check_index(index_path)
    return _reindex(Path(index_path), "", 0)
