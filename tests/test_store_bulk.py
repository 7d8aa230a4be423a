"""Bulk writes of the store (``raqib.store.bulk``) on both back ends: ``save_many`` over a mix of new,
unchanged and revised documents stores exactly the rows ``save`` stores one document at a time (spatial
index included); a batch that fails midway stores nothing; ``set_clusters`` writes what one UPDATE per
event wrote."""

from __future__ import annotations

import dataclasses
import datetime as dt
import importlib.util
import json
import os
import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import DEV
from sqlalchemy import event, select, text, update

from raqib.batch import cluster_events
from raqib.errors import StoreError
from raqib.ingest import document_from_json
from raqib.model import Document
from raqib.pipeline import process
from raqib.review import correct_control, correct_event, reject_event
from raqib.store import EventFilter, Store, bulk, control_rows, iter_events, open_store, query_events
from raqib.store.tables import control, corrections, document_versions, documents, events, first_stored

ROOT = Path(__file__).resolve().parent.parent
Pair = tuple[Document, dict[str, Any]]


def _dev_doc(path: Path) -> Document:
    d = json.loads(path.read_text("utf-8"))
    day = dt.date.fromisoformat(d["published"]) if d.get("published") else None
    return Document(id=d["id"], text=d["text"], published=day, url=f"https://example.org/{d['id']}",
                    outlet="Example", title=d.get("title"))  # fmt: skip


def _generated(n: int, seed: int) -> list[Document]:
    spec = importlib.util.spec_from_file_location("raqib_bench_corpus", ROOT / "benchmarks" / "corpus.py")
    assert spec and spec.loader
    corpus = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(corpus)
    return [document_from_json(d, f"generated:{k}") for k, d in enumerate(corpus.generate(n, seed))]


@pytest.fixture(scope="module")
def pairs(res: Any) -> list[Pair]:
    """Every dev report, 40 generated ones and two with warnings (no date; a bidi override), extracted."""
    docs = [_dev_doc(p) for p in sorted(DEV.glob("*.json"))] + _generated(40, 20261126)
    docs += [dataclasses.replace(docs[0], id="undated", published=None),
             dataclasses.replace(docs[1], id="override", text="\u202e" + docs[1].text)]  # fmt: skip
    return [(d, process(d, res)) for d in docs]


@pytest.fixture
def other_url(store_url: str, tmp_path: Path) -> Iterator[str]:
    """A second fresh database on the back end of ``store_url``."""
    if store_url.startswith("sqlite"):
        yield f"sqlite:///{tmp_path / 'other.db'}"
        return
    from raqib.store.scratch import scratch_schema

    with scratch_schema(os.environ["RAQIB_TEST_PG_URL"], "t_bulk_other") as url:
        yield url


def dump(store: Store) -> dict[str, Any]:
    """Every row a document's storing writes (but the clock's ``stored_at``), in key order, and the
    spatial index: the R*Tree rows on SQLite, the generated PostGIS point on PostgreSQL."""
    tables = [(documents, documents.c.id), (document_versions, document_versions.c.document_id), (events, events.c.pk),
              (control, control.c.pk), (first_stored, first_stored.c.document_id), (corrections, corrections.c.pk)]  # fmt: skip
    out: dict[str, Any] = {}
    with store.engine.connect() as conn:
        for table, key in tables:
            cols = [c for c in table.c if c.name not in ("stored_at", "at")]
            out[table.name] = [dict(r) for r in conn.execute(select(*cols).order_by(key, *table.primary_key))
                               .mappings()]  # fmt: skip
        if store.dialect == "sqlite":
            out["spatial"] = conn.execute(text("SELECT * FROM events_rtree ORDER BY id")).all()
            # the bulk path stands the R*Tree trigger down inside its transaction: it must be back
            out["triggers"] = conn.execute(text("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' "
                                                "ORDER BY name")).all()  # fmt: skip
            assert len(out["triggers"]) == 3
        else:
            out["spatial"] = conn.execute(text("SELECT pk, ST_AsText(geom) FROM events ORDER BY pk")).all()
    return out


FILTERS = [
    EventFilter(),
    EventFilter(bbox=(40.0, 34.0, 41.5, 35.5)),  # the middle Euphrates valley
    EventFilter(bbox=(35.5, 32.0, 42.5, 37.5), date_from="2017-01-01", date_to="2019-12-31"),  # Syria, 2017-2019
    EventFilter(date_from="2018-01-01"),
    EventFilter(include_rejected=True, bbox=(35.5, 32.0, 42.5, 37.5)),
]


def _revised(pair: Pair, res: Any, note: str) -> Pair:
    """The report with a sentence added at the end (its evidence spans stay where they were)."""
    doc = dataclasses.replace(pair[0], text=pair[0].text + f"\n{note}")
    return doc, process(doc, res)


def _review(store: Store, doc_ids: list[str]) -> None:
    """The same analyst corrections in any store holding these documents."""
    for n, doc_id in enumerate(doc_ids):
        rows = query_events(store, EventFilter(document_id=doc_id))
        if rows:
            correct_event(store, rows[0]["uid"], "counts", {"killed": n + 1}, reason="source", who="tester")
        if len(rows) > 1:
            reject_event(store, rows[1]["uid"], reason="duplicate", who="tester")
    ctl = [r for r in control_rows(store) if r["document_id"] in doc_ids]
    if ctl:
        correct_control(store, ctl[0]["uid"], "controller", "ISIS", reason="misread", who="tester")


def test_prepare_writes_the_rows_of_the_row_functions(pairs: list[Pair], res: Any) -> None:
    """``prepare`` writes its tuples straight away: they are the rows ``document_values``,
    ``version_row``, ``event_rows`` and ``claim_rows`` give (what ``Store._write`` stores), in column
    order, JSON columns as text."""
    import operator

    def tuples(columns: tuple[str, ...], rows: list[dict[str, Any]]) -> tuple[tuple[Any, ...], ...]:
        return tuple(tuple(bulk.json_text(v) if c in bulk.JSON_COLUMNS and v is not None else v
                           for c, v in zip(columns, operator.itemgetter(*columns)(r), strict=True))
                     for r in rows)  # fmt: skip

    v = res.versions
    for doc, record in pairs:
        p = bulk.prepare(doc, record, v)
        digest = bulk.sha256(doc)
        row = {"id": doc.id, "version": 1, **bulk.document_values(doc, record, v, digest, "")}
        assert p.document == operator.itemgetter(*bulk.DOCUMENT_COLUMNS[:-1])(row)
        assert p.version == operator.itemgetter(*bulk.VERSION_COLUMNS[:-1])(bulk.version_row(doc, 1, digest, ""))
        assert p.events == tuples(bulk.EVENT_COLUMNS, bulk.event_rows(doc.id, 1, record["events"], v, {}))
        assert p.control == tuples(bulk.CONTROL_COLUMNS, bulk.claim_rows(doc.id, record["control"], {}))
        assert p.warnings == tuple(record["warnings"])
    assert any(record["events"] for _, record in pairs) and any(record["control"] for _, record in pairs)


def test_save_many_stores_what_save_stores_one_by_one(store_url: str, other_url: str, res: Any,
                                                      pairs: list[Pair], monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    monkeypatch.setattr(bulk, "CHUNK", 7)  # several id look-ups per batch
    batched, single = open_store(store_url), open_store(other_url)
    versions = res.versions
    first, later = pairs[::2], pairs[1::2]

    def both(items: list[Pair], vers: dict[str, str] = versions) -> int:
        n = batched.save_many(items, vers)
        assert n == sum(single.save(doc, rec, vers) for doc, rec in items)
        assert dump(batched) == dump(single)
        return n

    assert both(first) == len(first)
    assert {r["status"] for r in dump(batched)["documents"]} == {"ok", "warning"}
    with_events = [d.id for d, r in first if len(r["events"]) > 1][:6]
    assert len(with_events) == 6
    for store in (batched, single):
        _review(store, with_events)

    # a batch of new documents, stored ones unchanged, revised (some with corrections to apply
    # again), with new metadata only, and one id twice (new, then revised in the same batch)
    unchanged = first[6:20]
    revised = [_revised(p, res, "تحديث: لا تغيير في الوضع الميداني.") for p in first[:3] + first[20:24]]
    retitled = [(dataclasses.replace(d, title="عنوان جديد"), r) for d, r in first[3:6]]
    twice = _revised(later[0], res, "تحديث ثان.")
    mix = later + unchanged + revised + retitled + [twice]
    random.Random(5).shuffle(mix)
    if mix.index(twice) < mix.index(later[0]):
        mix.remove(twice)
        mix.append(twice)
    changed = both(mix)
    assert changed == len(later) + len(revised) + len(retitled) + 1
    assert {v["version"] for v in batched.document(twice[0].id)["versions"]} == {1, 2}  # type: ignore[index]

    # the corrections were applied again to the revised texts
    assert sum(r["reviewed"] for r in iter_events(batched, EventFilter(include_rejected=True))) >= 6
    for flt in FILTERS:
        got = list(iter_events(batched, flt, page=13))
        assert [(r["pk"], r["uid"], r["record"]) for r in got] == [
            (r["pk"], r["uid"], r["record"]) for r in iter_events(single, flt, page=13)
        ], flt
    assert all(list(iter_events(batched, f)) for f in FILTERS)  # every filter holds events

    # another rule set re-extracts everything: all through the one-by-one path, same rows again
    assert both(pairs, {**versions, "rules": "other"}) == len(pairs)
    assert batched.counts()["documents"] == len(pairs)


def test_new_documents_take_a_few_statements_not_some_per_document(store_url: str, res: Any,
                                                                   pairs: list[Pair]) -> None:  # fmt: skip
    store = open_store(store_url)
    statements: list[str] = []
    event.listen(store.engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
    # the id look-ups, then one INSERT per table; on SQLite the R*Tree's rows in one more INSERT, with its
    # trigger read, dropped and created again around the events
    most = 8 + 4 * (store.dialect == "sqlite")
    assert store.save_many(pairs[:50], res.versions) == 50
    assert len(statements) <= most, statements
    statements.clear()
    assert store.save_many(pairs[50:60], res.versions) == 10
    assert len(statements) <= most
    statements.clear()
    for doc, rec in pairs[60:70]:
        store.save(doc, rec, res.versions)
    assert len(statements) >= 5 * 10  # the path for a single document: a few statements each


def test_a_batch_that_fails_midway_stores_nothing(store_url: str, res: Any, pairs: list[Pair]) -> None:
    store = open_store(store_url)
    store.save_many(pairs[:10], res.versions)
    before = dump(store)
    donor = next(p for p in pairs[10:] if p[1]["events"])
    # no kind: the events table refuses the row (NOT NULL), inside the database, not before it
    bad_record = {**donor[1], "events": [*donor[1]["events"], {**donor[1]["events"][0], "kind": None}]}
    revised = _revised(pairs[0], res, "تحديث.")

    fresh_broken = [revised, pairs[20], pairs[21], (donor[0], bad_record), pairs[22]]
    stored_broken = [pairs[20], pairs[21], (revised[0], {**revised[1], "events": bad_record["events"]}), pairs[22]]
    for batch in (fresh_broken, stored_broken):
        with pytest.raises(StoreError, match="cannot store document"):
            store.save_many(batch, res.versions)
        assert dump(store) == before
    assert store.save_many([pairs[20], pairs[21]], res.versions) == 2  # the store still works


def _set_clusters_one_by_one(store: Store, clusters: dict[str, str | None]) -> int:
    """What ``Store.set_clusters`` did before it was bulk: one SELECT and one UPDATE per event."""
    n = 0
    with store.engine.begin() as conn:
        for uid, cluster in clusters.items():
            for pk, rec in conn.execute(select(events.c.pk, events.c.record).where(events.c.uid == uid)).all():
                rec = dict(json.loads(rec) if isinstance(rec, str) else rec)
                if cluster is None:
                    rec.pop("cluster", None)
                else:
                    rec["cluster"] = cluster
                conn.execute(update(events).where(events.c.pk == pk).values(cluster=cluster, record=rec))
                n += 1
    return n


def test_bulk_set_clusters_writes_what_one_update_per_event_wrote(store_url: str, other_url: str, res: Any,
                                                                  pairs: list[Pair],
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    monkeypatch.setattr(bulk, "CHUNK", 7)
    bulky, single = open_store(store_url), open_store(other_url)
    for store in (bulky, single):
        store.save_many(pairs, res.versions)
    rows = list(iter_events(bulky))
    ids = cluster_events([(r["document_id"], r["seq"], r["record"]) for r in rows])
    assert len(set(ids)) < len(ids)  # some happening is reported twice
    clusters: dict[str, str | None] = {r["uid"]: cid for r, cid in zip(rows, ids, strict=True)}
    clusters["e-not-stored"] = "evt-none"
    assert bulky.set_clusters(clusters) == _set_clusters_one_by_one(single, clusters) == len(rows)
    assert dump(bulky) == dump(single)
    assert [e.get("cluster") for r in bulky.records() for e in r["events"]] == [
        e.get("cluster") for r in single.records() for e in r["events"]
    ]

    # removing some (None) and moving others
    again: dict[str, str | None] = {r["uid"]: None if n % 3 else f"evt-moved-{n}" for n, r in enumerate(rows[::2])}
    assert bulky.set_clusters(again) == _set_clusters_one_by_one(single, again) == len(again)
    after = dump(bulky)
    assert after == dump(single)
    by_uid = {r["uid"]: r for r in after["events"]}
    assert all(by_uid[u]["cluster"] == c and by_uid[u]["record"].get("cluster") == c for u, c in again.items())
    assert bulky.set_clusters({}) == 0
    raw = []
    for store in (bulky, single):
        with store.engine.connect() as conn:
            raw.append(conn.execute(text("SELECT CAST(record AS TEXT) FROM events ORDER BY pk")).scalars().all())
    assert raw[0] == raw[1]  # the same text, not only the same JSON (SQLite changes it in place)


def test_a_new_sqlite_store_takes_large_pages_and_an_old_one_keeps_its_own(tmp_path: Path) -> None:
    import sqlite3

    from raqib.store import PAGE_SIZE

    new = open_store(f"sqlite:///{tmp_path / 'new.db'}", bulk=True)
    new.engine.dispose()
    with sqlite3.connect(tmp_path / "new.db") as conn:
        assert conn.execute("PRAGMA page_size").fetchone()[0] == PAGE_SIZE
    old = tmp_path / "old.db"
    with sqlite3.connect(old) as conn:
        conn.execute("PRAGMA page_size = 4096")
        conn.execute("CREATE TABLE earlier (x)")  # the page size is fixed once a table is written
    store = open_store(f"sqlite:///{old}")
    store.engine.dispose()
    with sqlite3.connect(old) as conn:
        assert conn.execute("PRAGMA page_size").fetchone()[0] == 4096
