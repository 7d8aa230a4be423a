"""Read news reports from files, directories, feeds, web archives and stdin into ``Document`` records.

Every reader is a generator. A file, record or line that cannot be read does not stop the run: it
comes out as an ``InputError`` in the stream (not raised) so that the caller can report it and go on.

Input kinds, chosen by file extension (directories are walked recursively in sorted order):

- ``.txt``: plain text, one paragraph per line (``document_from_text``);
- ``.html`` / ``.htm``: a web page; trafilatura finds the article text and metadata
  (``document_from_html``);
- ``.json``: one object or a list of objects; ``.jsonl`` / ``.ndjson``: one object per line
  (``document_from_json``);
- ``.xml`` / ``.rss`` / ``.atom``: RSS or Atom feeds (feedparser), one document per entry;
- ``.warc`` / ``.warc.gz``: web archives (warcio), one document per HTML response record;
- ``-``: stdin, sniffed as JSON/JSONL, feed, HTML or plain text.

Page furniture (view counters, "المقال السابق", share and follow lines, tag lists, related-article
lists) is removed by dropping whole lines; the characters of the lines that are kept are never
rewritten.

The modules: ``text`` (decoding, ``stable_id``, plain text, page furniture), ``bylines`` (dates
in bylines), ``html`` (trafilatura) and ``feeds`` (RSS/Atom, WARC); reading files, directories,
stdin and JSON is here. Import from ``raqib.ingest``.
"""

from __future__ import annotations

import codecs
import datetime as dt
import io
import json
import math
import os
import re
import sys
from collections.abc import Iterator, Sequence
from typing import Any, BinaryIO, TextIO

from raqib.errors import InputError
from raqib.ingest.feeds import _read_feed, _read_warc
from raqib.ingest.html import _document_from_html, document_from_html
from raqib.ingest.text import (
    BINARY_PROBLEM,
    EMPTY_PROBLEM,
    MAX_DOCUMENT_BYTES,
    MAX_FILE_BYTES,
    MAX_TEXT_CHARS,
    _normalise_newlines,
    decode_bytes,
    decode_text,
    document_from_text,
    has_visible_line,
    replace_nul,
    stable_id,
    too_big,
    too_long,
    with_warnings,
)
from raqib.model import Document

__all__ = [
    "decode_bytes",
    "document_from_html",
    "document_from_json",
    "document_from_text",
    "read_sources",
    "stable_id",
]

STDIN_ORIGIN = "<stdin>"

_KINDS = (
    (".warc.gz", "warc"),
    (".warc", "warc"),
    (".jsonl", "jsonl"),
    (".ndjson", "jsonl"),
    (".json", "json"),
    (".html", "html"),
    (".htm", "html"),
    (".xhtml", "html"),
    (".txt", "text"),
    (".xml", "feed"),
    (".rss", "feed"),
    (".atom", "feed"),
)


# --------------------------------------------------------------------------------------------
# Public API
# --------------------------------------------------------------------------------------------


def read_sources(
    paths: Sequence[str | os.PathLike[str]], stdin: TextIO | BinaryIO | None = None
) -> Iterator[Document | InputError]:
    """Documents from every path in turn: files, directories (recursive, sorted) and ``-`` (stdin).

    Bad files, records and lines come out as ``InputError`` items; nothing is raised for them.
    Files with an unknown extension are skipped inside directories and sniffed when named.
    """
    for raw in paths:
        path = os.fspath(raw)
        if path == "-":
            yield from _read_stdin(stdin)
        elif os.path.isdir(path):
            for file in _walk(path):
                yield from _read_file(file, _kind_from_name(file))
        elif not os.path.exists(path):
            yield InputError(path, "no such file or directory")
        else:
            yield from _read_file(path, _kind_from_name(path) or "sniff")


def document_from_json(obj: dict[str, Any], origin: str) -> Document:
    """A document from a JSON object with ``text`` and optional ``id``, ``published``, ``title``,
    ``url`` and ``outlet`` (top level or inside ``source``). Every other field is ignored.
    """
    if not isinstance(obj, dict):
        raise InputError(origin, f"expected a JSON object, got {_json_type(obj)}")
    if "text" not in obj:
        raise InputError(origin, 'missing field "text" (the article text)')
    text = obj["text"]
    if not isinstance(text, str):
        raise InputError(origin, f'field "text" must be a string, got {_show(text)}')
    if not text.strip():
        raise InputError(origin, f'{EMPTY_PROBLEM}: field "text" is empty')
    if len(text) > MAX_TEXT_CHARS:
        raise InputError(origin, too_long(len(text)))
    if not has_visible_line(text):
        raise InputError(origin, f'{EMPTY_PROBLEM}: field "text" holds only invisible characters')

    source = obj.get("source")
    if source is None:
        source = {}
    elif isinstance(source, str):
        source = {"outlet": source}
    elif not isinstance(source, dict):
        raise InputError(origin, f'field "source" must be an object or a string, got {_show(source)}')
    url = _optional_str(obj, "url", origin)
    if url is None:
        url = _optional_str(source, "url", origin, "source.url")
    outlet = _optional_str(obj, "outlet", origin)
    if outlet is None:
        outlet = _optional_str(source, "outlet", origin, "source.outlet")
    if outlet is None:
        outlet = _optional_str(source, "name", origin, "source.name")
    title = _optional_str(obj, "title", origin)
    published = _json_date(obj.get("published"), origin)
    doc_id = _json_id(obj.get("id"), origin)
    for label, value in (("id", doc_id), ("url", url), ("outlet", outlet)):
        if value is not None and "\x00" in value:
            raise InputError(origin, f'field "{label}" contains a NUL character (U+0000)')
    text, text_nul = replace_nul(text, 'field "text"')
    title, title_nul = replace_nul(title, 'field "title"') if title is not None else (None, None)
    doc = Document(
        id=doc_id if doc_id is not None else stable_id(text, url),
        text=text,
        url=url,
        outlet=outlet,
        published=published,
        title=title,
        origin=origin,
    )
    return with_warnings(doc, text_nul, title_nul)


# --------------------------------------------------------------------------------------------
# Files, directories, stdin
# --------------------------------------------------------------------------------------------


def _kind_from_name(path: str) -> str | None:
    name = os.path.basename(path).lower()
    for suffix, kind in _KINDS:
        if name.endswith(suffix):
            return kind
    return None


def _walk(root: str) -> Iterator[str]:
    """Files with a known extension under ``root``, sorted by path; hidden entries skipped."""
    found = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = [d for d in dirnames if not d.startswith(".")]
        rel = os.path.relpath(dirpath, root)
        parts = () if rel == os.curdir else tuple(rel.split(os.sep))
        for name in filenames:
            if not name.startswith(".") and _kind_from_name(name):
                found.append((*parts, name))
    for parts in sorted(found):
        yield os.path.join(root, *parts)


def _read_file(path: str, kind: str | None) -> Iterator[Document | InputError]:
    if kind is None:
        return
    try:
        if kind == "jsonl":
            yield from _read_jsonl_file(path)
            return
        if kind == "warc":
            with open(path, "rb") as stream:
                yield from _read_warc(stream, path)
            return
        # One document (text, web page) or a whole file parsed at once: refused before it is read.
        limit = MAX_DOCUMENT_BYTES if kind in ("text", "html") else MAX_FILE_BYTES
        size = os.path.getsize(path)
        if size > limit:
            yield InputError(path, too_big("file", size, limit))
            return
        with open(path, "rb") as stream:
            data = stream.read()
    except OSError as exc:
        yield InputError(path, f"cannot read file: {exc.strerror or exc}")
        return
    yield from _read_bytes(data, path, kind)


def _read_stdin(stream: TextIO | BinaryIO | None) -> Iterator[Document | InputError]:
    if stream is None:
        stream = sys.stdin
    # Bytes where they can be had (sys.stdin.buffer): the sniffer decodes windows-1256 and WARC too.
    stream = getattr(stream, "buffer", None) or stream
    if stream is None:
        yield InputError(STDIN_ORIGIN, "no standard input")
        return
    try:
        data = stream.read(MAX_FILE_BYTES + 1)
    except (OSError, UnicodeDecodeError) as exc:
        yield InputError(STDIN_ORIGIN, f"cannot read standard input: {exc}")
        return
    if len(data) > MAX_FILE_BYTES:
        yield InputError(STDIN_ORIGIN, f"standard input is more than the {MAX_FILE_BYTES // 2**20} MiB limit")
        return
    if isinstance(data, str):
        yield from _read_str(data, STDIN_ORIGIN, "sniff")
    else:
        yield from _read_bytes(data, STDIN_ORIGIN, "sniff")


def _read_bytes(data: bytes, origin: str, kind: str) -> Iterator[Document | InputError]:
    """Dispatch the whole content of one file (or stdin) by kind; ``sniff`` looks at the content."""
    if kind == "sniff" and (data.startswith(b"\x1f\x8b") or data.lstrip().startswith(b"WARC/")):
        kind = "warc"
    if kind == "warc":
        yield from _read_warc(io.BytesIO(data), origin)
        return
    if kind == "feed":
        yield from _read_feed(data, origin)
        return
    if kind == "html":
        try:
            yield _document_from_html(data, origin, None)
        except InputError as err:
            yield err
        return
    try:
        text, warning = decode_text(data, origin)
    except InputError as err:
        yield err
        return
    if kind == "sniff" and _sniff(text) == "feed":
        yield from _read_feed(data, origin)
        return
    for item in _read_str(text, origin, kind):
        # The replaced bytes matter to the documents whose text they ended in.
        if warning and isinstance(item, Document) and "\ufffd" in item.text:
            item = with_warnings(item, warning)
        yield item


def _read_str(text: str, origin: str, kind: str) -> Iterator[Document | InputError]:
    sniffed = kind == "sniff"
    if sniffed:
        kind = _sniff(text)
    if kind == "feed":
        yield from _read_feed(text.encode("utf-8"), origin)
        return
    if kind in ("json", "jsonl"):
        yield from _read_json_text(text, origin, kind, text_fallback=sniffed)
        return
    try:
        if kind == "html":
            yield _document_from_html(text, origin, None)
        else:
            yield document_from_text(text, origin)
    except InputError as err:
        yield err


def _sniff(text: str) -> str:
    """json, feed, html or text, from the first characters of a document of unknown kind."""
    head = text.lstrip("\ufeff \t\r\n")[:4096]
    if head.startswith(("{", "[")):
        return "json"
    if head.startswith("<"):
        lowered = head.lower()
        if re.search(r"<(rss|feed|rdf:rdf)[\s>]", lowered):
            return "feed"
        return "html"
    return "text"


# --------------------------------------------------------------------------------------------
# JSON and JSON Lines
# --------------------------------------------------------------------------------------------


def _read_json_text(
    text: str, origin: str, kind: str, text_fallback: bool = False
) -> Iterator[Document | InputError]:
    """Documents of a JSON value or of JSON Lines; with ``text_fallback`` (a sniffed document that
    merely starts with "{" or "["), text that is neither is read as plain text."""
    if not text.strip():
        yield InputError(origin, EMPTY_PROBLEM)
        return
    if kind == "jsonl":
        for lineno, line in enumerate(_normalise_newlines(text).split("\n"), 1):
            if line.strip():
                yield _json_line(line, f"{origin}:{lineno}")
        return
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        # A .json file (or stdin) that holds JSON Lines: read it line by line.
        first = next((ln for ln in text.lstrip("\ufeff").splitlines() if ln.strip()), "")
        if _is_json_object(first):
            yield from _read_json_text(text.lstrip("\ufeff"), origin, "jsonl")
        elif text_fallback:
            try:
                yield document_from_text(text, origin)
            except InputError as err:
                yield err
        else:
            yield InputError(origin, _json_problem(exc, text, f"line {exc.lineno} column {exc.colno}"))
        return
    yield from _json_values(value, origin)


def _json_values(value: Any, origin: str) -> Iterator[Document | InputError]:
    if isinstance(value, list):
        for i, item in enumerate(value):
            yield _json_document(item, f"{origin}[{i}]")
    elif isinstance(value, dict):
        yield _json_document(value, origin)
    else:
        yield InputError(origin, f"expected a JSON object or a list of objects, got {_json_type(value)}")


def _json_document(obj: Any, origin: str) -> Document | InputError:
    try:
        return document_from_json(obj, origin)
    except InputError as err:
        return err


def _json_line(line: str, origin: str) -> Document | InputError:
    try:
        value = json.loads(line)
    except json.JSONDecodeError as exc:
        return InputError(origin, _json_problem(exc, line, f"column {exc.colno}"))
    return _json_document(value, origin)


def _json_problem(exc: json.JSONDecodeError, text: str, where: str) -> str:
    """The problem of invalid JSON, with a hint when the text ends before the value does (cut short)."""
    msg = exc.msg.removesuffix(" at")  # "Unterminated string starting at" (then "at column N")
    cut = exc.msg.startswith("Unterminated") or exc.pos >= len(text.rstrip())
    return f"invalid JSON: {msg} at {where}" + ("; the text ends before the JSON value does (cut short?)" if cut else "")


def _is_json_object(line: str) -> bool:
    try:
        return isinstance(json.loads(line), dict)
    except json.JSONDecodeError:
        return False


def _read_jsonl_file(path: str) -> Iterator[Document | InputError]:
    """JSON Lines, streamed: a bad line is an InputError naming ``file:line``; the rest still come."""
    with open(path, "rb") as stream:
        head = stream.read(8192)
        if b"\x00" in head and not head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            yield InputError(path, BINARY_PROBLEM)
            return
        if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            stream.seek(0)
            try:
                text = decode_bytes(stream.read(), path)
            except InputError as err:
                yield err
                return
            yield from _read_json_text(text, path, "jsonl")
            return
        stream.seek(0)
        empty = True
        for lineno, raw in enumerate(_lines(stream, MAX_DOCUMENT_BYTES), 1):
            origin = f"{path}:{lineno}"
            if isinstance(raw, int):
                empty = False
                yield InputError(origin, too_big("line", raw, MAX_DOCUMENT_BYTES))
                continue
            if lineno == 1:
                raw = raw.removeprefix(codecs.BOM_UTF8)
            if not raw.strip():
                continue
            empty = False
            try:
                line, warning = decode_text(raw, origin)
            except InputError as err:
                yield err
                continue
            item = _json_line(line, origin)
            yield with_warnings(item, warning) if isinstance(item, Document) else item
        if empty:
            yield InputError(path, EMPTY_PROBLEM)


def _lines(stream: BinaryIO, limit: int) -> Iterator[bytes | int]:
    """The lines of ``stream``, each read with at most ``limit`` + 1 bytes in memory; for a line
    longer than ``limit``, its length instead (the line is skipped)."""
    while True:
        raw = stream.readline(limit + 1)
        if not raw:
            return
        if len(raw.rstrip(b"\r\n")) <= limit:
            yield raw
            continue
        size = len(raw)
        while raw and not raw.endswith(b"\n"):
            raw = stream.readline(limit + 1)
            size += len(raw)
        yield len(raw.rstrip(b"\r\n")) + size - len(raw)


def _optional_str(obj: dict[str, Any], key: str, origin: str, label: str | None = None) -> str | None:
    value = obj.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise InputError(origin, f'field "{label or key}" must be a string, got {_show(value)}')
    value = value.strip()
    return value or None


def _json_date(value: Any, origin: str) -> dt.date | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        s = value.strip()
        if not s:
            return None
        try:
            return dt.date.fromisoformat(s)
        except ValueError:
            pass
        try:
            return dt.datetime.fromisoformat(s).date()
        except ValueError:
            pass
    raise InputError(
        origin, f'field "published" must be an ISO date (YYYY-MM-DD) or null, got {_show(value)}'
    )


def _json_id(value: Any, origin: str) -> str | None:
    if value is None:
        return None
    if isinstance(value, str) and value.strip():
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, float) and math.isfinite(value):
        return str(int(value)) if value.is_integer() else repr(value)
    raise InputError(origin, f'field "id" must be a non-empty string or a number, got {_show(value)}')


def _json_type(value: Any) -> str:
    names = {dict: "an object", list: "a list", str: "a string", bool: "a boolean", type(None): "null"}
    for cls, name in names.items():
        if isinstance(value, cls):
            return name
    return "a number" if isinstance(value, (int, float)) else type(value).__name__


def _show(value: Any) -> str:
    """The value as JSON, shortened for an error message."""
    try:
        shown = json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError):
        shown = repr(value)
    return shown if len(shown) <= 60 else shown[:57] + "..."
