"""Watch RSS/Atom feeds: poll them on an interval, extract new and revised articles, store them.

One poll reads every feed in turn. A feed is fetched with a conditional GET (``If-None-Match`` /
``If-Modified-Since`` from its last answer); a local feed file counts as unchanged while its bytes
are. For each entry the feed has not shown before (or shows changed), the article page is fetched
when the feed gives only a summary, read with the HTML ingest and extracted; when the page cannot be
had, the feed's own text is stored instead, with a warning. ``Store.save`` does the rest: an
unchanged text is a no-op and a revised one a new version.

A feed that times out, refuses, answers with an error or with bytes that are no feed is one
``Problem``: reported, recorded with ``Store.note_problem``, and the other feeds go on.

What was seen survives a restart: the feeds' validators and the fingerprints of the entries they
showed are kept in the store's ``watch_feeds`` table, and an entry whose document is already stored is not
fetched again. A site that revises an article without touching its feed entry is not noticed, and an
entry stored from the feed's own text (its page failed) is not tried again until the entry changes.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import io
import json
import re
import signal
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from raqib.errors import InputError, RaqibError, StoreError, UsageError
from raqib.model import Document
from raqib.store.tables import watch_feeds

if TYPE_CHECKING:
    import httpx

    from raqib.resources import Resources
    from raqib.store import Store

MAX_BYTES = 20 * 1024 * 1024
"""Largest feed or page read; a bigger answer is a problem, not a document."""

_UNITS = {"s": 1, "m": 60, "h": 3600}
_INTERVAL = re.compile(r"\s*(\d+(?:\.\d*)?|\.\d+)\s*([smh])\s*", re.IGNORECASE)

# --------------------------------------------------------------------------------------------
# Records


@dataclass(frozen=True)
class Problem:
    """Something that went wrong with one feed, page or entry; the watch goes on."""

    origin: str
    """The feed URL or file, the article page, or ``feed[n]`` for an entry without a link."""
    reason: str
    """What went wrong, in one line."""
    level: str = "error"
    """``error`` (nothing stored) or ``warning`` (stored, but not as well as it should be)."""
    document_id: str | None = None
    """The document stored despite the problem, for a warning."""

    def line(self) -> str:
        """The line printed on stderr."""
        return f"raqib: {self.level}: {self.origin}: {self.reason}"


@dataclass(frozen=True)
class PollReport:
    """What one poll did."""

    number: int
    """1 for the first poll of the run."""
    started: str
    """UTC time the poll began (ISO, seconds)."""
    feeds: int
    """Feeds read (or tried) in this poll."""
    unchanged: int
    """Feeds that answered "not modified" (or files whose bytes had not changed)."""
    entries: int
    """Entries stored: new articles and new versions of revised ones."""
    revised: int
    """Of ``entries``, those that were new versions of an article already stored."""
    events: int
    """Events extracted from the entries stored."""
    errors: int
    """Feeds, pages and entries that failed (nothing stored for them)."""
    warnings: int
    """Entries stored from the feed's own text because their page failed."""
    stopped: bool = False
    """True when a stop request cut the poll short (the feeds after it were not read)."""

    def line(self) -> str:
        """The one summary line printed per poll."""
        revised = f" ({self.revised} revised)" if self.revised else ""
        warnings = f", {self.warnings} warnings" if self.warnings else ""
        stopped = "; stopped before the remaining feeds" if self.stopped else ""
        return (
            f"raqib: poll {self.number} at {self.started}: {self.feeds} feeds ({self.unchanged} unchanged), "
            f"{self.entries} new entries{revised}, {self.events} events, "
            f"{self.errors} errors{warnings}{stopped}"
        )


@dataclass(frozen=True)
class WatchOptions:
    """How feeds and pages are fetched."""

    timeout: float = 20.0
    """Seconds one request may take, from connecting to the last byte."""
    pages: bool = True
    """Fetch the article page of an entry whose feed gives only a summary."""
    user_agent: str = ""
    """The User-Agent header; empty for ``user_agent()``."""


@dataclass(frozen=True)
class _Fetched:
    status: int
    body: bytes
    headers: dict[str, str]


@dataclass(frozen=True)
class _FeedState:
    etag: str | None
    last_modified: str | None
    entries: dict[str, str]


# --------------------------------------------------------------------------------------------
# Public API


def parse_interval(text: str, option: str = "--every") -> float:
    """Seconds in "30s", "15m", "1h" or "0.5s". Raises ``UsageError`` naming the bad value."""
    m = _INTERVAL.fullmatch(text or "")
    if m is None:
        hint = " (no unit)" if re.fullmatch(r"\s*[\d.]+\s*", text or "") else ""
        raise UsageError(
            f"{option} {text!r}: not a time{hint}; expected a number and a unit s, m or h, e.g. 30s, 15m, 1h"
        )
    seconds = float(m.group(1)) * _UNITS[m.group(2).lower()]
    if seconds <= 0:
        raise UsageError(f"{option} {text!r}: must be more than 0, e.g. 30s, 15m, 1h")
    return seconds


def user_agent() -> str:
    """``raqib/VERSION``, so that a site can tell who is reading its feed."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        v = version("raqib")
    except PackageNotFoundError:
        v = "dev"
    return f"raqib/{v} (Arabic conflict news monitor; feed reader)"


def check_sources(feeds: Sequence[str]) -> None:
    """Raise ``UsageError`` for a feed that is neither an http(s) URL nor a local path."""
    if not feeds:
        raise UsageError("no feeds given; pass feed URLs (http:// or https://) or feed files")
    for feed in feeds:
        m = re.match(r"([A-Za-z][A-Za-z0-9+.-]*)://", feed)
        if m and m.group(1).lower() not in ("http", "https"):
            raise UsageError(
                f"{feed!r}: unsupported scheme {m.group(1)!r}; expected an http(s) URL or a file"
            )


def watch(
    store: Store,
    res: Resources,
    feeds: Sequence[str],
    *,
    every: float,
    options: WatchOptions | None = None,
    once: bool = False,
    stop: threading.Event | None = None,
    say: Callable[[str], None] = lambda line: None,
    on_poll: Callable[[PollReport], None] | None = None,
) -> list[PollReport]:
    """Poll ``feeds`` every ``every`` seconds until ``stop`` is set (or once). Problems and the
    summary of each poll go to ``say`` as lines; ``on_poll`` sees each report as it is made.
    Only a stop request ends the loop: a feed that fails is reported and tried again next poll."""
    import httpx

    check_sources(feeds)
    options = options or WatchOptions()
    stop = stop or threading.Event()
    reports: list[PollReport] = []
    headers = {"User-Agent": options.user_agent or user_agent()}
    with httpx.Client(headers=headers, timeout=options.timeout, follow_redirects=True) as client:
        while True:
            began = time.monotonic()
            report = poll(store, res, feeds, client, options, number=len(reports) + 1, stop=stop, say=say)
            reports.append(report)
            say(report.line())
            if on_poll is not None:
                on_poll(report)
            if once or stop.is_set():
                return reports
            # Polls start ``every`` seconds apart however long one takes; a stop request wakes the wait.
            if stop.wait(max(0.0, every - (time.monotonic() - began))):
                return reports


def poll(
    store: Store,
    res: Resources,
    feeds: Sequence[str],
    client: httpx.Client,
    options: WatchOptions,
    *,
    number: int = 1,
    stop: threading.Event | None = None,
    say: Callable[[str], None] = lambda line: None,
) -> PollReport:
    """Read every feed once; a stop request is honoured between feeds."""
    started = dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()
    totals = {"feeds": 0, "unchanged": 0, "entries": 0, "revised": 0, "events": 0, "errors": 0, "warnings": 0}
    stopped = False
    for feed in feeds:
        if stop is not None and stop.is_set():
            stopped = True
            break
        totals["feeds"] += 1
        try:
            outcome = _FeedRun(store, res, feed, client, options, say).run()
        except Exception as exc:  # noqa: BLE001 -- one feed must never end the watch; report and go on
            problem = Problem(feed, _describe(exc))
            _report(store, problem, say)
            totals["errors"] += 1
            continue
        for key, value in outcome.items():
            totals[key] += value
    return PollReport(number=number, started=started, stopped=stopped, **totals)


@contextmanager
def stop_on_signals(stop: threading.Event, say: Callable[[str], None]) -> Iterator[None]:
    """While inside, SIGINT and SIGTERM set ``stop`` (the watch ends after the current feed); a
    second signal interrupts at once. The previous handlers come back on the way out."""

    def handler(signum: int, frame: Any) -> None:
        if stop.is_set():
            raise KeyboardInterrupt
        stop.set()
        say(f"raqib: {signal.Signals(signum).name}: stopping after the current feed (again to abort)")

    previous = {s: signal.signal(s, handler) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for s, h in previous.items():
            signal.signal(s, h)


# --------------------------------------------------------------------------------------------
# One feed


class _FeedRun:
    """Read one feed and store its new entries; counts go back to ``poll``."""

    def __init__(self, store: Store, res: Resources, feed: str, client: httpx.Client, options: WatchOptions,
                 say: Callable[[str], None]) -> None:  # fmt: skip
        self.store, self.res, self.feed, self.client = store, res, feed, client
        self.options, self.say = options, say
        self.counts = {"unchanged": 0, "entries": 0, "revised": 0, "events": 0, "errors": 0, "warnings": 0}

    def run(self) -> dict[str, int]:
        state = _load_state(self.store, self.feed)
        fetched = self._fetch_feed(state)
        if fetched is None:
            self.counts["unchanged"] += 1
            _save_state(self.store, self.feed, state, checked=True)
            return self.counts
        parsed = _parse_feed(fetched, self.feed)
        outlet = _outlet(parsed)
        handled: dict[str, str] = {}
        complete = True
        for i, entry in enumerate(parsed.get("entries") or []):
            key, fingerprint = _entry_key(entry, i), _fingerprint(entry)
            if self._entry(entry, i, outlet, state.entries.get(key), fingerprint):
                handled[key] = fingerprint
            else:
                complete = False
        if complete:
            etag = fetched.headers.get("etag")
            modified = fetched.headers.get("last-modified")
        else:
            # An entry to try again: no validators, so the next poll reads the whole feed again.
            etag = modified = None
        _save_state(self.store, self.feed, _FeedState(etag, modified, handled), checked=True)
        return self.counts

    def _fetch_feed(self, state: _FeedState) -> _Fetched | None:
        """The feed's bytes, or None when unchanged since the last read."""
        if not _is_url(self.feed):
            try:
                with open(self.feed, "rb") as f:
                    data = f.read(MAX_BYTES + 1)
            except OSError as exc:
                raise InputError(self.feed, f"cannot read feed file: {exc.strerror or exc}") from None
            if len(data) > MAX_BYTES:
                raise InputError(self.feed, f"feed file larger than {MAX_BYTES // 2**20} MB")
            digest = hashlib.sha256(data).hexdigest()
            if digest == state.etag and state.entries:
                return None
            return _Fetched(200, data, {"etag": digest})
        headers = {}
        if state.etag:
            headers["If-None-Match"] = state.etag
        if state.last_modified:
            headers["If-Modified-Since"] = state.last_modified
        fetched = _get(self.client, self.feed, headers, self.options.timeout)
        if fetched.status == 304:
            return None
        if fetched.status != 200:
            raise InputError(self.feed, _status_problem(fetched))
        return fetched

    def _entry(self, entry: Any, i: int, outlet: str | None, before: str | None, fingerprint: str) -> bool:
        """Store one entry when it is new or changed (``before``: its fingerprint at the last read, if
        it was in the feed then); False when it should be tried again."""
        from raqib.ingest import stable_id
        from raqib.ingest.feeds import _document_from_entry  # the feed ingest's entry reader
        from raqib.pipeline import process

        if before == fingerprint:
            return True
        link = (entry.get("link") or "").strip() or None
        origin = link or f"{self.feed}[{i}]"
        # Entries with a link have an id known before any fetch: the same one the ingest gives them.
        stored = self.store.document(stable_id("", link)) if link else None
        summary_only = not any(c.get("value") for c in entry.get("content") or [])
        want_page = self.options.pages and summary_only and link is not None and _is_url(link)
        if want_page and stored is not None and before is None and not _updated_since(entry, stored):
            return True  # stored already (from another feed, or before a state was kept), not updated since
        warning = None
        page_problem = ""
        try:
            if want_page:
                try:
                    doc = self._page(link, entry, outlet)  # type: ignore[arg-type]
                except InputError as exc:
                    warning = f"article page not used ({exc.problem}); stored the feed's own text instead"
                    page_problem = exc.problem
                    doc = _document_from_entry(entry, origin, outlet)
            else:
                doc = _document_from_entry(entry, origin, outlet)
        except InputError as exc:
            reason = exc.problem
            if warning is not None:
                reason = f"article page not used ({page_problem}) and the feed entry has none: {reason}"
            _report(self.store, Problem(origin, reason), self.say)
            self.counts["errors"] += 1
            # An entry without text stays so; the page may answer next time (no validators kept till then).
            return warning is None
        if stored is not None and stored.get("text_sha256") == _sha256(doc.text):
            return True
        try:
            record = process(doc, self.res)
            changed = self.store.save(doc, record, self.res.versions)
        except RaqibError as exc:
            _report(self.store, Problem(origin, f"not stored: {exc}"), self.say)
            self.counts["errors"] += 1
            return False
        if warning is not None:
            _report(self.store, Problem(origin, warning, "warning", doc.id), self.say)
            self.counts["warnings"] += 1
        if changed:
            self.counts["entries"] += 1
            self.counts["revised"] += stored is not None
            self.counts["events"] += len(record["events"])
        return True

    def _page(self, link: str, entry: Any, outlet: str | None) -> Document:
        """The article page of an entry, read with the HTML ingest; the feed fills in what it lacks."""
        from raqib.ingest.feeds import _entry_date
        from raqib.ingest.html import _clean_meta, _document_from_html

        fetched = _get(self.client, link, {}, self.options.timeout)
        if fetched.status != 200:
            raise InputError(link, _status_problem(fetched))
        content_type = fetched.headers.get("content-type", "")
        if content_type and "html" not in content_type.lower():
            raise InputError(link, f"not an HTML page ({content_type.split(';')[0].strip()})")
        m = re.search(r"charset\s*=\s*[\"']?([\w.:-]+)", content_type, re.IGNORECASE)
        # The link, not the address after redirects: the document id must not depend on them.
        doc = _document_from_html(fetched.body, link, link, m.group(1) if m else None)
        # The feed's date is structured data; a page's date is found by heuristics.
        return dataclasses.replace(
            doc,
            published=_entry_date(entry) or doc.published,
            title=doc.title or _clean_meta(entry.get("title")),
            outlet=outlet or doc.outlet,
        )


# --------------------------------------------------------------------------------------------
# Fetching and parsing


def _is_url(source: str) -> bool:
    return source.lower().startswith(("http://", "https://"))


def _get(client: httpx.Client, url: str, headers: dict[str, str], timeout: float) -> _Fetched:
    """GET ``url`` within ``timeout`` seconds all told (httpx's own timeouts are per read)."""
    import httpx

    deadline = time.monotonic() + timeout
    try:
        with client.stream("GET", url, headers=headers) as response:
            chunks, size = [], 0
            for chunk in response.iter_bytes():
                size += len(chunk)
                if size > MAX_BYTES:
                    raise InputError(url, f"answer larger than {MAX_BYTES // 2**20} MB")
                if time.monotonic() > deadline:
                    raise InputError(url, f"timed out after {timeout:g}s (answer still arriving)")
                chunks.append(chunk)
            return _Fetched(
                response.status_code, b"".join(chunks), {k.lower(): v for k, v in response.headers.items()}
            )
    except httpx.TimeoutException:
        raise InputError(url, f"timed out after {timeout:g}s (no answer)") from None
    except httpx.ConnectError as exc:
        raise InputError(url, f"cannot connect: {exc or 'connection failed'}") from None
    except httpx.TooManyRedirects:
        raise InputError(url, "too many redirects") from None
    except httpx.HTTPError as exc:
        raise InputError(url, f"request failed: {exc.__class__.__name__}: {exc}") from None


def _status_problem(fetched: _Fetched) -> str:
    from http import HTTPStatus

    try:
        phrase = HTTPStatus(fetched.status).phrase
    except ValueError:
        phrase = "unknown status"
    return f"HTTP {fetched.status} {phrase}"


def _parse_feed(fetched: _Fetched, origin: str) -> Any:
    import feedparser

    data = fetched.body
    if not data.strip():
        raise InputError(origin, "empty answer: not an RSS or Atom feed")
    response_headers = (
        {"content-type": fetched.headers["content-type"]} if "content-type" in fetched.headers else {}
    )
    # A stream, never bytes or str: feedparser would try those as a file name or URL first.
    parsed = feedparser.parse(io.BytesIO(data), response_headers=response_headers)
    if not parsed.get("version") and not parsed.get("entries"):
        why = parsed.get("bozo_exception")
        # "<unknown>:2:0: syntax error": the position in feedparser's own rewrite means nothing to a user.
        why = re.sub(r"^<unknown>:\d+:\d+: ", "", str(why)) if why else "no <rss> or <feed> element"
        head = data[:512].decode("utf-8", "replace")
        odd = sum(1 for c in head if c == "\ufffd" or (c < " " and c not in "\t\r\n"))
        if odd > len(head) // 10:
            what = f"{len(data)} bytes of binary data"
        else:
            what = f"it begins {' '.join(head.split())[:60]!r}"
        raise InputError(origin, f"not an RSS or Atom feed ({why}): {what}")
    return parsed


def _outlet(parsed: Any) -> str | None:
    from raqib.ingest.html import _clean_meta

    return _clean_meta(parsed.get("feed", {}).get("title"))


def _entry_key(entry: Any, i: int) -> str:
    """What names an entry across polls: its link, else its id, else what it says."""
    return (entry.get("link") or "").strip() or (entry.get("id") or "").strip() or "#" + _fingerprint(entry)


def _fingerprint(entry: Any) -> str:
    """Changes when the entry does: a new date, title, summary or text."""
    # dict.get: feedparser's own get() answers "updated" with "published" and a DeprecationWarning.
    parts = [dict.get(entry, k) or "" for k in ("link", "id", "title", "published", "updated", "summary")]
    parts += [c.get("value") or "" for c in entry.get("content") or []]
    return hashlib.sha256(json.dumps(parts, ensure_ascii=False).encode("utf-8")).hexdigest()[:32]


def _updated_since(entry: Any, stored: dict[str, Any]) -> bool:
    """True when the entry's updated time is after the stored document's last version."""
    updated = dict.get(entry, "updated_parsed") or dict.get(entry, "published_parsed")
    versions = stored.get("versions") or []
    last = versions[-1].get("stored_at") if versions else None
    if updated is None or not last:
        return False
    try:
        when = dt.datetime.fromisoformat(str(last))
    except ValueError:
        return False
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return dt.datetime(*updated[:6], tzinfo=dt.UTC) > when


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _describe(exc: BaseException) -> str:
    if isinstance(exc, InputError):
        return exc.problem
    if isinstance(exc, RaqibError):
        return str(exc)
    return f"unexpected {exc.__class__.__name__}: {exc}"


def _report(store: Store, problem: Problem, say: Callable[[str], None]) -> None:
    say(problem.line())
    try:
        store.note_problem(
            problem.origin, problem.reason, document_id=problem.document_id, level=problem.level
        )
    except RaqibError as exc:  # the database may be what is failing: the line above still says it
        say(f"raqib: error: cannot record the problem above: {exc}")


# --------------------------------------------------------------------------------------------
# State


def _feed_key(feed: str) -> str:
    return hashlib.sha256(feed.encode("utf-8")).hexdigest()


def _load_state(store: Store, feed: str) -> _FeedState:
    try:
        with store.engine.connect() as conn:
            row = (
                conn.execute(select(watch_feeds).where(watch_feeds.c.feed == _feed_key(feed)))
                .mappings()
                .first()
            )
    except SQLAlchemyError as exc:
        raise StoreError(f"cannot read the state of feed {feed!r}: {exc.__class__.__name__}: {exc}") from exc
    if row is None:
        return _FeedState(None, None, {})
    entries = row["entries"]
    if isinstance(entries, str):
        entries = json.loads(entries)
    return _FeedState(row["etag"], row["last_modified"], dict(entries or {}))


def _save_state(store: Store, feed: str, state: _FeedState, checked: bool) -> None:
    now = dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()
    values = {
        "source": feed,
        "etag": state.etag,
        "last_modified": state.last_modified,
        "entries": state.entries,
    }
    if checked:
        values["checked"] = now
    key = _feed_key(feed)
    try:
        with store.engine.begin() as conn:
            done = conn.execute(
                watch_feeds.update().where(watch_feeds.c.feed == key).values(**values)
            ).rowcount
            if not done:
                conn.execute(watch_feeds.insert().values(feed=key, **values))
    except SQLAlchemyError as exc:
        raise StoreError(f"cannot save the state of feed {feed!r}: {exc.__class__.__name__}: {exc}") from exc


__all__ = [
    "PollReport",
    "Problem",
    "WatchOptions",
    "check_sources",
    "parse_interval",
    "poll",
    "stop_on_signals",
    "user_agent",
    "watch",
    "watch_feeds",
]
