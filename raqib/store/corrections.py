"""What an analyst's correction does to a stored row: pure functions on the row's record.

``raqib.review`` validates and records corrections (with their audit trail); ``Store.save``
applies the recorded ones again every time a document is (re-)extracted.
"""

from __future__ import annotations

import copy
import datetime as dt
import re
from typing import Any

from raqib.errors import RaqibError
from raqib.rules import ACLED, KINDS

EVENT_FIELDS = ("kind", "actor1", "actor2", "place", "date", "counts", "certainty", "reject", "restore")
CONTROL_FIELDS = ("controller", "status", "as_of", "place", "reject", "restore")
CERTAINTIES = ("reported", "claimed", "speculative")
CONTROL_STATUSES = ("held", "partial", "contested", "besieged")
PRECISIONS = ("village", "town", "city", "neighbourhood", "camp", "landmark", "subdistrict", "district",
              "governorate", "area", "country", "unknown")  # fmt: skip
_ACTOR = re.compile(r"^[A-Z][A-Z0-9-]{0,39}$")


class CorrectionError(RaqibError):
    """A correction names an unknown field or gives a value the field cannot take."""


def _day(value: Any, field: str) -> str:
    try:
        return dt.date.fromisoformat(str(value)).isoformat()
    except ValueError:
        raise CorrectionError(f"{field}: {value!r} is not a day (YYYY-MM-DD)") from None


def _actor(value: Any, field: str, optional: bool) -> str | None:
    if value in (None, "", "-") and optional:
        return None
    if not isinstance(value, str) or not _ACTOR.match(value):
        raise CorrectionError(f"{field}: {value!r} is not an actor id (like SDF, ISIS, SYR-GOV)")
    return value


def _place(value: Any) -> dict[str, Any]:
    """A place: {"name_ar", "lat", "lon"} and optionally gazetteer_id, pcode, country, precision."""
    if not isinstance(value, dict) or not isinstance(value.get("name_ar"), str) or not value["name_ar"].strip():
        raise CorrectionError('place: give an object with "name_ar", "lat" and "lon"')
    try:
        lat = None if value.get("lat") is None else float(value["lat"])
        lon = None if value.get("lon") is None else float(value["lon"])
    except (TypeError, ValueError):
        raise CorrectionError("place: lat and lon must be numbers") from None
    if (lat is None) != (lon is None) or (lat is not None and not (-90 <= lat <= 90 and -180 <= lon <= 180)):  # type: ignore[operator]
        raise CorrectionError(f"place: ({lat}, {lon}) is not a position (lat -90..90, lon -180..180)")
    precision = value.get("precision", "unknown")
    if precision not in PRECISIONS:
        raise CorrectionError(f"place: precision {precision!r} is not one of {', '.join(PRECISIONS)}")
    return {"name_ar": value["name_ar"].strip(), "lat": lat, "lon": lon, "gazetteer_id": value.get("gazetteer_id"),
            "pcode": value.get("pcode"), "country": value.get("country"), "precision": precision}  # fmt: skip


def check_value(target: str, field: str, value: Any) -> Any:
    """The value in its stored form; ``CorrectionError`` when the field or value is wrong."""
    fields = EVENT_FIELDS if target == "event" else CONTROL_FIELDS
    if field not in fields:
        raise CorrectionError(f"cannot correct {field!r} of a {target}; fields: {', '.join(fields)}")
    if field in ("reject", "restore"):
        return None
    if field == "place":
        return _place(value)
    if target == "control":
        if field == "controller":
            return _actor(value, field, optional=False)
        if field == "status":
            if value not in CONTROL_STATUSES:
                raise CorrectionError(f"status: {value!r} is not one of {', '.join(CONTROL_STATUSES)}")
            return value
        return _day(value, field)  # as_of
    if field == "kind":
        if value not in KINDS:
            raise CorrectionError(f"kind: {value!r} is not one of {', '.join(KINDS)}")
        return value
    if field in ("actor1", "actor2"):
        return _actor(value, field, optional=field == "actor2")
    if field == "certainty":
        if value not in CERTAINTIES:
            raise CorrectionError(f"certainty: {value!r} is not one of {', '.join(CERTAINTIES)}")
        return value
    if field == "date":
        if isinstance(value, dict):
            start, end = _day(value.get("from"), "date.from"), _day(value.get("to") or value.get("from"), "date.to")
        else:
            start = end = _day(value, "date")
        if end < start:
            raise CorrectionError(f"date: {end} is before {start}")
        return {"from": start, "to": end}
    # counts
    if not isinstance(value, dict) or not all(
        isinstance(k, str) and isinstance(v, int) and not isinstance(v, bool) and v >= 0 for k, v in value.items()
    ):
        raise CorrectionError('counts: give an object of whole numbers ≥ 0, like {"killed": 3}')
    return dict(value)


def apply(target: str, record: dict[str, Any], status: str, field: str, value: Any) -> tuple[dict[str, Any], str]:
    """The record and review status after one (already checked) correction."""
    out = copy.deepcopy(record)
    if field == "reject":
        return out, "rejected"
    if field == "restore":
        return out, "ok"
    if target == "control":
        if field == "place":
            out["place_ar"] = value["name_ar"]
            out.update({k: value[k] for k in ("lat", "lon", "gazetteer_id", "precision")})
        else:
            out[field] = value
        return out, status
    if field == "kind":
        out["kind"] = value
        event_type, sub = ACLED[value]
        out["acled"] = {"event_type": event_type, "sub_event_type": sub}
    elif field == "place":
        loc = {k: v for k, v in value.items() if v is not None or k in ("lat", "lon")}
        out["location"] = {**loc, "matched_by": "none"}
    elif field == "date":
        out["date"] = {**value, "precision": "day" if value["from"] == value["to"] else "span", "source": "analyst"}
    else:
        out[field] = value
    return out, status
