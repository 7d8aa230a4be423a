"""Loading an index into memory: ``Entry``, ``Gazetteer`` and ``load_gazetteer``."""

from __future__ import annotations

import hashlib
import math
import os
import sqlite3
from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from raqib.errors import DataFileError
from raqib.gazetteer.latin import ar_loose, ar_words, latin_key
from raqib.gazetteer.tables import LATIN_KEY_VERSION, normalizer_fingerprint
from raqib.heap import collector_paused

_BAND_MIN = 12
"""Cells of ``near``'s grid with more entries than this are also kept by latitude."""


@dataclass(frozen=True, slots=True)
class Entry:
    """One place of the gazetteer."""

    id: str
    """Stable id: "gn:<geonameid>", "iom:<P-code>", "wp:sy:<row>", "ocha:<P-code>" (admin units),
    "gn-adm1:<code>", "country:<ISO>" ..."""
    name_ar: str | None
    """Main Arabic name (None for places known only in English)."""
    names_ar: tuple[str, ...]
    """All Arabic names and variants."""
    name_en: str | None
    """Main Latin-script name."""
    names_en: tuple[str, ...]
    """All Latin-script names and variants."""
    lat: float
    """WGS84 latitude."""
    lon: float
    """WGS84 longitude."""
    feature: str
    """country, governorate, district (sub-districts too), city, town, village or landmark."""
    admin_ar: tuple[str, ...]
    """Arabic admin path, governorate first ("" where a level has no Arabic name)."""
    admin_en: tuple[str, ...]
    """English admin path, aligned with ``admin_ar``."""
    country: str | None
    """ISO 3166 alpha-2 code."""
    pcode: str | None
    """OCHA P-code (community, or admin unit), when known."""
    geonames_id: int | None
    """GeoNames id, when a GeoNames record was merged in."""
    sources: tuple[str, ...]
    """Ids of every source record merged into this place."""
    admin_ids: tuple[str, ...] = ()
    """Ids of the containing admin units, aligned with ``admin_ar``."""
    rank: float = 0.0
    """Prior weight (size, number of sources, population): higher is more prominent."""
    admin_near: tuple[str, ...] = ()
    """Other governorates within a few kilometres (for places near a boundary)."""


@dataclass(frozen=True, slots=True)
class Unplaced:
    """A community known by P-code and English name only (IOM list), located at its sub-district."""

    pcode: str
    """Community P-code (Cnnnn)."""
    name_en: str
    """English name in the IOM list."""
    area: int
    """Index of the sub-district (or district) entry."""

    @property
    def key(self) -> str:
        """``latin_key`` of the English name."""
        return latin_key(self.name_en)


class Gazetteer:
    """The gazetteer in memory: entries, the Arabic name index and the lookup structures.

    Public attributes: ``entries`` (tuple of ``Entry``); ``name_index`` (tuple of the words of
    ``normalize.bare(arabic_name)`` → entry indices, most prominent first); ``max_words`` (longest
    Arabic name, in words); ``version`` (sha256 of the index file, first 12 hex digits); ``path``;
    ``by_id`` (id → index); ``joined_index`` (the key words without spaces → indices);
    ``unplaced`` (IOM communities without coordinates). Methods: ``get(id)``, ``lookup(name)``,
    ``near(lat, lon, km)``. ``geocode`` keeps bounded caches on the instance.
    """

    def __init__(
        self,
        entries: tuple[Entry, ...],
        version: str,
        path: Path | None = None,
        unplaced: tuple[Unplaced, ...] = (),
        latin_keys: Sequence[tuple[str, ...]] | None = None,
        ar_keys: Sequence[tuple[tuple[str, ...], ...]] | None = None,
    ) -> None:
        self.entries = entries
        self.version = version
        self.path = path
        self.unplaced = unplaced
        self.by_id: dict[str, int] = {e.id: i for i, e in enumerate(entries)}
        if latin_keys is None:
            latin_keys = [tuple(k for k in map(latin_key, e.names_en) if k) for e in entries]
        self.latin_keys: tuple[tuple[str, ...], ...] = tuple(latin_keys)
        index: dict[tuple[str, ...], list[int]] = defaultdict(list)
        for i, e in enumerate(entries):
            keys = ar_keys[i] if ar_keys is not None else [k for k in map(ar_words, e.names_ar) if k]
            for k in keys:
                hits = index[k]
                if not hits or hits[-1] != i:
                    hits.append(i)
        self._loose: dict[int, tuple[str, ...]] = {}
        ranks = [-e.rank for e in entries]
        self.name_index: Mapping[tuple[str, ...], tuple[int, ...]] = {
            k: tuple(sorted(v, key=ranks.__getitem__)) if len(v) > 1 else tuple(v) for k, v in index.items()
        }
        joined: dict[str, list[int]] = defaultdict(list)
        firsts: dict[str, list[tuple[str, ...]]] = defaultdict(list)
        for k, v in self.name_index.items():
            joined["".join(k)].extend(v)
            firsts[k[0]].append(k)
        self.joined_index: Mapping[str, tuple[int, ...]] = {
            k: tuple(dict.fromkeys(v)) for k, v in joined.items()
        }
        self.first_words: Mapping[str, tuple[tuple[str, ...], ...]] = {w: tuple(v) for w, v in firsts.items()}
        self.max_words = max((len(k) for k in self.name_index), default=1)
        # members of every admin unit (and country), and a 0.25-degree grid, for area searches
        members: dict[str, list[int]] = defaultdict(list)
        grid: dict[tuple[int, int], list[int]] = defaultdict(list)
        for i, e in enumerate(entries):
            if e.feature in ("country", "governorate", "district"):
                continue
            for aid in e.admin_ids:
                members[aid].append(i)
            for aid in e.admin_near:
                members[aid].append(i)
            members[f"country:{e.country}"].append(i)
            grid[(int(e.lat * 4 // 1), int(e.lon * 4 // 1))].append(i)
        self.members: Mapping[str, list[int]] = members
        self.grid: Mapping[tuple[int, int], list[int]] = grid
        self._grid_points = {
            cell: tuple((i, entries[i].lat, entries[i].lon) for i in members) for cell, members in grid.items()
        }
        # the points of the fuller cells by latitude, for ``near``: (latitudes, points, indices)
        self._grid_bands: dict[tuple[int, int], tuple[tuple[float, ...], tuple, tuple[int, ...]]] = {}
        for cell, pts in self._grid_points.items():
            if len(pts) > _BAND_MIN:
                by_lat = sorted(pts, key=lambda p: p[1])
                self._grid_bands[cell] = (tuple(p[1] for p in by_lat), tuple(by_lat), tuple(p[0] for p in by_lat))
        unplaced_by_area: dict[str, list[int]] = defaultdict(list)
        for j, u in enumerate(unplaced):
            area = entries[u.area]
            for aid in (*area.admin_ids, area.id):
                unplaced_by_area[aid].append(j)
        self.unplaced_by_area: Mapping[str, list[int]] = unplaced_by_area
        self._cache: dict = {}
        self._admin_paths: dict[str, tuple[str, ...]] = {}
        # geocode's caches of its own: the rows of its search pools, per entry and per unplaced
        # community (at most one each, filled on first use), and the answers of ``near`` (bounded by geocode)
        self._pool_rows: Any = None
        self._near_cache: dict[tuple[float, float, float], list[int]] = {}

    def __len__(self) -> int:
        return len(self.entries)

    def loose_keys(self, i: int) -> tuple[str, ...]:
        """``ar_loose`` keys of entry ``i``'s Arabic names (computed on first use)."""
        k = self._loose.get(i)
        if k is None:
            k = self._loose[i] = tuple(dict.fromkeys(ar_loose(n) for n in self.entries[i].names_ar))
        return k

    def get(self, entry_id: str) -> Entry | None:
        """The entry with that id, or None."""
        i = self.by_id.get(entry_id)
        return None if i is None else self.entries[i]

    def lookup(self, name: str) -> tuple[Entry, ...]:
        """Entries whose Arabic name has the same key as ``name`` (most prominent first)."""
        return tuple(self.entries[i] for i in self.name_index.get(ar_words(name), ()))

    def near(self, lat: float, lon: float, km: float) -> list[int]:
        """Indices of (non-admin) entries within ``km`` of a point: ``approx_km(lat, lon, e.lat, e.lon) <= km``,
        in the order of the grid cells, then of the entries."""
        r = int(km / 22.0) + 1
        ci, cj = int(lat * 4 // 1), int(lon * 4 // 1)
        out: list[int] = []
        cells, bands = self._grid_points, self._grid_bands
        cos, radians, hypot, sqrt = math.cos, math.radians, math.hypot, math.sqrt
        reach = km * (1 + 1e-9) + 1e-9  # the float error of the tests below is far smaller
        # The squared reach in degrees, a little inside and a little outside: a point whose distance
        # bound (with the least or the greatest cosine of its row) passes these is surely in or out,
        # whatever the rounding; only the points between are measured with ``approx_km``.
        inner = (km / 111.195) ** 2 * (1 - 1e-6)
        outer = (km / 111.195) ** 2 * (1 + 1e-6)
        banded = km >= 1.0  # the margins above cover the rounding of a latitude band from 1 km up
        # Each column's least and greatest longitude distance, the same for every row. Here and
        # below, ``x if x > m else m`` is ``max(m, x)`` (the builtin costs some 1,400 instructions
        # a call in Python 3.11, more than the rest of a cell's test).
        cols = []
        for b in range(cj - r, cj + r + 1):
            west, east = b / 4 - lon, lon - (b + 1) / 4
            dlon = west if west > 0.0 else 0.0
            dlon = east if east > dlon else dlon
            west, east = abs(west), abs(east)
            cols.append((b, dlon, east if east > west else west))
        for di in range(-r, r + 1):
            a = ci + di
            # Cell rows are exact quarter degrees (x * 4 is exact in binary): the least distance to
            # any point of a cell bounds every entry's, so cells out of reach are passed over.
            south, north = a / 4 - lat, lat - (a + 1) / 4
            dlat = south if south > 0.0 else 0.0
            dlat = north if north > dlat else dlat
            if 111.195 * dlat > reach * 1.000001:  # the whole row: hypot(x, dlat) is never below dlat
                continue
            lo, hi = (lat + a / 4) / 2, (lat + (a + 1) / 4) / 2
            c_lo, c_hi = cos(radians(lo)), cos(radians(hi))
            if c_hi < c_lo:
                c_lo, c_hi = c_hi, c_lo
            if lo <= 0.0 <= hi:
                c_hi = 1.0
            c2_lo, c2_hi = c_lo * c_lo, c_hi * c_hi
            for b, dlon, wide in cols:
                if 111.195 * hypot(dlon * c_lo, dlat) > reach:
                    continue
                band = bands.get((a, b)) if banded else None
                if band is None:
                    pts = cells.get((a, b), ())
                    part = out
                else:
                    # a full cell: by latitude, the entries that can be in reach, and of these the
                    # ones surely in (whatever their longitude in the cell)
                    lats, by_lat, idx = band
                    out2 = outer - dlon * dlon * c2_lo
                    s_out = sqrt(out2 if out2 > 0.0 else 0.0)
                    o0, o1 = bisect_left(lats, lat - s_out), bisect_right(lats, lat + s_out)
                    in2 = inner - wide * wide * c2_hi
                    if in2 > 0.0:
                        s_in = sqrt(in2)
                        n0 = bisect_left(lats, lat - s_in)  # clamped to [o0, o1]
                        n0 = o0 if o0 > n0 else o1 if o1 < n0 else n0
                        n1 = bisect_right(lats, lat + s_in)  # clamped to [n0, o1]
                        n1 = o1 if o1 < n1 else n1
                        n1 = n0 if n0 > n1 else n1
                    else:
                        n0 = n1 = o0
                    if n0 == 0 and n1 == len(lats):
                        out += self.grid[(a, b)]  # all of it
                        continue
                    part = list(idx[n0:n1])
                    pts = by_lat[o0:n0] + by_lat[n1:o1]
                for i, elat, elon in pts:
                    dx2, dy2 = (elon - lon) * (elon - lon), (elat - lat) * (elat - lat)
                    if dx2 * c2_hi + dy2 <= inner or (
                        dx2 * c2_lo + dy2 <= outer  # else surely out; between: approx_km written out
                        and 111.195 * hypot((elon - lon) * cos(radians((lat + elat) / 2)), elat - lat) <= km
                    ):
                        part.append(i)
                if part is not out:
                    part.sort()  # the order of the cell's entries
                    out += part
        return out


def _default_path() -> Path:
    env = os.environ.get("RAQIB_GAZETTEER")
    if env:
        return Path(env)
    return Path(str(resources.files("raqib").joinpath("data/gazetteer.sqlite")))


def _index_path(path: Path | None) -> Path:
    p = Path(path) if path is not None else _default_path()
    if not p.exists():
        raise DataFileError(str(p), "gazetteer index not found; build it with `raqib gazetteer build`")
    return p


def file_version(path: Path) -> str:
    """First 12 hex digits of the sha256 of a file."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()[:12]


def gazetteer_version(path: Path | None = None) -> str:
    """The version ``load_gazetteer(path).version`` would give, after checking the file is an index,
    without loading it (a second and a half): for a process that only records versions."""
    p = _index_path(path)
    try:
        conn = sqlite3.connect(f"file:{p}?mode=ro", uri=True)
        try:
            conn.execute("SELECT count(*) FROM meta").fetchone()
            conn.execute("SELECT place_id, name, key, lang FROM name LIMIT 1").fetchall()
        finally:
            conn.close()
    except sqlite3.Error as err:
        raise DataFileError(str(p), f"not a raqib gazetteer index ({err})") from None
    return file_version(p)


_LOADED: dict[tuple[str, float, int], Gazetteer] = {}


def load_gazetteer(path: Path | None = None) -> Gazetteer:
    """Load an index into memory (the packaged one by default, or ``$RAQIB_GAZETTEER``).

    Loads are cached per file (path, mtime, size), so repeated calls are free.
    """
    p = _index_path(path)
    st = p.stat()
    ck = (str(p.resolve()), st.st_mtime, st.st_size)
    if ck in _LOADED:
        return _LOADED[ck]
    # The load makes some 300,000 objects that all live as long as the process: the cyclic
    # collector would walk them again and again while they are made (a third of the load's time).
    with collector_paused():
        gaz = _load(p)
    _LOADED.clear()
    _LOADED[ck] = gaz
    return gaz


def _load(p: Path) -> Gazetteer:
    try:
        conn = sqlite3.connect(f"file:{p}?mode=ro", uri=True)
    except sqlite3.Error as err:
        raise DataFileError(str(p), f"cannot open ({err})") from None
    try:
        meta = dict(conn.execute("SELECT key, value FROM meta"))
        stored_keys = meta.get("latin_key_version") == LATIN_KEY_VERSION
        stored_ar = meta.get("normalizer") == normalizer_fingerprint()
        names_ar: dict[str, list[str]] = defaultdict(list)
        names_en: dict[str, list[str]] = defaultdict(list)
        keys_en: dict[str, list[str]] = defaultdict(list)
        keys_ar: dict[str, list[tuple[str, ...]]] = defaultdict(list)
        for pid, name, key, lang in conn.execute("SELECT place_id, name, key, lang FROM name ORDER BY rowid"):
            if lang == "ar":
                names_ar[pid].append(name)
                k = tuple(key.split()) if stored_ar else ar_words(name)
                if k:
                    keys_ar[pid].append(k)
            else:
                names_en[pid].append(name)
                keys_en[pid].append(key if stored_keys else latin_key(name))
        sources: dict[str, list[str]] = defaultdict(list)
        for pid, sid in conn.execute("SELECT place_id, source_id FROM place_source ORDER BY rowid"):
            sources[pid].append(sid)
        entries = []
        latin_keys = []
        ar_index_keys: list[tuple[tuple[str, ...], ...]] = []
        add_entry, add_latin, add_ar = entries.append, latin_keys.append, ar_index_keys.append
        empty: tuple = ()
        for pid, n_ar, n_en, lat, lon, feat, aids, a_ar, a_en, cc, pcode, gid, rank, near_ids in conn.execute(
            "SELECT * FROM place ORDER BY rowid"
        ):
            ar = names_ar.get(pid)
            en = names_en.get(pid)
            add_entry(
                Entry(
                    pid, n_ar, tuple(ar) if ar else empty, n_en, tuple(en) if en else empty, lat, lon, feat,
                    tuple(a_ar.split("|")) if aids else empty, tuple(a_en.split("|")) if aids else empty, cc, pcode,
                    gid, tuple(sources.get(pid, empty)), tuple(aids.split("|")) if aids else empty, rank or 0.0,
                    tuple(near_ids.split("|")) if near_ids else empty,
                )
            )  # fmt: skip
            ke = keys_en.get(pid)
            add_latin(tuple(ke) if ke else empty)
            ka = keys_ar.get(pid)
            add_ar(tuple(ka) if ka else empty)
        entries_t = tuple(entries)
        by_id = {e.id: i for i, e in enumerate(entries_t)}
        unplaced = []
        placed = {e.pcode for e in entries_t if e.pcode} | {
            s.split(":", 1)[1] for e in entries_t for s in e.sources if s.startswith("iom:")
        }
        for pcode, name_en, p3 in conn.execute(
            "SELECT pcode, name_en, adm3_pcode FROM iom_audit ORDER BY pcode"
        ):
            if pcode in placed or not p3:
                continue
            area = by_id.get(f"ocha:{p3}", by_id.get(f"ocha:{p3[:6]}"))
            if area is not None and name_en:
                unplaced.append(Unplaced(pcode, name_en, area))
    except sqlite3.Error as err:
        raise DataFileError(str(p), f"not a raqib gazetteer index ({err})") from None
    finally:
        conn.close()
    return Gazetteer(entries_t, file_version(p), p, tuple(unplaced), latin_keys, ar_index_keys)
