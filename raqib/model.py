"""The frozen records that the pipeline stages pass to one another.

Every item that comes from the text keeps ``start_char``/``end_char`` offsets into the
original ``Document.text``; nothing here ever holds rewritten text as if it were the source.
"""

from __future__ import annotations

import datetime as dt
import inspect
from collections.abc import Callable
from dataclasses import MISSING, Field, dataclass, field, fields, replace
from operator import attrgetter
from typing import Any, TypeVar

_T = TypeVar("_T")


def _plain_fields(cls: type) -> tuple[Field[Any], ...] | None:
    """The fields of a frozen, slotted dataclass whose ``__init__`` only sets them, in order (None for
    any other class): ``__post_init__``, default factories, keyword-only or init-less fields, or a
    slot of its own (``__weakref__``) keep the dataclass's own."""
    fs = fields(cls)
    names = [f.name for f in fs]
    params = list(inspect.signature(cls.__init__).parameters.values())[1:]  # type: ignore[misc]
    plain = [p.name for p in params if p.kind is inspect.Parameter.POSITIONAL_OR_KEYWORD] == names == [
        p.name for p in params
    ]
    if (
        not plain
        or "self" in names
        or tuple(getattr(cls, "__slots__", ())) != tuple(names)
        or not cls.__dataclass_params__.frozen  # type: ignore[attr-defined]
        or hasattr(cls, "__post_init__")
        or any(f.default_factory is not MISSING for f in fs)
    ):
        return None
    return fs


def fast_init(cls: type[_T]) -> type[_T]:
    """Give a frozen, slotted dataclass an ``__init__`` that sets each slot through the slot's own
    setter, with the same parameters, defaults and result as the dataclass's.

    A frozen dataclass's ``__init__`` sets every field with ``object.__setattr__(self, name, value)``,
    which looks the name up again for every field of every object; the pipeline makes hundreds of
    these objects per document (mentions, triggers, events, and ``dataclasses.replace`` copies), and
    the slot setters take about half the time. A class whose ``__init__`` does anything else
    (``__post_init__``, default factories, keyword-only or init-less fields) keeps its own."""
    fs = _plain_fields(cls)
    if fs is None:
        return cls
    names = [f.name for f in fs]
    scope: dict[str, object] = {f"_set{i}": getattr(cls, n).__set__ for i, n in enumerate(names)}
    scope.update({f"_default{i}": f.default for i, f in enumerate(fs) if f.default is not MISSING})
    args = ", ".join(n + (f"=_default{i}" if fs[i].default is not MISSING else "") for i, n in enumerate(names))
    body = "".join(f"    _set{i}(self, {n})\n" for i, n in enumerate(names))
    exec(f"def __init__(self, {args}):\n{body}", scope)  # noqa: S102 - code made above from the field names
    init = scope["__init__"]
    init.__qualname__ = f"{cls.__qualname__}.__init__"  # type: ignore[attr-defined]
    cls.__init__ = init  # type: ignore[misc]
    return cls


def fast_maker(cls: type[_T]) -> Callable[..., _T]:
    """A constructor of a ``fast_init`` class for the hottest loops (every token of every document):
    same parameters, same result (an instance of ``cls`` itself, equal to ``cls(...)``), twice as fast.

    Even through the slot setters, a frozen instance costs a call per field. The maker builds the
    object as an instance of a plain class with the same slots, whose attributes are stored by the
    interpreter's own fast path, then gives it its real class (allowed between classes with the same
    slots). A class ``fast_init`` leaves alone is its own maker.

    The maker is a function rather than a class with an ``__init__``: calling a Python function is
    inlined by the interpreter, while a class call goes through ``type.__call__`` and the ``__init__``
    slot (about 600 instructions more per object)."""
    fs = _plain_fields(cls)
    if fs is None:
        return cls
    names = [f.name for f in fs]
    plain = type(f"_{cls.__name__}Slots", (), {"__slots__": tuple(names)})
    scope: dict[str, object] = {"_cls": cls, "_plain": plain}
    scope.update({f"_default{i}": f.default for i, f in enumerate(fs) if f.default is not MISSING})
    args = ", ".join(n + (f"=_default{i}" if fs[i].default is not MISSING else "") for i, n in enumerate(names))
    body = "".join(f"    self.{n} = {n}\n" for n in names)
    exec(  # noqa: S102 - code made above from the field names
        f"def make({args}):\n    self = _plain()\n{body}    self.__class__ = _cls\n    return self\n", scope
    )
    maker = scope["make"]
    maker.__qualname__ = maker.__name__ = f"make_{cls.__name__}"  # type: ignore[attr-defined]
    return maker  # type: ignore[return-value]


def fast_replacer(cls: type[_T]) -> Callable[..., _T]:
    """``dataclasses.replace`` for one class: ``replacer(obj, **changes)`` gives the same copy through
    ``fast_maker(cls)``, with the old values read in one C call (``replace`` loops over the fields in
    Python and then calls the class)."""
    if _plain_fields(cls) is None:
        return replace
    make = fast_maker(cls)
    names = tuple(f.name for f in fields(cls))  # type: ignore[arg-type]
    values = attrgetter(*names)

    def replacer(obj: _T, /, **changes: Any) -> _T:
        given = dict(zip(names, values(obj)))
        given.update(changes)
        return make(**given)

    replacer.__qualname__ = replacer.__name__ = f"replace_{cls.__name__}"
    return replacer


@fast_init
@dataclass(frozen=True, slots=True)
class Document:
    """One news report as read by ``ingest``."""

    id: str
    """Stable identifier: given by the input, or a content hash when none is given."""
    text: str
    """The article text exactly as read (title line first when the source has one)."""
    url: str | None = None
    """Public address of the report, when known."""
    outlet: str | None = None
    """Name of the outlet or agency that published it."""
    published: dt.date | None = None
    """Publication day; the anchor for relative dates. None when unknown."""
    title: str | None = None
    """Headline, when the source gives one apart from the text."""
    origin: str | None = None
    """Where the document was read from (file path, feed URL, ``<stdin>``), for error messages."""
    warnings: tuple[str, ...] = ()
    """Problems met while reading it that did not stop it being read (e.g. bytes that were not
    valid UTF-8); they end in the output record's ``warnings`` and the stored document's reason."""


@fast_init
@dataclass(frozen=True, slots=True)
class Token:
    """One token of a sentence with its proclitics split off."""

    start_char: int
    """Offset of the token's first character in ``Document.text``."""
    end_char: int
    """Offset one past the token's last character."""
    text: str
    """The original characters ``text[start_char:end_char]``."""
    key: str
    """Matching key of the whole token (see ``normalize.match_key``)."""
    stem: str
    """Matching key with proclitics (و ف ب ل ك) and the article ال removed."""
    clitics: str
    """The proclitics removed from the front, as key characters (e.g. "وال")."""


@fast_init
@dataclass(frozen=True, slots=True)
class Sentence:
    """A sentence (or title line) of a document."""

    start_char: int
    """Offset of the first character."""
    end_char: int
    """Offset one past the last character (trailing space excluded)."""
    text: str
    """``Document.text[start_char:end_char]``."""
    tokens: tuple[Token, ...]
    """Word tokens in order; punctuation is not a token."""
    paragraph: int
    """Zero-based index of the paragraph (line) the sentence is in."""


@fast_init
@dataclass(frozen=True, slots=True)
class Quantity:
    """A number as the text states it, with its range and qualifier."""

    stated: int | None
    """The number written in the text (None for vague amounts such as "عشرات")."""
    low: int | None
    """Smallest value the wording allows, when it implies one."""
    high: int | None
    """Largest value the wording allows, when it implies one."""
    qualifier: str
    """exact, more_than, at_least, about, up_to, less_than or vague."""
    start_char: int
    """Offset of the first character of the expression (qualifier included)."""
    end_char: int
    """Offset one past the expression."""


@fast_init
@dataclass(frozen=True, slots=True)
class DateRef:
    """A date expression resolved (where possible) against the publication day."""

    start: dt.date | None
    """First day the expression covers; None when it cannot be resolved."""
    end: dt.date | None
    """Last day the expression covers (equal to ``start`` for a single day)."""
    precision: str
    """day, span, month or unknown."""
    start_char: int
    """Offset of the first character of the expression."""
    end_char: int
    """Offset one past the expression."""
    relative: bool
    """True when the expression depends on the publication day (أمس، الخميس الماضي ...)."""
    source: str = "text"
    """text (the sentence states it), context (an earlier date of the paragraph or the lead) or
    published (the report's day, ACLED's practice for a same-day report that gives no day); in an
    output record also "cluster" (a weekday of an undated report placed by other reports of the same
    happening, ``raqib.dedup.weekday_day``) and "analyst" (a correction)."""


@fast_init
@dataclass(frozen=True, slots=True)
class ActorMention:
    """A span naming an armed actor, an outlet-affiliated side or civilians."""

    actor: str
    """Canonical actor id (SDF, ISIS, SYR-GOV ...)."""
    start_char: int
    """Offset of the first character of the alias (proclitics excluded)."""
    end_char: int
    """Offset one past the alias."""
    alias: str
    """The dictionary alias that matched (its key form)."""
    anaphor: bool = False
    """True for a resolved back-reference such as "التنظيم" or "الأخير"."""


@fast_init
@dataclass(frozen=True, slots=True)
class PlaceMention:
    """A span naming a place, with the generic word before it and the context after it."""

    name: str
    """The place name as written (without a leading generic word such as قرية)."""
    start_char: int
    """Offset of the first character of the name."""
    end_char: int
    """Offset one past the name."""
    feature: str | None
    """The generic word before the name, as key (قريه، بلده، مدينه، ريف ...), when there is one."""
    gazetteer_ids: tuple[str, ...] = ()
    """Candidate gazetteer ids whose name matched, best first."""
    context: str | None = None
    """Admin context the text attaches ("التابعة لبلدة الشعفة في ريف دير الزور الشرقي")."""
    parent: str | None = None
    """Name of the place this one is said to belong to (التابعة لبلدة X), when stated."""


@fast_init
@dataclass(frozen=True, slots=True)
class Place:
    """A geocoded place."""

    name_ar: str
    """The place as written in the text."""
    lat: float | None
    """WGS84 latitude, None when the place could not be located."""
    lon: float | None
    """WGS84 longitude."""
    gazetteer_id: str | None
    """Id of the gazetteer entry used (the containing place's id when ``precision`` is coarser)."""
    admin: tuple[str, ...]
    """Admin path in Arabic, governorate first, when known."""
    country: str | None
    """ISO 3166 alpha-2 code."""
    precision: str
    """village, town, city, district, governorate, country or unknown (coarser than the name when
    only the containing area could be located)."""
    matched_by: str = "exact"
    """How the entry was found: exact, variant, cross-script, context or none."""
    score: float = 1.0
    """Confidence of the match between 0 and 1."""
    pcode: str | None = None
    """OCHA P-code, when known."""
    alternatives: tuple[str, ...] = ()
    """Other candidate gazetteer ids, best first."""


@fast_init
@dataclass(frozen=True, slots=True)
class Event:
    """One coded event: one kind, one actor pair, one place, one day (or span)."""

    kind: str
    """Event kind from the dev README list (takeover, clash, airstrike ...)."""
    actor1: str | None
    """The acting side (see the actor-order conventions)."""
    actor2: str | None
    """The side acted upon, or None."""
    place: Place | None
    """Where it happened, None when the text names no place."""
    place_start: int | None
    """Offset of the place name in the text."""
    place_end: int | None
    """Offset one past the place name."""
    date: DateRef | None
    """When it happened, None when the text does not say."""
    counts: tuple[tuple[str, Quantity], ...]
    """Numbers the text states, keyed by count name (fatalities, arrested ...)."""
    certainty: str
    """reported, claimed or speculative."""
    claimant: str | None
    """Who the claim is attributed to (actor id or outlet), for claimed events."""
    evidence_start: int
    """Offset of the evidence sentence or clause."""
    evidence_end: int
    """Offset one past the evidence."""
    rule_id: str
    """Id of the rule that produced the event."""
    confidence: float
    """Rough confidence between 0 and 1."""
    extent: str | None = None
    """For takeovers: whole, part, outskirts or around."""
    assoc: tuple[str, ...] = ()
    """Actors acting jointly with actor1."""
    background: bool = False
    """True for an earlier event mentioned in passing (سبق أن، في وقت سابق)."""
    actor1_inferred: bool = False
    """True when the sentence names no acting side and actor1 was taken from the rest of the report."""


@fast_init
@dataclass(frozen=True, slots=True)
class ControlClaim:
    """A statement that an actor holds (or partly holds, contests, besieges) a place."""

    place_name: str
    """The place as written."""
    place: Place | None
    """The geocoded place."""
    controller: str
    """Actor id."""
    status: str
    """held, partial, contested or besieged."""
    as_of: DateRef | None
    """The day the claim is about, when known."""
    evidence_start: int
    """Offset of the evidence clause."""
    evidence_end: int
    """Offset one past it."""
    rule_id: str
    """Id of the rule (or event rule) that produced the claim."""
    source_event: int | None = None
    """Index of the event the claim was derived from, if any."""


@fast_init
@dataclass(frozen=True, slots=True)
class Extraction:
    """Everything raqib read from one document."""

    document: Document
    """The document the items point into."""
    events: tuple[Event, ...]
    """Coded events in text order."""
    control: tuple[ControlClaim, ...]
    """Control claims in text order."""
    warnings: tuple[str, ...] = field(default=())
    """Problems met while reading that did not stop extraction."""
