"""Plain text: decoding bytes, content ids, and page-furniture lines dropped from article text."""

from __future__ import annotations

import codecs
import hashlib
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import replace

from raqib.errors import InputError
from raqib.model import Document

BINARY_PROBLEM = "binary file, expected text/HTML/JSON"
EMPTY_PROBLEM = "empty document"

# Size limits (documented in SECURITY.md). News articles are a few thousand characters; these bound
# the time and memory one hostile or mistaken input can take (extraction time grows faster than the
# length of a document), and anything over them is refused with an error naming the limit.
MAX_DOCUMENT_BYTES = 10 * 2**20
"""Largest single document read, in bytes: a web page (markup included) or a text file."""
MAX_FILE_BYTES = 256 * 2**20
"""Largest file read whole (a JSON file or list, a feed, standard input); JSON Lines and WARC files
are streamed and have no limit, but each of their lines or records is one document."""
MAX_TEXT_CHARS = 200_000
"""Longest article text extracted, in characters (about 100 printed pages)."""


def too_long(chars: int) -> str:
    """The problem of a document whose text is over ``MAX_TEXT_CHARS``."""
    return (
        f"document text is {chars:,} characters, more than the {MAX_TEXT_CHARS:,} raqib extracts from "
        "one document; split it into separate reports"
    )


def too_big(what: str, size: int, limit: int) -> str:
    """The problem of an input over a byte limit."""
    mib = 2**20
    return f"{what} is {size / mib:.1f} MiB, more than the {limit // mib} MiB limit; split it into separate reports"


def with_warnings(doc: Document, *warnings: str | None) -> Document:
    """``doc`` with ``warnings`` (None entries ignored) added to its own."""
    new = tuple(w for w in warnings if w and w not in doc.warnings)
    return replace(doc, warnings=doc.warnings + new) if new else doc


def replace_nul(text: str, what: str) -> tuple[str, str | None]:
    """``text`` with every NUL character (U+0000) replaced by U+FFFD, and a warning naming ``what``
    when there was one. Same length, so offsets into the text stay valid; PostgreSQL cannot store
    NUL in text, and no news report means one."""
    n = text.count("\x00")
    if not n:
        return text, None
    return text.replace("\x00", "\ufffd"), (
        f"{what} contains {n} NUL character{'s' if n > 1 else ''} (U+0000, the first at offset "
        f"{text.index(chr(0))}), replaced by U+FFFD"
    )


def stable_id(text: str, url: str | None) -> str:
    """A content id: ``sha256:`` and 16 hex digits of the URL, or of the white-space-normalised text."""
    key = url.strip() if url and url.strip() else " ".join(unicodedata.normalize("NFC", text).split())
    return "sha256:" + hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]


def decode_bytes(data: bytes, origin: str, declared: str | None = None) -> str:
    """Text of ``data``: UTF-8 (BOM or not), else the ``declared`` charset, else windows-1256 Arabic.

    Raises ``InputError`` for binary data (NUL bytes, or bytes that decode to no Arabic text).
    UTF-8 with a few invalid bytes has them replaced by U+FFFD; ``decode_text`` also says so.
    """
    return decode_text(data, origin, declared)[0]


def decode_text(data: bytes, origin: str, declared: str | None = None) -> tuple[str, str | None]:
    """``decode_bytes`` and a warning for the document when invalid UTF-8 bytes were replaced."""
    if data.startswith(codecs.BOM_UTF8):
        try:
            return data[len(codecs.BOM_UTF8) :].decode("utf-8"), None
        except UnicodeDecodeError as exc:
            raise InputError(
                origin, f"invalid UTF-8 after a UTF-8 byte-order mark (byte {exc.start})"
            ) from None
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16"), None
        except UnicodeDecodeError:
            raise InputError(origin, BINARY_PROBLEM) from None
    if b"\x00" in data:
        raise InputError(origin, BINARY_PROBLEM)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        # A few bad bytes in UTF-8 (a truncated or corrupted character) are replaced, not read as
        # windows-1256, which would turn every Arabic letter of the text into two wrong ones.
        repaired = _mostly_utf8(data)
        if repaired is not None and not _mostly_control(repaired[0]):
            text, bad = repaired
            return text, (
                f"invalid UTF-8: {bad} byte sequence{'s' if bad > 1 else ''} replaced by U+FFFD "
                f"(the first at byte {exc.start})"
            )
    else:
        if _mostly_control(text):
            raise InputError(origin, BINARY_PROBLEM)
        return text, None
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
            return text, None
    if not _mostly_control(fallback) and _mostly_arabic(fallback):
        return fallback, None
    raise InputError(origin, BINARY_PROBLEM)


def document_from_text(text: str, origin: str, doc_id: str | None = None) -> Document:
    """A document from plain text. Blank lines and page-furniture lines are dropped; the other
    lines are kept character for character (line ends are normalised to ``\\n``).
    """
    text = _normalise_newlines(text.removeprefix("\ufeff"))
    if not text.strip():
        raise InputError(origin, EMPTY_PROBLEM)
    if len(text) > MAX_TEXT_CHARS:
        raise InputError(origin, too_long(len(text)))
    kept = _strip_furniture(text.split("\n"))
    if not kept:
        raise InputError(origin, "no article text left after removing page furniture")
    body = "\n".join(kept)
    return Document(id=doc_id or stable_id(body, None), text=body, origin=origin)


# --------------------------------------------------------------------------------------------
# Decoding helpers
# --------------------------------------------------------------------------------------------

_ARABIC_CHAR = re.compile(r"[\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufeff]")
_MARKUP = re.compile(r"<script.*?</script>|<style.*?</style>|<[^>]*>", re.DOTALL | re.IGNORECASE)


_HIGH_BYTES = bytes(range(0x80, 0x100))


def _mostly_utf8(data: bytes) -> tuple[str, int] | None:
    """The text of UTF-8 ``data`` with its invalid byte sequences replaced and how many there were,
    when they are at most 1 in 20 of the non-ASCII bytes (windows-1256 Arabic is nearly all invalid)."""
    text = data.decode("utf-8", errors="replace")
    bad = text.count("\ufffd") - data.count("\ufffd".encode())
    high = len(data) - len(data.translate(None, _HIGH_BYTES))
    return (text, bad) if 0 < bad and bad * 20 <= high else None


def _mostly_arabic(text: str) -> bool:
    """True when Arabic letters make up at least half the letters outside markup."""
    sample = _MARKUP.sub(" ", text[:200_000])
    letters = sum(1 for c in sample if c.isalpha())
    arabic = len(_ARABIC_CHAR.findall(sample))
    return arabic > 0 and arabic * 2 >= letters


#: Unicode's control characters (category Cc: U+0000-001F and U+007F-009F) but white space (\t\n\v\f\r).
_CONTROL = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f]")


def _mostly_control(text: str) -> bool:
    """True when more than 1% of the characters are control characters other than white space."""
    sample = text[:200_000]
    return len(_CONTROL.findall(sample)) * 100 > max(len(sample), 1)


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


# An Arabic letter or an ASCII letter or digit: NFC, the folding and the stripping of ``_probe`` keep
# it (a combining mark after it composes into another letter), so a line holding one probes non-empty.
_KEPT_CHAR = re.compile(r"[\u0621-\u063a\u0641-\u064aA-Za-z0-9]")


def has_visible_line(text: str) -> bool:
    """``any(_probe(line) for line in text.splitlines())``: whether some line of ``text`` holds more
    than invisible marks, white space and edge punctuation. One character search answers for nearly
    every text; only a text without a plain letter or digit is probed line by line."""
    return _KEPT_CHAR.search(text) is not None or any(_probe(line) for line in text.splitlines())


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
