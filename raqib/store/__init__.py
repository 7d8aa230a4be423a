"""Storage of documents, events and control claims (SQLAlchemy 2).

SQLite by default (one file, no server); any SQLAlchemy URL works, PostgreSQL for a shared
server. The schema carries a version in ``raqib_meta``; later versions migrate it in place
(``migrate``), never drop it. Each document is written in one transaction, and re-storing an
unchanged document (same id, same text) is a no-op.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    JSON,
    Column,
    Float,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    create_engine,
    delete,
    func,
    select,
)
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from raqib.errors import StoreError
from raqib.model import Document

DEFAULT_DB = "sqlite:///raqib.db"
SCHEMA_VERSION = 1

metadata = MetaData()

meta = Table("raqib_meta", metadata, Column("key", String(64), primary_key=True), Column("value", Text))

documents = Table(
    "documents",
    metadata,
    Column("id", String(200), primary_key=True),
    Column("url", Text),
    Column("outlet", Text),
    Column("published", String(10)),
    Column("title", Text),
    Column("text", Text, nullable=False),
    Column("text_sha256", String(64), nullable=False),
    Column("status", String(20), nullable=False, default="ok"),
    Column("reason", Text),
    Column("rules_version", String(32)),
    Column("gazetteer_version", String(32)),
)

events = Table(
    "events",
    metadata,
    Column("pk", Integer, primary_key=True, autoincrement=True),
    Column("document_id", String(200), ForeignKey("documents.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("seq", Integer, nullable=False),
    Column("kind", String(32), nullable=False, index=True),
    Column("actor1", String(40), index=True),
    Column("actor2", String(40)),
    Column("place_ar", Text),
    Column("lat", Float),
    Column("lon", Float),
    Column("gazetteer_id", String(64)),
    Column("date_from", String(10), index=True),
    Column("date_to", String(10)),
    Column("certainty", String(16)),
    Column("evidence", Text, nullable=False),
    Column("evidence_start", Integer, nullable=False),
    Column("evidence_end", Integer, nullable=False),
    Column("rule_id", String(80), nullable=False),
    Column("record", JSON, nullable=False),
)

control = Table(
    "control",
    metadata,
    Column("pk", Integer, primary_key=True, autoincrement=True),
    Column("document_id", String(200), ForeignKey("documents.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("seq", Integer, nullable=False),
    Column("place_ar", Text, nullable=False),
    Column("controller", String(40), nullable=False, index=True),
    Column("status", String(16), nullable=False),
    Column("as_of", String(10)),
    Column("lat", Float),
    Column("lon", Float),
    Column("gazetteer_id", String(64)),
    Column("evidence", Text, nullable=False),
    Column("record", JSON, nullable=False),
)


# The day a document was first stored, kept across re-stores (no foreign key: ``save`` deletes and
# re-inserts a changed document). The control timeline dates a claim whose report gives no day by it.
first_stored = Table(
    "document_first_stored",
    metadata,
    Column("document_id", String(200), primary_key=True),
    Column("day", String(10), nullable=False),
)

# Control marks of a map snapshot (see ``raqib.baseline``): a prior the reports then update. One row
# per side of a mark (a mixed or contested mark gives two).
baseline_control = Table(
    "baseline_control",
    metadata,
    Column("pk", Integer, primary_key=True, autoincrement=True),
    Column("source", String(200), nullable=False, index=True),
    Column("seq", Integer, nullable=False),
    Column("name", Text, nullable=False),
    Column("label", Text),
    Column("controller", String(40), nullable=False),
    Column("status", String(16), nullable=False),
    Column("valid_from", String(10), nullable=False),
    Column("valid_to", String(10), nullable=False),
    Column("lat", Float),
    Column("lon", Float),
    Column("gazetteer_id", String(64)),
    Column("pcode", String(32)),
    Column("mark", Text),
    Column("symbol", String(40)),
    Column("evidence", Text, nullable=False),
)


def resolve_url(url: str | None) -> str:
    """The database URL: the option, else ``RAQIB_DB``, else ``sqlite:///raqib.db``."""
    return url or os.environ.get("RAQIB_DB") or DEFAULT_DB


@dataclass
class Store:
    """An open database."""

    engine: Engine
    """The SQLAlchemy engine."""

    def save(self, doc: Document, record: dict[str, Any], versions: dict[str, str]) -> bool:
        """Store a document and its extraction in one transaction. False when nothing changed."""
        digest = hashlib.sha256(doc.text.encode("utf-8")).hexdigest()
        try:
            with self.engine.begin() as conn:
                row = conn.execute(
                    select(documents.c.text_sha256, documents.c.rules_version, documents.c.gazetteer_version).where(
                        documents.c.id == doc.id
                    )
                ).first()
                if row is not None and tuple(row) == (digest, versions["rules"], versions["gazetteer"]):
                    return False
                if row is not None:
                    conn.execute(delete(events).where(events.c.document_id == doc.id))
                    conn.execute(delete(control).where(control.c.document_id == doc.id))
                    conn.execute(delete(documents).where(documents.c.id == doc.id))
                conn.execute(
                    documents.insert().values(
                        id=doc.id,
                        url=doc.url,
                        outlet=doc.outlet,
                        published=doc.published.isoformat() if doc.published else None,
                        title=doc.title,
                        text=doc.text,
                        text_sha256=digest,
                        status="ok",
                        rules_version=versions["rules"],
                        gazetteer_version=versions["gazetteer"],
                    )
                )
                _note_first_stored(conn, doc.id)
                for n, ev in enumerate(record["events"]):
                    loc = ev["location"] or {}
                    date = ev["date"] or {}
                    conn.execute(
                        events.insert().values(
                            document_id=doc.id,
                            seq=n,
                            kind=ev["kind"],
                            actor1=ev["actor1"],
                            actor2=ev["actor2"],
                            place_ar=loc.get("name_ar"),
                            lat=loc.get("lat"),
                            lon=loc.get("lon"),
                            gazetteer_id=loc.get("gazetteer_id"),
                            date_from=date.get("from"),
                            date_to=date.get("to"),
                            certainty=ev["certainty"],
                            evidence=ev["evidence"],
                            evidence_start=ev["evidence_span"][0],
                            evidence_end=ev["evidence_span"][1],
                            rule_id=ev["rule_id"],
                            record=ev,
                        )
                    )
                for n, c in enumerate(record["control"]):
                    conn.execute(
                        control.insert().values(
                            document_id=doc.id,
                            seq=n,
                            place_ar=c["place_ar"],
                            controller=c["controller"],
                            status=c["status"],
                            as_of=c["as_of"],
                            lat=c.get("lat"),
                            lon=c.get("lon"),
                            gazetteer_id=c.get("gazetteer_id"),
                            evidence=c["evidence"],
                            record=c,
                        )
                    )
        except SQLAlchemyError as exc:
            raise StoreError(f"cannot store document {doc.id!r}: {exc.__class__.__name__}: {exc}") from exc
        return True

    def records(self) -> Iterator[dict[str, Any]]:
        """Every stored document as an output record, in id order."""
        with self.engine.connect() as conn:
            docs = conn.execute(select(documents).order_by(documents.c.id)).mappings().all()
            for d in docs:
                evs = conn.execute(
                    select(events.c.record).where(events.c.document_id == d["id"]).order_by(events.c.seq)
                ).scalars()
                ctl = conn.execute(
                    select(control.c.record).where(control.c.document_id == d["id"]).order_by(control.c.seq)
                ).scalars()
                yield {
                    "id": d["id"],
                    "schema_version": "1.0",
                    "url": d["url"],
                    "outlet": d["outlet"],
                    "published": d["published"],
                    "events": [_json(e) for e in evs],
                    "control": [_json(c) for c in ctl],
                    "warnings": [],
                }

    def counts(self) -> dict[str, int]:
        """Rows per table."""
        with self.engine.connect() as conn:
            return {t.name: conn.execute(select(func.count()).select_from(t)).scalar_one() for t in (documents, events, control)}


def _json(value: Any) -> dict[str, Any]:
    return dict(json.loads(value)) if isinstance(value, str) else dict(value)


def open_store(url: str | None = None) -> Store:
    """Open (and create or migrate) the database at ``url`` (see ``resolve_url``)."""
    url = resolve_url(url)
    try:
        engine = create_engine(url)
        metadata.create_all(engine)
        with engine.begin() as conn:
            version = conn.execute(select(meta.c.value).where(meta.c.key == "schema_version")).scalar()
            if version is None:
                conn.execute(meta.insert().values(key="schema_version", value=str(SCHEMA_VERSION)))
            elif int(version) > SCHEMA_VERSION:
                raise StoreError(
                    f"database {url} has schema version {version}, newer than this raqib ({SCHEMA_VERSION}); "
                    "upgrade raqib"
                )
    except SQLAlchemyError as exc:
        raise StoreError(f"cannot open database {url!r}: {exc.__class__.__name__}: {exc}") from exc
    except ModuleNotFoundError as exc:
        raise StoreError(f"cannot open database {url!r}: the driver {exc.name!r} is not installed") from exc
    return Store(engine)


# --------------------------------------------------------------------------------------------
# Control timeline: the rows ``raqib.timeline`` reads, and the map baseline ``raqib.baseline`` writes


def _today() -> str:
    return dt.datetime.now(dt.UTC).date().isoformat()


def _note_first_stored(conn: Any, document_id: str) -> None:
    """Remember the day a document was first stored (a re-store keeps the first day)."""
    known = conn.execute(select(first_stored.c.day).where(first_stored.c.document_id == document_id)).first()
    if known is None:
        conn.execute(first_stored.insert().values(document_id=document_id, day=_today()))


def control_rows(store: Store) -> list[dict[str, Any]]:
    """Every stored control row with its document's ``published``, ``outlet``, ``url`` and
    ``first_stored`` day, in (document id, seq) order.

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
                    control.c.document_id, control.c.seq, control.c.place_ar, control.c.controller,
                    control.c.status, control.c.as_of, control.c.lat, control.c.lon, control.c.gazetteer_id,
                    control.c.evidence, control.c.record, documents.c.published, documents.c.outlet,
                    documents.c.url, first_stored.c.day.label("first_stored"),
                )
                .join(documents, documents.c.id == control.c.document_id)
                .join(first_stored, first_stored.c.document_id == control.c.document_id, isouter=True)
                .order_by(control.c.document_id, control.c.seq)
            ).mappings().all()  # fmt: skip
    except SQLAlchemyError as exc:
        raise StoreError(f"cannot read control rows: {exc.__class__.__name__}: {exc}") from exc
    return [{**r, "record": _json(r["record"])} for r in rows]


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
