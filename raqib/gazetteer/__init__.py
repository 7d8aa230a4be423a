"""The offline gazetteer: one SQLite index merged from public sources, loaded into memory once.

Build (``build_index``) copies each source into its own table (``geonames``, ``iom_osm``,
``iom_audit``, ``ocha_adm1``, ``wikipedia_marks``; importers add ``ocha_pplp`` and
``osm_places``), records licences in ``sources`` and then merges everything into:

* ``place``: one row per place, keyed by a stable id taken from its highest-priority source
  ("gn:172415", "iom:C6803", "wp:sy:4711" ...; a rebuild keeps the ids places already had, so
  imports never rename a place). Points of different sources lying within a few kilometres with
  the same or a compatible name (same Arabic key, close English spelling, or an Arabic name whose
  romanisation matches an English one) become one place; different points of one source never do;
* ``place_source``: every source id merged into a place;
* ``name``: Arabic and English names and variants (``key`` is ``normalize.bare`` for Arabic,
  ``latin_key`` for Latin script).

Admin units are places too (feature ``governorate``/``district``/``country``): the OCHA ADM1
polygons (Syrian governorates, Arabic names, at their centroid), the IOM P-code hierarchy
(Syrian districts and sub-districts, at the mean of their communities, Arabic name from their
seat), GeoNames admin-1 units (IQ, YE, LY, SD, Arabic names from ``tables.ADMIN1_AR``, at their
seat) and admin-2 units (Iraqi districts). Syrian points without an admin path get their
governorate by point-in-polygon on the OCHA polygons and their district/sub-district from the
nearest IOM community within 10 km; other points take GeoNames' admin codes (or those of the
nearest GeoNames place). IOM communities known only by P-code and English name (no coordinates)
are attached to a compatible map mark of their sub-district when that is unambiguous, and are
otherwise kept in ``iom_audit`` for cross-script matching at sub-district level.

The merge reads only the tables of the index, so importers (``import_geonames_dump``,
``import_ocha_pplp_csv``, ``import_osm_places``) add rows to a source table and re-run it. The
build is deterministic. IOM population and displacement figures are never copied.

The modules: ``tables`` (version stamps, countries, hand-made tables, source licences), ``latin``
(script helpers, ``latin_key``, ``latin_similarity``, ``romanize``), ``geometry``, ``sources`` (raw
files → source tables), ``records`` and ``merge`` (source tables → places), ``build``
(``build_index``, ``rebuild_index``), ``importers`` and ``index`` (``load_gazetteer``). Import from
``raqib.gazetteer``: the names below are its API.
"""

from __future__ import annotations

from raqib.errors import DataFileError
from raqib.gazetteer.build import BuildReport, build_index, rebuild_index
from raqib.gazetteer.geometry import PolygonIndex, approx_km, gpkg_point, haversine_km, point_in_ring
from raqib.gazetteer.importers import import_geonames_dump, import_ocha_pplp_csv, import_osm_places
from raqib.gazetteer.index import _LOADED as _LOADED
from raqib.gazetteer.index import Entry, Gazetteer, Unplaced, file_version, gazetteer_version, load_gazetteer
from raqib.gazetteer.index import _default_path as _default_path
from raqib.gazetteer.latin import _DOUBLE as _DOUBLE
from raqib.gazetteer.latin import (
    SKELETON_WEIGHT,
    ar_loose,
    ar_words,
    is_arabic,
    latin_key,
    latin_similarity,
    romanize,
    romanized_keys,
)
from raqib.gazetteer.latin import _romanize_cached as _romanize_cached
from raqib.gazetteer.latin import _split_quals as _split_quals
from raqib.gazetteer.tables import (
    ADMIN1_AR,
    ARAB_LEAGUE,
    COUNTRIES,
    DEFAULT_COUNTRIES,
    FEATURES,
    LATIN_KEY_VERSION,
    SCHEMA_VERSION,
    normalizer_fingerprint,
)

__all__ = [
    "ADMIN1_AR",
    "ARAB_LEAGUE",
    "COUNTRIES",
    "DEFAULT_COUNTRIES",
    "FEATURES",
    "LATIN_KEY_VERSION",
    "SCHEMA_VERSION",
    "SKELETON_WEIGHT",
    "BuildReport",
    "DataFileError",
    "Entry",
    "Gazetteer",
    "PolygonIndex",
    "Unplaced",
    "approx_km",
    "ar_loose",
    "ar_words",
    "build_index",
    "file_version",
    "gazetteer_version",
    "gpkg_point",
    "haversine_km",
    "import_geonames_dump",
    "import_ocha_pplp_csv",
    "import_osm_places",
    "is_arabic",
    "latin_key",
    "latin_similarity",
    "load_gazetteer",
    "normalizer_fingerprint",
    "point_in_ring",
    "rebuild_index",
    "romanize",
    "romanized_keys",
]
