"""Mentions that report no new event: a noun that refers back to an event already reported, and
the terms of an agreement.

News reports name an event once and then refer to it: "وأودى الانفجار بحياة ستة أشخاص"، "ويأتي
هذا التفجير عقب ..."، "وطالت المسيّرات قاعدة ...". Such a mention completes the earlier event (its
numbers, a finer place) and is not a second event. And an agreement's terms ("اتفاق يقضي بخروج
المقاتلين"، "ينص على تسوية أوضاع من انشقوا") say what the agreement provides, not what happened.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Mapping, Sequence
from itertools import pairwise
from operator import attrgetter
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from raqib.gazetteer.geometry import haversine_km
from raqib.model import DateRef, Event, Place, PlaceMention, Sentence, Token, fast_replacer
from raqib.normalize import bare, match_key
from raqib.recognize.places import strip_article
from raqib.rules import Rule, Trigger

if TYPE_CHECKING:
    from raqib.events import Located

_KEY, _STEM = attrgetter("key"), attrgetter("stem")
_START = attrgetter("start_char")
#: ``dataclasses.replace`` for events, without its loop over the fields in Python.
replace_event = fast_replacer(Event)
_CLAUSE_MARK = re.compile(r"[،,.؛;]")
_GAP_WORD = re.compile(r"[^\s“”\"(]+")


def any_word(toks: Sequence[Token], words: frozenset[str]) -> bool:
    """Whether the key or the stem of any token is one of ``words`` (the scan runs in C: the rules ask
    this of whole sentences again and again)."""
    return not (words.isdisjoint(map(_KEY, toks)) and words.isdisjoint(map(_STEM, toks)))


def word_positions(toks: Sequence[Token], words: frozenset[str]) -> list[int]:
    """Indices, in order, of the tokens whose key or stem is one of ``words``. A plain loop: the callers
    ask only of sentences that hold such a word (``any_word`` first), and two chains of ``compress`` and
    ``map`` merged in a set and sorted cost three times as much."""
    return [k for k, t in enumerate(toks) if t.key in words or t.stem in words]


class _Spanned(Protocol):
    @property
    def start(self) -> int: ...
    @property
    def end(self) -> int: ...


P = TypeVar("P", bound=_Spanned)

#: Kinds an outlet may use for one happening ("القصف" after "غارات"، "الانفجار" after "هجوم انتحاري").
_FAMILY = {
    "airstrike": "remote", "shelling": "remote", "explosion": "remote", "suicide_attack": "remote",
    "clash": "battle", "internal_clash": "battle",
}  # fmt: skip


_SAME_SPOT_KM = 5.0


def family(kind: str) -> str:
    """The group of kinds one happening may be reported under."""
    return _FAMILY.get(kind, kind)


def definite(tok: Token) -> bool:
    """The token carries the article, alone or after و/ف/ب/ل ("الانفجار"، "وللتفجير"), or a possessive
    pronoun ("بعد انشقاقهم"، "مقتله"), which makes an Arabic noun definite as well."""
    return tok.clitics.endswith(("ال", "لل")) or (len(tok.stem) > 5 and tok.stem.endswith(("هم", "هما", "هن")))


_AFTER = frozenset(["عقب", "بعد", "اثر"])


def possessed(tok: Token) -> bool:
    """A noun with an attached pronoun of the third person ("سيطرتها"، "اقتحامه"): definite in Arabic."""
    return tok.clitics == "" and len(tok.stem) > 5 and tok.stem.endswith(("ها", "هم", "هما", "هن"))


def demonstrative(toks: Sequence[Token], trig: Trigger, cues: Mapping[str, frozenset[str]]) -> bool:
    """"هذا التفجير"، "تلك المعارك"، "الهجوم ذاته": a pointer to something already said; so is a
    relative clause that describes people by what they did ("عناصر التنظيم الذين سلموا أنفسهم")."""
    start = trig.start
    if start > 0:
        relative = cues["relative_people"]
        if start > 1 and _word(toks[start - 2]) in relative:
            return True
        before = _word(toks[start - 1])
        if before in relative or before in cues["demonstrative"]:
            return True
    return trig.end < len(toks) and _word(toks[trig.end]) in cues["same_after"]


def _word(tok: Token) -> str:
    """The token without a leading و/ف, but with any other clitic: "كذلك" (likewise) is not "ذلك"."""
    return tok.stem if tok.clitics in ("و", "ف") else tok.key


def _place_key(event: Event) -> str:
    return bare(event.place.name_ar) if event.place else ""


def _same_place(a: Event, b: Event) -> bool:
    """Equal names, or one contains the other as whole words ("مطار بورتسودان" / "بورتسودان"); a
    mention without a place agrees with any."""
    ka, kb = _place_key(a), _place_key(b)
    if not ka:
        return True
    if not kb:
        return False
    wa, wb = f" {ka} ", f" {kb} "
    if wa in wb or wb in wa:
        return True
    pa, pb = a.place, b.place
    if pa and pb and _in_country(pa, pb):
        return True  # "ضربات جوية ... شمالي العراق" then "القصف استهدف منطقة الزاب": where in the country
    # "حي المطار بمدينة X" after "X": a spot of the same town, placed within a few kilometres of it.
    located = pa and pb and pa.matched_by != "context" and pb.matched_by != "context"  # not placed by their area alone
    return bool(located and pa and pb and pa.lat is not None and pb.lat is not None and pa.lon is not None and pb.lon is not None
                and haversine_km(pa.lat, pa.lon, pb.lat, pb.lon) <= _SAME_SPOT_KM)


def _in_country(place: Place, country: Place) -> bool:
    """``place`` is a located place of the country that ``country`` names as a whole."""
    return (country.precision == "country" and place.precision not in ("country", "unknown")
            and place.lat is not None and place.country == country.country)  # fmt: skip


def _same_side(a: Event, b: Event) -> bool:
    """No named side of the mention contradicts the earlier event's (a side the text left unsaid,
    or "UNKNOWN", contradicts nothing): "استعادت الهيئة السيطرة على البلدة" is a new event."""
    if a.actor1_inferred or "UNKNOWN" in (a.actor1, b.actor1):
        return True
    return a.actor1 == b.actor1 or (a.kind in ("clash", "internal_clash") and a.actor1 == b.actor2)


def _same_day(a: Event, b: Event) -> bool:
    """The mention states no day of its own, or one within a day of the earlier event's."""
    if a.date is None or a.date.source != "text" or b.date is None or b.date.start is None or a.date.start is None:
        return True
    if a.date.precision != "day":
        return True  # a month or a span ("قبل أعوام") tells no two events apart
    end = b.date.end or b.date.start
    return abs((a.date.start - b.date.start).days) <= 1 or b.date.start <= a.date.start <= end


def _same_name(a: Event, b: Event) -> bool:
    """Both places are named, and one name contains the other as whole words ("حمة المصارية" after
    "المصارية")."""
    ka, kb = _place_key(a), _place_key(b)
    if not ka or not kb:
        return False
    wa, wb = set(ka.split()), set(kb.split())
    return wa <= wb or wb <= wa


def referent(made: Sequence[Event], earlier: Sequence[Event], pointed: bool, by_name: bool = False) -> int | None:
    """The index in ``earlier`` of the event a definite mention refers back to: the latest one of the
    same family whose place agrees with every place of the mention (any place when the mention is
    ``pointed`` at with a demonstrative), whose side and day the mention does not contradict."""
    if not made:
        return None
    fam = family(made[0].kind)
    for k in range(len(earlier) - 1, -1, -1):
        ev = earlier[k]
        # (``family(ev.kind)`` written out: no call per earlier event.)
        # A day stated beside a placeless mention ("الانفجار وقع أثناء تشييع من توفي قبل يومين") is
        # seldom the event's own: only a mention with a place of its own is told apart by its day.
        if _FAMILY.get(ev.kind, ev.kind) != fam or not all(_same_side(m, ev) and (m.place is None or _same_day(m, ev)) for m in made):
            continue
        if by_name:
            if all(_same_name(m, ev) for m in made):
                return k
        elif (pointed and len(made) == 1) or all(_same_place(m, ev) for m in made):
            return k
    return None


def _finer_day(a: Event, b: Event) -> bool:
    """``a`` states one day inside the month or span ``b`` has: "منذ انطلاق الاحتجاجات في 9 تموز"."""
    da, db = a.date, b.date
    if da is None or db is None or da.start is None or db.start is None or da.source != "text":
        return False
    return da.precision == "day" and db.precision != "day" and db.start <= da.start <= (db.end or db.start)


_WHO = frozenset(["الذي", "التي", "الذين"])
_DIED = frozenset(["قضي", "توفي", "لقي", "استشهد", "قتل", "سقط"])
_AMID = frozenset(["خلال", "اثناء", "في"])


def described_by_deed(toks: Sequence[Token], trig: Trigger, doers: set[int], people: frozenset[str]) -> bool:
    """"المجموعة المسلحة التي خطفت الموظفين"، "القيادي الذي قضى خلال المعارك": a relative clause that
    says who a side or a person is by what they did or died in (``doers`` are the tokens of the sentence's
    actors; ``people`` words for a person)."""
    k = trig.start
    if k > 2 and toks[k - 1].key in _AMID and toks[k - 2].stem in _DIED:
        k -= 2  # "الذي قضى خلال المعارك": the fighting he died in
    if k < 2 or toks[k - 1].key not in _WHO:
        return False
    before = toks[k - 2]
    return k - 2 in doers or before.stem in people or strip_article(before.key) in people


def folded(made: Sequence[Event], events: list[Event], toks: Sequence[Token], trig: Trigger, blocked: set[int],
           cues: Mapping[str, frozenset[str]], described: bool = False) -> bool:
    """Whether the events a trigger made refer back to one already reported ("وأودى الانفجار بحياة
    ستة أشخاص"، "ويأتي هذا التفجير"، "مقتل العلي"), in which case what they add completes it in
    ``events``; a pointed-at mention with nothing to point at is dropped too. A noun before a
    definite word that is no place or side (``blocked``) is definite as well: it names a happening
    through its known victim or doer."""
    pointed = demonstrative(toks, trig, cues)
    construct = trig.end < len(toks) and trig.end not in blocked and definite(toks[trig.end])
    # "وتقول مصادر إن قصف التحالف للأحياء السكنية ...": a placeless mention, with no toll of its own,
    # of what a named side was already reported doing recaps it.
    recap = len(made) == 1 and made[0].place is None and not made[0].counts and not made[0].actor1_inferred and any(
        family(e.kind) == family(made[0].kind) and e.actor1 == made[0].actor1 for e in events)
    # "عقب سيطرتها على X": a capture named by its noun with a pronoun after عقب/بعد is one told before, when
    # a capture by the side at a place of that name was (a capture near it may be another)
    recalled = trig.start > 0 and toks[trig.start - 1].key in _AFTER and possessed(toks[trig.start])
    if not (pointed or definite(toks[trig.start]) or construct or recap or recalled or described):
        return False
    k = referent(made, events, pointed or described,
                 by_name=recalled and not (pointed or definite(toks[trig.start]) or construct or described))
    if k is not None:
        if not described:  # a deed named to say who someone is adds nothing to the event it names
            events[k] = complete(events[k], made[0], evidence=adds_figures(events[k], made[0]))
        return True
    # a side or a person described by a deed the report does not tell is no event, unless it is placed
    return pointed or (described and all(m.place is None for m in made))


_HARMFUL = frozenset(["airstrike", "shelling", "explosion", "suicide_attack", "clash", "internal_clash"])
#: Events a later sentence's bare toll may add to: the harmful ones and a killing ("... في حين أصيب آخران").
TOLLED = _HARMFUL | {"killing"}


def latest_harm(events: Sequence[Event], since: int, kinds: frozenset[str] = _HARMFUL) -> int | None:
    """Index of the last event reported from offset ``since`` on when it is a strike, a blast or
    fighting (an event that has a toll; ``kinds`` widens it), else None."""
    if events and events[-1].evidence_start >= since and events[-1].kind in kinds:
        return len(events) - 1
    return None


def outcome_of(made: Sequence[Event], events: Sequence[Event], since: int) -> int | None:
    """"قصفت القوات البلدة. وأسفر ذلك عن مقتل 3 مدنيين"، "وقال الدفاع المدني إن 3 مدنيين قتلوا": a death
    toll with no place and no side of its own, right after a strike, a blast or fighting (reported from
    offset ``since`` on), is that event's outcome, not a killing of its own."""
    if len(made) != 1 or made[0].kind != "killing" or made[0].place is not None or not made[0].counts:
        return None
    if not (made[0].actor1_inferred or made[0].actor1 == "UNKNOWN"):
        return None
    return latest_harm(events, since)


def adds_figures(ev: Event, mention: Event) -> bool:
    """The back-reference tells the event again, with its place, and states a figure the event lacked
    or gave only vaguely ("عشرات الجرحى" ... "وقع الانفجار في إعزاز، موقعاً ... أكثر من 20 جريحاً"):
    its sentence is then the one that reports the event. A sentence that only adds a toll ("وأصيب في
    الانفجار ثلاثون") completes the event without becoming its evidence."""
    if mention.place is None:
        return False
    have = dict(ev.counts)
    return any(q.stated is not None and (k not in have or have[k].stated is None) for k, q in mention.counts)


def complete(ev: Event, mention: Event, evidence: bool = False) -> Event:
    """The earlier event with what the back-reference adds: numbers it lacked, a place it lacked, and
    with ``evidence`` the mention's sentence as evidence."""
    # the earlier numbers stand, unless they were vague ("عشرات الجرحى") and the mention is precise
    counts = dict(mention.counts) | {k: q for k, q in ev.counts if q.stated is not None or k not in dict(mention.counts)}
    changes: dict[str, Any] = {"counts": tuple(sorted(counts.items()))}  # one copy made with all of them
    if mention.date is not None and (ev.date is None or _finer_day(mention, ev)):
        changes["date"] = mention.date
    if mention.place is not None and (ev.place is None or _in_country(mention.place, ev.place)):
        changes.update(place=mention.place, place_start=mention.place_start, place_end=mention.place_end)
        evidence = evidence or ev.place is not None  # the sentence that places it reports it
    if evidence:
        changes.update(evidence_start=mention.evidence_start, evidence_end=mention.evidence_end)
    return replace_event(ev, **changes)


def agreement_terms(toks: Sequence[Token], agreeing: Sequence[int], cues: Mapping[str, frozenset[str]]) -> int | None:
    """Index of the first token of an agreement's terms ("اتفاق يقضي بـ ..."، "ينص على ..."): the
    words from there to the end of the sentence say what was agreed, not what happened. The terms
    may come after the parties and the place ("أُبرم اتفاق بين A وB في P ينص على"). ``agreeing``
    are the indices of the words that can start an agreement trigger, in order."""
    terms = cues["agreement_terms"]
    for t in toks[:2]:
        if t.stem == "بموجب":
            return 0  # "وبموجب الصفقة، يطلق الحوثيون سراح 400 أسير": the whole sentence gives its terms
    for i in agreeing:
        for k in range(i + 1, min(len(toks), i + 12)):
            if toks[k].key in terms or toks[k].stem in terms:
                return k
    return None


def agreement_made(toks: Sequence[Token], trig: Trigger, cues: Mapping[str, frozenset[str]]) -> bool:
    """An agreement noun reports an agreement when a verb of concluding ("أُبرم"، "توصلا إلى"، "جرى
    التوصل") or its terms ("يقضي بـ") stand near it; alone ("الرافضين للتسوية"، "بموجب اتفاق"، "مركز
    تسوية") it names a settlement already known."""
    made = cues["agreement_made"]
    near = toks[max(0, trig.start - 4) : trig.end + 5]
    return any(t.key in made or t.stem in made for t in near if t is not toks[trig.start])


#: Sides that act only from the air: a capture, arrest or retreat left without a subject is not theirs.
_AIR_ONLY = frozenset(["COALITION", "RUS", "USA", "ISR", "SAUDI-COALITION"])
_GROUND_KINDS = frozenset(["takeover", "withdrawal", "arrest", "surrender", "siege", "defection"])


def recent_agent(earlier: Sequence[Event], since: int, kind: str = "agreement") -> str | None:
    """The side that acted in the latest event reported from offset ``since`` on, which a sentence
    that leaves its acting side unsaid carries on ("وكانت هذه القوات قد بسطت سيطرتها"، "وسيطرت على
    ..."): Arabic news keeps one subject from sentence to sentence. The first party of an agreement is
    first by chance: it is carried on only to another agreement (an event of ``kind``)."""
    for ev in reversed(earlier):
        if ev.evidence_start < since:
            break
        if ev.kind == "agreement" and kind != "agreement":
            continue
        if not ev.actor1_inferred and ev.actor1 not in ("UNKNOWN", "CIVILIANS"):
            return ev.actor1
    return None


def carries_on(agent: str, kind: str) -> bool:
    """Whether the carried-on side can do this: an air force captures, arrests or retreats nowhere; and
    those who surrender unnamed after a side's advance ("واستسلم العشرات") are its enemies, not it."""
    return not (agent in _AIR_ONLY and kind in _GROUND_KINDS) and kind != "surrender"


def habitual_pattern(toks: Sequence[Token], trig: Trigger, cues: Mapping[str, frozenset[str]]) -> bool:
    """"تشهد المنطقة تفجيرات متكررة"، "الخطف ... ظاهرة طارئة": a pattern, not one event."""
    near = toks[max(0, trig.start - 3) : trig.end + 2]
    return any_word(near, cues["habitual"]) or any_word(toks[trig.end : trig.end + 6], cues["phenomenon"])


def parties_places(toks: Sequence[Token], trig: Trigger, terms: int, places: Sequence[P]) -> list[P]:
    """The places an agreement applies to: those named before it (the parties' towns) rather than
    the places of its terms, which are where people are to go."""
    start = toks[trig.start].start_char
    if trig.start >= terms or not any(p.end <= start for p in places):
        return list(places)
    return [p for p in places if p.start < toks[terms].start_char]


def counted_back(sentences: Sequence[Sentence], d: DateRef) -> bool:
    """"قبل ثلاثة أيام"، "منذ أسبوع": a day counted back from the report dates an earlier event."""
    for s in sentences:
        if s.start_char <= d.start_char < s.end_char:
            return s.text[d.start_char - s.start_char :].lstrip().startswith(("قبل", "منذ"))
    return False


_IN_RETURN = frozenset(["لقاء", "مقابل", "بمقابل", "شرط", "بشرط", "مقابله"])


def asked_for(toks: Sequence[Token], trig: Trigger, cues: Mapping[str, frozenset[str]]) -> bool:
    """"أمر القضاء باعتقال X"، "طالبوا بإطلاق سراح المعتقلين"، "اتهمتها بإبرام اتفاق"، "يحثون على
    التظاهر": an order, a demand, an urging or an accusation, not the deed."""
    demand = cues["demand"]
    if trig.start > 1 and toks[trig.start - 1].key in ("علي", "الي") and any(
            t.key in demand or t.stem in demand for t in toks[max(0, trig.start - 5) : trig.start - 1]):  # fmt: skip
        return True  # "يحثون على التظاهر"، "حثّ الناشطون الأهالي على الإضراب": urged to, not done
    priced = trig.start > 0 and toks[trig.start - 1].key in _IN_RETURN  # "طالبوا بفدية لقاء الإفراج عنهما"
    return (priced or any(_with_bi(t) for t in toks[max(0, trig.start - 1) : trig.start + 1])) and any_word(
        toks[max(0, trig.start - 10) : trig.start], demand
    )


_FAILED_STILL_HAPPENS = frozenset(["clash", "internal_clash", "shelling", "airstrike", "explosion", "suicide_attack"])


def failed(toks: Sequence[Token], trig: Trigger, cues: Mapping[str, frozenset[str]]) -> bool:
    """"فشلت القوات في استرداد البلدة"، "أخفق في السيطرة": a capture, deal or release that failed did not
    happen (a failed attack still was an attack)."""
    if trig.rule.kind in _FAILED_STILL_HAPPENS:
        return False
    fail = cues["failure"]
    start = max(0, trig.start - 5)
    # "محاولتهم باءت بالفشل واعتقلتهم القوات": the definite noun tells of the failure of what came before
    # it; only a failure "in" something ("الفشل في السيطرة") or the verb (فشلت في) governs what follows
    return any(
        (t.key in fail or t.stem in fail)
        and not (t.clitics.endswith("ال") and (k + 1 >= len(toks) or toks[k + 1].key != "في"))
        for k, t in enumerate(toks[start : trig.start], start)
    )


_NOUN_WITH_OBJECT = re.compile(r"(طرد|اخراج|ابعاد|دحر)(ها|ه|هم|هن|هما)")
_BEFORE_NOUN = frozenset(["من", "بعد", "عقب", "اثر", "منذ", "قبل", "رغم", "علي"])


def was_expelled(toks: Sequence[Token], trig: Trigger) -> bool:
    """"بعد يوم من طردها من آخر مواقعها": a verbal noun whose pronoun is the side driven out, then the
    place it left; the taker is not named, and the side before the noun is the loser, not the doer."""
    if trig.rule.kind != "takeover" or trig.start == 0 or trig.end >= len(toks):
        return False
    word, prev, nxt = toks[trig.start], toks[trig.start - 1], toks[trig.end]
    return bool(_NOUN_WITH_OBJECT.fullmatch(word.stem) or _NOUN_WITH_OBJECT.fullmatch(word.key)) and (
        prev.key in _BEFORE_NOUN or prev.stem in _BEFORE_NOUN) and nxt.key in ("من", "عن")


def _with_bi(tok: Token) -> bool:
    """The preposition بـ on a verbal noun ("باعتقال"، "وبإطلاق"), split off or not."""
    return tok.clitics.startswith(("ب", "وب")) or tok.key.startswith(("با", "وبا"))


def negated(toks: Sequence[Token], trig: Trigger, cues: Mapping[str, frozenset[str]]) -> bool:
    """A negation word right before the trigger (لم، دون، وعدم); "غير أن" is "but", no negation."""
    before = toks[max(0, trig.start - 2) : trig.start]
    neg = cues["negation_before"]
    for k, t in enumerate(before):
        if not (t.key in neg or (t.clitics == "و" and t.stem in neg) or (t.key[:1] == "و" and t.key[1:] in ("لم", "لن", "لا"))):
            continue  # "ولم" is never split (لم is too short to be a stem), so its و is taken off here
        if t.key == "غير" and k + 1 < len(before) and before[k + 1].key.startswith("ان"):
            continue
        return True
    return False


def one_happening(trigs: Sequence[Trigger], toks: Sequence[Token]) -> list[Trigger]:
    """Triggers in text order, those that name one happening joined: words of one kind that follow
    each other ("انفجار سيارة مفخخة") make one trigger; the weapon a strike was done with ("قصفت
    طائرة سيارةً بصاروخ"، "بعدة غارات") is dropped, as the strike's objects may stand between."""
    merged: list[Trigger] = []
    for trig in trigs:
        gap = trig.start - merged[-1].end if merged else 99
        if (merged and family(merged[-1].rule.kind) == family(trig.rule.kind) and 2 < gap <= 6
                and any(t.clitics.startswith(("ب", "وب")) for t in toks[trig.start - 1 : trig.start + 1])):  # fmt: skip
            continue
        if merged and trig.rule.kind == "siege" == merged[-1].rule.kind and toks[trig.start].clitics.startswith("ف"):
            continue  # "التضييق على سكان البلدة، فأغلقت الطرق المؤدية إليها": how the siege was laid
        if merged and merged[-1].rule.kind == trig.rule.kind and gap <= 2:
            merged[-1] = Trigger(merged[-1].rule, merged[-1].start, trig.end)
            continue
        merged.append(trig)
    return merged


def covered(agreement: Event, toks: Sequence[Token], places: Sequence[Located], cues: Mapping[str, frozenset[str]]) -> list[Event]:
    """"على أن تمتد التسوية لتشمل بلدات A وB": the places an agreement is said to cover are each
    one more agreement event (one event per place)."""
    cover = next((t for t in toks if t.key in cues["covers"] or t.stem in cues["covers"]), None)
    if cover is None:
        return []
    have = {agreement.place_start}
    return [replace_event(agreement, place=p.place, place_start=p.mention.start_char, place_end=p.mention.end_char)
            for p in places if p.start > cover.start_char and p.mention.start_char not in have]


#: Generic words of administrative units: after a village they say where it is ("بناحية بلبلة").
_ADMIN_UNITS = frozenset(["ناحيه", "قضاء", "محافظه", "ولايه", "مديريه", "محليه"])


def locates(prev: PlaceMention, place: PlaceMention, gap: str) -> bool:
    """"قرية X بناحية Y"، "على محور ناحية Y": an administrative unit right after a village says where
    the village is and is no item of a list ("قرية X، وناحية Y" is); ``gap`` is the text between."""
    if place.feature not in _ADMIN_UNITS or prev.feature in _ADMIN_UNITS:
        return False  # the gap is read only after a village and a unit
    generic_word = _GAP_WORD.findall(gap)[-1:]
    return not (generic_word and generic_word[0].startswith("و"))


def kind_by_sides(kind: str, weak: bool, agent: str | None, patient: str | None) -> str:
    """The kind the sides make of a trigger: one armed side killing another's fighters ("قتلت الهيئة
    ثمانية من عناصر التنظيم") is fighting; fighting within one side is an internal clash."""
    if kind == "killing" and weak and agent not in (None, "UNKNOWN") and patient not in (None, "UNKNOWN", "CIVILIANS"):
        kind = "clash"
    if kind == "clash" and agent is not None and agent == patient:
        kind = "internal_clash"
    return kind


def blast_killings(events: Sequence[Event]) -> list[Event]:
    """An assassination the report also tells as a blast on that day, at that place or one it does
    not locate otherwise ("لقي عنصر
    مصرعه في عملية اغتيال بريف درعا" ... "عبوة ناسفة استهدفت سيارة") is that explosion (an IED on a
    vehicle is an explosion even when the outlet calls it اغتيال): the killing is folded into it."""
    out = list(events)
    for ev in events:
        if ev.kind != "killing" or not ev.rule_id.startswith("killing.assassinate"):
            continue
        blast = next((k for k, e in enumerate(out) if e.kind in ("explosion", "suicide_attack")
                      and ev.date is not None and e.date is not None and ev.date.start == e.date.start
                      and (_same_place(ev, e) or None in (ev.place and ev.place.lat, e.place and e.place.lat))),
                     None)  # fmt: skip
        if blast is not None:
            out[blast] = complete(out[blast], ev)
            out.remove(ev)
    return out


_KANA = frozenset(["كان", "كانت", "وكان", "وكانت"])


def plain_past(toks: Sequence[Token], i: int, trigger: int) -> bool:
    """"كانت البلدة هادئة قبل أن تسيطر عليها القوات": كان marks an earlier event only as a pluperfect, with
    قد after it ("وكانت القوات قد سيطرت") or with the event's verb right after its subject ("وكانت القوات
    سيطرت"); elsewhere in the sentence it is a plain past or a state and says nothing of the event."""
    if toks[i].key not in _KANA and toks[i].stem not in _KANA:  # the stem of كانت can lose its ك as a clitic
        return False
    return not (any(t.key == "قد" for t in toks[i + 1 : i + 6]) or 0 < trigger - i <= 4)


_RELATIVE = frozenset(["التي", "الذي", "الذين", "اللتين", "اللذين", "اللواتي", "اللاتي"])
_RESUMPTIVE = frozenset(["فيها", "فيه", "بها", "به", "عليها", "عليه", "منها", "منه", "اليها", "اليه", "عنها", "عنه"])


def in_relative_clause(toks: Sequence[Token], k: int) -> bool:
    """The actor at token ``k`` is the subject of a relative clause ("المواقع التي يتمركز فيها X"،
    "البلدة التي يسيطر عليها X"): a verb before it carries a pronoun back to a noun of the main clause,
    so X does not do what the main clause's later verbs say."""
    before = toks[max(0, k - 2) : k]  # two words at most: loops cost less than any() of a generator
    for t in before:
        if t.key in _RESUMPTIVE:
            return True
    return len(before) == 2 and before[0].key in _RELATIVE and before[1].key[:1] in ("ي", "ت")


def hands_on_the_subject(toks: Sequence[Token], k: int, trigger: int) -> bool:
    """The actor at token ``k`` acts on "him" and a later clause of "until/before he ..." (إلى أن،
    حتى، قبل أن) leads to the trigger at token ``trigger``: "فصائل معارضة أخرجته منها، إلى أن عاد
    واستولى على القرية": the one driven out is the one who came back and took it, not X."""
    span = [t.key for t in toks[k + 1 : trigger]]
    pronoun = next((i for i, w in enumerate(span[:3]) if len(w) > 4 and w.endswith(("ته", "وه"))), None)
    if pronoun is None:
        return False
    rest = span[pronoun + 1 :]
    return "حتي" in rest or any(a in ("الي", "قبل") and b == "ان" for a, b in pairwise(rest))


def of_noun_before(toks: Sequence[Token], k: int) -> bool:
    """The actor at token ``k`` follows a noun that carries the preposition لـ ("تجمعات لمسلحي X"،
    "مواقع لعناصر X"): it names whose people or places were hit, not who acted."""
    if k == 0:
        return False
    prev = toks[k - 1]
    return prev.clitics.removeprefix("و").removeprefix("ف") in ("ل", "لل") and prev.key not in ("لان", "لكن")


_CAUSE = frozenset(["وطاه", "بسبب", "شده", "بعد", "عقب", "تحت"])  # not جراء، إثر: "قتل مدنيان جراء القصف" reports it


def as_circumstance(toks: Sequence[Token], trig: Trigger) -> bool:
    """"تحت وطأة القصف الكثيف"، "بسبب شدة القصف الجوي"، "بعد القصف": the shelling, with the article,
    is named as the cause or the time of what the sentence reports, not reported itself."""
    return definite(toks[trig.start]) and any_word(toks[max(0, trig.start - 2) : trig.start], _CAUSE)


_SOME = frozenset(["عده", "عدد", "عددا", "بعض"])


def unnamed_places(text: str, toks: Sequence[Token], trig: Trigger, plural: frozenset[str], generic: Mapping[str, str],
                   numbers: frozenset[str]) -> tuple[int, bool] | None:  # fmt: skip
    """Where the object of a capture is a set of places the text does not name ("سيطر على عدة قرى"،
    "انتزع عدداً من القرى"، "بسط سيطرته على بلدة وثلاث قرى"): the index of the token after the set,
    and whether the set is vague (عدة، عدد من، بعض) rather than counted (ثلاث قرى), which reports
    usually go on to name; None when the object is no such set."""

    def plural_at(k: int) -> bool:
        return k < len(toks) and (toks[k].key in plural or (toks[k].stem in plural and toks[k].clitics in ("ال", "")))

    for k in range(trig.end, min(len(toks), trig.end + 7)):
        tok = toks[k]
        if _CLAUSE_MARK.search(text[toks[trig.end - 1].end_char : tok.start_char]):
            return None  # the clause has ended
        word = tok.stem if tok.clitics in ("و", "") else tok.key
        if word in _SOME or word in numbers or word.isdigit():
            nxt = k + 2 if k + 1 < len(toks) and toks[k + 1].key == "من" else k + 1
            if plural_at(nxt):
                return nxt + 1, word in _SOME
        elif tok.key in generic and not tok.clitics and k + 2 < len(toks) and toks[k + 1].clitics == "و" and (
                toks[k + 1].stem in numbers) and plural_at(k + 2):  # "بلدة وثلاث قرى"
            return k + 3, False
        if tok.stem in generic:
            return None  # the object is a named place
    return None


def unnamed_points(toks: Sequence[Token], trig: Trigger, points: frozenset[str]) -> bool:
    """Whether the object of a capture is a vague number of points or positions ("سيطروا على عدد من
    النقاط"، "على عدة مواقع"): positions around the place the text is telling of."""
    k = trig.end + (trig.end < len(toks) and toks[trig.end].key == "علي")
    if k >= len(toks) or toks[k].stem not in _SOME:
        return False
    k += 1 + (k + 1 < len(toks) and toks[k + 1].key == "من")
    return k < len(toks) and (toks[k].key in points or toks[k].stem in points)


def areas_within(text: str, toks: Sequence[Token], trig: Trigger, plural: frozenset[str]) -> int | None:
    """"فرضت سيطرتها على المناطق المتنازع عليها ضمن محافظات A، وB": a capture of the areas of a kind
    that lie within named places, each of which is where the capture happened: the index of the token
    after the word that says within (ضمن، داخل، في); None when the object is no such set."""
    k = trig.end + (trig.end < len(toks) and toks[trig.end].key == "علي")
    if k >= len(toks) or toks[k].clitics != "ال" or toks[k].stem not in plural:
        return None
    for j in range(k + 1, min(len(toks), k + 8)):
        if _CLAUSE_MARK.search(text[toks[k].end_char : toks[j].start_char]):
            return None  # the clause has ended
        if toks[j].key in ("ضمن", "داخل", "في"):
            return j + 1
    return None


def from_origin(text: str, start: int, origin_words: frozenset[str]) -> bool:
    """Whether the place at ``start`` says where people come from: "خمس منهن من X"، "نازحين من
    قرية X" (the word for the people, then من, then at most a generic word)."""
    before = text[max(0, start - 40) : start]
    if "من" not in before:
        return False  # most places have no من before them: no split
    words = before.rsplit(None, 3)  # the last three words are all that is read
    if len(words) >= 3 and words[-1] in _GENERIC_BEFORE:
        words = words[:-1]
    return len(words) >= 2 and words[-1] == "من" and match_key(words[-2].strip("-–(\"“")) in origin_words


_GENERIC_BEFORE = frozenset(["مدينة", "بلدة", "قرية", "محافظة", "ريف", "منطقة"])

# "طريق حلب - دمشق"، "أوتوستراد X–Y": a road named by the two towns it joins.
_ROAD = r"(?:طريق|الطريق|أوتوستراد|اوتوستراد|الأوتوستراد|الاوتوستراد|أوتستراد|اوتستراد)"
_ROAD_FIRST_END = re.compile(_ROAD + r"\s*$")
_ROAD_SECOND_END = re.compile(_ROAD + r"\s*\S+(?:\s+\S+)?\s*[-–—]\s*$")
_DASH_AFTER = re.compile(r"\s*[-–—]")


def road_end(text: str, start: int, end: int) -> bool:
    """Whether the place at ``start``-``end`` is one end of a road named by the towns it joins ("قصفت
    الطائرات طريق حلب- دمشق عند أطراف مدينة X"): the road runs between them, the event is not there."""
    before = text[max(0, start - 40) : start]
    if "طريق" not in before and "ستراد" not in before:
        return False  # every road word holds one of these: most places are passed over without a search
    if _ROAD_FIRST_END.search(before):
        return _DASH_AFTER.match(text, end) is not None
    return _ROAD_SECOND_END.search(before) is not None


def exchange_details(events: Sequence[Event], sentences: Sequence[Sentence]) -> list[Event]:
    """Releases the text tells with no place right after an exchange at a place ("نفّذ X عملية تبادل
    مع Y في P. وأُفرج عن 20 معتقلاً ... في مقابل إطلاق سراح 20 أسيراً"): the exchange's details,
    released there."""
    starts = [s.start_char for s in sentences]
    out: list[Event | None] = list(events)
    for n, ev in enumerate(events):
        if ev.kind != "release" or ev.place is not None:
            continue
        sn = bisect.bisect_right(starts, ev.evidence_start) - 1
        since = sentences[max(0, sn - 1)].start_char
        swaps = [k for k in range(n) if (e := out[k]) is not None and e.kind == "release" and e.place is not None
                 and e.rule_id.startswith("release.swap") and since <= e.evidence_start]  # fmt: skip
        if swaps:
            swap = out[swaps[-1]]
            assert swap is not None
            out[n] = replace_event(ev, place=swap.place, place_start=swap.place_start, place_end=swap.place_end)
            # the detail of one direction tells it better than the exchange did
            same = next((k for k in swaps if (e := out[k]) is not None and e.actor1 == ev.actor1), None)
            if same is not None:
                out[same] = None
    return [e for e in out if e is not None]


def withdrawn_from_taken(made: Sequence[Event], events: Sequence[Event], since: int, at: int) -> list[Event]:
    """A withdrawal told as the cause of a capture in the same sentence ("سيطرت على X إثر انسحاب Y"),
    with no place of its own after its word, is a withdrawal from the places taken."""
    taken = [e for e in events if e.kind == "takeover" and e.place is not None and e.evidence_start >= since]
    if not taken or any(e.place_start is not None and e.place_start > at for e in made):
        return list(made)
    seen: set[str] = set()
    out = []
    for e in taken:
        if e.place is not None and e.place.name_ar not in seen:
            seen.add(e.place.name_ar)
            out.append(replace_event(made[0], place=e.place, place_start=e.place_start, place_end=e.place_end))
    return out


def named_next(events: Sequence[Event], sentences: Sequence[Sentence]) -> list[Event]:
    """The events without a capture of places the text does not name where the same side's capture of
    named places follows within the next sentence: "انتزعت القوات عدداً من القرى. وسيطرت على A وB"
    names the villages it counted; a village already reported before the set is not one of them."""
    out = []
    for n, ev in enumerate(events):
        if ev.kind == "takeover" and ev.place is None:
            sn = bisect.bisect_right(sentences, ev.evidence_start, key=_START) - 1
            limit = sentences[min(sn + 1, len(sentences) - 1)].end_char
            told = {_place_key(e) for e in events[:n] if e.place is not None}
            if any(e.kind == "takeover" and e.place is not None and e.actor1 == ev.actor1 and e.evidence_start < limit
                   and _place_key(e) not in told for e in events[n + 1 :]):  # fmt: skip
                continue  # the villages counted are named next (a village named before is no list of them)
        out.append(ev)
    return out


#: "أثناء"، "إبان": the next words name the happening the event took place during.
_DURING = frozenset(["اثناء", "ابان"])


def during(made: list[Event], earlier: Sequence[Event], toks: Sequence[Token], starting: Sequence[Sequence[Rule]],
           since: int) -> list[Event]:
    """"اشتباكات وقعت على الحدود أثناء تأمين انشقاق المسؤول": events told as happening during one reported
    before (a trigger of its kind within two words after أثناء/إبان) happened where and when it did,
    where the sentence itself names no place and states no day. ``starting`` holds the rules each token
    can start; ``earlier`` events reported from offset ``since`` on are this sentence's own."""
    if not made or _DURING.isdisjoint(map(_STEM, toks)):
        return made
    for i, tok in enumerate(toks):
        if tok.stem not in _DURING:
            continue
        kinds = {r.kind for rules in starting[i + 1 : i + 3] for r in rules}
        ref = next((ev for ev in reversed(earlier) if ev.evidence_start < since and ev.kind in kinds), None)
        if ref is None:
            continue
        return [
            replace_event(m, place=ref.place, place_start=ref.place_start, place_end=ref.place_end,
                    date=ref.date if m.date is None or m.date.source != "text" else m.date)
            if m.place is None else m for m in made
        ]  # fmt: skip
    return made


# "في مناطق عدة"، "في عدة مناطق"، "في قرى متفرقة": areas the text counts or spreads but does not name.
_UNNAMED_AREAS = re.compile(r"(?<!\S)(?:في|ب)\s*(?:عدة\s+(?:مناطق|قرى|بلدات|مدن|أحياء|احياء)\s*(?:[،,.؛;]|$)"
                            r"|(?:مناطق|قرى|بلدات|مدن|أحياء|احياء)\s+(?:عدة|متفرقة|مختلفة|متعددة)(?!\S))")


def in_unnamed_areas(text: str, start: int, end: int) -> bool:
    """Whether the words after a trigger, in its clause and before any other clause, place it in several
    areas the text does not name: no place named elsewhere in the sentence is then the event's."""
    mark = _CLAUSE_MARK.search(text, start, end)  # the clause ends at the first mark: no split of the rest
    return _UNNAMED_AREAS.search(text[start : mark.start() if mark else end]) is not None


_SEVERAL = frozenset(["عده", "لعده", "بعده", "سلسله", "لسلسله", "بسلسله"])


def several(toks: Sequence[Token], trig: Trigger) -> bool:
    """"لعدة تفجيرات"، "سلسلة غارات": the trigger noun counts several happenings it does not tell apart."""
    return trig.start > 0 and toks[trig.start - 1].key in _SEVERAL
