"""Security of the HTTP API and the web map (issue 10), on a live server over SQLite and PostgreSQL:
SQL is parameterised, report text comes back escaped, every response carries the
Content-Security-Policy, writes need the token (compared in constant time), reads are public or need
the token, and request bodies and pages are capped.

The browser side of escaping (nothing from a report runs in the map) is
``tests/test_map_browser.py::test_report_text_is_shown_as_text_and_runs_nothing``.
"""

from __future__ import annotations

import ast
import hmac
import json
from pathlib import Path
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from test_api import TAKEN, TOKEN, api, assert_error, corpus, stored, walk

# The fixtures "corpus" (the dev reports extracted, once a session) and "stored" (a store holding them, on
# SQLite and PostgreSQL) are shared with the API's functional tests: imported, pytest finds them here.
SHARED_FIXTURES = (corpus, stored)

ROOT = Path(__file__).resolve().parent.parent
AUTH = {"Authorization": f"Bearer {TOKEN}"}
SQL = ["' OR 1=1 --", '"; DROP TABLE events; --', "1; DELETE FROM documents", "x' UNION SELECT uid FROM events --",
       "%' OR '1'='1", "SDF') OR ('a'='a"]  # fmt: skip
XSS = "<img src=x onerror=alert(1)> </script><script>alert(2)</script>"
HOSTILE = {
    "id": "sec-hostile", "url": "https://example.org/hostile", "outlet": "<b onmouseover=alert(3)>Outlet</b>",
    "published": "2018-12-14", "title": f"عنوان {XSS}",
    "text": f"سيطرت قوات سوريا الديمقراطية اليوم على بلدة هجين في ريف دير الزور الشرقي {XSS} بعد معارك مع داعش.",
}  # fmt: skip


# --------------------------------------------------------------------------------------------
# SQL


SQL_MODULES = [*sorted((ROOT / "raqib" / "store").glob("*.py")), ROOT / "raqib" / "api.py", ROOT / "raqib" / "review.py",
               ROOT / "raqib" / "publish.py", ROOT / "raqib" / "timeline.py"]  # fmt: skip


def test_sql_text_is_never_built_from_values() -> None:
    """Every SQL string handed to the database (``text()``, ``execute()``, ``exec_driver_sql()``) in the
    store, the API and review is a literal: values go in as bound parameters, never into the SQL."""
    calls = 0
    for path in SQL_MODULES:
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            if name not in ("text", "execute", "exec_driver_sql"):
                continue
            first = node.args[0]
            built = isinstance(first, ast.JoinedStr | ast.BinOp) or (
                isinstance(first, ast.Call) and getattr(first.func, "attr", "") == "format"
            )
            assert not built, f"{path.relative_to(ROOT)}:{node.lineno}: SQL built from values: {ast.unparse(first)}"
            calls += 1
    assert calls > 20  # the walk saw the store's queries


def _counts(url: str) -> dict[str, int]:
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        names = set(sa.inspect(conn).get_table_names())
        out = {t: conn.execute(sa.text(f'SELECT count(*) FROM "{t}"')).scalar_one()  # table names from the schema
               for t in ("documents", "document_versions", "events", "control", "corrections", "audit")}  # fmt: skip
    engine.dispose()
    assert {"documents", "events", "control", "corrections", "audit", "alembic_version"} <= names
    return out


def test_sql_looking_input_is_only_data(stored, corpus):  # type: ignore[no-untyped-def]
    before = _counts(stored)
    assert before["events"] > 100
    with api(stored, token=TOKEN) as c:
        everything = {i["uid"] for i in walk(c, "/api/events", [])}
        assert len(everything) == before["events"]
        for s in SQL:
            # Free-text filters match nothing (no actor, place or id is called that).
            for path, params in (("/api/events", {"actor": s}), ("/api/events.geojson", {"actor": s}),
                                 ("/api/control/map", {"place": s}), ("/api/control/map", {"place": s, "brief": "true"})):
                r = c.get(path, params=params)
                assert r.status_code == 200, r.text
                body = r.json()
                assert body.get("items", body.get("features")) == [], (path, params)
            # Filters with a fixed form refuse it, naming the value.
            for path, name in (("/api/events", "kind"), ("/api/events", "certainty"), ("/api/events", "from"),
                               ("/api/events", "to"), ("/api/events", "bbox"), ("/api/events", "cursor"),
                               ("/api/events", "limit"), ("/api/events.geojson", "kind"),
                               ("/api/control/map", "as_of"), ("/api/control/map", "bbox")):  # fmt: skip
                err = assert_error(c.get(path, params={name: s}), 422)
                assert s in err["message"] or name in err["message"]
            assert_error(c.get("/api/control/changes", params={"from": s, "to": "2019-01-01"}), 422, "invalid_date")
            assert_error(c.get("/api/places/history", params={"name": s}), 404)
            assert_error(c.get("/api/places/history", params={"gazetteer_id": s}), 404)
            assert_error(c.get(f"/api/events/{s}"), 404)
            assert_error(c.get(f"/api/documents/{s}"), 404)
            fix = {"field": "kind", "value": "clash", "reason": s, "who": s}
            assert_error(c.post(f"/api/events/{s}/corrections", json=fix, headers=AUTH), 404)
            assert_error(c.post(f"/api/control/{s}/corrections", json=fix, headers=AUTH), 404)

        # A report made of SQL is stored and served back exactly as sent.
        report = {**TAKEN, "id": SQL[1], "outlet": SQL[0], "title": SQL[2], "url": f"https://example.org/?q={SQL[0]}",
                  "text": f"{TAKEN['text']} {SQL[3]}"}  # fmt: skip
        r = c.post("/api/documents", json=report, headers=AUTH)
        assert r.status_code == 201, r.text
        doc = c.get(f"/api/documents/{SQL[1]}").json()
        assert {k: doc[k] for k in ("id", "outlet", "title", "url", "text")} == {
            k: report[k] for k in ("id", "outlet", "title", "url", "text")}  # fmt: skip
        # And an analyst's reason made of SQL goes to the audit log as text.
        uid = r.json()["events"][0]["uid"]
        fixed = c.post(f"/api/events/{uid}/corrections", headers=AUTH,
                       json={"field": "certainty", "value": "claimed", "reason": SQL[1], "who": SQL[0]})  # fmt: skip
        assert fixed.status_code == 200, fixed.text
        assert_error(c.post(f"/api/events/{uid}/corrections", headers=AUTH,
                            json={"field": "kind", "value": SQL[0], "reason": "x"}), 422)  # fmt: skip
        after = {i["uid"] for i in walk(c, "/api/events", [])}
        assert after == everything | {e["uid"] for e in r.json()["events"]}

    from raqib.review import audit_log
    from raqib.store import open_store

    store = open_store(stored)
    last = audit_log(store, limit=1)[0]
    store.engine.dispose()
    assert (last["uid"], last["reason"], last["who"]) == (uid, SQL[1], SQL[0])
    now = _counts(stored)
    posted = len(r.json()["events"])
    assert now["documents"] == before["documents"] + 1 and now["events"] == before["events"] + posted
    assert now["control"] >= before["control"] and now["corrections"] == before["corrections"] + 1
    assert now["audit"] == before["audit"] + 1


# --------------------------------------------------------------------------------------------
# Escaping


def test_report_html_comes_back_escaped_and_never_reaches_the_page(stored):  # type: ignore[no-untyped-def]
    with api(stored, token=TOKEN) as c:
        r = c.post("/api/documents", json=HOSTILE, headers=AUTH)
        assert r.status_code == 201, r.text
        events = r.json()["events"]
        assert any(XSS in (e["evidence"] or "") for e in events), "the payload should be in an evidence sentence"
        uid = next(e["uid"] for e in events if XSS in (e["evidence"] or ""))
        responses = [
            r,
            c.get("/api/events", params={"limit": 500}),
            c.get("/api/events.geojson", params={"limit": 500}),
            c.get(f"/api/events/{uid}"),
            c.get(f"/api/documents/{HOSTILE['id']}"),
            c.get("/api/control/map", params={"as_of": HOSTILE["published"]}),
            c.get("/api/control/changes", params={"from": "2018-12-01", "to": "2018-12-31"}),
            c.get("/api/places/history", params={"name": "هجين"}),
            c.get("/api/documents/<script>alert(1)</script>"),  # the bad value named in an error message
        ]
        for resp in responses:
            raw = resp.content.decode("utf-8")
            assert "<" not in raw and ">" not in raw, (resp.url, raw[:300])  # written as \u003c and \u003e
        assert XSS in json.dumps(responses[1].json(), ensure_ascii=False)  # the same text once decoded
        one = responses[3].json()
        assert XSS in one["evidence"] and one["source"]["outlet"] == HOSTILE["outlet"]
        doc = responses[4].json()
        assert doc["text"] == HOSTILE["text"] and doc["title"] == HOSTILE["title"]
        assert "\\u003cimg src=x onerror=alert(1)\\u003e" in responses[4].text
        assert "<script>" in assert_error(responses[-1], 404)["message"]
        assert r.json()["control"], "the report should state who holds Hajin"
        claims = [c for p in responses[7].json()["places"] for iv in p["intervals"] for c in iv["claims"]]
        assert any(XSS in (c["evidence"] or "") for c in claims)

        # The page and its scripts are static files: no report text is ever written into them (the map
        # fetches the JSON above and sets it as text; tests/test_map_browser.py checks that in Chromium).
        for path in ("/", "/index.html", "/map.js", "/map.css"):
            page = c.get(path)
            assert page.status_code == 200
            assert "onerror=alert" not in page.text and HOSTILE["outlet"] not in page.text


# --------------------------------------------------------------------------------------------
# Content-Security-Policy


def test_every_response_carries_the_content_security_policy(stored):  # type: ignore[no-untyped-def]
    from raqib.api import web_dir

    web = web_dir()
    files = sorted("/" + p.relative_to(web).as_posix() for p in web.rglob("*") if p.is_file())
    assert {"/index.html", "/map.js", "/map.css", "/vendor/leaflet/leaflet.js"} <= set(files)
    with api(stored, token=TOKEN) as c:
        csp = c.get("/").headers["content-security-policy"]
        directives = dict(d.strip().split(" ", 1) for d in csp.split(";"))
        assert directives["default-src"] == "'none'" and directives["script-src"] == "'self'"
        assert directives["style-src"] == "'self'" and directives["connect-src"] == "'self'"
        assert directives["frame-ancestors"] == "'none'" and directives["base-uri"] == "'none'"
        assert "unsafe" not in csp and "*" not in csp

        def check(resp: httpx.Response) -> None:
            assert resp.headers.get("content-security-policy") == csp, (resp.request.url, resp.status_code)
            assert resp.headers["x-content-type-options"] == "nosniff"
            assert resp.headers["x-frame-options"] == "DENY" and resp.headers["referrer-policy"] == "no-referrer"

        for path in ["/", *files]:
            r = c.get(path)
            assert r.status_code == 200, path
            check(r)
            check(c.head(path))
            if "etag" in r.headers:  # a revalidated file (304) too
                again = c.get(path, headers={"If-None-Match": r.headers["etag"]})
                assert again.status_code == 304
                check(again)
        for path in ("/api/events", "/api/events.geojson", "/api/control/map", "/api/meta", "/api/basemap",
                     "/openapi.json", "/no/such/page", "/api/no-such-endpoint", "/api/events/nope"):  # fmt: skip
            check(c.get(path))
        check(c.post("/api/documents", json={"text": "x"}))  # 401
        check(c.post("/api/documents", content=b"x" * (3 * 1024 * 1024), headers=AUTH))  # 413
        check(c.request("TRACE", "/api/meta"))  # 405


# --------------------------------------------------------------------------------------------
# Tokens and read access


WRITES = [("/api/documents", {**TAKEN, "id": "sec-posted"}),
          ("/api/events/{uid}/corrections", {"field": "certainty", "value": "claimed", "reason": "check"}),
          ("/api/control/{uid}/corrections", {"field": "status", "value": "contested", "reason": "check"})]  # fmt: skip
READS = ["/api/events", "/api/events.geojson", "/api/events/{uid}", "/api/documents/{doc}", "/api/control/map",
         "/api/control/changes?from=2018-11-01&to=2018-11-30", "/api/places/history?name=الكشمة", "/api/meta",
         "/api/basemap"]  # fmt: skip


def _ids(c: httpx.Client, headers: dict[str, str]) -> dict[str, str]:
    ev = c.get("/api/events", params={"kind": "takeover", "limit": 1}, headers=headers).json()["items"][0]
    fc = c.get("/api/control/map", params={"as_of": "2018-11-05"}, headers=headers).json()
    holder = next(h for f in fc["features"] for h in f["properties"]["holders"] if h["uid"])
    return {"uid": ev["uid"], "doc": ev["source"]["document_id"], "cuid": holder["uid"]}


def _fill(path: str, ids: dict[str, str]) -> str:
    return path.replace("{uid}", ids["uid"], 1).replace("{doc}", ids["doc"]) if "/control/" not in path else \
        path.replace("{uid}", ids["cuid"])  # fmt: skip


def test_writes_need_the_token_compared_in_constant_time(stored, monkeypatch):  # type: ignore[no-untyped-def]
    import raqib.api

    compared: list[tuple[bytes, bytes]] = []
    real = hmac.compare_digest

    def spy(a: Any, b: Any) -> bool:
        compared.append((a, b))
        return real(a, b)

    monkeypatch.setattr(raqib.api.hmac, "compare_digest", spy)
    with api(stored) as c:  # no token configured: every write refused, reads open
        ids = _ids(c, {})
        for path, body in WRITES:
            assert_error(c.post(_fill(path, ids), json=body, headers=AUTH), 403, "writes_disabled")
        assert all(c.get(_fill(p, ids)).status_code == 200 for p in READS)
    assert compared == []
    with api(stored, token=TOKEN) as c:
        for path, body in WRITES:
            url = _fill(path, ids)
            assert_error(c.post(url, json=body), 401, "token_required")
            assert_error(c.post(url, json=body, headers={"Authorization": TOKEN}), 401, "token_required")  # no scheme
            assert_error(c.post(url, json=body, headers={"Authorization": "Basic " + TOKEN}), 401)
            for wrong in ("x", TOKEN[:-1], TOKEN + "x", TOKEN.upper(), "é" + TOKEN):
                assert_error(c.post(url, json=body, headers={"Authorization": f"Bearer {wrong}".encode()}), 403,
                             "bad_token")  # fmt: skip
            n = len(compared)
            r = c.post(url, json=body, headers=AUTH)
            assert r.status_code in (200, 201), r.text
            assert compared[n:] == [(TOKEN.encode(), TOKEN.encode())]  # the one comparison was hmac's
        # Reads stay public when a token is set, unless --private.
        assert all(c.get(_fill(p, ids)).status_code == 200 for p in READS)
    assert (b"x", TOKEN.encode()) in compared and (TOKEN[:-1].encode(), TOKEN.encode()) in compared


def test_private_reads_need_the_token(stored):  # type: ignore[no-untyped-def]
    from raqib.api import create_app
    from raqib.errors import UsageError

    with pytest.raises(UsageError):
        create_app(stored, public_reads=False)  # no token: refused, never an open "private" server
    with api(stored, token=TOKEN, public_reads=False) as c:
        ids = _ids(c, AUTH)
        for path in READS:
            url = _fill(path, ids)
            err = assert_error(c.get(url), 401, "token_required")
            assert "Bearer" in err["message"]
            assert c.get(url).headers["www-authenticate"].startswith("Bearer")
            assert_error(c.get(url, headers={"Authorization": "Bearer wrong"}), 403, "bad_token")
            assert c.get(url, headers=AUTH).status_code == 200, url
        # The page and its scripts are static and hold no data: served to all (the map then shows the 401).
        assert c.get("/").status_code == 200 and c.get("/map.js").status_code == 200
        assert c.get("/api/meta", headers=AUTH).json()["settings"]["public_reads"] is False


# --------------------------------------------------------------------------------------------
# Size limits and pagination caps


def test_request_bodies_and_pages_are_capped(stored):  # type: ignore[no-untyped-def]
    from raqib.api import MAX_BODY, PAGE_MAX

    with api(stored, token=TOKEN) as c:
        # The body limit is on bytes, before the JSON is parsed or the token looked at.
        at_limit = json.dumps({"text": "x" * (MAX_BODY - len('{"text": ""}'))}).encode()
        assert len(at_limit) == MAX_BODY
        over = at_limit[:-2] + b'x"}'
        r = c.post("/api/documents", content=at_limit, headers={**AUTH, "content-type": "application/json"})
        assert r.status_code != 413  # refused by the text limit of the pipeline (422), not by size
        assert_error(r, 422)
        assert_error(c.post("/api/documents", content=over, headers={**AUTH, "content-type": "application/json"}),
                     413, "payload_too_large")  # fmt: skip
        assert_error(c.post("/api/documents", content=over, headers={"content-type": "application/json"}), 413)
        assert_error(c.request("GET", "/api/events", content=b"x" * (MAX_BODY + 1)), 413)  # any method
        assert_error(c.post("/api/events/x/corrections", content=b"{" * (MAX_BODY + 1), headers=AUTH), 413)

        # Pages: at most PAGE_MAX events; a larger limit is refused (422), not clamped.
        page = c.get("/api/events", params={"limit": PAGE_MAX}).json()
        assert len(page["items"]) == PAGE_MAX or page["next"] is None
        for bad in (PAGE_MAX + 1, 10**6, 0, -1):
            err = assert_error(c.get("/api/events", params={"limit": bad}), 422)
            assert "limit" in err["message"]
        assert_error(c.get("/api/events.geojson", params={"limit": PAGE_MAX + 1}), 422)
        assert_error(c.get("/api/events", params={"cursor": str(2**31)}), 422, "invalid_cursor")
        assert_error(c.get("/api/events", params={"cursor": "²"}), 422, "invalid_cursor")  # a digit to str.isdigit


def test_nul_and_broken_unicode_are_refused_not_database_errors(stored):  # type: ignore[no-untyped-def]
    """PostgreSQL's text takes no NUL: found by schemathesis as 500s, now 422s on both databases."""
    with api(stored, token=TOKEN) as c:
        for path in ("/api/events?actor=a%00b", "/api/events/a%00b", "/api/documents/a%00b",
                     "/api/control/map?place=a%00b", "/api/places/history?gazetteer_id=a%00b"):  # fmt: skip
            assert_error(c.get(path), 422, "invalid_request")
        for field in ("text", "id", "title", "outlet", "url"):
            report = {**TAKEN, "id": "sec-nul", field: TAKEN.get(field, "x") + "\x00"}
            err = assert_error(c.post("/api/documents", json=report, headers=AUTH), 422)
            assert f"body.{field}" in err["message"] and "NUL" in err["message"]
        lone = b'{"text": "\\ud800 ' + TAKEN["text"].encode() + b'"}'
        err = assert_error(c.post("/api/documents", content=lone, headers={**AUTH, "content-type": "application/json"}),
                           422)  # fmt: skip
        assert "body.text" in err["message"]  # pydantic or raqib.api_schema.storable refuses it
        ids = _ids(c, {})
        bad = {"field": "counts", "value": {"killed\x00": 3}, "reason": "x"}
        assert_error(c.post(f"/api/events/{ids['uid']}/corrections", json=bad, headers=AUTH), 422)
        assert c.get("/api/events").status_code == 200


def test_static_files_stay_in_the_web_folder_and_no_cross_origin_reads(stored):  # type: ignore[no-untyped-def]
    with api(stored, token=TOKEN) as c:
        for path in ("/../pyproject.toml", "/%2e%2e/pyproject.toml", "/..%2fpyproject.toml", "/vendor/../../api.py",
                     "/%2e%2e/%2e%2e/etc/passwd"):  # fmt: skip
            r = c.get(path)
            assert r.status_code == 404, (path, r.status_code)
            assert "[project]" not in r.text and "root:" not in r.text
        # No CORS headers: a page on another origin cannot read the API with the visitor's browser, and
        # the token travels only in the Authorization header (no cookies), so there is nothing to forge.
        r = c.get("/api/events", headers={"Origin": "https://evil.example"})
        assert r.status_code == 200 and not any(h.startswith("access-control-") for h in r.headers)
        pre = c.options("/api/documents", headers={"Origin": "https://evil.example",
                                                   "Access-Control-Request-Method": "POST"})  # fmt: skip
        assert pre.status_code == 405 and "access-control-allow-origin" not in pre.headers
        assert "set-cookie" not in r.headers


def test_serve_keeps_idle_connections_longer_than_client_pools(monkeypatch, tmp_path):  # type: ignore[no-untyped-def]
    """uvicorn's default keep-alive (5 s) equals httpx's pool expiry: the load test then saw resets on
    reused connections. `raqib serve` sets a longer one."""
    import uvicorn
    from typer.testing import CliRunner

    from raqib.api import KEEP_ALIVE_SECONDS
    from raqib.cli import app

    seen: dict[str, Any] = {}
    monkeypatch.setattr(uvicorn, "run", lambda api, **kw: seen.update(kw))
    r = CliRunner().invoke(app, ["serve", "--db", f"sqlite:///{tmp_path / 'k.db'}", "--port", "8123"],
                           env={"RAQIB_TOKEN": ""})  # fmt: skip
    assert r.exit_code == 0, r.output
    assert seen["timeout_keep_alive"] == KEEP_ALIVE_SECONDS >= 60 and seen["host"] == "127.0.0.1"
