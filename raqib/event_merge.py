"""One event per (kind, actors, place, day) within a document: the title and the lead, or two clauses
of one sentence, often report the same happening; they become one event with the better evidence,
the finer place and the counts of both."""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from operator import attrgetter

from raqib.event_refs import replace_event
from raqib.gazetteer.geometry import haversine_km
from raqib.model import Event, Place, Sentence
from raqib.normalize import bare

_END = attrgetter("end_char")
# Kinds whose two sides have no order (README convention 5): "A and B agreed" is "B and A agreed".
_SYMMETRIC = frozenset(["agreement", "clash", "internal_clash"])
_FRONT_KINDS = frozenset(["clash", "internal_clash"])
_REMOTE_KINDS = frozenset(["airstrike", "shelling", "explosion", "suicide_attack"])
#: Rules of words that name an attack without its means (هجوم): the same act as a strike told beside it.
_ATTACK_WORDS = frozenset(["clash.attack.v1"])


def _place_key(event: Event) -> str:
    return bare(event.place.name_ar) if event.place else ""


def headline_end(sentences: Sequence[Sentence]) -> int:
    """End offset of the headline (-1 when the text has none): a short first line, without a final full
    stop, followed by more lines. A kicker such as "صور.." or "عاجل:" may stand in the line as a sentence
    of its own ("صور.. حصيلة تفجير بنغازي ترتفع")."""
    head = [s for s in sentences if s.paragraph == 0]
    if not head or len(head) == len(sentences):
        return -1
    line = "".join(s.text for s in head)
    if len(line) < 160 and not head[-1].text.rstrip().endswith((".", "!", "?", "؟", "…")):
        return head[-1].end_char  # a headline: the body's sentence is the better evidence
    return -1


def merge_duplicates(events: Sequence[Event], sentences: Sequence[Sentence]) -> list[Event]:
    """One event per (kind, actors, place, day) within a document: a title and the lead sentence
    usually report the same event; the body's sentence is kept as evidence, counts are merged."""
    title_end = headline_end(sentences)
    out: list[Event] = []
    for ev in events:
        dup = None
        for n, kept in enumerate(out):
            if kept.kind != ev.kind and "takeover" not in (kept.kind, ev.kind) and (
                    kept.rule_id not in _ATTACK_WORDS and ev.rule_id not in _ATTACK_WORDS):
                continue  # only a capture beside fighting, or an attack beside a strike, joins two kinds
            same_actor = kept.actor1 == ev.actor1 or "UNKNOWN" in (kept.actor1, ev.actor1) or (
                kept.kind in _SYMMETRIC and {kept.actor1, kept.actor2} == {ev.actor1, ev.actor2}
            )
            same_date = (kept.date and kept.date.start) == (ev.date and ev.date.start) or kept.date is None or ev.date is None
            same_sentence = kept.evidence_start == ev.evidence_start
            title_pair = kept.evidence_end <= title_end
            placed = kept.place is not None
            if same_sentence and kept.kind == ev.kind and (kept.place is None) != (ev.place is None) and (
                kept.actor1 == ev.actor1
            ) and kept.kind != "takeover":  # a capture without a place is one of unnamed places ("عدة قرى")
                dup = n
                break
            # (each helper is asked only of the kinds it can join: a call per pair costs more than the test)
            if kept.kind == ev.kind and kept.kind in _RECAP_KINDS and (recap := _placeless_recap(kept, ev)) is not None:
                # "أخلت الفصائل مواقع تقدمت إليها أمس" ... "انسحب الثوار من بلدة X": a mention with no place,
                # no figure and no day of its own of what the same side is reported doing at a named place
                # tells that act again; the placed report stands.
                out[n], dup = recap, -1
                break
            if "takeover" in (kept.kind, ev.kind) and (taken := _fought_for(kept, ev)) is not None:
                # "مواجهات دارت منذ الصباح بين الفصائل وقوات النظام" beside the capture of X by the one from the
                # other: fighting that ends in a capture is part of it (README convention 2)
                out[n], dup = taken, -1
                break
            if title_pair and kept.kind == ev.kind and same_actor and same_date and not same_sentence and _places_agree(
                kept, ev, sentences):
                dup = n  # the headline and the body report one event; the body says it better
                break
            if (kept.rule_id in _ATTACK_WORDS or ev.rule_id in _ATTACK_WORDS) and (
                    kept.kind in _REMOTE_KINDS or ev.kind in _REMOTE_KINDS) and same_actor and (
                    same_date and (_place_key(kept) == _place_key(ev) or _same_toll(kept, ev))):
                # "ضربت قوات X مطار P" ... "عقب هجوم شنه X على مطار P": the attack is that strike
                out[n] = kept if kept.kind in _REMOTE_KINDS else replace_event(ev, counts=ev.counts or kept.counts)
                dup = -1
                break
            if kept.kind == ev.kind and same_actor and kept.date is not None and same_date and _same_toll(kept, ev):
                # "لقي 6 حتفهم وجرح 10 في تفجير شمال بغداد" ... "أدى إلى سقوط 6 قتلى و10 جرحى": one blast, told
                # at the spot the text places in the other's area ("في منطقة الحسينية شمالي بغداد")
                spot = next((a for a, b in ((ev, kept), (kept, ev)) if _inner(a, b, sentences, loose=True)
                             or _front_of(a, b, _after(a, sentences))), None)  # fmt: skip
                if spot is not None:
                    out[n], dup = replace_event(spot, actor2=kept.actor2 or ev.actor2, date=spot.date or kept.date), -1
                    break
                if _places_agree(kept, ev, sentences):
                    dup = n
                    break
            if (
                kept.kind == ev.kind
                and same_actor  # the cheap tests first: _nested reads the text after both places
                and same_date
                and (_place_key(kept) == _place_key(ev) or _nested(ev, kept, sentences))
                and (same_sentence or title_pair or (placed and not (kept.actor1_inferred or ev.actor1_inferred))
                     or (placed and kept.kind in _REMOTE_KINDS and kept.actor1 == ev.actor1 and kept.date is not None
                         and ev.date is not None and not (kept.actor1_inferred and ev.actor1_inferred)))
            ):
                dup = n
                break
        if dup is None:
            out.append(ev)
        if dup is None or dup == -1:
            continue
        kept = out[dup]
        if kept.kind in _FRONT_KINDS and (_inner(ev, kept, sentences) or _inner(kept, ev, sentences)):
            front = ev if _inner(ev, kept, sentences) else kept
            if front.place_end is not None and _front_of(front, kept if front is ev else ev, _after(front, sentences)):
                out[dup] = front  # the town's fighting is the sum of its fronts': the front tells it
                continue
        base, other = (ev, kept) if kept.evidence_end <= title_end else (kept, ev)
        counts = dict(other.counts) | dict(base.counts)
        out[dup] = Event(
            **{
                **{f: getattr(base, f) for f in Event.__slots__},
                "counts": tuple(sorted(counts.items())),
                "actor2": base.actor2 or other.actor2,
                "date": base.date or other.date,
                "actor1": base.actor1 if base.actor1 != "UNKNOWN" else other.actor1,
                **(
                    {"place": other.place, "place_start": other.place_start, "place_end": other.place_end}
                    if (_finer(other.place, base.place) and not _inner(base, other, sentences, loose=True))
                    or _inner(other, base, sentences)
                    else {}
                ),
                # "لقي مدنيون حتفهم" ... "القصف طال حي X بمدينة Y" (with the toll a later sentence gave it):
                # the body sentence that carries the toll reports the event better than one with none.
                # "اغتيال طال مدنياً في ريف X" ... "لقي حتفه في بلدة Y بريف X": the sentence that names the
                # spot in the area tells the event there.
                **(
                    {"evidence_start": other.evidence_start, "evidence_end": other.evidence_end}
                    if other.evidence_start > title_end and (
                        (other.counts and not base.counts)
                        or (_inner(other, base, sentences) and (other.counts or not base.counts)))
                    else {}
                ),
            }
        )
    return out


#: Kinds whose placeless mention may recap a placed one. A capture without a place is one of unnamed
#: places ("عدة قرى"); a killing, an abduction or fighting without one is usually another victim or front.
_RECAP_KINDS = frozenset(["withdrawal", "airstrike", "shelling", "surrender", "defection", "arrest", "release"])


def _placeless_recap(a: Event, b: Event) -> Event | None:
    """Of two reports of one kind by one named side, one placed and the other with no place, no stated
    figure and no day of its own (a lead that sums up, a later aside): the placed one, else None."""
    if a.kind != b.kind or a.kind not in _RECAP_KINDS or a.actor1 != b.actor1 or a.actor1 == "UNKNOWN":
        return None
    if (a.place is None) == (b.place is None) or a.evidence_start == b.evidence_start:
        return None
    placed, bare_ = (a, b) if b.place is None else (b, a)
    # a vague figure ("أوقع مئات القتلى") is a general claim, no figure of its own
    stated = any(q.stated is not None for _, q in bare_.counts)
    if stated or bare_.actor1_inferred or (bare_.date is not None and bare_.date.source == "text"):
        return None
    return placed


def _fought_for(a: Event, b: Event) -> Event | None:
    """Of a capture and fighting or shelling between the same two named sides, the capture, when the
    fighting is told at the captured place on its day, or with no place, figure or day of its own."""
    taken, fight = (a, b) if a.kind == "takeover" else (b, a)
    if taken.kind != "takeover" or fight.kind not in ("clash", "shelling") or taken.place is None:
        return None
    sides = {taken.actor1, taken.actor2}
    if None in sides or "UNKNOWN" in sides or {fight.actor1, fight.actor2} != sides or fight.actor1_inferred:
        return None
    if fight.place is None:
        bare_ = not fight.counts and (fight.date is None or fight.date.source != "text")
        return taken if bare_ and fight.kind == "clash" else None
    same_day = fight.date is not None and taken.date is not None and fight.date.start == taken.date.start
    return taken if same_day and _place_key(fight) == _place_key(taken) and fight.actor1 == taken.actor1 else None


def _nested(a: Event, b: Event, sentences: Sequence[Sentence]) -> bool:
    """One event's place lies in the other's, and neither is a capture of part of its place: "قرية X
    في إدلب" is no capture of "عدد من القرى في جنوب المحافظة" (إدلب, extent part)."""
    return "part" not in (a.extent, b.extent) and (_inner(a, b, sentences) or _inner(b, a, sentences))


def _same_toll(a: Event, b: Event) -> bool:
    """Both events state the same numbers, deaths or injuries among them."""
    if not a.counts or not any(k in ("fatalities", "injured") for k, _ in a.counts):
        return False
    return {k: q.stated for k, q in a.counts} == {k: q.stated for k, q in b.counts}


# "بمدينة X"، "في ريف X" after a place: where it lies (the place word is group 2; ريف, group 1).
_IN_PLACE = re.compile(r"\s*(?:ب|في\s+|داخل\s+|وسط\s+)(?:(?:مدينة|بلدة|قرية|محافظة|منطقة)\s+|(ريف)\s*)?(\S+(?:\s+\S+)?)")
# "غرب X"، "في شمال شرق X" after a front: the town it lies by.
_DIRECTION_OF = re.compile(r"\s*(?:في\s+|ب)?(?:شمال|جنوب|شرق|غرب)(?:ي)?(?:\s+(?:شرق|غرب)(?:ي)?)?\s+(\S+(?:\s+\S+)?)")
_COUNTRYSIDE_BEFORE = re.compile(r"ريف\s*$")


def _inner(a: Event, b: Event, sentences: Sequence[Sentence], loose: bool = False) -> bool:
    """``a``'s place is named as lying in ``b``'s: "مقبرة الهواري بمدينة بنغازي" after "بنغازي", "حي X
    في مدينة Y" after "Y": the text locates the spot in the town, so both report one event there."""
    if a.place is None or b.place is None or a.place_end is None or _place_key(a) == _place_key(b):
        return False
    after = _after(a, sentences)
    m = _IN_PLACE.match(after)
    if m is None and a.kind in _FRONT_KINDS:
        return _front_of(a, b, after)
    if m is not None and m.group(1) and not loose and not _told_as_countryside(b, sentences):
        return False  # "قرية A بريف B" after an event in the town B itself: two places (a headline may say B)
    return m is not None and bool(_place_key(b)) and bare(m.group(2)).startswith(_place_key(b))


def _after(a: Event, sentences: Sequence[Sentence]) -> str:
    """The 30 characters of the sentence after the event's place."""
    sentence = _sentence_holding(sentences, a.place_end)
    if sentence is None or a.place_end is None:
        return ""
    return sentence.text[a.place_end - sentence.start_char :][:30].lstrip("\"“”«»'")


def _sentence_holding(sentences: Sequence[Sentence], pos: int | None) -> Sentence | None:
    """The first sentence with ``start_char <= pos <= end_char`` (sentences are in text order and never
    overlap, so it is the first that ends at ``pos`` or later, found by bisection)."""
    if pos is None:
        return None
    k = bisect.bisect_left(sentences, pos, key=_END)
    return sentences[k] if k < len(sentences) and sentences[k].start_char <= pos else None


def _front_of(a: Event, b: Event, after: str) -> bool:
    """"اشتباكات على جبهات X" and "على جبهة A غرب X" (``after`` is the text after A): fighting on the
    fronts of a town is fought around it; the front tells it, the town sums it up."""
    m = _DIRECTION_OF.match(after)
    return m is not None and bool(_place_key(b)) and bare(m.group(1)).startswith(_place_key(b))


def _told_as_countryside(event: Event, sentences: Sequence[Sentence]) -> bool:
    """Whether the event's place is written as the countryside of a town ("في ريف X")."""
    start = event.place_start
    sentence = _sentence_holding(sentences, start)
    if sentence is None or start is None:
        return False
    return _COUNTRYSIDE_BEFORE.search(sentence.text[: start - sentence.start_char]) is not None


#: A headline names the nearest known city of a place ("قرب طرابلس" for a town 45 km away).
_HEADLINE_KM = 60.0


def _places_agree(a: Event, b: Event, sentences: Sequence[Sentence]) -> bool:
    """A headline and a body sentence report one event unless their places lie far apart: "الحشد
    الشعبي يغادر كركوك" and "انسحبوا من مناطق شنكال" are two withdrawals."""
    pa, pb = a.place, b.place
    if pa is None or pb is None:
        return True
    if None in (pa.lat, pa.lon, pb.lat, pb.lon):
        # A place the gazetteer cannot put on the map is the same place only by its name.
        ka, kb = _place_key(a), _place_key(b)
        return f" {ka} " in f" {kb} " or f" {kb} " in f" {ka} " or _inner(b, a, sentences, loose=True)
    return haversine_km(pa.lat, pa.lon, pb.lat, pb.lon) <= _HEADLINE_KM  # type: ignore[arg-type]


_PRECISION_RANK = {"village": 0, "neighbourhood": 0, "camp": 0, "landmark": 0, "town": 1, "city": 1,
                   "subdistrict": 2, "area": 2, "district": 3, "governorate": 4, "country": 5, "unknown": 9}


def _finer(a: Place | None, b: Place | None) -> bool:
    """True when ``a`` locates the place better than ``b``."""
    if a is None or a.lat is None:
        return False
    if b is None or b.lat is None:
        return True
    return _PRECISION_RANK.get(a.precision, 9) < _PRECISION_RANK.get(b.precision, 9)
