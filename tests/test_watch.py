"""``raqib watch``: feeds polled from a local HTTP server that answers like real sites do (conditional
GET, article pages, a 404 page) and like broken ones (too slow, garbage, a 500)."""

from __future__ import annotations

import email.utils
import html
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from conftest import DEV
from typer.testing import CliRunner

from raqib.cli import app
from raqib.errors import UsageError
from raqib.ingest import stable_id
from raqib.store import EventFilter, count_events, iter_events, open_store
from raqib.watch import PollReport, WatchOptions, parse_interval, watch

TIMEOUT = 1.0
"""--timeout of the runs; the slow feed answers well after it."""


def _gold(name: str) -> dict[str, Any]:
    return dict(json.loads((DEV / f"{name}.json").read_text("utf-8")))


def _paragraphs(name: str) -> list[str]:
    return [line for line in _gold(name)["text"].split("\n") if line.strip()]


def _rfc822(day: str, hour: int = 9) -> str:
    import datetime as dt

    return email.utils.format_datetime(dt.datetime.fromisoformat(f"{day}T{hour:02d}:00:00+03:00"))


# --------------------------------------------------------------------------------------------
# The test site


@dataclass
class Site:
    """What the server answers; a test bumps ``version`` to publish a revision and a new item."""

    base: str = ""
    version: int = 1
    requests: list[tuple[str, dict[str, str], int]] = field(default_factory=list)
    """(path, request headers, status) of every request, in order."""
    lock: threading.Lock = field(default_factory=threading.Lock)

    def paths(self) -> list[str]:
        with self.lock:
            return [p for p, _, _ in self.requests]

    def of(self, path: str) -> list[tuple[dict[str, str], int]]:
        with self.lock:
            return [(h, s) for p, h, s in self.requests if p == path]

    # The article pages: three real reports. The first is published short, then revised (extended).
    def article(self, slug: str) -> tuple[str, list[str], str] | None:
        pages = {"afrin": "aajsy-afrin-maryamin", "peshmerga": "iq2-peshmerga-six-villages",
                 "tripoli": "alwaght-tripoli-airport"}  # fmt: skip
        if slug not in pages or (slug == "tripoli" and self.version < 2):
            return None
        paras = _paragraphs(pages[slug])
        if slug == "afrin" and self.version < 2:
            paras = paras[:-2]
        return pages[slug], paras, _gold(pages[slug])["published"]

    def rss(self) -> str:
        """Summary-only items, as many WordPress feeds are; the second item's page is gone (404)."""
        items = [("afrin", "قوات الجيش الحر تسيطر على ثلاث قرى قرب عفرين"),
                 ("missing", "قسد تنتزع السيطرة على هجين"),
                 ("peshmerga", "البيشمركة تعلن تحرير 6 قرى")]  # fmt: skip
        if self.version >= 2:
            items.append(("tripoli", "اشتباكات عنيفة جنوب طرابلس"))
        out = []
        for slug, title in items:
            if slug == "missing":
                summary, day = _gold("afp-hajin-sdf")["text"], "2018-12-14"
            else:
                page = self.article(slug)
                assert page is not None
                _, paras, day = page
                # The summary is the first sentence; the revision of the first article changes it too.
                summary = (
                    paras[0]
                    if slug == "afrin" and self.version >= 2
                    else paras[0].split("،")[0] + " [&#8230;]"
                )
            out.append(
                f"<item><title>{title}</title><link>{self.base}/article/{slug}.html</link>"
                f'<guid isPermaLink="false">{self.base}/?p={slug}</guid><pubDate>{_rfc822(day)}</pubDate>'
                f"<description><![CDATA[{summary}]]></description></item>"
            )
        return (
            '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>شبكة أخبار الاختبار</title>'
            f"<link>{self.base}/</link><description>أخبار</description>{''.join(out)}</channel></rss>"
        )

    def atom(self) -> str:
        """Full-text entries (Atom ``content``): nothing to fetch but the feed."""
        entries = []
        for n, name in enumerate(("darelhilal-pmf-hawija", "masrytoday-hameh-qudsaya")):
            paras = _paragraphs(name)
            body = html.escape("".join(f"<p>{p}</p>" for p in paras[1:]))
            day = _gold(name).get("published") or "2017-10-06"
            entries.append(
                f'<entry><title>{html.escape(paras[0])}</title><link href="{self.base}/agency/{n}"/>'
                f"<id>urn:test:{name}</id><updated>{day}T08:00:00+03:00</updated>"
                f'<published>{day}T08:00:00+03:00</published><content type="html">{body}</content></entry>'
            )
        return (
            '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom" xml:lang="ar">'
            f"<title>وكالة أنباء الاختبار</title><id>urn:test:agency</id><updated>2017-10-06T09:00:00+03:00</updated>"
            f"{''.join(entries)}</feed>"
        )

    def page(self, slug: str) -> str | None:
        page = self.article(slug)
        if page is None:
            return None
        _, paras, day = page
        title = paras[0].split("،")[0]
        body = "".join(f"<p>{p}</p>" for p in paras)
        return (
            f'<!DOCTYPE html><html lang="ar" dir="rtl"><head><meta charset="utf-8"><title>{title} - شبكة أخبار الاختبار'
            f'</title><meta property="article:published_time" content="{day}T09:00:00+03:00"></head><body>'
            '<nav class="menu"><a href="/">الرئيسية</a> <a href="/syria">سوريا</a> <a href="/iraq">العراق</a></nav>'
            f"<article><h1>{title}</h1>{body}</article>"
            '<aside class="related"><h3>أخبار ذات صلة</h3><ul><li><a href="/x">قصف مدفعي على ريف إدلب الجنوبي</a></li>'
            '</ul></aside><footer class="site-footer">جميع الحقوق محفوظة © 2019</footer></body></html>'
        )


GARBAGE = bytes(range(256)) * 8 + b"\x89PNG\r\n\x1a\n"
ATOM_MODIFIED = "Fri, 06 Oct 2017 06:00:00 GMT"


def _handler(site: Site) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

        def _send(self, status: int, body: bytes = b"", ctype: str = "", **headers: str) -> None:
            with site.lock:
                site.requests.append((self.path, {k.lower(): v for k, v in self.headers.items()}, status))
            self.send_response(status)
            if ctype:
                self.send_header("Content-Type", ctype)
            for k, v in headers.items():
                self.send_header(k.replace("_", "-"), v)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self) -> None:
            path = self.path
            if path == "/good.rss":
                etag = f'"good-{site.version}"'
                if self.headers.get("If-None-Match") == etag:
                    return self._send(304, ETag=etag)
                return self._send(
                    200, site.rss().encode("utf-8"), "application/rss+xml; charset=utf-8", ETag=etag
                )
            if path == "/agency.atom":
                if self.headers.get("If-Modified-Since") == ATOM_MODIFIED:
                    return self._send(304)
                return self._send(200, site.atom().encode("utf-8"), "application/atom+xml",
                                  Last_Modified=ATOM_MODIFIED)  # fmt: skip
            if path == "/slow.rss":
                time.sleep(TIMEOUT + 1.5)
                return self._send(200, site.rss().encode("utf-8"), "application/rss+xml")
            if path == "/garbage.rss":
                return self._send(200, GARBAGE, "application/rss+xml")
            if path == "/broken.rss":
                return self._send(500, b"<h1>Internal Server Error</h1>", "text/html")
            m = re.fullmatch(r"/article/(\w+)\.html", path)
            page = site.page(m.group(1)) if m else None
            if page is None:
                return self._send(404, b"<h1>Not Found</h1>", "text/html")
            return self._send(200, page.encode("utf-8"), "text/html; charset=utf-8")

    return Handler


@pytest.fixture
def site() -> Iterator[Site]:
    s = Site()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(s))
    server.daemon_threads = True
    server.block_on_close = False
    server.handle_error = lambda request, address: None  # type: ignore[method-assign]  # the slow feed's late write
    s.base = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield s
    finally:
        server.shutdown()
        server.server_close()


def _summary(stderr: str) -> dict[str, int]:
    lines = [ln for ln in stderr.splitlines() if re.match(r"raqib: poll \d+ at ", ln)]
    assert len(lines) == 1, stderr
    m = re.search(r"(\d+) feeds \((\d+) unchanged\), (\d+) new entries(?: \((\d+) revised\))?, (\d+) events, "
                  r"(\d+) errors(?:, (\d+) warnings)?", lines[0])  # fmt: skip
    assert m, lines[0]
    keys = ("feeds", "unchanged", "entries", "revised", "events", "errors", "warnings")
    return {k: int(v or 0) for k, v in zip(keys, m.groups(), strict=True)}


def _watch_once(site: Site, url: str) -> tuple[int, str, dict[str, int]]:
    feeds = [
        f"{site.base}/{name}" for name in ("good.rss", "agency.atom", "slow.rss", "garbage.rss", "broken.rss")
    ]
    result = CliRunner().invoke(app, ["watch", *feeds, "--once", "--db", url, "--timeout", f"{TIMEOUT:g}s"])
    assert "Traceback" not in result.stderr, result.stderr
    return result.exit_code, result.stderr, _summary(result.stderr)


# --------------------------------------------------------------------------------------------
# Tests


def test_watch_once_twice_then_a_revision(site: Site, store_url: str) -> None:
    def good(slug: str) -> str:
        return stable_id("", f"{site.base}/article/{slug}.html")

    missing = good("missing")

    # First poll: the good feeds are stored, each bad one is one error line, the rest goes on.
    code, stderr, summary = _watch_once(site, store_url)
    assert code == 1
    errors = [ln for ln in stderr.splitlines() if ln.startswith("raqib: error:")]
    assert len(errors) == 3, stderr
    assert errors[0].startswith(f"raqib: error: {site.base}/slow.rss: timed out after 1s")
    assert errors[1].startswith(f"raqib: error: {site.base}/garbage.rss: not an RSS or Atom feed (")
    assert errors[1].endswith(f": {len(GARBAGE)} bytes of binary data")
    assert errors[2] == f"raqib: error: {site.base}/broken.rss: HTTP 500 Internal Server Error"
    warnings = [ln for ln in stderr.splitlines() if ln.startswith("raqib: warning:")]
    expected = (
        f"raqib: warning: {site.base}/article/missing.html: article page not used (HTTP 404 Not Found); "
        "stored the feed's own text instead"
    )
    assert warnings == [expected]
    assert summary == {"feeds": 5, "unchanged": 0, "entries": 5, "revised": 0, "events": summary["events"],
                       "errors": 3, "warnings": 1}  # fmt: skip

    store = open_store(store_url)
    assert store.counts()["documents"] == 5
    assert count_events(store) == summary["events"] > 0
    # A summary-only entry is stored from its page: all of the article, none of the page furniture.
    afrin = store.document(good("afrin"))
    assert afrin is not None and afrin["version"] == 1
    assert afrin["text"].split("\n") == site.article("afrin")[1]  # type: ignore[index]
    assert "ذات صلة" not in afrin["text"] and "الرئيسية" not in afrin["text"]
    assert afrin["published"] == "2018-03-09" and afrin["outlet"] == "شبكة أخبار الاختبار"
    afrin_v1_events = len(list(iter_events(store, EventFilter(document_id=good("afrin")))))
    assert afrin_v1_events > 0
    # The page that failed: the feed's own text, with the warning recorded against the document.
    fallback = store.document(missing)
    assert fallback is not None and fallback["text"] == _gold("afp-hajin-sdf")["text"]
    problems = store.problems()
    assert [(p["origin"], p["level"]) for p in problems] == [
        (f"{site.base}/article/missing.html", "warning"), (f"{site.base}/slow.rss", "error"),
        (f"{site.base}/garbage.rss", "error"), (f"{site.base}/broken.rss", "error"),
    ]  # fmt: skip
    assert problems[0]["document_id"] == missing and "HTTP 404" in problems[0]["reason"]
    assert [p["document_id"] for p in problems[1:]] == [None, None, None]
    first_uids = sorted(e["uid"] for e in iter_events(store, EventFilter()))
    assert len(set(first_uids)) == len(first_uids)

    # Second run (a restart): the feeds answer 304 to the validators they gave; no page is fetched.
    site.requests.clear()
    code, stderr, summary = _watch_once(site, store_url)
    assert code == 1
    assert summary == {"feeds": 5, "unchanged": 2, "entries": 0, "revised": 0, "events": 0, "errors": 3,
                       "warnings": 0}  # fmt: skip
    assert [s for _, s in site.of("/good.rss")] == [304]
    assert site.of("/good.rss")[0][0]["if-none-match"] == '"good-1"'
    assert site.of("/agency.atom")[0][0]["if-modified-since"] == ATOM_MODIFIED
    assert [s for _, s in site.of("/agency.atom")] == [304]
    assert not [p for p in site.paths() if p.startswith("/article/")]
    assert all(h["user-agent"].startswith("raqib/") for _, h, _ in site.requests)
    assert store.counts()["documents"] == 5
    assert sorted(e["uid"] for e in iter_events(store, EventFilter())) == first_uids
    assert store.document(good("afrin"))["version"] == 1  # type: ignore[index]
    assert len(store.problems()) == 4 + 3  # the bad feeds again, nothing about the good ones

    # Third run: the site revised the first article and published a new one. Only those two pages are
    # fetched; the revision is a new version of the same document.
    site.version = 2
    site.requests.clear()
    code, stderr, summary = _watch_once(site, store_url)
    assert summary["entries"] == 2 and summary["revised"] == 1 and summary["unchanged"] == 1, stderr
    assert sorted(p for p in site.paths() if p.startswith("/article/")) == [
        "/article/afrin.html", "/article/tripoli.html"]  # fmt: skip
    afrin = store.document(good("afrin"))
    assert afrin is not None and afrin["version"] == 2 and len(afrin["versions"]) == 2
    assert afrin["text"].split("\n") == site.article("afrin")[1]  # type: ignore[index]
    assert store.document(good("tripoli")) is not None
    assert store.counts()["documents"] == 6
    # The other documents kept their events; the revised one has those of its new text.
    assert count_events(store) == len(first_uids) - afrin_v1_events + summary["events"]


def _rss_file(path: Path, site: Site, items: int) -> None:
    """A feed file with full-text items (content:encoded), as a cron job might drop it."""
    names = ["ly2-tarhuna-gna", "iq2-turkish-jets-zap", "afp-hajin-sdf"][:items]
    out = []
    for name in names:
        g = _gold(name)
        body = "".join(f"<p>{p}</p>" for p in _paragraphs(name))
        out.append(f"<item><title>{name}</title><link>{site.base}/file/{name}</link>"
                   f"<pubDate>{_rfc822(g['published'])}</pubDate><description>ملخص</description>"
                   f"<content:encoded><![CDATA[{body}]]></content:encoded></item>")  # fmt: skip
    path.write_text(
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0" '
        'xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><title>ملف</title>'
        f"{''.join(out)}</channel></rss>",
        encoding="utf-8",
    )


def test_the_loop_polls_on_the_interval_until_stopped(
    site: Site, store_url: str, res: Any, tmp_path: Path
) -> None:
    feed_file = tmp_path / "drop.rss"
    _rss_file(feed_file, site, 2)
    stop = threading.Event()
    reports: list[PollReport] = []
    lines: list[str] = []
    began = time.monotonic()

    def on_poll(report: PollReport) -> None:
        reports.append(report)
        if report.number == 1:
            _rss_file(feed_file, site, 3)  # a new item before the next poll
        else:
            stop.set()

    done = watch(open_store(store_url), res, [str(feed_file), f"{site.base}/agency.atom"], every=0.3,
                 options=WatchOptions(timeout=TIMEOUT), stop=stop, say=lines.append, on_poll=on_poll)  # fmt: skip
    assert done == reports and [r.number for r in reports] == [1, 2]
    assert time.monotonic() - began >= 0.3
    first, second = reports
    assert (first.feeds, first.unchanged, first.entries, first.errors) == (2, 0, 4, 0)
    assert (second.feeds, second.unchanged, second.entries, second.errors) == (2, 1, 1, 0)
    assert first.events > 0 and second.events > 0
    assert [ln for ln in lines if ln.startswith("raqib: poll")] == [first.line(), second.line()]
    assert open_store(store_url).counts()["documents"] == 5


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_a_signal_stops_the_watch_between_polls(site: Site, tmp_path: Path, signum: int) -> None:
    feed_file = tmp_path / "drop.rss"
    _rss_file(feed_file, site, 1)
    proc = subprocess.Popen(
        [sys.executable, "-m", "raqib.cli", "watch", str(feed_file), "--every", "0.2s",
         "--db", f"sqlite:///{tmp_path / 'w.db'}"],
        stderr=subprocess.PIPE, text=True, env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )  # fmt: skip
    watchdog = threading.Timer(120, proc.kill)
    watchdog.start()
    try:
        assert proc.stderr is not None
        polls = []
        while len(polls) < 2:
            line = proc.stderr.readline()
            assert line, "raqib watch ended before two polls"
            if line.startswith("raqib: poll"):
                polls.append(line)
        proc.send_signal(signum)
        rest = proc.stderr.read()
        assert proc.wait(timeout=30) == 0, rest
    finally:
        watchdog.cancel()
        proc.kill()
    assert "1 new entries" in polls[0] and "0 new entries" in polls[1] and "(1 unchanged)" in polls[1]
    assert f"{signal.Signals(signum).name}: stopping" in rest and "Traceback" not in rest


@pytest.mark.parametrize(("text", "seconds"), [("30s", 30), ("15m", 900), ("1h", 3600), ("0.5s", 0.5),
                                               (" 2M ", 120)])  # fmt: skip
def test_intervals(text: str, seconds: float) -> None:
    assert parse_interval(text) == seconds


@pytest.mark.parametrize("text", ["15", "15x", "m", "", "-1m", "0s", "1h30m"])
def test_bad_intervals_name_the_value_and_the_form(text: str) -> None:
    with pytest.raises(UsageError) as exc:
        parse_interval(text, "--every")
    assert f"--every {text!r}" in str(exc.value) and "15m" in str(exc.value)


def test_bad_options_are_one_line_and_status_2(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'w.db'}"
    for args, expected in (
        (["--every", "15"], "--every '15': not a time (no unit)"),
        (["--timeout", "soon"], "--timeout 'soon': not a time"),
    ):
        result = CliRunner().invoke(app, ["watch", "feed.rss", "--db", db, *args])
        assert result.exit_code == 2
        assert result.stderr.startswith(f"raqib: error: {expected}"), result.stderr
    result = CliRunner().invoke(app, ["watch", "ftp://example.org/feed", "--db", db])
    assert result.exit_code == 2 and "unsupported scheme 'ftp'" in result.stderr
