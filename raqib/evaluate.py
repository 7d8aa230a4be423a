"""Score predicted extraction records against the hand-annotated dev set.

The rules are those of the "Scoring" section of ``tests/data/dev/README.md``: an event
matches when its kind, place and date agree with a gold event of the same document, pairs are
taken greedily best first and one-to-one, and every other figure (actors, counts, geocoding,
evidence hits, deduplication) is computed over the pairs so found. The scorer is deliberately
independent of the extractor: it reads plain dicts, so it judges any system, including an
older version of raqib, by the same yardstick.

Where the README leaves room, the choices made here are:

- the attribute figures (actors, counts, geocoding, evidence hits, deduplication) use the
  *lenient* pairing, whose ranking still prefers strictly matching kinds, so that a kind
  error does not also hide every attribute of the event;
- whether an actor pair is unordered is decided by the gold event (``kind`` or ``alt_kind``
  in clash, internal_clash, agreement), since the gold says what kind of event it is;
- after the README's ranking (kind, place, date) ties are broken by fewer actor
  disagreements, then by where the event is stated (a prediction whose evidence overlaps the
  gold evidence in the text is the better match: it was read from the sentence the gold
  names), then by document order, so that results are reproducible;
- a ratio with a zero denominator has the value NaN (shown as ``n/a`` and ``null``) rather
  than 0 or 1: "no gold items" is not evidence either way.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from collections import defaultdict
from collections.abc import Container, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from raqib.errors import DataFileError, UsageError
from raqib.normalize import match_key, strip_clitics

#: Lenient kind groups (README, "Scoring" (a)). A kind not listed forms a group of its own.
KIND_GROUPS: Mapping[str, str] = {
    "takeover": "territory",
    "withdrawal": "territory",
    "airstrike": "remote",
    "shelling": "remote",
    "explosion": "remote",
    "suicide_attack": "remote",
    "clash": "battle",
    "internal_clash": "battle",
    "siege": "battle",
    "surrender": "yield",
    "defection": "yield",
    "arrest": "detain",
    "abduction": "detain",
    "release": "detain",
    "killing": "killing",
    "protest": "protest",
    "agreement": "agreement",
    "other": "other",
}

#: Kinds whose two actors have no meaningful order (annotation convention 5).
UNORDERED_KINDS = frozenset({"clash", "internal_clash", "agreement"})

#: Places closer than this agree, whatever their names (rule (b)).
MAX_DISTANCE_KM = 5.0

#: Evidence may be this long whatever the gold evidence's length (README, "Evidence").
EVIDENCE_MIN_LIMIT = 300

# Words that say what sort of place a name is rather than which place (rule (b), step 4), with
# the plural, dual and construct forms news Arabic uses in lists ("قريتي أناب ومريمين").
_GENERIC_WORDS = frozenset(
    match_key(w)
    for w in (
        "قرية", "قريتي", "قريتين", "قرى", "بلدة", "بلدتي", "بلدتين", "بلدات", "مدينة", "مدينتي",
        "مدينتين", "مدن", "ريف", "ريفي", "أرياف", "منطقة", "منطقتي", "منطقتين", "مناطق", "حي",
        "حيي", "أحياء", "ناحية", "ناحيتي", "نواحي", "محافظة", "محافظتي", "محافظتين", "محافظات",
        "مخيم", "مخيمي", "مخيمات", "مديرية", "مديريات", "قضاء", "أقضية", "محلية", "محليات",
    )
)  # fmt: skip

# Letters that are only a detached proclitic ("لـ”قسد”" leaves a lone "ل" after tokenising).
_LONE_CLITICS = frozenset({"و", "ف", "ب", "ل", "ك", "ال"})

# Words of letters and digits; underscores split hashtags ("#الدولة_الإسلامية").
_WORD = re.compile(r"[^\W_]+")

# Place agreement tiers, best first (README "Pairing": equal names, containment, coordinates).
_EQUAL, _CONTAINS, _NEARBY, _UNCONSTRAINED = range(4)

# Date gap given to a dated prediction of an undated gold event: it agrees (rule (c)), but
# ranks behind any dated agreement, even one that needed the one-day widening on both sides.
_UNDATED_GOLD_GAP = 3


@dataclass(frozen=True, slots=True)
class Ratio:
    """A figure kept as a fraction, so that a reader can see how many items it rests on.

    F1 is stored as ``2·TP / (predicted + gold)``, which equals ``2PR / (P + R)``.
    """

    num: int
    """Numerator: items counted as right."""
    den: int
    """Denominator: items the figure is taken over."""

    @property
    def value(self) -> float:
        """``num / den``; NaN when there is nothing to measure, so that it is not read as 0 or 1."""
        return self.num / self.den if self.den else math.nan


@dataclass(frozen=True, slots=True)
class DocumentDetails:
    """What the scorer decided for one gold document, for finding the extractor's mistakes.

    Indices refer to the document's ``events`` and ``control`` lists as given.
    """

    doc_id: str
    gold_events: tuple[Mapping[str, Any], ...]
    pred_events: tuple[Mapping[str, Any], ...]
    strict_pairs: tuple[tuple[int, int], ...]
    """(gold index, predicted index) under strict kind matching."""
    lenient_pairs: tuple[tuple[int, int], ...]
    """(gold index, predicted index) under lenient kind matching; the attribute figures use these."""
    unmatched_gold: tuple[int, ...]
    """Gold events no prediction matched, even leniently (misses)."""
    unmatched_pred: tuple[int, ...]
    """Predicted events that matched no gold event, even leniently (false alarms)."""
    control_pairs: tuple[tuple[int, int], ...]
    unmatched_gold_control: tuple[int, ...]
    unmatched_pred_control: tuple[int, ...]

    @property
    def missed_events(self) -> list[Mapping[str, Any]]:
        """The unmatched gold events themselves."""
        return [self.gold_events[i] for i in self.unmatched_gold]

    @property
    def spurious_events(self) -> list[Mapping[str, Any]]:
        """The unmatched predicted events themselves."""
        return [self.pred_events[i] for i in self.unmatched_pred]


#: The figures of :class:`Scores`, in reporting order.
FIGURES = (
    "events_strict_precision",
    "events_strict_recall",
    "events_strict_f1",
    "events_lenient_precision",
    "events_lenient_recall",
    "events_lenient_f1",
    "actor1_accuracy",
    "actor2_accuracy",
    "counts_precision",
    "counts_recall",
    "counts_f1",
    "control_precision",
    "control_recall",
    "control_f1",
    "geocoding_within_5km",
    "evidence_exact",
    "evidence_hits",
    "dedup_precision",
    "dedup_recall",
    "dedup_f1",
)


@dataclass(frozen=True, slots=True)
class Scores:
    """Every figure of the README's "Reported figures", plus per-document details."""

    events_strict_precision: Ratio
    events_strict_recall: Ratio
    events_strict_f1: Ratio
    events_lenient_precision: Ratio
    events_lenient_recall: Ratio
    events_lenient_f1: Ratio
    actor1_accuracy: Ratio
    """Over lenient pairs; a null actor equals only a null actor."""
    actor2_accuracy: Ratio
    counts_precision: Ratio
    """Predicted (key, value) items equal to an item of the paired gold event."""
    counts_recall: Ratio
    counts_f1: Ratio
    control_precision: Ratio
    control_recall: Ratio
    control_f1: Ratio
    geocoding_within_5km: Ratio
    """Over lenient pairs whose gold event has coordinates; no predicted coordinates is a miss."""
    evidence_exact: Ratio
    """Predicted event and control evidence that is an exact substring of the text."""
    evidence_hits: Ratio
    """Lenient pairs whose predicted evidence overlaps the gold evidence and is not too long."""
    dedup_precision: Ratio
    dedup_recall: Ratio
    dedup_f1: Ratio
    documents: tuple[DocumentDetails, ...]
    """One entry per gold document, in gold order."""
    unscored_pred_ids: tuple[str, ...]
    """Predicted record ids with no gold document: there is nothing to score them against."""

    def figures(self) -> dict[str, Ratio]:
        """The figures by name, in reporting order."""
        return {name: getattr(self, name) for name in FIGURES}

    def as_dict(self) -> dict[str, dict[str, float | int | None]]:
        """Figures as JSON-able data: ``{"events_strict_f1": {"value": .., "num": .., "den": ..}}``.

        An undefined value (zero denominator) is ``None``, because JSON has no NaN.
        """
        out: dict[str, dict[str, float | int | None]] = {}
        for name, ratio in self.figures().items():
            value = ratio.value
            out[name] = {"value": None if math.isnan(value) else value, "num": ratio.num, "den": ratio.den}
        return out

    def detail(self, doc_id: str) -> DocumentDetails | None:
        """The details of one gold document, or None when the id is not in the gold set."""
        for doc in self.documents:
            if doc.doc_id == doc_id:
                return doc
        return None


def format_table(scores: Scores) -> str:
    """A plain-text table of every figure: name, value to 3 decimals and num/den."""
    rows = []
    for name, ratio in scores.figures().items():
        value = ratio.value
        rows.append((name, "n/a" if math.isnan(value) else f"{value:.3f}", f"{ratio.num}/{ratio.den}"))
    header = ("figure", "value", "num/den")
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(3)]
    lines = [f"{header[0]:<{widths[0]}}  {header[1]:>{widths[1]}}  {header[2]:>{widths[2]}}"]
    lines.append("  ".join("-" * w for w in widths))
    lines.extend(f"{a:<{widths[0]}}  {b:>{widths[1]}}  {c:>{widths[2]}}" for a, b, c in rows)
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------------
# Loading


def load_gold(dir_path: str | Path) -> list[dict]:
    """Every ``*.json`` gold file of a directory, sorted by id so that runs are comparable."""
    directory = Path(dir_path)
    if not directory.is_dir():
        raise DataFileError(str(directory), "is not a directory of gold *.json files")
    docs = []
    for path in directory.glob("*.json"):
        try:
            doc = json.loads(path.read_text("utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise DataFileError(str(path), f"cannot be read as UTF-8 JSON ({exc})") from exc
        if not isinstance(doc, dict) or not isinstance(doc.get("id"), str):
            raise DataFileError(str(path), 'expected a JSON object with a string "id"')
        docs.append(doc)
    return sorted(docs, key=lambda d: d["id"])


_DEDUP_HEADING = re.compile(r"^##\s+Deduplication groups\s*$", re.MULTILINE)
_JSON_FENCE = re.compile(r"```json[ \t]*\n(.*?)\n[ \t]*```", re.DOTALL)


def dedup_groups(readme_path: str | Path) -> list[list[str]]:
    """The ``file-id#event-index`` members of each group in the README's "Deduplication groups".

    A missing README gives no groups, so that scoring works on a gold directory without one
    (the deduplication figures are then undefined rather than the run failing).
    """
    path = Path(readme_path)
    if not path.is_file():
        return []
    text = path.read_text("utf-8")
    heading = _DEDUP_HEADING.search(text)
    if heading is None:
        return []
    section_end = text.find("\n## ", heading.end())
    section = text[heading.end() : section_end if section_end >= 0 else len(text)]
    block = _JSON_FENCE.search(section)
    if block is None:
        return []
    try:
        raw = json.loads(block.group(1))
    except json.JSONDecodeError as exc:
        raise DataFileError(str(path), f"the deduplication groups block is not valid JSON ({exc})") from exc
    groups = []
    for entry in raw:
        members = entry.get("members") if isinstance(entry, dict) else entry
        if not isinstance(members, list) or not all(isinstance(m, str) for m in members):
            raise DataFileError(str(path), f"deduplication group without a list of members: {entry!r}")
        groups.append(list(members))
    return groups


# ---------------------------------------------------------------------------------------------
# Places


def _word_forms(word_key: str) -> frozenset[str]:
    """The forms under which a word may agree with another: as written, and without clitics.

    Both are kept because stripping is ambiguous ("وادي" loses its و, "الوادي" only its ال);
    two words agree when any form is shared. ك is not a proclitic for this purpose (the README
    lists و ف ب ل only), so "كفرمز" keeps its first letter.
    """
    clitics, stem = strip_clitics(word_key)
    if clitics.startswith("ك"):
        return frozenset({word_key})
    return frozenset({word_key, stem})


def place_words(name: str | None) -> tuple[frozenset[str], ...]:
    """A place name as a sequence of word forms, normalised by the README's steps 1-4.

    Punctuation, brackets and quotes separate words and are dropped. Generic words (قرية، ريف
    …) are dropped unless nothing else is left, so that "المنطقة" still names something.
    """
    if not name:
        return ()
    words = [_word_forms(w) for w in _WORD.findall(match_key(name)) if w not in _LONE_CLITICS]
    specific = [w for w in words if not w & _GENERIC_WORDS]
    return tuple(specific or words)


def _contains(longer: Sequence[frozenset[str]], shorter: Sequence[frozenset[str]]) -> bool:
    """Whether ``shorter`` occurs in ``longer`` as a run of consecutive agreeing words."""
    n = len(shorter)
    return any(all(longer[start + i] & shorter[i] for i in range(n)) for start in range(len(longer) - n + 1))


def names_agree(a: str | None, b: str | None) -> bool:
    """Rule (b) on names alone: equal after normalisation, or one contains the other as words."""
    return _name_tier(place_words(a), place_words(b)) is not None


def _name_tier(a: Sequence[frozenset[str]], b: Sequence[frozenset[str]]) -> int | None:
    if not a or not b:
        return None
    if len(a) == len(b) and all(x & y for x, y in zip(a, b, strict=True)):
        return _EQUAL
    longer, shorter = (a, b) if len(a) >= len(b) else (b, a)
    return _CONTAINS if _contains(longer, shorter) else None


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle (haversine) distance on a 6371 km sphere; ample for a 5 km threshold."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(h)))


def _number(value: Any) -> float | None:
    """A finite number, or None; bools are not numbers here (JSON true is not a latitude)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return float(value) if math.isfinite(value) else None


@dataclass(frozen=True, slots=True)
class _Place:
    name: str | None
    words: tuple[frozenset[str], ...]
    coords: tuple[float, float] | None


def _place(name: Any, holder: Mapping[str, Any] | None) -> _Place:
    name = name if isinstance(name, str) and name.strip() else None
    coords = None
    if holder is not None:
        lat, lon = _number(holder.get("lat")), _number(holder.get("lon"))
        if lat is not None and lon is not None:
            coords = (lat, lon)
    return _Place(name, place_words(name), coords)


def _near(a: tuple[float, float] | None, b: tuple[float, float] | None) -> bool:
    return a is not None and b is not None and distance_km(*a, *b) <= MAX_DISTANCE_KM


def _place_tier(gold: _Place, pred: _Place) -> int | None:
    """How well the places agree (lower is better), or None when they do not (rule (b))."""
    if gold.name is None:
        return _UNCONSTRAINED
    tier = _name_tier(gold.words, pred.words)
    if tier is not None:
        return tier
    return _NEARBY if _near(gold.coords, pred.coords) else None


# ---------------------------------------------------------------------------------------------
# Dates


def _day(value: Any) -> dt.date | None:
    if not isinstance(value, str):
        return None
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        return None


def _date_span(value: Any) -> tuple[dt.date, dt.date] | None:
    """A date as (first day, last day); "YYYY-MM-DD" is a one-day span. Unreadable is None."""
    if isinstance(value, Mapping):
        start, end = _day(value.get("from")), _day(value.get("to"))
        start, end = start or end, end or start
        if start is None or end is None:
            return None
        return (start, end) if start <= end else (end, start)
    day = _day(value)
    return None if day is None else (day, day)


def _date_gap(gold: tuple[dt.date, dt.date] | None, pred: tuple[dt.date, dt.date] | None) -> int | None:
    """Days the prediction lies outside the gold span, or None when the dates disagree (rule (c))."""
    if gold is None:
        return 0 if pred is None else _UNDATED_GOLD_GAP
    if pred is None:
        return None
    early = (gold[0] - pred[0]).days
    late = (pred[1] - gold[1]).days
    if early > 1 or late > 1:
        return None
    return max(early, 0) + max(late, 0)


# ---------------------------------------------------------------------------------------------
# Events


def _actor(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


@dataclass(frozen=True, slots=True)
class _Event:
    kind: str | None
    """The event's own kind: what a prediction claims."""
    kinds: frozenset[str]
    """Kinds a prediction may have to match it strictly: ``kind`` and, in gold, ``alt_kind``."""
    groups: frozenset[str]
    place: _Place
    date: tuple[dt.date, dt.date] | None
    actor1: str | None
    actor2: str | None
    unordered: bool


def _event(raw: Mapping[str, Any]) -> _Event:
    kind = raw.get("kind") if isinstance(raw.get("kind"), str) and raw.get("kind") else None
    kinds = {k for k in (kind, raw.get("alt_kind")) if isinstance(k, str) and k}
    location = raw.get("location")
    location = location if isinstance(location, Mapping) else None
    return _Event(
        kind=kind,
        kinds=frozenset(kinds),
        groups=frozenset(KIND_GROUPS.get(k, k) for k in kinds),
        place=_place(location.get("name_ar") if location else None, location),
        date=_date_span(raw.get("date")),
        actor1=_actor(raw.get("actor1")),
        actor2=_actor(raw.get("actor2")),
        unordered=bool(kinds & UNORDERED_KINDS),
    )


def _actor_agreement(gold: _Event, pred: _Event) -> tuple[bool, bool]:
    """(actor1 agrees, actor2 agrees), trying both orders where the gold kind is unordered."""
    straight = (gold.actor1 == pred.actor1, gold.actor2 == pred.actor2)
    if gold.unordered:
        swapped = (gold.actor1 == pred.actor2, gold.actor2 == pred.actor1)
        if sum(swapped) > sum(straight):
            return swapped
    return straight


def _kind_tier(gold: _Event, pred: _Event, lenient: bool) -> int | None:
    if pred.kind is None:
        return None
    if pred.kind in gold.kinds:
        return 0
    if lenient and KIND_GROUPS.get(pred.kind, pred.kind) in gold.groups:
        return 1
    return None


def _pair_events(
    gold: Sequence[_Event], pred: Sequence[_Event], lenient: bool, same_text: Container[tuple[int, int]] = ()
) -> list[tuple[int, int]]:
    """Greedy best-first one-to-one pairing (README "Pairing"). ``same_text`` holds the (gold, predicted)
    index pairs whose evidence overlaps in the text: among candidates equal on kind, place, date and
    actors, these go first."""
    candidates = []
    for gi, g in enumerate(gold):
        for pi, p in enumerate(pred):
            kind = _kind_tier(g, p, lenient)
            if kind is None:
                continue
            place = _place_tier(g.place, p.place)
            if place is None:
                continue
            gap = _date_gap(g.date, p.date)
            if gap is None:
                continue
            actors_wrong = 2 - sum(_actor_agreement(g, p))
            elsewhere = (gi, pi) not in same_text
            candidates.append(((kind, place, gap, actors_wrong, elsewhere, gi, pi), gi, pi))
    return _greedy(candidates)


def _greedy(candidates: list[tuple[tuple, int, int]]) -> list[tuple[int, int]]:
    candidates.sort(key=lambda c: c[0])
    used_gold: set[int] = set()
    used_pred: set[int] = set()
    pairs = []
    for _, gi, pi in candidates:
        if gi in used_gold or pi in used_pred:
            continue
        used_gold.add(gi)
        used_pred.add(pi)
        pairs.append((gi, pi))
    return sorted(pairs)


def _count_items(counts: Any) -> set[tuple[str, float]]:
    """A counts dict as (key, value) items; non-numeric values are not stated numbers."""
    if not isinstance(counts, Mapping):
        return set()
    items = set()
    for key, value in counts.items():
        number = _number(value)
        if number is None and isinstance(value, str):
            try:
                number = float(value.strip())
            except ValueError:
                number = None
        if number is not None:
            items.add((str(key), number))
    return items


def _occurrences(text: str, needle: str) -> list[tuple[int, int]]:
    spans = []
    start = text.find(needle)
    while start >= 0:
        spans.append((start, start + len(needle)))
        start = text.find(needle, start + 1)
    return spans


def _pred_evidence_spans(text: str, raw: Mapping[str, Any]) -> tuple[list[tuple[int, int]], int]:
    """Where the predicted evidence lies in the text, and its length.

    A valid ``evidence_span`` that reproduces the evidence pins which occurrence is meant; a
    span alone (or with reworded evidence) is still a position in the text.
    """
    evidence = raw.get("evidence")
    evidence = evidence if isinstance(evidence, str) and evidence else None
    span = raw.get("evidence_span")
    valid_span = None
    if isinstance(span, Sequence) and not isinstance(span, str) and len(span) == 2:
        start, end = span
        if isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= len(text):
            valid_span = (start, end)
    if evidence is not None:
        if valid_span is not None and text[valid_span[0] : valid_span[1]] == evidence:
            return [valid_span], len(evidence)
        found = _occurrences(text, evidence)
        if found:
            return found, len(evidence)
        return ([valid_span] if valid_span else []), len(evidence)
    if valid_span is not None:
        return [valid_span], valid_span[1] - valid_span[0]
    return [], 0


def _evidence_hit(text: str, gold: Mapping[str, Any], pred: Mapping[str, Any]) -> bool:
    gold_evidence = gold.get("evidence")
    if not isinstance(gold_evidence, str) or not gold_evidence:
        return False
    pred_spans, pred_len = _pred_evidence_spans(text, pred)
    if pred_len > max(2 * len(gold_evidence), EVIDENCE_MIN_LIMIT):
        return False
    return _overlaps(_occurrences(text, gold_evidence), pred_spans)


def _overlaps(gold_spans: Sequence[tuple[int, int]], pred_spans: Sequence[tuple[int, int]]) -> bool:
    return any(ps < ge and gs < pe for ps, pe in pred_spans for gs, ge in gold_spans)


def _same_text(
    text: str, gold: Sequence[Mapping[str, Any]], pred: Sequence[Mapping[str, Any]]
) -> set[tuple[int, int]]:
    """(gold, predicted) index pairs whose evidence overlaps in the text, whatever its length."""
    gold_spans = [_occurrences(text, e) if isinstance(e := g.get("evidence"), str) and e else [] for g in gold]
    pred_spans = [_pred_evidence_spans(text, p)[0] for p in pred]
    return {(gi, pi) for gi, gs in enumerate(gold_spans) if gs for pi, ps in enumerate(pred_spans) if _overlaps(gs, ps)}


def _is_exact(text: str, item: Mapping[str, Any]) -> bool:
    evidence = item.get("evidence")
    return isinstance(evidence, str) and bool(evidence) and evidence in text


# ---------------------------------------------------------------------------------------------
# Control


def _pair_control(
    gold: Sequence[Mapping[str, Any]], pred: Sequence[Mapping[str, Any]]
) -> list[tuple[int, int]]:
    gold_places = [_place(row.get("place_ar"), row) for row in gold]
    pred_places = [_place(row.get("place_ar"), row) for row in pred]
    candidates = []
    for gi, g in enumerate(gold):
        controller = _actor(g.get("controller"))
        for pi, p in enumerate(pred):
            if controller is None or _actor(p.get("controller")) != controller:
                continue
            tier = _place_tier(gold_places[gi], pred_places[pi])
            if tier is not None:
                candidates.append(((tier, gi, pi), gi, pi))
    return _greedy(candidates)


# ---------------------------------------------------------------------------------------------
# Scoring


def _list(record: Mapping[str, Any], key: str) -> list[Mapping[str, Any]]:
    items = record.get(key) or []
    if not isinstance(items, list) or not all(isinstance(x, Mapping) for x in items):
        raise UsageError(f"record {record.get('id')!r}: {key!r} must be a list of objects")
    return items


def _by_id(records: Sequence[Mapping[str, Any]], what: str) -> dict[str, Mapping[str, Any]]:
    out: dict[str, Mapping[str, Any]] = {}
    for record in records:
        if not isinstance(record, Mapping) or not isinstance(record.get("id"), str):
            raise UsageError(f'every {what} record must be an object with a string "id", got {record!r:.80}')
        if record["id"] in out:
            raise UsageError(
                f"{what} records contain the id {record['id']!r} twice; give one record per document"
            )
        out[record["id"]] = record
    return out


def _prf(tp: int, predicted: int, gold: int) -> tuple[Ratio, Ratio, Ratio]:
    return Ratio(tp, predicted), Ratio(tp, gold), Ratio(2 * tp, predicted + gold)


def _parse_ref(ref: str) -> tuple[str, int] | None:
    doc_id, sep, index = ref.rpartition("#")
    if not sep or not index.isdigit():
        return None
    return doc_id, int(index)


def score(
    gold: Sequence[Mapping[str, Any]],
    pred: Sequence[Mapping[str, Any]],
    dedup: Iterable[Sequence[str]] = (),
) -> Scores:
    """Score predicted records against gold documents by the README's rules.

    ``gold`` holds gold documents (as from :func:`load_gold`), ``pred`` one record per document
    with the same ``id``; a gold document without a record counts as predicting nothing. Records
    whose id is not in gold are not scored and are listed in ``unscored_pred_ids``. ``dedup`` is
    the groups of ``file-id#event-index`` references (as from :func:`dedup_groups`).
    """
    gold_docs = _by_id(gold, "gold")
    pred_docs = _by_id(pred, "predicted")

    n_gold = n_pred = tp_strict = tp_lenient = 0
    actor_pairs = actor1_ok = actor2_ok = 0
    counts_gold = counts_pred = counts_tp = 0
    control_gold = control_pred = control_tp = 0
    geo_den = geo_ok = 0
    exact_den = exact_ok = 0
    hits_den = hits_ok = 0
    details = []
    # (doc id, gold index) -> cluster of the paired prediction, for deduplication.
    clusters: dict[tuple[str, int], str] = {}
    groups_of: dict[tuple[str, int], str] = {}

    for doc_id, doc in gold_docs.items():
        text = doc.get("text") or ""
        record = pred_docs.get(doc_id, {})
        gold_raw = _list(doc, "events")
        pred_raw = _list(record, "events")
        gold_ev = [_event(e) for e in gold_raw]
        pred_ev = [_event(e) for e in pred_raw]
        for gi, g in enumerate(gold_raw):
            kind = g.get("kind")
            groups_of[(doc_id, gi)] = KIND_GROUPS.get(kind, kind) if isinstance(kind, str) else ""

        same_text = _same_text(text, gold_raw, pred_raw)
        strict = _pair_events(gold_ev, pred_ev, lenient=False, same_text=same_text)
        lenient = _pair_events(gold_ev, pred_ev, lenient=True, same_text=same_text)
        n_gold += len(gold_ev)
        n_pred += len(pred_ev)
        tp_strict += len(strict)
        tp_lenient += len(lenient)

        for gi, pi in lenient:
            g, p = gold_ev[gi], pred_ev[pi]
            a1, a2 = _actor_agreement(g, p)
            actor_pairs += 1
            actor1_ok += a1
            actor2_ok += a2
            g_items = _count_items(gold_raw[gi].get("counts"))
            p_items = _count_items(pred_raw[pi].get("counts"))
            counts_gold += len(g_items)
            counts_pred += len(p_items)
            counts_tp += len(g_items & p_items)
            if g.place.coords is not None:
                geo_den += 1
                geo_ok += _near(g.place.coords, p.place.coords)
            hits_den += 1
            hits_ok += _evidence_hit(text, gold_raw[gi], pred_raw[pi])
            cluster = pred_raw[pi].get("cluster")
            if isinstance(cluster, (str, int)) and not isinstance(cluster, bool) and str(cluster):
                clusters[(doc_id, gi)] = str(cluster)

        gold_ctl = _list(doc, "control")
        pred_ctl = _list(record, "control")
        ctl_pairs = _pair_control(gold_ctl, pred_ctl)
        control_gold += len(gold_ctl)
        control_pred += len(pred_ctl)
        control_tp += len(ctl_pairs)

        for item in (*pred_raw, *pred_ctl):
            exact_den += 1
            exact_ok += _is_exact(text, item)

        matched_gold = {gi for gi, _ in lenient}
        matched_pred = {pi for _, pi in lenient}
        details.append(
            DocumentDetails(
                doc_id=doc_id,
                gold_events=tuple(gold_raw),
                pred_events=tuple(pred_raw),
                strict_pairs=tuple(strict),
                lenient_pairs=tuple(lenient),
                unmatched_gold=tuple(i for i in range(len(gold_raw)) if i not in matched_gold),
                unmatched_pred=tuple(i for i in range(len(pred_raw)) if i not in matched_pred),
                control_pairs=tuple(ctl_pairs),
                unmatched_gold_control=tuple(
                    i for i in range(len(gold_ctl)) if i not in {g for g, _ in ctl_pairs}
                ),
                unmatched_pred_control=tuple(
                    i for i in range(len(pred_ctl)) if i not in {p for _, p in ctl_pairs}
                ),
            )
        )

    dedup_tp, dedup_pred, dedup_gold = _dedup_counts(dedup, groups_of, clusters)

    return Scores(
        *_prf(tp_strict, n_pred, n_gold),
        *_prf(tp_lenient, n_pred, n_gold),
        actor1_accuracy=Ratio(actor1_ok, actor_pairs),
        actor2_accuracy=Ratio(actor2_ok, actor_pairs),
        counts_precision=Ratio(counts_tp, counts_pred),
        counts_recall=Ratio(counts_tp, counts_gold),
        counts_f1=Ratio(2 * counts_tp, counts_pred + counts_gold),
        control_precision=Ratio(control_tp, control_pred),
        control_recall=Ratio(control_tp, control_gold),
        control_f1=Ratio(2 * control_tp, control_pred + control_gold),
        geocoding_within_5km=Ratio(geo_ok, geo_den),
        evidence_exact=Ratio(exact_ok, exact_den),
        evidence_hits=Ratio(hits_ok, hits_den),
        dedup_precision=Ratio(dedup_tp, dedup_pred),
        dedup_recall=Ratio(dedup_tp, dedup_gold),
        dedup_f1=Ratio(2 * dedup_tp, dedup_pred + dedup_gold),
        documents=tuple(details),
        unscored_pred_ids=tuple(i for i in pred_docs if i not in gold_docs),
    )


def _dedup_counts(
    dedup: Iterable[Sequence[str]],
    groups_of: Mapping[tuple[str, int], str],
    clusters: Mapping[tuple[str, int], str],
) -> tuple[int, int, int]:
    """(true positive, predicted, true) pairs of gold events in different documents.

    Only pairs whose kinds share a lenient group are considered at all (README "Deduplication"),
    so a cluster id shared across kinds neither helps nor hurts.
    """

    def eligible(a: tuple[str, int], b: tuple[str, int]) -> bool:
        return a[0] != b[0] and a in groups_of and b in groups_of and groups_of[a] == groups_of[b]

    true_pairs: set[frozenset[tuple[str, int]]] = set()
    for members in dedup:
        refs = sorted({r for r in (_parse_ref(m) for m in members) if r is not None})
        for i, a in enumerate(refs):
            for b in refs[i + 1 :]:
                if eligible(a, b):
                    true_pairs.add(frozenset((a, b)))

    by_cluster: dict[str, list[tuple[str, int]]] = defaultdict(list)
    for ref, cluster in clusters.items():
        by_cluster[cluster].append(ref)
    predicted: set[frozenset[tuple[str, int]]] = set()
    for refs in by_cluster.values():
        refs.sort()
        for i, a in enumerate(refs):
            for b in refs[i + 1 :]:
                if eligible(a, b):
                    predicted.add(frozenset((a, b)))
    return len(predicted & true_pairs), len(predicted), len(true_pairs)
