"""The pipeline for one document: normalise → segment → recognise → geocode → events → control."""

from __future__ import annotations

import bisect
import datetime as dt
import re
from collections.abc import Callable, Sequence
from dataclasses import replace
from functools import partial
from itertools import accumulate
from operator import itemgetter
from typing import Any, Protocol, TypeVar

from raqib.control import claims_from_events, claims_from_statements, dedupe_claims
from raqib.errors import InputError
from raqib.events import Located
from raqib.gazetteer import Gazetteer
from raqib.geocode import geocode
from raqib.ingest.text import MAX_TEXT_CHARS, too_long
from raqib.model import (
    ControlClaim,
    DateRef,
    Document,
    Event,
    Extraction,
    Place,
    PlaceMention,
    Quantity,
    Sentence,
    fast_maker,
)
from raqib.normalize import bare, normalize, strip_invisible
from raqib.recognize.dates import find_dates
from raqib.recognize.numbers import find_quantities
from raqib.recognize.places import ANAPHORS, load_place_lexicon
from raqib.resources import Resources
from raqib.segment import segment

_COUNT = itemgetter(1)
_make_located = fast_maker(Located)


def guess_country(res: Resources, mentions: Sequence[PlaceMention], sentences: Sequence[Sentence] = ()) -> str | None:
    """The country most of the report's unambiguous town, city and governorate names are in, each
    word that names a country or its people ("في ليبيا"، "الجيش السوداني") counting as one more."""
    votes: dict[str | None, int] = {}  # in text order: ties go to the first named
    named = load_place_lexicon().country_words
    # A plain loop: CPython 3.11 reads a slot attribute in it for less than ``attrgetter`` costs in C.
    for s in sentences:
        for t in s.tokens:
            if t.stem in named:
                country = named[t.stem]
                votes[country] = votes.get(country, 0) + 1
    for m in mentions:
        if m.feature and m.feature.startswith("anaphor:"):
            continue
        countries = res.name_countries.get(m.name)
        if countries is None:
            if len(res.name_countries) > 200_000:
                res.name_countries.clear()
            countries = res.name_countries[m.name] = _name_countries(res.gazetteer, m.name)
        if len(countries) == 1:
            (only,) = countries
            votes[only] = votes.get(only, 0) + 1
    return max(votes.items(), key=_COUNT)[0] if votes else None  # the first of the most named, as Counter's


def _name_countries(gaz: Gazetteer, name: str) -> frozenset[str | None]:
    """The countries of the towns, cities and governorates a place name (as written) names."""
    ids = gaz.name_index.get(tuple(bare(name).split()), ())
    return frozenset(gaz.entries[i].country for i in ids if gaz.entries[i].feature in ("city", "town", "governorate"))


class _Placed(Protocol):
    @property
    def start_char(self) -> int: ...


_P = TypeVar("_P", bound=_Placed)


class _Cover:
    """Which offsets fall inside any of a set of spans: a sorted search, not a scan of every span
    for every offset (a long text has thousands of mentions)."""

    def __init__(self, spans: Sequence[tuple[int, int]]) -> None:
        spans = sorted(spans)
        self.starts = [s for s, _ in spans]
        self.reach = list(accumulate((e for _, e in spans), max))  # furthest end of the spans so far

    def __contains__(self, pos: int) -> bool:
        k = bisect.bisect_right(self.starts, pos)
        return k > 0 and self.reach[k - 1] > pos

    # ``in`` calls ``__contains__`` through a slot, a costly call in CPython 3.11: these test many at once.
    def covered(self, items: Sequence[_Placed]) -> list[bool]:
        """``item.start_char in self`` for each of the items (mentions, quantities, dates)."""
        starts, reach, find = self.starts, self.reach, bisect.bisect_right
        out = []
        for x in items:
            pos = x.start_char
            k = find(starts, pos)
            out.append(k > 0 and reach[k - 1] > pos)
        return out

    def outside(self, items: Sequence[_P]) -> list[_P]:
        """The items whose ``start_char`` no span covers, in order."""
        return [x for x, inside in zip(items, self.covered(items), strict=True) if not inside]


def _context_spans(mentions: Sequence[PlaceMention], text: str) -> _Cover:
    """The spans of the mentions' contexts ("التابعة لبلدة الشعفة في ريف دير الزور"). A mention
    inside one serves as another mention's context; never its own, which follows it."""
    spans = []
    for other in mentions:
        if other.context:
            ctx_start = text.find(other.context, other.end_char)
            if ctx_start != -1:
                spans.append((ctx_start, ctx_start + len(other.context)))
    return _Cover(spans)


def locate(res: Resources, text: str, sentences: Sequence[Sentence], country: str | None,
           mentions: Sequence[PlaceMention]) -> list[Located]:  # fmt: skip
    """Geocode every mention; places resolved without doubt first, then the rest near them."""
    gaz = res.gazetteer
    first: list[Place | None] = []  # aligned with mentions; None for an anaphor
    near: list[tuple[float, float]] = []
    for m in mentions:
        if m.feature and m.feature.startswith("anaphor:"):
            first.append(None)
            continue
        key = (m.name, m.context, country, m.parent)
        place = res.geocode_cache.get(key)
        if place is None:
            if len(res.geocode_cache) > 200_000:
                res.geocode_cache.clear()
            place = geocode(gaz, m.name, context=m.context, country=country, parent=m.parent)
            res.geocode_cache[key] = place
        first.append(place)
        if place.lat is not None and place.lon is not None and not place.alternatives:
            near.append((place.lat, place.lon))
    out: list[Located] = []
    contexts = _context_spans(mentions, text)
    near_key = tuple(near)
    for m, place, in_context in zip(mentions, first, contexts.covered(mentions), strict=True):
        if place is None:
            out.extend(_resolve(m, out, partial(_province, res, country)))
            continue
        if place.alternatives and near:
            if m.parent is None:
                # Reports that share their places share these answers too (a third of the calls are new).
                near_place = res.near_geocode_cache.get((m.name, m.context, country, near_key))
                if near_place is None:
                    if len(res.near_geocode_cache) > 50_000:
                        res.near_geocode_cache.clear()
                    near_place = geocode(gaz, m.name, context=m.context, country=country, near=near)
                    res.near_geocode_cache[(m.name, m.context, country, near_key)] = near_place
                place = near_place
            else:
                place = geocode(gaz, m.name, context=m.context, country=country, near=near, parent=m.parent)
        out.append(_make_located(m, place, in_context))
    return out


_FAMILY = {"village": ("قريه", "قريتي", "قريتين", "قري"), "town": ("بلده", "بلدتي", "بلدتين", "بلدات"),
           "city": ("مدينه", "مدينتي", "مدينتين", "مدن"), "camp": ("مخيم", "مخيمات"),
           "governorate": ("محافظه",)}  # fmt: skip


def _province(res: Resources, country: str | None, name: str) -> Place | None:
    """The province (governorate) a name names, None when it names none: "حماة" is a city and a
    province; "المحافظة" after it means the province."""
    key = ("محافظة " + name, None, country, None)
    place = res.geocode_cache.get(key)
    if place is None:
        if len(res.geocode_cache) > 200_000:
            res.geocode_cache.clear()
        place = res.geocode_cache[key] = geocode(res.gazetteer, key[0], country=country)
    return replace(place, name_ar=name) if place.precision == "governorate" and place.matched_by == "exact" else None


def _resolve(anaphor: PlaceMention, earlier: Sequence[Located],
             province: Callable[[str], Place | None] = lambda _name: None) -> list[Located]:  # fmt: skip
    """The places a back-reference ("البلدتين", "القرى", "المدينة", "المحافظة") points to: the last
    one (or two, or the last list) named with the same kind of generic word. "المحافظة" is the last
    province named, with "محافظة" or by a name that ``province`` knows as one ("في إدلب ... المحافظة"),
    located as the province (not its city of the same name)."""
    family, how_many = ANAPHORS[anaphor.feature.removeprefix("anaphor:")]  # type: ignore[union-attr]
    words = _FAMILY.get(family, ())
    if family == "governorate":
        span = (anaphor.start_char, anaphor.end_char)
        for loc in reversed(earlier):  # a province often names where another place is ("بريف إدلب")
            if loc.anchor is not None:
                continue
            if loc.mention.feature in words or loc.mention.feature is None:
                place = province(loc.mention.name)
                if place is not None:
                    return [Located(loc.mention, place, False, span)]
        return []
    named = [
        loc for loc in earlier
        if not loc.context_only and loc.anchor is None
        and (loc.mention.feature in words or (loc.mention.feature is None and loc.place.precision == family))
    ]  # fmt: skip
    if not named:
        return []
    if how_many == 0:  # a plural: the whole last list, i.e. the last run named with one generic word
        feature = named[-1].mention.feature
        run = []
        for loc in reversed(named):
            if loc.mention.feature != feature:
                break
            run.append(loc)
        chosen = list(reversed(run))
    else:
        chosen = named[-how_many:]
    span = (anaphor.start_char, anaphor.end_char)
    return [Located(loc.mention, loc.place, False, span) for loc in chosen]


_OVERRIDES = re.compile("[\u202d\u202e]")


def document_warnings(doc: Document, today: dt.date | None = None) -> tuple[str, ...]:
    """What an analyst should know about a document before trusting its events: problems met
    while reading it, a missing or impossible publication date (relative dates such as "أمس" are
    read from it), and bidi overrides, which make the text display in another order than it reads.
    ``today`` defaults to the current UTC day; a date one day ahead is allowed for time zones."""
    out = list(doc.warnings)
    today = today or dt.datetime.now(dt.UTC).date()
    if doc.published is None:
        out.append("no publication date")
    elif doc.published > today + dt.timedelta(days=1):
        out.append(f"publication date {doc.published.isoformat()} is in the future")
    # ``in`` rejects a text without them in a fraction of the regular expression's scan
    has = "\u202d" in doc.text or "\u202e" in doc.text
    overrides = [m.start() for m in _OVERRIDES.finditer(doc.text)] if has else []
    if overrides:
        out.append(
            f"text contains {len(overrides)} bidi override character{'s' if len(overrides) > 1 else ''} "
            f"(U+202D/U+202E, the first at offset {overrides[0]}), which change the order the text displays in"
        )
    return tuple(out)


class _Restore:
    """Offsets into a text with its zero-width and bidi marks removed, mapped back to the text."""

    def __init__(self, text: str, visible: str) -> None:
        invisible = {ord(c) for c in set(text) - set(visible)}
        self.text = text
        self.pos = [i for i, c in enumerate(text) if ord(c) not in invisible] + [len(text)]

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The span of the same visible characters in the text (marks inside it included)."""
        return self.pos[start], (self.pos[end - 1] + 1 if end > start else self.pos[start])

    def date(self, d: DateRef | None) -> DateRef | None:
        if d is None:
            return None
        start, end = self.span(d.start_char, d.end_char)
        return replace(d, start_char=start, end_char=end)

    def quantity(self, q: Quantity) -> Quantity:
        start, end = self.span(q.start_char, q.end_char)
        return replace(q, start_char=start, end_char=end)

    def event(self, ev: Event) -> Event:
        counts = tuple((k, self.quantity(q)) for k, q in ev.counts)
        ev_start, ev_end = self.span(ev.evidence_start, ev.evidence_end)
        place, p_start, p_end = ev.place, ev.place_start, ev.place_end
        if p_start is not None and p_end is not None:
            p_start, p_end = self.span(p_start, p_end)
            if place is not None:
                place = replace(place, name_ar=self.text[p_start:p_end])
        return replace(ev, place=place, place_start=p_start, place_end=p_end, date=self.date(ev.date),
                       counts=counts, evidence_start=ev_start, evidence_end=ev_end)  # fmt: skip

    def claim(self, c: ControlClaim) -> ControlClaim:
        start, end = self.span(c.evidence_start, c.evidence_end)
        return replace(c, as_of=self.date(c.as_of), evidence_start=start, evidence_end=end)


def extract(doc: Document, res: Resources, *, today: dt.date | None = None) -> Extraction:
    """Everything raqib reads from one document. ``today`` is for the publication-date check.

    Zero-width and bidi marks (RLM, ZWJ, LRI ...) carry nothing a recogniser needs, but they stand
    between the words and punctuation that sentence splitting and the rules look at; so the text is
    read without them, and every offset is mapped back to the text as given.
    """
    if len(doc.text) > MAX_TEXT_CHARS:  # every reader refuses these; this guards other callers
        raise InputError(doc.origin or doc.id, too_long(len(doc.text)))
    warnings = document_warnings(doc, today)
    visible = strip_invisible(doc.text)
    if visible == doc.text:
        return _extract(doc, res, warnings)
    ex = _extract(replace(doc, text=visible), res)
    back = _Restore(doc.text, visible)
    return Extraction(doc, tuple(map(back.event, ex.events)), tuple(map(back.claim, ex.control)), warnings)


def _extract(doc: Document, res: Resources, warnings: tuple[str, ...] = ()) -> Extraction:
    text = doc.text
    norm = normalize(text)
    sentences = segment(text, norm)
    mentions = [m for s in sentences for m in res.place_finder.find(text, s)]
    country = guess_country(res, mentions, sentences)
    actors = res.actor_finder.find(text, sentences, country=country, day=doc.published)
    # A span read as an actor is not also a place ("الجيش الوطني" is not a village).
    taken = _Cover([(a.start_char, a.end_char) for a in actors])
    mentions = taken.outside(mentions)
    located = locate(res, text, sentences, country, mentions)
    quantities = find_quantities(text, norm)
    dates = find_dates(text, doc.published, norm)
    # "سد 17 نيسان": a day and month inside a place's name say nothing of when or how many
    numbered = [(m.start_char, m.end_char) for m in mentions if any(map(str.isdigit, m.name))]
    if numbered:  # few reports have one
        named = _Cover(numbered)
        quantities = named.outside(quantities)
        dates = named.outside(dates)
    events = res.coder.code(text, sentences, actors, located, quantities, dates, doc.published)
    control = dedupe_claims(
        claims_from_statements(text, sentences, actors, located, dates, res.rules.cues, events)
        + claims_from_events(events, text, actors)
    )
    return Extraction(doc, tuple(events), tuple(control), warnings)


def process(doc: Document, res: Resources, *, today: dt.date | None = None) -> dict[str, Any]:
    """The output record of one document (``extract`` then ``raqib.record.to_record``): what
    ``raqib extract`` prints and ``Store.save`` stores."""
    from raqib.record import to_record

    v = res.versions
    return to_record(extract(doc, res, today=today), res.state_actors, v["rules"], v["gazetteer"])
