"""The output record: one JSON object per document, the contract published as a JSON Schema in
``data/schema/record.schema.json`` (change it only on purpose; the tests validate every output)."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

from raqib.model import ControlClaim, DateRef, Event, Extraction, Place, Quantity
from raqib.rules import acled_type

SCHEMA_VERSION = "1.0"


def _date(d: DateRef | None) -> dict[str, Any] | None:
    if d is None or d.start is None:
        return None
    end = d.end or d.start
    return {"from": d.start.isoformat(), "to": end.isoformat(), "precision": d.precision, "source": d.source}


def _location(place: Place | None, start: int | None, end: int | None) -> dict[str, Any] | None:
    if place is None:
        return None
    return {
        "name_ar": place.name_ar,
        "start_char": start,
        "end_char": end,
        "lat": place.lat,
        "lon": place.lon,
        "gazetteer_id": place.gazetteer_id,
        "pcode": place.pcode,
        "admin": list(place.admin),
        "country": place.country,
        "precision": place.precision,
        "matched_by": place.matched_by,
    }


def _quantity(q: Quantity) -> dict[str, Any]:
    return {
        "stated": q.stated,
        "low": q.low,
        "high": q.high,
        "qualifier": q.qualifier,
        "start_char": q.start_char,
        "end_char": q.end_char,
    }


def event_record(
    ev: Event, text: str, state_actors: frozenset[str], rules_version: str, gazetteer_version: str
) -> dict[str, Any]:
    """The JSON form of one event."""
    event_type, sub = acled_type(ev, state_actors, text)
    counts = ev.counts  # most events count nothing: no comprehensions to run for them
    return {
        "kind": ev.kind,
        "acled": {"event_type": event_type, "sub_event_type": sub},
        "actor1": ev.actor1,
        "actor2": ev.actor2,
        "assoc_actors": list(ev.assoc),
        "location": None if ev.place is None else _location(ev.place, ev.place_start, ev.place_end),
        "date": None if ev.date is None else _date(ev.date),
        "extent": ev.extent,
        "counts": {k: q.stated for k, q in counts if q.stated is not None} if counts else {},
        "quantities": {k: _quantity(q) for k, q in counts} if counts else {},
        "certainty": ev.certainty,
        "claimant": ev.claimant,
        "background": ev.background,
        "evidence": text[ev.evidence_start : ev.evidence_end],
        "evidence_span": [ev.evidence_start, ev.evidence_end],
        "rule_id": ev.rule_id,
        "rules_version": rules_version,
        "gazetteer_version": gazetteer_version,
        "confidence": ev.confidence,
    }


def control_record(c: ControlClaim, text: str) -> dict[str, Any]:
    """The JSON form of one control claim."""
    p = c.place
    return {
        "place_ar": c.place_name,
        "controller": c.controller,
        "status": c.status,
        "as_of": c.as_of.start.isoformat() if c.as_of and c.as_of.start else None,
        "evidence": text[c.evidence_start : c.evidence_end],
        "evidence_span": [c.evidence_start, c.evidence_end],
        "lat": p.lat if p else None,
        "lon": p.lon if p else None,
        "gazetteer_id": p.gazetteer_id if p else None,
        "precision": p.precision if p else "unknown",
        "rule_id": c.rule_id,
    }


def to_record(
    ex: Extraction, state_actors: frozenset[str], rules_version: str, gazetteer_version: str
) -> dict[str, Any]:
    """The output record of one document."""
    doc = ex.document
    text = doc.text
    return {
        "id": doc.id,
        "schema_version": SCHEMA_VERSION,
        "url": doc.url,
        "outlet": doc.outlet,
        "published": doc.published.isoformat() if doc.published else None,
        "events": [event_record(e, text, state_actors, rules_version, gazetteer_version) for e in ex.events],
        "control": [control_record(c, text) for c in ex.control],
        "warnings": list(ex.warnings),
    }


@cache
def schema() -> dict[str, Any]:
    """The published JSON Schema of the record."""
    text = resources.files("raqib").joinpath("data/schema/record.schema.json").read_text("utf-8")
    return dict(json.loads(text))


def validate(record: dict[str, Any]) -> None:
    """Raise ``jsonschema.ValidationError`` when ``record`` breaks the contract."""
    import jsonschema  # imported here: only tests and `raqib extract --validate` need it

    jsonschema.validate(record, schema())
