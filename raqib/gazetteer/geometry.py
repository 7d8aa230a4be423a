"""Geometry: distances, point-in-polygon over GeoJSON and GeoPackage points."""

from __future__ import annotations

import math
import struct
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in kilometres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 12742.0 * math.asin(min(1.0, math.sqrt(a)))


def approx_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Equirectangular distance in kilometres (within 0.5% of haversine below ~200 km)."""
    x = (lon2 - lon1) * math.cos(math.radians((lat1 + lat2) / 2))
    return 111.195 * math.hypot(x, lat2 - lat1)


def point_in_ring(lon: float, lat: float, ring: Sequence[Sequence[float]]) -> bool:
    """Ray casting: True when (lon, lat) lies inside the closed ring of [lon, lat] pairs."""
    inside = False
    n = len(ring)
    j = n - 1
    for i in range(n):
        xi, yi = ring[i][0], ring[i][1]
        xj, yj = ring[j][0], ring[j][1]
        if (yi > lat) != (yj > lat) and lon < (xj - xi) * (lat - yi) / (yj - yi) + xi:
            inside = not inside
        j = i
    return inside


class PolygonIndex:
    """Point-in-polygon over GeoJSON (Multi)Polygons, by ray casting on latitude-banded edges."""

    BAND = 0.02

    def __init__(self, shapes: Iterable[tuple[str, Mapping]]) -> None:
        self.keys: list[str] = []
        self.bboxes: list[tuple[float, float, float, float]] = []
        self.bands: list[dict[int, list[tuple[float, float, float, float]]]] = []
        for key, geom in shapes:
            polys = geom["coordinates"] if geom["type"] == "MultiPolygon" else [geom["coordinates"]]
            bands: dict[int, list[tuple[float, float, float, float]]] = defaultdict(list)
            xs: list[float] = []
            ys: list[float] = []
            for poly in polys:
                for ring in poly:
                    for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1], strict=True):
                        if y1 == y2:
                            continue
                        lo, hi = min(y1, y2), max(y1, y2)
                        for b in range(math.floor(lo / self.BAND), math.floor(hi / self.BAND) + 1):
                            bands[b].append((x1, y1, x2, y2))
                        xs.append(x1)
                        ys.append(y1)
            self.keys.append(key)
            self.bboxes.append((min(xs), min(ys), max(xs), max(ys)))
            self.bands.append(dict(bands))

    def locate(self, lat: float, lon: float) -> str | None:
        """Key of the polygon containing the point, or None."""
        b = math.floor(lat / self.BAND)
        for key, (x0, y0, x1, y1), bands in zip(self.keys, self.bboxes, self.bands, strict=True):
            if not (x0 <= lon <= x1 and y0 <= lat <= y1):
                continue
            inside = False
            for xa, ya, xb, yb in bands.get(b, ()):
                if (ya > lat) != (yb > lat) and lon < (xb - xa) * (lat - ya) / (yb - ya) + xa:
                    inside = not inside
            if inside:
                return key
        return None


def gpkg_point(blob: bytes) -> tuple[float, float] | None:
    """(lon, lat) of a GeoPackage geometry blob holding a WKB Point (None if empty/other)."""
    if not blob or blob[:2] != b"GP":
        return None
    flags = blob[3]
    env = (flags >> 1) & 0b111
    header = 8 + {0: 0, 1: 32, 2: 48, 3: 48, 4: 64}.get(env, 0)
    wkb = blob[header:]
    order = "<" if wkb[0] == 1 else ">"
    (gtype,) = struct.unpack(order + "I", wkb[1:5])
    if gtype % 1000 != 1:
        return None
    x, y = struct.unpack(order + "dd", wkb[5:21])
    if math.isnan(x) or math.isnan(y):
        return None
    return x, y
