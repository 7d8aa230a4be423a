"""The map baseline: territorial control from Wikipedia's conflict-map modules, as a prior that the
reports then update.

The marks of ``data/gazetteer/wikipedia_maps/`` (README section 4-5: a snapshot of about June to
August 2017) become control rows dated ``BASELINE_FROM`` (the first day of the snapshot's window,
so that the map of any day in the window shows them) with ``BASELINE_TO`` as the window's end.

* sides: the file's normalised ``controller`` (gov → SYR-GOV, opp → OPPOSITION, SDF → SDF, IS →
  ISIS, JaN → HTS, Trk → TUR, Iraqi government → IRQ-GOV); the Iraq file's yellow "Kurds" are KRG;
* status: a one-side mark is ``held``; a contested mark (``A_B``) is ``contested`` for both sides;
  a stable mixed mark (``stable_A_B``) is ``partial`` for both sides;
* skipped: ``other`` marks (inset maps, overlays, border-post icons: the dot at the same point
  carries the control), area marks of rural presence, commented-out entries and invalid points;
* place: the gazetteer place the mark was merged into (its source id ``wp:<file>:<row>``),
  else the nearest gazetteer place within ``MATCH_KM`` whose English name fits the mark's label,
  else the mark itself (key ``<file>#<row>``). Reports then update the same place ids.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from raqib.errors import DataFileError, UsageError

if TYPE_CHECKING:
    from raqib.gazetteer import Entry, Gazetteer
    from raqib.store import Store

DEFAULT_SOURCE = Path("data/gazetteer/wikipedia_maps")
"""Where ``raqib control import-baseline`` reads the mark files by default."""
BASELINE_FROM = dt.date(2017, 6, 1)
"""First day of the snapshot's window."""
BASELINE_TO = dt.date(2017, 8, 31)
"""Last day of the snapshot's window."""
MATCH_KM = 2.0
"""How far a mark may lie from the gazetteer place it is matched to by name."""
NAME_FIT = 80.0
"""Least ``latin_similarity`` of a mark's label to a gazetteer place's English name."""

FILES = (
    ("syria_map_marks.csv", "sy", "Module:Syrian Civil War detailed map"),
    ("iraq_map_marks.csv", "iq", "Module:Iraqi insurgency detailed map"),
    ("syria_iraq_border_marks.csv", "syiq", "Module:Syrian and Iraqi insurgency detailed map"),
)
"""The mark files: name, the tag of their gazetteer source ids, the Wikipedia module they come from."""

# The files' normalised controller names → actor ids. TUR/SNA is only Turkish bases in the files.
_SIDES = {
    "SYR-GOV": "SYR-GOV",
    "OPPOSITION": "OPPOSITION",
    "SDF": "SDF",
    "ISIS": "ISIS",
    "HTS": "HTS",
    "TUR/SNA": "TUR",
    "IRQ-GOV": "IRQ-GOV",
    "KRG": "KRG",
}
_STATES = {"held": "held", "contested": "contested", "stable_mixed": "partial"}
_COLUMNS = ("lat", "lon", "mark", "controller", "controller_sides", "control_state", "symbol", "label")


@dataclass(frozen=True, slots=True)
class BaselineMark:
    """One side of one map mark, ready to store."""

    source: str
    """The file name."""
    seq: int
    """Row of the mark in the file (1-based, as the gazetteer's ``wp:<file>:<row>`` ids)."""
    name: str
    """The gazetteer place's Arabic name, else the mark's English label."""
    label: str
    """The mark's English label."""
    controller: str
    """Actor id."""
    status: str
    """held, partial or contested."""
    lat: float
    """Latitude of the mark."""
    lon: float
    """Longitude of the mark."""
    gazetteer_id: str | None
    """The gazetteer place the mark stands for, when matched."""
    pcode: str | None
    """Its OCHA P-code, when known."""
    mark: str
    """The raw mark (``m.IS``, ``m.stable_opp_JaN`` ...)."""
    symbol: str
    """dot, hill, base ... (see the README)."""
    evidence: str
    """The mark described, with its module and licence attribution."""

    def row(self) -> dict[str, Any]:
        """The ``baseline_control`` columns (but ``source``)."""
        return {
            "seq": self.seq,
            "name": self.name,
            "label": self.label,
            "controller": self.controller,
            "status": self.status,
            "valid_from": BASELINE_FROM.isoformat(),
            "valid_to": BASELINE_TO.isoformat(),
            "lat": self.lat,
            "lon": self.lon,
            "gazetteer_id": self.gazetteer_id,
            "pcode": self.pcode,
            "mark": self.mark,
            "symbol": self.symbol,
            "evidence": self.evidence,
        }


@dataclass(frozen=True, slots=True)
class BaselineReport:
    """What ``import_baseline`` did."""

    files: int
    """Mark files read."""
    rows: int
    """Rows read."""
    marks: int
    """Rows stored (one per side of a mark)."""
    skipped: int
    """Rows skipped (``other`` marks, presence areas, commented-out or invalid rows)."""
    by_source_id: int
    """Stored rows matched to the gazetteer place the mark was merged into."""
    by_name: int
    """Stored rows matched to a gazetteer place within ``MATCH_KM`` by name."""
    unmatched: int
    """Stored rows keyed by the mark itself."""

    def __str__(self) -> str:
        return (
            f"{self.marks} control marks from {self.rows} rows of {self.files} files "
            f"({self.skipped} skipped); places: {self.by_source_id} merged in the gazetteer, "
            f"{self.by_name} matched by name within {MATCH_KM:g} km, {self.unmatched} unmatched"
        )


def read_marks(source: Path, gaz: Gazetteer | None = None) -> Iterator[BaselineMark | str]:
    """The marks of every mark file in ``source`` (a skipped row comes out as a string saying why)."""
    if not source.is_dir():
        raise UsageError(
            f"{source}: not a directory; pass --source with the folder of the Wikipedia map "
            "mark files (data/gazetteer/wikipedia_maps)"
        )
    found = [(source / name, tag, module) for name, tag, module in FILES if (source / name).is_file()]
    if not found:
        raise UsageError(f"{source}: none of {', '.join(n for n, _, _ in FILES)} there")
    by_source = _merged_ids(gaz) if gaz is not None else {}
    for path, tag, module in found:
        try:
            with path.open(encoding="utf-8", newline="") as fh:
                reader = csv.DictReader(fh)
                missing = [c for c in _COLUMNS if c not in (reader.fieldnames or ())]
                if missing:
                    raise DataFileError(str(path), f"missing columns {', '.join(missing)}")
                for seq, d in enumerate(reader, start=1):
                    yield from _marks(path.name, seq, d, tag, module, gaz, by_source)
        except (OSError, UnicodeDecodeError, csv.Error) as exc:
            raise DataFileError(str(path), f"cannot read ({exc})") from exc


def _merged_ids(gaz: Gazetteer) -> dict[str, Entry]:
    return {s: e for e in gaz.entries for s in e.sources if s.startswith("wp:")}


def _marks(
    fname: str,
    seq: int,
    d: dict[str, str],
    tag: str,
    module: str,
    gaz: Gazetteer | None,
    by_source: dict[str, Entry],
) -> Iterator[BaselineMark | str]:
    if d.get("commented_out", "0").strip() not in ("", "0"):
        yield "commented out"
        return
    state = _STATES.get(d["control_state"].strip())
    sides = [s for s in d["controller_sides"].split("+") if s]
    if state is None or not sides:
        yield f"no control ({d['controller'] or 'other'}, {d['control_state'] or 'no state'})"
        return
    try:
        lat, lon = float(d["lat"]), float(d["lon"].strip())
    except ValueError:
        yield "invalid coordinates"
        return
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        yield "invalid coordinates"
        return
    label = d["label"].strip()
    entry = by_source.get(f"wp:{tag}:{seq}")
    if entry is None and gaz is not None:
        entry = _by_name(gaz, lat, lon, label)
    actors = []
    for side in sides:
        actor = _SIDES.get(side.strip())
        if actor is None:
            yield f"unknown side {side!r}"
            return
        actors.append("KRG" if tag == "iq" and actor == "SDF" else actor)
    # several sides on a mark are never all "held": the place is shared
    status = "partial" if state == "held" and len(actors) > 1 else state
    shown = label or d["mark"]
    evidence = (
        f"{shown}: {d['mark']} ({' + '.join(actors)}, {status}) on Wikipedia, {module}, about "
        f"{BASELINE_FROM:%B}–{BASELINE_TO:%B %Y} (CC BY-SA 4.0)"
    )
    for actor in actors:
        yield BaselineMark(
            source=fname,
            seq=seq,
            name=(entry.name_ar if entry and entry.name_ar else shown),
            label=label,
            controller=actor,
            status=status,
            lat=lat,
            lon=lon,
            gazetteer_id=entry.id if entry else None,
            pcode=entry.pcode if entry else None,
            mark=d["mark"],
            symbol=d["symbol"],
            evidence=evidence,
        )


def _by_name(gaz: Gazetteer, lat: float, lon: float, label: str) -> Entry | None:
    """The nearest gazetteer place within ``MATCH_KM`` whose English name fits ``label``."""
    from raqib.gazetteer import haversine_km, latin_key, latin_similarity

    key = latin_key(label) if label else ""
    if not key:
        return None
    best: tuple[float, Entry] | None = None
    for i in gaz.near(lat, lon, MATCH_KM):
        e = gaz.entries[i]
        if any(latin_similarity(key, k) >= NAME_FIT for k in map(latin_key, e.names_en) if k):
            d = haversine_km(lat, lon, e.lat, e.lon)
            if best is None or (d, e.id) < (best[0], best[1].id):
                best = (d, e)
    return best[1] if best else None


def import_baseline(
    store: Store, source: Path = DEFAULT_SOURCE, gaz: Gazetteer | None = None
) -> BaselineReport:
    """Read the mark files of ``source`` and replace their rows in the store's baseline."""
    from raqib.store import replace_baseline

    by_source = _merged_ids(gaz) if gaz is not None else {}
    per_file: dict[str, list[BaselineMark]] = {name: [] for name, _, _ in FILES if (source / name).is_file()}
    rows = skipped = 0
    last: tuple[str, int] | None = None
    for item in read_marks(source, gaz):
        if isinstance(item, str):
            skipped += 1
            rows += 1
            continue
        if (item.source, item.seq) != last:
            rows += 1
            last = (item.source, item.seq)
        per_file[item.source].append(item)
    marks = [m for ms in per_file.values() for m in ms]
    tags = {name: tag for name, tag, _ in FILES}
    merged = sum(1 for m in marks if m.gazetteer_id and by_source.get(f"wp:{tags[m.source]}:{m.seq}"))
    named = sum(1 for m in marks if m.gazetteer_id) - merged
    for name, ms in per_file.items():
        replace_baseline(store, name, [m.row() for m in ms])
    return BaselineReport(
        len(per_file), rows, len(marks), skipped, merged, named, len(marks) - merged - named
    )
