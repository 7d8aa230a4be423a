"""Number expressions in Arabic news: digits in any script, number words, qualifiers.

``find_quantities`` works on the matching key (see ``raqib.normalize``). A pre-scan (``scan``:
one ``str.split`` of the key and set look-ups against every clitic-prefixed surface form of the
number words and dual nouns, tables built once, lazily) finds the anchors: digit runs and number
words. Only a short window of words around each anchor is tokenized and parsed: the qualifier
before it (أكثر من، نحو، ما لا يقل عن ...), the compound (ثلاثة وعشرين، مئة وخمسين ألفا), a
multiplier (40 ألف) and a qualifier after it (على الأقل). Offsets go back to the original text
through the key's offset map, so ``text[q.start_char:q.end_char]`` is exactly the expression,
qualifier included and a leading conjunction or preposition (و ف ب ل ك) excluded. Expressions
never overlap.

Every number is returned, years and day-of-month numbers included; callers filter, for example
with ``is_year_like`` or by dropping numbers that lie inside a ``DateRef`` span.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from itertools import filterfalse
from operator import attrgetter

from raqib.model import Quantity, fast_maker
from raqib.normalize import Normalized, normalize

__all__ = ["QUALIFIERS", "find_quantities", "is_year_like"]

#: The qualifier vocabulary of ``Quantity.qualifier``.
QUALIFIERS = ("exact", "more_than", "at_least", "about", "up_to", "less_than", "vague")

# --------------------------------------------------------------------------------------------
# Lexicon (key forms: أ/إ/آ → ا, ة → ه, ى → ي, ئ/ؤ → ي/و, no diacritics or tatweel)
# --------------------------------------------------------------------------------------------

# kinds of number words
_UNIT = "unit"  # 1..9 (value)
_TEN10 = "ten10"  # عشر/عشره: 10 alone, or the +10 of a teen
_TENS = "tens"  # 20..90
_HUND = "hund"  # 100..900
_MULT = "mult"  # ألف/مليون/مليار (singular or dual: value is the multiplier, count in entry)
_PLMULT = "plmult"  # آلاف/ملايين: multiplier after 3..10, vague amount on its own
_PRE = "pre"  # احد/احدي/اثنا...: only before عشر/عشره
_VAGUE = "vague"  # عشرات/مئات
_FEW = "few"  # بضع/بضعه

_UNITS = {
    "واحد": 1, "واحده": 1,
    "اثنان": 2, "اثنين": 2, "اثنتان": 2, "اثنتين": 2, "ثنتان": 2, "ثنتين": 2,
    "ثلاث": 3, "ثلاثه": 3,
    "اربع": 4, "اربعه": 4,
    "خمس": 5, "خمسه": 5,
    "ست": 6, "سته": 6,
    "سبع": 7, "سبعه": 7,
    "ثمان": 8, "ثماني": 8, "ثمانيه": 8,
    "تسع": 9, "تسعه": 9,
}  # fmt: skip
_PRES = {"احد": 1, "احدي": 1, "اثنا": 2, "اثني": 2, "اثنتا": 2, "اثنتي": 2}
_TENS_WORDS = {
    "عشرون": 20, "عشرين": 20, "ثلاثون": 30, "ثلاثين": 30, "اربعون": 40, "اربعين": 40,
    "خمسون": 50, "خمسين": 50, "ستون": 60, "ستين": 60, "سبعون": 70, "سبعين": 70,
    "ثمانون": 80, "ثمانين": 80, "تسعون": 90, "تسعين": 90,
}  # fmt: skip
_HUNDRED_STEMS = ("ميه", "مايه")  # مئة / مائة (ئ → ي in the key)
_HUNDRED_DUALS = ("ميتان", "ميتين", "ميتا", "ميتي", "مايتان", "مايتين", "مايتا", "مايتي")
_HUNDRED_PREFIXES = {"ثلاث": 3, "اربع": 4, "خمس": 5, "ست": 6, "سبع": 7, "ثمان": 8, "ثماني": 8, "تسع": 9}
_MULTS = {
    "الف": (1000, 1), "الفا": (1000, 1), "الفين": (1000, 2), "الفان": (1000, 2), "الفي": (1000, 2),
    "مليون": (10**6, 1), "مليونا": (10**6, 1), "مليونين": (10**6, 2), "مليونان": (10**6, 2),
    "مليار": (10**9, 1), "مليارا": (10**9, 1), "مليارين": (10**9, 2), "ملياران": (10**9, 2),
}  # fmt: skip
_PLMULTS = {"الاف": 1000, "ملايين": 10**6, "مليارات": 10**9}
_VAGUES = {"عشرات": (20, 99), "ميات": (200, 999)}  # عشرات، مئات
_FEWS = ("بضع", "بضعه")

#: Words that must not carry the article: "الاثنين" is Monday, "المئة/المائة" is "per cent".
_NO_ARTICLE = frozenset({"اثنين", "ميه", "مايه"})

# Qualifier phrases before the number, as key words (the first word may carry و ف ب ل ك).
_QUAL_TEXT = {
    "more_than": "اكثر من|ما يزيد عن|ما يزيد علي|يزيد عن|يزيد علي|ما يفوق|يفوق|ازيد من|ما يربو علي"
    "|يربو علي|ما يتجاوز|يتجاوز|ما يزيد من|يزيد من",
    "at_least": "ما لا يقل عن|لا يقل عن|ما لا تقل عن|لا تقل عن|علي الاقل|في الاقل",
    "about": "نحو|حوالي|قرابه|زهاء|ما يقارب|يقارب|ما يقرب من|يقرب من|ما يناهز|يناهز|في حدود",
    "less_than": "اقل من|ما دون|دون|ما يقل عن",
    "up_to": "حتي|ما يصل الي|يصل الي|تصل الي|لا يتجاوز|لا تتجاوز|ما لا يتجاوز|لا يزيد عن|لا يزيد علي"
    "|ما لا يزيد عن|ما لا يزيد علي|لا تزيد عن",
}
_QUAL_PHRASES = {tuple(p.split()): q for q, ps in _QUAL_TEXT.items() for p in ps.split("|")}

#: Qualifiers that may follow the number (optionally after one counted noun).
_POST_QUALS: dict[str, tuple[str, tuple[str, ...]]] = {
    "علي": ("at_least", ("الاقل",)),
    "تقريبا": ("about", ()),
}

# Dual nouns that imply a count of two. Masculine bases whose plural is broken (so -ين is only
# the dual), masculine bases whose plural is sound (only the nominative -ان is unambiguous), and
# feminine bases (…ة → …تين/…تان, and the construct …تي as in "قريتي أناب ومريمين").
_DUAL_BOTH = (
    "عنصر", "طفل", "شخص", "جندي", "شاب", "رجل", "قتيل", "جريح", "ضابط", "صاروخ", "يوم",
    "اسبوع", "شهر", "عام", "كيلومتر", "وفد", "اسير", "طرف", "فصيل", "قائد", "شقيق", "ابن",
    "اخو", "منزل", "مقر", "حاجز", "موقع", "صحفي",
)  # fmt: skip
_DUAL_NOM = (
    "مقاتل", "مدني", "ناشط", "شرطي", "مسلح", "معتقل", "قيادي", "سائق", "مواطن", "عسكري",
    "مصاب", "موظف", "مختطف", "مخطوف", "مهندس", "مسعف", "منشق",
)  # fmt: skip
_DUAL_FEM = (
    "امرا", "طفل", "سيار", "قري", "بلد", "مدين", "عرب", "محاول", "مر", "سن", "غار", "طاير",
    "عبو", "قذيف", "ضرب", "ناشط", "معتقل", "مسير", "شقيق", "فتا", "سيد", "نقط", "جث", "دفع",
    "عملي", "ساع", "دقيق", "محافظ", "ناحي", "فتا", "مختطف",
)  # fmt: skip

_CONJ = ("", "و", "ف")
_PREP = ("", "ب", "ل", "ك")


@dataclass(frozen=True, slots=True)
class _Word:
    kind: str
    value: int
    aux: int = 0
    excl: int = 0  # characters of the surface form before the expression (و ف ب ل ك)
    article: bool = False


@cache
def _tables() -> tuple[dict[str, _Word], dict[tuple[str, ...], tuple[str, int]], frozenset[str]]:
    """Surface-form tables: number words, qualifier phrases, clitic-only words."""
    stems: dict[str, tuple[str, int, int]] = {}
    for w, v in _UNITS.items():
        stems[w] = (_UNIT, v, 0)
    for w, v in _PRES.items():
        stems[w] = (_PRE, v, 0)
    stems["عشر"] = stems["عشره"] = (_TEN10, 10, 0)
    for w, v in _TENS_WORDS.items():
        stems[w] = (_TENS, v, 0)
    for h in _HUNDRED_STEMS:
        stems[h] = (_HUND, 100, 0)
        for p, v in _HUNDRED_PREFIXES.items():
            stems[p + h] = (_HUND, v * 100, 0)
    for h in _HUNDRED_DUALS:
        stems[h] = (_HUND, 200, 0)
    for w, (m, c) in _MULTS.items():
        stems[w] = (_MULT, m, c)
    for w, m in _PLMULTS.items():
        stems[w] = (_PLMULT, m, 0)
    for w, (lo, hi) in _VAGUES.items():
        stems[w] = (_VAGUE, lo, hi)
    for w in _FEWS:
        stems[w] = (_FEW, 3, 9)
    duals: set[str] = set()
    for b in _DUAL_BOTH:
        duals.update((b + "ين", b + "ان"))
    for b in _DUAL_NOM:
        duals.add(b + "ان")
    for b in _DUAL_FEM:
        duals.update((b + "تين", b + "تان", b + "تي"))
    for d in duals:
        stems.setdefault(d, ("dual", 2, 0))

    words: dict[str, _Word] = {}
    for stem, (kind, value, aux) in stems.items():
        for conj in _CONJ:
            for prep in _PREP:
                pre = conj + prep
                words.setdefault(pre + stem, _Word(kind, value, aux, len(pre), False))
                if stem in _NO_ARTICLE:
                    continue
                if prep == "ل":  # ل + ال is written لل
                    words.setdefault(conj + "لل" + stem, _Word(kind, value, aux, len(conj) + 2, True))
                else:
                    words.setdefault(pre + "ال" + stem, _Word(kind, value, aux, len(pre), True))
    quals: dict[tuple[str, ...], tuple[str, int]] = {}
    for phrase, q in _QUAL_PHRASES.items():
        for conj in _CONJ:
            for prep in _PREP:
                pre = conj + prep
                quals.setdefault((pre + phrase[0], *phrase[1:]), (q, len(pre)))
    clitics = frozenset(c + p + a for c in _CONJ for p in _PREP for a in ("", "ال")) | {
        c + "لل" for c in _CONJ
    }
    return words, quals, clitics - {""}


@cache
def _qualifier_ends() -> frozenset[str]:
    """The last word of every qualifier phrase before a number (``_tables``)."""
    return frozenset(phrase[-1] for phrase in _tables()[1])


@cache
def _token_re() -> re.Pattern[str]:
    return re.compile(r"([0-9]+(?:\.[0-9]+|(?:,[0-9]{3})+)?(?![0-9]))|[^\W\d_]+")


_LATIN = re.compile(r"[a-z]+")
_NUM_GROUP_SEP = frozenset(",٬")  # real thousands separators (not the Arabic comma)


#: A token is (key start, key end, key text, is a digit run).
_Tok = tuple[int, int, str, bool]
_START, _END, _GROUP, _LASTINDEX = re.Match.start, re.Match.end, re.Match.group, attrgetter("lastindex")


def _tokens(text: str, norm: Normalized, lo: int, hi: int) -> list[_Tok]:
    """Digit runs and words of ``key[lo:hi]``; "5،600" (Arabic comma) is two numbers, "1,081" one.

    A token cut by the window's edge is left out.
    """
    key = norm.key
    # the four fields of every match taken by C-level maps rather than a Python loop over the matches
    ms = list(_token_re().finditer(key, lo, hi))
    toks: list[_Tok] = list(
        zip(map(_START, ms), map(_END, ms), map(_GROUP, ms), map(bool, map(_LASTINDEX, ms)))  # lastindex: 1 or None
    )
    if key.find(",", lo, hi) != -1:
        for t in toks:
            if t[3] and "," in t[2]:  # rare: "1,081", "5،600"
                toks = [part for t in toks for part in _split_commas(text, norm, t)]
                break
    if toks and lo > 0 and toks[0][0] == lo and _is_word_char(key[lo - 1]):
        toks.pop(0)
    if toks and hi < len(key) and toks[-1][1] == hi and _is_word_char(key[hi]):
        toks.pop()
    return toks


def _split_commas(text: str, norm: Normalized, t: _Tok) -> list[_Tok]:
    """A digit token with a comma is one number only when every comma is a thousands separator."""
    ks, _, s, digit = t
    if not digit or "," not in s:
        return [t]
    if all(text[norm.offsets[ks + k]] in _NUM_GROUP_SEP for k, ch in enumerate(s) if ch == ","):
        return [t]
    return [(ks + m.start(), ks + m.end(), m.group(), True) for m in _split_re()[1].finditer(s)]


def _is_word_char(ch: str) -> bool:
    """Same as regex ``\\w`` on str."""
    return ch.isalnum() or ch == "_"


@cache
def _split_re() -> tuple[re.Pattern[str], re.Pattern[str]]:
    return re.compile(r"\W+"), re.compile(r"[0-9]+")


def word_occurrences(
    key: str, surfaces: frozenset[str], chunks: Iterable[str] | None = None
) -> tuple[list[tuple[int, str]], list[tuple[int, str]]]:
    """Whole words of ``key`` that are in ``surfaces``, and words that hold digits, with offsets.

    Whole word means delimited like regex ``\\b\\w+\\b``. This is the fast pre-scan of number
    and date recognition: one C-level ``split`` of the key, a set look-up per chunk,
    then ``str.find`` for the few words that matter. Both lists are sorted by offset. ``chunks`` is
    the key split at spaces (``key.split()``, or ``key.split(" ")`` as in ``Normalized.chunks``) when the
    caller has it: a chunk that holds several words is split below like any chunk with punctuation.
    """
    if chunks is None:
        chunks = key.split()
    found = set(surfaces.intersection(chunks))  # looked up in ``surfaces``: no set of the chunks is built
    # The words of the chunks that are not a word of letters (with punctuation, digits, a line break),
    # all split at once: one C-level split of their join instead of a few calls for each.
    pieces = set(_split_re()[0].split(" ".join(filterfalse(str.isalpha, chunks))))
    found |= pieces.intersection(surfaces)
    with_digits = set(filterfalse(str.isalpha, pieces - found))
    with_digits.discard("")
    return _positions(key, found), _positions(key, with_digits)


def _positions(key: str, words: set[str]) -> list[tuple[int, str]]:
    n_key = len(key)
    out: list[tuple[int, str]] = []
    for w in words:
        n = len(w)
        i = key.find(w)
        while i != -1:
            e = i + n
            # whole word: no word character (_is_word_char, inlined) on either side
            if (i == 0 or not (key[i - 1].isalnum() or key[i - 1] == "_")) and (
                e == n_key or not (key[e].isalnum() or key[e] == "_")
            ):
                out.append((i, w))
            i = key.find(w, i + 1)
    out.sort()
    return out


@cache
def _scan_surfaces() -> frozenset[str]:
    from raqib.recognize.dates import trigger_surfaces

    return frozenset(_tables()[0]) | trigger_surfaces()


#: The last (norm, scan) pair, so that numbers and dates read from one ``Normalized`` share it.
_last_scan: list[tuple[Normalized, tuple] | None] = [None]


def scan(norm: Normalized) -> tuple[list[tuple[int, str]], list[tuple[int, str]]]:
    """``word_occurrences`` of the key for the number words and the date trigger words."""
    last = _last_scan[0]
    if last is not None and last[0] is norm:
        return last[1]
    res = word_occurrences(norm.key, _scan_surfaces(), norm.chunks)
    _last_scan[0] = (norm, res)
    return res


def _space_gap(key: str, a: int, b: int) -> bool:
    """True when ``key[a:b]`` is a short run of spaces (no newline, no punctuation)."""
    if b - a == 1:
        return key[a] == " " or (key[a] != "\n" and key[a].isspace())
    return 0 < b - a <= 3 and key[a:b].isspace() and "\n" not in key[a:b]


_make_quantity = fast_maker(Quantity)
#: Diacritics and tatweel right after an expression belong to it ("ثلاثةً", "الـ").
_TRAILING_MARKS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640]*")


def _make(text, stated, low, high, qual, ks, ke, norm) -> Quantity:
    s, e = norm.span(ks, ke)
    e = _TRAILING_MARKS.match(text, e).end()
    return _make_quantity(stated, low, high, qual, s, e)


def _bounds(qual: str, n: int) -> tuple[int | None, int | None]:
    if qual == "exact":
        return n, n
    if qual == "more_than":
        return n + 1, None
    if qual == "at_least":
        return n, None
    if qual == "less_than":
        return None, n - 1
    if qual == "up_to":
        return None, n
    return None, None  # about


def find_quantities(text: str, norm: Normalized | None = None) -> list[Quantity]:
    """Every number expression in ``text`` with its qualifier, in text order.

    ``norm`` is ``normalize(text)`` when the caller already has it (pass the same object to
    ``find_dates`` too: the word pre-scan is then shared). Decimal numbers are only returned
    when a multiplier word follows ("2.5 مليون"), since ``Quantity.stated`` is an int.
    """
    if norm is None:
        norm = normalize(text)
    key = norm.key
    words, quals, clitics = _tables()
    hits, digit_pieces = scan(norm)
    run = _split_re()[1]
    anchors = [(p, _AHEAD_DIGIT if words[w].kind == "dual" else _AHEAD_WORD) for p, w in hits if w in words]
    anchors.extend((p + m.start(), _AHEAD_DIGIT) for p, piece in digit_pieces for m in run.finditer(piece))
    anchors.sort()
    out: list[Quantity] = []
    done = 0
    k = 0
    n_key = len(key)
    while k < len(anchors):
        # one window of tokens for a run of anchors close to one another
        lo = _spaces_back(key, anchors[k][0], _BACK_WORDS)
        hi = _spaces_ahead(key, *anchors[k])
        k_end = k + 1
        while k_end < len(anchors) and _spaces_back(key, anchors[k_end][0], _BACK_WORDS) <= hi:
            hi = max(hi, _spaces_ahead(key, *anchors[k_end]))
            k_end += 1
        toks = _tokens(text, norm, lo, hi)
        index = {t[0]: i for i, t in enumerate(toks)}
        for a, _ in anchors[k:k_end]:
            if a < done or a not in index:
                continue
            res = _parse(key, toks, index[a], words, quals, clitics, lo > 0, hi < n_key, done)
            if res is _MORE:  # too close to the window's edge: read a wider one
                res = _parse_wide(text, norm, a, words, quals, clitics, done)
            if res is None:
                continue
            stated, low, high, qual, ks, ke = res
            out.append(_make(text, stated, low, high, qual, ks, ke, norm))
            done = ke
        k = k_end
    return out


# Window of tokens read around an anchor, in space-separated words: room for a clitic and four
# qualifier words before it; for a digit run a multiplier and "noun على الأقل" after it, for a
# number word a long compound ("مئتان وخمسة وعشرون ألفا").
_BACK_WORDS, _AHEAD_DIGIT, _AHEAD_WORD = 6, 6, 10


def _spaces_back(key: str, a: int, n: int) -> int:
    """A space about ``n`` words before ``a`` (0 at the start of the key)."""
    return max(0, key.rfind(" ", 0, max(0, a - 7 * n)))


def _spaces_ahead(key: str, a: int, n: int) -> int:
    """A space about ``n`` words after ``a`` (the key's length at its end)."""
    e = key.find(" ", a + 7 * n)
    return len(key) if e == -1 else e


_MORE = object()


def _parse(key, toks, i, words, quals, clitics, cut_left: bool, cut_right: bool, floor: int):
    """The expression whose number is ``toks[i]``, None, or ``_MORE`` when the window is short."""
    if i < 5 and cut_left:
        return _MORE
    t = toks[i]
    if t[3]:
        res = _digits(key, toks, i, words, clitics)
    else:
        w = words.get(t[2])
        res = _words(key, toks, i, w, words) if w is not None else None
    if res is None:
        return None
    stated, low, high, qual, ks, ke, first, j = res
    if j + 3 >= len(toks) and cut_right:
        return _MORE
    if qual == "exact":
        ks, qual, ke = _qualify(key, toks, first, ks, quals, words, ke, j, floor)
        low, high = _bounds(qual, stated)
    return stated, low, high, qual, ks, ke


def _parse_wide(text, norm, a, words, quals, clitics, floor):
    key = norm.key
    n_key = len(key)
    back, ahead = 4 * _BACK_WORDS, 4 * _AHEAD_WORD
    while True:
        lo, hi = _spaces_back(key, a, back), _spaces_ahead(key, a, ahead)
        toks = _tokens(text, norm, lo, hi)
        i = next((k for k, t in enumerate(toks) if t[0] == a), None)
        if i is None:
            return None
        res = _parse(key, toks, i, words, quals, clitics, lo > 0, hi < n_key, floor)
        if res is not _MORE:
            return res
        back, ahead = 4 * back, 4 * ahead


def _digits(key, toks, i, words, clitics):
    """A digit run at ``toks[i]`` with an optional multiplier word after it."""
    t = toks[i]
    s = t[2]
    first = i  # index of the first token of the expression (for qualifier look-back)
    ks = t[0]
    if i > 0:
        p = toks[i - 1]
        if p[1] == t[0] and not p[3]:
            if _LATIN.fullmatch(p[2]):
                return None  # model names such as H100, F16
            if p[2] in clitics:
                first = i - 1
                if p[2].endswith("ال"):
                    ks = p[1] - 2
            else:
                first = -1  # glued to a word: no qualifier look-back
        elif p[2] == "ال" and _space_gap(key, p[1], t[0]):  # "الـ 48"
            ks, first = p[0], i - 1
    value: float
    if len(s.replace(",", "")) > 18:
        return None  # counts nothing (and int() refuses runs of more than 4,300 digits)
    if "," in s:
        value = int(s.replace(",", ""))
    elif "." in s:
        if len(s) > 18:
            return None
        value = float(s)
    else:
        value = int(s)
    ke = t[1]
    j = i + 1
    if j < len(toks) and _space_gap(key, t[1], toks[j][0]):
        w = words.get(toks[j][2])
        if w is not None and w.excl == 0 and w.kind in (_MULT, _PLMULT) and (w.kind == _PLMULT or w.aux == 1):
            value = value * w.value
            ke = toks[j][1]
            j += 1
    if isinstance(value, float):
        if ke == t[1]:
            return None
        value = round(value)
    return value, value, value, "exact", ks, ke, first, j


def _words(key, toks, i, w: _Word, words):
    """A number written in words starting at ``toks[i]`` (or a dual noun)."""
    t = toks[i]
    ks = t[0] + w.excl
    n = len(toks)

    def nxt(j: int) -> _Word | None:
        if j < n and not toks[j][3] and _space_gap(key, toks[j - 1][1], toks[j][0]):
            return words.get(toks[j][2])
        return None

    if w.kind == "dual":
        if i > 0 and toks[i - 1][3]:
            return None
        return 2, 2, 2, "exact", ks, t[1], i, i + 1
    if w.kind in (_VAGUE, _FEW, _PLMULT):
        if w.kind == _PLMULT:
            lo, hi = 2 * w.value, 10 * w.value - 1
        else:
            lo, hi = w.value, w.aux
        j = i + 1
        nw = nxt(j)
        if nw is not None and nw.excl == 0:
            if nw.kind == _PLMULT and w.kind != _PLMULT:  # عشرات الآلاف، بضعة آلاف
                lo, hi = lo * nw.value, (hi + 1) * nw.value - 1
                j += 1
            elif w.kind == _FEW and nw.kind == _VAGUE:  # بضع عشرات، بضع مئات
                base = nw.value // 2
                lo, hi = lo * base, hi * base
                j += 1
        return None, lo, hi, "vague", ks, toks[j - 1][1], i, j

    total = 0
    cur = 0
    last = ""  # class of the last atom in the current group
    last_mult = 10**13
    j = i
    end = t[1]
    kind, value = w.kind, w.value
    # first atom
    if kind == _PRE:
        nw = nxt(i + 1)
        if nw is None or nw.kind != _TEN10 or nw.excl:
            return None
        cur, last, j, end = value + 10, "teen", i + 2, toks[i + 1][1]
    elif kind == _MULT:
        total, last_mult, last, j = value * w.aux, value, "mult", i + 1
    elif kind == _UNIT:
        cur, last, j = value, "unit", i + 1
    elif kind == _TEN10:
        cur, last, j = 10, "teen", i + 1
    elif kind == _TENS:
        cur, last, j = value, "tens", i + 1
    elif kind == _HUND:
        cur, last, j = value, "hund", i + 1
    else:
        return None
    while j < n:
        tj = toks[j]
        if tj[3] or not _space_gap(key, toks[j - 1][1], tj[0]):
            break
        nw = words.get(tj[2])
        if nw is None:
            break
        conj = nw.excl == 1 and tj[2][0] == "و" and not nw.article
        if nw.excl and not conj:
            break
        k = nw.kind
        if not conj:
            if k == _TEN10 and last == "unit":
                cur, last = cur + 10, "teen"
            elif k == _HUND and nw.value == 100 and last == "unit" and cur < 10:
                cur, last = cur * 100, "hund"
            elif nw.value < last_mult and (
                (k == _PLMULT and last in ("unit", "teen") and 3 <= cur <= 10)
                or (k == _MULT and nw.aux == 1 and cur > 0)
            ):
                total, cur, last, last_mult = total + cur * nw.value, 0, "mult", nw.value
            else:
                break
        else:
            if k == _PRE:
                nn = nxt(j + 1)
                if nn is None or nn.kind != _TEN10 or nn.excl:
                    break
                k2, v2, jj = "teen", nw.value + 10, j + 2
            elif k in (_UNIT, _TEN10, _TENS, _HUND):
                k2 = {"unit": "unit", "ten10": "teen", "tens": "tens", "hund": "hund"}[k]
                v2, jj = nw.value, j + 1
            elif k == _MULT and nw.aux == 2 and last == "mult" and nw.value < last_mult:
                total, last, last_mult = total + 2 * nw.value, "mult", nw.value
                end = tj[1]
                j += 1
                continue
            else:
                break
            allowed = (
                (last == "hund" and k2 in ("unit", "teen", "tens"))
                or (last == "unit" and k2 == "tens" and cur % 100 < 10)
                or (last == "mult" and k2 in ("hund", "unit", "teen", "tens"))
            )
            if not allowed:
                break
            cur += v2
            last = k2
            j = jj
            end = toks[j - 1][1]
            continue
        end = tj[1]
        j += 1
    value = total + cur
    if value <= 0:
        return None
    end = toks[j - 1][1]
    return value, value, value, "exact", ks, end, i, j


def _qualify(key, toks, first, ks, quals, words, ke, j, floor):
    """Extend ``[ks, ke)`` over a qualifier before (not reaching before ``floor``) or after it."""
    if first > 0 and toks[first - 1][2] in _qualifier_ends():  # a phrase must end right before the number
        back: list[str] = []  # words right before the number, nearest first
        k = first
        while k > 0 and len(back) < 4:
            p = toks[k - 1]
            if p[3] or p[0] < floor or not _space_gap(key, p[1], toks[k][0]):
                break
            back.append(p[2])
            k -= 1
        for length in range(len(back), 0, -1):
            hit = quals.get(tuple(back[length - 1 :: -1]))
            if hit is not None:
                q, excl = hit
                return toks[first - length][0] + excl, q, ke
    # postposed: "10 آخرون على الأقل", "100 تقريبا"
    n = len(toks)
    for a in (j, j + 1):
        if a >= n or not _space_gap(key, toks[a - 1][1], toks[a][0]):
            break
        rest = _POST_QUALS.get(toks[a][2])
        if rest is not None:
            q, more = rest
            b = a + len(more)
            if b < n and all(
                toks[a + k + 1][2] == w and _space_gap(key, toks[a + k][1], toks[a + k + 1][0])
                for k, w in enumerate(more)
            ):
                return ks, q, toks[b][1]
        if toks[a][3] or toks[a][2] in words:  # the skipped word is no number of its own
            break
    return ks, "exact", ke


# --------------------------------------------------------------------------------------------
# Years
# --------------------------------------------------------------------------------------------


@cache
def _year_context_re() -> tuple[re.Pattern[str], re.Pattern[str]]:
    from raqib.recognize.dates import MONTHS

    months = "|".join(sorted((re.escape(m) for m in MONTHS), key=len, reverse=True))
    before = re.compile(rf"(?:(?<!\w)[وفبل]?(?:ال)?(?:عام|سنه)|(?<!\w)(?:{months})|[0-9][/.\-])[\s,/(]*$")
    after = re.compile(rf"^(?:[/.\-][0-9]|\s*م(?!\w)|\s*(?:{months})(?!\w))")
    return before, after


def is_year_like(q: Quantity, text: str) -> bool:
    """True when ``q`` is a year: 1900–2100 next to a month name, "عام/سنة" or a numeric date."""
    if q.stated is None or not 1900 <= q.stated <= 2100:
        return False
    before_re, after_re = _year_context_re()
    before = normalize(text[max(0, q.start_char - 24) : q.start_char]).key
    after = normalize(text[q.end_char : q.end_char + 16]).key
    return bool(before_re.search(before) or after_re.search(after))
