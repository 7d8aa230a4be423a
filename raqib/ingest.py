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
"""

from __future__ import annotations

import codecs
import datetime as dt
import email.utils
import hashlib
import io
import json
import math
import os
import re
import sys
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from typing import Any, BinaryIO, TextIO

from lxml.etree import LxmlError

from raqib.errors import InputError
from raqib.model import Document

__all__ = [
    "decode_bytes",
    "document_from_html",
    "document_from_json",
    "document_from_text",
    "read_sources",
    "stable_id",
]

BINARY_PROBLEM = "binary file, expected text/HTML/JSON"
EMPTY_PROBLEM = "empty document"
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


def stable_id(text: str, url: str | None) -> str:
    """A content id: ``sha256:`` and 16 hex digits of the URL, or of the white-space-normalised text."""
    key = url.strip() if url and url.strip() else " ".join(unicodedata.normalize("NFC", text).split())
    return "sha256:" + hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]


def decode_bytes(data: bytes, origin: str, declared: str | None = None) -> str:
    """Text of ``data``: UTF-8 (BOM or not), else the ``declared`` charset, else windows-1256 Arabic.

    Raises ``InputError`` for binary data (NUL bytes, or bytes that decode to no Arabic text).
    """
    if data.startswith(codecs.BOM_UTF8):
        try:
            return data[len(codecs.BOM_UTF8) :].decode("utf-8")
        except UnicodeDecodeError as exc:
            raise InputError(
                origin, f"invalid UTF-8 after a UTF-8 byte-order mark (byte {exc.start})"
            ) from None
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise InputError(origin, BINARY_PROBLEM) from None
    if b"\x00" in data:
        raise InputError(origin, BINARY_PROBLEM)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        if _mostly_control(text):
            raise InputError(origin, BINARY_PROBLEM)
        return text
    fallback = data.decode("cp1256", errors="replace")
    if declared:
        try:
            codec = codecs.lookup(declared).name
        except LookupError:
            codec = None
        try:
            text = data.decode(codec) if codec and codec != "utf-8" else None
        except UnicodeDecodeError:
            text = None
        # Old Arabic sites often declare a Latin charset for windows-1256 bytes: prefer Arabic.
        if (
            text is not None
            and not _mostly_control(text)
            and (_mostly_arabic(text) or not _mostly_arabic(fallback))
        ):
            return text
    if not _mostly_control(fallback) and _mostly_arabic(fallback):
        return fallback
    raise InputError(origin, BINARY_PROBLEM)


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
    return Document(
        id=doc_id if doc_id is not None else stable_id(text, url),
        text=text,
        url=url,
        outlet=outlet,
        published=published,
        title=title,
        origin=origin,
    )


def document_from_text(text: str, origin: str, doc_id: str | None = None) -> Document:
    """A document from plain text. Blank lines and page-furniture lines are dropped; the other
    lines are kept character for character (line ends are normalised to ``\\n``).
    """
    text = _normalise_newlines(text.removeprefix("\ufeff"))
    if not text.strip():
        raise InputError(origin, EMPTY_PROBLEM)
    kept = _strip_furniture(text.split("\n"))
    if not kept:
        raise InputError(origin, "no article text left after removing page furniture")
    body = "\n".join(kept)
    return Document(id=doc_id or stable_id(body, None), text=body, origin=origin)


def document_from_html(html: str | bytes, origin: str, url: str | None = None) -> Document:
    """A document from a web page: main text (one paragraph per line), title, date and outlet."""
    return _document_from_html(html, origin, url)


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
        data = stream.read()
    except (OSError, UnicodeDecodeError) as exc:
        yield InputError(STDIN_ORIGIN, f"cannot read standard input: {exc}")
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
        text = decode_bytes(data, origin)
    except InputError as err:
        yield err
        return
    if kind == "sniff" and _sniff(text) == "feed":
        yield from _read_feed(data, origin)
        return
    yield from _read_str(text, origin, kind)


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
            yield InputError(origin, f"invalid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}")
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
        return InputError(origin, f"invalid JSON: {exc.msg} at column {exc.colno}")
    return _json_document(value, origin)


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
        for lineno, raw in enumerate(stream, 1):
            if lineno == 1:
                raw = raw.removeprefix(codecs.BOM_UTF8)
            if not raw.strip():
                continue
            empty = False
            origin = f"{path}:{lineno}"
            try:
                line = decode_bytes(raw, origin)
            except InputError as err:
                yield err
                continue
            yield _json_line(line, origin)
        if empty:
            yield InputError(path, EMPTY_PROBLEM)


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


# --------------------------------------------------------------------------------------------
# Decoding helpers
# --------------------------------------------------------------------------------------------

_ARABIC_CHAR = re.compile(r"[\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufeff]")
_MARKUP = re.compile(r"<script.*?</script>|<style.*?</style>|<[^>]*>", re.DOTALL | re.IGNORECASE)


def _mostly_arabic(text: str) -> bool:
    """True when Arabic letters make up at least half the letters outside markup."""
    sample = _MARKUP.sub(" ", text[:200_000])
    letters = sum(1 for c in sample if c.isalpha())
    arabic = len(_ARABIC_CHAR.findall(sample))
    return arabic > 0 and arabic * 2 >= letters


def _mostly_control(text: str) -> bool:
    """True when more than 1% of the characters are control characters other than white space."""
    sample = text[:200_000]
    control = sum(1 for c in sample if unicodedata.category(c) == "Cc" and c not in "\t\n\r\f\v")
    return control * 100 > max(len(sample), 1)


def _normalise_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


# --------------------------------------------------------------------------------------------
# Page furniture
# --------------------------------------------------------------------------------------------

# Invisible characters ignored when classifying a line (never removed from kept lines).
_INVISIBLE = re.compile(
    "[\u00ad\u061c\u0640\u064b-\u0652\u0670\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]"
)
_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
_LETTERS = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ة": "ه", "ى": "ي"})
_BIDI = re.compile("[\u061c\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]")
_EDGE_PUNCT = " \t:：;؛-–—|»«•·*#>…_=~"


def _probe(line: str) -> str:
    """A classification key for a line: invisible marks, diacritics and letter variants folded."""
    s = _INVISIBLE.sub("", unicodedata.normalize("NFC", line)).translate(_DIGITS).translate(_LETTERS)
    return " ".join(s.split()).strip(_EDGE_PUNCT).lower()


_NAV = r"(?:المقال|المقاله|الخبر|الموضوع|التقرير|المنشور|التدوينه)\s+(?:السابق|السابقه|التالي|التاليه)"
_RELATED = (
    r"(?:مواضيع|مقالات|اخبار|موضوعات|تقارير|قصص|روابط)\s+(?:ذات\s+صله|متعلقه|مشابهه|مرتبطه|اخري)"
    r"|ذات\s+صله|قد\s+(?:يعجبك|يهمك|تهمك|يعجبكم|يهمكم)(?:\s+(?:ايضا|كذلك))?"
    r"|الاكثر\s+(?:قراءه|مشاهده|تداولا|تعليقا|شعبيه)|(?:اخر|احدث)\s+(?:الاخبار|المقالات|المواضيع)"
    r"|التعليقات|تعليقات|اترك\s+(?:تعليقا|ردا)|اضف\s+(?:تعليقا|تعليق)|\d+\s+(?:تعليق|تعليقات)(?:\s+علي\s.*)?"
    r"|related\s+(?:posts|articles|news)|you\s+may\s+also\s+like|comments"
)
# A heading after which the rest of the page is navigation, related articles or comments.
_CUT = re.compile(rf"(?:{_NAV})(?:[\s:].*)?|(?:{_RELATED})")
_READ_ALSO_WORDS = (
    r"(?:اقرا|اقراوا|طالع|طالعوا|شاهد)\s+(?:ايضا|كذلك|المزيد)|للمزيد\s+اقرا|read\s+(?:also|more)"
)
# "اقرأ أيضاً" alone: a heading over one or more linked headlines.
_READ_ALSO = re.compile(_READ_ALSO_WORDS)
_SOCIAL = (
    r"فيسبوك|فيس\s+بوك|تويتر|واتساب|واتس\s+اب|واتس|تلغرام|تليغرام|تيليجرام|تلجرام|تيلغرام|انستغرام|انستقرام"
    r"|يوتيوب|لينكد\s*ان|بنترست|ماسنجر|ايميل|البريد\s+الالكتروني|طباعه|نسخ\s+الرابط|x"
    r"|facebook|twitter|whatsapp|telegram|instagram|youtube|linkedin|pinterest|messenger|email|e-mail|print"
)
_LINE_PATTERNS = (
    # "اقرأ أيضاً: <headline>" on one line
    rf"(?:{_READ_ALSO_WORDS})\s*.*",
    # view counters with a word
    r"(?:عدد\s+)?(?:المشاهدات|القراءات|الزيارات|مشاهدات|قراءات|زيارات|المشاهده|القراءه)\s*\d[\d,.]*",
    r"\d[\d,.]*\s*(?:مشاهده|مشاهدات|قراءه|قراءات|زياره|زيارات|views?|reads?)",
    # share and follow widgets
    (
        r"(?:شارك|شاركوا|شاركها|انشر|مشاركه)(?:\s+(?:هذا|هذه))?"
        r"(?:\s+(?:المقال|المقاله|الخبر|الموضوع|المنشور|التقرير))?"
        rf"(?:\s+(?:علي|عبر|في)\s+(?:{_SOCIAL}).*)?"
    ),
    r"(?:تابعنا|تابعونا)(?:\s+(?:علي|عبر)(?:\s+\S+){0,8})?",
    r"تابعوا\s+(?:صفحتنا|قناتنا|حسابنا|موقعنا)(?:\s+\S+){0,8}",
    rf"(?:(?:{_SOCIAL})[\s,،|/•·-]*)+",
    r"share(?:\s+this)?(?:\s+\S+){0,3}|follow\s+us(?:\s+\S+){0,4}",
    # tag lists and breadcrumbs
    (
        r"(?:الوسوم|وسوم|الكلمات\s+الدلاليه|الكلمات\s+المفتاحيه|كلمات\s+مفتاحيه|كلمات\s+داله|كلمات\s+دلاليه"
        r"|الكلمات\s+الداله|tags)(?:[\s:].*)?"
    ),
    r"(?:الرئيسيه|الصفحه\s+الرئيسيه)(?:\s*[»>/|›]\s*.*)?",
    # reading time and relative stamps ("منذ 5 سنوات")
    r"(?:\d+\s+)?(?:دقيقه|دقائق)(?:\s+واحده)?(?:\s+(?:للقراءه|قراءه))?",
    r"(?:وقت|مده)\s+القراءه.*",
    (
        r"منذ\s+(?:\d+\s+)?(?:ثانيه|ثوان|دقيقه|دقائق|ساعه|ساعات|ساعتين|يوم|يومين|ايام|اسبوع|اسابيع|شهر|اشهر"
        r"|شهور|سنه|سنتين|سنوات|عام|عامين|اعوام)(?:\s+واحده)?"
    ),
    # WordPress feed footers
    r"the\s+post\s.+\sappeared\s+first\s+on\s.+",
    r"(?:ظهرت\s+)?(?:المقاله|المقال|التدوينه)\s.+\s(?:ظهرت\s+)?اولا\s+(?:علي|في)\s.+",
)
_LINE = re.compile("|".join(f"(?:{p})" for p in _LINE_PATTERNS))
_NUMBER = re.compile(r"[\d.,،٬\s]+")
_MAX_LINKED_HEADLINES = 8
_SENTENCE_END = re.compile(r"[.!?؟…:\"'”»)]$")


def _line_kind(line: str) -> str | None:
    """cut, read_also, line, number or None (an article line)."""
    p = _probe(line)
    if not p:
        return "blank"
    if _NUMBER.fullmatch(p):
        return "number"
    if _CUT.fullmatch(p):
        return "cut"
    if _READ_ALSO.fullmatch(p):
        return "read_also"
    if _LINE.fullmatch(p):
        return "line"
    return None


def _headline_like(line: str) -> bool:
    """A short line without a sentence end: a linked headline under a "read also" heading."""
    p = _probe(line)
    return bool(p) and len(p.split()) <= 20 and not _SENTENCE_END.search(p)


def _strip_furniture(lines: Iterable[str]) -> list[str]:
    """The article lines of ``lines``, unchanged, without blank lines and page furniture.

    Furniture lines (share/follow widgets, tag lists, "اقرأ أيضاً: ...") are dropped wherever they
    are; a navigation, related-articles or comments heading drops everything after it; a line that is
    only a number (a view counter) is dropped at the start or end of the text.
    """
    lines = list(lines)
    kept: list[str] = []
    seen_content = False
    i = 0
    while i < len(lines):
        line = lines[i]
        kind = _line_kind(line)
        i += 1
        if kind == "blank" or kind == "line":
            continue
        if kind == "cut" and seen_content:
            break
        if kind in ("cut", "read_also"):
            # the linked headlines under the heading (a few), up to the next paragraph
            skipped = 0
            while i < len(lines) and skipped < _MAX_LINKED_HEADLINES:
                if _line_kind(lines[i]) != "blank":
                    if not _headline_like(lines[i]):
                        break
                    skipped += 1
                i += 1
            continue
        kept.append(line)
        if kind is None:
            seen_content = True
    while kept and _line_kind(kept[-1]) == "number":
        kept.pop()
    while kept and _line_kind(kept[0]) == "number":
        kept.pop(0)
    return kept


# --------------------------------------------------------------------------------------------
# Dates in bylines (small and local: the date module handles dates in article text)
# --------------------------------------------------------------------------------------------

_MONTHS = {
    "كانون الثاني": 1, "شباط": 2, "اذار": 3, "نيسان": 4, "ايار": 5, "حزيران": 6, "تموز": 7, "اب": 8,
    "ايلول": 9, "تشرين الاول": 10, "تشرين الثاني": 11, "كانون الاول": 12,
    "يناير": 1, "فبراير": 2, "مارس": 3, "ابريل": 4, "مايو": 5, "يونيو": 6, "يونيه": 6, "يوليو": 7,
    "يوليه": 7, "اغسطس": 8, "سبتمبر": 9, "اكتوبر": 10, "نوفمبر": 11, "ديسمبر": 12,
    "جانفي": 1, "فيفري": 2, "افريل": 4, "ماي": 5, "جوان": 6, "جويليه": 7, "اوت": 8,
}  # fmt: skip
_MONTH_ALT = "|".join(re.escape(m).replace(r"\ ", r"\s+") for m in sorted(_MONTHS, key=len, reverse=True))
_TEXT_DATE = re.compile(
    rf"(?<!\d)(\d{{1,2}})\s*(?:من\s+)?({_MONTH_ALT})(?![\u0621-\u064a])"
    rf"(?:\s*[/(-]\s*(?:{_MONTH_ALT})\)?)?\s*[,،]?\s*((?:19|20)\d\d)(?!\d)"
)
_MDY_TEXT = re.compile(rf"(?<![\u0621-\u064a])({_MONTH_ALT})\s+(\d{{1,2}})\s*[,،]\s*((?:19|20)\d\d)(?!\d)")
_YMD = re.compile(r"(?<!\d)((?:19|20)\d\d)[/.-](\d{1,2})[/.-](\d{1,2})(?!\d)")
_DMY = re.compile(r"(?<!\d)(\d{1,2})[/.-](\d{1,2})[/.-]((?:19|20)\d\d)(?!\d)")
_PUBLISH_WORD = re.compile(
    r"(?:تاريخ\s+النشر|نشر\s+(?:في|بتاريخ|يوم)|تم\s+النشر|بتاريخ|نشر|اخر\s+تحديث|posted\s+on)"
)
_TIME = re.compile(r"\d{1,2}:\d{2}(?::\d{2})?")
# Words that may stand next to the date in a line that is only a publication stamp.
_STAMP_WORDS = frozenset(
    (
        "تاريخ", "النشر", "تم", "نشر", "في", "بتاريخ", "يوم", "اخر", "تحديث", "التاريخ", "الساعه", "ص", "م",
        "مساء", "صباحا", "السبت", "الاحد", "الاثنين", "الثلاثاء", "الاربعاء", "الخميس", "الجمعه",
        "posted", "on", "published", "updated", "am", "pm",
    )
)  # fmt: skip


def _valid_date(year: int, month: int, day: int) -> dt.date | None:
    if not 1990 <= year <= 2100:
        return None
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _dates_in(text: str) -> list[tuple[int, int, dt.date]]:
    """(start, end, date) of every byline-style date in ``text`` (already probed), in text order."""
    found = []
    for m in _TEXT_DATE.finditer(text):
        month = _MONTHS[" ".join(m.group(2).split())]
        d = _valid_date(int(m.group(3)), month, int(m.group(1)))
        if d:
            found.append((m.start(), m.end(), d))
    for m in _MDY_TEXT.finditer(text):
        month = _MONTHS[" ".join(m.group(1).split())]
        d = _valid_date(int(m.group(3)), month, int(m.group(2)))
        if d:
            found.append((m.start(), m.end(), d))
    for m in _YMD.finditer(text):
        d = _valid_date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        if d:
            found.append((m.start(), m.end(), d))
    for m in _DMY.finditer(text):
        day, month, year = int(m.group(1)), int(m.group(2)), int(m.group(3))
        if month > 12 >= day:
            day, month = month, day
        d = _valid_date(year, month, day)
        if d:
            found.append((m.start(), m.end(), d))
    found.sort()
    # drop matches inside an earlier match
    out: list[tuple[int, int, dt.date]] = []
    for item in found:
        if not out or item[0] >= out[-1][1]:
            out.append(item)
    return out


def _parse_byline_date(text: str) -> dt.date | None:
    """The first date in a byline ("نشر في 12 كانون الأول 2018", "2018/12/14", "14-12-2018")."""
    found = _dates_in(_probe(text))
    return found[0][2] if found else None


def _byline_only(line: str) -> dt.date | None:
    """The date of a line that holds only a publication stamp ("تاريخ النشر: 2018/12/14 - 10:35")."""
    p = _probe(line)
    found = _dates_in(p)
    if len(found) != 1:
        return None
    start, end, d = found[0]
    rest = _TIME.sub(" ", p[:start] + " " + p[end:])
    words = [w for w in re.split(r"[\s,،:|/()\-–—]+", rest) if w]
    return d if all(w in _STAMP_WORDS for w in words) else None


def _published_in_text(lines: Iterable[str]) -> dt.date | None:
    """The date after a publication word ("نشر في", "تاريخ النشر:") in the first short line with one."""
    for line in lines:
        p = _probe(line)
        if len(p.split()) > 14:
            continue
        for m in _PUBLISH_WORD.finditer(p):
            found = _dates_in(p[m.end() : m.end() + 60])
            if found and found[0][0] <= 25:
                return found[0][2]
    return None


# --------------------------------------------------------------------------------------------
# HTML
# --------------------------------------------------------------------------------------------

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
_META_DATE_KEYS = {
    "article:published_time", "og:article:published_time", "article:published", "og:published_time",
    "published_time", "datepublished", "pubdate", "publishdate", "publish-date", "publish_date",
    "date", "dc.date", "dc.date.issued", "dc.date.created", "dcterms.date", "dcterms.issued",
    "dcterms.created", "sailthru.date", "parsely-pub-date", "article.published", "datecreated",
    "citation_publication_date", "citation_date", "originalpublicationdate", "date_published",
    "publication_date", "release_date", "article_date_original", "pdate",
}  # fmt: skip
_ISO_PREFIX = re.compile(r"^\s*((?:19|20)\d\d)-(\d{1,2})-(\d{1,2})")
_URL_DATE = re.compile(r"/((?:19|20)\d\d)[/-](\d{1,2})[/-](\d{1,2})(?:[/_.-]|$)")
_BYLINE_ATTR = re.compile(r"date|time|byline|posted|publish|dateline|meta", re.IGNORECASE)
_EXCLUDED_TOKEN = re.compile(
    r"(?:site-?footer|footer|colophon|sidebar|aside|widgets?(?:-.*)?|comments?(?:-.*)?|.*-comments?"
    r"|related.*|.*-related.*|nav|navbar|navigation|.*-nav|nav-.*|menu.*|.*-menu|most-.*|.*-most-read"
    r"|popular.*|recent.*|trending.*|ticker.*|breaking.*|top-?bar|today|current-date|share.*|.*-share"
    r"|social.*|respond|reply.*|copyright.*|header|header-.*|(?:site|page|main|top|global)-?header.*|masthead.*)",
    re.IGNORECASE,
)
_EXCLUDED_TAGS = {"aside", "nav", "script", "style", "noscript", "template"}
_BLOCK_TAGS = {
    "address", "article", "blockquote", "br", "dd", "div", "dl", "dt", "figcaption", "figure", "footer",
    "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main", "ol", "p", "pre", "section", "table",
    "td", "th", "tr", "ul",
}  # fmt: skip
# What lxml and trafilatura raise on markup they cannot handle.
_PARSE_ERRORS = (ValueError, TypeError, AttributeError, IndexError, KeyError, RecursionError, LxmlError)
_TITLE_SEPARATOR = re.compile(r"\s+(?:::|[-|–—:»·])\s+|\s*\|\s*")


def _document_from_html(
    html: str | bytes, origin: str, url: str | None, charset: str | None = None
) -> Document:
    import trafilatura
    from trafilatura.utils import load_html

    if isinstance(html, bytes):
        if not html.strip():
            raise InputError(origin, EMPTY_PROBLEM)
        declared = charset
        if declared is None:
            m = _META_CHARSET.search(html[:8192])
            declared = m.group(1).decode("ascii") if m else None
        html = decode_bytes(html, origin, declared)
    html = html.removeprefix("\ufeff")
    if not html.strip():
        raise InputError(origin, EMPTY_PROBLEM)
    try:
        tree = load_html(html)
    except _PARSE_ERRORS as exc:
        raise InputError(origin, f"cannot parse HTML: {exc}") from None
    if tree is None:
        raise InputError(origin, "cannot parse HTML")
    tree = tree.getroottree().getroot()

    evidence = _date_evidence(tree, url)
    page_title = _page_title(tree)
    _unwrap_layout_tables(tree)
    try:
        result = trafilatura.bare_extraction(
            tree,
            url=url,
            with_metadata=True,
            include_comments=False,
            include_images=False,
            include_links=False,
            deduplicate=False,
            # No text search for dates: it turns a "© 2019" footer into 2019-01-01.
            date_extraction_params={"extensive_search": False, "original_date": True},
        )
    except _PARSE_ERRORS as exc:  # trafilatura may fail on odd markup: report it, go on
        raise InputError(origin, f"cannot extract the article from HTML: {exc}") from None

    title = outlet = None
    text = ""
    found_date = None
    page_url = url
    if result is not None:
        title = _clean_meta(result.title)
        outlet = _clean_meta(result.sitename)
        text = result.text or ""
        found_date = _iso_date(result.date)
        page_url = url or result.url
        if outlet and result.hostname and outlet.lower().removeprefix("www.") == result.hostname.lower():
            outlet = _site_from_title(page_title, title) or outlet
    if outlet is None:
        outlet = _site_from_title(page_title, title)
    if not text.strip():
        # trafilatura gives up on very short pages; its baseline takes <article>, JSON-LD or <p> text.
        text = trafilatura.baseline(tree)[1] or ""
    if title is None:
        title = _clean_meta(page_title)

    lines = [line.strip() for line in _normalise_newlines(text).split("\n")]
    lines = [line for line in lines if _probe(line)]
    if lines and title and _probe(lines[0]) == _probe(title):
        lines = lines[1:]
    for line in lines:
        d = _byline_only(line)
        if d:
            evidence.append(d)
    lines = [line for line in lines if not _byline_only(line)]
    kept = _strip_furniture(lines)
    if not kept:
        raise InputError(origin, "no article text found in the HTML page")
    body = "\n".join(kept)
    return Document(
        id=stable_id(body, page_url),
        text=body,
        url=page_url,
        outlet=outlet,
        published=_choose_date(found_date, evidence),
        title=title,
        origin=origin,
    )


def _choose_date(found: dt.date | None, evidence: list[dt.date]) -> dt.date | None:
    """trafilatura's date when the page supports it, else the first date the page states.

    trafilatura (htmldate) also reads dates out of related-article lists, and guesses 1 January
    from a "© 2019" footer when its extensive search is on; so its date counts only when a meta
    tag, JSON-LD, <time>, the URL or a byline gives the same day.
    """
    if found is not None and found in evidence:
        return found
    return evidence[0] if evidence else None


def _iso_date(value: str | None) -> dt.date | None:
    if not value:
        return None
    m = _ISO_PREFIX.match(value)
    return _valid_date(int(m.group(1)), int(m.group(2)), int(m.group(3))) if m else None


def _clean_meta(value: str | None) -> str | None:
    """A metadata string (title, outlet) with bidi and zero-width marks and extra spaces removed."""
    if not value:
        return None
    value = " ".join(_BIDI.sub("", value).split())
    return value or None


def _page_title(tree: Any) -> str | None:
    el = tree.find(".//title")
    if el is None:
        return None
    text = el.text_content()
    return " ".join(text.split()) or None


def _site_from_title(page_title: str | None, title: str | None) -> str | None:
    """The outlet from a <title> such as "headline - Outlet" or "Outlet | headline"."""
    if not page_title or not title:
        return None
    parts = [p for p in _TITLE_SEPARATOR.split(page_title) if p.strip()]
    if len(parts) < 2:
        return None
    head, tail = _probe(parts[0]), _probe(parts[-1])
    want = _probe(title)
    site = None
    if head == want or (want.startswith(head) and len(head) > 10):
        site = parts[-1]
    elif tail == want:
        site = parts[0]
    site = _clean_meta(site)
    if site and len(site.split()) <= 6 and _probe(site) != want:
        return site
    return None


def _attr_tokens(el: Any) -> list[str]:
    return " ".join(el.get(a, "") for a in ("class", "id", "itemprop")).split()


def _excluded(el: Any) -> bool:
    """True when ``el`` or an ancestor is a sidebar, comment list, related list, menu or footer."""
    node = el
    while node is not None:
        tag = node.tag if isinstance(node.tag, str) else ""
        if tag.lower() in _EXCLUDED_TAGS:
            return True
        if any(_EXCLUDED_TOKEN.fullmatch(t) for t in _attr_tokens(node)):
            return True
        node = node.getparent()
    return False


def _date_evidence(tree: Any, url: str | None) -> list[dt.date]:
    """Publication dates the page states in markup (meta, JSON-LD, <time>), its URL or a byline."""
    evidence: list[dt.date] = []

    def add(d: dt.date | None) -> None:
        if d is not None and d not in evidence:
            evidence.append(d)

    for script in tree.xpath("//script[contains(translate(@type,'LDJSON','ldjson'),'ld+json')]"):
        try:
            data = json.loads(script.text_content() or "")
        except (json.JSONDecodeError, ValueError):
            continue
        for value in _json_ld_dates(data):
            add(_iso_date(value) or _parse_byline_date(value))
    for meta in tree.xpath("//meta[@content]"):
        key = (meta.get("property") or meta.get("name") or meta.get("itemprop") or "").strip().lower()
        if key in _META_DATE_KEYS:
            value = meta.get("content", "")
            add(_iso_date(value) or _parse_byline_date(value))
    for el in tree.xpath("//*[@itemprop='datePublished' or @itemprop='dateCreated'][not(self::meta)]"):
        if not _excluded(el):
            value = el.get("content") or el.get("datetime") or ""
            add(_iso_date(value) or _parse_byline_date(value) or _parse_byline_date(el.text_content()))
    times = [t for t in tree.xpath("//time") if not _excluded(t)]
    times.sort(
        key=lambda t: 0 if t.get("pubdate") is not None or "published" in (t.get("class") or "") else 1
    )
    for t in times:
        value = t.get("datetime") or ""
        add(_iso_date(value) or _parse_byline_date(value) or _parse_byline_date(t.text_content()))
    for page_url in (url, _canonical_url(tree)):
        if page_url:
            m = _URL_DATE.search(page_url)
            if m:
                add(_valid_date(int(m.group(1)), int(m.group(2)), int(m.group(3))))
    for el in tree.iter():
        if not isinstance(el.tag, str) or el.tag in ("script", "style", "meta", "time"):
            continue
        if any(_BYLINE_ATTR.search(t) for t in _attr_tokens(el)) and not _excluded(el):
            text = el.text_content()
            if len(text) <= 300:
                add(_parse_byline_date(text))
    body = tree.find("body")
    if body is not None:
        add(_published_in_text(_element_lines(body, skip_excluded=True)))
    return evidence


# JSON-LD keys whose dates are not the article's publication day.
_JSON_LD_SKIP = frozenset(("datePublished", "dateCreated", "dateModified", "comment", "review", "citation"))


def _json_ld_dates(data: Any) -> Iterator[str]:
    """datePublished (or dateCreated) values of a JSON-LD tree, outermost first."""
    if isinstance(data, list):
        for item in data:
            yield from _json_ld_dates(item)
    elif isinstance(data, dict):
        for key in ("datePublished", "dateCreated"):
            if isinstance(data.get(key), str):
                yield data[key]
        for key, value in data.items():
            if key not in _JSON_LD_SKIP and isinstance(value, (dict, list)):
                yield from _json_ld_dates(value)


def _canonical_url(tree: Any) -> str | None:
    for xpath in ("//link[@rel='canonical']/@href", "//meta[@property='og:url']/@content"):
        found = tree.xpath(xpath)
        if found:
            return str(found[0])
    return None


def _unwrap_layout_tables(tree: Any) -> None:
    """Turn layout tables (tables holding headings, paragraphs or other tables) into divs.

    Old Arabic news sites lay out whole pages with tables; trafilatura would render them as table
    rows and put the footer first.
    """
    for table in tree.xpath("//table[.//table or .//p or .//h1 or .//h2 or .//h3]"):
        for el in table.iter("table", "tbody", "thead", "tfoot", "tr", "td", "th"):
            el.tag = "div"


def _element_lines(root: Any, skip_excluded: bool = False) -> list[str]:
    """Visible text of an element, one block per line, white space collapsed."""
    from copy import deepcopy

    root = deepcopy(root)
    for el in list(root.iter()):
        if el is root or not isinstance(el.tag, str):
            continue
        if el.tag in ("script", "style", "noscript", "template", "iframe", "svg", "form", "button") or (
            skip_excluded and _excluded(el)
        ):
            el.drop_tree()
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        if el.tag == "br":
            el.tail = "\n" + (el.tail or "")
        elif el.tag in _BLOCK_TAGS:
            el.text = "\n" + (el.text or "")
            el.tail = "\n" + (el.tail or "")
    lines = (" ".join(line.split()) for line in root.text_content().split("\n"))
    return [line for line in lines if line]


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
