"""The HTTP API end to end: a real uvicorn server on loopback, driven with httpx, over a store
(SQLite and PostgreSQL) holding the 64 dev reports and two reports of one village taken and retaken.

Expected answers are computed from the pipeline's own records (what was stored), never typed in.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import socket
import threading
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from conftest import DEV

TOKEN = "test-token-1f3b"

# One village taken by the SDF and retaken by ISIS eight days later (real-looking Furat Post wording).
TAKEN = {
    "id": "api-kashma-taken", "url": "https://example.org/furat/kashma-taken", "outlet": "Furat Post",
    "published": "2018-11-02",
    "text": "دير الزور – فرات بوست: سيطرت قوات سوريا الديمقراطية (قسد) صباح اليوم على قرية الكشمة التابعة لبلدة "
            "الشعفة في ريف دير الزور الشرقي، بعد معارك عنيفة مع عناصر تنظيم داعش استمرت يومين.",
}  # fmt: skip
RETAKEN = {
    "id": "api-kashma-retaken", "url": "https://example.org/furat/kashma-retaken", "outlet": "Furat Post",
    "published": "2018-11-10",
    "text": "دير الزور – فرات بوست: استعاد تنظيم داعش السيطرة على قرية الكشمة التابعة لبلدة الشعفة في ريف دير "
            "الزور الشرقي، بعد هجوم معاكس على مواقع قوات سوريا الديمقراطية (قسد) فجر اليوم.",
}  # fmt: skip


# --------------------------------------------------------------------------------------------
# A server on loopback


@contextlib.contextmanager
def serving(app: Any) -> Iterator[str]:
    """Run ``app`` with uvicorn in a thread on a free loopback port; yields the base URL."""
    import uvicorn

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)
        sock.close()


@contextlib.contextmanager
def api(url: str, **settings: Any) -> Iterator[httpx.Client]:
    from raqib.api import create_app

    app = create_app(url, **settings)
    with serving(app) as base, httpx.Client(base_url=base, timeout=30) as client:
        yield client
    app.state.raqib.store.engine.dispose()


# --------------------------------------------------------------------------------------------
# The stored corpus


@pytest.fixture(scope="session")
def corpus(res):  # type: ignore[no-untyped-def]
    """(document, record) of every dev report and of the taken/retaken pair."""
    from raqib.ingest import document_from_json
    from raqib.pipeline import process

    objs = [json.loads(p.read_text("utf-8")) for p in sorted(DEV.glob("*.json"))] + [TAKEN, RETAKEN]
    docs = [document_from_json(o, o.get("id", "?")) for o in objs]
    return [(d, process(d, res)) for d in docs]


@pytest.fixture
def stored(store_url, corpus, res):  # type: ignore[no-untyped-def]
    from raqib.store import open_store

    store = open_store(store_url)
    store.save_many(corpus, res.versions)
    store.engine.dispose()
    return store_url


def expected_events(corpus: Any) -> list[dict[str, Any]]:
    """The stored events as the pipeline coded them, keyed like the API's items."""
    out = []
    for doc, rec in corpus:
        for ev in rec["events"]:
            loc = ev["location"] or {}
            date = ev["date"] or {}
            out.append({"key": (doc.id, ev["evidence_span"][0], ev["evidence_span"][1], ev["kind"]),
                        "kind": ev["kind"], "actors": {ev["actor1"], ev["actor2"]}, "certainty": ev["certainty"],
                        "lat": loc.get("lat"), "lon": loc.get("lon"), "from": date.get("from"),
                        "to": date.get("to") or date.get("from")})  # fmt: skip
    return out


def key(item: dict[str, Any]) -> tuple[str, int, int, str]:
    return (item["source"]["document_id"], *item["evidence_span"], item["kind"])  # type: ignore[return-value]


def walk(client: httpx.Client, path: str, params: list[tuple[str, str]], limit: int = 500) -> list[dict[str, Any]]:
    """Every item of a paginated listing, checking each page's size and cursor."""
    items: list[dict[str, Any]] = []
    cursor = None
    for _ in range(1000):
        q = [*params, ("limit", str(limit))] + ([("cursor", cursor)] if cursor else [])
        r = client.get(path, params=q)
        assert r.status_code == 200, r.text
        body = r.json()
        page = body["items"] if "items" in body else [f["properties"] for f in body["features"]]
        assert len(page) <= limit
        items += page
        cursor = body["next"]
        if cursor is None:
            return items
        assert len(page) == limit  # a page is short only at the end
    raise AssertionError("pagination did not end")


def assert_error(r: httpx.Response, status: int, code: str | None = None) -> dict[str, Any]:
    """The API's one error shape, exactly."""
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith("application/json")
    body = r.json()
    assert set(body) == {"error"}
    err = body["error"]
    assert set(err) == {"status", "code", "message"}
    assert err["status"] == status
    assert isinstance(err["code"], str) and err["code"]
    assert isinstance(err["message"], str) and err["message"].strip()
    if code is not None:
        assert err["code"] == code
    return dict(err)


# --------------------------------------------------------------------------------------------
# Events


def test_event_filters_match_the_stored_records(stored, corpus):  # type: ignore[no-untyped-def]
    want = expected_events(corpus)
    assert len(want) > 100
    with api(stored) as c:
        everything = walk(c, "/api/events", [])
        assert sorted(map(key, everything)) == sorted(w["key"] for w in want)
        assert len({i["uid"] for i in everything}) == len(everything)

        def check(params: list[tuple[str, str]], keep: Any) -> None:
            got = sorted(map(key, walk(c, "/api/events", params)))
            assert got == sorted(w["key"] for w in want if keep(w)), params
            assert got, f"{params} should match some events of the corpus"

        check([("kind", "airstrike"), ("kind", "shelling")], lambda w: w["kind"] in ("airstrike", "shelling"))
        check([("actor", "SDF")], lambda w: "SDF" in w["actors"])
        check([("actor", "HTS"), ("actor", "ISIS")], lambda w: w["actors"] & {"HTS", "ISIS"})
        check([("certainty", "claimed")], lambda w: w["certainty"] == "claimed")
        box = (40.0, 34.0, 41.5, 35.5)  # the Euphrates valley below Deir ez-Zor
        check([("bbox", ",".join(map(str, box)))],
              lambda w: w["lat"] is not None and box[0] <= w["lon"] <= box[2] and box[1] <= w["lat"] <= box[3])
        check([("from", "2018-11-01"), ("to", "2018-12-31")],
              lambda w: w["from"] is not None and w["from"] <= "2018-12-31" and w["to"] >= "2018-11-01")
        check([("kind", "takeover"), ("actor", "SDF"), ("to", "2018-12-31")],
              lambda w: w["kind"] == "takeover" and "SDF" in w["actors"] and w["from"] is not None
              and w["from"] <= "2018-12-31")  # fmt: skip


def test_pagination_walks_every_event_once(stored, corpus):  # type: ignore[no-untyped-def]
    with api(stored) as c:
        first = c.get("/api/events").json()
        assert len(first["items"]) == 100 and first["next"]  # the default page
        paged = walk(c, "/api/events", [], limit=7)
        whole = walk(c, "/api/events", [], limit=500)
        assert [i["uid"] for i in paged] == [i["uid"] for i in whole]
        assert len(whole) == sum(len(rec["events"]) for _, rec in corpus)
        assert_error(c.get("/api/events", params={"limit": 501}), 422)
        assert_error(c.get("/api/events", params={"limit": 0}), 422)
        assert_error(c.get("/api/events", params={"cursor": "abc"}), 422, "invalid_cursor")


def test_geojson_is_the_same_page_as_features(stored):  # type: ignore[no-untyped-def]
    with api(stored) as c:
        params = {"kind": "takeover", "limit": 50}
        plain = c.get("/api/events", params=params).json()
        r = c.get("/api/events.geojson", params=params)
        assert r.status_code == 200
        assert r.headers["content-type"].startswith("application/geo+json")
        fc = r.json()
        assert fc["type"] == "FeatureCollection"
        assert fc["next"] == plain["next"]
        assert [f["id"] for f in fc["features"]] == [i["uid"] for i in plain["items"]]
        located = 0
        for f, item in zip(fc["features"], plain["items"], strict=True):
            assert f["type"] == "Feature" and f["properties"] == item
            if item["place"]["lat"] is None:
                assert f["geometry"] is None
            else:
                located += 1
                assert f["geometry"] == {"type": "Point", "coordinates": [item["place"]["lon"], item["place"]["lat"]]}
        assert located > 0


def test_event_and_document_lookup(stored, corpus):  # type: ignore[no-untyped-def]
    texts = {d.id: d.text for d, _ in corpus}
    with api(stored) as c:
        items = c.get("/api/events", params={"kind": "takeover", "actor": "SDF"}).json()["items"]
        assert items
        for item in items[:5]:
            one = c.get(f"/api/events/{item['uid']}").json()
            doc_id = one["source"]["document_id"]
            start, end = one["evidence_span"]
            assert texts[doc_id][start:end] == one["evidence"]
            assert one["document"]["id"] == doc_id and one["document"]["href"] == f"/api/documents/{doc_id}"
            doc = c.get(one["document"]["href"]).json()
            assert doc["text"] == texts[doc_id] and doc["text_withheld"] is False
            assert item["uid"] in {e["uid"] for e in doc["evidence"]}
        assert_error(c.get("/api/events/e000000000000000"), 404, "not_found")
        assert_error(c.get("/api/documents/no-such-document"), 404, "not_found")


# --------------------------------------------------------------------------------------------
# Control


def test_control_endpoints_follow_the_timeline(stored, res):  # type: ignore[no-untyped-def]
    from raqib.store import open_store
    from raqib.timeline import build_timeline, claims_from_store

    store = open_store(stored)
    timeline = build_timeline(claims_from_store(store, res.gazetteer, res.actors))
    store.engine.dispose()
    with api(stored) as c:
        for day in ("2018-11-05", "2018-11-12", "2019-03-01"):
            r = c.get("/api/control/map", params={"as_of": day})
            assert r.status_code == 200 and r.headers["content-type"].startswith("application/geo+json")
            fc = r.json()
            assert fc["type"] == "FeatureCollection" and fc["as_of"] == day
            got = {(f["id"], h["controller"], h["status"]) for f in fc["features"] for h in f["properties"]["holders"]}
            lib = {(h.place.key, h.controller, h.status) for h in timeline.map_as_of(dt.date.fromisoformat(day))}
            assert got == lib and got
            for f in fc["features"]:
                p = f["properties"]
                assert p["status"] in ("held", "partial", "contested", "besieged")
                if p["lat"] is not None:
                    assert f["geometry"] == {"type": "Point", "coordinates": [p["lon"], p["lat"]]}
                for h in p["holders"]:
                    assert h["evidence"] and h["since"] <= day
                    if h["document_id"]:  # a report's claim (not the map baseline): its row id and link
                        assert h["uid"]
                        assert h["url"] is None or h["url"].startswith("http")

            brief = c.get("/api/control/map", params={"as_of": day, "brief": "true"}).json()
            assert [f["id"] for f in brief["features"]] == [f["id"] for f in fc["features"]]
            for fb, ff in zip(brief["features"], fc["features"], strict=True):
                assert set(fb["properties"]) == {"place", "name_ar", "approximate", "status", "holders"}
                assert fb["geometry"] == ff["geometry"]
                assert fb["properties"]["holders"] == [
                    {k: h[k] for k in ("controller", "status", "since")} for h in ff["properties"]["holders"]]
            one = fc["features"][len(fc["features"]) // 2]
            assert c.get("/api/control/map", params={"as_of": day, "place": one["id"]}).json()["features"] == [one]
            box = (40.0, 34.0, 41.5, 35.5)
            inside = c.get("/api/control/map", params={"as_of": day, "bbox": ",".join(map(str, box))}).json()
            assert [f["id"] for f in inside["features"]] == [
                f["id"] for f in fc["features"] if f["geometry"]
                and box[0] <= f["geometry"]["coordinates"][0] <= box[2]
                and box[1] <= f["geometry"]["coordinates"][1] <= box[3]]  # fmt: skip

        def holders(day: str) -> list[str]:
            fc = c.get("/api/control/map", params={"as_of": day}).json()
            return [h["controller"] for f in fc["features"] if f["properties"]["name_ar"] == "الكشمة"
                    for h in f["properties"]["holders"]]  # fmt: skip

        assert holders("2018-11-05") == ["SDF"]
        assert holders("2018-11-12") == ["ISIS"]

        fc = c.get("/api/control/changes", params={"from": "2018-11-01", "to": "2018-11-30"}).json()
        kashma = [f["properties"] for f in fc["features"] if f["properties"]["name_ar"] == "الكشمة"]
        assert [(ch["day"], [a["controller"] for a in ch["after"]]) for ch in kashma] == [
            ("2018-11-02", ["SDF"]), ("2018-11-10", ["ISIS"])]
        assert kashma[1]["sources"][0]["url"] == RETAKEN["url"]
        lib_changes = timeline.changed_between(dt.date(2018, 11, 1), dt.date(2018, 11, 30))
        assert len(fc["features"]) == len(lib_changes)

        hist = c.get("/api/places/history", params={"name": "الكشمة"}).json()["places"]
        ivs = [(iv["controller"], iv["valid_from"], iv["valid_to"]) for p in hist for iv in p["intervals"]
               if iv["valid_from"].startswith("2018-11")]  # fmt: skip
        assert ivs[:2] == [("SDF", "2018-11-02", "2018-11-09"), ("ISIS", "2018-11-10", ivs[1][2])]
        lib_ivs = [(iv.controller, iv.valid_from.isoformat(), iv.valid_to and iv.valid_to.isoformat())
                   for k in timeline.find("الكشمة") for iv in timeline.history(k)]  # fmt: skip
        assert [(iv["controller"], iv["valid_from"], iv["valid_to"]) for p in hist for iv in p["intervals"]] == lib_ivs
        taken = next(iv for p in hist for iv in p["intervals"] if iv["valid_from"] == "2018-11-02")
        assert taken["sources"][0]["evidence"] in TAKEN["text"]
        gid = next(p.gazetteer_id for p in timeline.places.values() if p.gazetteer_id)
        by_id = c.get("/api/places/history", params={"gazetteer_id": gid}).json()["places"]
        assert any(p["gazetteer_id"] == gid for p in by_id)
        assert_error(c.get("/api/places/history", params={"name": "مكان لا يوجد"}), 404)
        assert_error(c.get("/api/places/history"), 422)
        assert_error(c.get("/api/control/changes", params={"from": "2018-12-01", "to": "2018-11-01"}), 422)
        assert_error(c.get("/api/control/map", params={"as_of": "yesterday"}), 422, "invalid_date")


def test_control_map_follows_writes_of_other_processes(stored, res):  # type: ignore[no-untyped-def]
    from raqib.ingest import document_from_json
    from raqib.pipeline import process
    from raqib.store import open_store

    later = {**TAKEN, "id": "api-kashma-again", "published": "2019-02-01", "url": "https://example.org/again"}

    def sources(c: httpx.Client) -> set[str]:
        fc = c.get("/api/control/map", params={"as_of": "2019-02-01"}).json()
        return {h["document_id"] for f in fc["features"] for h in f["properties"]["holders"]}

    with api(stored) as c:
        assert "api-kashma-again" not in sources(c)
        store = open_store(stored)  # another writer, as `raqib watch` would be
        doc = document_from_json(later, "test")
        store.save(doc, process(doc, res), res.versions)
        store.engine.dispose()
        deadline = time.monotonic() + 10
        while "api-kashma-again" not in sources(c):
            assert time.monotonic() < deadline, "the map did not show a report stored by another process"
            time.sleep(0.3)


def test_meta_basemap_openapi_and_page(stored, corpus):  # type: ignore[no-untyped-def]
    from raqib.rules import KINDS

    days = [d for _, rec in corpus for e in rec["events"] for d in ((e["date"] or {}).get("from"),) if d]
    with api(stored, tile_url="https://{s}.tiles.example.org/{z}/{x}/{y}.png") as c:
        meta = c.get("/api/meta").json()
        assert meta["dates"]["from"] <= min(days) and meta["dates"]["to"] >= max(days)
        actors = {a["id"]: a for a in meta["actors"]}
        assert actors["SDF"]["colour"] != actors["ISIS"]["colour"]
        assert all(a["colour"].startswith("#") and a["name_en"] for a in meta["actors"])
        assert [k["id"] for k in meta["kinds"]] == list(KINDS)
        assert meta["map"]["tile_url"].startswith("https://{s}.tiles.example.org/")

        base = c.get("/api/basemap").json()
        assert base["type"] == "FeatureCollection" and len(base["features"]) == 14
        assert "OCHA" in base["attribution"] and "CC BY-IGO" in base["attribution"]
        for f in base["features"]:
            assert f["properties"]["pcode"].startswith("SY") and f["properties"]["name_ar"]
            assert f["geometry"]["type"] in ("Polygon", "MultiPolygon")

        paths = set(c.get("/openapi.json").json()["paths"])
        assert {"/api/events", "/api/events.geojson", "/api/events/{uid}", "/api/documents/{document_id}",
                "/api/documents", "/api/events/{uid}/corrections", "/api/control/{uid}/corrections",
                "/api/control/map", "/api/control/changes", "/api/places/history", "/api/meta",
                "/api/basemap"} <= paths  # fmt: skip

        page = c.get("/")
        assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
        csp = page.headers["content-security-policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "unsafe-eval" not in csp
        assert "https://*.tiles.example.org" in csp  # the tile server may serve images, nothing else
        assert c.get("/map.js").headers["content-type"].startswith(("text/javascript", "application/javascript"))
        assert "BSD" in c.get("/vendor/leaflet/LICENSE").text


# --------------------------------------------------------------------------------------------
# Errors, tokens, writes


def test_one_error_shape_for_every_error(stored):  # type: ignore[no-untyped-def]
    with api(stored, token=TOKEN) as c:
        assert_error(c.get("/no/such/page"), 404, "not_found")
        assert_error(c.get("/api/events/nope"), 404, "not_found")
        assert_error(c.get("/api/events", params={"bbox": "40,34,41"}), 422, "invalid_bbox")
        assert_error(c.get("/api/events", params={"bbox": "41,34,40,35"}), 422, "invalid_bbox")
        assert_error(c.get("/api/events", params={"from": "2018-13-01"}), 422, "invalid_date")
        err = assert_error(c.get("/api/events", params={"kind": "picnic"}), 422, "invalid_kind")
        assert "picnic" in err["message"] and "takeover" in err["message"]  # the bad value and the options
        assert_error(c.get("/api/events", params={"certainty": "sure"}), 422, "invalid_certainty")
        assert_error(c.get("/api/events", params={"limit": "many"}), 422, "invalid_request")
        assert_error(c.delete("/api/events"), 405)
        assert_error(c.post("/api/documents", json={"text": "x"}), 401, "token_required")
        assert_error(c.post("/api/documents", json={"text": "x"}, headers={"Authorization": "Bearer wrong"}), 403)
        auth = {"Authorization": f"Bearer {TOKEN}"}
        assert_error(c.post("/api/documents", content=b"{not json", headers={**auth, "content-type": "application/json"}),
                     422)  # fmt: skip
        big = "ا" * (2 * 1024 * 1024)
        assert_error(c.post("/api/documents", json={"text": big}, headers=auth), 413, "payload_too_large")

        def chunks() -> Iterator[bytes]:  # no Content-Length: the limit counts what arrives
            yield b'{"text": "'
            for _ in range(40):
                yield b"x" * 65536
            yield b'"}'

        assert_error(c.post("/api/documents", content=chunks(), headers={**auth, "content-type": "application/json"}),
                     413)  # fmt: skip

        # A failing database: the error keeps its shape and does not leak the database URL.
        engine = sa.create_engine(stored)
        with engine.begin() as conn:
            conn.execute(sa.text("DROP TABLE events CASCADE" if engine.dialect.name == "postgresql" else "DROP TABLE events"))
            conn.execute(sa.text("DROP TABLE control CASCADE" if engine.dialect.name == "postgresql" else "DROP TABLE control"))
        engine.dispose()
        for path in ("/api/events", "/api/control/map"):
            err = assert_error(c.get(path), 500)
            assert "postgres" not in err["message"] and "sqlite" not in err["message"]


def test_writes_need_the_token(stored, corpus):  # type: ignore[no-untyped-def]
    report = {**TAKEN, "id": "api-posted", "url": "https://example.org/posted"}
    with api(stored) as c:  # no token configured: no writes at all
        assert_error(c.post("/api/documents", json=report, headers={"Authorization": f"Bearer {TOKEN}"}), 403,
                     "writes_disabled")  # fmt: skip
    with api(stored, token=TOKEN, public_reads=False) as c:
        assert_error(c.get("/api/events"), 401)
        auth = {"Authorization": f"Bearer {TOKEN}"}
        assert c.get("/api/events", headers=auth).status_code == 200
        assert_error(c.post("/api/documents", json=report), 401)
        r = c.post("/api/documents", json=report, headers=auth)
        assert r.status_code == 201, r.text
        body = r.json()
        assert body["id"] == "api-posted" and body["changed"] is True
        posted = {e["uid"] for e in body["events"]}
        assert posted and {e["kind"] for e in body["events"]} >= {"takeover"}
        page = c.get("/api/events", params={"kind": "takeover", "limit": 500}, headers=auth).json()["items"]
        assert posted <= {i["uid"] for i in page}
        again = c.post("/api/documents", json=report, headers=auth)
        assert again.status_code == 200 and again.json()["changed"] is False
        assert_error(c.post("/api/documents", json={**report, "published": "last week"}, headers=auth), 422,
                     "invalid_report")  # fmt: skip
        assert_error(c.post("/api/documents", json={"url": "https://example.org"}, headers=auth), 422)
        slashed = {**report, "id": "furat/2018/11/kashma"}  # ids from URLs keep their slashes
        assert c.post("/api/documents", json=slashed, headers=auth).status_code == 201
        assert c.get("/api/documents/furat/2018/11/kashma", headers=auth).json()["id"] == "furat/2018/11/kashma"


def test_corrections_through_the_api(stored):  # type: ignore[no-untyped-def]
    auth = {"Authorization": f"Bearer {TOKEN}"}
    with api(stored, token=TOKEN) as c:
        fc = c.get("/api/control/map", params={"as_of": "2018-11-05"}).json()
        kashma = next(f for f in fc["features"] if f["properties"]["name_ar"] == "الكشمة")
        uid = kashma["properties"]["holders"][0]["uid"]
        fix = {"field": "controller", "value": "ISIS-DISSIDENT", "reason": "the dissidents took it", "who": "tester"}
        assert_error(c.post(f"/api/control/{uid}/corrections", json=fix), 401)
        r = c.post(f"/api/control/{uid}/corrections", json=fix, headers=auth)
        assert r.status_code == 200, r.text
        fc = c.get("/api/control/map", params={"as_of": "2018-11-05"}).json()
        kashma = next(f for f in fc["features"] if f["properties"]["name_ar"] == "الكشمة")
        assert [h["controller"] for h in kashma["properties"]["holders"]] == ["ISIS-DISSIDENT"]
        bad = {**fix, "field": "status", "value": "owned"}
        err = assert_error(c.post(f"/api/control/{uid}/corrections", json=bad, headers=auth), 422)
        assert "owned" in err["message"]
        assert_error(c.post("/api/control/c000/corrections", json=fix, headers=auth), 404)

        ev = c.get("/api/events", params={"kind": "takeover", "actor": "SDF", "limit": 1}).json()["items"][0]
        r = c.post(f"/api/events/{ev['uid']}/corrections", headers=auth,
                   json={"field": "kind", "value": "clash", "reason": "a clash, not a takeover", "who": "tester"})
        assert r.status_code == 200 and r.json()["event"]["kind"] == "clash"
        assert c.get(f"/api/events/{ev['uid']}").json()["reviewed"] is True
        r = c.post(f"/api/events/{ev['uid']}/corrections", headers=auth,
                   json={"field": "reject", "reason": "duplicate", "who": "tester"})
        assert r.status_code == 200 and r.json()["event"]["status"] == "rejected"
        assert ev["uid"] not in {i["uid"] for i in walk(c, "/api/events", [])}
        assert_error(c.post(f"/api/events/{ev['uid']}/corrections", headers=auth,
                            json={"field": "kind", "value": "picnic", "reason": "x"}), 422)  # fmt: skip
        assert_error(c.post(f"/api/events/{ev['uid']}/corrections", headers=auth, json={"field": "kind"}), 422)


# --------------------------------------------------------------------------------------------
# Publication settings


def test_serve_refuses_bad_options(tmp_path):  # type: ignore[no-untyped-def]
    from typer.testing import CliRunner

    from raqib.cli import app

    db = f"sqlite:///{tmp_path / 'x.db'}"
    env = {"RAQIB_TOKEN": ""}
    r = CliRunner().invoke(app, ["serve", "--db", db, "--private"], env=env)
    assert r.exit_code == 2 and "RAQIB_TOKEN" in r.output
    r = CliRunner().invoke(app, ["serve", "--db", db, "--tile-url", "ftp://tiles/{z}/{x}/{y}.png"], env=env)
    assert r.exit_code == 2 and "--tile-url" in r.output
    r = CliRunner().invoke(app, ["serve", "--db", db, "--port", "0"], env=env)
    assert r.exit_code == 2 and "--port" in r.output


def test_evidence_only_serves_no_article_text(stored, corpus):  # type: ignore[no-untyped-def]
    with api(stored, evidence_only=True) as c:
        n = 0
        for doc, rec in corpus:
            if not rec["events"] and not rec["control"]:
                continue
            r = c.get(f"/api/documents/{doc.id}")
            body = r.json()
            assert body["text"] is None and body["text_withheld"] is True
            assert body["evidence"]
            if all(len(e["evidence"]) < len(doc.text.strip()) for e in body["evidence"]):  # not a one-sentence report
                assert doc.text not in r.text
            for e in body["evidence"]:
                assert e["evidence"] and doc.text[e["span"][0]:e["span"][1]] == e["evidence"]
            n += 1
        assert n > 30


def test_withhold_names_drops_the_sentences_about_victims_and_detainees(stored):  # type: ignore[no-untyped-def]
    from raqib.publish import about_people

    with api(stored, withhold_names=True) as c:
        items = walk(c, "/api/events", [])
        people = [i for i in items if about_people(i["kind"], i["counts"])]
        others = [i for i in items if not about_people(i["kind"], i["counts"])]
        assert people and others
        assert {i["kind"] for i in people} >= {"arrest", "killing"}
        for i in people:
            assert i["evidence"] is None and i["evidence_span"] is None and i["evidence_withheld"] is True
            assert i["kind"] and i["actor1"]  # the coded fields stay
        for i in others:
            assert i["evidence"] and i["evidence_withheld"] is False
        arrest = next(i for i in people if i["kind"] == "arrest")
        doc = c.get(f"/api/documents/{arrest['source']['document_id']}").json()
        assert doc["text"] is None and doc["title"] is None
        assert arrest["uid"] not in {e["uid"] for e in doc["evidence"]}
        one = c.get(f"/api/events/{arrest['uid']}").json()
        assert one["evidence"] is None
