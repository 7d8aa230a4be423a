"""Storage of documents, events, control claims and analyst corrections (SQLAlchemy 2).

SQLite by default (one file, no server; an R*Tree indexes event positions), PostgreSQL + PostGIS
for a shared server (a generated point column with a GiST index), chosen by the URL. Alembic
migrations (``raqib/store/migrations``) create the schema and bring older stores up to date when
they are opened. Each document is written in one transaction; re-storing an unchanged document
with the same rule set and gazetteer is a no-op; a revised text under a known id becomes a new
version (the old text is kept in ``document_versions``). Analyst corrections are re-applied every
time a document is (re-)extracted. ``Store.save_many`` stores a batch in one transaction, the
documents not stored yet with one statement per table (``raqib.store.bulk``).
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, delete, event, func, inspect, or_, select, text, update
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import SQLAlchemyError

from raqib.errors import StoreError
from raqib.model import Document
from raqib.store import bulk
from raqib.store.bulk import corrected as corrected  # re-exported: raqib.review applies corrections too
from raqib.store.bulk import json_text as json_text  # re-exported: the engine's JSON serializer
from raqib.store.tables import (
    baseline_control,
    batch_partitions,
    control,
    document_versions,
    documents,
    events,
    events_rtree,
    first_stored,
    input_problems,
)
from raqib.store.tables import (
    corrections as corrections_table,
)

__all__ = [
    "DEFAULT_DB", "SCHEMA_VERSION", "EventFilter", "Store", "baseline_rows", "batch_partitions", "control_rows",
    "iter_events", "open_store", "query_events", "replace_baseline", "resolve_url",
]  # fmt: skip

DEFAULT_DB = "sqlite:///raqib.db"
SCHEMA_VERSION = 5
HEAD = "0005"
"""The newest migration; ``tests/test_store.py`` checks it is the head of the migration scripts."""
MIGRATIONS = Path(__file__).parent / "migrations"


def resolve_url(url: str | None) -> str:
    """The database URL: the option, else ``RAQIB_DB``, else ``sqlite:///raqib.db``."""
    return url or os.environ.get("RAQIB_DB") or DEFAULT_DB


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def _today() -> str:
    return dt.datetime.now(dt.UTC).date().isoformat()


def _json(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str) else value


@dataclass(frozen=True)
class EventFilter:
    """Which stored events a query returns; every field narrows it (empty means any)."""

    date_from: str | None = None
    """First day (ISO): events whose [date_from, date_to] overlaps the window. Undated events never match."""
    date_to: str | None = None
    """Last day (ISO), inclusive."""
    bbox: tuple[float, float, float, float] | None = None
    """(min_lon, min_lat, max_lon, max_lat); events without a position never match."""
    actors: tuple[str, ...] = ()
    """Actor ids, matching actor1 or actor2."""
    kinds: tuple[str, ...] = ()
    """Event kinds."""
    certainty: tuple[str, ...] = ()
    """reported / claimed / speculative."""
    document_id: str | None = None
    """Only this document's events."""
    include_rejected: bool = False
    """Also the events an analyst rejected."""


def _replay(conn: Connection, document_id: str) -> dict[tuple[str, str], list[tuple[str, Any]]]:
    """The analyst corrections of a document, by (target, uid), oldest first."""
    out: dict[tuple[str, str], list[tuple[str, Any]]] = {}
    rows = conn.execute(
        select(corrections_table.c.target, corrections_table.c.uid, corrections_table.c.field, corrections_table.c.value)
        .where(corrections_table.c.document_id == document_id)
        .order_by(corrections_table.c.pk)
    )  # fmt: skip
    for target, uid, field, value in rows:
        out.setdefault((target, uid), []).append((field, value))
    return out


def problem_row(origin: str, reason: str, document_id: str | None = None, level: str = "error") -> dict[str, Any]:
    """The ``input_problems`` row of input that never became a document (or a warning about one)."""
    return {"origin": origin, "document_id": document_id, "level": level, "reason": reason, "at": _now()}


@dataclass
class Store:
    """An open database."""

    engine: Engine
    """The SQLAlchemy engine."""

    @property
    def dialect(self) -> str:
        """``sqlite`` or ``postgresql``."""
        return self.engine.dialect.name

    def save(self, doc: Document, record: dict[str, Any], versions: dict[str, str], *, force: bool = False) -> bool:
        """Store a document and its extraction in one transaction. False when nothing changed
        (same text, metadata, rule set and gazetteer), unless ``force`` (re-extraction by hand)."""
        try:
            with self.engine.begin() as conn:
                return self._write(conn, doc, record, versions, force)
        except SQLAlchemyError as exc:
            raise StoreError(f"cannot store document {doc.id!r}: {exc.__class__.__name__}: {exc}") from exc

    def save_many(self, items: Iterable[tuple[Document, dict[str, Any]]], versions: dict[str, str], *,
                  force: bool = False) -> int:  # fmt: skip
        """Store several documents in one transaction (all or none); how many changed. See
        ``save_prepared``."""
        return self.save_prepared([bulk.prepare(doc, record, versions) for doc, record in items], force=force)

    def save_prepared(self, items: Sequence[bulk.Prepared], *, force: bool = False,
                      then: Callable[[Connection], None] | None = None) -> int:  # fmt: skip
        """Store documents prepared by ``bulk.prepare`` in one transaction (all or none); how many changed.

        Documents not stored yet are written together (``bulk.insert_fresh``); a stored one, or an id
        met before in ``items``, one by one as ``save`` writes it. Each run of new documents is written
        before the next stored one, so the rows are those of ``save`` called on ``items`` in order.
        ``then(conn)`` writes more in the same transaction (``raqib batch``: the partition's record)."""
        if not items and then is None:
            return 0
        try:
            with self.engine.begin() as conn:
                stored = bulk.stored_ids(conn, (p.id for p in items))
                changed, seen = 0, set()
                fresh: list[bulk.Prepared] = []
                for p in items:
                    if p.id not in stored and p.id not in seen:
                        fresh.append(p)
                        seen.add(p.id)
                        continue
                    if fresh:
                        bulk.insert_fresh(conn, fresh, _now(), _today())
                        changed, fresh = changed + len(fresh), []
                    changed += self._write(conn, p.doc, p.record(), p.versions, force)
                if fresh:
                    bulk.insert_fresh(conn, fresh, _now(), _today())
                    changed += len(fresh)
                if then is not None:
                    then(conn)
                return changed
        except SQLAlchemyError as exc:
            which = (items[0].id if len(items) == 1 else f"{len(items)} documents from {items[0].id!r}"
                     if items else "nothing")  # fmt: skip
            raise StoreError(f"cannot store document {which!r}: {exc.__class__.__name__}: {exc}") from exc

    def _write(self, conn: Connection, doc: Document, record: dict[str, Any], versions: dict[str, str],
               force: bool = False) -> bool:  # fmt: skip
        digest = bulk.sha256(doc)
        published = doc.published.isoformat() if doc.published else None
        now = _now()
        row = conn.execute(
            select(documents.c.text_sha256, documents.c.rules_version, documents.c.gazetteer_version,
                   documents.c.version, documents.c.published, documents.c.url, documents.c.title, documents.c.outlet)
            .where(documents.c.id == doc.id)
        ).first()  # fmt: skip
        if not force and row is not None and (row.text_sha256, row.rules_version, row.gazetteer_version) == (
            digest, versions["rules"], versions["gazetteer"]
        ) and (row.published, row.url, row.title, row.outlet) == (published, doc.url, doc.title, doc.outlet):
            return False
        values = bulk.document_values(doc, record, versions, digest, now)
        if row is None:
            version = 1
            conn.execute(documents.insert().values(id=doc.id, version=version, **values))
        else:
            version = row.version + (row.text_sha256 != digest)
            conn.execute(delete(events).where(events.c.document_id == doc.id))
            conn.execute(delete(control).where(control.c.document_id == doc.id))
            conn.execute(update(documents).where(documents.c.id == doc.id).values(version=version, **values))
        if row is None or row.text_sha256 != digest:
            conn.execute(document_versions.insert().values(**bulk.version_row(doc, version, digest, now)))
        _note_first_stored(conn, doc.id)
        fixes = _replay(conn, doc.id) if row is not None else {}
        rows = bulk.event_rows(doc.id, version, record["events"], versions, fixes)
        if rows:
            conn.execute(events.insert(), rows)
        rows = bulk.claim_rows(doc.id, record["control"], fixes)
        if rows:
            conn.execute(control.insert(), rows)
        return True

    def note_problem(self, origin: str, reason: str, document_id: str | None = None, level: str = "error") -> None:
        """Record input that never became a document (or a warning about one), and why."""
        try:
            with self.engine.begin() as conn:
                conn.execute(input_problems.insert().values(**problem_row(origin, reason, document_id, level)))
        except SQLAlchemyError as exc:
            raise StoreError(f"cannot record a problem with {origin!r}: {exc.__class__.__name__}: {exc}") from exc

    def problems(self) -> list[dict[str, Any]]:
        """Every recorded input problem, oldest first."""
        with self.engine.connect() as conn:
            return [dict(r) for r in conn.execute(select(input_problems).order_by(input_problems.c.pk)).mappings()]

    def document(self, document_id: str) -> dict[str, Any] | None:
        """A stored document (its current text) with the list of its versions; None if unknown."""
        with self.engine.connect() as conn:
            row = conn.execute(select(documents).where(documents.c.id == document_id)).mappings().first()
            if row is None:
                return None
            vers = conn.execute(
                select(document_versions.c.version, document_versions.c.text_sha256, document_versions.c.stored_at)
                .where(document_versions.c.document_id == document_id).order_by(document_versions.c.version)
            ).mappings().all()  # fmt: skip
        return {**row, "versions": [dict(v) for v in vers]}

    def document_version(self, document_id: str, version: int) -> dict[str, Any] | None:
        """One stored version of a document (text and metadata as stored then)."""
        with self.engine.connect() as conn:
            row = conn.execute(select(document_versions).where(
                document_versions.c.document_id == document_id, document_versions.c.version == version
            )).mappings().first()  # fmt: skip
        return dict(row) if row else None

    def stored_documents(self, stale_for: dict[str, str] | None = None) -> Iterator[Document]:
        """The stored documents (current versions), in id order; with ``stale_for`` (versions), only
        those extracted by another rule set or gazetteer."""
        q = select(documents.c.id, documents.c.text, documents.c.url, documents.c.outlet, documents.c.published,
                   documents.c.title).order_by(documents.c.id)  # fmt: skip
        if stale_for is not None:
            q = q.where(or_(
                documents.c.rules_version.is_distinct_from(stale_for["rules"]),
                documents.c.gazetteer_version.is_distinct_from(stale_for["gazetteer"]),
            ))  # fmt: skip
        with self.engine.connect() as conn:
            ids = [r.id for r in conn.execute(q.with_only_columns(documents.c.id))]
        for start in range(0, len(ids), 500):
            with self.engine.connect() as conn:
                rows = conn.execute(q.where(documents.c.id.in_(ids[start : start + 500]))).all()
            for r in rows:
                day = dt.date.fromisoformat(r.published) if r.published else None
                yield Document(id=r.id, text=r.text, url=r.url, outlet=r.outlet, published=day, title=r.title,
                               origin=f"stored document {r.id}")  # fmt: skip

    def set_clusters(self, clusters: dict[str, str | None]) -> int:
        """Write cross-report cluster ids (event uid -> cluster) into the events and their records;
        how many rows were written."""
        try:
            with self.engine.begin() as conn:
                return bulk.set_clusters(conn, clusters)
        except SQLAlchemyError as exc:
            raise StoreError(f"cannot write cluster ids: {exc.__class__.__name__}: {exc}") from exc

    def records(self) -> Iterator[dict[str, Any]]:
        """Every stored document as an output record (corrections applied, rejected rows left out),
        in id order."""
        with self.engine.connect() as conn:
            docs = conn.execute(select(documents).order_by(documents.c.id)).mappings().all()
            for d in docs:
                evs = conn.execute(
                    select(events.c.record).where(events.c.document_id == d["id"], events.c.review_status == "ok")
                    .order_by(events.c.seq)
                ).scalars().all()  # fmt: skip
                ctl = conn.execute(
                    select(control.c.record).where(control.c.document_id == d["id"], control.c.review_status == "ok")
                    .order_by(control.c.seq)
                ).scalars().all()  # fmt: skip
                yield {
                    "id": d["id"],
                    "schema_version": "1.0",
                    "url": d["url"],
                    "outlet": d["outlet"],
                    "published": d["published"],
                    "events": [dict(_json(e)) for e in evs],
                    "control": [dict(_json(c)) for c in ctl],
                    "warnings": d["reason"].split("; ") if d["status"] == "warning" and d["reason"] else [],
                }

    def counts(self) -> dict[str, int]:
        """Rows per table."""
        with self.engine.connect() as conn:
            return {t.name: conn.execute(select(func.count()).select_from(t)).scalar_one()
                    for t in (documents, events, control)}  # fmt: skip


# --------------------------------------------------------------------------------------------
# Opening: engine settings and migrations


#: Page size of a new SQLite store, in bytes (set by ``_sqlite_pragmas``, whose statement is a literal).
PAGE_SIZE = 16384


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA busy_timeout = 30000")  # a second writer waits instead of failing at once
    # Pages of 16 KiB, not 4: a new store's inserts cost about 30 % less CPU (fewer B-tree pages to
    # split and write; 30,000 documents in partitions of 1,000: 0.40 -> 0.28 ms a document) and its
    # file is 16 % smaller. Only a database without tables takes it (before WAL fixes the page size);
    # an existing store keeps its own.
    cur.execute("PRAGMA page_size = 16384")  # PAGE_SIZE
    cur.execute("PRAGMA journal_mode = WAL")  # readers (the API, the map) go on while a writer writes
    cur.execute("PRAGMA synchronous = NORMAL")
    cur.close()


#: Settings of a store that writes many documents (``open_store(bulk=True)``: ``raqib batch``). Neither
#: weakens crash safety (WAL, ``synchronous = NORMAL`` as above); 20,000 documents of the benchmark
#: corpus cost 0.57 client CPU ms each to write without them and 0.43 with them.
BULK_PRAGMAS = (
    # 64 MiB of page cache (the default is 2 MiB): the indexes' pages stay in memory between partitions
    "PRAGMA cache_size = -65536",
    # fold the WAL into the database every 64 MiB, not every 4 MiB: pages written by many partitions
    # (index and R*Tree pages) are copied once per checkpoint, not once per partition
    "PRAGMA wal_autocheckpoint = 16384",
)


def _sqlite_bulk_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    for pragma in BULK_PRAGMAS:
        cur.execute(pragma)
    cur.close()


def _alembic_config(conn: Connection) -> Any:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["connection"] = conn
    return cfg


def own_tables(conn: Connection) -> set[str]:
    """The tables of the schema raqib writes to. On PostgreSQL that is the first schema of the
    search_path only: SQLAlchemy lists every table visible through it (``public`` too), and a store
    in a schema of its own next to one in ``public`` must not take the other's tables for its own."""
    schema = conn.execute(text("SELECT current_schema()")).scalar() if conn.dialect.name == "postgresql" else None
    return set(inspect(conn).get_table_names(schema=schema))


def migrate(engine: Engine) -> str:
    """Bring the schema to ``HEAD`` (creating it in an empty database); the revision it was at."""
    from alembic import command

    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":  # one migrator at a time when several processes open the store
            conn.execute(text("SELECT pg_advisory_xact_lock(72720260)"))
        tables = own_tables(conn)
        current = None
        if "alembic_version" in tables:
            current = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
        if current == HEAD:
            return current
        if current is not None and not any((MIGRATIONS / "versions").glob(f"{current}_*.py")):
            raise StoreError(f"the database's schema revision {current!r} is newer than this raqib ({HEAD}); upgrade raqib")
        cfg = _alembic_config(conn)
        if current is None and "raqib_meta" in tables:  # made by raqib 0.1 before Alembic: schema 1
            command.stamp(cfg, "0001")
        command.upgrade(cfg, "head")
        return current or "empty"


def open_store(url: str | None = None, *, bulk: bool = False) -> Store:
    """Open the database at ``url`` (see ``resolve_url``), creating or migrating its schema; ``bulk``:
    for writing many documents (SQLite: ``BULK_PRAGMAS``; the default suits readers and small writes)."""
    url = resolve_url(url)
    try:
        engine = create_engine(url, json_serializer=json_text)
        if engine.dialect.name == "sqlite":
            event.listen(engine, "connect", _sqlite_pragmas)
            if bulk:
                event.listen(engine, "connect", _sqlite_bulk_pragmas)
        migrate(engine)
    except SQLAlchemyError as exc:
        raise StoreError(f"cannot open database {url!r}: {exc.__class__.__name__}: {exc}") from exc
    except ModuleNotFoundError as exc:
        raise StoreError(f"cannot open database {url!r}: the driver {exc.name!r} is not installed") from exc
    return Store(engine)


# --------------------------------------------------------------------------------------------
# Event queries: the filter the CLI, the exports and the API share


_EVENT_COLUMNS = (
    "pk", "uid", "document_id", "document_version", "seq", "kind", "actor1", "actor2", "place_ar", "lat", "lon",
    "gazetteer_id", "pcode", "country", "precision", "date_from", "date_to", "certainty", "evidence",
    "evidence_start", "evidence_end", "rule_id", "rules_version", "gazetteer_version", "cluster", "review_status",
    "reviewed", "record",
)  # fmt: skip


def _julian(day: str) -> float:
    """SQLite's ``julianday`` of an ISO day."""
    try:
        return dt.date.fromisoformat(day).toordinal() + 1721424.5
    except ValueError:
        raise StoreError(f"{day!r} is not a day (YYYY-MM-DD)") from None


def _event_conditions(store: Store, flt: EventFilter) -> list[Any]:
    conds: list[Any] = []
    if flt.date_from:
        conds.append(events.c.date_to >= flt.date_from)
    if flt.date_to:
        conds.append(events.c.date_from <= flt.date_to)
    if flt.bbox is not None:
        x0, y0, x1, y1 = (float(v) for v in flt.bbox)
        conds += [events.c.lon.between(x0, x1), events.c.lat.between(y0, y1)]
        if store.dialect == "postgresql":  # the GiST index on (geom, date_from, date_to) serves both
            conds.append(text("events.geom && ST_MakeEnvelope(:x0, :y0, :x1, :y1, 4326)").bindparams(
                x0=x0, y0=y0, x1=x1, y1=y1))  # fmt: skip
    if store.dialect == "sqlite" and (flt.bbox is not None or flt.date_from or flt.date_to):
        # The R*Tree narrows by box and window at once; the exact tests above then hold for its rows.
        r = events_rtree.c
        box = []
        if flt.bbox is not None:
            x0, y0, x1, y1 = (float(v) for v in flt.bbox)
            box += [r.min_lon >= x0, r.max_lon <= x1, r.min_lat >= y0, r.max_lat <= y1]
        if flt.date_from:
            box.append(r.max_day >= _julian(flt.date_from))
        if flt.date_to:
            box.append(r.min_day <= _julian(flt.date_to))
        conds.append(events.c.pk.in_(select(r.id).where(*box)))
    if flt.actors:
        conds.append(or_(events.c.actor1.in_(flt.actors), events.c.actor2.in_(flt.actors)))
    if flt.kinds:
        conds.append(events.c.kind.in_(flt.kinds))
    if flt.certainty:
        conds.append(events.c.certainty.in_(flt.certainty))
    if flt.document_id is not None:
        conds.append(events.c.document_id == flt.document_id)
    if not flt.include_rejected:
        conds.append(events.c.review_status == "ok")
    return conds


def _event_page(store: Store, flt: EventFilter, after: int | None, limit: int) -> Any:
    """The page of events first (the indexes pick them), then their documents' fields for those
    rows only: joining the documents before the limit would make the database read them all."""
    conds = _event_conditions(store, flt)
    if after is not None:
        conds.append(events.c.pk > after)
    page = (
        select(*(events.c[name] for name in _EVENT_COLUMNS)).where(*conds).order_by(events.c.pk).limit(limit)
    ).subquery("page")
    return (
        select(*(page.c[name] for name in _EVENT_COLUMNS if name != "review_status"),
               page.c.review_status.label("status"), documents.c.url, documents.c.outlet, documents.c.published,
               documents.c.title, documents.c.stored_at)
        .join_from(page, documents, documents.c.id == page.c.document_id)
        .order_by(page.c.pk)
    )  # fmt: skip


def _event_row(r: Any) -> dict[str, Any]:
    row = dict(r)
    row["record"] = dict(_json(row["record"]))
    row["reviewed"] = bool(row["reviewed"])
    return row


def query_events(store: Store, flt: EventFilter = EventFilter(), *, after: int | None = None,
                 limit: int = 100) -> list[dict[str, Any]]:  # fmt: skip
    """One page of matching events in ``pk`` order: those after ``after`` (the last pk of the
    previous page), at most ``limit``."""
    q = _event_page(store, flt, after, limit)
    try:
        with store.engine.connect() as conn:
            return [_event_row(r) for r in conn.execute(q).mappings()]
    except SQLAlchemyError as exc:
        raise StoreError(f"cannot read events: {exc.__class__.__name__}: {exc}") from exc


def iter_events(store: Store, flt: EventFilter = EventFilter(), *, page: int = 1000) -> Iterator[dict[str, Any]]:
    """Every matching event in ``pk`` order, read a page at a time."""
    after = None
    while True:
        rows = query_events(store, flt, after=after, limit=page)
        yield from rows
        if len(rows) < page:
            return
        after = rows[-1]["pk"]


def count_events(store: Store, flt: EventFilter = EventFilter()) -> int:
    """How many events match."""
    q = select(func.count()).select_from(events).where(*_event_conditions(store, flt))
    with store.engine.connect() as conn:
        return int(conn.execute(q).scalar_one())


# --------------------------------------------------------------------------------------------
# Control timeline: the rows ``raqib.timeline`` reads, and the map baseline ``raqib.baseline`` writes


def _note_first_stored(conn: Any, document_id: str) -> None:
    """Remember the day a document was first stored (a re-store keeps the first day)."""
    known = conn.execute(select(first_stored.c.day).where(first_stored.c.document_id == document_id)).first()
    if known is None:
        conn.execute(first_stored.insert().values(document_id=document_id, day=_today()))


def control_rows(store: Store) -> list[dict[str, Any]]:
    """Every stored control row an analyst has not rejected (corrections applied), with its
    document's ``published``, ``outlet``, ``url`` and ``first_stored`` day, in (document id, seq) order.

    Documents stored before the first-stored day was kept get today's day, once: it is the
    latest day they can have been stored on, and later reads see the same day.
    """
    try:
        with store.engine.begin() as conn:
            missing = conn.execute(
                select(documents.c.id).where(documents.c.id.not_in(select(first_stored.c.document_id)))
            ).scalars().all()
            for doc_id in missing:
                conn.execute(first_stored.insert().values(document_id=doc_id, day=_today()))
            rows = conn.execute(
                select(
                    control.c.document_id, control.c.seq, control.c.uid, control.c.place_ar, control.c.controller,
                    control.c.status, control.c.as_of, control.c.lat, control.c.lon, control.c.gazetteer_id,
                    control.c.evidence, control.c.record, documents.c.published, documents.c.outlet,
                    documents.c.url, first_stored.c.day.label("first_stored"),
                )
                .join(documents, documents.c.id == control.c.document_id)
                .join(first_stored, first_stored.c.document_id == control.c.document_id, isouter=True)
                .where(control.c.review_status == "ok")
                .order_by(control.c.document_id, control.c.seq)
            ).mappings().all()  # fmt: skip
    except SQLAlchemyError as exc:
        raise StoreError(f"cannot read control rows: {exc.__class__.__name__}: {exc}") from exc
    return [{**r, "record": dict(_json(r["record"]))} for r in rows]


def replace_baseline(store: Store, source: str, rows: list[dict[str, Any]]) -> int:
    """Replace the baseline rows of ``source`` (a file name) with ``rows`` in one transaction;
    returns how many were written. Keys of a row: the columns of ``baseline_control`` but ``pk``
    and ``source``."""
    values = [{**r, "source": source} for r in rows]
    try:
        with store.engine.begin() as conn:
            conn.execute(delete(baseline_control).where(baseline_control.c.source == source))
            if values:
                conn.execute(baseline_control.insert(), values)
    except SQLAlchemyError as exc:
        raise StoreError(f"cannot store the baseline {source!r}: {exc.__class__.__name__}: {exc}") from exc
    return len(values)


def baseline_rows(store: Store) -> list[dict[str, Any]]:
    """Every baseline row, in (source, seq) order."""
    try:
        with store.engine.connect() as conn:
            rows = conn.execute(
                select(baseline_control).order_by(baseline_control.c.source, baseline_control.c.seq,
                                                  baseline_control.c.pk)
            ).mappings().all()  # fmt: skip
    except SQLAlchemyError as exc:
        raise StoreError(f"cannot read the baseline: {exc.__class__.__name__}: {exc}") from exc
    return [dict(r) for r in rows]
