"""Place mentions: "قرية الكشمة التابعة لبلدة الشعفة في ريف دير الزور الشرقي".

Two ways a span becomes a place:

1. a generic word (قرية، بلدة، مدينة، ريف، حي، مخيم ... and the dual/plural forms قريتي، بلدات)
   followed by a name, which need not be in the gazetteer — most villages are not;
2. a gazetteer name (longest match in words) where the syntax makes a place likely: after a
   preposition (في، من، على، إلى، نحو، قرب ...), in a list after another place, or for
   towns, cities and governorates, whose names are rarely common words.

After the name, a context (التابعة لبلدة X، في ريف Y الشرقي، شمال مدينة Z) is kept for the
geocoder, and X becomes the mention's parent.
"""

from __future__ import annotations

import bisect
import json
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache, lru_cache
from importlib import resources
from itertools import compress
from operator import attrgetter

from raqib.model import PlaceMention, Sentence, Token, fast_maker
from raqib.recognize.dates import MONTHS

_KEY = attrgetter("key")
_make_mention = fast_maker(PlaceMention)
_BREAK = re.compile(r"[،,.;؛:!?؟()\[\]{}\"“”«»\n]|\s[-–—]\s")
_PUNCTUATION = re.compile(r"[،,.;؛:!?؟]")
_LIST_GAP = re.compile(r"[\s،,]*")
_PREPOSITIONS = frozenset(
    ["في", "من", "علي", "الي", "نحو", "قرب", "باتجاه", "حول", "داخل", "محيط", "اطراف", "بلدتي", "عند", "تجاه"]
)
# Proclitics that make the next word the object of a preposition ("بريف", "لبلدة", "وفي").
_PREP_CLITICS = ("ب", "ل", "وب", "ول", "فب")
#: Definite generic words that refer back to places already named, with (family, how many).
ANAPHORS = {
    "قريه": ("village", 1), "بلده": ("town", 1), "مدينه": ("city", 1), "مخيم": ("camp", 1),
    "محافظه": ("governorate", 1),
    "قريتين": ("village", 2), "بلدتين": ("town", 2), "مدينتين": ("city", 2),
    "قري": ("village", 0), "بلدات": ("town", 0),
}  # fmt: skip
_ANAPHORS = frozenset(ANAPHORS)
# "المحافظة على الأمن": the verbal noun (keeping, preserving), not the province.
_NOT_ANAPHOR_BEFORE = {"محافظه": frozenset(["علي"])}

# Words before "سيطرة" that make it a statement of control, not a capture ("الخاضعة لسيطرة").
_STATE_WORDS = frozenset(["خاضعه", "الخاضعه", "تحت", "مناطق", "المناطق", "نفوذ", "وقوعها", "وقوعه"])
# Two-word connectors that carry a list of names on: "فضلاً عن"، "إضافة إلى"، "علاوة على".
_LIST_GOES_ON = frozenset(
    [("فضلا", "عن"), ("اضافه", "الي"), ("بالاضافه", "الي"), ("علاوه", "علي")]
)
# Nouns of organisations whose names hold a verbal noun of capture ("هيئة تحرير الشام").
_ORG_NOUNS = frozenset(["هييه", "هيئه", "جبهه", "حركه", "جيش", "منظمه", "حزب", "لواء", "مجلس", "جبهات"])
# Name heads that begin nothing but a proper name (أبو، أم، بني، تل، كفر ...), unlike those that are
# also plain nouns (مركز، طريق، بيت).
_NAME_ONLY_HEADS = frozenset(["ابو", "البو", "ابي", "ام", "بني", "بنات", "اولاد", "ذي", "تل", "دير", "كفر", "بئر", "بير"])
# Adjectives of a border that are no country's ("الحدود الإدارية", "الحدود الدولية").
_NOT_NATIONS = frozenset(["اداريه", "دوليه", "بريه", "بحريه", "جنوبيه", "شماليه", "شرقيه", "غربيه", "حاليه", "رسميه"])
_DIRECTION_TAILS = frozenset(["شرقي", "غربي", "شمالي", "جنوبي", "شرقيه", "غربيه", "شماليه", "جنوبيه"])

#: What ``PlaceFinder.find`` asks of a token that can begin a place: whether it is a capture verb, a list
#: opener, an opener of a list with من, a back-reference; its generic word; whether it may begin a
#: border, ends a name, begins a gazetteer name.
_Start = tuple[bool, bool, bool, bool, "str | None", bool, bool, bool]


@dataclass(frozen=True, slots=True)
class PlaceLexicon:
    """The place-phrase vocabulary (``data/lexicon/places.json``), in key form."""

    generic: Mapping[str, str]
    """Generic word → feature type (قريه → village)."""
    plural: frozenset[str]
    """Generic words that introduce several names (قريتي، بلدات)."""
    heads: frozenset[str]
    """Words that never stand alone as a name (ابو، تل، عين ...): the next word belongs to it."""
    tails: frozenset[str]
    """Words that continue a name (فوقاني، الكبير، جزيرة ...)."""
    stops: frozenset[str]
    """Words that end a name."""
    directions: frozenset[str]
    """Direction words used in contexts (شمال، جنوب ...)."""
    dual: frozenset[str]
    """Dual generics (قريتي، بلدتين): exactly two names follow."""
    weak: frozenset[str]
    """Generics too common in other senses (منطقة، محور ...): the name must be in the gazetteer."""
    object_verbs: re.Pattern[str]
    """Verbs whose object is a place (سيطر على، استعاد، حرر ...)."""
    openers: frozenset[str]
    """Words that open a list of names after a plural ("قرى، وهي A، B، C")."""
    pair_openers: frozenset[str]
    """Words that open a list with من ("كلا من A و B")."""
    common: frozenset[str]
    """Common words that gazetteers also list as village names (الجمعة، خبر، جديد): never a
    one-word place on their own."""
    country_words: Mapping[str, str] = field(default_factory=dict)
    """Word naming a country or its people (ليبيا، الليبية → LY), article removed."""


@cache
def load_place_lexicon() -> PlaceLexicon:
    """The packaged place lexicon (read once per process)."""
    raw = json.loads(resources.files("raqib").joinpath("data/lexicon/places.json").read_text("utf-8"))
    return PlaceLexicon(
        generic=dict(raw["generic"]),
        plural=frozenset(raw["plural_or_dual"]),
        heads=frozenset(raw["name_heads"]),
        tails=frozenset(raw["name_tails"]),
        stops=frozenset(raw["stops"]),
        directions=frozenset(raw["directions"]),
        dual=frozenset(raw["dual"]),
        weak=frozenset(raw["weak_generic"]),
        common=frozenset(raw["common_words"]),
        openers=frozenset(raw["list_openers"]),
        pair_openers=frozenset(raw.get("list_openers_with_min", ())),
        object_verbs=re.compile(raw["object_verbs"]),
        country_words={w: cc for cc, words in raw.get("country_words", {}).items() for w in words},
    )


def _generic(tok: Token, lex: PlaceLexicon) -> str | None:
    """The generic word a token is, unless it carries the article: "القرية" refers back to a
    place already named and is not followed by a name."""
    if tok.key in lex.generic:
        return tok.key
    if tok.stem in lex.generic and tok.clitics and not tok.clitics.endswith("ال"):
        return tok.stem
    return None


def _is_anaphor(tok: Token) -> bool:
    """A definite generic word that refers back to a place ("البلدتين", "المحافظة")."""
    return tok.clitics.endswith("ال") and tok.stem in _ANAPHORS


def _is_stop(tok: Token, lex: PlaceLexicon) -> bool:
    return tok.key in lex.stops or (tok.clitics in ("و", "ف") and tok.key[1:] in lex.stops)


class PlaceFinder:
    """Finds place mentions in sentences with a gazetteer name index (which may be empty)."""

    def __init__(
        self,
        name_index: Mapping[tuple[str, ...], Sequence[int]],
        max_words: int,
        strong: frozenset[tuple[str, ...]] = frozenset(),
        blocked: frozenset[str] = frozenset(),
        lexicon: PlaceLexicon | None = None,
        whole_words: frozenset[str] = frozenset(),
    ) -> None:
        """``strong`` holds names of towns, cities and governorates (taken without a preposition);
        ``blocked`` holds word keys that are never a one-word place (actor aliases, triggers);
        ``whole_words`` holds the first words of gazetteer names as written (article removed), so
        that a name beginning with a letter that looks like a proclitic keeps it ("بغداد")."""
        self.index = name_index
        self.max_words = max_words
        self.strong = strong
        self.blocked = blocked
        self.lex = lexicon or load_place_lexicon()
        self.whole_words = whole_words
        self.first_words = frozenset(k[0] for k in name_index)
        # first words of names of two words or more: the others are a whole name on their own (most of
        # those a document meets), which ``_gaz_match`` then tells without building prefixes
        self.multi_first = frozenset(k[0] for k in name_index if len(k) > 1)
        # every beginning of a gazetteer name, so that a longest match stops as soon as none can follow
        self.prefixes = frozenset(k[:n] for k in name_index for n in range(1, len(k) + 1))
        # the words that can begin something ``find`` reads (a name, a generic word, a list opener,
        # a back-reference); any other token, unless a capture verb, is passed over at once
        lex = self.lex
        self.starters = self.first_words | frozenset(lex.generic) | lex.openers | lex.pair_openers | _ANAPHORS | {"حدود"}
        self._verb_cache: dict[str, bool] = {}
        self._can_start: dict[str, _Start | bool] = {}

    def _gaz_match(self, toks: Sequence[Token], i: int, limit: int) -> int:
        """Number of tokens of the longest gazetteer name starting at ``toks[i]`` (0 if none)."""
        stem = toks[i].stem
        if stem not in self.first_words:
            return 0
        if stem not in self.multi_first:
            return 1 if i < limit else 0  # the stem alone is a name, and begins no longer one
        best = 0
        words: list[str] = []
        text = self._text
        for j in range(i, min(limit, i + self.max_words)):
            if j > i and _breaks(text[toks[j - 1].end_char : toks[j].start_char]):  # self._broken, inlined
                break
            words.append(toks[j].stem)
            key = tuple(words)
            if key not in self.prefixes:
                break
            if key in self.index:
                best = j - i + 1
        return best

    def _broken(self, a: Token, b: Token) -> bool:
        return _breaks(self._text[a.end_char : b.start_char])

    def _name_end(self, toks: Sequence[Token], j: int, generic: str | None) -> int:
        """Index one past the last token of a name starting at ``toks[j]`` (``j`` if none)."""
        lex = self.lex
        n = len(toks)
        if generic is not None and j < n and (end := _day_of_month_name(toks, j)):
            return end  # "سد 17 نيسان"، "جسر 6 أكتوبر": a landmark named after a day
        if j >= n:
            return j
        tok = toks[j]
        key = tok.key
        if _is_stop(tok, lex) or _generic(tok, lex) or key.isdigit():
            return j
        if generic is not None and tok.clitics.startswith("و") and key not in self.whole_words:
            return j  # "بلدة وثلاث قرى": a conjunction right after the generic word starts no name
        gaz = self._gaz_match(toks, j, n)
        end = j + 1
        text = self._text
        head = tok.stem in lex.heads or key in lex.heads or _glued_head(tok, lex) != ""
        # self._broken inlined below and in the loop
        if head and end < n and not _breaks(text[tok.end_char : toks[end].start_char]) and not _is_stop(toks[end], lex):
            end += 1
        while end < n and not _breaks(text[toks[end - 1].end_char : toks[end].start_char]):
            tail = strip_article(toks[end].key)
            if tail in lex.tails and tail not in _DIRECTION_TAILS and not _day_before_yesterday(toks, end):
                end += 1
                continue
            break
        name_only = tok.stem in _NAME_ONLY_HEADS or key in _NAME_ONLY_HEADS
        if generic in lex.weak and not gaz and not name_only and not (
                tok.clitics.endswith("ال") and self._in_town(toks, end)):  # fmt: skip
            # a weak generic names a place the gazetteer knows, one it locates in a town, or one whose first
            # word only ever begins a name ("معبر أبو X"، "محور تل X")
            return j
        if end == j + 1 and (key in self.blocked or strip_article(key) in lex.common):
            return j
        return max(end, j + gaz)

    def find(self, text: str, sentence: Sentence) -> list[PlaceMention]:
        """Place mentions of one sentence, in text order, without overlaps."""
        self._text = text
        lex = self.lex
        toks = sentence.tokens
        out: list[PlaceMention] = []
        i = 0
        prev_end_tok = -10
        # What each token can begin (False: nothing), looked up for the whole sentence at once (in C once
        # the words are known); the scan jumps from one such token to the next.
        starts = list(map(self._can_start.get, map(_KEY, toks)))
        if None in starts:
            starts = [self._starts(tok) if known is None else known for tok, known in zip(toks, starts)]
        starters = list(compress(range(len(toks)), starts))
        while i < len(toks):
            if not starts[i]:
                k = bisect.bisect_left(starters, i)
                if k == len(starters):
                    break
                i = starters[k]
            tok = toks[i]
            verb, opener, pair_opener, anaphor, generic, border, stop, first_word = starts[i]
            names = self._object_names(toks, i) if verb else []
            feature = None
            if not names and opener and self._after_plural(toks, i):
                names = self._list_after(toks, i + 1)
            if not names and pair_opener and i + 1 < len(toks) and toks[i + 1].key == "من":
                # "طال القصف كلاً من A، B وC": a list of places, when the gazetteer knows one of them.
                listed = self._list_after(toks, i + 2)
                if any(self._gaz_match(toks, s, e) for s, e in listed):
                    names = listed
            if (
                not names
                and anaphor
                and not any(t.key in lex.openers for t in toks[i + 1 : i + 4])
                and not (i + 1 < len(toks) and toks[i + 1].key in _NOT_ANAPHOR_BEFORE.get(tok.stem, ()))
            ):
                # "البلدتين", "المدينة": a back-reference, resolved to earlier places by the caller.
                start = _skip_clitics(text, tok.start_char, len(tok.clitics) - 2)
                out.append(PlaceMention(text[start : tok.end_char], start, tok.end_char, "anaphor:" + tok.stem))
                i += 1
                continue
            if names:
                generic = None
            if generic is not None and i + 1 < len(toks) and _is_anaphor(toks[i + 1]):
                i += 1  # "ريف المحافظة": the back-reference is read next, not taken for a name
                continue
            if generic is not None:
                names, feature = self._names_after(toks, i + 1, generic), generic
                if names and names[0][0] == i + 1 and _day_of_month_name(toks, i + 1):
                    names[0] = (i, names[0][1])  # "سد 17 نيسان": without its generic word the name is a date
                if not names and generic in lex.weak and generic in lex.plural:
                    # "من مناطق A، وB، وC": a weak plural opens a list when the gazetteer knows a later item
                    listed = self._list_after(toks, i + 1)
                    if any(self._gaz_match(toks, s, e) for s, e in listed[1:]):
                        names = listed
                if not names:
                    i += 1
                    continue
            if names:
                for s, e in names:
                    out.append(self._mention(text, toks, s, e, feature))
                i = prev_end_tok = names[-1][1]
                continue
            border = _border_end(toks, i, self._broken) if border else 0
            if border:
                out.append(self._mention(text, toks, i, border, None))
                i = prev_end_tok = border
                continue
            gaz = self._gaz_match(toks, i, len(toks)) if first_word and not stop else 0
            if gaz and self._plausible(toks, i, gaz, prev_end_tok):
                end = max(gaz + i, self._name_end(toks, i, None)) if gaz == 1 else i + gaz
                out.append(self._mention(text, toks, i, end, None))
                i = end
                prev_end_tok = end
                continue
            i += 1
        return out

    def _object_names(self, toks: Sequence[Token], i: int) -> list[tuple[int, int]]:
        """Names in the object slot of a capture verb: "سيطرت على X وY"، "استعادت X"."""
        tok, lex = toks[i], self.lex
        if not self._is_verb(tok):
            return []
        if i > 0 and toks[i - 1].key in _STATE_WORDS:
            return []
        if i > 0 and toks[i - 1].stem in _ORG_NOUNS:
            return []  # "هيئة تحرير الشام"، "حركة تحرير السودان": the verbal noun names a group
        j = i + 1
        if j < len(toks) and toks[j].key == "علي":
            j += 1
        elif "سيطر" in tok.key:
            return []  # "سيطرة الفصائل": without على the next word is not the place
        if j >= len(toks) or toks[j].stem in lex.generic or self._broken(toks[j - 1], toks[j]):
            return []
        names = [(s, e) for s, e in self._list_after(toks, j) if not (e == s + 1 and toks[s].key in self.blocked)]
        return names if names and names[0][0] == j else []

    def _starts(self, tok: Token) -> _Start | bool:
        """What ``find`` needs to know of a token that can begin anything it reads, False for any other
        token; memoised by its key, from which its stem and clitics follow. ``find`` visits some 30
        such tokens per document, and one look-up replaces a dozen small calls at each."""
        starts: _Start | bool = False
        if tok.key in self.starters or tok.stem in self.starters or self._is_verb(tok):
            lex = self.lex
            starts = (
                self._is_verb(tok),
                tok.key in lex.openers or tok.stem in lex.openers,
                tok.key in lex.pair_openers,
                _is_anaphor(tok),
                _generic(tok, lex),
                tok.stem == "حدود" and tok.clitics.endswith("ال"),  # may begin a border (_border_end)
                _is_stop(tok, lex),
                tok.stem in self.first_words,
            )
            if not any(starts[:6]) and (starts[6] or not starts[7]):
                starts = False  # nothing but a word that ends a name or begins none: ``find`` passes it over
        if len(self._can_start) < 500_000:
            self._can_start[tok.key] = starts
        return starts

    def _is_verb(self, tok: Token) -> bool:
        """Whether a token is a capture verb (memoised by its key, from which its stem follows)."""
        verb = self._verb_cache.get(tok.key)
        if verb is None:
            verb = bool(self.lex.object_verbs.fullmatch(tok.key) or self.lex.object_verbs.fullmatch(tok.stem))
            if len(self._verb_cache) < 500_000:
                self._verb_cache[tok.key] = verb
        return verb

    def _after_plural(self, toks: Sequence[Token], i: int) -> bool:
        """A plural generic (قرى، القرى، بلدات) stands shortly before token ``i`` ("بقيت 5 بلدات في ريف
        دير الزور تحت قبضة داعش، هي: ...")."""
        for t in toks[max(0, i - 10) : i]:
            if t.key in self.lex.plural or t.stem in self.lex.plural:
                return True
        return False

    def _list_after(self, toks: Sequence[Token], j: int) -> list[tuple[int, int]]:
        """Names listed after "وهي": "A، وB، C وD"."""
        names: list[tuple[int, int]] = []
        k = j
        while k < len(toks) and len(names) < 30:
            if names and k + 1 < len(toks) and (toks[k].key, toks[k + 1].key) in _LIST_GOES_ON:
                k += 2  # "A وB، فضلاً عن C وD": the list goes on
                continue
            if names:
                gap = self._text[toks[k - 1].end_char : toks[k].start_char]
                if not (_LIST_GAP.fullmatch(gap) or toks[k].clitics.startswith("و")):
                    break
                if "." in gap or ")" in gap and "(" not in gap:
                    break
            tok = toks[k]
            if _is_stop(tok, self.lex) or tok.stem in self.lex.generic or tok.key.isdigit():
                break
            if not names and tok.clitics.startswith("و") and tok.key not in self.whole_words and tok.key not in self.lex.heads:
                break  # "والبلدات القريبة منها، وطالت ...": a list does not open with "و"
            if tok.key[1:] in self.lex.stops and tok.clitics.startswith("و"):
                break
            e = self._name_end(toks, k, None)
            if e == k:
                break
            # In a comma-separated list an item runs to the next comma or "و": "خراب بيت، كاني شيت".
            while (
                e < len(toks)
                and e - k < 3
                and not self._broken(toks[e - 1], toks[e])
                and not toks[e].clitics.startswith("و")
                and not _is_stop(toks[e], self.lex)
                and toks[e].stem not in self.lex.generic
                and not toks[e].key.isdigit()
            ):
                e += 1
            names.append((k, e))
            k = e
        return names

    def _plausible(self, toks: Sequence[Token], i: int, n: int, prev_end: int) -> bool:
        tok = toks[i]
        if n == 1:
            if i > 0 and self._adjective(toks[i - 1], tok):
                return False
            if tok.key in self.blocked or tok.stem in self.blocked:
                return False
            if tok.stem in self.lex.common or strip_article(tok.key) in self.lex.common:
                return False
            if len(tok.stem) < 3:
                return False
        clitics = tok.clitics
        if clitics in _PREP_CLITICS or clitics.rstrip("ال") in _PREP_CLITICS:
            return True
        if i > 0:
            before = toks[i - 1]
            if before.key in _PREPOSITIONS or before.stem in _PREPOSITIONS:
                return True
            if before.key[:1] in ("و", "ف") and before.key[1:] in _PREPOSITIONS:
                return True  # "وفي X"، "ومن X": a preposition after a conjunction too short for the tokeniser to split
        if prev_end == i:
            return True
        if clitics.startswith("و") and prev_end >= i - 1:
            return True
        return tuple(t.stem for t in toks[i : i + n]) in self.strong

    def _adjective(self, noun: Token, tok: Token) -> bool:
        """"تسوية جديدة"، "المرحلة الجديدة": a word that is also an adjective (جديدة، كبير) agrees with
        the noun right before it in definiteness, and so describes it rather than naming a place."""
        lex = self.lex
        if strip_article(tok.key) not in lex.tails or self._broken(noun, tok) or tok.clitics not in ("", "ال"):
            return False
        if noun.key in _PREPOSITIONS or _is_stop(noun, lex) or noun.key in lex.heads or _generic(noun, lex):
            return False
        return noun.clitics.endswith("ال") == tok.clitics.endswith("ال")

    def _in_town(self, toks: Sequence[Token], k: int) -> bool:
        """"... بمدينة X"، "... في بلدة X": the words at ``k`` put what precedes in a named town."""
        if k < len(toks) and toks[k].key == "في":
            k += 1
        town = ("مدينه", "بلده")
        return k + 1 < len(toks) and toks[k].stem in town and not self._broken(toks[k - 1], toks[k])

    def _names_after(self, toks: Sequence[Token], j: int, generic: str) -> list[tuple[int, int]]:
        """Token ranges of the name(s) after a generic word; several for plural generics."""
        if j < len(toks) and _PUNCTUATION.search(self._text[toks[j - 1].end_char : toks[j].start_char]):
            return []  # "6 قرى، وهي ...": punctuation after the generic word; no name follows it
        end = self._name_end(toks, j, generic)
        if end == j:
            return []
        names = [(j, end)]
        if generic not in self.lex.plural:
            return names
        dual = generic in self.lex.dual
        k = end
        while k < len(toks):
            gap = self._text[toks[k - 1].end_char : toks[k].start_char]
            tok = toks[k]
            if dual and len(names) == 1 and (tok.key in self.lex.directions or tok.stem in self.lex.directions):
                # "جبهتي A غرب X وB شمال X": the first name's direction and town stand before the second.
                conj = next((m for m in range(k + 1, min(len(toks), k + 4)) if toks[m].clitics.startswith("و")), None)
                if conj is None:
                    break
                k = conj
                continue
            if tok.clitics.startswith("و") and "،" not in gap and "," not in gap and not _BREAK.search(gap):
                sub = _strip_conj(tok)
            elif gap.strip() in ("،", ","):
                sub = tok  # "قريتي (كفر رم، وقروت قولاق)"
            else:
                break
            if sub is None:
                break
            e = self._name_end_from_conj(toks, k)
            # In a plural list a name after "و" must be known to the gazetteer or carry the article
            # ("بلدات السوسة والشعفة"): "قريتي الكشمة وأبو الحسن وإقامة إمارة" must stop at إقامة.
            known = self._gaz_match(toks, k, len(toks)) or tok.clitics.endswith("ال")
            if e == k or (not dual and not known and "،" not in gap):
                break
            names.append((k, e))
            k = e
            if dual and len(names) == 2:
                break
        return names

    def _name_end_from_conj(self, toks: Sequence[Token], k: int) -> int:
        tok = toks[k]
        if tok.key[1:] in self.lex.stops or _generic(tok, self.lex):
            return k
        e = max(k + 1, self._name_end(toks, k, None))
        if k > 0 and "(" in self._text[toks[0].start_char : tok.start_char] and ")" in self._text[tok.end_char :]:
            # "قريتي (كفر رم، وقروت قولاق)": inside brackets an item runs to the next comma or bracket
            while e < len(toks) and e - k < 3 and not self._broken(toks[e - 1], toks[e]) and not _is_stop(toks[e], self.lex):
                e += 1
        return e

    def _mention(self, text: str, toks: Sequence[Token], s: int, e: int, generic: str | None) -> PlaceMention:
        first = toks[s]
        start = first.start_char
        # A conjunction or preposition glued to the first word is not part of the name; the
        # article is ("الكشمة").
        drop = first.clitics.removesuffix("ال")
        drop = drop.replace("ك", "")  # ك is far likelier the name's first letter (كفر، كركوك) than "like"
        if generic is None and (first.key in self.whole_words or strip_article(first.key) in self.whole_words):
            drop = ""  # "بغداد", "ليبيا": the letter is part of the name
        elif not drop:
            drop = _glued_head(first, self.lex)  # "وأم الخاخيل": too short a stem for the tokeniser to split
        if generic is not None and not (s > 0 and _generic(toks[s - 1], self.lex) is None):
            drop = ""  # right after the generic word nothing is glued on ("قرية كفرصفرة")
        elif drop not in ("", "و", "ف") and generic is not None:
            drop = drop[:1] if drop[:1] in ("و", "ف") else ""
        if drop:
            start = _skip_clitics(text, start, len(drop))
        end = toks[e - 1].end_char
        context, parent = self._context(text, toks, e)
        return _make_mention(
            name=text[start:end],
            start_char=start,
            end_char=end,
            feature=generic,
            context=context,
            parent=parent,
        )

    def _context(self, text: str, toks: Sequence[Token], e: int) -> tuple[str | None, str | None]:
        """The admin context after a name, and the parent place it names (التابعة لبلدة X)."""
        if e >= len(toks):
            return None, None
        gap = text[toks[e - 1].end_char : toks[e].start_char]
        if "(" in gap:
            # "أبو الحسن (البقعان جزيرة)": skip an alternative name in parentheses.
            k = e
            while k < len(toks) and ")" not in text[toks[k - 1].end_char : toks[k].start_char]:
                k += 1
            e = k
            if e >= len(toks):
                return None, None
        first = toks[e]
        lex = self.lex
        on_axis = first.key == "علي" and e + 1 < len(toks) and toks[e + 1].key in ("محور", "طريق", "جبهه")
        # "في مقبرة الهواري بمدينة بنغازي": the town after a landmark or village is its container.
        in_town = first.clitics == "ب" and first.stem in ("مدينه", "بلده", "محافظه", "ولايه", "منطقه", "قضاء", "ناحيه")
        starts_context = first.key in ("التابعه", "التابع", "الواقعه", "الواقع") or (
            first.key in ("في", "ب") or (first.clitics in ("ب",) and _generic(first, lex) == "ريف")
        ) or first.stem in lex.directions or first.key in lex.directions or on_axis or in_town
        if not starts_context:
            return None, None
        # "بنش الواقعة شرقها ومعرة مصرين": a direction told from the place itself needs no town after it
        told_from = first.key in ("الواقعه", "الواقع") and e + 1 < len(toks) and any(
            toks[e + 1].key.endswith(p) and toks[e + 1].key[: -len(p)] in lex.directions for p in ("ها", "ه"))
        k = e
        while k < len(toks) and k - e < 12:
            if k > e and self._broken(toks[k - 1], toks[k]):
                break
            if k > e + 1 and toks[k].clitics.startswith("و") and (first.stem in lex.directions or told_from):
                break  # "الكوكلي غرب منبج والياشلي ...": the direction's town ends at the next conjunct
            k += 1
        span = text[first.start_char : toks[k - 1].end_char]
        parent = None
        if first.key in ("التابعه", "التابع") and e + 1 < len(toks):
            nxt = toks[e + 1]
            g = _generic(nxt, lex)
            pstart = e + 2 if g else e + 1
            pend = self._name_end(toks, pstart, g) if pstart < len(toks) else pstart
            if pend > pstart:
                parent = text[toks[pstart].start_char : toks[pend - 1].end_char]
                if g is None and toks[pstart].clitics.startswith("ل"):
                    parent = text[_skip_clitics(text, toks[pstart].start_char, 1) : toks[pend - 1].end_char]
        return span, parent


def _border_end(toks: Sequence[Token], i: int, broken: Callable[[Token, Token], bool]) -> int:
    """One past "الحدود السورية العراقية" (the border between two countries, named by their adjectives) at
    ``toks[i]``, 0 if no such border is named there: "الحدود" alone or "الحدود الشمالية" names no place."""
    if toks[i].stem != "حدود" or not toks[i].clitics.endswith("ال"):
        return 0
    k = i + 1
    while k < len(toks) and k - i <= 3 and not broken(toks[k - 1], toks[k]) and toks[k].clitics.endswith("ال") and (
            toks[k].stem.endswith("يه") and toks[k].stem not in _DIRECTION_TAILS and toks[k].stem not in _NOT_NATIONS):
        k += 1
    return k if k > i + 2 else 0  # two sides: "الحدود التركية" alone is where one country's border lies, no spot


def _day_of_month_name(toks: Sequence[Token], j: int) -> int:
    """One past a day and month ("17 نيسان"، "6 تشرين الأول") at ``toks[j]``, 0 if none stands there;
    right after a generic word such a date is the name of the place, not when anything happened."""
    if not (toks[j].key.isdigit() and 1 <= int(toks[j].key) <= 31 and len(toks[j].key) <= 2):
        return 0
    for width in (2, 1):
        words = toks[j + 1 : j + 1 + width]
        if len(words) == width and " ".join(t.key for t in words) in MONTHS:
            return j + 1 + width
    return 0


@lru_cache(maxsize=4096)
def _breaks(gap: str) -> bool:
    """Whether the text between two tokens breaks a name (punctuation, a dash between spaces). Asked
    for every pair of tokens a name could span; the gaps are a handful of strings (" ", "، ")."""
    return bool(_BREAK.search(gap))


def _day_before_yesterday(toks: Sequence[Token], i: int) -> bool:
    """"الأول من أمس" / "أمس الأول": the ordinal is a day, not part of the name before it."""
    nxt = [t.key for t in toks[i + 1 : i + 3]]
    return toks[i].key in ("الاول", "اول") and (nxt[:2] == ["من", "امس"] or toks[i - 1].key == "امس")


def strip_article(key: str) -> str:
    """A word key without the article ال (only when a real stem remains)."""
    return key[2:] if key.startswith("ال") and len(key) > 4 else key


def _glued_head(tok: Token, lex: PlaceLexicon) -> str:
    """The conjunction glued to a two-letter name head ("وأم"، "وتل"), which the tokeniser leaves on
    because too short a stem would remain; "" when there is none."""
    if not tok.clitics and tok.key[:1] in ("و", "ف") and tok.key[1:] in lex.heads:
        return tok.key[:1]
    return ""


def _strip_conj(tok: Token) -> Token | None:
    return tok if tok.key[1:] else None


def _skip_clitics(text: str, start: int, n: int) -> int:
    """Move past ``n`` proclitic letters in the original text, skipping tatweel and marks."""
    pos = start
    seen = 0
    while pos < len(text) and seen < n:
        if text[pos] not in "\u0640\u064b\u064c\u064d\u064e\u064f\u0650\u0651\u0652":
            seen += 1
        pos += 1
    while pos < len(text) and text[pos] in "\u0640\u064b\u064c\u064d\u064e\u064f\u0650\u0651\u0652":
        pos += 1
    return pos
