"""Events from sentences: rules (data files with stable ids) find triggers, then the actors,
places, numbers and dates around each trigger become the event's arguments.

One event per (kind, actor pair, place, day): "سيطرت على قريتي A و B" gives two events.
Overlapping triggers resolve by one order: the longer trigger wins, then the rule listed first
in ``data/rules/events.tsv``. Weak triggers (words such as مقتل that also describe the outcome
of another event) only count when no strong trigger fires in the same sentence.
"""

from __future__ import annotations

import bisect
import datetime as dt
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from itertools import compress, repeat
from operator import attrgetter, is_

from raqib import event_counts as counting
from raqib import event_refs as refs
from raqib.event_clauses import (
    _ASIDE,
    _CIVILIAN_PERSON,
    _HARM_KINDS,
    _NO_AGENT,
    _OWNED,
    _PERSON,
    _REMOTE,
    _SUBJUNCTIVE,
    _TAKEN_KEY,
    _aim_or_passive,
    _any_word,
    _by_sentence,
    _connector,
    _context_date,
    _DayContext,
    _descriptive,
    _destination,
    _drop_destinations,
    _evidence,
    _is_feature,
    _lead_date,
    _lead_word,
    _nearest,
    _owners,
    _receiver,
    _supporting,
    _supporting_mention,
    _thing_does,
    _tokens_in,
)  # fmt: skip
from raqib.event_merge import merge_duplicates
from raqib.model import (
    ActorMention,
    DateRef,
    Event,
    Place,
    PlaceMention,
    Quantity,
    Sentence,
    Token,
    fast_maker,
)
from raqib.normalize import match_key
from raqib.recognize.places import load_place_lexicon
from raqib.rules import Rule, RuleSet, Trigger, match, tok_matches

# "من مواقعها هناك": an adverb that points at the places just named.
_THERE = re.compile(r"[^،.؛]{0,40}?(?<!\w)(هناك|هنالك)(?!\w)")
_SIDES_KINDS = frozenset(["clash", "internal_clash", "agreement", "surrender", "defection"])  # no one-sided doer
_AIR_ONLY = frozenset(["COALITION", "RUS", "USA", "ISR", "SAUDI-COALITION"])
#: The count key of the people an event takes, frees or sees surrender.
_PEOPLE_KEY = {**_TAKEN_KEY, "surrender": "surrendered"}
_ACTIVISTS = frozenset(["ناشط", "ناشطه", "ناشطات", "ناشطين", "ناشطون", "ناشطا"])
# Makers of the records built for every trigger (equal to the classes' own, without a setter call per field).
_make_trigger, _make_event, _make_day = fast_maker(Trigger), fast_maker(Event), fast_maker(_DayContext)
#: Words right before an actor that give it a role other than the subject's ("ضد X"، "مع X"، "بين X").
_ROLE_MARKERS = frozenset(["علي", "ضد", "حساب", "بين", "مع", "من", "عن", "الي", "ل", "قبضه", "يد", "مواقع"])
_BETWEEN = frozenset(["بين"])
_KEY, _STEM, _KIND = attrgetter("key"), attrgetter("stem"), attrgetter("kind")
_START, _END = attrgetter("start_char"), attrgetter("end_char")
_AT = attrgetter("start")  # Located.start: where the sentence refers to the place
# Patterns compiled once (``re.search(pattern, ...)`` looks each up in re's cache at every call).
_CLAUSE_END = re.compile(r"[،.؛]")
_CLAUSE_MARK = re.compile(r"[،,.؛;]")
_COMMA = re.compile(r"[،,؛;]")
_OBJECT_PRONOUN = re.compile(r"(هم|ه|ها|هما)$")
_FROM_IT = re.compile(r"\s*(منها|منه|عنها|عنه)\b")
_FROM_BEFORE = re.compile(r"(^|\s)(من|عن)\s*(\S+\s+)?$")
_WORD_SPLIT = re.compile(r"[\s،,()\"“”«»]+")
_BRACKETED = re.compile(r"\([^)]*\)")
_SENTENCE_MARK = re.compile(r"[.؛;]")


@dataclass(frozen=True, slots=True)
class Located:
    """A place mention with its geocoded place."""

    mention: PlaceMention
    """The span in the text."""
    place: Place
    """Where it is (possibly only coarsely)."""
    context_only: bool
    """True when the mention only serves as another mention's context (its parent, its ريف)."""
    anchor: tuple[int, int] | None = None
    """Where the text refers to the place when that is not the mention itself: the span of a
    back-reference such as "البلدتين" whose referent is ``mention``."""

    @property
    def start(self) -> int:
        """Offset where the sentence refers to the place."""
        return self.anchor[0] if self.anchor else self.mention.start_char

    @property
    def end(self) -> int:
        """Offset one past the reference."""
        return self.anchor[1] if self.anchor else self.mention.end_char


def _in_brackets_after(text: str, prev_end: int, p: Located) -> bool:
    """Whether a place stands in brackets opened after the place before it: "قرية X (تبعد 45 كم جنوب
    مدينة Y)" names Y to say where X is."""
    gap = text[prev_end : p.start]
    opened = gap.rfind("(")
    return opened != -1 and ")" not in gap[opened:] and ")" in _CLAUSE_END.split(text[p.end : p.end + 60])[0]


class EventCoder:
    """Turns the recognised mentions of a document into events with the rule set."""

    def __init__(
        self,
        rules: RuleSet,
        state_actors: frozenset[str],
        alliances: Sequence[tuple[str, str, dt.date | None, dt.date | None]] = (),
    ) -> None:
        """``alliances`` are (actor, ally, valid_from, valid_to): sides that fight together, so
        neither is taken as the other's opponent when the text leaves actor2 unsaid."""
        self.rules = rules
        self.state = state_actors
        self.cue = rules.cues
        self.alliances = tuple(alliances)
        # Each side's alliances, in the order given: a look-up reads only its own.
        self._alliances_of: dict[str | None, list[tuple[str, dt.date | None, dt.date | None]]] = {}
        for a, b, start, end in self.alliances:
            self._alliances_of.setdefault(a, []).append((b, start, end))
            if b != a:
                self._alliances_of.setdefault(b, []).append((a, start, end))
        self._first_cache: dict[str, tuple[Rule, ...]] = {}
        self._agreement_keys: set[str] = set()  # the keys whose rules (in _first_cache) include an agreement
        # Every rule's first pattern in one: most new words start no rule, and one look-up says so
        # where one per rule would not (an alternation matches in full when one of its parts does).
        self._any_first = re.compile("|".join(f"(?:{r.patterns[0][0].pattern})" for r in rules.rules) or "(?!)")
        self._order = {r.id: n for n, r in enumerate(rules.rules)}
        self._count_cache: dict[tuple[str, str, str], str | None] = {}
        self._allies_cache: dict[tuple[str | None, dt.date | None], frozenset[str]] = {}
        self._vocab: tuple[Sequence[Token], frozenset[str]] = ((), frozenset())
        self._habitual_words = self.cue["habitual"] | self.cue["phenomenon"]  # what habitual_pattern looks for
        self._one_person = _PERSON | counting.ANOTHER | self.cue["kin_one"]  # words _singular_victims reads
        # "ولم"، "ولن"، "ولا" are never split; any other negation is a key or a stem of negation_before
        self._negation_words = self.cue["negation_before"] | {"ولم", "ولن", "ولا"}

    def _says(self, toks: Sequence[Token], words: frozenset[str]) -> bool:
        """Whether the key or the stem of any token of the sentence is one of ``words``: ``_any_word``
        over a whole sentence, asked of each sentence many times (one cue list after another), so
        its words are gathered once, on the first question (one pair, read and replaced whole)."""
        held = self._vocab  # the common case, the sentence asked about last, read without a call
        return not words.isdisjoint(held[1] if held[0] is toks else self._words(toks))

    def _words(self, toks: Sequence[Token]) -> frozenset[str]:
        """The keys and stems of a sentence's tokens, gathered on the first question about it."""
        held = self._vocab
        if held[0] is not toks:
            held = self._vocab = (toks, frozenset(map(_KEY, toks)).union(map(_STEM, toks)))
        return held[1]

    def _starting(self, tok: Token) -> tuple[Rule, ...]:
        """The rules whose first pattern matches a token, memoised by the token's key (from which its
        stem and clitics follow): news vocabulary repeats, so almost every look-up after the first
        thousand documents is a dictionary hit."""
        cache_key = tok.key
        hit = self._first_cache.get(cache_key)
        if hit is None:
            if len(self._first_cache) > 500_000:
                self._first_cache.clear()  # _agreement_keys stays: a key's rules never change, and few start one
            hit = tuple(r for r in self.rules.rules if tok_matches(r.patterns[0][0], tok)) if tok_matches(
                self._any_first, tok) else ()  # fmt: skip
            self._first_cache[cache_key] = hit
            if any(r.kind == "agreement" for r in hit):
                self._agreement_keys.add(cache_key)
        return hit

    def allies(self, actor: str | None, day: dt.date | None) -> frozenset[str]:
        """Actors allied with ``actor`` on ``day`` (any day when unknown)."""
        hit = self._allies_cache.get((actor, day))
        if hit is not None:
            return hit
        out = set()
        for other, start, end in self._alliances_of.get(actor, ()):
            if day is not None and ((start and day < start) or (end and day > end)):
                continue
            out.add(other)
        if len(self._allies_cache) > 100_000:
            self._allies_cache.clear()
        hit = self._allies_cache[(actor, day)] = frozenset(out)
        return hit

    # -- triggers -----------------------------------------------------------------------------
    def rules_at(self, toks: Sequence[Token]) -> list[tuple[Rule, ...]]:
        """The rules each token can start, looked up for the whole sentence at once (in C once the
        words are known); most tokens start none."""
        starting = list(map(self._first_cache.get, map(_KEY, toks)))
        if None in starting:
            # only the new words are looked at in Python (the positions of None picked out in C)
            for i in compress(range(len(toks)), map(is_, starting, repeat(None))):
                starting[i] = self._starting(toks[i])
        return starting

    def triggers(
        self, sentence: Sentence, blocked: set[int], usable: Callable[[Trigger], bool] | None = None,
        starting: Sequence[tuple[Rule, ...]] | None = None,
    ) -> list[Trigger]:  # fmt: skip
        """Non-overlapping triggers of a sentence, weak ones dropped when a strong one fires.
        ``usable`` drops triggers first (negated ones): "دخلت القوات البلدة دون قتال" keeps دخلت.
        ``starting`` is ``rules_at(sentence.tokens)`` when the caller has it."""
        found: list[Trigger] = []
        toks = sentence.tokens
        if starting is None:
            starting = self.rules_at(toks)
        for i in compress(range(len(toks)), starting):
            if i in blocked:
                continue
            for rule in starting[i]:
                # a one-word rule matches where it starts: its pattern matched this key, and i is not blocked
                end = i + 1 if len(rule.patterns) == 1 else match(rule, toks, i, blocked)
                if end:
                    found.append(_make_trigger(rule, i, end))
        kept = found  # most sentences have one trigger or none: nothing to order or overlap
        if len(found) > 1:
            order = self._order
            found.sort(key=lambda t: (-(t.end - t.start), order[t.rule.id]))
            taken: set[int] = set()
            kept = []
            for trig in found:
                span = set(range(trig.start, trig.end))
                if span & taken:
                    continue
                taken |= span
                kept.append(trig)
        if usable is not None:
            kept = [t for t in kept if usable(t)]
        if len(kept) < 2:
            return kept  # nothing to silence or join
        strong = [t for t in kept if not t.rule.weak]
        if strong:
            kept = strong
        if len(kept) < 2:
            return kept
        kept.sort(key=lambda t: t.start)
        return refs.one_happening(kept, toks)

    def _negated(self, toks: Sequence[Token], trig: Trigger) -> bool:
        return self._says(toks, self._negation_words) and refs.negated(toks, trig, self.cue)

    def _affirmed(self, toks: Sequence[Token], trig: Trigger) -> bool:
        if trig.rule.kind == "agreement" and trig.rule.weak and not refs.agreement_made(toks, trig, self.cue):
            return False  # "الرافضين للتسوية": a settlement named, none reported
        return not self._negated(toks, trig)

    def _toll_at(self, toks: Sequence[Token], q: Quantity) -> bool:
        """Whether a death or injury word stands within three words of the number."""
        k = bisect.bisect_left(toks, q.start_char, key=_START)
        return any(self._count_key(t, "") in ("fatalities", "injured") for t in toks[max(0, k - 3) : k + 4])

    def _people_told(self, tok: Token) -> bool:
        """A definite participle that names people by what they did ("المنشقين")."""
        return tok.clitics.endswith("ال") and tok.stem in self.cue["people_participles"]

    def _blocked_by_cues(self, toks: Sequence[Token], trig: Trigger) -> bool:
        """Unrealised (لم يتمكن، تحاول، نفت): no event. The trigger is one ``triggers`` kept as affirmed
        (``_affirmed``), so no negation word stands right before it."""
        held = self._words(toks)  # "not cue.isdisjoint(held)" is _says, without a call per cue list
        cue = self.cue
        start, kind = trig.start, trig.rule.kind
        first = toks[start]
        prev_key = toks[start - 1].key if start > 0 else None
        if not cue["ability"].isdisjoint(held):
            wider = toks[max(0, start - 8) : start]
            for k, t in enumerate(wider[:-1]):
                if t.key in ("لم", "لن", "لا") and wider[k + 1].key in cue["ability"]:
                    return True  # "لم تتمكن القوات من السيطرة"
        if kind == "takeover":
            if first.clitics.removesuffix("ال").endswith("ل"):
                return True  # "العملية العسكرية لتحرير طرابلس"، "سعياً للسيطرة": a capture aimed at
            if start > 0 and (prev_key in cue["state_before"] or first.key in cue["state_before"]):
                return True  # "المناطق الخاضعة لسيطرة X" states control; it reports no capture
            if _aim_or_passive(first):
                return True  # "العملية العسكرية لتحرير طرابلس"، "كان التنظيم قد طُرد منها": no capture by a named side
            if refs.was_expelled(toks, trig):
                return True  # "بعد يوم من طردها من آخر مواقعها"
        if self._people_told(first):
            return True  # "المنشقين عبروا إلى": the defectors already told of
        if start > 1 and prev_key == "في" and toks[start - 2].key in cue["engaged_before"]:
            return True  # "الحركتين المنخرطتين في معارك ريف X": the fighting describes the sides
        if prev_key in _SUBJUNCTIVE and (
            first.key.startswith("ي")
            or (first.key.startswith("ت") and (first.key.endswith("وا") or trig.rule.patterns[0][0].fullmatch(first.key[1:])))
        ):
            return True  # "دعوا إلى أن يتظاهروا"، "بهدف أن يسيطر": a verb after أن in the imperfect is not done
        if (not cue["demand"].isdisjoint(held) and refs.asked_for(toks, trig, cue)) or (
                not cue["failure"].isdisjoint(held) and refs.failed(toks, trig, cue)):  # fmt: skip
            return True
        if not cue["modality_after"].isdisjoint(held) and _any_word(toks[trig.end : trig.end + 3], cue["modality_after"]):
            return True  # "إطلاق سراحهم المتوقع"، "الهجوم المرتقب": expected, not done
        # "لم تنفذ القوات عملية تبادل"، "ولم تفرض القوات سيطرتها": the light verb that governs the noun
        # (or عملية before it) governs the act, and what negates or hedges it negates or hedges the act
        head = start - 1 if start > 0 and toks[start - 1].stem == "عمليه" else start
        if not cue["light_verbs"].isdisjoint(held):
            light = next((j for j in range(start - 1, max(-1, start - 5), -1)
                          if toks[j].key in cue["light_verbs"] or toks[j].stem in cue["light_verbs"]), None)  # fmt: skip
            if light is not None and not any(_CLAUSE_MARK.search(t.text) for t in toks[light:start]):
                head = min(head, light)
        if not cue["modality_before"].isdisjoint(held) and _any_word(toks[max(0, head - 4) : start], cue["modality_before"]):
            return True
        negation = ("لم", "لن", "لا", "ولم", "ولن", "ولا")
        if head < start and any(t.key in negation for t in toks[max(0, head - 2) : head]):
            return True
        if kind in ("shelling", "airstrike") and first.key[:1] in ("ت", "ي") and _any_word(
                toks[max(0, start - 2) : start], cue["campaign"]):
            return True  # "بدأت حملة عسكرية تستهدف معاقل التنظيم": what the campaign aims at, no strike told
        if not cue["charge"].isdisjoint(held) and _any_word(toks[max(0, start - 3) : start], cue["charge"]):
            return True  # "بتهمة القتال في صفوف التنظيم": the charge, not an event
        if kind == "siege" and _any_word(toks[max(0, start - 5) : start], cue["lifted_before"]):
            return True  # "رفعت القوات الحصار المفروض على V"، "فكت X الحصار عن V": the end of a siege
        return not cue["denial"].isdisjoint(held) and _any_word(toks[:start], cue["denial"])

    # -- arguments ----------------------------------------------------------------------------
    def code(
        self,
        text: str,
        sentences: Sequence[Sentence],
        actors: Sequence[ActorMention],
        places: Sequence[Located],
        quantities: Sequence[Quantity],
        dates: Sequence[DateRef],
        published: dt.date | None = None,
    ) -> list[Event]:
        """All events of a document, one per (kind, actors, place, day)."""
        events: list[Event] = []
        day = _DayContext(published, _lead_date(dates, sentences))
        # Sides introduced as support ("بدعم من التحالف"، "بمشاركة الجيش التركي") are not what the
        # report is about: they never stand in for an unnamed actor.
        # How often each of them is named, in the order of first naming: only a side left unsaid needs
        # this (in about a third of the reports), so it is counted on the first question.
        topic_found: list[dict[str, int]] = []

        def topic() -> dict[str, int]:
            if not topic_found:
                tally: dict[str, int] = {}
                for m in actors:
                    if not _supporting_mention(sentences, m):
                        tally[m.actor] = tally.get(m.actor, 0) + 1
                topic_found.append(tally)
            return topic_found[0]

        # Each sentence's actors, places and numbers, found once (a long text has thousands of sentences).
        by_actor = _by_sentence(sentences, actors, _START)
        # A "place" that begins with a number is a count read as a name ("تحرير أربعة عاملين").
        numbered: set[int] = set()  # the offsets numbers cover
        for q in quantities:
            numbered.update(range(q.start_char, q.end_char))
        # "خمس منهن من X" says where the people are from, not where the event is.
        origin_before = self.cue["origin_before"]
        places = [p for p in places if p.mention.start_char not in numbered
                  and not refs.from_origin(text, p.start, origin_before)
                  and not refs.road_end(text, p.mention.start_char, p.mention.end_char)]  # fmt: skip
        by_place = _by_sentence(sentences, places, _AT)
        by_quantity = _by_sentence(sentences, quantities, _START)
        made: list[Event] = []
        for sn, sentence in enumerate(sentences):
            toks = sentence.tokens
            starting = self.rules_at(toks)
            if not any(starting) and not by_quantity[sn]:
                continue  # no word can start a trigger and no number gives a toll: the sentence reports no event
            s_actors = by_actor[sn]
            s_places = by_place[sn]
            actor_spans = [(a.start_char, a.end_char) for a in s_actors]
            actor_toks = _tokens_in(toks, actor_spans) if s_actors else set()
            blocked = actor_toks | _tokens_in(toks, [(p.start, p.end) for p in s_places]) if s_places else set(actor_toks)
            # the tokens that can start an agreement (rules_at has looked every key up: all are known)
            agreeing = list(compress(range(len(toks)), map(self._agreement_keys.__contains__, map(_KEY, toks))))
            terms = refs.agreement_terms(toks, agreeing, self.cue)
            if terms is not None:
                blocked |= set(range(terms, len(toks)))  # what an agreement provides has not happened
            # A negated trigger is no trigger ("دون قتال"); one blocked for other reasons (a statement of
            # control, an attempt) still says what the sentence is about and keeps weak words silent.
            # With no negation word and no agreement word in the sentence every trigger is affirmed.
            affirmed = partial(self._affirmed, toks) if agreeing or not self._negation_words.isdisjoint(
                self._words(toks)) else None  # fmt: skip
            trigs = self.triggers(sentence, blocked, affirmed, starting)
            if not trigs and by_quantity[sn] and sn and (k := refs.latest_harm(events, sentences[sn - 1].start_char, refs.TOLLED)) is not None:
                # "انفجرت سيارة مفخخة ... وقالت مصادر إن حصيلة القتلى ارتفعت إلى 7": a toll with no event
                # word of its own, right after a strike or a blast, is that event's toll.
                toll = self._counts(text, sentence, events[k].kind, sentence.start_char, by_quantity[sn], dates)
                events[k] = refs.complete(events[k], refs.replace_event(events[k], counts=toll))
            if not trigs:
                continue
            # One habitual word makes every trigger of its kind in the sentence part of the pattern.
            habitual = {t.rule.kind for t in trigs if refs.habitual_pattern(toks, t, self.cue)} if self._says(
                toks, self._habitual_words) else set()  # fmt: skip
            for t in trigs if by_quantity[sn] else ():
                if not self._people_told(toks[t.start]):
                    continue
                k = next((k for k in range(len(events) - 1, -1, -1) if events[k].kind == t.rule.kind), None)
                if k is not None:  # "عدد المنشقين 5 عناصر": the number of the people the earlier event told of
                    more = self._counts(text, sentence, t.rule.kind, sentence.start_char, by_quantity[sn], dates)
                    events[k] = refs.complete(events[k], refs.replace_event(events[k], counts=more))
            trigs = [t for t in trigs if t.rule.kind not in habitual and not self._blocked_by_cues(toks, t)
                     and not _thing_does(toks, t, blocked)]  # fmt: skip
            if not trigs:
                continue
            kinds = [t.rule.kind for t in trigs]
            if "takeover" in kinds:
                # Fighting that ends in a capture is part of the capture (one event, not two).
                trigs = [t for t in trigs if t.rule.kind != "clash"]
                kinds = [t.rule.kind for t in trigs]
            owned = _owners(by_quantity[sn], sentence, trigs, partial(self._toll_at, toks)) if by_quantity[sn] else {}
            for n, trig in enumerate(trigs):
                if n and kinds[n - 1] == "killing" and not made:
                    # "قتل ثلاثة عناصر وأصيب خمسة في هجوم لـ X": a death word that makes no event of its
                    # own gives its toll to the event the sentence goes on to report.
                    owned[n] = owned.get(n - 1, []) + owned.get(n, [])
                nxt = trigs[n + 1].start if n + 1 < len(trigs) else len(toks)
                nxt_char = toks[nxt].start_char if nxt < len(toks) else sentence.end_char
                t_places = s_places if terms is None else refs.parties_places(toks, trig, terms, s_places)
                kind = kinds[n]
                recent = refs.recent_agent(events, sentences[max(0, sn - 2)].start_char, kind)
                other_from = None  # where the first later trigger of another kind starts
                for m in range(n + 1, len(kinds)):
                    if kinds[m] != kind:
                        other_from = toks[trigs[m].start].start_char
                        break
                made = self._events_for(text, sentences, sn, trig, nxt_char, s_actors, actor_spans, topic, t_places,
                                        owned.get(n, []), dates, _make_day(day.published, day.lead, recent, other_from))  # fmt: skip
                if not made:
                    continue  # nothing to place, fold into an earlier event or add
                made = refs.during(made, events, toks, starting, sentence.start_char)
                if made and made[0].kind == "withdrawal" and n and toks[trig.start - 1].key in self.cue["cause_before"]:
                    # "سيطرت القوات على X، القرية الواقعة بريف Y، إثر انسحاب الفصائل": withdrawn from X
                    at = toks[trig.start].start_char
                    made = refs.withdrawn_from_taken(made, events, sentence.start_char, at)
                unnamed = bool(made) and made[0].kind == "takeover" and made[0].place is None  # "عدة قرى": no recap
                described = refs.described_by_deed(toks, trig, actor_toks, _PERSON)
                if not unnamed and refs.folded(made, events, toks, trig, blocked, self.cue, described):
                    continue  # "وأودى الانفجار بحياة ستة أشخاص": told already; what it adds is added there
                if (k := refs.outcome_of(made, events, sentences[max(0, sn - 1)].start_char)) is not None:
                    events[k] = refs.complete(events[k], made[0])
                    continue  # "قصفت القوات البلدة. وأسفر ذلك عن مقتل 3 مدنيين": the strike's toll
                if made and made[0].kind == "agreement":
                    made += refs.covered(made[0], toks, [p for p in s_places if not p.context_only], self.cue)
                events.extend(made)
        events = refs.exchange_details(events, sentences)
        return merge_duplicates(refs.named_next(refs.blast_killings(events), sentences), sentences)

    def _events_for(
        self,
        text: str,
        sentences: Sequence[Sentence],
        sn: int,
        trig: Trigger,
        clause_end: int,
        s_actors: Sequence[ActorMention],
        actor_spans: Sequence[tuple[int, int]],
        topic: Callable[[], dict[str, int]],
        s_places: Sequence[Located],
        quantities: Sequence[Quantity],
        dates: Sequence[DateRef],
        day: _DayContext,
    ) -> list[Event]:
        """The events of one trigger. ``actor_spans`` are the offsets of ``s_actors``; ``topic`` gives how
        often the document names each side that may stand in for an unnamed one."""
        sentence = sentences[sn]
        toks = sentence.tokens
        rule = trig.rule
        t_start = toks[trig.start].start_char
        t_end = toks[trig.end - 1].end_char
        clause_actors = [m for m in s_actors if m.start_char < clause_end]
        agent, patient, fallback = self._actors(text, toks, trig, clause_actors, topic, sentence, day.published,
                                                day.recent)  # fmt: skip
        kind = rule.kind
        handover = _receiver(text, toks, trig, clause_actors) if kind == "takeover" else None
        if handover is not None and handover[0] is None and rule.place == "before_list":
            return []  # "أوكلت الملف الأمني" to no side named: no one is said to take the places
        if handover is not None:  # "سلّم X Y مواقعه": Y takes the place, X gives it up
            agent, patient, fallback = handover[0], handover[1] or patient, False
        words = self._words(toks)  # "not cue.isdisjoint(words)" is _says, without a call per cue list
        if kind in ("shelling", "suicide_attack") and (agent in _AIR_ONLY or not self.cue["aircraft"].isdisjoint(words)):
            kind = "airstrike"  # "قصفت طائرة مسيرة"، "مسيرات انتحارية": from the air
        kind = refs.kind_by_sides(kind, rule.weak, agent, patient)
        located = self._places(text, trig, t_start, t_end, clause_end, s_places, rule.place, actor_spans)
        if kind != "takeover" and refs.in_unnamed_areas(text, t_end, clause_end):
            located = []  # "حملة اعتقالات شنتها في مناطق عدة": several areas the text does not name
        if refs.several(toks, trig) and all(p.place.precision in ("governorate", "country")
                                            or p.mention.feature in ("محافظه", "ولايه") for p in located):
            return []  # "تعرضت محافظة إدلب لعدة تفجيرات": a series over a province, no one event told
        if located and refs.definite(toks[trig.start]) and all(_destination(text, p) for p in located):
            located = []  # "لجأ المنشقون بعد انشقاقهم إلى مدينة X": where they went, not where it happened
        named = {m.actor for m in clause_actors} if kind in ("clash", "internal_clash") else set()
        if kind in ("clash", "internal_clash") and not (agent in named and patient in named) and (
                not located or ("،" in text[t_end : located[0].start] and not any(
                    m.start_char < located[0].start and m.actor not in _NO_AGENT for m in clause_actors))):
            # fighting with neither a place nor both sides in the sentence is background; so is fighting
            # told with no side whose place is only that of the next clause ("في أعقاب اشتباكات، ... منبج")
            return []
        if kind == "protest" and trig.start > 1 and toks[trig.start - 1].key == "في" and toks[trig.start - 2].stem in _ACTIVISTS:
            return []  # "واحدة من الناشطات في الاحتجاجات": who a person is, not a protest that happened
        if kind == "clash" and rule.weak and not named - _NO_AGENT:
            return []  # "استهدفا بهجوم مسلح": an attack on people, with no armed side named, is no fight
        if kind in ("shelling", "airstrike") and refs.as_circumstance(toks, trig) and not any(
                0 <= m.start_char - t_end and len(text[t_end : m.start_char].split()) <= 3 for m in clause_actors):
            return []  # "انسحبت تحت وطأة القصف": the cause of another event, with no striker named after it
        if kind == "takeover" and rule.weak and (fallback or agent is None):
            return []  # "الحافلات التي دخلت المدينة": entering is a capture only when the text says who entered
        if kind == "defection" and not located and patient is None:
            return []  # "حصلت انشقاقات في صفوف التنظيم": splits in a side, neither placed nor joining another
        if kind == "withdrawal" and (agent in _NO_AGENT or (rule.weak and (not located or any(
                m.actor in _NO_AGENT and 0 <= m.start_char - t_end < 25 for m in clause_actors)))):  # civilians
            return []  # "خرج الأهالي": people going out, not forces withdrawing
        if kind == "release" and "between" in rule.patient and not located and agent and patient:
            return []  # an exchange between two sides with no place is the deal spoken of, not a release told
        if kind == "agreement" and ((fallback and agent != day.recent and rule.weak) or patient is None or agent is None):
            # An agreement needs two parties the sentence names (aid deals name none); one concluded
            # ("أُبرم اتفاق ينص على رجوع الجيش") that names one leaves the other to the report.
            return []
        unnamed, holding = None, []
        if kind == "takeover":  # "على عدة قرى في ريف X": some of X's villages, placed at X
            holding, unnamed = self._unnamed_places(text, toks, trig, s_places)
            located = located or holding
        if not located and (kind == "takeover" and unnamed is None or kind == "siege"
                            or (agent is None and patient is None)):  # fmt: skip
            return []  # a capture of no named place ("السيطرة على هاتين القريتين") repeats an earlier one
        bg = self.cue["background"]
        bg_at = [i for i in refs.word_positions(toks, bg) if not refs.plain_past(toks, i, trig.start)
                 and not _descriptive(toks, i)] if not bg.isdisjoint(words) else []  # fmt: skip
        background = bool(bg_at)
        if not located and any(trig.start - 8 <= i < trig.end + 4 for i in bg_at):
            return []  # an earlier event is worth a record only where the text places it (convention 3)
        date = _nearest(dates, sentence, t_start, day.other_from)
        if date is None and not background:
            date = _context_date(dates, sentences, sn, day)
        # An agreement's numbers are its terms (prisoners to be swapped), not a toll.
        counts = self._counts(text, sentence, kind, t_start, quantities, dates) if kind != "agreement" else ()
        if kind != "takeover" and len(located) > 1 and counting.listed(
                text, list({p.place.name_ar: (p.mention.start_char, p.mention.end_char) for p in located}.values())):
            # one span per place named ("X، القرية": one place)
            counts = ()  # "خرج من البلدتين 400 مقاتل": a total over the places, no one place's count
        if patient is None and kind in _REMOTE and not self.cue["civilian"].isdisjoint(words):
            patient = "CIVILIANS"  # a strike or blast whose named victims are civilians
        certainty, claimant = self._certainty(toks, trig, s_actors, words)
        confidence = 0.8 - (0.2 if rule.weak else 0.0) - (0.1 if fallback else 0.0)
        ev_start, ev_end = _evidence(text, sentence, t_start, max([t_end] + [p.end for p in located]))
        out = []
        for loc in located or [None]:
            extent = self._extent(toks, trig, loc) if kind == "takeover" else None
            if extent == "whole" and loc is not None and loc.end <= t_start and refs.unnamed_points(
                    toks, trig, self.cue["extent_around"]):
                extent = "around"  # "سيطروا على عدد من النقاط" in the surroundings of the place named before
            elif holding and loc is not None and any(loc.start == h.start for h in holding):
                extent = "part"  # "عدة قرى شمال شرق المحافظة": some of the area's villages, not the area
            elif extent == "whole" and refs.areas_within(text, toks, trig, load_place_lexicon().plural) is not None:
                extent = "part"  # "سيطرتها على المناطق المتنازع عليها ضمن محافظة X": areas of X, not all of it
            out.append(
                _make_event(
                    kind=kind,
                    actor1=agent or "UNKNOWN",
                    actor2=patient,
                    place=loc.place if loc else None,
                    place_start=loc.mention.start_char if loc else None,
                    place_end=loc.mention.end_char if loc else None,
                    date=date,
                    counts=counts,
                    certainty=certainty,
                    claimant=claimant,
                    evidence_start=ev_start,
                    evidence_end=ev_end,
                    rule_id=rule.id,
                    confidence=round(confidence, 2),
                    extent=extent,
                    background=background,
                    actor1_inferred=fallback,
                )
            )
            exchange = kind == "release" and "between" in rule.patient and agent and patient
            if exchange and loc is not None and agent != patient:
                # "نفّذ X عملية تبادل مع Y في P": an exchange is a release by each side (README convention 5)
                out.append(refs.replace_event(out[-1], actor1=patient, actor2=agent, actor1_inferred=False))
        return out

    def _actors(
        self,
        text: str,
        toks: Sequence[Token],
        trig: Trigger,
        s_actors: Sequence[ActorMention],
        topic: Callable[[], dict[str, int]],
        sentence: Sentence,
        published: dt.date | None = None,
        recent: str | None = None,
    ) -> tuple[str | None, str | None, bool]:
        """(actor1, actor2, whether actor1 came from an earlier sentence). ``recent`` is the side that
        acted just before, which a sentence without a subject carries on; ``topic`` counts the sides the
        report is about (``code``), the stand-ins for a side the sentence leaves unsaid."""
        rule = trig.rule
        t_start = toks[trig.start].start_char
        t_end = toks[trig.end - 1].end_char

        def index(m: ActorMention) -> int:
            """The first token ending after the mention's start (len(toks) if none)."""
            return bisect.bisect_right(toks, m.start_char, key=_END)

        armed, number_words = self.cue["armed_nouns"], self.cue["number_words"]

        def marked(m: ActorMention, markers: frozenset[str]) -> bool:
            k = index(m)
            clitics = toks[k].clitics if k < len(toks) else ""
            if k == 0:  # nothing before the actor: only its own clitics can mark it
                return bool(clitics) and clitics.removesuffix("ال")[-1:] in markers
            prev = toks[k - 1]
            if k > 1 and prev.key in _OWNED and (toks[k - 2].key in armed or toks[k - 2].stem in armed):
                return False  # "طائرة مسيرة تابعة للجيش": the owner of the weapon is the one who acts
            if clitics and clitics.removesuffix("ال")[-1:] in markers:
                return True
            if refs.of_noun_before(toks, k):
                return True  # "ضربت تجمعات لمسلحي X": X owns what was struck
            if prev.key in ("ان", "بان", "لان", "وان"):
                return False  # "إلى أن الهيئة أعادت": after أن the actor is a subject
            if prev.key.isdigit() or prev.key in number_words:
                return True  # "قتل سبعة حوثيين": counted people are acted upon
            # a marker word among the two words before ("ضد X"، "على يد X"): _any_word without the slice
            return prev.key in markers or prev.stem in markers or (
                k > 1 and (toks[k - 2].key in markers or toks[k - 2].stem in markers))

        # Actors inside a trigger with a gap follow its verb: "توصلت قوات X وجماعة Y إلى اتفاق".
        first_end = toks[trig.start].end_char
        after = [m for m in s_actors if m.start_char >= first_end]
        before = [m for m in s_actors if m.end_char <= t_start]
        role_markers = _ROLE_MARKERS
        agent: str | None = None
        patient: str | None = None
        if "between" in rule.patient:
            between = [m for m in after if marked(m, _BETWEEN)]
            if between:
                k = after.index(between[0])
                agent = between[0].actor
                others = after[k + 1 :]
                if rule.kind == "release":  # "تبادل بين جماعة أنصار الله، الحوثية، والحكومة": two sides
                    others = [m for m in others if m.actor != agent]
                if others:
                    patient = others[0].actor
                return agent, patient, False
        fixed = rule.agent not in ("subject", "by")
        carried = False
        if rule.agent == "by":
            # "الطيران الحربي": a trigger that names the striker is its actor, known or not.
            agent = next((m.actor for m in s_actors if m.start_char == t_start and m.actor not in _NO_AGENT), None)
            for m in after if agent is None else ():
                if index(m) - trig.end > 5 or _COMMA.search(text[t_end : m.start_char]):
                    break  # far after the strike noun, or in the next clause: not the striker
                if not marked(m, rule.patient) and m.actor not in _NO_AGENT and not _supporting(toks, index(m)):
                    agent = m.actor
                    break
        if agent is None and rule.kind == "agreement":
            # "الصفقة التي توصلت إليها الحكومة والحوثيون": the parties follow the noun.
            agent = next((m.actor for m in after if m.actor not in _NO_AGENT and not marked(m, role_markers)), None)
        if agent is None and not fixed:
            first = toks[trig.start]
            verbal = not first.clitics.endswith("ال")
            if verbal:
                for m in after:
                    if index(m) - trig.end > 3:
                        break
                    if not marked(m, role_markers | rule.patient) and m.actor not in _NO_AGENT and not _supporting(toks, index(m)):
                        agent = m.actor
                        break
            if agent is None:
                for m in reversed(before):
                    if refs.in_relative_clause(toks, index(m)) or refs.hands_on_the_subject(toks, index(m), trig.start):
                        continue  # "مواقع يتمركز فيها الحوثيون، وأحكمت سيطرتها": that clause's subject
                    if (not marked(m, role_markers) or (rule.kind not in _SIDES_KINDS and self._partitive_subject(toks, index(m)))) and (
                            m.actor not in _NO_AGENT and not _supporting(toks, index(m))):
                        agent = m.actor
                        break
        if fixed:
            agent = rule.agent
        elif agent is None and recent is not None and refs.carries_on(recent, rule.kind) and recent not in {
                m.actor for m in s_actors}:  # a side the sentence names, but not as the doer, is not carried
            agent, carried = recent, True
        # "4 عناصر من X حاولوا الفرار ... فاعتقلتهم X": the object pronoun points back at the members a
        # side arrests of its own
        own_members = rule.kind == "arrest" and _OBJECT_PRONOUN.search(toks[trig.start].key) is not None and any(
            m.actor == agent for m in after)  # the arrester named after the verb, not the members themselves
        for m in after + list(reversed(before)):
            if m.actor == agent and "between" not in rule.patient and not (
                    own_members and m in before and self._partitive_subject(toks, index(m))):  # fmt: skip
                continue
            if (("_direct" in rule.patient and m in after) or marked(m, rule.patient)) and not _supporting(toks, index(m)):
                patient = m.actor
                break
        allies = self.allies(agent, published)
        if patient is None and rule.kind in ("clash", "takeover", "airstrike", "shelling", "agreement"):
            for m in before + after:
                if m.actor != agent and m.actor not in _NO_AGENT and m.actor not in allies and not _supporting(toks, index(m)):
                    patient = m.actor
                    break
        if patient is None and rule.kind in ("takeover", "clash"):
            tally = {a: n for a, n in topic().items() if a not in (agent, "UNKNOWN") and a not in _NO_AGENT and a not in allies}
            if tally:
                patient = max(tally, key=tally.__getitem__)  # the first named of the most named
        if patient is None and rule.kind in ("killing", "abduction", "siege", "arrest"):
            patient = "CIVILIANS"
        fallback = carried  # a side carried on from an earlier sentence is still not named here
        if agent is None:
            # The text leaves the acting side to the reader: take the side the report is most
            # about, other than the one acted upon.
            tally = {a: n for a, n in topic().items() if a != patient and a not in _NO_AGENT}
            if tally:
                agent = max(tally, key=tally.__getitem__)
                fallback = True
        if rule.kind == "protest" and patient is None:
            others = [m.actor for m in s_actors if m.actor not in _NO_AGENT]
            patient = others[0] if others else None
        return agent, patient, fallback

    def _partitive_subject(self, toks: Sequence[Token], k: int) -> bool:
        """"مقاتلين من تحرير الشام داهموا ... واعتقلوا": fighters "of" a side, named as the subject before
        the verb, are that side acting (after the verb, "اعتقلت عناصر من X", they are acted upon)."""
        if k < 2 or toks[k - 1].key != "من":
            return False
        noun = toks[k - 2]
        return noun.key in self.cue["armed_nouns"] or noun.stem in self.cue["armed_nouns"]

    def _unnamed_places(
        self, text: str, toks: Sequence[Token], trig: Trigger, s_places: Sequence[Located]
    ) -> tuple[list[Located], int | None]:
        """A capture of a vague set of places the text does not name ("على عدة قرى"): no place, or the
        one that contains them ("على عدد من القرى ضمن ناحية X"، "قرى ريف X"، "في شمال شرقي المحافظة" → X);
        the index after the set, None if none."""
        lex = load_place_lexicon()
        found = refs.unnamed_places(text, toks, trig, lex.plural, lex.generic, self.cue["number_words"])
        if found is None:
            at = refs.areas_within(text, toks, trig, lex.plural)
            if at is None and refs.unnamed_points(toks, trig, self.cue["extent_around"]):
                # "هجوم على بلدة X، فأحرزوا تقدماً في محيطها وسيطروا على عدد من النقاط": points around X
                told = [p for p in s_places if not p.context_only and p.end <= toks[trig.start].start_char]
                return told[-1:], None
            if at is None or at >= len(toks):
                return [], None
            own = [p for p in s_places if not p.context_only and p.start >= toks[at].start_char]
            if own and len(text[toks[at].start_char : own[0].start].split()) <= 1:  # "ضمن محافظات A، وB"
                return self._chain(text, own, own[0].start, s_places, near=False), None
            return [], None
        after, vague = found
        if not vague and not (after < len(toks) and toks[after].key == "ضمن"):
            # counted villages ("ثلاث قرى") are named next; a vague set seldom is, nor a counted one
            # placed within a named area ("بلدة وثلاث قرى ضمن ناحية X"), whose names are not coming
            return [], None
        k = after + (after < len(toks) and toks[after].key in ("ضمن", "في"))
        while k < len(toks) and toks[k].key in lex.directions and not toks[k].clitics:
            k += 1  # "في شمال شرقي X"، "شمال شرق X": where in X
        if k < len(toks) and (k > after or toks[k].clitics in ("", "ب")):
            home = toks[k]  # "ضمن ناحية X"، "بريف X"، "قرى ريف X" (the villages of X's countryside)
            return [p for p in s_places if home.start_char <= p.start <= home.end_char + 10][:1], after
        return [], after

    def _places(
        self,
        text: str,
        trig: Trigger,
        t_start: int,
        t_end: int,
        clause_end: int,
        s_places: Sequence[Located],
        mode: str,
        actor_spans: Sequence[tuple[int, int]] = (),
    ) -> list[Located]:
        own = [p for p in s_places if not p.context_only]
        if mode == "before_list":  # "انسحبت من A، وB، وأوكلت الملف الأمني إلى X": each place left
            return self._last_list(text, [p for p in own if p.end <= t_start], s_places)
        if mode == "subject":  # "قضاء X بات محرراً": the place just before the verb
            return [p for p in own if p.end <= t_start and len(text[p.end : t_start].split()) <= 2][-1:]
        if mode == "from" and _FROM_IT.match(text, t_end):
            return [p for p in own if p.end <= t_start][-1:]  # "انسحبت منها": the place named before
        after = self._chain(text, [p for p in own if t_end <= p.start < clause_end], t_end, s_places,
                            near=mode == "object", actor_spans=actor_spans)  # fmt: skip
        if mode == "from":
            src = [p for p in after if _FROM_BEFORE.search(text[max(t_end, p.start - 14) : p.start])]
            if src:
                # "انسحبوا من مناطق A، وB، وC": the place left and those listed with it.
                return self._chain(text, [p for p in after if p.start >= src[0].start],
                                   src[0].start, s_places, near=False)  # fmt: skip
        if mode == "object" and after:
            return _drop_destinations(text, after)
        if mode in ("any", "from") and after:
            return _drop_destinations(text, after)
        if mode == "object":
            return []
        before = [p for p in own if p.end <= t_start]
        # "في قرية X (تبعد 45 كم جنوب مدينة Y)": Y only locates X
        before = [p for k, p in enumerate(before) if not (k and _in_brackets_after(text, before[k - 1].end, p))]
        # "قرب X، القرية التابعة لناحية Y": Y says where X is; the event is at X
        before = [p for k, p in enumerate(before) if not (k and refs.locates(before[k - 1].mention, p.mention,
                                                                               text[before[k - 1].end : p.start]))]
        if before and _THERE.match(text, t_end, clause_end):
            return self._last_list(text, before, s_places)  # "انسحبت من مواقعها هناك": all the places just named
        if before and before[-1].anchor is not None:
            # "المسيطرة على البلدتين ... اتفاق": a back-reference stands for all the places it names.
            return [p for p in before if p.anchor == before[-1].anchor]
        lead = text[t_end:clause_end].split()
        if not before and mode == "any" and lead and match_key(lead[-1]) in self.cue["cause_before"]:
            # "سلّم اثنان نفسيهما، إثر مواجهات ... في قرية X": placed where its circumstance is
            circumstance = [p for p in own if p.start >= clause_end]
            return self._chain(text, circumstance, clause_end, s_places, near=False)[:1]
        return before[-1:]

    def _last_list(self, text: str, before: Sequence[Located], s_places: Sequence[Located]) -> list[Located]:
        """The last list of places before a trigger: the longest chain that ends with the last place."""
        if not before:
            return []
        best = list(before[-1:])
        for k in range(len(before) - 2, -1, -1):
            chain = self._chain(text, before[k:], before[k].start, s_places, near=False)
            if chain[-1] is not before[-1]:
                break
            best = chain
        return best

    def _chain(
        self,
        text: str,
        after: Sequence[Located],
        t_end: int,
        s_places: Sequence[Located],
        near: bool,
        actor_spans: Sequence[tuple[int, int]] = (),
    ) -> list[Located]:
        """The places that are the trigger's object: the first after it (close to it for takeovers),
        then those that continue the list ("قرية A، وقرية B التابعة لـ C، إضافة إلى قريتي D وE")."""
        if not after:
            return []
        if near:
            first = after[0].start
            gap = text[t_end:first]
            for a_start, a_end in actor_spans:
                # The subject may stand between verb and object: "سيطرت قوات النظام على ...".
                lo, hi = max(a_start, t_end), min(a_end, first)
                if lo < hi:  # the actor's characters in the gap become spaces
                    gap = gap[: lo - t_end] + " " * (hi - lo) + gap[hi - t_end :]
            gap = _ASIDE.sub(" ", gap)
            lead = [w for w in _WORD_SPLIT.split(gap) if w]
            feature = after[0].mention.feature
            if len(lead) > 7 or not all(_lead_word(w) or _is_feature(w, feature) for w in lead):
                return []
        chain = [after[0]]
        skip_to = -1
        located_by: list[Located] = []  # "قرية X بناحية Y": Y places X; it is no item of the list
        lex = self.cue["list_connectors"]
        directions = load_place_lexicon().directions  # "A غرب X وB": X located A and is gone above
        for p in after[1:]:
            if p.start < skip_to:
                continue  # an alternative name in parentheses: "أبو الحسن (البقعان جزيرة)"
            if refs.locates(chain[-1].mention, p.mention, text[chain[-1].end : p.start]):
                located_by.append(p)
                continue
            gap_start = chain[-1].end
            if text[gap_start : p.start].strip().startswith("("):
                close = text.find(")", gap_start)
                if close != -1 and close > p.start:
                    skip_to = close
                    continue
            gap = text[gap_start : p.start]
            for ctx in [*s_places, *located_by]:
                if (ctx.context_only or ctx in located_by) and gap_start <= ctx.start < p.start:
                    gap = gap.replace(ctx.mention.name, " ")
            prev_ctx = chain[-1].mention.context
            if prev_ctx:
                gap = gap.replace(prev_ctx, " ")
            gap = _BRACKETED.sub(" ", gap)
            words = [w for w in _WORD_SPLIT.split(gap) if w]
            feature = p.mention.feature
            joins = True  # every word of the gap joins the list (read up to the first that does not)
            for w in words:
                if not (_connector(w, lex) or _is_feature(w, feature) or match_key(w) in directions):
                    joins = False
                    break
            # "اللواء الرابع حرس رئاسي ومعسكر بدر": a word or two that describe the item before it, then
            # "و" glued to the next item's own generic word, carry the list on.
            described = 0 < len(words) - 1 <= 2 and words[-1][:1] == "و" and _is_feature(words[-1][1:], feature)
            if joins or (described and not _SENTENCE_MARK.search(gap)):
                chain.append(p)
            else:
                break
        return chain

    def _counts(
        self,
        text: str,
        sentence: Sentence,
        kind: str,
        t_start: int,
        quantities: Sequence[Quantity],
        dates: Sequence[DateRef],
    ) -> tuple[tuple[str, Quantity], ...]:
        """Count keys for the numbers a trigger owns: the noun after the number says what was
        counted ("500 عنصر" → arrested for an arrest); for people, the nearest death or injury
        word around it says whether they were killed or wounded ("أودى بحياة ستة أشخاص")."""
        toks = sentence.tokens
        out: dict[str, Quantity] = {}
        near: dict[str, int] = {}  # how far each kept number stands from the word that gave its key
        for q in counting.join_ranges(text, quantities) if quantities else ():
            dated = False  # a number inside a date ("3 آذار") counts nothing
            for d in dates:
                if d.start_char <= q.start_char < d.end_char:
                    dated = True
                    break
            if dated:
                continue
            # tokens are in text order and never overlap, so both ends are found by bisection
            past = bisect.bisect_left(toks, q.end_char, key=_START)  # the first token after the number
            from_q = toks[past : past + 6]
            # "مقتل 5 وإصابة 3 آخرين"، "تقل 4 نساء، فقتلوا امرأتين": a word joined by و or ف opens the next
            # item or clause; neither it nor what follows says what this number counts.
            joined = len(from_q)
            for k, t in enumerate(from_q):
                if t.clitics[:1] in ("و", "ف"):
                    joined = k
                    break
            upto = bisect.bisect_right(toks, q.start_char, key=_END)  # the tokens that end by the number
            before = toks[max(0, upto - 5) : upto]
            if counting.killed_and_wounded(before, from_q, self._count_key, quantities):
                continue  # "مقتل وإصابة عشرة أشخاص": the split is not told
            from_q = from_q[:joined]
            after = from_q[:2]
            if counting.measure_or_label(before, after, self.cue) or counting.over_several(text, toks, q, self.cue):
                continue
            keys: list[str] = []
            # "خمسة مدنيين على الأقل": a qualifier after the noun takes the noun into the expression
            inside = toks[bisect.bisect_right(toks, q.start_char, key=_START) : bisect.bisect_left(toks, q.end_char, key=_START)]
            noun = next((k for t in inside[:1] + after[:1] if (k := self._count_key(t, kind))), None)
            if noun is None and not inside and q.stated in (1, 2):
                # "مقتل مدنيين اثنين": one and two follow the noun they count
                noun = counting.noun_before_numeral(toks, q, partial(self._count_key, kind=kind))
            if noun is None and not inside and q.stated == 2:
                # "قتيلان"، "طفلين": the dual noun is its own count
                noun = counting.dual_noun(toks, q, partial(self._count_key, kind=kind))
            if noun is None and after[1:]:
                noun = self._count_key(after[1], kind)
            # "17 مدنياً، بينهم أطفال، قد قتلوا": the death word may follow the counted noun and an aside.
            cue, gap = self._harm_cue(before, from_q)
            if before and noun not in ("fatalities", "injured", "strikes", None):
                # "قتلت الهيئة ثلاثة من عناصر التنظيم" in a report of a surrender or a capture: the people
                # a death verb governs are dead, whatever the event makes of its other people
                governed = self._count_key(before[-1], "")
                if governed in ("fatalities", "injured"):
                    noun = "people" if noun == "people" else "fighters_people"
            if noun in ("people", "fighters_people"):
                if cue == "fatalities":
                    keys = ["fatalities"] + (["civilians_killed"] if noun == "people" else [])
                elif cue == "injured":
                    keys = ["injured"]
            elif noun is not None:
                keys = [noun]
                if noun == "fatalities" and any(t.stem in _CIVILIAN_PERSON or t.key in self.cue["civilian"] for t in after[1:2]):
                    keys.append("civilians_killed")  # "أربعة شهداء مدنيين"
            elif before and (prev := self._count_key(before[-1], kind)) and prev not in ("people", "fighters_people"):
                keys = [prev]
            elif before and _any_word(before[-1:], self.cue["capture_before"]):
                keys = ["captured"]  # "وأسر 15 آخرين": the verbal noun of capture counts the number after it
            if not keys and noun is None and kind in _PEOPLE_KEY and counting.others_taken(text, after, t_start, q):
                keys = [_PEOPLE_KEY[kind]]  # "وأفرجت عن اثنين آخرين"، "فيما سلّم اثنان آخران نفسيهما"
            if not keys and noun in (None, "people", "fighters_people"):
                toll = counting.toll_of(toks[:upto], self._count_key, self.cue)
                keys = [toll] if toll else []
            # "سيارة تقل 4 نساء، فقتلوا امرأتين": of two numbers given one key, the nearer to its word wins.
            dist = gap if noun in ("people", "fighters_people") else 0
            for key in keys:
                if key not in out or dist < near[key]:
                    out[key], near[key] = q, dist
        if kind in _HARM_KINDS:
            if "fatalities" not in out:
                # "أخبر ذوي طفل بأنه أعدمه ... لقيادي لقي حتفه": the trigger's own pronoun is its victim
                counting.pronoun_victims(sentence.tokens, out, self._count_key, at=t_start)
            self._singular_victims(sentence, out)
            if "fatalities" not in out:
                counting.pronoun_victims(sentence.tokens, out, self._count_key)
        elif kind in _TAKEN_KEY and _TAKEN_KEY[kind] not in out and (
                taken := counting.taken_people(text, toks, t_start, self.cue)) is not None:
            out[_TAKEN_KEY[kind]] = taken  # "خطفت مجموعة مسلحة شاباً"، "بعد اعتقاله"
        elif kind == "defection" and "fighters" not in out and (one := counting.defectors(text, toks, t_start)):
            out["fighters"] = one  # "انشق ضابط"، "قيادياً ... على الانشقاق برفقة أحد مرافقيه"
        return tuple(sorted(out.items()))

    def _singular_victims(self, sentence: Sentence, out: dict[str, Quantity]) -> None:
        """"مقتل شاب"، "لقي مدني حتفه"، "مقتل سائقها"، "وأصيب آخر": one person named by a singular noun
        next to a death or injury word is a count of 1, as coders write it."""
        toks = sentence.tokens
        kin = self.cue["kin_one"]
        if not self._says(toks, self._one_person):
            return
        for k in refs.word_positions(toks, self._one_person):  # the tokens the loop can take, in order
            tok = toks[k]
            # "مقتل سائقها"، "أصيب والده": one of kin or company is one person too
            person = (tok.stem if tok.stem in _PERSON or tok.stem in kin
                      else tok.key if tok.key in _PERSON or tok.key in kin else None)  # fmt: skip
            if tok.key in counting.ANOTHER and k > 0:
                person = tok.key  # "وأصيب آخر"، "وجُرح ثالث": one more, right after the verb
                near = [toks[k - 1]]
            elif person is None or (k > 0 and counting.counted_before(toks[k - 1], self.cue)):
                continue  # "امرأتين إحداهما ناشطة"، "بينهم طفل"، "15 شخصاً": one of a group counted already
            else:
                near = [t for t in toks[max(0, k - 3) : k + 5] if t is not tok]  # "المدني “فلان الفلاني” لقي حتفه"
            harm = {self._count_key(t, "") for t in near}
            if not harm & {"fatalities", "injured"}:
                continue
            # "قتلت امرأة وطفلة"، "مقتل رجل وزوجته": the people joined to this one are counted with it
            joined = (1, 0) if tok.key in counting.ANOTHER else counting.joined_people(toks, k, self.cue)
            if joined is None:
                continue  # "مقتل رجل وأفراد عائلته": a group of no stated size
            n, civilians = joined
            many = Quantity(n, n, n, "exact", tok.start_char, tok.end_char)
            if "fatalities" in harm and "fatalities" not in out:
                out["fatalities"] = many
                if civilians:
                    out.setdefault("civilians_killed", Quantity(civilians, civilians, civilians, "exact",
                                                                tok.start_char, tok.end_char))
            elif "injured" in harm and "injured" not in out:
                out["injured"] = many

    def _count_key(self, tok: Token, kind: str) -> str | None:
        cache_key = (tok.key, tok.stem, kind)
        try:
            return self._count_cache[cache_key]  # one look-up for the common case, a word seen before
        except KeyError:
            pass
        found = None
        for pattern, key, per_kind in self.rules.count_nouns:
            if tok_matches(pattern, tok):
                found = key if key != "*" else per_kind.get(kind, per_kind.get("default")) or None
                break
        if len(self._count_cache) < 500_000:
            self._count_cache[cache_key] = found
        return found

    def _harm_cue(self, before: Sequence[Token], after: Sequence[Token]) -> tuple[str | None, int]:
        """fatalities or injured: the death or injury word nearest to a number, and how many words
        away it stands (-1 when there is none)."""
        ordered = [t for pair in zip(after, reversed(before), strict=False) for t in pair]
        ordered += list(after[len(before) :]) + list(reversed(before))[len(after) :]
        for tok in ordered:
            key = self._count_key(tok, "")
            if key in ("fatalities", "injured"):
                return key, after.index(tok) if tok in after else list(reversed(before)).index(tok)
        return None, -1

    def _certainty(
        self, toks: Sequence[Token], trig: Trigger, s_actors: Sequence[ActorMention], words: frozenset[str]
    ) -> tuple[str, str | None]:
        """``words`` are the keys and stems of ``toks`` (``_words``)."""
        hedge, claim = self.cue["hedge"], self.cue["claim"]
        if not hedge.isdisjoint(words) and _any_word(toks[: trig.start], hedge):
            return "speculative", None
        if claim.isdisjoint(words):
            return "reported", None
        for k in refs.word_positions(toks, claim):
            tok = toks[k]
            window_end = toks[min(len(toks) - 1, k + 5)].end_char
            for m in s_actors:
                if tok.end_char <= m.start_char <= window_end and m.actor not in ("CIVILIANS", "UNKNOWN"):
                    return "claimed", m.actor
        return "reported", None

    def _extent(self, toks: Sequence[Token], trig: Trigger, loc: Located | None) -> str:
        if loc is None:
            return "whole"
        stop = bisect.bisect_right(toks, loc.start, key=_END)  # tokens are in order: those ending by the place
        between = toks[max(trig.end, stop - 3) : stop]
        keys = {t.key for t in between} | {t.stem for t in between}
        if keys & self.cue["extent_outskirts"]:
            return "outskirts"
        if keys & self.cue["extent_part"]:
            return "part"
        if keys & self.cue["extent_around"]:
            return "around"
        return "whole"

