"""The store on both back ends (SQLite and PostgreSQL + PostGIS): migrations, versions, queries,
analyst review that survives re-extraction, and the audit trail."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json

import pytest
from conftest import DEV
from sqlalchemy import inspect, text
from typer.testing import CliRunner

from raqib.errors import StoreError
from raqib.model import Document
from raqib.pipeline import process
from raqib.review import (
    ReviewError,
    audit_log,
    correct_control,
    correct_event,
    reject_event,
    restore_event,
    unmatched_corrections,
)
from raqib.store import HEAD, EventFilter, control_rows, count_events, iter_events, open_store, query_events

DOCS = ("afp-hajin-sdf", "aajsy-afrin-maryamin")


def dev_doc(name: str) -> Document:
    d = json.loads((DEV / f"{name}.json").read_text("utf-8"))
    day = dt.date.fromisoformat(d["published"]) if d.get("published") else None
    return Document(id=d["id"], text=d["text"], published=day,
                    url=f"https://example.org/{d['id']}", outlet="Example")  # fmt: skip


@pytest.fixture(scope="module")
def corpus(res):  # type: ignore[no-untyped-def]
    """Every dev report as (document, record)."""
    out = []
    for path in sorted(DEV.glob("*.json")):
        doc = dev_doc(path.stem)
        out.append((doc, process(doc, res)))
    return out


def test_migration_head_is_the_newest_script() -> None:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    from raqib.store import MIGRATIONS

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    assert ScriptDirectory.from_config(cfg).get_current_head() == HEAD


def test_unchanged_document_is_a_noop_and_a_revision_is_a_new_version(store_url, res) -> None:  # type: ignore[no-untyped-def]
    store = open_store(store_url)
    doc = dev_doc(DOCS[0])
    rec = process(doc, res)
    assert store.save(doc, rec, res.versions) is True
    assert store.save(doc, rec, res.versions) is False
    n_events = store.counts()["events"]
    assert n_events == len(rec["events"]) > 0

    revised = dataclasses.replace(doc, text=doc.text + "\nتحديث: لا تغيير في الوضع الميداني.")
    assert store.save(revised, process(revised, res), res.versions) is True
    stored = store.document(doc.id)
    assert stored is not None and stored["version"] == 2 and stored["text"] == revised.text
    assert [v["version"] for v in stored["versions"]] == [1, 2]
    assert store.document_version(doc.id, 1)["text"] == doc.text  # type: ignore[index]
    rows = query_events(store, EventFilter(document_id=doc.id))
    assert {r["document_version"] for r in rows} == {2}
    assert store.counts()["events"] == len(rows)  # the old version's events were replaced, not kept twice

    # another rule set re-extracts the same text: same version, same ids
    uids = [r["uid"] for r in rows]
    newer = {**res.versions, "rules": res.versions["rules"] + "+test"}
    assert store.save(revised, process(revised, res), newer) is True
    again = query_events(store, EventFilter(document_id=doc.id))
    assert [r["uid"] for r in again] == uids and {r["rules_version"] for r in again} == {newer["rules"]}
    assert store.document(doc.id)["version"] == 2  # type: ignore[index]


def test_a_document_is_written_whole_or_not_at_all(store_url, res) -> None:  # type: ignore[no-untyped-def]
    store = open_store(store_url)
    doc = dev_doc(DOCS[0])
    rec = process(doc, res)
    broken = {**rec, "events": rec["events"] + [{"kind": "clash"}]}  # no evidence: cannot be stored
    with pytest.raises((StoreError, KeyError)):
        store.save(doc, broken, res.versions)
    assert store.counts() == {"documents": 0, "events": 0, "control": 0}
    assert store.document(doc.id) is None


def _brute(rows, flt: EventFilter):  # type: ignore[no-untyped-def]
    out = []
    for r in rows:
        if flt.kinds and r["kind"] not in flt.kinds:
            continue
        if flt.actors and r["actor1"] not in flt.actors and r["actor2"] not in flt.actors:
            continue
        if flt.date_from and (r["date_to"] is None or r["date_to"] < flt.date_from):
            continue
        if flt.date_to and (r["date_from"] is None or r["date_from"] > flt.date_to):
            continue
        if flt.bbox:
            x0, y0, x1, y1 = flt.bbox
            if r["lat"] is None or not (x0 <= r["lon"] <= x1 and y0 <= r["lat"] <= y1):
                continue
        out.append(r["uid"])
    return out


def test_queries_match_a_brute_force_filter(store_url, res, corpus) -> None:  # type: ignore[no-untyped-def]
    store = open_store(store_url)
    assert store.save_many(corpus, res.versions) == len(corpus)
    every = list(iter_events(store, EventFilter(), page=7))
    assert len(every) == store.counts()["events"] == count_events(store) > 50
    assert [r["pk"] for r in every] == sorted(r["pk"] for r in every)
    assert all(r["url"].startswith("https://example.org/") and r["record"]["kind"] == r["kind"] for r in every)
    filters = [
        EventFilter(kinds=("takeover",)),
        EventFilter(actors=("SDF",)),
        EventFilter(actors=("ISIS", "HTS"), kinds=("clash", "takeover")),
        EventFilter(date_from="2018-01-01", date_to="2018-12-31"),
        EventFilter(bbox=(40.0, 34.0, 41.5, 35.5)),  # the middle Euphrates valley
        EventFilter(bbox=(36.0, 36.0, 37.5, 37.0), date_from="2018-01-01"),  # north Aleppo from 2018
    ]
    for flt in filters:
        got = [r["uid"] for r in iter_events(store, flt, page=5)]
        assert got == _brute(every, flt), flt
        assert count_events(store, flt) == len(got)
    assert any(_brute(every, f) for f in filters[4:])  # the boxes hold events


def test_pages_cover_every_event_once(store_url, res, corpus) -> None:  # type: ignore[no-untyped-def]
    store = open_store(store_url)
    store.save_many(corpus[:20], res.versions)
    seen, after = [], None
    while page := query_events(store, after=after, limit=9):
        seen += [r["uid"] for r in page]
        after = page[-1]["pk"]
    assert len(seen) == len(set(seen)) == store.counts()["events"]


def test_corrections_survive_reprocessing_and_are_audited(store_url, res, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from raqib.cli import app

    store = open_store(store_url)
    # a report with two events or more: one to correct, one to reject
    doc, record = next((d, r) for d in map(dev_doc, DOCS) if len((r := process(d, res))["events"]) >= 2)
    store.save(doc, record, res.versions)
    rows = query_events(store, EventFilter(document_id=doc.id))
    assert len(rows) >= 2
    first, second = rows[0], rows[1]
    correct_event(store, first["uid"], "kind", "clash", reason="the report describes fighting", who="analyst-a")
    correct_event(store, first["uid"], "counts", {"killed": 7}, reason="source says seven", who="analyst-a")
    correct_event(store, first["uid"], "place", {"name_ar": "هجين", "lat": 34.7, "lon": 40.83, "precision": "town"},
                  reason="wrong village", who="analyst-b")  # fmt: skip
    reject_event(store, second["uid"], reason="duplicate of the first", who="analyst-b")
    ctl = control_rows(store)
    if ctl:
        correct_control(store, ctl[0]["uid"], "controller", "ISIS", reason="misread", who="analyst-c")

    def check() -> None:
        now = {r["uid"]: r for r in query_events(store, EventFilter(document_id=doc.id, include_rejected=True))}
        fixed = now[first["uid"]]
        assert fixed["kind"] == "clash" and fixed["record"]["acled"]["event_type"] == "Battles"
        assert fixed["record"]["counts"] == {"killed": 7}
        assert fixed["place_ar"] == "هجين" and fixed["lat"] == 34.7 and fixed["reviewed"]
        assert now[second["uid"]]["status"] == "rejected"
        assert second["uid"] not in {r["uid"] for r in query_events(store, EventFilter(document_id=doc.id))}
        assert all(second["uid"] != e.get("uid") for r in store.records() for e in r["events"])
        assert query_events(store, EventFilter(bbox=(40.82, 34.69, 40.84, 34.71)))[0]["uid"] == first["uid"]
        if ctl:
            row = next(r for r in control_rows(store) if r["uid"] == ctl[0]["uid"])
            assert row["controller"] == "ISIS" and row["record"]["controller"] == "ISIS"

    check()
    runner = CliRunner()
    result = runner.invoke(app, ["reprocess", "--all", "--db", store_url])
    assert result.exit_code == 0, result.output
    assert "re-extracted 1 documents (1 changed)" in result.output
    check()
    log = audit_log(store)
    assert [r["who"] for r in log][:4] == (["analyst-c"] if ctl else []) + ["analyst-b", "analyst-b", "analyst-a"][
        : 4 - bool(ctl)
    ]
    place_change = next(r for r in log if r["field"] == "place")
    assert place_change["before"]["record"]["location"] != place_change["after"]["record"]["location"]
    assert place_change["reason"] == "wrong village" and place_change["at"]
    restore_event(store, second["uid"], reason="not a duplicate after all", who="analyst-a")
    assert second["uid"] in {r["uid"] for r in query_events(store, EventFilter(document_id=doc.id))}


def test_review_errors_are_clear(store_url, res) -> None:  # type: ignore[no-untyped-def]
    store = open_store(store_url)
    doc = dev_doc(DOCS[0])
    store.save(doc, process(doc, res), res.versions)
    uid = query_events(store)[0]["uid"]
    with pytest.raises(ReviewError, match="no stored event"):
        reject_event(store, "e000", reason="x", who="a")
    with pytest.raises(ReviewError, match="kind: 'battle' is not one of"):
        correct_event(store, uid, "kind", "battle", reason="x", who="a")
    with pytest.raises(ReviewError, match="reason"):
        correct_event(store, uid, "kind", "clash", reason=" ", who="a")
    with pytest.raises(ReviewError, match="not a position"):
        correct_event(store, uid, "place", {"name_ar": "x", "lat": 95, "lon": 1}, reason="x", who="a")
    with pytest.raises(ReviewError, match="cannot correct 'evidence'"):
        correct_event(store, uid, "evidence", "x", reason="x", who="a")
    assert audit_log(store) == []


def test_a_moved_sentence_leaves_its_correction_listed_not_lost(store_url, res) -> None:  # type: ignore[no-untyped-def]
    store = open_store(store_url)
    doc = dev_doc(DOCS[0])
    store.save(doc, process(doc, res), res.versions)
    uid = query_events(store)[0]["uid"]
    reject_event(store, uid, reason="wrong", who="a")
    revised = dataclasses.replace(doc, text="عنوان جديد في رأس الخبر.\n" + doc.text)
    store.save(revised, process(revised, res), res.versions)
    lost = unmatched_corrections(store)
    assert [c["uid"] for c in lost] == [uid] and lost[0]["field"] == "reject"


def test_review_cli(store_url, res) -> None:  # type: ignore[no-untyped-def]
    from raqib.cli import app

    store = open_store(store_url)
    doc = dev_doc(DOCS[0])
    store.save(doc, process(doc, res), res.versions)
    uid = query_events(store)[0]["uid"]
    runner = CliRunner()
    ok = runner.invoke(app, ["review", "set", uid, "date", "2018-12-01..2018-12-03", "--reason", "dated by the wire",
                             "--who", "tester", "--db", store_url])  # fmt: skip
    assert ok.exit_code == 0, ok.output
    assert query_events(store)[0]["record"]["date"] == {"from": "2018-12-01", "to": "2018-12-03", "precision": "span",
                                                        "source": "analyst"}  # fmt: skip
    bad = runner.invoke(app, ["review", "set", uid, "place", "nowhere", "--reason", "x", "--db", store_url])
    assert bad.exit_code == 2 and "NAME,LAT,LON" in bad.output
    listed = runner.invoke(app, ["review", "audit", "--db", store_url, "--json"])
    assert json.loads(listed.output.splitlines()[0])["who"] == "tester"
    shown = runner.invoke(app, ["events", "--db", store_url])
    assert uid in shown.output and "(reviewed)" in shown.output


def test_problems_and_warnings_are_recorded(store_url, res) -> None:  # type: ignore[no-untyped-def]
    store = open_store(store_url)
    store.note_problem("feeds/broken.xml", "not a feed: no <rss> or <feed> element")
    doc = Document(id="undated", text="قتل ثلاثة مدنيين في قصف على بلدة هجين.")
    rec = {**process(doc, res), "warnings": ["no publication date"]}
    store.save(doc, rec, res.versions)
    assert [(p["origin"], p["level"]) for p in store.problems()] == [("feeds/broken.xml", "error")]
    stored = store.document("undated")
    assert stored["status"] == "warning" and stored["reason"] == "no publication date"  # type: ignore[index]


def test_a_schema_from_a_newer_raqib_is_refused(store_url) -> None:  # type: ignore[no-untyped-def]
    store = open_store(store_url)
    with store.engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    store.engine.dispose()
    with pytest.raises(StoreError, match="newer than this raqib"):
        open_store(store_url)


def test_a_first_version_store_is_migrated_in_place(store_url, res) -> None:  # type: ignore[no-untyped-def]
    """A store written by raqib 0.1 (schema 1, made before Alembic) keeps its rows and gains ids,
    versions and the spatial index."""
    from alembic import command
    from sqlalchemy import create_engine

    from raqib.store import _alembic_config

    engine = create_engine(store_url)
    with engine.begin() as conn:
        command.upgrade(_alembic_config(conn), "0001")
        conn.execute(text("DROP TABLE alembic_version"))  # 0.1 had no Alembic
        doc = dev_doc(DOCS[0])
        rec = process(doc, res)
        conn.execute(text("INSERT INTO documents (id, url, outlet, published, title, text, text_sha256, status, "
                          "rules_version, gazetteer_version) VALUES (:id, :url, 'Example', :pub, NULL, :text, 'x', "
                          "'ok', 'old', 'old')"),
                     {"id": doc.id, "url": doc.url, "pub": doc.published.isoformat(), "text": doc.text})  # type: ignore[union-attr]  # fmt: skip
        for n, ev in enumerate(rec["events"]):
            loc = ev["location"] or {}
            conn.execute(text("INSERT INTO events (document_id, seq, kind, actor1, actor2, place_ar, lat, lon, "
                              "date_from, date_to, evidence, evidence_start, evidence_end, rule_id, record) VALUES "
                              "(:d, :n, :k, :a1, :a2, :p, :lat, :lon, :f, :t, :e, :s, :x, :r, :rec)"),
                         {"d": doc.id, "n": n, "k": ev["kind"], "a1": ev["actor1"], "a2": ev["actor2"],
                          "p": loc.get("name_ar"), "lat": loc.get("lat"), "lon": loc.get("lon"),
                          "f": (ev["date"] or {}).get("from"), "t": (ev["date"] or {}).get("to"),
                          "e": ev["evidence"], "s": ev["evidence_span"][0], "x": ev["evidence_span"][1],
                          "r": ev["rule_id"], "rec": json.dumps(ev, ensure_ascii=False)})  # fmt: skip
    engine.dispose()
    store = open_store(store_url)
    rows = list(iter_events(store))
    assert len(rows) == len(rec["events"]) and all(r["uid"] and r["uid"].startswith("e") for r in rows)
    assert {r["document_version"] for r in rows} == {1} and store.document(doc.id)["version"] == 1  # type: ignore[index]
    placed = [r for r in rows if r["lat"] is not None]
    assert placed
    r = placed[0]
    box = (r["lon"] - 0.01, r["lat"] - 0.01, r["lon"] + 0.01, r["lat"] + 0.01)
    assert r["uid"] in {x["uid"] for x in query_events(store, EventFilter(bbox=box))}
    # the stale document is re-extracted by `raqib reprocess` (versions 'old' differ)
    assert [d.id for d in store.stored_documents(res.versions)] == [doc.id]
    # schema 5 dropped the index on date_from alone: ix_events_date (date_from, date_to) serves its queries
    with store.engine.connect() as conn:
        indexes = {ix["name"] for ix in inspect(conn).get_indexes("events")}
    assert "ix_events_date" in indexes and "ix_events_date_from" not in indexes


def test_a_store_in_its_own_schema_ignores_a_store_later_on_the_search_path(pg_url: str, res) -> None:  # type: ignore[no-untyped-def]
    """PostgreSQL: a store whose search_path also reaches another store's schema (``public`` usually)
    gets tables of its own and never reads or migrates the other's."""
    from raqib.store.scratch import scratch_schema

    first = open_store(pg_url)
    doc = dev_doc(DOCS[0])
    first.save(doc, process(doc, res), res.versions)
    first.engine.dispose()
    other_schema = pg_url.rsplit("search_path%3D", 1)[1].split(",")[0]
    base = pg_url.split("?")[0]
    with scratch_schema(base, "t_second") as second_url:
        own = second_url.rsplit("search_path%3D", 1)[1].split(",")[0]
        second = open_store(second_url.replace(f"{own},public", f"{own},{other_schema},public"))
        try:
            assert second.counts()["documents"] == 0
            with second.engine.connect() as conn:
                tables = conn.execute(text("SELECT count(*) FROM pg_tables WHERE schemaname = :s"), {"s": own})
                assert tables.scalar() >= 10
        finally:
            second.engine.dispose()


def test_records_are_stored_as_utf8_json_and_read_back_equal() -> None:
    from raqib.store import json_text

    record = {"evidence": "سيطرت «قسد» على هجين\u2028", "n": [1, 2.5, None], "big": 10**40, "t": (1, "ب")}
    text = json_text(record)
    assert "هجين" in text and "\\u" not in text  # Arabic as itself, not six-character escapes
    assert json.loads(text) == {**record, "t": [1, "ب"]}  # integers past 64 bits too (json fallback)
