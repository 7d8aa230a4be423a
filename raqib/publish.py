"""What the API and the web map publish: the JSON and GeoJSON forms of stored events and of the
control timeline, the holders' colours, and the rule that withholds sentences that may name victims
or detainees (``withhold_names``, see ``raqib.api``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from raqib.store import Store
    from raqib.timeline import DatedClaim, Holding, Timeline, TimelinePlace

# Holder colours follow the legend conventions of Wikipedia's "Syrian Civil War detailed map" and
# "Iraqi insurgency detailed map" (data/gazetteer/README.md, "Meaning of the marks"), so that readers
# of that map read this one at a glance: red government (and the forces fighting with it), yellow
# SDF/Kurdish forces, light green rebels, darker green Turkey and the factions it backs, grey-blue
# HTS, black IS. Sides the legend has no colour for get colours apart from those.
ACTOR_COLOURS: Mapping[str, str] = {
    "SYR-GOV": "#e00000", "IRN-MIL": "#b03030", "RUS": "#8b1a1a", "IRN": "#a04040",
    "OPPOSITION": "#00dd00", "SYR-GOV-2024": "#33a02c",
    "SDF": "#ffff44", "KRG": "#f0d000", "PKK": "#d9c400",
    "TUR": "#2e8b57", "SNA": "#6b8e23",
    "HTS": "#6688aa", "HURRAS": "#556677",
    "ISIS": "#000000", "ISIS-DISSIDENT": "#444444",
    "IRQ-GOV": "#e00000", "PMF": "#c04040",
    "COALITION": "#1f5fbf", "USA": "#1f5fbf", "ISR": "#3b6fd8", "JOR": "#7a5cc4", "EGY": "#8e6e53",
    "HOUTHI": "#008b8b", "YEM-GOV": "#e00000", "SAUDI-COALITION": "#2f4f4f", "UAE": "#5f9ea0", "STC": "#87ceeb",
    "AQAP": "#303030", "SDN-SAF": "#e00000", "RSF": "#d2691e", "SDN-JOINT": "#9acd32", "SPLM-N": "#ff8c00",
    "LNA": "#cd853f", "LBY-GOV": "#e00000", "CIVILIANS": "#ffffff", "UNKNOWN": "#999999",
}  # fmt: skip
OTHER_COLOUR = "#ff7f00"
"""Colour of a side not listed above (the legend's orange "special")."""

_PERSON_KINDS = frozenset({"killing", "abduction", "arrest", "release"})
_PERSON_COUNTS = frozenset(
    {"fatalities", "injured", "civilians_killed", "arrested", "abducted", "released", "captured", "people"}
)


# --------------------------------------------------------------------------------------------
# What is withheld under withhold_names


def about_people(kind: str | None, counts: Mapping[str, Any] | None) -> bool:
    """Whether an event's sentence may name a victim or detainee (see ``withhold_names``)."""
    return kind in _PERSON_KINDS or any(k in _PERSON_COUNTS for k in (counts or {}))


def withheld_rows(store: Store, rows: Sequence[Mapping[str, Any]]) -> frozenset[tuple[str, int]]:
    """The control rows (document id, seq) whose evidence overlaps the sentence of an event that may
    name a victim or detainee (see ``about_people``)."""
    from raqib.store import EventFilter, iter_events

    spans: dict[str, list[tuple[int, int]]] = {}
    for ev in iter_events(store, EventFilter(include_rejected=True)):
        if about_people(ev["kind"], ev["record"].get("counts")):
            spans.setdefault(ev["document_id"], []).append((ev["evidence_start"], ev["evidence_end"]))
    out = set()
    for r in rows:
        start, end = (r["record"].get("evidence_span") or (0, 0))[:2]
        if any(s < end and start < e for s, e in spans.get(r["document_id"], ())):
            out.add((r["document_id"], int(r["seq"])))
    return frozenset(out)


# --------------------------------------------------------------------------------------------
# The control timeline as published


@dataclass(frozen=True)
class ControlView:
    """The control timeline of one state of the store, with the rows its claims came from."""

    fingerprint: tuple[Any, ...]
    timeline: Timeline
    rows: Mapping[tuple[str, int], Mapping[str, Any]]
    """(document id, seq) → the control row (uid, url, outlet, record)."""
    withheld: frozenset[tuple[str, int]]
    """Control rows whose evidence overlaps a withheld event sentence (only with withhold_names)."""


# --------------------------------------------------------------------------------------------
# JSON of stored rows and timeline objects


def iso(day: dt.date | None) -> str | None:
    """The ISO form of a day, None for none."""
    return day.isoformat() if day else None


def event_item(row: Mapping[str, Any], withhold: bool) -> dict[str, Any]:
    """The API form of a ``query_events`` row."""
    rec = row["record"]
    hidden = withhold and about_people(row["kind"], rec.get("counts"))
    return {
        "uid": row["uid"], "kind": row["kind"], "acled": rec.get("acled"), "actor1": row["actor1"],
        "actor2": row["actor2"], "assoc_actors": rec.get("assoc_actors") or [],
        "place": {"name_ar": row["place_ar"], "lat": row["lat"], "lon": row["lon"],
                  "gazetteer_id": row["gazetteer_id"], "pcode": row["pcode"], "country": row["country"],
                  "precision": row["precision"]},
        "date": {"from": row["date_from"], "to": row["date_to"]}, "extent": rec.get("extent"),
        "counts": rec.get("counts") or {}, "certainty": row["certainty"], "claimant": rec.get("claimant"),
        "evidence": None if hidden else row["evidence"],
        "evidence_span": None if hidden else [row["evidence_start"], row["evidence_end"]],
        "evidence_withheld": hidden, "rule_id": row["rule_id"], "rules_version": row["rules_version"],
        "gazetteer_version": row["gazetteer_version"], "confidence": rec.get("confidence"),
        "cluster": row["cluster"], "status": row["status"], "reviewed": row["reviewed"],
        "source": {"document_id": row["document_id"], "document_version": row["document_version"],
                   "url": row["url"], "outlet": row["outlet"], "published": row["published"],
                   "title": None if withhold else row["title"]},
    }  # fmt: skip


def event_feature(item: Mapping[str, Any]) -> dict[str, Any]:
    """An event item as a GeoJSON Feature (null geometry when it has no position)."""
    p = item["place"]
    geometry = None if p["lat"] is None or p["lon"] is None else {"type": "Point", "coordinates": [p["lon"], p["lat"]]}
    return {"type": "Feature", "id": item["uid"], "geometry": geometry, "properties": dict(item)}


def claim_json(c: DatedClaim, snap: ControlView) -> dict[str, Any]:
    row = None if c.baseline else snap.rows.get((c.document_id, c.seq))
    hidden = (c.document_id, c.seq) in snap.withheld and not c.baseline
    return {
        "document_id": None if c.baseline else c.document_id, "uid": row["uid"] if row else None,
        "baseline": c.document_id if c.baseline else None, "source": c.source,
        "url": row["url"] if row else None, "day": c.day.isoformat(), "day_source": c.day_source,
        "controller": c.controller, "status": c.status, "self_claim": c.self_claim,
        "evidence": None if hidden else c.evidence, "evidence_withheld": hidden, "rule_id": c.rule_id,
    }  # fmt: skip


def place_json(p: TimelinePlace) -> dict[str, Any]:
    return {"place": p.key, "name_ar": p.name, "names": list(p.names), "gazetteer_id": p.gazetteer_id,
            "pcode": p.pcode, "lat": p.lat, "lon": p.lon, "approximate": p.approximate}  # fmt: skip


def _point(p: TimelinePlace) -> dict[str, Any] | None:
    return None if p.lat is None or p.lon is None else {"type": "Point", "coordinates": [p.lon, p.lat]}


def place_status(statuses: Sequence[str]) -> str:
    """The status a place is drawn with: contested or partial when any holding says so, else held,
    else (only besiegers known) besieged."""
    for s in ("contested", "partial", "held"):
        if s in statuses:
            return s
    return "besieged"


def _holding(h: Holding, snap: ControlView) -> dict[str, Any]:
    first = claim_json(h.sources[0], snap) if h.sources else {}
    return {
        "controller": h.controller, "status": h.status, "since": h.since.isoformat(),
        "last_seen": h.last_seen.isoformat(), "inferred": h.inferred, "disputed": bool(h.disputed_by),
        "day_source": first.get("day_source"), "evidence": first.get("evidence"),
        "evidence_withheld": first.get("evidence_withheld", False), "source": first.get("source"),
        "url": first.get("url"), "document_id": first.get("document_id"), "uid": first.get("uid"),
        "reports": len({c.document_id for c in h.claims}), "disputed_by": [claim_json(c, snap) for c in h.disputed_by],
    }  # fmt: skip


def control_map(
    snap: ControlView,
    day: dt.date,
    groups: Mapping[str, Sequence[Holding]],
    *,
    brief: bool = False,
    places: Sequence[str] = (),
    bbox: tuple[float, float, float, float] | None = None,
) -> dict[str, Any]:
    """The GeoJSON of who holds what on ``day`` (``groups``: the holdings of the day by place key):
    one Feature per place, optionally only ``places`` (keys) or those inside ``bbox``. ``brief``
    keeps only the place's id, name, status and holders (controller, status, since): the map replays
    days with it and asks for one place in full on a click."""
    features = []
    for key in places or groups:
        hs = groups.get(key)
        if not hs:
            continue
        place = hs[0].place
        if bbox is not None and not (
            place.lat is not None and place.lon is not None
            and bbox[0] <= place.lon <= bbox[2] and bbox[1] <= place.lat <= bbox[3]
        ):  # fmt: skip
            continue
        status = place_status([h.status for h in hs])
        holders = [h for h in hs if h.status != "besieged"]
        props = {
            **place_json(place), "status": status,
            "controller": holders[0].controller if status == "held" and len(holders) == 1 else None,
            "besieged": any(h.status == "besieged" for h in hs),
            "holders": [{"controller": h.controller, "status": h.status, "since": h.since.isoformat()} if brief
                        else _holding(h, snap) for h in hs],
        }  # fmt: skip
        if brief:
            props = {k: props[k] for k in ("place", "name_ar", "approximate", "status", "holders")}
        features.append({"type": "Feature", "id": place.key, "geometry": _point(place), "properties": props})
    return {"type": "FeatureCollection", "as_of": day.isoformat(), "features": features}


def control_changes(snap: ControlView, start: dt.date, end: dt.date) -> dict[str, Any]:
    """The GeoJSON of the places whose holders changed from ``start`` to ``end``: one Feature a change."""
    features = []
    for ch in snap.timeline.changed_between(start, end):
        props = {**place_json(ch.place), "day": ch.day.isoformat(),
                 "before": [{"controller": c, "status": s} for c, s in ch.before],
                 "after": [{"controller": c, "status": s} for c, s in ch.after],
                 "sources": [claim_json(c, snap) for c in ch.sources]}  # fmt: skip
        features.append({"type": "Feature", "id": f"{ch.place.key}@{ch.day.isoformat()}",
                         "geometry": _point(ch.place), "properties": props})  # fmt: skip
    return {"type": "FeatureCollection", "from": start.isoformat(), "to": end.isoformat(), "features": features}


def place_history(snap: ControlView, key: str) -> dict[str, Any]:
    """A place's intervals of control, each with the claims that stated, disputed and ended it."""
    intervals = [
        {"controller": iv.controller, "status": iv.status, "valid_from": iv.valid_from.isoformat(),
         "valid_to": iso(iv.valid_to), "last_seen": iv.last_seen.isoformat(), "inferred": iv.inferred,
         "sources": [claim_json(c, snap) for c in iv.sources], "claims": [claim_json(c, snap) for c in iv.claims],
         "disputed_by": [claim_json(c, snap) for c in iv.disputed_by],
         "ended_by": [claim_json(c, snap) for c in iv.ended_by]}
        for iv in snap.timeline.history(key)
    ]  # fmt: skip
    return {**place_json(snap.timeline.places[key]), "intervals": intervals}


def last_day(snap: ControlView) -> dt.date | None:
    """The last day a claim is about (the control map's default day)."""
    days = [c.day for c in snap.timeline.claims]
    return max(days) if days else None
