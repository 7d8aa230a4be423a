"""Words: the vocabulary of place names and contexts (generic words, directions, prepositions ...),
text split into keyed words, and a place name parsed into the forms looked up (``_parse_name``)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from raqib.normalize import match_key, strip_clitics

# Generic words (key form, article and clitics removed) → what follows them.
_GENERIC: dict[str, str] = {}
for _kind, _words in {
    "point": "قريه قريتي قري بلده بلدتي بلدات مدينه مدينتي مدن مزرعه مخيم حي احياء مركز قصبه تجمع ضاحيه "
    "حاجز معبر مطار سد تله تبه جبهه جبهات محور محاور بلدتا قريتا مفرق وسط عاصمه",
    "subdistrict": "ناحيه ناحيتي نواحي",
    "district": "منطقه منطقتي قضاء اقضيه محليه مديريه مديريتي",
    "governorate": "محافظه محافظتي محافظات ولايه ولايتي",
    "countryside": "ريف ريفي اريف باديه",
    "country": "دوله",
}.items():
    for _w in _words.split():
        _GENERIC[_w] = _kind
#: Generic words that name a landmark after a place (سد مأرب, مطار طرابلس): the rest is not the place.
_LANDMARK_HEADS = frozenset(["سد", "مطار", "معبر", "حاجز", "مفرق", "مخيم", "تله", "تبه"])
_DIRECTIONS = {
    "شمال": 0.0, "جنوب": 180.0, "شرق": 90.0, "غرب": 270.0, "شمالي": 0.0, "جنوبي": 180.0, "شرقي": 90.0,
    "غربي": 270.0, "شماليه": 0.0, "جنوبيه": 180.0, "شرقيه": 90.0, "غربيه": 270.0,
}  # fmt: skip
_KM = frozenset(["كم", "كيلو", "كيلومتر", "كيلومترات", "كلم", "كيلومترا"])
_PREPOSITIONS = frozenset(
    ["في", "من", "الي", "علي", "قرب", "محيط", "حول", "داخل", "نحو", "باتجاه", "عند", "اطراف", "تابعه",
     "تابع", "مشارف", "ضواحي", "بين", "مسافه", "حدود", "ادار"]
)  # fmt: skip
_STOPS = frozenset(
    ["و", "او", "مع", "التي", "الذي", "هو", "هي", "عدد", "نقاط", "لا", "تتجاوز", "مختلف", "اداريه"]
)
_PART_OF = frozenset(["اطراف", "اجزاء", "محيط", "ضواحي", "مشارف", "جزء", "اغلب", "معظم", "مساحات"])
_COUNTRY_ADJ = {
    "سوري": "SY", "سوريه": "SY", "عراقي": "IQ", "عراقيه": "IQ", "يمني": "YE", "يمنيه": "YE",
    "ليبي": "LY", "ليبيه": "LY", "سوداني": "SD", "سودانيه": "SD", "تركي": "TR", "تركيه": "TR",
    "لبناني": "LB", "لبنانيه": "LB", "اردني": "JO", "اردنيه": "JO", "ايراني": "IR", "ايرانيه": "IR",
}  # fmt: skip
_VOCAB = frozenset(
    [
        *_GENERIC,
        *_DIRECTIONS,
        *_KM,
        *_PREPOSITIONS,
        *_STOPS,
        *_PART_OF,
        *_COUNTRY_ADJ,
        "من",
        "ابو",
        "بو",
        "البو",
    ]
)
_WORD = re.compile(r"[\w\u0600-\u06ff]+")
_SEGMENT_BREAK = re.compile(r"[،,;؛:()\[\]\"“”«»\n]|\s[-–—]\s")
_PAREN = re.compile(r"^(.*?)\s*[(\[]([^)\]]*)[)\]]\s*(.*)$")
_QUOTES = "\"'“”«»‘’„` "


@dataclass(frozen=True, slots=True)
class _Form:
    words: tuple[str, ...]
    """Key words (``bare``)."""
    text: str
    """Original text of those words (for romanisation)."""
    how: str


@dataclass(frozen=True, slots=True)
class _Name:
    forms: tuple[_Form, ...]
    generic: str | None
    part_of: bool
    head: _Form | None
    """For a landmark named after a place (سد مأرب): that place."""


# --------------------------------------------------------------------------------------------
# Words


# ``normalize.match_key`` is a single ``str.translate`` over the character map.
_key = match_key


@lru_cache(maxsize=65536)
def _stem(key: str) -> tuple[str, str]:
    return strip_clitics(key)


def _split(text: str) -> list[tuple[str, str, str, str]]:
    """(original word, clitics, stem key, tag) for each word of ``text``.

    The stem (``strip_clitics``) is what the name index is keyed on; the tag is the word as it
    is looked up in the vocabulary tables above: the whole key when it is a vocabulary word
    ("بلدة" stays "بلده", where ``strip_clitics`` would cut a ب), else the stem ("لبلدة" → "بلده").
    """
    words = _WORD.findall(text)
    keys = _WORD.findall(_key(text))
    if len(keys) == len(words):
        pairs = zip(words, keys, strict=True)
    else:  # a character the key drops split or joined words: key each word on its own
        pairs = ((w, _key(w)) for w in words)
    out = []
    for w, key in pairs:
        if not key:
            continue
        clitics, stem = _stem(key)
        # the original word for romanisation: only a clitic glued to the article is cut ("بالشعفة");
        # a lone و/ب/ل/ف/ك may be the first letter of the name ("كبير", "فوقاني")
        cut = len(clitics) - 2 if clitics.endswith("ال") else 0
        tag = key if key in _VOCAB else stem
        out.append((w[cut:] if 0 < cut < len(w) else w, clitics, stem, tag))
    return out


@lru_cache(maxsize=32768)
def _parse_name(name: str) -> _Name:
    text = name.strip().strip(_QUOTES)
    main, paren = text, None
    m = _PAREN.match(text) if ("(" in text or "[" in text) else None
    if m:
        main = (m.group(1) + " " + m.group(3)).strip()
        paren = m.group(2).strip()
    toks = _split(main)
    part_of = False
    while len(toks) > 1 and toks[0][3] in _PART_OF:
        part_of = True
        toks = toks[1:]
        if len(toks) > 1 and toks[0][3] == "من":
            toks = toks[1:]
    forms: list[_Form] = []
    generic = None
    head = None

    def form(ts: Sequence[tuple[str, str, str, str]], how: str) -> _Form:
        return _Form(tuple(t[2] for t in ts), " ".join(t[0] for t in ts), how)

    if toks:
        forms.append(form(toks, "exact"))
    while len(toks) > 1 and toks[0][3] in _GENERIC:
        generic = generic or _GENERIC[toks[0][3]]
        if toks[0][3] in _LANDMARK_HEADS:
            head = form(toks[1:], "exact")
            break
        toks = toks[1:]
        forms.append(form(toks, "exact"))
    if paren:
        pt = _split(paren)
        while len(pt) > 1 and pt[0][3] in _GENERIC:
            pt = pt[1:]
        if pt:
            forms.append(form(pt, "variant"))
    if toks and len(toks) > 1 and not head:
        first = toks[0][3]
        if first == "بو" or (first == "البو"):
            forms.append(
                _Form(
                    ("ابو", *(t[2] for t in toks[1:])), "أبو " + " ".join(t[0] for t in toks[1:]), "variant"
                )
            )
        elif first == "ابو":
            forms.append(
                _Form(
                    ("بو", *(t[2] for t in toks[1:])), "البو " + " ".join(t[0] for t in toks[1:]), "variant"
                )
            )
    seen: set[tuple[str, ...]] = set()
    uniq = []
    for f in forms:
        if f.words and f.words not in seen:
            seen.add(f.words)
            uniq.append(f)
    return _Name(tuple(uniq), generic, part_of, head)
