"""The HTTP API and the web map: ``create_app(db_url)`` builds the FastAPI application that
``raqib serve`` runs.

Reads (events, documents, the control map and its changes, a place's history, the basemap) are
open unless ``public_reads=False``; writes (posting a report, analyst corrections) need the token
as ``Authorization: Bearer <token>`` and are refused when the server has none. Every error, from a
bad query string to a crash, is one JSON shape: ``{"error": {"status", "code", "message"}}``.

Two publication settings:

* ``evidence_only``: no article text leaves the server. ``/api/documents/{id}`` gives the document's
  metadata and the evidence sentences of its events and control rows, never ``text``.
* ``withhold_names``: raqib has no person-name recogniser, so it cannot blank names inside a
  sentence. Instead it withholds every sentence that may name a victim or detainee: the evidence of
  events of kind killing, abduction, arrest or release, and of any event with a count of people
  killed, injured, detained, abducted, released or captured, and of control rows stated in those
  sentences (``evidence`` is null and ``evidence_withheld`` true; the coded fields stay). Document
  texts and titles are not served at all (as with ``evidence_only``), and the evidence list of a
  document leaves out the withheld sentences. Other sentences are served as written and can still
  name people (commanders, spokesmen).

The JSON forms of events and control, and the withholding rule, are in ``raqib.publish``; the limits and
the documented request, response and error shapes (``/openapi.json``) in ``raqib.api_schema``. The web
map (``raqib/web``) is served at ``/`` by the same application; pages carry a
Content-Security-Policy that allows scripts, styles and data only from the server itself (and
images from the configured tile server).
"""

from __future__ import annotations

import datetime as dt
import hmac
import logging
import re
import threading
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from importlib import resources as importlib_resources
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any
from urllib.parse import quote, unquote_to_bytes, urlsplit

from fastapi import Depends, FastAPI, Query, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.gzip import GZipMiddleware
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles
from sqlalchemy import func, select
from starlette.exceptions import HTTPException
from starlette.routing import Match, Mount

from raqib.api_schema import (
    CURSOR,
    DAY,
    ERROR_RESPONSES,
    MAX_BODY,
    MAX_CURSOR,
    PAGE_DEFAULT,
    PAGE_MAX,
    REQUIRED_DAY,
    BasemapOut,
    ControlChangesOut,
    ControlCorrected,
    ControlMapOut,
    CorrectionIn,
    DocumentOut,
    EventCorrected,
    EventOne,
    EventsGeoJSON,
    EventsPage,
    MetaOut,
    PlaceHistoryOut,
    PostedOut,
    ReportIn,
    documented,
    documented_geojson,
    strings,
)
from raqib.errors import InputError, RaqibError, StoreError, UsageError
from raqib.publish import (
    ACTOR_COLOURS,
    OTHER_COLOUR,
    ControlView,
    control_changes,
    control_map,
    event_feature,
    event_item,
    iso,
    last_day,
    place_history,
    withheld_rows,
)
from raqib.rules import KINDS

if TYPE_CHECKING:
    from raqib.resources import Resources
    from raqib.store import Store
    from raqib.timeline import Holding

log = logging.getLogger("raqib.api")

CERTAINTIES = ("reported", "claimed", "speculative")
DAYS_KEPT = 32
"""Control maps of that many days are kept in memory per state of the store."""
RECHECK_SECONDS = 1.0
"""How often the store is asked whether the control timeline must be rebuilt."""
KEEP_ALIVE_SECONDS = 75
"""How long ``raqib serve`` keeps an idle client connection open. uvicorn's default of 5 s is also the
idle time after which httpx's pool stops reusing a connection, so a client could reuse one just as the
server closed it and get a reset instead of an answer (a failed request in ``benchmarks/bench_load.py``).
75 s is longer than the idle time of such pools and of proxies in front (nginx's upstream default 60 s)."""

_ERROR_CODES = {
    400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found", 405: "method_not_allowed",
    406: "not_acceptable", 413: "payload_too_large", 415: "unsupported_media_type", 422: "invalid_request",
    500: "internal_error", 503: "unavailable",
}  # fmt: skip


class ApiError(HTTPException):
    """An error answered with the JSON error shape: ``status``, a machine ``code`` and a message
    that names the bad value, the valid options and the fix."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(status_code=status, detail=message)
        self.code = code


def error_response(status: int, code: str, message: str, headers: Mapping[str, str] | None = None) -> JSONResponse:
    """The one error shape of the API."""
    headers = {**(headers or {}), **({"WWW-Authenticate": 'Bearer realm="raqib"'} if status == 401 else {})}
    return JSONOut({"error": {"status": status, "code": code, "message": message}}, status, headers=headers)


class JSONOut(JSONResponse):
    """JSON with ``<``, ``>``, ``&`` and the line separators U+2028/U+2029 written as ``\\u`` escapes:
    report text such as ``</script>`` or ``<img onerror=...>`` never appears literally in a response
    body, even to a client that sniffs it as HTML or pastes it into a page. (These characters occur
    in JSON only inside strings, where the escapes mean the same.)"""

    def render(self, content: Any) -> bytes:
        out = super().render(content)
        for raw, escaped in _JSON_ESCAPES:
            out = out.replace(raw, escaped)
        return out


_JSON_ESCAPES = ((b"<", b"\\u003c"), (b">", b"\\u003e"), (b"&", b"\\u0026"),
                 ("\u2028".encode(), b"\\u2028"), ("\u2029".encode(), b"\\u2029"))  # fmt: skip


class GeoJSONResponse(JSONOut):
    media_type = "application/geo+json"


# --------------------------------------------------------------------------------------------
# State shared by the requests: the store, the resources, and the control timeline (rebuilt only
# when the store's control rows, events, baseline or corrections changed)


@dataclass(frozen=True)
class Settings:
    """What ``create_app`` was asked for."""

    db_url: str
    token: str | None
    public_reads: bool
    evidence_only: bool
    withhold_names: bool
    tile_url: str | None
    tile_attribution: str | None


class _State:
    """The store, the resources (loaded on first use) and the control timeline, shared by requests
    running in the server's worker threads."""

    def __init__(self, settings: Settings, store: Store) -> None:
        self.settings = settings
        self.store = store
        self._lock = threading.Lock()
        self.write_lock = threading.Lock()
        self._res: Resources | None = None
        self._snap: ControlView | None = None
        self._checked = 0.0
        self._days_of: ControlView | None = None
        self._days: OrderedDict[dt.date, Mapping[str, Sequence[Holding]]] = OrderedDict()
        self.meta_of: tuple[ControlView, dict[str, Any]] | None = None
        """``/api/meta`` for one state of the store (its date range and kinds scan the events table)."""

    def resources(self) -> Resources:
        with self._lock:
            if self._res is None:
                from raqib.resources import load_resources

                self._res = load_resources()
            return self._res

    def _fingerprint(self) -> tuple[Any, ...]:
        """What changes whenever the timeline's input does: the newest row of each table it reads
        (a re-stored document gets new rows), the number of control rows (a revision can drop
        some), the newest document write and the newest correction. Index look-ups and one count
        of the control table only."""
        from raqib.store import tables as t

        with self.store.engine.connect() as conn:
            newest = tuple(
                conn.execute(select(func.max(tbl.c.pk))).scalar()
                for tbl in (t.control, t.events, t.baseline_control, t.corrections, t.audit)
            )
            return (*newest, conn.execute(select(func.count()).select_from(t.control)).scalar(),
                    conn.execute(select(func.max(t.documents.c.stored_at))).scalar())  # fmt: skip

    def changed(self) -> None:
        """This server wrote to the store: look at the fingerprint on the next read."""
        self._checked = 0.0

    def snapshot(self) -> ControlView:
        """The control timeline of the store as it is now (looked at once a second at most: writes
        by other processes, such as ``raqib watch``, show within a second)."""
        from raqib.store import baseline_rows, control_rows
        from raqib.timeline import baseline_claims, build_timeline, claims_from_rows

        snap = self._snap
        if snap is not None and time.monotonic() - self._checked < RECHECK_SECONDS:
            return snap
        key = self._fingerprint()
        self._checked = time.monotonic()
        if snap is not None and snap.fingerprint == key:
            return snap
        res = self.resources()
        with self._lock:
            if self._snap is not None and self._snap.fingerprint == key:
                return self._snap
            rows = control_rows(self.store)
            claims = claims_from_rows(rows, res.gazetteer, res.actors) + baseline_claims(baseline_rows(self.store))
            withheld = withheld_rows(self.store, rows) if self.settings.withhold_names else frozenset()
            snap = ControlView(key, build_timeline(claims), {(r["document_id"], int(r["seq"])): r for r in rows},
                             withheld)  # fmt: skip
            self._snap = snap
            return snap

    def holdings(self, snap: ControlView, day: dt.date) -> Mapping[str, Sequence[Holding]]:
        """The holdings of ``day`` by place key; the last few days asked for are kept (a replay
        asks for each day of the slider, a popup for one place of the day on screen)."""
        with self._lock:
            if self._days_of is not snap:
                self._days_of, self._days = snap, OrderedDict()
            if day in self._days:
                self._days.move_to_end(day)
                return self._days[day]
        groups: dict[str, list[Holding]] = {}
        for h in snap.timeline.map_as_of(day):
            groups.setdefault(h.place.key, []).append(h)
        with self._lock:
            if self._days_of is snap:
                self._days[day] = groups
                while len(self._days) > DAYS_KEPT:
                    self._days.popitem(last=False)
        return groups


# --------------------------------------------------------------------------------------------
# Parsing query values (each error names the value, what was expected and an example)


_ISO_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _day(value: str | None, name: str) -> dt.date | None:
    if value is None or value == "":
        return None
    try:  # only YYYY-MM-DD: Python also reads 20190115 and 2019-W03-2, which the API does not promise
        if _ISO_DAY.fullmatch(value):
            return dt.date.fromisoformat(value)
    except ValueError:
        pass
    raise ApiError(422, "invalid_date", f"{name}={value!r} is not a day; expected YYYY-MM-DD, e.g. 2019-01-15")


def _required_day(value: str, name: str) -> dt.date:
    day = _day(value, name)
    if day is None:
        raise ApiError(422, "invalid_date", f"{name} is required: a day, YYYY-MM-DD, e.g. 2019-01-15")
    return day


def _bbox(value: str | None) -> tuple[float, float, float, float] | None:
    if not value:
        return None
    example = "e.g. bbox=40.5,34.3,41.2,34.9"
    try:
        parts = tuple(float(p) for p in value.split(","))
    except ValueError:
        parts = ()
    if len(parts) != 4:
        raise ApiError(422, "invalid_bbox", f"bbox={value!r}: expected MINLON,MINLAT,MAXLON,MAXLAT in degrees, {example}")
    x0, y0, x1, y1 = parts
    if not (-180 <= x0 <= x1 <= 180 and -90 <= y0 <= y1 <= 90):
        raise ApiError(422, "invalid_bbox", f"bbox={value!r}: needs -180 <= MINLON <= MAXLON <= 180 and "
                       f"-90 <= MINLAT <= MAXLAT <= 90, {example}")  # fmt: skip
    return x0, y0, x1, y1


def _choices(values: Sequence[str], allowed: Sequence[str], name: str) -> tuple[str, ...]:
    for v in values:
        if v not in allowed:
            raise ApiError(422, f"invalid_{name}", f"{name}={v!r} is not one of: {', '.join(allowed)}")
    return tuple(values)


def _cursor(value: str | None) -> int | None:
    if value is None or value == "":
        return None
    if not (value.isascii() and value.isdigit()) or int(value) > MAX_CURSOR:  # "²".isdigit() is true too
        raise ApiError(422, "invalid_cursor", f"cursor={value!r} is not a cursor; pass the \"next\" value of the "
                       "previous page unchanged")  # fmt: skip
    return int(value)


# --------------------------------------------------------------------------------------------
# Middleware: body size limit and security headers, as plain ASGI so that they see every response


class _TooLarge(ApiError):
    def __init__(self) -> None:
        super().__init__(413, "payload_too_large", f"the request body is over {MAX_BODY} bytes; send one report a request")


def _csp(tile_url: str | None) -> str:
    img = "'self' data:"
    if tile_url:
        parts = urlsplit(tile_url)
        if parts.scheme in ("http", "https") and parts.netloc:
            img += f" {parts.scheme}://{parts.netloc.replace('{s}', '*')}"
    return (f"default-src 'none'; script-src 'self'; style-src 'self'; img-src {img}; connect-src 'self'; "
            "font-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'")  # fmt: skip


class _Guard:
    """Refuses bodies over ``MAX_BODY`` and adds the security headers to every response."""

    def __init__(self, app: Any, csp: str) -> None:
        self.app = app
        self.headers = [
            (b"content-security-policy", csp.encode()),
            (b"x-content-type-options", b"nosniff"),
            (b"referrer-policy", b"no-referrer"),
            (b"x-frame-options", b"DENY"),
        ]

    async def __call__(self, scope: dict[str, Any], receive: Callable[[], Awaitable[Any]],
                       send: Callable[[Any], Awaitable[None]]) -> None:  # fmt: skip
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), *self.headers]
            await send(message)

        if "\x00" in scope.get("path", "") or b"\x00" in unquote_to_bytes(scope.get("query_string", b"")):
            # PostgreSQL's text cannot hold NUL: refuse it here rather than as a database error
            bad = error_response(422, "invalid_request", "the address holds a NUL character (%00); remove it")
            await bad(scope, receive, send_with_headers)
            return
        length = dict(scope["headers"]).get(b"content-length", b"")
        if length.isdigit() and int(length) > MAX_BODY:
            err = _TooLarge()
            await error_response(413, err.code, str(err.detail))(scope, receive, send_with_headers)
            return
        seen = 0

        async def limited() -> Any:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > MAX_BODY:
                    raise _TooLarge()  # an HTTPException: FastAPI passes it on to the error handler
            return message

        await self.app(scope, limited, send_with_headers)


# --------------------------------------------------------------------------------------------
# Query parameters of the event endpoints


def event_filter(
    date_from: Annotated[str | None, Query(alias="from", description="First day (YYYY-MM-DD).", json_schema_extra=DAY)] = None,
    date_to: Annotated[str | None, Query(alias="to", description="Last day (YYYY-MM-DD), included.",
                                         json_schema_extra=DAY)] = None,
    bbox: Annotated[str | None, Query(description="MINLON,MINLAT,MAXLON,MAXLAT (degrees).")] = None,
    actor: Annotated[list[str] | None, Query(description="Actor id (actor1 or actor2); repeatable.",
                                             json_schema_extra=strings())] = None,
    kind: Annotated[list[str] | None, Query(description="Event kind; repeatable.", json_schema_extra=strings(KINDS))] = None,
    certainty: Annotated[list[str] | None, Query(description="reported, claimed or speculative; repeatable.",
                                                 json_schema_extra=strings(CERTAINTIES))] = None,
) -> Any:
    """The ``EventFilter`` of the query string (each bad value is a 422 naming it)."""
    from raqib.store import EventFilter

    d1, d2 = _day(date_from, "from"), _day(date_to, "to")
    if d1 and d2 and d2 < d1:
        raise ApiError(422, "invalid_date", f"to={date_to} is before from={date_from}")
    return EventFilter(date_from=iso(d1), date_to=iso(d2), bbox=_bbox(bbox), actors=tuple(actor or ()),
                       kinds=_choices(kind or (), KINDS, "kind"),
                       certainty=_choices(certainty or (), CERTAINTIES, "certainty"))  # fmt: skip


Filter = Annotated[Any, Depends(event_filter)]
Limit = Annotated[int, Query(ge=1, le=PAGE_MAX, description=f"Events a page (at most {PAGE_MAX}).")]
Cursor = Annotated[str | None, Query(description='The "next" value of the previous page.',
                                     json_schema_extra=CURSOR)]


# --------------------------------------------------------------------------------------------
# The application


def web_dir() -> Path:
    """The folder of the web map (``raqib/web``), found with importlib.resources."""
    return Path(str(importlib_resources.files("raqib").joinpath("web")))


def create_app(
    db_url: str,
    *,
    token: str | None = None,
    public_reads: bool = True,
    evidence_only: bool = False,
    withhold_names: bool = False,
    tile_url: str | None = None,
    tile_attribution: str | None = None,
) -> FastAPI:
    """The API and web map over the store at ``db_url`` (opened, and migrated, now)."""
    from raqib.store import open_store

    if not public_reads and not token:
        raise UsageError("reads can need a token only when there is one: pass token=... with public_reads=False")
    settings = Settings(db_url, token or None, public_reads, evidence_only, withhold_names, tile_url,
                        tile_attribution)  # fmt: skip
    state = _State(settings, open_store(db_url))
    app = FastAPI(
        title="raqib",
        summary="Arabic conflict news → geocoded, evidence-linked events and territorial control.",
        version=_version(),
        docs_url=None,  # the interactive docs load scripts from a CDN: not offline, not under the CSP
        redoc_url=None,
        responses=ERROR_RESPONSES,
        default_response_class=JSONOut,
    )
    app.state.raqib = state
    _install_errors(app)
    # Control maps of thousands of places shrink ~10×; level 6 (zlib's default) instead of Starlette's 9 costs
    # a third of the CPU for a body a few per cent larger.
    app.add_middleware(GZipMiddleware, minimum_size=2048, compresslevel=6)
    app.add_middleware(_Guard, csp=_csp(tile_url))

    def check_token(request: Request) -> None:
        if settings.token is None:
            raise ApiError(403, "writes_disabled", "this server takes no writes: start `raqib serve` with a token "
                           "(--token-env NAME, the token in that environment variable)")  # fmt: skip
        given = request.headers.get("authorization", "")
        scheme, _, value = given.partition(" ")
        if scheme.lower() != "bearer" or not value.strip():
            raise ApiError(401, "token_required", "send the server's token as 'Authorization: Bearer <token>'")
        if not hmac.compare_digest(value.strip().encode(), settings.token.encode()):
            raise ApiError(403, "bad_token", "the token does not match the server's; check --token-env")

    def check_read(request: Request) -> None:
        if not settings.public_reads:
            check_token(request)

    read = [Depends(check_read)]
    write = [Depends(check_token)]

    def page(flt: Any, limit: int, cursor: str | None) -> tuple[list[dict[str, Any]], str | None]:
        from raqib.store import query_events

        rows = query_events(state.store, flt, after=_cursor(cursor), limit=limit + 1)
        more = len(rows) > limit
        rows = rows[:limit]
        items = [event_item(r, settings.withhold_names) for r in rows]
        return items, str(rows[-1]["pk"]) if more else None

    @app.get("/api/events", dependencies=read, tags=["events"], **documented(EventsPage))
    def list_events(flt: Filter, limit: Limit = PAGE_DEFAULT, cursor: Cursor = None) -> JSONResponse:
        """Events matching the filters, a page at a time, oldest stored first."""
        items, nxt = page(flt, limit, cursor)
        # The handlers build plain JSON values: returning the response skips FastAPI's jsonable_encoder,
        # which walks every value again on the event loop's thread (a third of the time of a page).
        return JSONOut({"items": items, "next": nxt})

    @app.get("/api/events.geojson", dependencies=read, tags=["events"], response_class=GeoJSONResponse,
             **documented_geojson(EventsGeoJSON))
    def events_geojson(flt: Filter, limit: Limit = PAGE_DEFAULT, cursor: Cursor = None) -> JSONResponse:
        """The same page as ``/api/events`` as a GeoJSON FeatureCollection (``next`` beside ``features``)."""
        items, nxt = page(flt, limit, cursor)
        body = {"type": "FeatureCollection", "features": [event_feature(i) for i in items], "next": nxt}
        return GeoJSONResponse(body)

    @app.get("/api/events/{uid}", dependencies=read, tags=["events"], **documented(EventOne))
    def get_event(uid: str) -> JSONResponse:
        """One event (rejected ones too), with its evidence and its source document."""
        row = _event_row(state.store, uid)
        item = event_item(row, settings.withhold_names)
        doc = state.store.document(row["document_id"]) or {}
        item["document"] = {"id": row["document_id"], "version": doc.get("version"), "url": doc.get("url"),
                            "outlet": doc.get("outlet"), "published": doc.get("published"),
                            "title": None if settings.withhold_names else doc.get("title"),
                            "href": f"/api/documents/{quote(row['document_id'], safe='/')}"}  # fmt: skip
        return JSONOut(item)

    @app.get("/api/documents/{document_id:path}", dependencies=read, tags=["documents"], **documented(DocumentOut))
    def get_document(document_id: str) -> JSONResponse:
        """A stored document: its text (unless the server publishes evidence only) and the
        evidence sentences of its events and control rows."""
        doc = state.store.document(document_id)
        if doc is None:
            raise ApiError(404, "not_found", f"no document with id {document_id!r}")
        return JSONOut(_document(state, doc))

    @app.post("/api/documents", dependencies=write, tags=["documents"], status_code=201,
              **documented(PostedOut, 201, 200))  # 200: the same report again, nothing changed
    def post_document(report: ReportIn, response: Response) -> dict[str, Any]:
        """Extract a report with the pipeline and store it (201); a known id with a new text becomes a new
        version, and the same report again changes nothing (200, ``changed`` false)."""
        from raqib.ingest import document_from_json
        from raqib.pipeline import process
        from raqib.store import EventFilter, iter_events

        res = state.resources()
        try:
            doc = document_from_json(report.model_dump(exclude_none=True), "POST /api/documents")
        except InputError as exc:
            raise ApiError(422, "invalid_report", exc.problem) from None
        with state.write_lock:  # the resources' geocoder cache is not made for concurrent writers
            record = process(doc, res)
            changed = state.store.save(doc, record, res.versions)
        state.changed()
        if not changed:
            response.status_code = 200
        evs = iter_events(state.store, EventFilter(document_id=doc.id, include_rejected=True))
        return {"id": doc.id, "changed": changed, "events": [event_item(r, settings.withhold_names) for r in evs],
                "control": record["control"], "warnings": record.get("warnings", [])}  # fmt: skip

    @app.post("/api/events/{uid}/corrections", dependencies=write, tags=["review"], **documented(EventCorrected))
    def correct_event(uid: str, fix: CorrectionIn) -> dict[str, Any]:
        """Correct one field of an event, reject it (field "reject") or undo that ("restore")."""
        from raqib import review

        _event_row(state.store, uid)  # 404 for an unknown uid
        try:
            if fix.field == "reject":
                result = review.reject_event(state.store, uid, reason=fix.reason, who=fix.who)
            elif fix.field == "restore":
                result = review.restore_event(state.store, uid, reason=fix.reason, who=fix.who)
            else:
                result = review.correct_event(state.store, uid, fix.field, fix.value, reason=fix.reason, who=fix.who)
        except StoreError:
            raise
        except RaqibError as exc:
            raise ApiError(422, "invalid_correction", str(exc)) from None
        state.changed()
        return {"correction": result, "event": event_item(_event_row(state.store, uid), settings.withhold_names)}

    @app.post("/api/control/{uid}/corrections", dependencies=write, tags=["review"],
              **documented(ControlCorrected))
    def correct_control(uid: str, fix: CorrectionIn) -> dict[str, Any]:
        """Correct one field of a control row (controller, status, as_of, place), or reject it."""
        from raqib import review

        _control_exists(state.store, uid)
        try:
            result = review.correct_control(state.store, uid, fix.field, fix.value, reason=fix.reason, who=fix.who)
        except StoreError:
            raise
        except RaqibError as exc:
            raise ApiError(422, "invalid_correction", str(exc)) from None
        state.changed()
        return {"correction": result}

    @app.get("/api/control/map", dependencies=read, tags=["control"], response_class=GeoJSONResponse,
             **documented_geojson(ControlMapOut))
    def get_control_map(
        as_of: Annotated[str | None, Query(description="The day (YYYY-MM-DD); the last day of the data when absent.",
                                           json_schema_extra=DAY)] = None,
        bbox: Annotated[str | None, Query(description="Only places inside MINLON,MINLAT,MAXLON,MAXLAT.")] = None,
        place: Annotated[list[str] | None, Query(description="Only these places (the features' ids); repeatable.",
                                                 json_schema_extra=strings())] = None,
        brief: Annotated[bool, Query(description="Holders without evidence and sources (smaller, for replays).")] = False,
    ) -> JSONResponse:
        """Who holds which place on a day: one Feature per place with its status and holders, each
        with since, evidence, source and link (unless brief)."""
        snap = state.snapshot()
        day = _day(as_of, "as_of") or last_day(snap) or dt.date.today()
        body = control_map(snap, day, state.holdings(snap, day), brief=brief, places=tuple(place or ()),
                           bbox=_bbox(bbox))  # fmt: skip
        return GeoJSONResponse(body)

    @app.get("/api/control/changes", dependencies=read, tags=["control"], response_class=GeoJSONResponse,
             **documented_geojson(ControlChangesOut))
    def get_control_changes(
        date_from: Annotated[str, Query(alias="from", description="First day (YYYY-MM-DD), included.",
                                        json_schema_extra=REQUIRED_DAY)],
        date_to: Annotated[str, Query(alias="to", description="Last day (YYYY-MM-DD), included.",
                                      json_schema_extra=REQUIRED_DAY)],
    ) -> JSONResponse:
        """The places whose holders changed between two days, one Feature a change."""
        d1, d2 = _required_day(date_from, "from"), _required_day(date_to, "to")  # "from=" is given but empty
        if d2 < d1:
            raise ApiError(422, "invalid_date", f"to={date_to} is before from={date_from}")
        return GeoJSONResponse(control_changes(state.snapshot(), d1, d2))

    @app.get("/api/places/history", dependencies=read, tags=["control"], **documented(PlaceHistoryOut))
    def get_place_history(
        name: Annotated[str | None, Query(description="The place as reports write it (Arabic).")] = None,
        gazetteer_id: Annotated[str | None, Query(description="The place's gazetteer id.")] = None,
    ) -> JSONResponse:
        """Who held a place over time, interval by interval, with the evidence."""
        if bool(name) == bool(gazetteer_id):
            raise ApiError(422, "invalid_request", "give one of name=<Arabic name> or gazetteer_id=<id>")
        snap = state.snapshot()
        tl = snap.timeline
        if gazetteer_id:
            keys = [k for k, p in tl.places.items() if gazetteer_id in (k, p.gazetteer_id)]
        else:
            assert name is not None
            keys = tl.find(name)
            if not keys:
                from raqib.geocode import geocode

                found = geocode(state.resources().gazetteer, name).gazetteer_id
                keys = [found] if found in tl.places else []
        if not keys:
            what = f"gazetteer_id={gazetteer_id!r}" if gazetteer_id else f"name={name!r}"
            raise ApiError(404, "not_found", f"no control claims about {what}; try the name as the reports write it")
        return JSONOut({"places": [place_history(snap, k) for k in keys]})

    @app.get("/api/meta", dependencies=read, tags=["meta"], **documented(MetaOut))
    def meta() -> JSONResponse:
        """The date range of the data, the actors (id, English name, colour), the kinds and the
        map settings."""
        return JSONOut(_meta(state))

    @app.get("/api/basemap", dependencies=read, tags=["meta"], response_class=GeoJSONResponse,
             **documented_geojson(BasemapOut))
    def basemap() -> JSONResponse:
        """Syria's governorate outlines (OCHA COD-AB ADM1, simplified): the offline base of the map."""
        import json

        body = json.loads((web_dir() / "syria_adm1.geojson").read_text("utf-8"))
        body["attribution"] = BASEMAP_ATTRIBUTION
        return GeoJSONResponse(body)

    app.router.routes.append(_WebMount("/", app=StaticFiles(directory=web_dir(), html=True), name="web"))
    return app


class _WebMount(Mount):
    """The web map's files at ``/``, but never for ``/api/...``: an API path with the wrong method then
    gets the router's 405 (with ``Allow``), and an unknown one its 404, instead of the file server's 404."""

    def matches(self, scope: Any) -> tuple[Match, dict[str, Any]]:
        if scope.get("type") == "http" and str(scope.get("path", "")).startswith("/api/"):
            return Match.NONE, {}
        return super().matches(scope)


BASEMAP_ATTRIBUTION = "Governorates: OCHA COD-AB Syria ADM1 (HDX, v02, 2020-12-17), CC BY-IGO"


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("raqib")
    except PackageNotFoundError:
        return "0"


def _event_row(store: Store, uid: str) -> dict[str, Any]:
    """The ``query_events`` row of an event (rejected ones too); 404 when unknown."""
    from raqib.store import EventFilter, iter_events
    from raqib.store import tables as t

    with store.engine.connect() as conn:
        doc_id = conn.execute(select(t.events.c.document_id).where(t.events.c.uid == uid)).scalar()
    if doc_id is not None:
        for row in iter_events(store, EventFilter(document_id=doc_id, include_rejected=True)):
            if row["uid"] == uid:
                return row
    raise ApiError(404, "not_found", f"no event with uid {uid!r}; uids are listed by /api/events")


def _control_exists(store: Store, uid: str) -> None:
    from raqib.store import tables as t

    with store.engine.connect() as conn:
        if conn.execute(select(t.control.c.pk).where(t.control.c.uid == uid)).first() is None:
            raise ApiError(404, "not_found", f"no control row with uid {uid!r}; uids are in /api/control/map")


def _document(state: _State, doc: Mapping[str, Any]) -> dict[str, Any]:
    from raqib.store import EventFilter, iter_events

    s = state.settings
    snap = state.snapshot()
    evidence = []
    for ev in iter_events(state.store, EventFilter(document_id=doc["id"])):
        item = event_item(ev, s.withhold_names)
        if not item["evidence_withheld"]:
            evidence.append({"type": "event", "uid": ev["uid"], "kind": ev["kind"], "evidence": item["evidence"],
                             "span": item["evidence_span"]})  # fmt: skip
    for (doc_id, seq), row in sorted(snap.rows.items()):
        if doc_id == doc["id"] and (doc_id, seq) not in snap.withheld:
            evidence.append({"type": "control", "uid": row["uid"], "place_ar": row["place_ar"],
                             "evidence": row["evidence"], "span": row["record"].get("evidence_span")})  # fmt: skip
    full = not (s.evidence_only or s.withhold_names)
    out = {
        "id": doc["id"], "version": doc.get("version"), "url": doc.get("url"), "outlet": doc.get("outlet"),
        "published": doc.get("published"), "title": None if s.withhold_names else doc.get("title"),
        "status": doc.get("status"), "reason": doc.get("reason"),
        "versions": [{"version": v["version"], "stored_at": v["stored_at"]} for v in doc.get("versions", [])],
        "text": doc.get("text") if full else None, "text_withheld": not full, "evidence": evidence,
    }  # fmt: skip
    return out


def _meta(state: _State) -> dict[str, Any]:
    from raqib.store import tables as t

    snap = state.snapshot()
    cached = state.meta_of
    if cached is not None and cached[0] is snap:
        return cached[1]
    with state.store.engine.connect() as conn:
        lo, hi = conn.execute(
            select(func.min(t.events.c.date_from), func.max(t.events.c.date_to)).where(t.events.c.review_status == "ok")
        ).one()  # fmt: skip
        kinds_seen = set(conn.execute(select(t.events.c.kind).distinct()).scalars())
    days = [c.day for c in snap.timeline.claims]
    control_range = {"from": iso(min(days)) if days else None, "to": iso(max(days)) if days else None}
    ends = [d for d in (lo, hi, control_range["from"], control_range["to"]) if d]
    book = state.resources().actors
    ids = list(book.actors) + sorted(
        {c.controller for c in snap.timeline.claims} - set(book.actors)
    )  # sides named only by corrections or a custom actor file
    s = state.settings
    out = {
        "name": "raqib", "version": _version(),
        "dates": {"from": min(ends) if ends else None, "to": max(ends) if ends else None,
                  "events": {"from": lo, "to": hi}, "control": control_range},
        "actors": [{"id": a, "name_en": book.actors[a].name_en if a in book.actors else a,
                    "colour": ACTOR_COLOURS.get(a, OTHER_COLOUR)} for a in ids],
        "kinds": [{"id": k, "present": k in kinds_seen} for k in KINDS],
        "statuses": ["held", "partial", "contested", "besieged"], "certainties": list(CERTAINTIES),
        "map": {"tile_url": s.tile_url, "tile_attribution": s.tile_attribution,
                "basemap_attribution": BASEMAP_ATTRIBUTION},
        "settings": {"evidence_only": s.evidence_only, "withhold_names": s.withhold_names,
                     "writes": s.token is not None, "public_reads": s.public_reads},
    }  # fmt: skip
    state.meta_of = (snap, out)
    return out


def _install_errors(app: FastAPI) -> None:
    async def http_error(_request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, HTTPException)
        status = exc.status_code
        code = getattr(exc, "code", None) or _ERROR_CODES.get(status, "error")
        message = exc.detail if isinstance(exc.detail, str) else str(exc.detail)
        if status == 404 and not isinstance(exc, ApiError):
            message = "no such page or API endpoint; the API is described at /openapi.json"
        elif status == 405 and not isinstance(exc, ApiError):
            message = f"method not allowed here; allowed: {(exc.headers or {}).get('Allow', '?')}"
        return error_response(status, code, message, exc.headers)  # e.g. Allow of a 405

    async def validation_error(_request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, RequestValidationError)
        parts = []
        for e in exc.errors():
            where = ".".join(str(x) for x in e.get("loc", ()))
            given = e.get("input")
            shown = f"={given!r}" if isinstance(given, (str, int, float)) and where.startswith("query") else ""
            parts.append(f"{where}{shown}: {e.get('msg', 'invalid')}")
        return error_response(422, "invalid_request", "; ".join(parts) or "invalid request")

    async def store_error(_request: Request, exc: Exception) -> JSONResponse:
        log.error("store error: %s", exc)  # the message can name the database URL: log it, don't send it
        return error_response(500, "store_error", "the database could not be read or written; see the server log")

    async def crash(_request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error", exc_info=exc)
        return error_response(500, "internal_error", "internal error; see the server log")

    app.add_exception_handler(HTTPException, http_error)
    app.add_exception_handler(RequestValidationError, validation_error)
    app.add_exception_handler(StoreError, store_error)
    app.add_exception_handler(Exception, crash)
