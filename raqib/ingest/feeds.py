"""RSS and Atom feeds (feedparser), one document per entry, and web archives (warcio), one
document per HTML response record."""

from __future__ import annotations

import codecs
import datetime as dt
import email.utils
import io
import re
from collections.abc import Iterator
from typing import Any, BinaryIO

from raqib.errors import InputError
from raqib.ingest.bylines import _byline_only, _valid_date
from raqib.ingest.html import _clean_meta, _document_from_html, _element_lines, _iso_date
from raqib.ingest.text import (
    BINARY_PROBLEM,
    EMPTY_PROBLEM,
    MAX_TEXT_CHARS,
    _normalise_newlines,
    _probe,
    _strip_furniture,
    stable_id,
    too_long,
)
from raqib.model import Document

# --------------------------------------------------------------------------------------------
# Feeds
# --------------------------------------------------------------------------------------------


def _read_feed(data: bytes, origin: str) -> Iterator[Document | InputError]:
    import feedparser

    if not data.strip():
        yield InputError(origin, EMPTY_PROBLEM)
        return
    if b"\x00" in data[:8192] and not data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        yield InputError(origin, BINARY_PROBLEM)
        return
    # A stream, never bytes or str: feedparser would try those as a file name or URL first.
    parsed = feedparser.parse(io.BytesIO(data))
    entries = parsed.get("entries") or []
    if not entries:
        if parsed.get("bozo"):
            yield InputError(origin, f"not a valid RSS/Atom feed: {parsed.get('bozo_exception')}")
        return
    outlet = _clean_meta(parsed.get("feed", {}).get("title"))
    for i, entry in enumerate(entries):
        entry_origin = f"{origin}[{i}]"
        try:
            yield _document_from_entry(entry, entry_origin, outlet)
        except InputError as err:
            yield err


def _document_from_entry(entry: Any, origin: str, outlet: str | None) -> Document:
    from lxml import etree
    from lxml import html as lxml_html

    contents = [c for c in entry.get("content") or [] if c.get("value")]
    if contents:
        best = max(contents, key=lambda c: len(c.get("value", "")))
        value, mime = best.get("value", ""), best.get("type", "text/html")
    else:
        detail = entry.get("summary_detail") or {}
        value, mime = entry.get("summary") or "", detail.get("type", "text/html")
    if not value.strip():
        raise InputError(origin, EMPTY_PROBLEM)
    if "html" in mime:
        try:
            root = lxml_html.fragment_fromstring(value, create_parent="div")
            lines = _element_lines(root)
        except (etree.ParserError, ValueError):
            lines = [" ".join(line.split()) for line in value.split("\n")]
    else:
        lines = [" ".join(line.split()) for line in _normalise_newlines(value).split("\n")]
    title = _clean_meta(entry.get("title"))
    lines = [line for line in lines if _probe(line)]
    if lines and title and _probe(lines[0]) == _probe(title):
        lines = lines[1:]
    lines = [line for line in lines if not _byline_only(line)]
    kept = _strip_furniture(lines)
    if not kept:
        raise InputError(origin, "no article text in the feed entry")
    body = "\n".join(kept)
    if len(body) > MAX_TEXT_CHARS:
        raise InputError(origin, too_long(len(body)))
    url = (entry.get("link") or "").strip() or None
    return Document(
        id=stable_id(body, url),
        text=body,
        url=url,
        outlet=outlet,
        published=_entry_date(entry),
        title=title,
        origin=origin,
    )


def _entry_date(entry: Any) -> dt.date | None:
    """The entry's own (local) publication day: the raw string first, so no shift to UTC."""
    for key in ("published", "updated", "created"):
        raw = entry.get(key)
        if not raw:
            continue
        d = _iso_date(raw)
        if d:
            return d
        try:
            return email.utils.parsedate_to_datetime(raw).date()
        except (TypeError, ValueError, IndexError):
            pass
        parsed = entry.get(f"{key}_parsed")
        if parsed:
            return _valid_date(parsed.tm_year, parsed.tm_mon, parsed.tm_mday)
    return None


# --------------------------------------------------------------------------------------------
# Web archives
# --------------------------------------------------------------------------------------------


def _read_warc(stream: BinaryIO, origin: str) -> Iterator[Document | InputError]:
    """Each HTML response (or resource) record with a 2xx status, via the HTML path."""
    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed

    seen = 0
    try:
        records = ArchiveIterator(stream)
        for record in records:
            if record.format != "warc":  # warcio reads any other text as an ARC record
                yield InputError(origin, "not a valid WARC file: no WARC record header")
                return
            seen += 1
            if record.rec_type not in ("response", "resource"):
                continue
            target = (record.rec_headers.get_header("WARC-Target-URI") or "").strip().strip("<>") or None
            if record.rec_type == "response":
                if record.http_headers is None:
                    continue
                status = record.http_headers.get_statuscode() or ""
                if not status.startswith("2"):
                    continue
                content_type = record.http_headers.get_header("Content-Type") or ""
            else:
                content_type = record.rec_headers.get_header("Content-Type") or ""
            payload = record.content_stream().read()
            # Only after the payload is read: on an uncompressed WARC it reads to the record's end.
            record_origin = f"{origin}@{records.get_record_offset()}"
            if "html" not in content_type.lower() and not (
                not content_type and payload.lstrip()[:100].lower().startswith((b"<!doctype html", b"<html"))
            ):
                continue
            m = re.search(r"charset\s*=\s*[\"']?([\w.:-]+)", content_type, re.IGNORECASE)
            try:
                yield _document_from_html(payload, record_origin, target, m.group(1) if m else None)
            except InputError as err:
                yield err
        if not seen:
            yield InputError(origin, "not a valid WARC file: no records found")
    except ArchiveLoadFailed as exc:
        yield InputError(origin, f"not a valid WARC file: {exc}")
    except OSError as exc:
        yield InputError(origin, f"cannot read WARC file: {exc}")
