"""Names across scripts: Arabic-script helpers, the Latin folding English names and romanisations
are compared on (``latin_key``, ``latin_similarity``) and the Arabic → Latin romaniser
(``romanize``, ``romanized_keys``)."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from rapidfuzz import fuzz

from raqib.normalize import bare, match_key

# --------------------------------------------------------------------------------------------
# Script helpers

_ARABIC_CHAR = re.compile(r"[\u0600-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufeff]")


def is_arabic(text: str) -> bool:
    """True when ``text`` contains Arabic-script letters."""
    return bool(_ARABIC_CHAR.search(text))


def ar_words(name: str) -> tuple[str, ...]:
    """The name-index key of an Arabic name: the words of ``normalize.bare(name)``."""
    return tuple(bare(name).split())


_NON_ARABIC_LETTERS = frozenset("پچژگڤڵۆێەڕیکھۀٹڈڑںےۇۈۋ")


def _romanised_fit(arabic: str, en_key: str) -> float:
    """How well an Arabic name's romanisation matches an English key (0-100), rounded to 5."""
    if not en_key:
        return 0.0
    return 5 * round(max((latin_similarity(k, en_key) for k in romanized_keys(arabic)), default=0.0) / 5)


def _non_arabic_letters(name: str) -> int:
    """Number of letters of Persian/Kurdish/Urdu orthography in a name (0 for Arabic)."""
    return sum(ch in _NON_ARABIC_LETTERS for ch in name)


def ar_loose(name: str) -> str:
    """A looser Arabic key for fuzzy comparison: ``match_key`` words with only a leading article
    removed (no other proclitic is cut, so "كفرروم" keeps its ك)."""
    words = re.findall(r"[\w\u0600-\u06ff]+", match_key(name))
    return " ".join(w[2:] if w.startswith("ال") and len(w) > 4 else w for w in words)


def _ascii(text: str) -> str:
    if text.isascii():  # romanisations, most English names: NFKD leaves ASCII as it is, nothing combining
        return text
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def _is_latin(text: str) -> bool:
    a = _ascii(text)
    return bool(a) and all(c.isascii() or c in "‘’ʿʾ`´" for c in a) and any(c.isalpha() for c in a)


# ---- Latin folding: the key English names and romanisations are compared on --------------

_ARTICLES = frozenset(
    ["al", "el", "as", "ash", "ad", "adh", "ar", "at", "ath", "az", "an", "es", "ech", "ed", "er", "et", "ez",
     "en", "ul", "il", "l"]
)  # fmt: skip
#: Qualifier words → canonical marks, moved to the end of the key so word order does not matter.
_QUALIFIERS: dict[str, str] = {}
for _mark, _words in {
    "^u": "upper fawqani foqani fouqani fauqani fuqani fawqa foqa fouqa fuqa",
    "^l": "lower tahtani tahtaniyah tahtaniya tahtaniyeh tahta",
    "^b": "big great greater kabir kebir kabeer kbir kabira kabirah kbira kebira kubra kobra",
    "^s": "small little lesser saghir seghir sghir saghira saghirah sughra soghra zghir saghire sgheer",
    "^e": "east eastern sharqi sharki sharqiyah sharqiya sharqiyeh sharqia shirqi sharqieh",
    "^w": "west western gharbi gharbiyah gharbiya gharbiyeh gharbia gharbiah gharbieh",
    "^n": "north northern shamali shamaliyah shamaliya shamaliyeh shemali",
    "^j": "south southern janubi janubiyah janubiya janoubi jnubi",
    "^m": "middle central wastani wusta",
}.items():
    for _w in _words.split():
        _QUALIFIERS[_w] = _mark
_ABU = frozenset(["abu", "abou", "abo", "albu", "albou", "bu", "abi"])
_LATIN_JUNK = re.compile(r"[^a-z0-9 ]+")
_DIGRAPHS = (
    ("x", "ks"), ("sh", "S"), ("ch", "S"), ("kh", "X"), ("gh", "G"), ("th", "t"), ("dh", "d"),
    ("ph", "f"), ("dj", "j"), ("ck", "k"), ("q", "k"), ("c", "k"), ("ou", "u"),
)  # fmt: skip
_CONS_WY = re.compile(r"[wy](?=[aeiou])")
_VOWEL_RUN = re.compile(r"[aeiouyw]+")
_DOUBLE = re.compile(r"(.)\1+")


def undouble(s: str) -> str:
    """Every run of one letter as one letter ("kafrnabudda" → "kafrnabuda"). ``_DOUBLE.sub(r"\1", s)``
    with a function for the replacement: a template is expanded in Python for every match."""
    return _DOUBLE.sub(_first_group, s)


def _first_group(m: re.Match[str]) -> str:
    return m.group(1)


_APOSTROPHES = dict.fromkeys(map(ord, "'`‘’ʿʾ´"))


@lru_cache(maxsize=65536)
def _fold_word(w: str) -> str:
    """One word of ``latin_key`` (cached: the romanisations of a name share most of their words)."""
    for a, b in _DIGRAPHS:
        w = w.replace(a, b)
    w = _CONS_WY.sub(lambda m: m.group(0).upper(), w)
    w = _VOWEL_RUN.sub("a", w).lower()
    w = undouble(w)
    if len(w) > 2 and w.endswith("ah"):
        w = w[:-1]
    return w


@lru_cache(maxsize=65536)
def latin_key(name: str) -> str:
    """A Latin-script name folded for cross-spelling comparison.

    Diacritics, apostrophes and articles (al-, as-, el- ...) go; sh/ch, kh, gh become single
    symbols; q/k/c merge; every run of vowels (with non-consonantal w/y) becomes "a"; doubled
    letters collapse; a final -ah/-eh becomes -a; Abu/Albu become "abu"; qualifiers (Upper,
    Fawqani, Kabir, Sharqi ...) become marks at the end. "Baghuz Fawqani" and "Upper Baguz" both
    give "bagaz ^u"; "Kishmah" and "al-Kashma" give "kaSma".
    """
    s = _LATIN_JUNK.sub(" ", _ascii(name).lower().translate(_APOSTROPHES))
    toks = s.split()
    out: list[str] = []
    quals: list[str] = []
    all_quals = all(t in _QUALIFIERS or t in _ARTICLES for t in toks)
    for k, t in enumerate(toks):
        if t in _ARTICLES and k + 1 < len(toks):
            continue
        if t in _QUALIFIERS and not (all_quals and not out):
            quals.append(_QUALIFIERS[t])
            continue
        if t in _ABU:
            out.append("abu")
            continue
        out.append(_fold_word(t))
    return " ".join(out + sorted(set(quals)))


SKELETON_WEIGHT = 0.5
"""Weight of the consonant skeleton (vowel slots dropped) in ``latin_similarity``."""


@lru_cache(maxsize=65536)
def _skeleton(base: str) -> str:
    return base.replace("a", "").replace(" ", "")


_NO_QUALS: frozenset[str] = frozenset()


@lru_cache(maxsize=65536)
def _split_quals(key: str) -> tuple[str, frozenset[str]]:
    parts = key.split()
    if "^" not in key:  # most keys: no qualifier (the pool rows split every key of the gazetteer)
        return " ".join(parts), _NO_QUALS
    return " ".join(p for p in parts if not p.startswith("^")), frozenset(p for p in parts if p[0] == "^")


@lru_cache(maxsize=131072)
def _parts(base: str) -> tuple[str | None, str]:
    """(the base without spaces and doubled letters, or None when it has no space; its consonant
    skeleton)."""
    joined = undouble(base.replace(" ", "")) if " " in base else None
    return joined, _skeleton(base)


def latin_similarity(a: str, b: str) -> float:
    """Similarity (0-100) of two ``latin_key`` keys; qualifiers must agree when both have some.

    Half the rapidfuzz ratio of the folded keys (or of the keys without spaces, less 3), half
    the ratio of their consonant skeletons; an article glued to one name only is ignored; 6
    points off when one name has a qualifier (Fawqani, Kabir ...) the other lacks.
    """
    ba, qa = _split_quals(a)
    bb, qb = _split_quals(b)
    if (qa and qb and qa != qb) or not ba or not bb:
        return 0.0
    if ba[:2] == "al" and bb[:2] != "al" and len(ba) > 5:
        ba = ba[2:]  # an article glued to the name ("Alsafafnah")
    elif bb[:2] == "al" and ba[:2] != "al" and len(bb) > 5:
        bb = bb[2:]
    ja, sa = _parts(ba)
    jb, sb = _parts(bb)
    score = fuzz.ratio(ba, bb)
    if ja is not None or jb is not None:
        joined = fuzz.ratio(ja or ba, jb or bb) - 3.0
        score = joined if joined > score else score  # max(), without the builtin's cost
    if SKELETON_WEIGHT:
        score = (1 - SKELETON_WEIGHT) * score + SKELETON_WEIGHT * fuzz.ratio(sa, sb)
    if qa != qb:
        score -= 6.0
    return score


# ---- Arabic → Latin romanisation ----------------------------------------------------------

_AR_DROP = dict.fromkeys(
    map(ord, "\u064b\u064c\u064d\u064e\u064f\u0650\u0651\u0652\u0653\u0654\u0655\u0656\u0657"
        "\u0658\u0670\u0640\u06e1\u200c\u200d\u200e\u200f"),
    None,
)  # fmt: skip
_AR_TOKEN = re.compile(r"[\u0621-\u064a\u0671-\u06d3]+|[0-9]+")
_SUN = frozenset("تثدذرزسشصضطظلن")
_CONS: dict[str, tuple[str, ...]] = {
    "ب": ("b",), "ت": ("t",), "ث": ("th", "s"), "ج": ("j",), "ح": ("h",), "خ": ("kh",), "د": ("d",),
    "ذ": ("dh", "z"), "ر": ("r",), "ز": ("z",), "س": ("s",), "ش": ("sh",), "ص": ("s",), "ض": ("d",),
    "ط": ("t",), "ظ": ("z", "dh"), "غ": ("gh",), "ف": ("f",), "ق": ("q", "g"), "ك": ("k",), "ک": ("k",),
    "ل": ("l",), "م": ("m",), "ن": ("n",), "ه": ("h",), "ھ": ("h",), "پ": ("p",), "چ": ("ch",),
    "ژ": ("zh",), "گ": ("g",), "ڤ": ("v",), "ع": ("'",), "ء": ("'",), "ؤ": ("'",), "ئ": ("'",),
}  # fmt: skip
#: Whole words with a conventional English form.
_AR_WORDS: dict[str, tuple[str, ...]] = {
    "ابو": ("Abu",), "أبو": ("Abu",), "البو": ("Albu", "Abu"), "ام": ("Umm",), "أم": ("Umm",),
    "تل": ("Tall", "Tal", "Tell"), "عين": ("Ayn", "Ain"), "دير": ("Dayr", "Deir"), "كفر": ("Kafr",),
    "بيت": ("Bayt", "Beit"), "بني": ("Bani",), "شيخ": ("Shaykh", "Sheikh"), "خربة": ("Khirbat", "Khirbet"),
    "جسر": ("Jisr",), "جبل": ("Jabal", "Jebel"), "وادي": ("Wadi",), "رأس": ("Ras",), "راس": ("Ras",),
    "بئر": ("Bir",), "بير": ("Bir",), "قصر": ("Qasr",), "مزرعة": ("Mazraat", "Mazraa"),
    "حوش": ("Hawsh", "Hosh"), "تلة": ("Tallat",), "سيدي": ("Sidi",), "ابن": ("Ibn",), "بن": ("Bin",),
    "باب": ("Bab",), "عبد": ("Abd",), "مركز": ("Markaz",), "قرية": ("Qaryat",), "نهر": ("Nahr",),
    "سد": ("Sadd",), "مطار": ("Matar",), "حي": ("Hayy",), "مخيم": ("Mukhayyam",),
}  # fmt: skip
#: Qualifier words: romanised to their usual English form (latin_key folds both to one mark).
_AR_QUALIFIERS: dict[str, tuple[str, ...]] = {
    "فوقاني": ("Fawqani",), "فوقانى": ("Fawqani",), "فوقا": ("Fawqa",), "تحتاني": ("Tahtani",),
    "تحتانى": ("Tahtani",), "تحتا": ("Tahta",), "كبير": ("Kabir",), "كبيرة": ("Kabira",),
    "كبرى": ("Kubra",), "صغير": ("Saghir",), "صغيرة": ("Saghira",), "صغرى": ("Sughra",),
    "شرقي": ("Sharqi",), "شرقية": ("Sharqiyah",), "غربي": ("Gharbi",), "غربية": ("Gharbiyah",),
    "شمالي": ("Shamali",), "شمالية": ("Shamaliyah",), "جنوبي": ("Janubi",), "جنوبية": ("Janubiyah",),
    "وسطاني": ("Wastani",), "وسطى": ("Wusta",), "جديد": ("Jadid",), "جديدة": ("Jadida", "Jdeideh"),
    "قديم": ("Qadim",), "قديمة": ("Qadima",),
}  # fmt: skip
_VOWEL_LETTERS = frozenset("اآىوية")


@lru_cache(maxsize=16384)
def _rom_word(w: str, last: bool, limit: int) -> tuple[str, ...]:
    """Romanisation candidates of one Arabic word without its article (cached: a new name's
    words have mostly been seen in other names)."""
    n = len(w)
    segs: list[tuple[str, ...]] = []
    for i, ch in enumerate(w):
        nxt = w[i + 1] if i + 1 < n else ""
        prev_vowel = bool(segs) and segs[-1][0][-1:] in ("a", "i", "u")
        if ch in "اآ":
            segs.append(("a",))
        elif ch == "إ":
            segs.append(("i",))
        elif ch == "أ":
            segs.append(("a",) if i == 0 else ("'",))
        elif ch == "ى":
            segs.append(("a",))
        elif ch == "ة":
            segs.append(("a", "ah", "eh") if last else ("at", "a"))
        elif ch == "و":
            if i == 0 or prev_vowel or nxt in ("ا", "ى", "ة", "و") or (nxt == "ي" and i + 1 < n - 1):
                segs.append(("w",))
            else:
                segs.append(("u", "o"))
        elif ch == "ي":
            if i == 0 or prev_vowel:
                segs.append(("y",))
            elif nxt in ("ا", "و", "ة"):
                segs.append(("iy", "y"))
            else:
                segs.append(("i", "e"))
        else:
            segs.append(_CONS.get(ch, (ch,)))
    if not segs:
        return ()

    def vowel(s: tuple[str, ...]) -> bool:
        return s[0][0] in "aiu"

    if n == 3 and not any(vowel(s) for s in segs):
        segs = [segs[0], ("a",), segs[1], ("a", ""), segs[2]]  # حسن → hasan, مرج → maraj / marj
    elif len(segs) > 1 and not vowel(segs[0]) and not vowel(segs[1]):
        segs.insert(1, ("a",))  # كشمة → kashma
    # a written cluster usually has a short vowel in English: optional "a" before a word-final
    # consonant pair (فاحل → Fahil / Fahl) and inside runs of three consonants (مرحمية → Marhamiya)
    out: list[tuple[str, ...]] = []
    run = 0
    for k, sg in enumerate(segs):
        cons = not vowel(sg)
        if cons and (run >= 2 or (run == 1 and k == len(segs) - 1 and len(segs) > 2)):
            out.append(("a", ""))
            run = 0
        out.append(sg)
        run = run + 1 if cons else 0
    primary = "".join(sg[0] for sg in out)
    opts = [primary]
    for k, sg in enumerate(out):
        for alt in sg[1:]:
            opts.append("".join(alt if j == k else x[0] for j, x in enumerate(out)))
    return tuple(dict.fromkeys(opts))[:limit]


@lru_cache(maxsize=16384)
def _romanize_cached(text: str, limit: int) -> tuple[str, ...]:
    words = _AR_TOKEN.findall(text.translate(_AR_DROP))
    if not words:
        return ()
    per_word: list[list[str]] = []
    for j, w in enumerate(words):
        last = j == len(words) - 1
        if w.isdigit():
            per_word.append([w])
            continue
        if w in _AR_WORDS:
            per_word.append(list(_AR_WORDS[w]))
            continue
        art, core = "", w
        if len(w) > 3 and w.startswith("ال"):
            core = w[2:]
            first = _CONS.get(core[0], ("l",))[0]
            art = f"a{first}-" if core[0] in _SUN else "al-"
        if core in _AR_QUALIFIERS:
            per_word.append(
                [art + x for x in _AR_QUALIFIERS[core]] if not art else list(_AR_QUALIFIERS[core])
            )
            continue
        if core in _AR_WORDS:
            per_word.append([art + x for x in _AR_WORDS[core]])
            continue
        opts = _rom_word(core, last, limit)
        per_word.append([art + o[:1].upper() + o[1:] for o in opts])
    out = [""]
    for opts in per_word:
        out = [f"{o} {x}".strip() for o in out for x in opts][: limit * 4]
    return tuple(dict.fromkeys(out))[:limit]


def romanize(arabic: str, limit: int = 8) -> list[str]:
    """Latin spellings an Arabic place name is likely to have in English sources, best first.

    Tuned to Syrian/Iraqi usage: the article with sun-letter assimilation (al-/as-/ash-/ad-),
    ة as a/ah/eh (and -at before another word), ش sh, ج j, خ kh, ذ dh/z, ث th/s, ق q/g, ع and ء
    as an apostrophe, و w/u/o, ي y/i/e; ابو → Abu, تل → Tall/Tal/Tell, فوقاني → Fawqani,
    كبير → Kabir. Use ``latin_key`` on the result to compare with English names.
    """
    return list(_romanize_cached(arabic, limit))


@lru_cache(maxsize=16384)
def romanized_keys(arabic: str) -> tuple[str, ...]:
    """The distinct ``latin_key`` forms of ``romanize(arabic)`` (cached, bounded)."""
    return tuple(dict.fromkeys(latin_key(r) for r in _romanize_cached(arabic, 8)))
