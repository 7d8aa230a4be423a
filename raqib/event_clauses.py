"""What the event coder asks of words, clauses and sentences around a trigger: whether a clause
describes rather than reports, which side a giving verb hands a place to, whether a word opens a list
or a lead, which sentence an offset is in, which numbers a trigger owns, where the evidence of an
event starts and ends, and which date of the text is nearest. Pure functions of the text (several
cached), kept apart from ``raqib.events`` so that module stays about the coder's steps.
"""

from __future__ import annotations

import bisect
import datetime as dt
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from operator import attrgetter
from typing import TYPE_CHECKING, TypeVar

from raqib import event_refs as refs
from raqib.model import ActorMention, DateRef, Quantity, Sentence, Token, fast_init, fast_replacer
from raqib.normalize import match_key, strip_clitics
from raqib.recognize.places import load_place_lexicon
from raqib.rules import Trigger

if TYPE_CHECKING:
    from raqib.events import Located

_NO_AGENT = frozenset(["CIVILIANS"])
"""Actors that are never the doer of an event (they suffer it)."""
_T = TypeVar("_T")
_START, _END = attrgetter("start_char"), attrgetter("end_char")
#: ``dataclasses.replace`` for dates, without its loop over the fields in Python.
_replace_date = fast_replacer(DateRef)


_GENERIC_WORD = re.compile(
    r"^[وف]?(ال)?(قري(ة|ه|تي|تين)|قرى|بلد(ة|ه|ات|تي|تين)|مدين(ة|ه|تي)|مدن|حي|أحياء|احياء|مخيم|منطق(ة|ه|تي)|مناطق)$"
)


_LEAD = re.compile(
    r"^[وف]?(على|علي|في|من|إلى|الى|كامل|بالكامل|كامل|كافة|مدخل|أطراف|اطراف|أجزاء|اجزاء|أحياء|احياء|مشارف|محيط|معظم|أغلب|"
    r"نقاط|مواقع|تلال|عدة|عدد|كل|جميع|المذكورة|التالية|هي|وهي|منها|ومنها|تشمل|وتشمل|قد|وقت|سابق|لاحق|"
    r"اليوم|أمس|امس|صباح|مساء|فجر|ليل|ليلة|يوم|الماضي|الماضية|الجاري|الجارية|الأحد|الاثنين|الإثنين|الثلاثاء|"
    r"الأربعاء|الاربعاء|الخميس|الجمعة|السبت|مجددا|مجدداً|بشكل|تام|كامل|أيضا|أيضاً|ايضا)$"
)


# An aside between a capture verb and its object: "انتزعوا، إثر مواجهات مع الوحدات، قريتي ...".
_ASIDE = re.compile(r"[،,]\s*(?:إثر|اثر|بعد|عقب|خلال|وسط|بدعم|بمساندة)[^،,]*[،,]")

# Particles after which an imperfect verb is wished, planned or feared, not reported as done.
_SUBJUNCTIVE = frozenset(["ان", "لان", "بان", "كي", "لكي", "حتي", "لن"])
# "تابعة لـ X"، "تتبع لـ X": X owns the noun before.
_OWNED = frozenset(["تابعه", "التابعه", "تابع", "التابع", "تتبع", "يتبع", "تابعين", "التابعين"])
_SUPPORT = frozenset(["بدعم", "دعم", "بمسانده", "مسانده", "باسناد", "اسناد", "مدعومه", "مدعوما", "بغطاء", "بقياده", "بمشاركه",
                      "برعايه", "رعايه", "بوساطه", "وساطه"])  # a sponsor or mediator is no side of the event


@fast_init
@dataclass(frozen=True, slots=True)
class _DayContext:
    """What one document says about its days, for sentences that state none."""

    published: dt.date | None
    """The report's publication day."""
    lead: DateRef | None
    """The first day the title or lead paragraph states."""
    recent: str | None = None
    """The side that acted in the event just reported (for the sentence being read)."""
    other_from: int | None = None
    """Where the next trigger of another kind starts in the sentence: a date after it is that event's."""


def _context_date(
dates: Sequence[DateRef], sentences: Sequence[Sentence], sn: int, day: _DayContext
) -> DateRef | None:
    """A day for a sentence that states none: the last date earlier in its paragraph, else the
    lead's date, else the publication day (ACLED's practice for same-day reports)."""
    sentence = sentences[sn]
    # the paragraph's first sentence: sentences are in text order, so a paragraph's are side by side
    first = sn
    while first and sentences[first - 1].paragraph == sentence.paragraph:
        first -= 1
    para_start = sentences[first].start_char
    earlier = [
        d for d in dates if para_start <= d.start_char < sentence.start_char and d.start is not None
    ]
    if earlier:
        return _replace_date(earlier[-1], source="context")
    if day.lead is not None:
        return _replace_date(day.lead, source="context")
    if day.published is not None:
        return DateRef(day.published, day.published, "day", 0, 0, True, source="published")
    return None


def _descriptive(toks: Sequence[Token], i: int) -> bool:
    """"آخر طريق كان يصلها بالريف": كان before a present verb describes a state; it marks the past
    of the sentence's events only as a pluperfect ("وكانت القوات قد سيطرت")."""
    if toks[i].stem not in ("كان", "كانت"):
        return False
    nxt = toks[i + 1] if i + 1 < len(toks) else None
    return nxt is not None and nxt.key[:1] in ("ي", "ت") and not any(t.key == "قد" for t in toks[i + 1 : i + 8])


def _thing_does(toks: Sequence[Token], trig: Trigger, named: set[int]) -> bool:
    """"الحافلات التي دخلت مدينة البعث": a weak trigger in a relative clause whose antecedent is no
    side (the word before التي/الذي is not part of an actor or place mention, ``named``) tells what
    a thing did."""
    k = trig.start
    return trig.rule.weak and k >= 2 and toks[k - 1].key in _RELATIVE and (k - 2) not in named


_RELATIVE = frozenset(["التي", "الذي", "اللتي", "اللذين", "الذين", "اللواتي"])


def _aim_or_passive(tok: Token) -> bool:
    """A verbal noun after لـ ("لتحرير"، "للسيطرة": what a side means to do) or a past verb that the
    text marks passive with a damma on its first letter ("طُرد"، "أُخرج"، "حُرّرت")."""
    lead = tok.clitics.lstrip("وف")
    if lead.startswith("ل") and not lead.startswith("ال"):
        return True
    word = tok.text.removeprefix(tok.clitics)
    return len(word) > 1 and word[0] not in "يتن" and word[1] == "\u064f"


# Giving a place over (the giver loses it), unlike تسلّم/استلم (receiving it).
_TO_BEFORE = re.compile(r"(^|\s)(إلى|الى|الي)\s+$")
_GIVE = re.compile(r"سلم(ت|وا)?|تسليم(ها|ه)?|اوكل(ت|وا|ا)?")  # "أوكلت الملف الأمني إلى X": X receives


def _receiver(
    text: str, toks: Sequence[Token], trig: Trigger, actors: Sequence[ActorMention]
) -> tuple[str | None, str | None] | None:
    """(taker, giver) of a handover told with a giving verb, which the place goes to the receiver of:
    "سلّم التنظيم قسد مواقعه" (the object after the verb), "سلّمت قوات النظام مواقعها إلى X" (the side
    after إلى / لـ); the taker is None when no receiver is named. None when the trigger is no giving
    verb (تسلّم، استلم: the subject receives)."""
    if not _GIVE.fullmatch(toks[trig.start].stem):
        return None
    t_end = toks[trig.start].end_char

    def index(m: ActorMention) -> int:
        return next((i for i, t in enumerate(toks) if t.end_char > m.start_char), len(toks))

    after = [m for m in actors if m.start_char >= t_end and m.actor not in _NO_AGENT and index(m) - trig.start <= 8]
    before = [m for m in actors if m.end_char <= toks[trig.start].start_char and m.actor not in _NO_AGENT]
    marked = [
        m for m in after
        if _TO_BEFORE.search(text[t_end : m.start_char])
        or (toks[index(m)].clitics.lstrip("وف")[:1] == "ل" and toks[index(m)].clitics.lstrip("وف")[:2] != "ال")
    ]  # fmt: skip
    unmarked = [m for m in after if m not in marked]
    if marked:
        giver = unmarked[0] if unmarked and index(unmarked[0]) == trig.start + 1 else (before[-1] if before else None)
        return marked[0].actor, giver.actor if giver else None
    if unmarked and index(unmarked[0]) == trig.start + 1:
        if before:  # "التنظيم سلّم قسد مواقعه": subject before the verb, receiver after it
            return unmarked[0].actor, before[-1].actor
        if len(unmarked) > 1:  # "سلّمت قوات النظام قسد مواقعها"
            return unmarked[1].actor, unmarked[0].actor
        return None, unmarked[0].actor
    return None, before[-1].actor if before else None


def _tokens_in(toks: Sequence[Token], spans: Sequence[tuple[int, int]]) -> set[int]:
    """Indices of the tokens that start inside any of the spans (by bisection: a sentence of a long
    text can hold many tokens and mentions); each span's indices are added in one C call."""
    out: set[int] = set()
    for s, e in spans:
        out.update(range(bisect.bisect_left(toks, s, key=_START), bisect.bisect_left(toks, e, key=_START)))
    return out


_any_word = refs.any_word


def _supporting(toks: Sequence[Token], k: int) -> bool:
    """An actor introduced as support ("بدعم من التحالف") is not the opponent."""
    for tok in toks[max(0, k - 3) : k]:  # three words at most: a loop costs less than a map
        if tok.key in _SUPPORT:
            return True
    return False


def _sentence_at(sentences: Sequence[Sentence], pos: int) -> int | None:
    """Index of the sentence holding offset ``pos`` (sentences are in text order, never overlap)."""
    k = bisect.bisect_right(sentences, pos, key=_START) - 1
    return k if k >= 0 and pos < sentences[k].end_char else None


def _by_sentence(
    sentences: Sequence[Sentence], items: Sequence[_T], start: Callable[[_T], int]
) -> list[list[_T]]:
    """``items`` grouped by the sentence their ``start`` offset falls in, each group in the order of
    ``items``; items outside every sentence are left out."""
    out: list[list[_T]] = [[] for _ in sentences]
    if not items:
        return out
    starts = [s.start_char for s in sentences]
    ends = [s.end_char for s in sentences]
    # _sentence_at, with the offsets listed once (a plain loop: a chain of map, zip and partial costs more)
    for item in items:
        pos = start(item)
        k = bisect.bisect_right(starts, pos)
        if k and pos < ends[k - 1]:
            out[k - 1].append(item)
    return out


def _supporting_mention(sentences: Sequence[Sentence], m: ActorMention) -> bool:
    sn = _sentence_at(sentences, m.start_char)
    if sn is None:
        return False
    toks = sentences[sn].tokens
    # the first token ending after the mention's start (tokens are in order and never overlap)
    k = bisect.bisect_right(toks, m.start_char, key=_END)
    return _supporting(toks, k)


def _lead_date(dates: Sequence[DateRef], sentences: Sequence[Sentence]) -> DateRef | None:
    """The first resolved date of the title and lead paragraph."""
    if not sentences:
        return None
    lead_end = max((s.end_char for s in sentences if s.paragraph <= 1), default=0)
    for d in dates:
        if d.start_char < lead_end and d.start is not None and d.precision == "day" and not refs.counted_back(sentences, d):
            return d
    return None


@lru_cache(maxsize=50_000)  # a pure test of a word, asked again and again
def _lead_word(word: str) -> bool:
    """Words that may stand between a takeover verb and its place: prepositions, generic words,
    extent words ("السيطرة على أطراف بلدة X"). A pronoun ("أطرافها") means the place was named before."""
    w = word.replace("\u0640", "")
    if match_key(w).removeprefix("و") in _SUPPORT:
        return True  # "سيطرت القوات بدعم من X على": the supporter's words stand aside like the supporter
    return bool(_LEAD.match(w) or _GENERIC_WORD.match(w) or _place_generic(w) or w.isdigit())


@lru_cache(maxsize=50_000)  # a pure test of a word, asked again and again
def _place_generic(word: str) -> bool:
    """A generic word of the place lexicon (ناحية، محافظة، مطار، معسكرات، مفرق، سد ...), with or
    without و/ف and the article: "على ناحية X"، "على معسكرات اللواء الأول" name a place as much as
    "على قرية X" does."""
    key = match_key(word)
    generic = load_place_lexicon().generic
    for rest in (key, key[1:] if key[:1] in ("و", "ف") else key):
        if rest in generic or (rest.startswith("ال") and rest[2:] in generic):
            return True
    return False


@lru_cache(maxsize=50_000)  # a pure test of a word, asked again and again
def _is_feature(word: str, feature: str | None) -> bool:
    """The generic word that introduced the place ("تبة", "معسكر", "سد"), whatever the lexicon calls generic."""
    if not feature or feature.startswith("anaphor"):
        return False
    key = match_key(word)
    return feature in (key, strip_clitics(key)[1])


@lru_cache(maxsize=50_000)  # a pure test of a word, asked again and again
def _connector(word: str, connectors: frozenset[str]) -> bool:
    w = match_key(word)
    if w.startswith("و") and len(w) > 1 and w[1:] in connectors:
        return True
    return (
        w in connectors
        or w in ("اضافه", "بالاضافه")
        or bool(_GENERIC_WORD.match(word.replace("\u0640", "")))
        or _place_generic(word)
    )


def _owners(quantities: Sequence[Quantity], sentence: Sentence, trigs: Sequence[Trigger],
            is_toll: Callable[[Quantity], bool] = lambda q: True) -> dict[int, list[Quantity]]:  # fmt: skip
    """Each number of the sentence belongs to the trigger before it (else the first one after); a
    toll (``is_toll``) told before a surrender, an arrest or a defection belongs to the fighting the
    sentence goes on to name."""
    out: dict[int, list[Quantity]] = {}
    if not trigs:
        return out
    starts = [sentence.tokens[t.start].start_char for t in trigs]
    # "لقي ثلاثة مصرعهم، فيما سلّم اثنان نفسيهما، إثر مواجهات": a toll told before a surrender or an
    # arrest belongs to the fighting the sentence goes on to name.
    harm = next((n for n, t in enumerate(trigs) if t.rule.kind in _HARM_KINDS), 0) if trigs[0].rule.kind in (
        "surrender", "arrest", "defection") else 0
    for q in quantities:
        if not (sentence.start_char <= q.start_char < sentence.end_char):
            continue
        owner = harm if q.start_char < starts[0] and is_toll(q) else 0
        for n, s in enumerate(starts):
            if s <= q.start_char:
                owner = n
        out.setdefault(owner, []).append(q)
    return out


_HARM_KINDS = frozenset(["killing", "explosion", "airstrike", "shelling", "suicide_attack", "clash"])
# Singular nouns for one person (key form); the civilian ones also count as civilians killed.
# Civilians are those the text calls so (مدني، مواطن) and children; a woman, an old man or an activist
# is a person killed, not by the word alone a civilian killed (counts.tsv draws the same line).
_CIVILIAN_PERSON = frozenset(["مدني", "مدنيا", "طفل", "طفلا", "طفله", "مواطن", "مواطنا"])
_PERSON = _CIVILIAN_PERSON | frozenset(["شاب", "شابا", "رجل", "رجلا", "عنصر", "عنصرا", "مقاتل", "مقاتلا",
                                        "جندي", "جنديا", "شخص", "شخصا", "قيادي", "قياديا", "ضابط", "ضابطا",
                                        "امراه", "سيده", "مسن", "ناشط", "ناشطا", "ناشطه"])  # fmt: skip

_REMOTE = frozenset(["airstrike", "shelling", "explosion", "suicide_attack"])
_TAKEN_KEY = {"abduction": "abducted", "arrest": "arrested", "release": "released"}

_MAX_EVIDENCE = 300


def _evidence(text: str, sentence: Sentence, start: int, end: int) -> tuple[int, int]:
    """The sentence, or for a long sentence the clauses (between Arabic commas) that hold the
    trigger and the event's places: evidence is a sentence or a clause, never a paragraph."""
    s, e = sentence.start_char, sentence.end_char
    if e - s <= _MAX_EVIDENCE:
        return s, e
    left = max(text.rfind(c, s, start) for c in "،؛;:")
    cs = left + 1 if left >= s else s
    rights = [i for i in (text.find(c, end, e) for c in "،؛;.") if i != -1]
    ce = min(rights) if rights else e
    if ce - cs > _MAX_EVIDENCE:
        cs, ce = _narrow(text, cs, ce, start, end)
    while cs < ce and text[cs].isspace():
        cs += 1
    while ce > cs and text[ce - 1].isspace():
        ce -= 1
    return (cs, ce) if ce > cs else (s, e)


# Words that open a clause of their own inside a long sentence without commas: reported speech
# ("أفادت مصادر ... بأن القوات سيطرت") and a second fact ("في حين قصفت"، "بينما"، "وسط حالة من الهلع").
_CLAUSE_OPEN = re.compile(r"\s(?:بأن|بأنّ|أن|أنّ|إن|إنّ|في حين|بينما|فيما|حيث|وسط|كما|وذلك|في وقت)\s")


def _narrow(text: str, cs: int, ce: int, start: int, end: int) -> tuple[int, int]:
    """A clause of a long sentence that has no commas: from the last clause word before the trigger to
    the first after the event's last word, and at most ``_MAX_EVIDENCE`` characters around the trigger."""
    opens = [m.start() + 1 for m in _CLAUSE_OPEN.finditer(text, cs, ce)]
    left = max((o for o in opens if o <= start), default=cs)
    right = min((o - 1 for o in opens if o > end), default=ce)
    if right - left > _MAX_EVIDENCE:  # still too long: the words around the trigger
        left = max(left, text.rfind(" ", left, max(left, start - _MAX_EVIDENCE // 3)) + 1)
        cut = text.rfind(" ", start, left + _MAX_EVIDENCE)
        right = min(right, cut if cut > max(start, end) else left + _MAX_EVIDENCE)
    return left, right


def _drop_destinations(text: str, places: Sequence[Located]) -> list[Located]:
    """Places after "إلى" are where someone went, not where the event happened, unless alone."""
    kept = [p for p in places if not _destination(text, p)]
    return kept or list(places[:1])


def _destination(text: str, p: Located) -> bool:
    before = text[max(0, p.start - 20) : p.start]
    # each word of _TOWARDS_BEFORE holds one of these: most places are passed over without a search
    return ("لى" in before or "نحو" in before or "اتجاه" in before) and bool(_TOWARDS_BEFORE.search(before))


_TOWARDS_BEFORE = re.compile(r"(^|\s)(الى|إلى|نحو|باتجاه)\s+(\S+\s+)?$")


def _nearest(dates: Sequence[DateRef], sentence: Sentence, pos: int, end: int | None = None) -> DateRef | None:
    """The sentence's date nearest to ``pos``; one stated after ``end`` (where a trigger of another kind
    starts: "القصف ... بعد تبني التفجير الذي هز إسطنبول أمس الأول") is that event's, not this one's."""
    stop = sentence.end_char if end is None else min(end, sentence.end_char)
    inside = [d for d in dates if sentence.start_char <= d.start_char < stop and d.start is not None]
    if not inside:
        return None
    return min(inside, key=lambda d: abs(d.start_char - pos))
