"""Control claims: who holds which place, as a report states it.

Claims come from two places:

* takeovers: X took V → X holds V from that day (a takeover of V's outskirts or parts makes
  the claim ``partial``);
* statements of control: "المناطق الخاضعة لسيطرة X ... A، B، C"، "تحت سيطرة X"، "ما زال X يسيطر
  على A"، "معاقل X"، "X يتحصن في A". The places listed in the clause are X's. Where such a
  statement says that X's areas "shrank to" the listed places (انحسرت، تقلصت، اقتصرت) it is a
  closed-world statement: the timeline (a later stage) treats X's other places in that area as
  no longer X's.
"""

from __future__ import annotations

import datetime as dt
import re
from bisect import bisect_right
from collections.abc import Mapping, Sequence
from functools import lru_cache, reduce
from itertools import compress
from operator import attrgetter, or_

from raqib.events import Located
from raqib.model import ActorMention, ControlClaim, DateRef, Event, Place, PlaceMention, Sentence, Token
from raqib.normalize import bare, strip_clitics
from raqib.recognize.places import load_place_lexicon

# Statement cues, matched on token keys/stems (see normalize.py). "سيطره" is only a statement when
# it follows one of the words in _STATE_BEFORE ("الخاضعة لسيطرة", "تحت سيطرة", "مناطق سيطرة").
_STATE_BEFORE = frozenset(["خاضعه", "الخاضعه", "تحت", "مناطق", "المناطق", "نفوذ", "معاقل"])
# Precisions of areas too large for a capture of some unnamed villages in them (_SOME_VILLAGES, bare
# keys) to say who holds a place there; a capture of "the areas within" a province makes it partial.
_AREAS = frozenset(["subdistrict", "district", "governorate", "country"])
_SOME_VILLAGES = re.compile(r"(^| )(عده|عدد|عددا|بعض)( من)? (قري|بلدات)( |$)")
# "مناطق سيطرة X في P": X holds areas in P, which need not be all of P (no claim on P).
_AREAS_OF = frozenset(["مناطق", "المناطق"])
# Unnamed places inside the place a capture names: "على عدة قرى في ريف X"، "عدد من قرى X" (bare keys).
_VILLAGES_IN = re.compile(
    r"(^| )(قري|بلدات)( (في|داخل|ضمن|شمال|جنوب|شرق|غرب|شمالي|جنوبي|شرقي|غربي|ريف|محافظه|ناحيه|منطقه))+$"
)  # not "على قرى A وB": the villages named
_HOLD_VERBS = re.compile(
    r"(ي|ت)سيطر(ون|ان)?|مسيطر(ه|ين|ون)?|(ي|ت)تحصن(ون)?|(ي|ت)حتفظ(ون)?|معاقل|معقل"
    r"|(ي|ت)نتشر(ون)?|منتشر(ه|ين|ون)?|(ي|ت)تمركز(ون)?|متمركز(ه|ين|ون)?"
)
# Presence ("تنتشر فيه عناصر X"، "قواتها المنتشرة في A وB"): its side is named close to the verb.
_PRESENCE = re.compile(r"(ي|ت)نتشر(ون)?|منتشر(ه|ين|ون)?|(ي|ت)تمركز(ون)?|متمركز(ه|ين|ون)?")
# A seat ("المدينة التي تتخذ منها الحكومة مقرا لها"، "التي تحتضن مقر الحكومة"): the seat's side holds it.
# A handover after a withdrawal: "وسلّمتها إلى"، "وأوكلت الملف الأمني إلى"، "تسليم المواقع لـ".
_HANDOVER = re.compile(r"(ا|ت|ي)?وكل(ت|وا)?|(ي|ت)?سلم(ت|وا|ها|تها|ته)?|تسليم(ها|ه)?")
_LEAVE_VERBS = re.compile(r"(ا|ي|ت)?نسحب(ت|وا|ون)?|انسحاب|(ا|ي|ت)?خل(ت|ي|وا)|اخلاء|(ي|ت)?غادر(ت|وا)?|خرج(ت|وا)?")
_THEIR_FORCES = re.compile(r"(قوات|عناصر|مقاتلي|مسلحي|وحدات)(ها|ه|هم)")
_SEAT_VERBS = re.compile(r"(ي|ت)?تخذ(ها|ه)?|اتخذ(ت|ها|ته)?|(ي|ت)حتضن")
_STILL = frozenset(["زال", "زالت", "يزال", "تزال", "مازال", "لازال", "لايزال", "مازالت", "لاتزال", "يزالون"])
_COARSE = frozenset(["district", "governorate", "country", "region"])
_SITARA = frozenset(["سيطره", "سيطرته", "سيطرتها", "سيطرتهم", "قبضه", "سلطه"])
# Objects that refer back to a place named before: "يسيطر عليه النظام"، "بسطت سيطرتها عليها".
_PRONOUN_OBJECTS = frozenset(["عليه", "عليها", "عليهما", "فيه", "فيها", "فيهما"])
_PART_PRONOUN = re.compile(r"(اطراف|اجزاء|احياء|مشارف|محيط|معظم|اغلب)(ها|ه|هما)")
_PART_WORDS = frozenset(["القسم", "قسم", "الجزء", "جزء", "بالميه", "بالمايه", "الميه", "المايه"])
# Capture verbs whose object may be a pronoun (the place lexicon's object verbs, past tense).
_CAPTURE_VERBS = re.compile(r"سيطر(ت|وا)?|(ا|ت)?ستول(ت|ي|وا)|استعاد(ت|وا)?|استرد(ت|وا)?|حرر(ت|وا)?")
# Imposing control ("فرضت/بسطت/أحكمت سيطرتها") and areas that are no place of their own.
_IMPOSE = re.compile(r"(ت|ي)?(فرض|بسط|احكم)(ت|وا|ون)?|(ا|ت|ي)?عاد(ت|وا)?")
_AREA_NOUNS = re.compile(r"(ال)?(مناطق|اجزاء|قري|بلدات|مواقع|احياء|نقاط)")
_SUPPORT = frozenset(["بدعم", "دعم", "مدعومه", "مدعوما", "مدعومين", "بمسانده", "مسانده", "باسناد", "بمشاركه", "بغطاء"])
# Closing a road: سدّ، أغلق، قطع.
_CLOSE = re.compile(r"(ي|ت)?(سد|اغلق|غلق|قطع)(ت|وا|ون)?")
# "بات محرراً": has become free (of a side).
_FREED = re.compile(r"محرر(ا|ه|ين|ون)?")
_BECAME = re.compile(r"(و|ف)?(بات|باتت|اصبح|اصبحت|صار|صارت|يصبح|تصبح|يبات|تبات)")
# Driving a side out of a place: أخرج (not خرج, going out) and active طرد.
_EXPEL = re.compile(r"اخرج(ت|وا)?|طرد(ت|وا)?|دحر(ت|وا)?")
_SUBJECT_VERBS = re.compile(r"(ي|ت)?خضع(ت|ان|ون)?")
# Words allowed between a control cue and the first place it lists.
_JOINERS = frozenset(["علي", "في", "الي", "هي", "وهي", "منها", "ومنها", "ضمن", "داخل", "بينها", "تشمل", "وتشمل", "كل",
                      "جميع", "كامل", "حاليا", "بالكامل", "باستثناء", "فقط", "سوي", "الا",
                      # a share of the place: "على أكثر من 50 بالمئة من مدينة X"، "على معظم أحياء X"
                      "من", "اكثر", "اقل", "نحو", "حوالي", "قرابه", "بالميه", "بالمايه", "الميه", "المايه",
                      "نصف", "معظم", "اغلب", "اجزاء", "القسم", "الجزء", "الاكبر"])  # fmt: skip
_AREAS = frozenset(["governorate", "district", "subdistrict", "rural", "area"])
# Fighting inside a place, not at it: "داخل مدينة V"، "في أحياء V"، "وسط بلدة V".
_INSIDE = re.compile(r"(داخل|أحياء|احياء|شوارع|وسط)\s+(ال)?(مدينة|مدينه|بلدة|بلده|قرية|قريه|حي)?\s*$")
_NOT_NEGATING = _STILL | {"عدا", "خلا"}
_CLOSED = re.compile(r"(ا|ت|ي)?نحسر\w*|(ت|ي)?قلص\w*|اقتصر\w*|تنحصر|انحصر\w*|باتت|بات|تبقي|تبقت|بقيت")


def claims_from_events(
    events: Sequence[Event], text: str | None = None, actors: Sequence[ActorMention] | None = None
) -> list[ControlClaim]:
    """A takeover makes its actor the holder of the place (partial for outskirts or parts); fighting
    between two named sides inside a place
    ("اشتباكات بين X وY داخل مدينة V"، "في أحياء V"; needs ``text``) makes both contest it, unless
    the report has the place taken. A siege gives no claim: it tells who surrounds a place, not who
    holds it, and a row names the place's holder (the dev README's control rows: "which actor holds
    which place"); the ``besieged`` status stays for claims entered by hand.

    No claim comes from a takeover whose taker the sentence does not name (the actor was carried
    over from the rest of the report and, given ``actors``, no mention of it is in the event's
    evidence: a guess is no statement of control), nor from one that the
    same side gave up again in the report ("took I'jaz yesterday ... withdrew from it today"), nor
    from one that another side's later capture of the place reverses ("the opposition had taken
    al-Mushayrifa on Wednesday; the regime took it today"): a report's rows say who holds what
    as the report stands, and two undated rows for one place could not be put in order.
    """
    undone = _undone_takeovers(events) | _superseded_takeovers(events)
    out = []
    if text is not None:
        out += _contested(events, text)
    for n, ev in enumerate(events):
        if ev.kind != "takeover" or ev.place is None or ev.actor1 in (None, "UNKNOWN", "CIVILIANS"):
            continue
        if n in undone or (ev.actor1_inferred and not _named_in(ev, actors)):
            continue
        if text is not None and ev.place_start is not None and _VILLAGES_IN.search(bare(text[max(0, ev.place_start - 40) : ev.place_start])):
            continue  # "سيطرت X على عدة قرى في ريف حماة": villages in the area, not the area
        if ev.extent == "part" and ev.place.precision in _AREAS and text is not None and _SOME_VILLAGES.search(
                bare(text[ev.evidence_start : ev.evidence_end])):
            continue  # "انتزع عدداً من القرى في شمال شرقي المحافظة": no named place is said to be held
        status = "held" if ev.extent in (None, "whole") else "partial"
        out.append(
            ControlClaim(
                place_name=ev.place.name_ar,
                place=ev.place,
                controller=ev.actor1,
                status=status,
                as_of=ev.date,
                evidence_start=ev.evidence_start,
                evidence_end=ev.evidence_end,
                rule_id=f"control.from_event:{ev.rule_id}",
                source_event=n,
            )
        )
    return out


def _named_in(ev: Event, actors: Sequence[ActorMention] | None) -> bool:
    """Whether the event's evidence names its actor1 (with no mentions given: no)."""
    return any(m.actor == ev.actor1 and ev.evidence_start <= m.start_char < ev.evidence_end for m in actors or ())


def _contested(events: Sequence[Event], text: str) -> list[ControlClaim]:
    """Both sides of a clash inside a place contest it (see ``claims_from_events``)."""
    out = []
    for n, ev in enumerate(events):
        if ev.kind != "clash" or ev.place is None or ev.place_start is None or ev.actor1_inferred:
            continue
        sides = [a for a in (ev.actor1, ev.actor2) if a not in (None, "UNKNOWN", "CIVILIANS")]
        if len(sides) != 2 or sides[0] == sides[1] or not _INSIDE.search(text[max(0, ev.place_start - 16) : ev.place_start]):
            continue
        if any(t.kind == "takeover" and t.place is not None and _same_place(t.place, ev.place) for t in events):
            continue  # the fighting ended in a capture: the capture says who holds it
        out += [
            ControlClaim(
                place_name=ev.place.name_ar, place=ev.place, controller=side, status="contested", as_of=ev.date,
                evidence_start=ev.evidence_start, evidence_end=ev.evidence_end,
                rule_id=f"control.from_event:{ev.rule_id}", source_event=n,
            )
            for side in sides
        ]  # fmt: skip
    return out


def _same_place(a: Place, b: Place) -> bool:
    """Whether two places of one report are the same: the same name, or the same gazetteer entry
    located at the place's own level (two villages of one town share only the town's id)."""
    if bare(a.name_ar) == bare(b.name_ar):
        return True
    return bool(a.gazetteer_id and a.gazetteer_id == b.gazetteer_id and a.precision == b.precision != "unknown"
                and a.precision not in _COARSE)  # fmt: skip


def _later(a: Event, b: Event) -> bool:
    """Whether takeover ``a`` is known to come after takeover ``b`` of the same place: by their
    days, else because ``b`` is told as background ("وكانت ... قد سيطرت") and ``a`` is not."""
    if a.date and b.date and a.date.start and b.date.start:
        return a.date.start > b.date.start
    return b.background and not a.background


def _superseded_takeovers(events: Sequence[Event]) -> set[int]:
    """Takeovers of a place that a later takeover of it by another side reverses."""
    takeovers = [(n, t, t.place) for n, t in enumerate(events) if t.kind == "takeover" and t.place is not None]
    if len(takeovers) < 2:  # most reports: no other takeover to reverse one (a takeover never reverses itself)
        return set()
    return {
        n
        for n, t, t_place in takeovers
        for _, u, u_place in takeovers
        if u.actor1 not in (None, "UNKNOWN", t.actor1)
        and not u.actor1_inferred and _same_place(t_place, u_place) and _later(u, t)
    }  # fmt: skip


def _undone_takeovers(events: Sequence[Event]) -> set[int]:
    """Takeovers that a withdrawal of the same side from the same place undoes.

    Each withdrawal undoes at most one takeover: the one reported in the same clause, else the
    nearest in the text; never one dated after the withdrawal ("RSF took Roro in September, then
    withdrew; yesterday it took Roro again" keeps the second capture).
    """
    undone: set[int] = set()
    for w in events:
        if w.kind != "withdrawal" or w.place is None or not w.actor1 or w.actor1 == "UNKNOWN":
            continue
        candidates = []
        for n, t in enumerate(events):
            if n in undone or t.kind != "takeover" or t.actor1 != w.actor1 or t.place is None:
                continue
            if not _same_place(t.place, w.place):
                continue
            if t.date and w.date and t.date.start and w.date.start and t.date.start > w.date.start:
                continue
            same_clause = t.evidence_start < w.evidence_end and w.evidence_start < t.evidence_end
            candidates.append((not same_clause, abs(t.evidence_start - w.evidence_start), n))
        if candidates:
            undone.add(min(candidates)[2])
    return undone


def claims_from_statements(
    text: str,
    sentences: Sequence[Sentence],
    actors: Sequence[ActorMention],
    places: Sequence[Located],
    dates: Sequence[DateRef],
    cues: Mapping[str, frozenset[str]] | None = None,
    events: Sequence[Event] = (),
) -> list[ControlClaim]:
    """Claims from sentences that state who holds what (``events``: the report's events, whose
    captures ``claims_from_events`` turns into claims; statements do not repeat them).

    ``cues`` are the rule set's cue words (``data/lexicon/cues.json``); its negation, modality and
    ability words keep "لم تتمكن من السيطرة عليها" and "تحاول السيطرة عليها" from being claims.
    """
    cue = cues or {}
    generic = load_place_lexicon().generic
    out: list[ControlClaim] = []
    bits = [_sentence_bits(s.tokens) for s in sentences]
    for sentence, b in zip(sentences, bits, strict=True):
        if not b & _CUE_BIT:
            continue
        toks = sentence.tokens
        for k, tok in enumerate(toks):
            if not _may_cue(tok.stem):  # almost no word can be a cue
                continue
            prev = toks[k - 1] if k > 0 else None
            nxt = toks[k + 1] if k + 1 < len(toks) else None
            pronoun = nxt is not None and nxt.key in _PRONOUN_OBJECTS
            part_pronoun = (
                nxt is not None and nxt.key == "علي" and k + 2 < len(toks) and _PART_PRONOUN.fullmatch(toks[k + 2].key)
            )
            masdar = tok.stem in _SITARA
            is_state = (
                (masdar and prev is not None and (prev.key in _STATE_BEFORE or prev.stem in _STATE_BEFORE))
                or (tok.stem == "قبضه" and prev is not None and prev.key == "في")
                or bool(_HOLD_VERBS.fullmatch(tok.stem) and not _negated(toks, k, cue, modal=False))
            )
            # "بسطت قوات الأسد سيطرتها عليها"، "تمكنت قسد من السيطرة على أطرافها": a capture whose
            # object refers back to a place named earlier in the sentence.
            capture_back = (
                (masdar or bool(_CAPTURE_VERBS.fullmatch(tok.stem)))
                and (pronoun or bool(part_pronoun))
                and "ل" not in tok.clitics.removesuffix("ال")  # "للسيطرة عليها": an aim, not a fact
                and not _negated(toks, k, cue)
            )
            subjected = masdar and "ل" in tok.clitics.removesuffix("ال") and _subjection_verb(toks, k) is not None
            seat = bool(
                _SEAT_VERBS.fullmatch(tok.stem) and any(t.stem.startswith("مقر") for t in toks[k + 1 : k + 6])
            ) or _seat_apposition(text, toks, k, places)
            if seat:
                pronoun = True  # the seat is the place named before the verb
            if not (is_state or capture_back or subjected or seat):
                continue
            # Present tense is a statement when "still" precedes it or it is not the headline
            # form of a fresh capture (the title line uses the present for news).
            if (
                _HOLD_VERBS.fullmatch(tok.stem)
                and tok.stem.startswith(("ي", "ت"))
                and sentence.paragraph == 0
                and not any(t.key in _STILL for t in toks[max(0, k - 3) : k])
            ):
                continue
            near = 6 if seat or _PRESENCE.fullmatch(tok.stem) else None
            controller = _controller(toks, k, sentence, actors, near)
            if controller is None:
                continue
            clause_end = _clause_end(text, sentence, toks, k)
            # "انحسرت المناطق الخاضعة لسيطرة X على A، B"، "بقيت 5 بلدات تحت قبضة X، هي: A، B": only
            # a list after the cue closes the world ("باتت المدينة في قبضة X" names one place).
            closed = any(_CLOSED.fullmatch(t.stem) for t in toks[:k])
            if pronoun or part_pronoun:
                # The place the pronoun refers to: the nearest one named before the cue.
                before = [p for p in places if not p.context_only and sentence.start_char <= p.start < tok.start_char]
                listed = before[-1:] or _known_as(text, sentence.start_char, tok.start_char)
                clause_end = max(clause_end, toks[k + 1 + bool(part_pronoun)].end_char)
            elif subjected:
                # "يخضع القسم الأكبر من محافظة ادلب لسيطرة X": the subject between the verb and the cue.
                verb = _subjection_verb(toks, k)
                assert verb is not None
                listed = [p for p in places if not p.context_only and toks[verb].end_char <= p.start < tok.start_char]
            else:
                gap_from = max(tok.end_char, controller.end_char if controller.start_char > tok.start_char else 0)
                listed = [p for p in places if not p.context_only and tok.end_char <= p.start < clause_end]
                if listed and not _list_follows(toks, gap_from, listed[0], controller, actors, generic):
                    listed = []
                listed = _without_contexts(toks, listed, generic)
                listed += _list_tail(text, listed, clause_end, actors, generic)
                if listed and masdar and prev is not None and prev.stem in _AREAS_OF and _within(toks, gap_from, listed[0]):
                    listed = []  # "ضمن مناطق سيطرتها بمحافظة الحسكة": its areas are in the province
            after = listed
            in_grip = prev is not None and prev.key == "في" and tok.stem == "قبضه"
            if prev is not None and (prev.stem in ("تحت", "خاضعه") or in_grip or tok.stem in ("معاقل", "معقل")):
                # "المدينة الواقعة تحت سيطرة X"، "إدلب الخاضعة لسيطرة X"، "الشعفة التي تعد أهم معاقل X"،
                # "باتت الحدود في قبضة قواته": the place named earlier in the same clause.
                clause_start = max(
                    sentence.start_char,
                    *(text.rfind(c, sentence.start_char, prev.start_char) + 1 for c in "،,؛"),
                )
                listed = [
                    p for p in places if not p.context_only and clause_start <= p.start < prev.start_char
                ] + listed
            closed = closed and bool(after) and not (pronoun or part_pronoun or subjected)
            date = _date_in(dates, sentence)
            for loc in listed:
                status = "partial" if part_pronoun or _outskirts(text, loc) or _part_of(toks, loc, cue) else "held"
                name = loc.mention.name
                if part_pronoun:
                    # "أطرافها" → "أطراف الباغوز فوقاني": the part is an area of its own, which the
                    # report may say another side holds ("the town is ISIS's, SDF took its outskirts").
                    part = toks[k + 2].text
                    name = re.sub(r"(ها|هما|ه)$", "", part) + " " + name
                out.append(
                    ControlClaim(
                        place_name=name,
                        place=loc.place,
                        controller=controller.actor,
                        status=status,
                        as_of=date,
                        evidence_start=sentence.start_char,
                        evidence_end=clause_end,
                        rule_id="control.closed_world.v1" if closed else "control.statement.v1",
                    )
                )
    # Each pass below reads only the sentences with a word that can start it; most reports have
    # none for most passes.
    every = reduce(or_, bits, 0)
    if every & _HANDOVER_BIT:
        out += _handovers(text, _having(sentences, bits, _HANDOVER_BIT), actors, places, dates)
    if every & _EXPEL_BIT:
        out += _expulsions(text, _having(sentences, bits, _EXPEL_BIT), actors, places, dates, cue)
    if every & _SITARA_BIT:
        out += _areas_within(text, _having(sentences, bits, _SITARA_BIT), actors, places, dates, cue, events)
    if every & _FREED_BIT:
        out += _liberated(_having(sentences, bits, _FREED_BIT), actors, places, dates, cue, events)
    if every & _CLOSING_BIT:
        out += _road_closures(text, _having(sentences, bits, _CLOSING_BIT), actors, places, dates, cue)
    return out


def _road_closures(
    text: str,
    sentences: Sequence[Sentence],
    actors: Sequence[ActorMention],
    places: Sequence[Located],
    dates: Sequence[DateRef],
    cue: Mapping[str, frozenset[str]],
) -> list[ControlClaim]:
    """"سدّت قوات النظام بالحجارة الطريق الواقع في منطقة غرز": the side that closes a road at a place
    is there and holds it. A road "to" a place (إلى) is closed outside it: no claim."""
    out: list[ControlClaim] = []
    for sentence in sentences:
        toks = sentence.tokens
        for k in compress(range(len(toks)), map(_closing_word, map(_KEY, toks), map(_STEM, toks))):
            tok = toks[k]
            if _negated(toks, k, cue):
                continue
            road = next((j for j in range(k + 1, min(len(toks), k + 6)) if toks[j].stem in ("طريق", "طرق")), None)
            if road is None:
                continue
            at = next((j for j in range(road + 1, min(len(toks), road + 4)) if toks[j].key in ("في", "عند")), None)
            if at is None:
                continue
            listed = [p for p in places if not p.context_only and toks[at].end_char <= p.start < toks[min(len(toks) - 1, at + 3)].end_char]
            after = [m for m in actors if tok.end_char <= m.start_char < toks[road].start_char]
            side = after[0] if after else _subject(toks, k, sentence, actors)
            if not listed or side is None or side.actor in ("UNKNOWN", "CIVILIANS"):
                continue
            date = _date_in(dates, sentence)
            place = listed[0]
            out.append(_sentence_claim(place.mention.name, place.place, side.actor, "held", date, sentence, "control.road_closure.v1"))
    return out


def _liberated(
    sentences: Sequence[Sentence],
    actors: Sequence[ActorMention],
    places: Sequence[Located],
    dates: Sequence[DateRef],
    cue: Mapping[str, frozenset[str]],
    events: Sequence[Event],
) -> list[ControlClaim]:
    """"أعلن رئيس الوزراء العراقي أن قضاء الحويجة بات محرراً من سيطرة داعش": a place said to have
    become free (بات، أصبح، صار + محرر) of one side is held by the side the sentence names before
    it (the one announcing it); none when the report has the place taken (the capture says by whom)."""
    out: list[ControlClaim] = []
    for sentence in sentences:
        toks = sentence.tokens
        for k in compress(range(len(toks)), map(_freed_word, map(_KEY, toks))):
            tok = toks[k]
            if k == 0 or not _BECAME.fullmatch(toks[k - 1].key):
                continue
            if _negated(toks, k, cue):
                continue
            # "باتت الحويجة محررة" or "الحويجة باتت محررة"
            window = toks[max(0, k - 5)].start_char
            named = [p for p in places if not p.context_only and window <= p.start < tok.start_char]
            if not named:
                continue
            place = named[-1]
            if any(e.kind == "takeover" and e.place is not None and _same_place(e.place, place.place) for e in events):
                continue
            loser = next((m for m in actors if tok.end_char <= m.start_char < sentence.end_char), None)
            side = next((m for m in reversed(actors) if sentence.start_char <= m.start_char < place.start
                         and (loser is None or m.actor != loser.actor)), None)  # fmt: skip
            if side is None or side.actor in ("UNKNOWN", "CIVILIANS"):
                continue
            date = _date_in(dates, sentence)
            out.append(_sentence_claim(place.mention.name, place.place, side.actor, "held", date, sentence, "control.liberated.v1"))
    return out


def _areas_within(
    text: str,
    sentences: Sequence[Sentence],
    actors: Sequence[ActorMention],
    places: Sequence[Located],
    dates: Sequence[DateRef],
    cue: Mapping[str, frozenset[str]],
    events: Sequence[Event],
) -> list[ControlClaim]:
    """"فرضت القوات العراقية سيطرتها على المناطق المتنازع عليها ضمن محافظات A، وB": a capture of
    areas that the text only places within the listed places makes their taker a partial holder of
    each (a capture of a named place is an event, and its claim comes from the event)."""
    out: list[ControlClaim] = []
    for sentence in sentences:
        toks = sentence.tokens
        for k in compress(range(len(toks)), map(_SITARA.__contains__, map(_STEM, toks))):
            if k + 2 >= len(toks) or toks[k + 1].key != "علي":
                continue
            if not any(_IMPOSE.fullmatch(t.key) or _IMPOSE.fullmatch(t.stem) for t in toks[max(0, k - 8) : k]):
                continue
            if _negated(toks, k, cue) or not any(_AREA_NOUNS.fullmatch(t.key) for t in toks[k + 2 : k + 4]):
                continue
            within = next((j for j in range(k + 3, min(len(toks), k + 10)) if toks[j].key in ("ضمن", "في", "داخل")), None)
            controller = _subject(toks, k, sentence, actors)
            if within is None or controller is None:
                continue
            taken = {bare(e.place.name_ar) for e in events if e.kind == "takeover" and e.place is not None
                     and e.actor1 == controller.actor}  # fmt: skip
            date = _date_in(dates, sentence)
            listed = [i for i in _list_after(text, toks, within, sentence, places) if bare(i[0]) not in taken]
            out += [
                _sentence_claim(name, place, controller.actor, "partial", date, sentence, "control.areas_within.v1")
                for name, place, _, _ in listed
            ]
    return out


def _subject(toks: Sequence[Token], k: int, sentence: Sentence, actors: Sequence[ActorMention]) -> ActorMention | None:
    """The side that acts at token ``k``: the nearest actor before it in the sentence that is not
    introduced as support ("مدعومة بالحشد الشعبي"، "بدعم من التحالف")."""
    for m in reversed(actors):
        if not sentence.start_char <= m.start_char < toks[k].start_char:
            continue
        j = next((i for i, t in enumerate(toks) if t.end_char > m.start_char), len(toks))
        if not any(t.stem in _SUPPORT or t.key in _SUPPORT for t in toks[max(0, j - 2) : j + 1]):
            return m
    return None


def _expulsions(
    text: str,
    sentences: Sequence[Sentence],
    actors: Sequence[ActorMention],
    places: Sequence[Located],
    dates: Sequence[DateRef],
    cue: Mapping[str, frozenset[str]],
) -> list[ControlClaim]:
    """"وأخرجت القوات المشتركة قوات X من خمس نواحٍ تابعة لمنطقة A، هي (B، وC)": the side that drove
    another out of the listed places holds them. The list is the places after "من" (after "هي" when
    the text introduces it so: the area the places "belong to" only locates them), up to the first
    word that is no list joiner. A passive verb ("طُرد منها") or a pronoun ("منها") gives nothing."""
    out: list[ControlClaim] = []
    for sentence in sentences:
        toks = sentence.tokens
        for k in compress(range(len(toks)), map(_expel_word, map(_STEM, toks))):
            tok = toks[k]
            if "\u064f" in tok.text or _negated(toks, k, cue):
                continue
            frm = next((j for j in range(k + 1, min(len(toks), k + 9)) if toks[j].key == "من"), None)
            if frm is None:
                continue
            between = [m for m in actors if tok.end_char <= m.start_char < toks[frm].start_char]
            if not between:
                continue
            if len(between) >= 2 and between[0].actor != between[-1].actor:
                taker, loser = between[0], between[-1]  # "أخرجت الهيئة التنظيم من"
            else:
                loser = between[0]
                taker = next((m for m in reversed(actors) if sentence.start_char <= m.start_char < tok.start_char
                              and m.actor != loser.actor and not _operation(toks, m)), None)  # fmt: skip
            if taker is None or taker.actor in ("UNKNOWN", "CIVILIANS"):
                continue
            listed = _list_after(text, toks, frm, sentence, places)
            date = _date_in(dates, sentence)
            out += [
                ControlClaim(
                    place_name=name, place=place, controller=taker.actor,
                    status="partial" if _OUTSKIRTS.search(text[max(0, p_start - 12) : p_start]) else "held",
                    as_of=date, evidence_start=sentence.start_char, evidence_end=max(i[3] for i in listed),
                    rule_id="control.expulsion.v1",
                )
                for name, place, p_start, _ in listed
            ]  # fmt: skip
    return out


def _operation(toks: Sequence[Token], m: ActorMention) -> bool:
    """Whether the actor mention is the name of an operation ("عملية غصن الزيتون"), not a side."""
    k = next((i for i, t in enumerate(toks) if t.end_char > m.start_char), len(toks))
    return k > 0 and toks[k - 1].stem in ("عمليه", "معركه")


def _list_after(
    text: str, toks: Sequence[Token], frm: int, sentence: Sentence, places: Sequence[Located]
) -> list[tuple[str, Place | None, int, int]]:
    """The places listed after token ``frm`` ("من"، "ضمن"), as (name, place, start, end): from the
    first place (or the first after "هي") on, as long as only commas, و, brackets and quote marks
    stand between them. A list the text encloses in brackets after "هي" ("هي (A، وB، وC)") is taken
    whole: its items are places of the kind just named, also those the gazetteer does not know."""
    start = toks[frm].end_char
    window = text[start : min(sentence.end_char, start + 120)]
    intro = re.search(r"(^|\s)و?هي\s*:?\s*[(«\"“]?", window)
    if intro is not None:
        start += intro.end()
        close = text.find(")", start, sentence.end_char)
        if intro.group().rstrip().endswith("(") and close != -1:
            return _bracketed(text, start, close, places)
    cands = [p for p in places if not p.context_only and start <= p.start < sentence.end_char]
    listed: list[Located] = []
    for p in cands:
        gap = text[(listed[-1].end if listed else start) : p.start]
        # between two items: joiners, or a name the gazetteer does not know ("(A، وB، وC)")
        items = [re.sub(r"^(و|أو)", "", x.strip(" \"“”«»")) for x in re.split(r"[،,]", gap)]
        if listed and (")" in gap or len(items) > 3 or any(len(x.split()) > 2 for x in items)):
            break
        if not listed and (len(gap.split()) > 6 or re.search(r"[.؛;]", gap)):
            break
        listed.append(p)
    return [(p.mention.name, p.place, p.start, p.end) for p in listed]


def _bracketed(
    text: str, start: int, close: int, places: Sequence[Located]
) -> list[tuple[str, Place | None, int, int]]:
    """The items of a bracketed list between ``start`` and ``close``, each a recognised place when
    one begins inside it, else the item's words (without a leading و) as the name."""
    out: list[tuple[str, Place | None, int, int]] = []
    for n, m in enumerate(re.finditer(r"[^،,]+", text[start:close])):
        a, b = start + m.start(), start + m.end()
        known = next((p for p in places if not p.context_only and a <= p.start < b), None)
        if known is not None:
            out.append((known.mention.name, known.place, known.start, known.end))
            continue
        # "، وبلبلة": the و of a later item joins it to the list (the first item has none: "وادي")
        item = re.match(r"\s*(و(?=\S{3,}))?[\"“«]?(.*?)[\"”»]?\s*$" if n else r"\s*()[\"“«]?(.*?)[\"”»]?\s*$", text[a:b])
        name = item.group(2) if item else ""
        if 0 < len(name.split()) <= 3:
            name_start = text.index(name, a)
            out.append((name, None, name_start, name_start + len(name)))
    return out


def _handovers(
    text: str,
    sentences: Sequence[Sentence],
    actors: Sequence[ActorMention],
    places: Sequence[Located],
    dates: Sequence[DateRef],
) -> list[ControlClaim]:
    """"انسحبت البشمركة من A، وB، وأوكلت الملف الأمني إلى الجيش": the side handed the places over to is
    their holder. The places are those left ("من" after a withdrawal verb) before the handover verb."""
    out: list[ControlClaim] = []
    for sentence in sentences:
        toks = sentence.tokens
        for k in compress(range(len(toks)), map(_handover_word, map(_STEM, toks))):
            tok = toks[k]
            if any(t.stem.startswith(("انفس", "نفس")) for t in toks[k + 1 : k + 4]):
                continue  # "سلّم عناصرها أنفسهم": a surrender, not a handover of the place
            receiver = next(
                (m for m in actors
                 if tok.end_char <= m.start_char < toks[min(len(toks) - 1, k + 8)].end_char
                 and _after_to(text, tok.end_char, m.start_char)),
                None,
            )  # fmt: skip
            leave = next((j for j in range(k) if _LEAVE_VERBS.fullmatch(toks[j].stem)), None)
            if receiver is None or leave is None:
                continue
            left = [
                p for p in places
                if not p.context_only and toks[leave].end_char <= p.start < tok.start_char
                and re.search(r"(^|\s)(من|و)\s*\S*\s*$", text[toks[leave].end_char : p.start].split("،")[-1])
            ]  # fmt: skip
            date = _date_in(dates, sentence)
            out += [
                _sentence_claim(p.mention.name, p.place, receiver.actor, "held", date, sentence, "control.handover.v1")
                for p in left
            ]
    return out


def _list_tail(
    text: str, listed: Sequence[Located], end: int, actors: Sequence[ActorMention], generic: Mapping[str, str]
) -> list[Located]:
    """"المنتشرة في الدالي والمزوم بولاية سنار": a last item joined by و to the listed places and
    followed by the area that locates them all is a place too, though the gazetteer lacks it."""
    if not listed:
        return []
    last = listed[-1].end
    m = re.match(r"\s+و(ال\S{2,})\s+ب(ولاي|محافظ|ريف|منطق|ناحي|قضاء|مديري)", text[last:end])
    if m is None or any(last <= a.start_char < last + m.end(1) for a in actors):
        return []
    name = m.group(1)
    if bare(name) in generic or name[2:] in generic:
        return []
    a = last + m.start(1)
    mention = PlaceMention(name=name, start_char=a, end_char=a + len(name), feature=None)
    place = Place(name_ar=name, lat=None, lon=None, gazetteer_id=None, admin=(), country=None, precision="unknown")
    return [Located(mention=mention, place=place, context_only=False)]


def _known_as(text: str, start: int, end: int) -> list[Located]:
    """"طريق واحد يُعرف بطريق سجنة، تسيطر عليه": a name the text introduces as what a place is called
    (يُعرف بـ، المعروف بـ), for a pronoun to refer to when the gazetteer does not know it."""
    found = list(re.finditer(r"(يُ?عرف|تُ?عرف|المعروف|المعروفة|المعروفه)\s+(باسم\s+)?ب?([^،,.:؛()«»\"“”]{3,40}?)\s*[،,]",
                             text[start:end]))  # fmt: skip
    if not found:
        return []
    m = found[-1]
    name = m.group(3).strip()
    a = start + m.start(3)
    if not 1 <= len(name.split()) <= 3:
        return []
    mention = PlaceMention(name=name, start_char=a, end_char=a + len(name), feature=None)
    place = Place(name_ar=name, lat=None, lon=None, gazetteer_id=None, admin=(), country=None, precision="unknown")
    return [Located(mention=mention, place=place, context_only=False)]


_KEY, _STEM = attrgetter("key"), attrgetter("stem")


@lru_cache(maxsize=100_000)
def _may_cue(stem: str) -> bool:
    """Whether a word can be the cue of a statement of control (``claims_from_statements`` needs
    one of these stems for every claim it reads). Almost no word can, and a cached answer is
    cheaper than trying the patterns on every word of every sentence."""
    return bool(
        stem in _SITARA
        or stem == "مقر"  # _seat_apposition
        or _HOLD_VERBS.fullmatch(stem)
        or _CAPTURE_VERBS.fullmatch(stem)
        or _SEAT_VERBS.fullmatch(stem)
    )


@lru_cache(maxsize=100_000)
def _handover_word(stem: str) -> bool:
    """``_HANDOVER.fullmatch(stem)``, cached: it is tried on every word of every sentence."""
    return bool(_HANDOVER.fullmatch(stem))


# The tests below are tried on every word of every sentence too: cached like the two above.
@lru_cache(maxsize=100_000)
def _closing_word(key: str, stem: str) -> bool:
    return bool(_CLOSE.fullmatch(key) or _CLOSE.fullmatch(stem))


@lru_cache(maxsize=100_000)
def _freed_word(key: str) -> bool:
    return bool(_FREED.fullmatch(key))


@lru_cache(maxsize=100_000)
def _expel_word(stem: str) -> bool:
    return bool(_EXPEL.fullmatch(stem))

# The word tests above as bits, looked up by a word's key for whole sentences: the passes of
# ``claims_from_statements`` each scan every word of every sentence for their own test, and almost no
# sentence has a word that can start any of them.
_CUE_BIT, _HANDOVER_BIT, _CLOSING_BIT, _FREED_BIT, _EXPEL_BIT, _SITARA_BIT = 1, 2, 4, 8, 16, 32


def _key_bits(key: str) -> int:
    # A sentence's token has the stem ``strip_clitics`` gives its key (``segment.tokens``), so the key
    # alone decides the bits of both.
    stem = strip_clitics(key)[1]
    return (_CLOSING_BIT if _CLOSE.fullmatch(key) else 0) | (_FREED_BIT if _freed_word(key) else 0) | _stem_bits(stem)


def _stem_bits(stem: str) -> int:
    return (
        (_CUE_BIT if _may_cue(stem) else 0)
        | (_HANDOVER_BIT if _handover_word(stem) else 0)
        | (_CLOSING_BIT if _CLOSE.fullmatch(stem) else 0)
        | (_EXPEL_BIT if _expel_word(stem) else 0)
        | (_SITARA_BIT if stem in _SITARA else 0)
    )


_BY_KEY: dict[str, int] = {}
"""The bits of the words seen so far, by key (at most ``_BITS_LIMIT`` words are kept)."""
_BITS_LIMIT = 200_000


def _learn_bits(key: str) -> int:
    bits = _key_bits(key)
    if len(_BY_KEY) < _BITS_LIMIT:
        _BY_KEY[key] = bits
    return bits


def _sentence_bits(toks: Sequence[Token]) -> int:
    """The bits of every word of a sentence, or-ed together. A plain loop over a plain dict: CPython
    3.11 runs it in 40 % fewer instructions than ``map`` over ``attrgetter`` and a dict's ``__getitem__``."""
    found = 0
    for t in toks:
        try:
            found |= _BY_KEY[t.key]
        except KeyError:  # a word not seen before
            found |= _learn_bits(t.key)
    return found


def _having(sentences: Sequence[Sentence], bits: Sequence[int], bit: int) -> list[Sentence]:
    """The sentences whose bits include ``bit``."""
    return [s for s, b in zip(sentences, bits, strict=True) if b & bit]


def _date_in(dates: Sequence[DateRef], sentence: Sentence) -> DateRef | None:
    """The first date the sentence gives, if any."""
    return next((d for d in dates if sentence.start_char <= d.start_char < sentence.end_char), None)


def _sentence_claim(name: str, place: Place, controller: str, status: str, date: DateRef | None,
                    sentence: Sentence, rule_id: str) -> ControlClaim:  # fmt: skip
    """A claim whose evidence is the whole sentence."""
    return ControlClaim(place_name=name, place=place, controller=controller, status=status, as_of=date,
                        evidence_start=sentence.start_char, evidence_end=sentence.end_char, rule_id=rule_id)  # fmt: skip



def _seat_apposition(text: str, toks: Sequence[Token], k: int, places: Sequence[Located]) -> bool:
    """"مدينة الدمازين، عاصمة الولاية ومقر الفرقة الرابعة للجيش": a headquarters in apposition to the
    place just named (after a comma). "قرب مقر الحكومة في إعزاز" is no apposition, nor is a clause
    that goes on after the comma ("شمالي العراق، وأسفرت عن تدمير مقر")."""
    if toks[k].stem != "مقر" or k == 0:
        return False
    window_start = toks[max(0, k - 4)].start_char
    before = [p for p in places if not p.context_only and window_start <= p.end <= toks[k].start_char]
    gap = text[before[-1].end : toks[k].start_char] if before else ""
    return "،" in gap and not re.search(r"،\s*[وف]", gap)


def _after_to(text: str, start: int, actor_start: int) -> bool:
    """Whether the actor at ``actor_start`` is introduced by "إلى" / "لـ" (the receiver)."""
    between = text[start:actor_start]
    return bool(re.search(r"(إلى|الى|إلي|ل)\s*(ال)?$|(^|\s)(إلى|الى)\s", between))


_NO_WORDS: frozenset[str] = frozenset()
_END = attrgetter("end_char")


@lru_cache(maxsize=64)
def _union(a: frozenset[str], b: frozenset[str]) -> frozenset[str]:
    """``a | b``, made once for the rule set's cue words rather than at every cue of every report."""
    return a | b


def _negated(toks: Sequence[Token], k: int, cue: Mapping[str, frozenset[str]], modal: bool = True) -> bool:
    """Whether a negation (or, with ``modal``, an aim) comes shortly before token ``k`` ("لم تتمكن
    قوات النظام من"، "لم يعد التنظيم يسيطر"); "ما زال"، "لا يزال" (still) and "غير أن" (but) are no
    negation, nor is "ما عدا" (except)."""
    stop = _union(cue.get("negation_before", _NO_WORDS), cue.get("modality_before", _NO_WORDS) if modal else _NO_WORDS)
    window = toks[max(0, k - 6) : k]
    for i, t in enumerate(window):
        bare_key = t.key[1:] if t.key[:1] in ("و", "ف") else t.key  # "ولم" is not split: too short
        if not (t.key in stop or t.stem in stop or bare_key in stop):
            continue
        nxt = window[i + 1] if i + 1 < len(window) else toks[k]
        if nxt.key in _NOT_NEGATING or nxt.stem in _NOT_NEGATING or (t.stem == "غير" and nxt.stem in ("ان", "انه", "انها")):
            continue
        return True
    return False


def _subjection_verb(toks: Sequence[Token], k: int) -> int | None:
    """Index of "يخضع/تخضع/خضعت" within the six tokens before token ``k``, if any."""
    for j in range(k - 1, max(-1, k - 7), -1):
        if _SUBJECT_VERBS.fullmatch(toks[j].stem):
            return j
    return None


def _list_follows(
    toks: Sequence[Token],
    gap_from: int,
    first: Located,
    controller: ActorMention,
    actors: Sequence[ActorMention],
    generic: Mapping[str, str],
) -> bool:
    """Whether the places after a control cue start right after it ("تحت قبضة داعش، هي: السوسة"،
    "المناطق الخاضعة لسيطرة التنظيم على بلدة الشعفة"), not in a later part of the sentence ("مناطق
    سيطرة النظام عن مناطق المعارضة بريف حلب"، "المناطق الخاضعة لسيطرة الفصائل، لسلسلة انفجارات")."""
    gap = [t for t in toks if gap_from <= t.start_char < first.start]
    if any(a is not controller and gap_from <= a.start_char < first.start for a in actors):
        return False  # another side is named in between: the places are its own
    words = [
        t for t in gap
        if not any(a.start_char <= t.start_char < a.end_char for a in actors)
        and t.key not in _JOINERS and t.stem not in generic and t.key not in generic and not t.key.isdigit()
    ]  # fmt: skip
    if len(words) > 2:
        return False
    first_tok = next((t for t in toks if t.start_char <= first.start < t.end_char), None)
    # "لسلسلة انفجارات": the object of a verb, not a list of held places
    return not (first_tok is not None and first_tok.clitics.lstrip("وف").startswith("ل"))


def _without_contexts(toks: Sequence[Token], listed: list[Located], generic: Mapping[str, str]) -> list[Located]:
    """The listed places without an area that only locates the others ("في الدالي والمزوم بولاية
    سنار"، "بريف حماة"): list items are joined by و and commas, a "ب" + area word says where they are."""
    out: list[Located] = []
    for n, loc in enumerate(listed):
        lead = [t for t in toks if t.end_char <= loc.mention.end_char][-2:-1]
        if n and lead and generic.get(lead[0].stem) in _AREAS and lead[0].clitics.startswith("ب"):
            continue
        out.append(loc)
    return out


def _within(toks: Sequence[Token], start: int, loc: Located) -> bool:
    """Whether the first word from ``start`` up to the place is "in" (في، ضمن، داخل، بـ)."""
    first = next((t for t in toks if start <= t.start_char <= loc.start), None)
    return first is not None and (first.key in ("في", "ضمن", "داخل") or "ب" in first.clitics.removesuffix("ال"))


def _part_of(toks: Sequence[Token], loc: Located, cue: Mapping[str, frozenset[str]]) -> bool:
    """Whether the place is introduced as a part ("القسم الأكبر من محافظة ادلب"، "أجزاء من")."""
    end = bisect_right(toks, loc.start, key=_END)  # the tokens in order: those before end where the place begins
    before = toks[max(0, end - 4) : end]
    part = _union(cue.get("extent_part", _NO_WORDS), _PART_WORDS)
    return any(t.stem in part or t.key in part for t in before)


def _controller(
    toks: Sequence[Token], k: int, sentence: Sentence, actors: Sequence[ActorMention], near: int | None = None
) -> ActorMention | None:
    """The actor of a control statement: right after "سيطرة", else the subject before the verb;
    with ``near``, only within that many tokens of the verb on either side."""
    after_start = toks[k].end_char
    limit = toks[min(len(toks) - 1, k + (near or 3))].end_char
    for m in actors:
        if after_start <= m.start_char <= limit:
            return m
    # "بقواتها الرئيسية المنتشرة في": "its forces" are those of the sentence's subject
    possessive = any(_THEIR_FORCES.fullmatch(t.stem) for t in toks[max(0, k - 3) : k])
    start = sentence.start_char if near is None or possessive else toks[max(0, k - near)].start_char
    before = [m for m in actors if start <= m.start_char and m.end_char <= toks[k].start_char]
    return before[-1] if before else None


def _clause_end(text: str, sentence: Sentence, toks: Sequence[Token], k: int) -> int:
    """End of the list that follows a control cue: the sentence end, or an earlier full stop."""
    rest = text[toks[k].end_char : sentence.end_char]
    m = re.search(r"[.؛;]\s|\s(بسبب|نتيجة|لكون|حيث|كونها)\s", rest)
    return toks[k].end_char + m.start() if m else sentence.end_char


_OUTSKIRTS = re.compile(r"(أطراف|اطراف|مشارف|محيط)\s*$")


def _outskirts(text: str, loc: Located) -> bool:
    return bool(_OUTSKIRTS.search(text[max(0, loc.start - 12) : loc.start]))


_SHARING = {"contested": 0, "partial": 1, "held": 2, "besieged": 3}


def _rank(c: ControlClaim) -> tuple[int, dt.date, int]:
    """Which of two claims of one report about one place and side stands: the later day (an undated
    claim is about the report's own day, the latest), then a shared status (contested, partial)
    over ``held``, as the timeline folds the claims of one day."""
    day = dt.date.max if c.as_of is None or c.as_of.start is None else c.as_of.start
    return (0, day, -_SHARING.get(c.status, 9))


def dedupe_claims(claims: Sequence[ControlClaim]) -> list[ControlClaim]:
    """One claim per (place, controller) of a report, at the position of the first one: "HTS drove
    ISIS out of the province today" and "most of the province is HTS's" are one row (``_rank`` says
    which); of equal ones the first one's evidence is kept."""
    where: dict[tuple[str, str], int] = {}
    out: list[ControlClaim] = []
    for c in claims:
        # a coarse gazetteer entry (a province for a sub-district read as one) may stand for two places
        fine = c.place is not None and c.place.gazetteer_id and c.place.precision not in _COARSE
        key = (c.place.gazetteer_id if fine and c.place else bare(c.place_name), c.controller)
        if key not in where:
            where[key] = len(out)
            out.append(c)
        elif _rank(c) > _rank(out[where[key]]):
            out[where[key]] = c
    return out
