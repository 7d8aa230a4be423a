"""The rows a stored document is made of, and the bulk writes of the store.

``prepare`` turns an extracted document into the rows a first store writes (``Prepared``): tuples in
the tables' column order, the JSON columns already text. ``raqib batch`` prepares on the Dask workers,
so the client that stores a partition neither decodes records nor encodes them: it only writes.
``Store.save_many`` prepares on the spot and, like ``Store.save_prepared``, hands the documents of a
batch that are not stored yet (the common case in ``raqib batch``) to ``insert_fresh``: one
executemany per table for all of them, straight through the DB-API (SQLAlchemy's work per row and per
statement was most of the client's time in a batch). Documents already stored (unchanged, revised,
with analyst corrections to apply again) go one by one through ``Store._write``. Both build their rows
with the functions here, so a document gets the same rows either way. The PostGIS point is a generated
column and follows an executemany as it follows one INSERT; the SQLite R*Tree is kept by row triggers,
but ``insert_fresh`` fills it with one INSERT ... SELECT per batch (``_insert_events_sqlite``).

``set_clusters`` writes cross-report cluster ids: on SQLite with one UPDATE by uid that changes the
record in place (``json_set``), on PostgreSQL with one executemany UPDATE per 500 events.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import orjson
from sqlalchemy import JSON, Table, bindparam, select, update
from sqlalchemy.engine import Connection

from raqib.errors import StoreError
from raqib.model import Document
from raqib.store import corrections as fix
from raqib.store.keys import control_uids, event_uids
from raqib.store.tables import control, document_versions, documents, events, first_stored

CHUNK = 500
"""Ids per ``IN (...)`` look-up: far below SQLite's limit on bound parameters."""

Fixes = dict[tuple[str, str], list[tuple[str, Any]]]
"""Analyst corrections of one document, by (target, uid), oldest first."""


def json_text(value: Any) -> str:
    """JSON of a record as the store keeps it: Arabic as UTF-8, not ``\\uXXXX`` escapes (records a
    third smaller on disk), written by orjson (a fifth less client CPU in a batch than ``json``);
    what orjson refuses (integers past 64 bits, from a run of digits in a report) by ``json``."""
    try:
        return orjson.dumps(value).decode("utf-8")
    except TypeError:  # orjson.JSONEncodeError
        return json.dumps(value, ensure_ascii=False)


def json_value(text: str) -> Any:
    """A record read back: by orjson (a sixth of ``json``'s time on the store's records), by ``json``
    what orjson refuses (integers past 64 bits, which ``json_text`` wrote through ``json``)."""
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError:
        return json.loads(text)


_NONE: dict[str, Any] = {}


def event_columns(ev: dict[str, Any]) -> dict[str, Any]:
    """The columns queries filter on, read off an event record."""
    loc = ev.get("location") or _NONE
    date = ev.get("date") or _NONE
    return {
        "kind": ev["kind"], "actor1": ev["actor1"], "actor2": ev.get("actor2"), "place_ar": loc.get("name_ar"),
        "lat": loc.get("lat"), "lon": loc.get("lon"), "gazetteer_id": loc.get("gazetteer_id"),
        "pcode": loc.get("pcode"), "country": loc.get("country"), "precision": loc.get("precision"),
        "date_from": date.get("from"), "date_to": date.get("to") or date.get("from"),
        "certainty": ev.get("certainty"),
    }  # fmt: skip


def control_columns(c: dict[str, Any]) -> dict[str, Any]:
    """The columns of a control row, read off a control record."""
    return {"place_ar": c["place_ar"], "controller": c["controller"], "status": c["status"], "as_of": c.get("as_of"),
            "lat": c.get("lat"), "lon": c.get("lon"), "gazetteer_id": c.get("gazetteer_id")}  # fmt: skip


def corrected(target: str, record: dict[str, Any], fixes: Sequence[tuple[str, Any]]) -> tuple[dict[str, Any], str]:
    """A machine record with the analyst's corrections applied, and its review status."""
    status = "ok"
    for field, value in fixes:
        record, status = fix.apply(target, record, status, field, value)
    return record, status


def _corrected(target: str, uid: str, record: dict[str, Any], fixes: Fixes) -> tuple[dict[str, Any], str, bool]:
    """``corrected`` for the row ``uid`` of ``fixes``, and whether the analyst reviewed it. Most
    documents have no corrections at all (every document ``prepare`` sees): nothing to look up."""
    if not fixes or (target, uid) not in fixes:
        return record, "ok", False
    return (*corrected(target, record, fixes[(target, uid)]), True)


def sha256(doc: Document) -> str:
    """The digest of a document's text, as stored in ``text_sha256``."""
    return hashlib.sha256(doc.text.encode("utf-8")).hexdigest()


def document_values(doc: Document, record: dict[str, Any], versions: dict[str, str], digest: str,
                    now: str) -> dict[str, Any]:  # fmt: skip
    """The ``documents`` columns of a document but ``id`` and ``version``."""
    warnings = record.get("warnings") or []
    return {"url": doc.url, "outlet": doc.outlet, "published": doc.published.isoformat() if doc.published else None,
            "title": doc.title, "text": doc.text, "text_sha256": digest, "status": "warning" if warnings else "ok",
            "reason": "; ".join(warnings) or None, "rules_version": versions["rules"],
            "gazetteer_version": versions["gazetteer"], "stored_at": now}  # fmt: skip


def version_row(doc: Document, version: int, digest: str, now: str) -> dict[str, Any]:
    """The ``document_versions`` row of a document's text."""
    return {"document_id": doc.id, "version": version, "url": doc.url,
            "published": doc.published.isoformat() if doc.published else None, "title": doc.title,
            "text": doc.text, "text_sha256": digest, "stored_at": now}  # fmt: skip


def event_rows(document_id: str, version: int, evs: Sequence[dict[str, Any]], versions: dict[str, str],
               fixes: Fixes) -> list[dict[str, Any]]:  # fmt: skip
    """The ``events`` rows of a document's events, corrections applied."""
    rows = []
    for n, (ev, uid) in enumerate(zip(evs, event_uids(document_id, [e["evidence_span"] for e in evs]), strict=True)):
        final, status, reviewed = _corrected("event", uid, ev, fixes)
        rows.append({
            "document_id": document_id, "seq": n, "uid": uid, "document_version": version, **event_columns(final),
            "evidence": ev["evidence"], "evidence_start": ev["evidence_span"][0],
            "evidence_end": ev["evidence_span"][1], "rule_id": ev["rule_id"], "record": final,
            "rules_version": versions["rules"], "gazetteer_version": versions["gazetteer"],
            "cluster": ev.get("cluster"), "review_status": status, "reviewed": reviewed,
            "machine": ev if reviewed else None,
        })  # fmt: skip
    return rows


def claim_rows(document_id: str, ctl: Sequence[dict[str, Any]], fixes: Fixes) -> list[dict[str, Any]]:
    """The ``control`` rows of a document's control claims, corrections applied."""
    keys = [(c["place_ar"], *c["evidence_span"]) for c in ctl]
    rows = []
    for n, (c, uid) in enumerate(zip(ctl, control_uids(document_id, keys), strict=True)):
        final, status, reviewed = _corrected("control", uid, c, fixes)
        rows.append({
            "document_id": document_id, "seq": n, "uid": uid, **control_columns(final), "evidence": c["evidence"],
            "record": final, "review_status": status, "reviewed": reviewed, "machine": c if reviewed else None,
        })  # fmt: skip
    return rows


def _existing(conn: Connection, column: Any, ids: Iterable[str]) -> set[str]:
    ids = list(dict.fromkeys(ids))
    out: set[str] = set()
    for start in range(0, len(ids), CHUNK):
        out.update(conn.execute(select(column).where(column.in_(ids[start : start + CHUNK]))).scalars())
    return out


def stored_ids(conn: Connection, ids: Iterable[str]) -> set[str]:
    """Which of these document ids are stored."""
    return _existing(conn, documents.c.id, ids)


def _columns(table: Table) -> tuple[str, ...]:
    return tuple(c.name for c in table.c if c.name != "pk")  # pk: numbered by the database, in row order


DOCUMENT_COLUMNS = _columns(documents)
VERSION_COLUMNS = _columns(document_versions)
EVENT_COLUMNS = _columns(events)
CONTROL_COLUMNS = _columns(control)
#: Columns holding JSON: in a ``Prepared`` row they are already text (``json_text``).
JSON_COLUMNS = frozenset(c.name for t in (events, control) for c in t.c if isinstance(c.type, JSON))
_RECORD = (EVENT_COLUMNS.index("record"), CONTROL_COLUMNS.index("record"))


@dataclass(frozen=True)
class Prepared:
    """A document's rows as its first store writes them (version 1, no corrections), made by
    ``prepare`` where it was extracted. Tuples in the order of ``*_COLUMNS`` but ``stored_at`` (the
    writer's clock adds it); JSON columns as text. No ``Document``: ``raqib batch`` sends these from
    the workers to the client, and the rows hold everything of it the store keeps (unpickling the
    frozen ``Document`` was a third of the client's time to receive a partition)."""

    versions: dict[str, str]
    """Rule set and gazetteer versions the document was extracted with."""
    warnings: tuple[str, ...]
    """The record's warnings."""
    document: tuple[Any, ...]
    """The ``documents`` row."""
    version: tuple[Any, ...]
    """The ``document_versions`` row."""
    events: tuple[tuple[Any, ...], ...]
    """The ``events`` rows."""
    control: tuple[tuple[Any, ...], ...]
    """The ``control`` rows."""
    origin: str | None = None
    """Where the document was read from (``Document.origin``), for error messages."""

    @property
    def id(self) -> str:
        """The document's id."""
        return str(self.document[0])

    @property
    def doc(self) -> Document:
        """The document as ``Store._write`` takes it (when the id is stored already): its stored fields
        (its reading warnings are in ``warnings``, with the rest of the record's)."""
        row = dict(zip(DOCUMENT_COLUMNS, self.document, strict=False))
        day = dt.date.fromisoformat(row["published"]) if row["published"] else None
        return Document(id=row["id"], text=row["text"], url=row["url"], outlet=row["outlet"], published=day,
                        title=row["title"], origin=self.origin)  # fmt: skip

    def record(self) -> dict[str, Any]:
        """The parts of the output record ``Store._write`` reads (events, control, warnings)."""
        ev, ctl = _RECORD
        return {"events": [json.loads(r[ev]) for r in self.events],
                "control": [json.loads(r[ctl]) for r in self.control], "warnings": list(self.warnings)}  # fmt: skip


def prepare(doc: Document, record: dict[str, Any], versions: dict[str, str]) -> Prepared:
    """The rows of ``doc`` and its output record ``record`` for ``insert_fresh``: those of
    ``document_values``, ``version_row``, ``event_rows`` and ``claim_rows`` (version 1, no corrections)
    as ``_Encoder`` turns them into tuples, but written as tuples straight away (building the dicts and
    reading them back was half of ``prepare``'s time; tests/test_store_bulk.py checks they are equal)."""
    digest = sha256(doc)
    doc_id = doc.id
    published = doc.published.isoformat() if doc.published else None
    warnings = record.get("warnings") or []
    rules, gazetteer = versions["rules"], versions["gazetteer"]
    document = (doc_id, doc.url, doc.outlet, published, doc.title, doc.text, digest,
                "warning" if warnings else "ok", "; ".join(warnings) or None, rules, gazetteer, 1)  # fmt: skip
    evs, ctl = record["events"], record["control"]
    event_rows = []
    for n, (ev, uid) in enumerate(zip(evs, event_uids(doc_id, [e["evidence_span"] for e in evs]), strict=True)):
        loc = ev.get("location") or _NONE
        date = ev.get("date") or _NONE
        start, end = ev["evidence_span"]
        event_rows.append((
            doc_id, n, ev["kind"], ev["actor1"], ev.get("actor2"), loc.get("name_ar"), loc.get("lat"), loc.get("lon"),
            loc.get("gazetteer_id"), date.get("from"), date.get("to") or date.get("from"), ev.get("certainty"),
            ev["evidence"], start, end, ev["rule_id"], json_text(ev), uid, 1, loc.get("pcode"), loc.get("country"),
            loc.get("precision"), rules, gazetteer, ev.get("cluster"), "ok", False, None,
        ))  # fmt: skip
    claim_rows = []
    keys = [(c["place_ar"], *c["evidence_span"]) for c in ctl]
    for n, (c, uid) in enumerate(zip(ctl, control_uids(doc_id, keys), strict=True)):
        claim_rows.append((doc_id, n, c["place_ar"], c["controller"], c["status"], c.get("as_of"), c.get("lat"),
                           c.get("lon"), c.get("gazetteer_id"), c["evidence"], json_text(c), uid, "ok", False, None))  # fmt: skip
    return Prepared(
        versions, tuple(warnings), document, (doc_id, 1, doc.url, published, doc.title, doc.text, digest),
        tuple(event_rows), tuple(claim_rows), doc.origin,
    )


def _insert(conn: Connection, table: Table, columns: Sequence[str]) -> str:
    """The DB-API INSERT of ``columns`` into ``table``, in the driver's placeholder style."""
    style = conn.dialect.paramstyle
    if style not in ("qmark", "format", "pyformat"):
        raise StoreError(f"the database driver's parameter style {style!r} is not supported; use SQLite or psycopg")
    quote = conn.dialect.identifier_preparer.quote  # "precision" is a keyword in PostgreSQL
    mark = "?" if style == "qmark" else "%s"
    return (f"INSERT INTO {quote(table.name)} ({', '.join(quote(c) for c in columns)}) "
            f"VALUES ({', '.join([mark] * len(columns))})")  # fmt: skip


def insert_fresh(conn: Connection, items: Sequence[Prepared], now: str, today: str) -> None:
    """Store documents whose ids are not stored yet (and each at most once in ``items``): version 1,
    no corrections to apply (``Store._write`` applies none to a new id either), a first-stored day
    unless one is kept from before. One executemany per table, in ``items`` order, so the events get
    the same pks as when the documents are stored one by one."""
    known = _existing(conn, first_stored.c.document_id, (p.id for p in items))
    for table, columns, rows in (
        (documents, DOCUMENT_COLUMNS, [(*p.document, now) for p in items]),
        (document_versions, VERSION_COLUMNS, [(*p.version, now) for p in items]),
        (first_stored, ("document_id", "day"), [(p.id, today) for p in items if p.id not in known]),
        (events, EVENT_COLUMNS, [r for p in items for r in p.events]),
        (control, CONTROL_COLUMNS, [r for p in items for r in p.control]),
    ):  # fmt: skip
        if not rows:
            continue
        if table is events and conn.dialect.name == "sqlite":
            _insert_events_sqlite(conn, rows)
        else:
            conn.exec_driver_sql(_insert(conn, table, columns), rows)


#: The R*Tree box of an event row ``new`` and the trigger of migration 0004 that inserts it, as that
#: migration wrote them (``_insert_events_sqlite`` uses them only when the stored trigger is this one).
_RTREE_BOX = (
    "COALESCE(new.lon, -180), COALESCE(new.lon, 180), COALESCE(new.lat, -90), COALESCE(new.lat, 90), "
    "COALESCE(julianday(new.date_from), 0), COALESCE(julianday(COALESCE(new.date_to, new.date_from)), 0)"
)
_RTREE_TRIGGER = ("CREATE TRIGGER events_rtree_insert AFTER INSERT ON events BEGIN "
                  f"INSERT INTO events_rtree VALUES (new.pk, {_RTREE_BOX}); END")  # fmt: skip
_RTREE_STATE = ("SELECT (SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = 'events_rtree_insert'), "
                "(SELECT COALESCE(MAX(pk), 0) FROM events)")  # fmt: skip
_RTREE_FILL = f"INSERT INTO events_rtree SELECT new.pk, {_RTREE_BOX} FROM events AS new WHERE new.pk > ?"


def _insert_events_sqlite(conn: Connection, rows: Sequence[tuple[Any, ...]]) -> None:
    """The events rows, and their R*Tree rows with one INSERT ... SELECT instead of the row trigger.

    Inserting a row into the R*Tree from the trigger costs about four times what the same insert costs
    as part of one statement over all the new events (SQLite 3.40, a store of 50,000 events: 73 against
    16 µs a row; the trigger's R*Tree writes were 70 % of a batch's write CPU). So the trigger is
    dropped, the events inserted, their R*Tree rows made by the trigger's own expression, and the
    trigger created again, all in the caller's transaction: SQLite's DDL is transactional, so every
    committed state, and the state after a crash or a rollback, has the trigger, and other connections
    cannot write in between (the transaction holds the write lock)."""
    trigger, last = conn.exec_driver_sql(_RTREE_STATE).one()
    # Outside a transaction (never here: the documents' INSERT began one) the DROP would commit alone.
    if trigger != _RTREE_TRIGGER or not getattr(conn.connection.driver_connection, "in_transaction", False):
        conn.exec_driver_sql(_insert(conn, events, EVENT_COLUMNS), rows)  # another trigger: let it work
        return
    conn.exec_driver_sql("DROP TRIGGER events_rtree_insert")
    conn.exec_driver_sql(_insert(conn, events, EVENT_COLUMNS), rows)
    # rowids of an INTEGER PRIMARY KEY table without AUTOINCREMENT: the new rows are those past the old maximum
    conn.exec_driver_sql(_RTREE_FILL, (last,))
    conn.exec_driver_sql(_RTREE_TRIGGER)


def set_clusters(conn: Connection, clusters: dict[str, str | None]) -> int:
    """Write cluster ids (event uid -> cluster, None to remove it) into the events' ``cluster`` column
    and their records; how many rows were written."""
    if conn.dialect.name == "sqlite":
        return _set_clusters_sqlite(conn, clusters)
    uids = list(clusters)
    change = (
        update(events)
        .where(events.c.pk == bindparam("b_pk"))
        .values(cluster=bindparam("b_cluster", type_=events.c.cluster.type),
                record=bindparam("b_record", type_=events.c.record.type))
    )  # fmt: skip
    n = 0
    for start in range(0, len(uids), CHUNK):
        rows = conn.execute(
            select(events.c.pk, events.c.uid, events.c.record).where(events.c.uid.in_(uids[start : start + CHUNK]))
        ).all()
        params = []
        for pk, uid, rec in rows:
            rec = dict(json.loads(rec) if isinstance(rec, str) else rec)
            cluster = clusters[uid]
            if cluster is None:
                rec.pop("cluster", None)
            else:
                rec["cluster"] = cluster
            params.append({"b_pk": pk, "b_cluster": cluster, "b_record": rec})
        if params:
            conn.execute(change, params)
            n += len(params)
    return n


def _set_clusters_sqlite(conn: Connection, clusters: dict[str, str | None]) -> int:
    """``set_clusters`` with SQLite's JSON functions: the record is changed where it is stored, not
    read, decoded, encoded and written back. ``json_set`` replaces the key where it is or appends it,
    ``json_remove`` drops it, as ``dict`` assignment and ``pop`` do, and both keep the rest of the text
    as it was (orjson's compact JSON): the same text as the decode-and-encode path."""
    change = ("UPDATE events SET cluster = ?1, record = CASE WHEN ?1 IS NULL THEN json_remove(record, '$.cluster') "
              "ELSE json_set(record, '$.cluster', ?1) END WHERE uid = ?2")  # fmt: skip
    rows = [(cluster, uid) for uid, cluster in clusters.items()]
    n = 0
    for start in range(0, len(rows), 50 * CHUNK):  # a cursor's row count per statement
        n += conn.exec_driver_sql(change, rows[start : start + 50 * CHUNK]).rowcount
    return n
