"""Arabic matching keys with an offset map back to the original text.

Normalisation never rewrites the stored text. It builds a *key* string in which spelling
variants that Arabic news uses interchangeably collapse to one form (أ/إ/آ → ا, ة → ه, ى → ي,
diacritics and tatweel gone, Arabic-Indic digits → 0-9, typographic quotes → ") and an
offset array: ``offsets[i]`` is the index in the original text of the character that
produced ``key[i]``, and ``offsets[len(key)]`` is the end of the text. The character map is
data (``data/charmaps/arabic_keys.json``), applied identically to dictionary entries at load
time and to text at match time. Every map is one character to at most one character, so
offsets stay exact. Each group of the map is also a small named function (``unify_alef``,
``strip_tatweel`` ...); the matching key applies all of them at once.
"""

from __future__ import annotations

import codecs
import json
import re
import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources

#: The groups of the character map, in the order they are listed in the data file.
GROUPS = (
    "alef",
    "ta_marbuta",
    "alef_maqsura",
    "hamza_seats",
    "persian_letters",
    "diacritics",
    "tatweel",
    "zero_width_and_bidi",
    "digits",
    "quotes",
    "punctuation",
)


@cache
def _charmap(groups: tuple[str, ...] = GROUPS) -> dict[int, str]:
    """The translation table made of the named groups of the packaged character map."""
    raw = json.loads(resources.files("raqib").joinpath("data/charmaps/arabic_keys.json").read_text("utf-8"))
    table: dict[int, str] = {}
    for group in groups:
        for src, dst in raw[group].items():
            table[ord(src)] = dst
    return table


class _Translation:
    """``text.translate(table)`` for a map of characters to at most one character, faster on long texts.

    ``translate`` looks every character of the text up in the map. A news text holds few of the
    characters a map changes, so for a long text one ``str.replace`` per mapped character that
    occurs is several times faster (short strings stay with ``translate``). Both give the same
    string when no replacement is itself a mapped character, which is checked here: otherwise
    ``translate`` is always used.
    """

    LONG = 200
    """Texts at least this long are translated by replacements."""

    def __init__(self, table: dict[int, str]) -> None:
        self.table = table
        pairs = tuple((chr(c), v) for c, v in table.items() if chr(c) != v)
        chained = set("".join(v for _, v in pairs)) & {c for c, _ in pairs}
        self.pairs = None if chained else pairs

    def __call__(self, text: str) -> str:
        if self.pairs is None or len(text) < self.LONG:
            return text.translate(self.table)
        for c, v in self.pairs:
            if c in text:
                text = text.replace(c, v)
        return text


@cache
def _translation(group: str) -> _Translation:
    return _Translation(_charmap((group,)))


def _fold(text: str, group: str) -> str:
    return _translation(group)(text)


def unify_alef(text: str) -> str:
    """أ إ آ ٱ → ا."""
    return _fold(text, "alef")


def ta_marbuta_to_ha(text: str) -> str:
    """ة → ه."""
    return _fold(text, "ta_marbuta")


def alef_maqsura_to_ya(text: str) -> str:
    """ى (and the Persian ی) → ي."""
    return _fold(text, "alef_maqsura")


def hamza_seats_to_letters(text: str) -> str:
    """ؤ → و, ئ → ي."""
    return _fold(text, "hamza_seats")


def persian_letters_to_arabic(text: str) -> str:
    """ک → ك, ھ → ه and the like."""
    return _fold(text, "persian_letters")


def strip_diacritics(text: str) -> str:
    """Remove harakat, shadda, sukun, dagger alef."""
    return _fold(text, "diacritics")


def strip_tatweel(text: str) -> str:
    """Remove the kashida ـ ("لـ" → "ل")."""
    return _fold(text, "tatweel")


def strip_invisible(text: str) -> str:
    """Remove zero-width and bidi control characters (RLM, LRE, ZWJ, BOM ...)."""
    return _fold(text, "zero_width_and_bidi")


def western_digits(text: str) -> str:
    """Arabic-Indic and Persian digits → 0-9."""
    return _fold(text, "digits")


def plain_quotes(text: str) -> str:
    """“ ” « » ‘ ’ and the other typographic quotes → " and '."""
    return _fold(text, "quotes")


def plain_punctuation(text: str) -> str:
    """، ؛ ؟ → , ; ? and the dashes → -."""
    return _fold(text, "punctuation")


@dataclass(frozen=True, slots=True)
class Normalized:
    """A matching key and the way back to the original characters."""

    key: str
    """The matching key."""
    offsets: tuple[int, ...]
    """``offsets[i]`` is the original index of ``key[i]``; one extra entry holds the text length."""
    chunks: tuple[str, ...]
    """``key.split(" ")``, split once for the tokeniser and the number and date pre-scan (the pieces
    between single spaces: each one's offset follows from the one before)."""

    def span(self, key_start: int, key_end: int) -> tuple[int, int]:
        """Original ``(start, end)`` of the key slice ``key[key_start:key_end]``."""
        if key_end <= key_start:
            pos = self.offsets[key_start]
            return pos, pos
        return self.offsets[key_start], self.offsets[key_end - 1] + 1


# Characters the map leaves as they are that a news text often holds, given a byte of ``_CodePage``
# too: the Arabic letters, and a few signs and letters of neighbouring alphabets.
_PAGE_EXTRA = "".join(map(chr, range(0x0621, 0x064B))) + (
    "\u00a0\u2026\u00b0\u00d7\u00f7\u2022\u00b7\u066a\u066d\u067e\u0686\u0698\u06af\u06d4\ufd3e\ufd3f\u20ac\u00a3\u2039\u203a"
)


class _CodePage:
    """``text.translate(table)`` through a one-byte code page of raqib's own, with the positions of the
    characters the map deletes; None for a text with a character outside the page.

    A news text is written with few distinct characters: ASCII, the Arabic letters and marks, digits,
    some quotes and dashes. In a code page that gives each of them a byte (ASCII keeps its own), the
    whole map is one ``bytes.translate`` (a table look-up per byte, in C) and the deleted characters
    are found by ``bytes.find``: a fifth of the instructions of one ``str.replace`` per mapped character
    (``_Translation``) and a regular expression for the deletions. The invisible characters (zero
    width, bidi controls) come last when the page is filled: the pipeline removes them before it
    normalises (``pipeline.extract``), and a text that holds one takes the slower way.
    """

    def __init__(self, table: dict[int, str]) -> None:
        mapped = [chr(c) for c in table if c >= 128]
        invisible = [c for c in mapped if unicodedata.category(c) == "Cf"]
        wanted = dict.fromkeys([c for c in mapped if c not in invisible] + list(_PAGE_EXTRA) + invisible)
        page = "".join(map(chr, range(128))) + "".join(list(wanted)[:128])
        self.page = page.ljust(256, "\ufffe")  # U+FFFE: a byte no text is encoded to
        self.encoding = codecs.charmap_build(self.page)
        byte = {ch: i for i, ch in enumerate(page)}
        kept, deleted, marks = bytearray(range(256)), bytearray(), bytearray(b"\x01" * 256)
        for i, ch in enumerate(page):
            out = table.get(ord(ch), ch)
            if out:
                kept[i] = byte[out]  # every replacement (an Arabic letter, ASCII) is in the page
            else:
                deleted.append(i)
                marks[i] = 0
        self.kept, self.deleted, self.marks = bytes(kept), bytes(deleted), bytes(marks)

    def __call__(self, text: str) -> tuple[str, list[int]] | None:
        try:
            encoded = codecs.charmap_encode(text, "strict", self.encoding)[0]
        except UnicodeEncodeError:
            return None
        key = codecs.charmap_decode(encoded.translate(self.kept, self.deleted), "strict", self.page)[0]
        cuts: list[int] = []
        if len(key) < len(text):
            find = encoded.translate(self.marks).find
            i = find(0)
            while i != -1:
                cuts.append(i)
                i = find(0, i + 1)
        return key, cuts


@cache
def _tables() -> tuple[_Translation, re.Pattern[str], _CodePage]:
    """The full translation (the character map plus ASCII lower-casing), a pattern matching every
    character the map deletes, and the same translation through a code page."""
    table = dict(_charmap())
    for c in range(ord("A"), ord("Z") + 1):
        table.setdefault(c, chr(c + 32))
    deleted = "".join(re.escape(chr(c)) for c, v in table.items() if v == "")
    return _Translation(table), re.compile(f"[{deleted}]"), _CodePage(table)


# A full stop inside a word after a tatweel ("القـ.صف"، "الغـ.ـارات"): some outlets break words this
# way so that platforms do not flag them. It is part of the word, not punctuation.
_MASK_DOT = re.compile(r"(?<=[\u0621-\u063f\u0641-\u064a]\u0640)\.(?=\u0640*[\u0621-\u063f\u0641-\u064a])")


#: ``tuple(range(n))`` for the longest ``n`` asked so far (see ``_counting``).
_COUNTING: list[tuple[int, ...]] = [()]


def _counting(n: int) -> tuple[int, ...]:
    """A tuple holding at least ``0, 1, ..., n - 1``, shared by every offset map.

    An offset map is made of runs of consecutive offsets; slices of one shared tuple give them without
    making an int object per character of every document (a third of the cost of ``normalize``).
    """
    counting = _COUNTING[0]
    if len(counting) < n:
        counting = _COUNTING[0] = tuple(range(max(n, 2 * len(counting), 4096)))
    return counting


def normalize(text: str) -> Normalized:
    """The matching key of ``text`` with its offset map (see the module docstring)."""
    translate, deleted, code_page = _tables()
    masked = {m.start() for m in _MASK_DOT.finditer(text)} if "\u0640." in text else set()
    read = None if masked else code_page(text)
    if read is None:
        key = translate(text)
        cuts = [m.start() for m in deleted.finditer(text)] if len(key) < len(text) or masked else []
    else:
        key, cuts = read
    n = len(text)
    counting = _counting(n + 1)
    if not cuts and not masked:
        return Normalized(key, counting[: n + 1], tuple(key.split(" ")))
    offsets: list[int] = []
    prev = 0
    for cut in cuts:  # every deleted character is one
        offsets += counting[prev:cut]
        prev = cut + 1
    offsets += counting[prev : n + 1]
    if masked:
        offsets = [i for i in offsets if i not in masked]
        key = translate("".join(text[i] for i in offsets[:-1]))
    return Normalized(key, tuple(offsets), tuple(key.split(" ")))


def match_key(text: str) -> str:
    """The matching key alone, for dictionary entries and look-ups."""
    return _tables()[0](text)


#: Proclitics that may be glued to the front of a word, longest first. Only the conjunctions and
#: prepositions news Arabic attaches to names; "ال" is handled separately.
_PROCLITICS = ("وبال", "وال", "فال", "بال", "كال", "ولل", "لل", "و", "ف", "ب", "ل", "ك")

_WORD = re.compile(r"[\w\u0600-\u06ff]+")


@lru_cache(maxsize=200_000)
def strip_clitics(key: str, min_stem: int = 3) -> tuple[str, str]:
    """Split a word key into (proclitics, stem), removing و ف ب ل ك and the article ال.

    A prefix is only removed when at least ``min_stem`` letters remain, so short words such as
    "بلد" are not cut to nothing. Ambiguity is real ("وادي" starts with و), so callers that
    match dictionaries try the unstripped key first.
    """
    for clitic in _PROCLITICS:
        if key.startswith(clitic) and len(key) - len(clitic) >= min_stem:
            rest = key[len(clitic) :]
            if clitic.endswith(("ال", "لل")):
                # "لل" is ل + ال with the alef dropped ("للنظام" = ل + النظام).
                return clitic, rest
            if rest.startswith("ال") and len(rest) - 2 >= min_stem:
                return clitic + "ال", rest[2:]
            return clitic, rest
    if key.startswith("ال") and len(key) - 2 >= min_stem:
        return "ال", key[2:]
    return "", key


@lru_cache(maxsize=100_000)  # place and actor names repeat within and across reports
def bare(text: str) -> str:
    """A name's key with every word's article and proclitics removed: "قرية الكشمة" → "قريه كشمه".

    Used to compare place and actor names whatever their article or attached conjunction.
    """
    return " ".join(strip_clitics(w)[1] for w in _WORD.findall(match_key(text)))
