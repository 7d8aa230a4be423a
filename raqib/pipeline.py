"""The pipeline for one document: normalise → segment → recognise → geocode → events → control."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any

from raqib.control import claims_from_events, claims_from_statements, dedupe_claims
from raqib.events import Located
from raqib.geocode import geocode
from raqib.model import Document, Extraction, PlaceMention, Sentence
from raqib.normalize import bare, normalize
from raqib.recognize.dates import find_dates
from raqib.recognize.numbers import find_quantities
from raqib.recognize.places import ANAPHORS
from raqib.resources import Resources
from raqib.segment import segment


def guess_country(res: Resources, mentions: Sequence[PlaceMention]) -> str | None:
    """The country most of the report's unambiguous town, city and governorate names are in."""
    votes: Counter[str] = Counter()
    gaz = res.gazetteer
    for m in mentions:
        if m.feature and m.feature.startswith("anaphor:"):
            continue
        ids = gaz.name_index.get(tuple(bare(m.name).split()), ())
        countries = {gaz.entries[i].country for i in ids if gaz.entries[i].feature in ("city", "town", "governorate")}
        if len(countries) == 1:
            votes[countries.pop()] += 1
    return votes.most_common(1)[0][0] if votes else None


def _context_only(m: PlaceMention, mentions: Sequence[PlaceMention], text: str) -> bool:
    """A mention inside another mention's context ("التابعة لبلدة الشعفة في ريف دير الزور")."""
    for other in mentions:
        if other is m or not other.context:
            continue
        ctx_start = text.find(other.context, other.end_char)
        if ctx_start != -1 and ctx_start <= m.start_char < ctx_start + len(other.context):
            return True
    return False


def locate(res: Resources, text: str, sentences: Sequence[Sentence], country: str | None,
           mentions: Sequence[PlaceMention]) -> list[Located]:  # fmt: skip
    """Geocode every mention; places resolved without doubt first, then the rest near them."""
    gaz = res.gazetteer
    first = {}
    near: list[tuple[float, float]] = []
    for m in mentions:
        if m.feature and m.feature.startswith("anaphor:"):
            continue
        key = (m.name, m.context, country, m.parent)
        place = res.geocode_cache.get(key)
        if place is None:
            if len(res.geocode_cache) > 200_000:
                res.geocode_cache.clear()
            place = geocode(gaz, m.name, context=m.context, country=country, parent=m.parent)
            res.geocode_cache[key] = place
        first[id(m)] = place
        if place.lat is not None and place.lon is not None and not place.alternatives:
            near.append((place.lat, place.lon))
    out: list[Located] = []
    for m in mentions:
        if m.feature and m.feature.startswith("anaphor:"):
            out.extend(_resolve(m, out))
            continue
        place = first[id(m)]
        if place.alternatives and near:
            place = geocode(gaz, m.name, context=m.context, country=country, near=near, parent=m.parent)
        out.append(Located(m, place, _context_only(m, mentions, text)))
    return out


_FAMILY = {"village": ("قريه", "قريتي", "قريتين", "قري"), "town": ("بلده", "بلدتي", "بلدتين", "بلدات"),
           "city": ("مدينه", "مدينتي", "مدينتين", "مدن"), "camp": ("مخيم", "مخيمات")}  # fmt: skip


def _resolve(anaphor: PlaceMention, earlier: Sequence[Located]) -> list[Located]:
    """The places a back-reference ("البلدتين", "القرى", "المدينة") points to: the last one (or
    two, or the last list) named with the same kind of generic word."""
    family, how_many = ANAPHORS[anaphor.feature.removeprefix("anaphor:")]  # type: ignore[union-attr]
    words = _FAMILY.get(family, ())
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


def extract(doc: Document, res: Resources) -> Extraction:
    """Everything raqib reads from one document."""
    text = doc.text
    norm = normalize(text)
    sentences = segment(text, norm)
    mentions = [m for s in sentences for m in res.place_finder.find(text, s)]
    country = guess_country(res, mentions)
    actors = res.actor_finder.find(text, sentences, country=country, day=doc.published)
    # A span read as an actor is not also a place ("الجيش الوطني" is not a village).
    taken = [(a.start_char, a.end_char) for a in actors]
    mentions = [m for m in mentions if not any(s <= m.start_char < e for s, e in taken)]
    located = locate(res, text, sentences, country, mentions)
    quantities = find_quantities(text, norm)
    dates = find_dates(text, doc.published, norm)
    events = res.coder.code(text, sentences, actors, located, quantities, dates, doc.published)
    control = dedupe_claims(
        claims_from_statements(text, sentences, actors, located, dates) + claims_from_events(events)
    )
    return Extraction(doc, tuple(events), tuple(control))


def process(doc: Document, res: Resources) -> dict[str, Any]:
    """The output record of one document (``extract`` then ``raqib.record.to_record``): what
    ``raqib extract`` prints and ``Store.save`` stores."""
    from raqib.record import to_record

    v = res.versions
    return to_record(extract(doc, res), res.state_actors, v["rules"], v["gazetteer"])
