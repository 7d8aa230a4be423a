"""The rows a stored document is made of, and the bulk writes of the store.

``Store.save_many`` hands the documents of a batch that are not stored yet (the common case in
``raqib batch``) to ``insert_fresh``: one executemany per table for all of them, instead of some
seven statements per document. SQLAlchemy's cost per statement, not the database, was most of the
client's time in a batch. Documents already stored (unchanged, revised, with analyst corrections
to apply again) go one by one through ``Store._write``. Both build their rows with the functions
here, so a document gets the same rows either way. The SQLite R*Tree is kept by row triggers and
the PostGIS point is a generated column: both follow an executemany as they follow one INSERT.

``set_clusters`` writes cross-report cluster ids with one executemany UPDATE per 500 events.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import bindparam, select, update
from sqlalchemy.engine import Connection

from raqib.model import Document
from raqib.store import corrections as fix
from raqib.store.keys import control_uids, event_uids
from raqib.store.tables import control, document_versions, documents, events, first_stored

CHUNK = 500
"""Ids per ``IN (...)`` look-up: far below SQLite's limit on bound parameters."""

Fixes = dict[tuple[str, str], list[tuple[str, Any]]]
"""Analyst corrections of one document, by (target, uid), oldest first."""


def event_columns(ev: dict[str, Any]) -> dict[str, Any]:
    """The columns queries filter on, read off an event record."""
    loc = ev.get("location") or {}
    date = ev.get("date") or {}
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
        final, status = corrected("event", ev, fixes.get(("event", uid), ()))
        rows.append({
            "document_id": document_id, "seq": n, "uid": uid, "document_version": version, **event_columns(final),
            "evidence": ev["evidence"], "evidence_start": ev["evidence_span"][0],
            "evidence_end": ev["evidence_span"][1], "rule_id": ev["rule_id"], "record": final,
            "rules_version": versions["rules"], "gazetteer_version": versions["gazetteer"],
            "cluster": ev.get("cluster"), "review_status": status, "reviewed": ("event", uid) in fixes,
            "machine": ev if ("event", uid) in fixes else None,
        })  # fmt: skip
    return rows


def claim_rows(document_id: str, ctl: Sequence[dict[str, Any]], fixes: Fixes) -> list[dict[str, Any]]:
    """The ``control`` rows of a document's control claims, corrections applied."""
    keys = [(c["place_ar"], *c["evidence_span"]) for c in ctl]
    rows = []
    for n, (c, uid) in enumerate(zip(ctl, control_uids(document_id, keys), strict=True)):
        final, status = corrected("control", c, fixes.get(("control", uid), ()))
        rows.append({
            "document_id": document_id, "seq": n, "uid": uid, **control_columns(final), "evidence": c["evidence"],
            "record": final, "review_status": status, "reviewed": ("control", uid) in fixes,
            "machine": c if ("control", uid) in fixes else None,
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


def insert_fresh(conn: Connection, items: Sequence[tuple[Document, dict[str, Any]]], versions: dict[str, str],
                 now: str, today: str) -> None:  # fmt: skip
    """Store documents whose ids are not stored yet (and each at most once in ``items``): version 1,
    no corrections to apply (``Store._write`` applies none to a new id either), a first-stored day
    unless one is kept from before. One executemany per table, in ``items`` order, so the events get
    the same pks as when the documents are stored one by one."""
    docs, texts, evs, ctl = [], [], [], []
    for doc, record in items:
        digest = sha256(doc)
        docs.append({"id": doc.id, "version": 1, **document_values(doc, record, versions, digest, now)})
        texts.append(version_row(doc, 1, digest, now))
        evs += event_rows(doc.id, 1, record["events"], versions, {})
        ctl += claim_rows(doc.id, record["control"], {})
    known = _existing(conn, first_stored.c.document_id, (doc.id for doc, _ in items))
    days = [{"document_id": doc.id, "day": today} for doc, _ in items if doc.id not in known]
    for table, rows in ((documents, docs), (document_versions, texts), (first_stored, days), (events, evs),
                        (control, ctl)):  # fmt: skip
        if rows:
            conn.execute(table.insert(), rows)


def set_clusters(conn: Connection, clusters: dict[str, str | None]) -> int:
    """Write cluster ids (event uid -> cluster, None to remove it) into the events' ``cluster`` column
    and their records; how many rows were written."""
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
