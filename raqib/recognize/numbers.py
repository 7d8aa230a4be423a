"""Number expressions in Arabic news: digits in any script, number words, qualifiers.

``find_quantities`` walks the matching key (see ``raqib.normalize``) once: a single regex splits
it into digit runs and words, and each word is looked up in a table of every clitic-prefixed
surface form of the number words, qualifier words and dual nouns (built once, lazily). Offsets go
back to the original text through the key's offset map, so ``text[q.start_char:q.end_char]`` is
exactly the expression, qualifier included and a leading conjunction or preposition (و ف ب ل ك)
excluded.

Every number is returned, years and day-of-month numbers included; callers filter, for example
with ``is_year_like`` or by dropping numbers that lie inside a ``DateRef`` span.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from raqib.model import Quantity
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
_POST_QUALS: dict[tuple[str, ...], str] = {("علي", "الاقل"): "at_least", ("تقريبا",): "about"}

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
def _token_re() -> re.Pattern[str]:
    return re.compile(r"[0-9]+(?:\.[0-9]+|(?:,[0-9]{3})+)?(?![0-9])|[^\W\d_]+")


_LATIN = re.compile(r"[a-z]+")
_NUM_GROUP_SEP = frozenset(",٬")  # real thousands separators (not the Arabic comma)


class _Tok:
    __slots__ = ("digit", "ke", "ks", "s")

    def __init__(self, ks: int, ke: int, s: str, digit: bool) -> None:
        self.ks, self.ke, self.s, self.digit = ks, ke, s, digit


def _tokens(text: str, norm: Normalized) -> list[_Tok]:
    """Digit runs and words of the key; "5،600" (Arabic comma) is two numbers, "1,081" one."""
    toks: list[_Tok] = []
    offsets = norm.offsets
    for m in _token_re().finditer(norm.key):
        s, ks = m.group(), m.start()
        if not s[0].isdigit():
            toks.append(_Tok(ks, m.end(), s, False))
            continue
        if "," in s and any(
            text[offsets[ks + k]] not in _NUM_GROUP_SEP for k, ch in enumerate(s) if ch == ","
        ):
            for part in re.finditer(r"[0-9]+", s):
                toks.append(_Tok(ks + part.start(), ks + part.end(), part.group(), True))
            continue
        toks.append(_Tok(ks, m.end(), s, True))
    return toks


def _space_gap(key: str, a: int, b: int) -> bool:
    """True when ``key[a:b]`` is a short run of spaces (no newline, no punctuation)."""
    return 0 < b - a <= 3 and key[a:b].isspace() and "\n" not in key[a:b]


#: Diacritics and tatweel right after an expression belong to it ("ثلاثةً", "الـ").
_TRAILING_MARKS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640]*")


def _make(text, stated, low, high, qual, ks, ke, norm) -> Quantity:
    s, e = norm.span(ks, ke)
    e = _TRAILING_MARKS.match(text, e).end()
    return Quantity(stated, low, high, qual, s, e)


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

    ``norm`` is ``normalize(text)`` when the caller already has it. Decimal numbers are only
    returned when a multiplier word follows ("2.5 مليون"), since ``Quantity.stated`` is an int.
    """
    if norm is None:
        norm = normalize(text)
    key = norm.key
    words, quals, clitics = _tables()
    toks = _tokens(text, norm)
    out: list[Quantity] = []
    n = len(toks)
    i = 0
    while i < n:
        t = toks[i]
        if t.digit:
            res = _digits(key, toks, i, words, clitics)
        else:
            w = words.get(t.s)
            res = _words(key, toks, i, w, words) if w is not None else None
        if res is None:
            i += 1
            continue
        stated, low, high, qual, ks, ke, first, j = res
        if qual == "exact":
            ks, qual, ke = _qualify(key, toks, first, ks, quals, clitics, ke, j)
            low, high = _bounds(qual, stated)
        out.append(_make(text, stated, low, high, qual, ks, ke, norm))
        i = j
    return out


def _digits(key, toks, i, words, clitics):
    """A digit run at ``toks[i]`` with an optional multiplier word after it."""
    t = toks[i]
    s = t.s
    first = i  # index of the first token of the expression (for qualifier look-back)
    ks = t.ks
    if i > 0:
        p = toks[i - 1]
        if p.ke == t.ks and not p.digit:
            if _LATIN.fullmatch(p.s):
                return None  # model names such as H100, F16
            if p.s in clitics:
                first = i - 1
                if p.s.endswith("ال"):
                    ks = p.ke - 2
            else:
                first = -1  # glued to a word: no qualifier look-back
        elif p.s == "ال" and _space_gap(key, p.ke, t.ks):  # "الـ 48"
            ks, first = p.ks, i - 1
    value: float
    if "," in s:
        value = int(s.replace(",", ""))
    elif "." in s:
        if len(s) > 18:
            return None
        value = float(s)
    else:
        value = int(s)
    ke = t.ke
    j = i + 1
    if j < len(toks) and _space_gap(key, t.ke, toks[j].ks):
        w = words.get(toks[j].s)
        if w is not None and w.excl == 0 and w.kind in (_MULT, _PLMULT) and (w.kind == _PLMULT or w.aux == 1):
            value = value * w.value
            ke = toks[j].ke
            j += 1
    if isinstance(value, float):
        if ke == t.ke:
            return None
        value = round(value)
    return value, value, value, "exact", ks, ke, first, j


def _words(key, toks, i, w: _Word, words):
    """A number written in words starting at ``toks[i]`` (or a dual noun)."""
    t = toks[i]
    ks = t.ks + w.excl
    n = len(toks)

    def nxt(j: int) -> _Word | None:
        if j < n and not toks[j].digit and _space_gap(key, toks[j - 1].ke, toks[j].ks):
            return words.get(toks[j].s)
        return None

    if w.kind == "dual":
        if i > 0 and toks[i - 1].digit:
            return None
        return 2, 2, 2, "exact", ks, t.ke, i, i + 1
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
        return None, lo, hi, "vague", ks, toks[j - 1].ke, i, j

    total = 0
    cur = 0
    last = ""  # class of the last atom in the current group
    last_mult = 10**13
    j = i
    end = t.ke
    kind, value = w.kind, w.value
    # first atom
    if kind == _PRE:
        nw = nxt(i + 1)
        if nw is None or nw.kind != _TEN10 or nw.excl:
            return None
        cur, last, j, end = value + 10, "teen", i + 2, toks[i + 1].ke
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
        if tj.digit or not _space_gap(key, toks[j - 1].ke, tj.ks):
            break
        nw = words.get(tj.s)
        if nw is None:
            break
        conj = nw.excl == 1 and tj.s[0] == "و" and not nw.article
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
                end = tj.ke
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
            end = toks[j - 1].ke
            continue
        end = tj.ke
        j += 1
    value = total + cur
    if value <= 0:
        return None
    end = toks[j - 1].ke
    return value, value, value, "exact", ks, end, i, j


def _qualify(key, toks, first, ks, quals, clitics, ke, j):
    """Extend ``[ks, ke)`` over a qualifier before (or after) the number."""
    if first >= 0:
        for length in (4, 3, 2, 1):
            a = first - length
            if a < 0:
                continue
            seq = toks[a:first]
            if any(x.digit for x in seq):
                continue
            if not all(_space_gap(key, seq[k].ke, seq[k + 1].ks) for k in range(length - 1)):
                continue
            if not _space_gap(key, seq[-1].ke, toks[first].ks):
                continue
            hit = quals.get(tuple(x.s for x in seq))
            if hit is not None:
                q, excl = hit
                return seq[0].ks + excl, q, ke
    # postposed: "10 آخرون على الأقل", "100 تقريبا"
    n = len(toks)
    for skip in (0, 1):
        a = j + skip
        if a >= n:
            break
        if not _space_gap(key, toks[a - 1].ke, toks[a].ks):
            break
        for phrase, q in _POST_QUALS.items():
            b = a + len(phrase)
            if b > n:
                continue
            seq = toks[a:b]
            if tuple(x.s for x in seq) == phrase and all(
                _space_gap(key, seq[k].ke, seq[k + 1].ks) for k in range(len(seq) - 1)
            ):
                return ks, q, seq[-1].ke
        if toks[a].digit:
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
