"""The documented shapes of the HTTP API (``raqib.api``): its limits, the request bodies, the JSON error
shape and the responses, as they appear in ``/openapi.json``.

The response models only document: the handlers build plain dicts (``raqib.publish``) and FastAPI does
not filter them through these models. Each model forbids keys it does not list, so a schema check of
the live server (``tests/test_api_fuzz.py``, schemathesis) fails when a handler and its documentation
drift apart.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictInt, StrictStr, field_validator

PAGE_MAX = 500
"""Most events one page of ``/api/events`` returns (a larger ``limit`` is a 422, not clamped)."""
PAGE_DEFAULT = 100
MAX_BODY = 2 * 1024 * 1024
"""Largest request body accepted (a long article is well under 200 kB)."""
MAX_CURSOR = 2**31 - 1
"""Largest cursor: event keys are INTEGER columns, 32 bits in PostgreSQL (a larger value is a
database error there, so it is refused as a bad cursor)."""

# Documented in /openapi.json but checked by the handlers, whose errors name the value and the options
# (FastAPI's own validation would answer with a generic message).
DAY: dict[str, Any] = {"anyOf": [{"type": "string", "format": "date"}, {"type": "string", "maxLength": 0},
                                 {"type": "null"}]}  # fmt: skip
"""An optional day: YYYY-MM-DD, or empty (the same as absent)."""
REQUIRED_DAY: dict[str, Any] = {"format": "date"}
CURSOR: dict[str, Any] = {"pattern": "^[0-9]*$"}


def strings(values: Sequence[str] = ()) -> Callable[[dict[str, Any]], None]:
    """The schema of a repeatable parameter (of the ``values`` when given): an array of strings.
    FastAPI writes ``anyOf: [array, null]``, but a query string has no null, and with the ``anyOf``
    schemathesis takes ``place=false`` for a boolean where the API sees the string "false"."""

    def fix(schema: dict[str, Any]) -> None:
        schema.pop("anyOf", None)
        schema.update(type="array", items={"type": "string", **({"enum": list(values)} if values else {})})

    return fix


# --------------------------------------------------------------------------------------------
# Request bodies


def storable(value: Any) -> Any:
    """``value`` unchanged if every string in it can be stored in both databases (PostgreSQL's text
    takes no NUL, and neither database takes unpaired UTF-16 surrogates, which JSON can encode)."""
    strings: list[str] = []
    stack = [value]
    while stack:
        v = stack.pop()
        if isinstance(v, dict):
            stack += v.values()
            strings += [k for k in v if isinstance(k, str)]
        elif isinstance(v, list):
            stack += v
        elif isinstance(v, str):
            strings.append(v)
    for s in strings:
        if "\x00" in s:
            raise ValueError("holds a NUL character (\\u0000), which no report or correction needs; remove it")
        try:
            s.encode("utf-8")
        except UnicodeEncodeError:
            raise ValueError("holds an unpaired UTF-16 surrogate (a broken \\ud800-\\udfff escape); "
                             "send valid Unicode") from None  # fmt: skip
    return value


class ReportIn(BaseModel):
    """A report to extract and store (the fields ``raqib ingest`` reads from JSON)."""

    text: str = Field(min_length=1, description="The article text (title on the first line when it has one).")
    id: StrictStr | StrictInt | None = Field(None, description="Stable id; a content hash when absent. A known id "
                                             "with a new text is stored as a new version.")  # fmt: skip
    url: str | None = Field(None, description="Public address of the report.")
    outlet: str | None = Field(None, description="Name of the outlet or agency.")
    published: str | None = Field(None, description="Publication day, YYYY-MM-DD.")
    title: str | None = Field(None, description="Headline, when not part of the text.")

    _check = field_validator("*")(storable)


class CorrectionIn(BaseModel):
    """An analyst's correction of one field (see ``raqib.review``)."""

    field: str = Field(description="event: kind, actor1, actor2, place, date, counts, certainty, reject, restore; "
                       "control: controller, status, as_of, place, reject, restore.")  # fmt: skip
    value: Any = Field(None, description="The new value (none for reject/restore).")
    reason: str = Field(min_length=1, description="Why: kept in the audit log.")
    who: str = Field("api", min_length=1, max_length=120, description="Who made the correction.")

    _check = field_validator("*")(storable)


# --------------------------------------------------------------------------------------------
# Errors


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class ErrorDetail(_Strict):
    status: int = Field(description="The HTTP status again.")
    code: str = Field(min_length=1, description="A machine-readable code, e.g. invalid_date, not_found.")
    message: str = Field(min_length=1, description="What was wrong, the valid options and the fix.")


class ErrorOut(_Strict):
    """The body of every error response."""

    error: ErrorDetail


ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorOut, "description": text}
    for status, text in (
        (400, "The request body could not be read (e.g. not UTF-8)."),
        (401, "The token is required (Authorization: Bearer <token>) and was not sent."),
        (403, "The token is wrong, or this server takes no writes."),
        (404, "No such event, document, place or page."),
        (405, "Method not allowed (the Allow header lists those that are)."),
        (413, f"The request body is over {MAX_BODY} bytes."),
        (422, "A parameter or the body is not valid; the message names it and the valid values."),
        (500, "The database failed, or a bug (details only in the server log)."),
    )
}
"""The error responses of every route (FastAPI's own 422 model, ``{"detail": ...}``, is not what the
API sends)."""

GEOJSON_ERRORS: dict[int | str, dict[str, Any]] = {
    status: {"description": r["description"],
             "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorOut"}}}}
    for status, r in ERROR_RESPONSES.items()
}  # fmt: skip
"""The same for the GeoJSON routes: FastAPI would document their errors as GeoJSON, so these refer to
the model (registered in the components by the other routes) as JSON themselves."""


# --------------------------------------------------------------------------------------------
# Responses (see raqib.publish for how they are built)


class PlaceOut(_Strict):
    name_ar: str | None
    lat: float | None
    lon: float | None
    gazetteer_id: str | None
    pcode: str | None
    country: str | None
    precision: str | None


class DaysOut(_Strict):
    from_: str | None = Field(alias="from")
    to: str | None


class SourceOut(_Strict):
    document_id: str
    document_version: int | None
    url: str | None
    outlet: str | None
    published: str | None
    title: str | None


class EventOut(_Strict):
    """One event: coded fields, place, days, evidence (null when withheld) and source."""

    uid: str
    kind: str
    acled: dict[str, Any] | None
    actor1: str | None
    actor2: str | None
    assoc_actors: list[Any]
    place: PlaceOut
    date: DaysOut
    extent: str | None
    counts: dict[str, Any]
    certainty: str | None
    claimant: Any
    evidence: str | None
    evidence_span: list[int] | None
    evidence_withheld: bool
    rule_id: str | None
    rules_version: str | None
    gazetteer_version: str | None
    confidence: float | None
    cluster: str | None
    status: Literal["ok", "rejected"]
    reviewed: bool
    source: SourceOut


class _DocumentHead(_Strict):
    """The fields naming a stored document, shared by its full record and the reference in an event."""

    id: str
    version: int | None
    url: str | None
    outlet: str | None
    published: str | None
    title: str | None


class DocumentRef(_DocumentHead):
    href: str


class EventOne(EventOut):
    document: DocumentRef


class EventsPage(_Strict):
    items: list[EventOut]
    next: str | None = Field(description="The cursor of the next page; null on the last.")


class Point(_Strict):
    type: Literal["Point"]
    coordinates: list[float] = Field(min_length=2, max_length=2)


class EventFeature(_Strict):
    type: Literal["Feature"]
    id: str
    geometry: Point | None
    properties: EventOut


class EventsGeoJSON(_Strict):
    type: Literal["FeatureCollection"]
    features: list[EventFeature]
    next: str | None


class Feature(_Strict):
    type: Literal["Feature"]
    id: str
    geometry: Point | None
    properties: dict[str, Any]


class ControlMapOut(_Strict):
    type: Literal["FeatureCollection"]
    as_of: str
    features: list[Feature]


class ControlChangesOut(_Strict):
    type: Literal["FeatureCollection"]
    from_: str = Field(alias="from")
    to: str
    features: list[Feature]


class PlaceHistoryOut(_Strict):
    places: list[dict[str, Any]]


class EvidenceOut(_Strict):
    type: Literal["event", "control"]
    uid: str | None
    kind: str | None = None
    place_ar: str | None = None
    evidence: str | None
    span: list[int] | None


class VersionOut(_Strict):
    version: int
    stored_at: str | None


class DocumentOut(_DocumentHead):
    status: str | None
    reason: str | None
    versions: list[VersionOut]
    text: str | None
    text_withheld: bool
    evidence: list[EvidenceOut]


class PostedOut(_Strict):
    id: str
    changed: bool
    events: list[EventOut]
    control: list[dict[str, Any]]
    warnings: list[str]


class EventCorrected(_Strict):
    correction: dict[str, Any]
    event: EventOut


class ControlCorrected(_Strict):
    correction: dict[str, Any]


class MetaOut(_Strict):
    name: Literal["raqib"]
    version: str
    dates: dict[str, Any]
    actors: list[dict[str, Any]]
    kinds: list[dict[str, Any]]
    statuses: list[str]
    certainties: list[str]
    map: dict[str, Any]
    settings: dict[str, Any]


class BasemapOut(BaseModel):
    type: Literal["FeatureCollection"]
    features: list[dict[str, Any]]
    attribution: str


def documented(model: type[BaseModel], *statuses: int) -> dict[str, Any]:
    """Decorator arguments that document ``model`` as the body of ``statuses`` (200 when none are
    given) without FastAPI filtering the handler's dict through it."""
    return {"response_model": None, "responses": {s: {"model": model} for s in statuses or (200,)}}


def documented_geojson(model: type[BaseModel]) -> dict[str, Any]:
    """The same for a GeoJSON route (its errors stay JSON)."""
    return {"response_model": None, "responses": {**GEOJSON_ERRORS, 200: {"model": model}}}
