"""Exports analysts load into their own tools: an ACLED-style CSV, GeoJSON, PLOVER JSON Lines and
raqib's own rows as JSON Lines.

The rows come from ``raqib.store.iter_events`` (one dict per stored event, the store contract) and
are written one at a time, so an export of any size runs in constant memory; only the counts the
attribution needs (events per gazetteer place and per outlet) are kept. Every export carries the
attribution of the sources its rows use: the gazetteer sources of the places (GeoNames, OCHA,
IOM/HOTOSM-OSM, Wikipedia map modules, as recorded in the index's ``sources`` table) and the news
outlets. GeoJSON holds it in a top-level ``attribution`` member; the other formats leave it to the
caller (``raqib export`` writes ``<FILE>.attribution.txt`` beside the file, or prints it on stderr).

Place names are romanised from the gazetteer (its English/Latin name, else ``romanize`` of the
Arabic name); the Arabic name as the report writes it is kept beside them. Actor names are the
ACLED-style English names of the actor dictionary. Events without a date or a position are
exported with those cells empty, never dropped.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import math
import re
import sqlite3
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO
from urllib.parse import urlsplit

from raqib.actors import ActorBook
from raqib.errors import UsageError
from raqib.gazetteer import COUNTRIES, Gazetteer, romanize
from raqib.rules import KINDS

if TYPE_CHECKING:
    from raqib.store import EventFilter

FORMATS = ("acled-csv", "geojson", "plover-jsonl", "jsonl")
CERTAINTIES = ("reported", "claimed", "speculative")

# --------------------------------------------------------------------------------------------
# ACLED conventions. Source: the ACLED Codebook (acleddata.com, "ACLED Codebook" and the
# Time/Geography/Actors pages of ACLED's acledR package documentation). Column names and order
# are ACLED's; raqib's own columns follow them.

ACLED_COLUMNS = (
    "event_id_cnty", "event_date", "year", "time_precision", "disorder_type", "event_type", "sub_event_type",
    "actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2", "inter2", "interaction",
    "civilian_targeting", "iso", "region", "country", "admin1", "admin2", "admin3", "location", "latitude",
    "longitude", "geo_precision", "source", "source_scale", "notes", "fatalities", "tags", "timestamp",
)  # fmt: skip
EXTRA_COLUMNS = (
    "pcode", "location_ar", "evidence", "certainty", "claimant", "cluster", "raqib_uid", "document_id", "url",
    "rule_id", "rules_version", "gazetteer_version", "review_status",
)  # fmt: skip
CSV_COLUMNS = ACLED_COLUMNS + EXTRA_COLUMNS

#: ISO 3166-1 numeric code, alpha-3 code and ACLED region of every country the gazetteer keeps
#: (ACLED's regions: Sudan is in Northern Africa, Turkey and Iran in the Middle East).
COUNTRY_CODES: dict[str, tuple[int, str, str]] = {
    "SY": (760, "SYR", "Middle East"), "IQ": (368, "IRQ", "Middle East"), "YE": (887, "YEM", "Middle East"),
    "LB": (422, "LBN", "Middle East"), "JO": (400, "JOR", "Middle East"), "IL": (376, "ISR", "Middle East"),
    "PS": (275, "PSE", "Middle East"), "TR": (792, "TUR", "Middle East"), "IR": (364, "IRN", "Middle East"),
    "SA": (682, "SAU", "Middle East"), "KW": (414, "KWT", "Middle East"), "BH": (48, "BHR", "Middle East"),
    "QA": (634, "QAT", "Middle East"), "AE": (784, "ARE", "Middle East"), "OM": (512, "OMN", "Middle East"),
    "LY": (434, "LBY", "Northern Africa"), "SD": (729, "SDN", "Northern Africa"),
    "EG": (818, "EGY", "Northern Africa"), "DZ": (12, "DZA", "Northern Africa"),
    "MA": (504, "MAR", "Northern Africa"), "TN": (788, "TUN", "Northern Africa"),
    "MR": (478, "MRT", "Western Africa"), "SO": (706, "SOM", "Eastern Africa"),
    "DJ": (262, "DJI", "Eastern Africa"), "KM": (174, "COM", "Eastern Africa"),
}  # fmt: skip

#: ACLED's disorder type of each event type (sub-event types that differ are listed separately).
_DISORDER = {
    "Battles": "Political violence", "Explosions/Remote violence": "Political violence",
    "Violence against civilians": "Political violence", "Protests": "Demonstrations",
    "Riots": "Demonstrations", "Strategic developments": "Strategic developments",
}  # fmt: skip
_DISORDER_SUB = {"Excessive force against protesters": "Political violence; Demonstrations",
                 "Mob violence": "Political violence; Demonstrations"}  # fmt: skip

#: geo_precision: 1 the town itself (or its outskirts), 2 near a known place or a small part of a
#: region, 3 only a larger region is named.
_GEO_PRECISION = {
    "village": 1, "town": 1, "city": 1, "neighbourhood": 1, "camp": 1, "landmark": 1,
    "subdistrict": 2, "district": 2, "area": 2, "governorate": 3, "country": 3, "unknown": 3,
}  # fmt: skip

#: Actor names ACLED qualifies with the country ("Civilians (Syria)").
_COUNTRY_QUALIFIED = frozenset({"Civilians", "Unidentified Armed Group", "Protesters", "Rioters"})
_CIVILIANS = 7
#: Event types whose civilian actor2 ACLED marks "Civilian targeting".
_TARGETING_TYPES = frozenset({"Violence against civilians", "Explosions/Remote violence"})

_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December")  # fmt: skip

# --------------------------------------------------------------------------------------------
# PLOVER. Source: the PLOVER manual, draft 0.7b1 (Open Event Data Alliance, github.com/openeventdata/
# PLOVER, PLOVER_MANUAL.tex). In 0.7b1 CAMEO's FIGHT (19) is folded into ASSAULT: occupying territory,
# clashes, shelling and air strikes are ASSAULT events; two-sided violence lists both sides as source
# actors. CAMEO's YIELD is split into CONCEDE (verbal) and RETREAT (material: withdraw, release,
# surrender); arrests are COERCE with mode "arrest". Modes are only those of the manual's tables; a
# kind with no fitting mode has none (the manual's rule), and raqib's own kind stays in "raqib".

PLOVER_CODEBOOK = "PLOVER 0.7b1 (openeventdata/PLOVER)"
_PLOVER: dict[str, tuple[str | None, str | None]] = {
    "takeover": ("ASSAULT", None),  # CAMEO 192 "occupy territory"
    "withdrawal": ("RETREAT", "withdraw"),
    "clash": ("ASSAULT", None),
    "internal_clash": ("ASSAULT", None),
    "airstrike": ("ASSAULT", None),  # CAMEO 195 "employ aerial weapons"; 0.7b1 lists no aerial mode
    "shelling": ("ASSAULT", "heavy-weapons"),
    "explosion": ("ASSAULT", "explosives"),
    "suicide_attack": ("ASSAULT", "suicide-attack"),
    "killing": ("ASSAULT", None),
    "abduction": ("ASSAULT", "abduct"),
    "arrest": ("COERCE", "arrest"),
    "release": ("RETREAT", "release"),
    "surrender": ("RETREAT", None),  # CAMEO 0874 "retreat or surrender militarily"
    "defection": (None, None),  # no PLOVER category
    "siege": ("ASSAULT", None),  # CAMEO 191 "impose blockade"
    "protest": ("PROTEST", "demo"),
    "agreement": ("AGREE", None),
    "other": (None, None),
}
_PLOVER_TWO_SIDED = frozenset({"clash", "internal_clash"})
_PLOVER_ARMED = frozenset({"ASSAULT", "COERCE", "RETREAT"})
_QUAD = {"AGREE": 1, "RETREAT": 2, "COERCE": 4, "ASSAULT": 4, "PROTEST": 4}
#: PLOVER sector codes by ACLED interaction code (state forces, rebels, militias, civilians, external forces).
_SECTOR = {1: "MIL", 2: "REB", 3: "PRM", 4: "PRM", 7: "CVL", 8: "MIL"}

_ACTOR_ID = re.compile(r"[A-Z][A-Z0-9-]{0,39}")
_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "ʿ": "'", "ʾ": "'", "`": "'"})


# --------------------------------------------------------------------------------------------
# Options → EventFilter (the library raises UsageError; the CLI turns it into one line)


def check_format(fmt: str) -> str:
    """``fmt`` if it is one of ``FORMATS``, else ``UsageError`` listing them."""
    if fmt not in FORMATS:
        raise UsageError(f"--format {fmt!r}: unknown format; expected one of {', '.join(FORMATS)}")
    return fmt


def parse_day(value: str, option: str) -> str:
    """An ISO day given on the command line, or ``UsageError`` naming the option."""
    try:
        return dt.date.fromisoformat(value.strip()).isoformat()
    except ValueError:
        raise UsageError(f"{option} {value!r}: not a day; expected YYYY-MM-DD, e.g. 2018-12-14") from None


def parse_bbox(value: str) -> tuple[float, float, float, float]:
    """``MINLON,MINLAT,MAXLON,MAXLAT`` in degrees, or ``UsageError`` saying what is wrong."""
    expected = "expected MINLON,MINLAT,MAXLON,MAXLAT in degrees, e.g. 40.5,34.4,41.0,34.8 (Hajin to al-Susah)"
    parts = [p.strip() for p in value.split(",")]
    try:
        x0, y0, x1, y1 = (float(p) for p in parts)
    except ValueError:
        problem = f"{len(parts)} values" if len(parts) != 4 else "not numbers"
        raise UsageError(f"--bbox {value!r}: {problem}; {expected}") from None
    if not all(math.isfinite(v) for v in (x0, y0, x1, y1)):
        raise UsageError(f"--bbox {value!r}: not finite numbers; {expected}")
    if not (-180 <= x0 <= 180 and -180 <= x1 <= 180 and -90 <= y0 <= 90 and -90 <= y1 <= 90):
        raise UsageError(f"--bbox {value!r}: longitudes lie in -180..180, latitudes in -90..90; {expected}")
    if x0 > x1 or y0 > y1:
        raise UsageError(f"--bbox {value!r}: a minimum is larger than its maximum; {expected}")
    return x0, y0, x1, y1


def build_filter(
    *,
    date_from: str | None = None,
    date_to: str | None = None,
    bbox: str | None = None,
    actors: Sequence[str] = (),
    kinds: Sequence[str] = (),
    certainty: Sequence[str] = (),
    include_rejected: bool = False,
) -> EventFilter:
    """The store filter of ``raqib export``'s options, each checked (``UsageError`` names the option)."""
    from raqib.store import EventFilter

    d0 = parse_day(date_from, "--from") if date_from else None
    d1 = parse_day(date_to, "--to") if date_to else None
    if d0 and d1 and d1 < d0:
        raise UsageError(f"--to {d1} is before --from {d0}")
    ids = []
    for actor in actors:
        ident = actor.strip().upper()
        if not _ACTOR_ID.fullmatch(ident):
            raise UsageError(f"--actor {actor!r}: not an actor id; expected an id like SDF, ISIS or SYR-GOV")
        ids.append(ident)
    for kind in kinds:
        if kind not in KINDS:
            raise UsageError(f"--kind {kind!r}: unknown event kind; expected one of {', '.join(KINDS)}")
    for c in certainty:
        if c not in CERTAINTIES:
            raise UsageError(f"--certainty {c!r}: expected one of {', '.join(CERTAINTIES)}")
    box = parse_bbox(bbox) if bbox else None
    return EventFilter(date_from=d0, date_to=d1, bbox=box, actors=tuple(ids), kinds=tuple(kinds),
                       certainty=tuple(certainty), include_rejected=include_rejected)  # fmt: skip


# --------------------------------------------------------------------------------------------
# Looking up places and actors


@dataclass(frozen=True, slots=True)
class Located:
    """An event's place as the exports name it."""

    name: str | None
    """Romanised name: the gazetteer's English/Latin name, else a romanisation of the Arabic."""
    admin: tuple[str, str, str]
    """English admin names, level 1 to 3 ("" where unknown)."""
    country: str | None
    """ISO 3166 alpha-2 code."""
    geonames_id: int | None
    """GeoNames id of the gazetteer entry, when it has one."""


@dataclass(frozen=True)
class ExportContext:
    """What the exports look up: the actor dictionary and the gazetteer (see ``load_context``)."""

    actors: ActorBook
    """English names and ACLED interaction codes of the actor ids."""
    gazetteer: Gazetteer
    """Romanised names, admin paths and source records of the gazetteer ids."""
    _places: dict[tuple[str | None, str | None], Located] = field(default_factory=dict, repr=False)

    def place(self, row: Mapping[str, Any]) -> Located | None:
        """The row's place, None when the report names none."""
        gid, name_ar = row.get("gazetteer_id"), row.get("place_ar")
        if gid is None and not name_ar:
            return None
        key = (gid, None if gid else name_ar)
        hit = self._places.get(key)
        if hit is None:
            if len(self._places) > 100_000:
                self._places.clear()
            hit = self._places[key] = self._locate(gid, name_ar, row.get("country"))
        return hit

    def _locate(self, gid: str | None, name_ar: str | None, country: str | None) -> Located:
        entry = self.gazetteer.get(gid) if gid else None
        if entry is None:  # not in the gazetteer (or placed by an analyst): romanise the report's name
            return Located(_latin(name_ar), ("", "", ""), country, None)
        name = entry.name_en or _latin(entry.name_ar) or _latin(name_ar)
        path = [ascii_name(a) for a in entry.admin_en]
        if entry.feature in ("governorate", "district") and name:
            path.append(ascii_name(name))  # an admin unit is its own admin1/admin2
        a1, a2, a3 = (path + ["", "", ""])[:3]
        return Located(name, (a1, a2, a3), entry.country or country, entry.geonames_id)

    def actor_name(self, actor_id: str | None, country: str | None = None) -> str:
        """ACLED-style English name of an actor id ("" for none; the id itself when unknown)."""
        if not actor_id:
            return ""
        info = self.actors.actors.get(actor_id)
        if info is None:
            return actor_id
        if info.name_en in _COUNTRY_QUALIFIED and country in COUNTRIES:
            return f"{info.name_en} ({COUNTRIES[country][1]})"
        return info.name_en

    def inter(self, actor_id: str | None) -> int | None:
        """ACLED interaction code of an actor id (None for none or an unknown id)."""
        info = self.actors.actors.get(actor_id) if actor_id else None
        return info.inter if info else None


def ascii_name(name: str) -> str:
    """A Latin name without diacritics, as ACLED writes place names ("Hajīn" → "Hajin")."""
    folded = unicodedata.normalize("NFKD", name.translate(_APOSTROPHES))
    return "".join(c for c in folded if not unicodedata.combining(c))


def _latin(name_ar: str | None) -> str | None:
    """The most likely Latin spelling of an Arabic name."""
    forms = romanize(name_ar) if name_ar else []
    return forms[0] if forms else None


def load_context() -> ExportContext:
    """The packaged (or ``RAQIB_DATA_DIR``/``RAQIB_GAZETTEER``) actor dictionary and gazetteer."""
    from raqib.actors import load_actor_book
    from raqib.gazetteer import load_gazetteer

    return ExportContext(load_actor_book(), load_gazetteer())


# --------------------------------------------------------------------------------------------
# Dates, counts and the notes sentence


def _day(value: Any) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


def _event_day(row: Mapping[str, Any]) -> tuple[dt.date | None, int | None]:
    """ACLED's event_date and time_precision: 1 the day is known; 2 a week or a few days (the
    middle day is coded); 3 only the month or a longer span (its middle)."""
    d0, d1 = _day(row.get("date_from")), _day(row.get("date_to"))
    if d0 is None:
        return None, None
    d1 = d1 if d1 and d1 >= d0 else d0
    middle = d0 + (d1 - d0) // 2
    precision = ((row.get("record") or {}).get("date") or {}).get("precision")
    if d0 == d1:
        return d0, 3 if precision == "month" else 1
    return middle, 2 if (d1 - d0).days <= 7 and precision != "month" else 3


def _long(d: dt.date) -> str:
    return f"{d.day} {_MONTHS[d.month - 1]} {d.year}"


def _when(row: Mapping[str, Any]) -> str:
    """The opening of the notes sentence: "On 14 December 2018, "; "" when undated."""
    d0, d1 = _day(row.get("date_from")), _day(row.get("date_to"))
    if d0 is None:
        return ""
    precision = ((row.get("record") or {}).get("date") or {}).get("precision")
    if d1 is None or d1 <= d0:
        return f"On {_long(d0)}, "
    if precision == "month" and d0.day == 1 and d0.month == d1.month and d0.year == d1.year:
        return f"In {_MONTHS[d0.month - 1]} {d0.year}, "
    if d0.year == d1.year and d0.month == d1.month:
        return f"Between {d0.day} and {_long(d1)}, "
    if d0.year == d1.year:
        return f"Between {d0.day} {_MONTHS[d0.month - 1]} and {_long(d1)}, "
    return f"Between {_long(d0)} and {_long(d1)}, "


def fatalities(record: Mapping[str, Any]) -> int | None:
    """Deaths the report states for the event (count key ``fatalities``), None when it states none."""
    counts = record.get("counts") or {}
    n = counts.get("fatalities", counts.get("killed"))
    return int(n) if isinstance(n, (int, float)) else None


#: What the notes say for each kind: (with actor2, without). {a1}/{a2} are actor names, {place}
#: the place with its admin areas.
_SENTENCES = {
    "takeover": ("{a1} took control of {place} from {a2}", "{a1} took control of {place}"),
    "withdrawal": ("{a1} withdrew from {place} (opposing side: {a2})", "{a1} withdrew from {place}"),
    "clash": ("{a1} clashed with {a2} in {place}", "{a1} was involved in armed clashes in {place}"),
    "internal_clash": ("fighting broke out between {a1} and {a2} in {place}",
                       "infighting within {a1} took place in {place}"),
    "airstrike": ("{a1} carried out an air strike on {a2} in {place}",
                  "{a1} carried out an air strike in {place}"),
    "shelling": ("{a1} shelled {a2} in {place}", "{a1} carried out shelling in {place}"),
    "explosion": ("an explosion attributed to {a1} hit {a2} in {place}",
                  "an explosion attributed to {a1} occurred in {place}"),
    "suicide_attack": ("{a1} carried out a suicide attack on {a2} in {place}",
                       "{a1} carried out a suicide attack in {place}"),
    "killing": ("{a1} killed {a2} in {place}", "{a1} killed people in {place}"),
    "abduction": ("{a1} abducted {a2} in {place}", "{a1} abducted people in {place}"),
    "arrest": ("{a1} arrested {a2} in {place}", "{a1} made arrests in {place}"),
    "release": ("{a1} released {a2} in {place}", "{a1} released detainees in {place}"),
    "surrender": ("{a1} surrendered to {a2} in {place}", "{a1} surrendered in {place}"),
    "defection": ("members of {a1} defected to {a2} in {place}", "members of {a1} defected in {place}"),
    "siege": ("{a1} besieged {a2} in {place}", "{a1} besieged {place}"),
    "protest": ("{a1} protested against {a2} in {place}", "{a1} protested in {place}"),
    "agreement": ("{a1} and {a2} reached an agreement in {place}", "{a1} reached an agreement in {place}"),
    "other": ("an event involving {a1} and {a2} took place in {place}",
              "an event involving {a1} took place in {place}"),
}  # fmt: skip
_HANDOVER = ("{a2} handed {place} over to {a1} without fighting", "{a1} took over {place} without fighting")
_COUNT_WORDS = {"fatalities": "killed", "fighters_people": "fighters or people"}


def notes(row: Mapping[str, Any], ctx: ExportContext) -> str:
    """An English sentence built from the coded fields (not a translation of the report)."""
    rec = row.get("record") or {}
    country = row.get("country")
    a1 = ctx.actor_name(row.get("actor1"), country) or "an unidentified actor"
    a2 = ctx.actor_name(row.get("actor2"), country)
    loc = ctx.place(row)
    if loc is not None and loc.name:
        name = ascii_name(loc.name)
        where = [a for a in (loc.admin[1], loc.admin[0]) if a and a != name]
        place = name + (f" ({', '.join(where)})" if where else "")
    else:
        place = "an unidentified location" + (f" in {COUNTRIES[country][1]}" if country in COUNTRIES else "")
    kind = row.get("kind") or "other"
    handover = ((rec.get("acled") or {}).get("sub_event_type") or "") == "Non-violent transfer of territory"
    with_a2, alone = _HANDOVER if handover else _SENTENCES.get(kind, _SENTENCES["other"])
    sentence = (with_a2 if a2 else alone).format(a1=a1, a2=a2, place=place)
    when = _when(row)
    text = when + sentence if when else sentence[:1].upper() + sentence[1:]
    if row.get("certainty") == "claimed":
        claimant = rec.get("claimant")
        text += ", according to a claim" + (f" by {ctx.actor_name(claimant, country)}" if claimant else "")
    elif row.get("certainty") == "speculative":
        text += ", according to unconfirmed reports"
    text += "."
    counts = rec.get("counts") or {}
    if counts:
        said = (f"{n} {_COUNT_WORDS.get(k, k.replace('_', ' '))}" for k, n in counts.items())
        text += " Reported: " + ", ".join(said) + "."
    if rec.get("background"):
        text += " An earlier event the report mentions in passing."
    return text


# --------------------------------------------------------------------------------------------
# One row in each format


def _iso3(country: str | None) -> str:
    return COUNTRY_CODES[country][1] if country in COUNTRY_CODES else ""


def _outlet(row: Mapping[str, Any]) -> str:
    """The report's outlet, else the host of its URL, else ""."""
    if row.get("outlet"):
        return str(row["outlet"])
    url = row.get("url") or ""
    host = urlsplit(url).hostname or ""
    return host.removeprefix("www.")


def _assoc(record: Mapping[str, Any], ctx: ExportContext, country: str | None) -> str:
    return "; ".join(ctx.actor_name(a, country) for a in record.get("assoc_actors") or ())


def _timestamp(row: Mapping[str, Any]) -> int | str:
    """Unix time the row was stored, when the store gives it (ACLED's timestamp column)."""
    try:
        moment = dt.datetime.fromisoformat(str(row.get("stored_at") or ""))
    except ValueError:  # none given, or not an ISO time
        return ""
    return int((moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)).timestamp())


def acled_row(row: Mapping[str, Any], ctx: ExportContext) -> dict[str, Any]:
    """One stored event as a row of ``CSV_COLUMNS`` (ACLED's conventions; "" for an empty cell)."""
    rec = row.get("record") or {}
    acled = rec.get("acled") or {}
    loc = ctx.place(row)
    country = row.get("country") or (loc.country if loc else None)
    event_type, sub = acled.get("event_type") or "", acled.get("sub_event_type") or ""
    day, time_precision = _event_day(row)
    inter1, inter2 = ctx.inter(row.get("actor1")), ctx.inter(row.get("actor2"))
    if inter1 is None:
        interaction: int | str = ""
    elif not row.get("actor2"):
        interaction = inter1 * 10  # "sole" action: 10 state forces alone, 20 rebels alone ...
    elif inter2 is None:
        interaction = ""
    else:
        interaction = min(inter1, inter2) * 10 + max(inter1, inter2)
    # ACLED marks events whose main target is civilians; raqib codes the target as actor2.
    targeting = inter2 == _CIVILIANS and event_type in _TARGETING_TYPES
    lat, lon = row.get("lat"), row.get("lon")
    located = lat is not None and lon is not None
    precision = row.get("precision") or "unknown"
    geo_precision = _GEO_PRECISION.get(precision, 3)
    if geo_precision == 1 and rec.get("extent") == "around":
        geo_precision = 2  # "near" a known place
    codes = COUNTRY_CODES.get(country or "")
    admin = loc.admin if loc else ("", "", "")
    deaths = fatalities(rec)
    uid = str(row.get("uid") or "")
    return {
        "event_id_cnty": f"{codes[1]}{uid}" if codes else uid,
        "event_date": day.isoformat() if day else "",
        "year": day.year if day else "",
        "time_precision": time_precision or "",
        "disorder_type": _DISORDER_SUB.get(sub) or _DISORDER.get(event_type, ""),
        "event_type": event_type,
        "sub_event_type": sub,
        "actor1": ctx.actor_name(row.get("actor1"), country),
        "assoc_actor_1": _assoc(rec, ctx, country),
        "inter1": inter1 if inter1 is not None else "",
        "actor2": ctx.actor_name(row.get("actor2"), country),
        "assoc_actor_2": "",
        "inter2": inter2 if inter2 is not None else "",
        "interaction": interaction,
        "civilian_targeting": "Civilian targeting" if targeting else "",
        "iso": codes[0] if codes else "",
        "region": codes[2] if codes else "",
        "country": COUNTRIES[country][1] if country in COUNTRIES else (country or ""),
        "admin1": admin[0], "admin2": admin[1], "admin3": admin[2],
        "location": ascii_name(loc.name) if loc and loc.name else "",
        "latitude": lat if located else "",
        "longitude": lon if located else "",
        "geo_precision": geo_precision if located else "",
        "source": _outlet(row),
        "source_scale": "",  # ACLED's National/Subnational/... judgement of the outlet: not coded by raqib
        "notes": notes(row, ctx),
        "fatalities": deaths if deaths is not None else 0,  # ACLED codes 0 when no deaths are reported
        "tags": "",
        "timestamp": _timestamp(row),
        # raqib's columns
        "pcode": row.get("pcode") or "", "location_ar": row.get("place_ar") or "",
        "evidence": row.get("evidence") or rec.get("evidence") or "", "certainty": row.get("certainty") or "",
        "claimant": rec.get("claimant") or "", "cluster": row.get("cluster") or "", "raqib_uid": uid,
        "document_id": row.get("document_id") or "", "url": row.get("url") or "",
        "rule_id": row.get("rule_id") or "",
        "rules_version": row.get("rules_version") or rec.get("rules_version") or "",
        "gazetteer_version": row.get("gazetteer_version") or rec.get("gazetteer_version") or "",
        "review_status": row.get("status") or "ok",  # "rejected" only in an export --include-rejected
    }  # fmt: skip


def geojson_feature(row: Mapping[str, Any], ctx: ExportContext) -> dict[str, Any]:
    """One stored event as an RFC 7946 Feature: a Point at [lon, lat] (null geometry when the event
    has no position) and flat properties: the CSV columns (null for an empty cell), status and reviewed."""
    props: dict[str, Any] = {k: (None if v == "" else v) for k, v in acled_row(row, ctx).items()}
    props["status"] = row.get("status") or "ok"
    props["reviewed"] = bool(row.get("reviewed"))
    lat, lon = row.get("lat"), row.get("lon")
    geometry = {"type": "Point", "coordinates": [lon, lat]} if lat is not None and lon is not None else None
    return {"type": "Feature", "id": row.get("uid"), "geometry": geometry, "properties": props}


def _plover_actor(actor_id: str, ctx: ExportContext, country: str | None) -> dict[str, Any]:
    info = ctx.actors.actors.get(actor_id)
    code: str | None = None
    sector: str | None = None
    if info is not None:
        sector = "UAF" if info.name_en.startswith("Unidentified") else _SECTOR.get(info.inter)
        if (info.inter == _CIVILIANS or info.name_en in _COUNTRY_QUALIFIED) and country:
            code = _iso3(country) or None
        elif len(info.countries) == 1:
            code = _iso3(next(iter(info.countries))) or None
        elif info.inter in (2, 3, 4):
            code = "IMG"  # PLOVER's "transnational militarized group"
    return {"code": code, "sector": sector, "identifier_id": actor_id,
            "identifier_text": ctx.actor_name(actor_id, country)}  # fmt: skip


def plover_event(row: Mapping[str, Any], ctx: ExportContext) -> dict[str, Any]:
    """One stored event as a PLOVER record (field names of the manual's "JSON Data Fields" chapter)."""
    rec = row.get("record") or {}
    kind = row.get("kind") or "other"
    event, mode = _PLOVER.get(kind, (None, None))
    a1, a2 = row.get("actor1"), row.get("actor2")
    handover = ((rec.get("acled") or {}).get("sub_event_type") or "") == "Non-violent transfer of territory"
    if handover:
        event, mode = "RETREAT", "withdraw"
        a1, a2 = a2, a1  # the side that hands the place over is the one that retreats
    loc = ctx.place(row)
    country = row.get("country") or (loc.country if loc else None)
    actors = [a for a in (a1, a2) if a]
    if kind in _PLOVER_TWO_SIDED:
        source, recipient = actors, []
    else:
        source, recipient = [a1] if a1 else [], [a2] if a2 else []
    context = []
    if event in _PLOVER_ARMED:
        context.append("military")
    if rec.get("background"):
        context.append("historical")
    counts = rec.get("counts") or {}
    where, name = None, loc.name if loc else None
    if loc is not None or row.get("lat") is not None:
        # the location object takes GeoNames' field names (the manual's table), raqib's ids after them
        where = {
            "name": name, "asciiname": ascii_name(name) if name else None,
            "name_ar": row.get("place_ar"), "latitude": row.get("lat"), "longitude": row.get("lon"),
            "geonameid": loc.geonames_id if loc else None, "country code": country,
            "cc3": _iso3(country) or None, "admin1": loc.admin[0] or None if loc else None,
            "admin2": loc.admin[1] or None if loc else None, "gazetteer_id": row.get("gazetteer_id"),
            "pcode": row.get("pcode"), "precision": row.get("precision"),
        }  # fmt: skip
    rules = row.get("rules_version") or rec.get("rules_version")
    return {
        "id": row.get("uid"),
        "date": row.get("date_from"),
        "enddate": row.get("date_to") if row.get("date_to") != row.get("date_from") else None,
        "source": [_plover_actor(a, ctx, country) for a in source],
        "recipient": [_plover_actor(a, ctx, country) for a in recipient],
        "event": [event] if event else [],
        "mode": [mode] if mode else [],
        "context": context,
        "quad_code": _QUAD.get(event) if event else None,
        "dead": fatalities(rec),
        "injured": counts.get("injured"),
        "arrested": counts.get("arrested"),
        "event_loc": where,
        "event_text": [row.get("evidence") or rec.get("evidence") or ""],
        "text_info": {"sequence": row.get("seq"), "start": row.get("evidence_start"),
                      "end": row.get("evidence_end")},
        "cite_info": {"url": row.get("url"), "title": row.get("title"), "publication": _outlet(row) or None,
                      "language": "ar", "coder": f"raqib (rules {rules})", "codebook": PLOVER_CODEBOOK,
                      "citation": row.get("document_id")},
        "coder": "raqib",
        "comment": notes(row, ctx),
        "raqib": {"kind": kind, "acled": rec.get("acled"), "certainty": row.get("certainty"),
                  "claimant": rec.get("claimant"), "rule_id": row.get("rule_id"),
                  "document_id": row.get("document_id"), "cluster": row.get("cluster"),
                  "status": row.get("status") or "ok"},
    }  # fmt: skip


# --------------------------------------------------------------------------------------------
# Attribution


@dataclass(frozen=True, slots=True)
class SourceCredit:
    """A gazetteer source the exported places come from (a row of the index's ``sources`` table)."""

    source: str
    """Table name in the index (geonames, ocha_adm1, iom_osm, wikipedia_marks ...)."""
    title: str
    licence: str
    attribution: str
    """The attribution the licence asks for, word for word."""
    url: str
    events: int
    """How many exported events use a place (or admin unit) of this source."""


@dataclass(frozen=True, slots=True)
class Attribution:
    """The sources an export's rows use."""

    events: int
    """Events exported."""
    gazetteer_version: str
    """Version of the gazetteer index the sources were read from."""
    gazetteer: tuple[SourceCredit, ...]
    """Gazetteer sources, most used first."""
    outlets: tuple[tuple[str, int], ...]
    """(outlet, events), most used first."""

    def text(self) -> str:
        """The attribution as plain text (the ``.attribution.txt`` sidecar)."""
        lines = [
            f"raqib export: {_count(self.events)} extracted by raqib (MIT licence) from the reports below.",
            "ACLED-style columns follow the conventions of the ACLED Codebook; this is not ACLED data.",
            "",
        ]
        if self.gazetteer:
            version = self.gazetteer_version
            lines.append(f"Place names and coordinates: raqib gazetteer (index {version}), built from:")
            for s in self.gazetteer:
                lines.append(f"- {s.attribution}")
                lines.append(f"  ({s.title}; licence: {s.licence}; {s.url or 'no URL'}; {_count(s.events)})")
            lines.append("")
        if self.outlets:
            lines.append("News reports (the url column of each row names its report):")
            lines.extend(f"- {name} ({_count(n)})" for name, n in self.outlets)
        return "\n".join(lines) + "\n"

    def as_dict(self) -> dict[str, Any]:
        """The attribution as JSON (GeoJSON's top-level ``attribution`` member)."""
        return {
            "text": self.text(),
            "gazetteer_version": self.gazetteer_version,
            "gazetteer_sources": [
                {"source": s.source, "title": s.title, "licence": s.licence, "attribution": s.attribution,
                 "url": s.url, "events": s.events}
                for s in self.gazetteer
            ],
            "news_sources": [{"outlet": name, "events": n} for name, n in self.outlets],
        }


def _count(n: int) -> str:
    return f"{n} event" if n == 1 else f"{n} events"


@dataclass
class _Tally:
    """Counts gathered while streaming: events per gazetteer id and per outlet."""

    events: int = 0
    located: int = 0
    dated: int = 0
    places: Counter[str] = field(default_factory=Counter)
    outlets: Counter[str] = field(default_factory=Counter)

    def add(self, row: Mapping[str, Any]) -> None:
        self.events += 1
        self.located += row.get("lat") is not None and row.get("lon") is not None
        self.dated += bool(row.get("date_from"))
        if row.get("gazetteer_id"):
            self.places[row["gazetteer_id"]] += 1
        self.outlets[_outlet(row) or "unknown outlet"] += 1

    def attribution(self, gaz: Gazetteer) -> Attribution:
        per_source: Counter[str] = Counter()
        sources = _place_sources(gaz, self.places)
        for gid, n in self.places.items():
            for src in sources.get(gid, ()):
                per_source[src] += n
        info = _source_info(gaz)
        credits = tuple(
            SourceCredit(src, *info.get(src, (src, "see DATA_SOURCES.md", src, "")), n)
            for src, n in sorted(per_source.items(), key=lambda kv: (-kv[1], kv[0]))
        )
        outlets = tuple(sorted(self.outlets.items(), key=lambda kv: (-kv[1], kv[0])))
        return Attribution(self.events, gaz.version, credits, outlets)


def _place_sources(gaz: Gazetteer, places: Iterable[str]) -> dict[str, set[str]]:
    """Gazetteer id → the sources of its place and of its admin units (their names are exported too)."""
    if gaz.path is None:
        return {}
    wanted: dict[str, set[str]] = {}
    for gid in places:
        entry = gaz.get(gid)
        wanted[gid] = {gid, *(entry.admin_ids if entry else ())}
    ids = sorted(set().union(*wanted.values()))
    found: dict[str, set[str]] = {}
    conn = sqlite3.connect(f"file:{gaz.path}?mode=ro", uri=True)
    try:
        for i in range(0, len(ids), 500):
            chunk = ids[i : i + 500]
            marks = ",".join("?" * len(chunk))
            query = f"SELECT place_id, source FROM place_source WHERE place_id IN ({marks})"
            for pid, src in conn.execute(query, chunk):
                found.setdefault(pid, set()).add(src)
    finally:
        conn.close()
    return {gid: set().union(*(found.get(i, set()) for i in unit_ids)) for gid, unit_ids in wanted.items()}


def _source_info(gaz: Gazetteer) -> dict[str, tuple[str, str, str, str]]:
    """Source → (title, licence, attribution, url) from the index's ``sources`` table."""
    if gaz.path is None:
        return {}
    conn = sqlite3.connect(f"file:{gaz.path}?mode=ro", uri=True)
    try:
        rows = conn.execute("SELECT source, title, licence, attribution, url FROM sources").fetchall()
    finally:
        conn.close()
    return {src: (title or src, licence, credit, url or "") for src, title, licence, credit, url in rows}


# --------------------------------------------------------------------------------------------
# Writing


@dataclass(frozen=True, slots=True)
class ExportSummary:
    """What an export wrote."""

    format: str
    events: int
    """Events written."""
    located: int
    """Of them, events with coordinates."""
    dated: int
    """Of them, events with a date."""
    attribution: Attribution


def export_events(
    rows: Iterable[Mapping[str, Any]], fmt: str, out: TextIO, ctx: ExportContext
) -> ExportSummary:
    """Write ``rows`` (store rows, e.g. ``iter_events(store, flt)``) to ``out`` in format ``fmt``,
    one row at a time. ``out`` should be opened with ``newline=""`` for the CSV."""
    check_format(fmt)
    tally = _Tally()
    if fmt == "acled-csv":
        writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS)
        writer.writeheader()
        for row in rows:
            tally.add(row)
            writer.writerow(acled_row(row, ctx))
    elif fmt == "geojson":
        out.write('{"type": "FeatureCollection", "features": [\n')
        for row in rows:
            feature = json.dumps(geojson_feature(row, ctx), ensure_ascii=False)
            out.write((",\n" if tally.events else "") + feature)
            tally.add(row)
        attribution = tally.attribution(ctx.gazetteer)
        out.write('\n], "attribution": ' + json.dumps(attribution.as_dict(), ensure_ascii=False) + "}\n")
        return ExportSummary(fmt, tally.events, tally.located, tally.dated, attribution)
    else:
        for row in rows:
            tally.add(row)
            obj = plover_event(row, ctx) if fmt == "plover-jsonl" else dict(row)  # jsonl: the row as stored
            out.write(json.dumps(obj, ensure_ascii=False) + "\n")
    return ExportSummary(fmt, tally.events, tally.located, tally.dated, tally.attribution(ctx.gazetteer))


def write_sidecar(output: Path, attribution: Attribution) -> Path:
    """Write the attribution of an export written to ``output`` beside it (``<FILE>.attribution.txt``)."""
    path = output.with_name(output.name + ".attribution.txt")
    path.write_text(attribution.text(), encoding="utf-8")
    return path
