"""Event rules as data: the rule file's rows, the cue words and count nouns that go with them,
trigger matching, and the ACLED types of each kind.

Rules live in ``data/rules/events.tsv`` with stable ids (recorded on every event they make);
cue words in ``data/lexicon/cues.json``; count nouns in ``data/lexicon/counts.tsv``.
"""

from __future__ import annotations

import csv
import hashlib
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from importlib.abc import Traversable

from raqib.errors import DataFileError
from raqib.model import Event, Token, fast_init

KINDS = (
    "takeover", "withdrawal", "clash", "airstrike", "shelling", "explosion", "suicide_attack", "killing",
    "abduction", "arrest", "release", "surrender", "defection", "internal_clash", "siege", "protest",
    "agreement", "other",
)  # fmt: skip

#: ACLED event type and sub-event type per kind; takeovers and withdrawals are refined in ``acled_type``.
ACLED = {
    "takeover": ("Battles", "Non-state actor overtakes territory"),
    "withdrawal": ("Strategic developments", "Other"),
    "clash": ("Battles", "Armed clash"),
    "internal_clash": ("Battles", "Armed clash"),
    "airstrike": ("Explosions/Remote violence", "Air/drone strike"),
    "shelling": ("Explosions/Remote violence", "Shelling/artillery/missile attack"),
    "explosion": ("Explosions/Remote violence", "Remote explosive/landmine/IED"),
    "suicide_attack": ("Explosions/Remote violence", "Suicide bomb"),
    "killing": ("Violence against civilians", "Attack"),
    "abduction": ("Violence against civilians", "Abduction/forced disappearance"),
    "arrest": ("Strategic developments", "Arrests"),
    "release": ("Strategic developments", "Other"),
    "surrender": ("Strategic developments", "Other"),
    "defection": ("Strategic developments", "Change to group/activity"),
    "siege": ("Strategic developments", "Other"),
    "protest": ("Protests", "Peaceful protest"),
    "agreement": ("Strategic developments", "Agreement"),
    "other": ("Strategic developments", "Other"),
}

#: Actors that only strike from the air in these conflicts: قصف by them is an air strike.
@dataclass(frozen=True, slots=True)
class Rule:
    """One row of the event rules."""

    id: str
    """Stable id recorded on every event the rule makes."""
    kind: str
    """Event kind."""
    patterns: tuple[tuple[re.Pattern[str], bool], ...]
    """Token patterns in order; the flag says a gap of up to six tokens may come before it."""
    agent: str
    """subject, by, or a fixed actor id."""
    patient: frozenset[str]
    """Marker words introducing actor2, or {"between"} / {"_direct"}."""
    place: str
    """object, from or any."""
    weak: bool
    """Only counts when no strong rule fires in the sentence."""


@dataclass(frozen=True, slots=True)
class RuleSet:
    """The event rules, the cue words and the count nouns, with a version for provenance."""

    rules: tuple[Rule, ...]
    """Rules in file order (the tie-break order)."""
    cues: Mapping[str, frozenset[str]]
    """Cue word sets by name (negation_before, hedge, claim ...)."""
    count_nouns: tuple[tuple[re.Pattern[str], str, Mapping[str, str]], ...]
    """(pattern, key, per-kind keys) for the nouns after a number."""
    version: str
    """sha256 (12 hex) of the rule, cue and count files."""


def _rows(path: Traversable) -> list[dict[str, str]]:
    lines = [ln for ln in path.read_text("utf-8").splitlines() if ln and not ln.startswith("#")]
    return list(csv.DictReader(lines, delimiter="\t", quoting=csv.QUOTE_NONE))


def load_rules(data: Traversable | None = None) -> RuleSet:
    """Read ``rules/events.tsv``, ``lexicon/cues.json`` and ``lexicon/counts.tsv`` from ``data``
    (default: the packaged data directory)."""
    data = data or resources.files("raqib").joinpath("data")
    rules_path = data.joinpath("rules/events.tsv")
    rules = []
    digest = hashlib.sha256()
    for n, row in enumerate(_rows(rules_path), start=1):
        try:
            patterns = []
            for part in row["trigger"].split(" "):
                gap = part.startswith("…")
                patterns.append((re.compile(part.lstrip("…")), gap))
            if row["kind"] not in KINDS:
                raise ValueError(f"unknown kind {row['kind']!r}; expected one of {', '.join(KINDS)}")
            if row["strength"] not in ("weak", "strong"):
                raise ValueError(f"strength {row['strength']!r} is not weak or strong")
            rules.append(
                Rule(
                    id=row["id"],
                    kind=row["kind"],
                    patterns=tuple(patterns),
                    agent=row["agent"],
                    patient=frozenset(p for p in row["patient"].split("|") if p and p != "-"),
                    place=row["place"],
                    weak=row["strength"] == "weak",
                )
            )
        except (KeyError, ValueError, re.error, AttributeError) as exc:
            raise DataFileError(str(rules_path), f"rule row {n}: {exc}") from exc
    cues_text = data.joinpath("lexicon/cues.json").read_text("utf-8")
    cues = {k: frozenset(v) for k, v in json.loads(cues_text).items() if not k.startswith("_")}
    nouns = []
    counts_path = data.joinpath("lexicon/counts.tsv")
    for row in _rows(counts_path):
        per_kind = dict(p.split("=", 1) for p in row["kind_keys"].split(",") if "=" in p) if row["kind_keys"] else {}
        nouns.append((re.compile(row["pattern"]), row["key"], per_kind))
    for path in (rules_path, counts_path):
        digest.update(path.read_bytes())
    digest.update(cues_text.encode())
    return RuleSet(tuple(rules), cues, tuple(nouns), digest.hexdigest()[:12])


@fast_init
@dataclass(frozen=True, slots=True)
class Trigger:
    """A rule matched at some tokens of a sentence."""

    rule: Rule
    """The rule that matched."""
    start: int
    """Index of the first trigger token in the sentence."""
    end: int
    """Index one past the last trigger token."""


def tok_matches(pattern: re.Pattern[str], tok: Token) -> bool:
    """A token pattern matches the token's key or its stem in full."""
    return bool(pattern.fullmatch(tok.key) or pattern.fullmatch(tok.stem))


def match(rule: Rule, toks: Sequence[Token], i: int, blocked: set[int]) -> int:
    """Index one past a match of ``rule`` starting at token ``i`` (0 when it does not match)."""
    pos = i
    for n, (pattern, gap) in enumerate(rule.patterns):
        limit = pos + (7 if gap and n else 1)
        for k in range(pos, min(limit, len(toks))):
            if k not in blocked and tok_matches(pattern, toks[k]):
                pos = k + 1
                break
        else:
            return 0
    return pos


def acled_type(event: Event, state_actors: frozenset[str], text: str) -> tuple[str | None, str | None]:
    """ACLED event type and sub-event type: state vs non-state takeovers by the actor's kind,
    and handovers "دون معارك" as non-violent transfers."""
    event_type, sub = ACLED[event.kind]
    evidence = text[event.evidence_start : event.evidence_end]
    if event.kind == "takeover":
        if re.search(r"(دون|بدون)\s+(قتال|معارك|مواجهات|اشتباكات)|تسليم|تسلم", evidence):
            return "Strategic developments", "Non-violent transfer of territory"
        if event.actor1 in state_actors:
            return "Battles", "Government regains territory"
    return event_type, sub
