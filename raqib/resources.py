"""The one object that holds everything loaded from data files: actor dictionary, gazetteer,
place lexicon and event rules. Built once at start-up and passed to the pipeline; nothing is
loaded at import time and nothing is global.

Packaged data is found with ``importlib.resources``; ``RAQIB_DATA_DIR`` (a directory laid out
like ``raqib/data``) and ``RAQIB_GAZETTEER`` (an index file) override it.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from raqib.actors import ActorBook, load_actor_book
from raqib.events import EventCoder
from raqib.gazetteer import Gazetteer, gazetteer_version, load_gazetteer
from raqib.heap import collector_paused
from raqib.model import Place
from raqib.normalize import match_key
from raqib.recognize.actors import ActorFinder
from raqib.recognize.places import PlaceFinder, strip_article
from raqib.rules import RuleSet, load_rules

#: Feature types whose names are taken as places even without a preposition before them.
_STRONG_FEATURES = frozenset(["city", "town", "governorate", "district", "country"])


@dataclass(frozen=True)
class Resources:
    """Everything the pipeline reads from data files."""

    actors: ActorBook
    """Actor ids, aliases, affiliations and outlets."""
    gazetteer: Gazetteer
    """The place index."""
    rules: RuleSet
    """Event rules, cues and count nouns."""
    actor_finder: ActorFinder
    """Alias matcher built from ``actors``."""
    place_finder: PlaceFinder
    """Place-phrase matcher built from the gazetteer and the lexicon."""
    coder: EventCoder
    """The rule engine."""
    state_actors: frozenset[str]
    """Actor ids that are state forces (their takeovers are "Government regains territory")."""
    geocode_cache: dict[tuple[str, str | None, str | None, str | None], Place] = field(default_factory=dict)
    """Answers of the geocoder for (name, context, country, parent): reports name the same
    villages again and again, and the answer depends on nothing else."""
    near_geocode_cache: dict[
        tuple[str, str | None, str | None, tuple[tuple[float, float], ...]], Place
    ] = field(default_factory=dict)
    """Answers of the geocoder for an ambiguous name without a parent place, asked again with the
    positions of the report's other places (name, context, country, positions)."""
    name_countries: dict[str, frozenset[str | None]] = field(default_factory=dict)
    """The countries of the towns, cities and governorates a place name (as written) names: the
    votes of ``pipeline.guess_country``."""

    @property
    def versions(self) -> dict[str, str]:
        """Versions of the rule set and the gazetteer, recorded with every event."""
        return {"rules": self.rules.version, "gazetteer": self.gazetteer.version}


def _data_dir(data_dir: Path | None) -> Path | None:
    env_data = os.environ.get("RAQIB_DATA_DIR")
    return data_dir or (Path(env_data) if env_data else None)


def resource_versions(data_dir: Path | None = None, gazetteer_path: Path | None = None) -> dict[str, str]:
    """``load_resources(...).versions`` in a tenth of the time, for a process that extracts nothing (the
    batch client, whose workers load the resources): the actor book and rules are read and checked as
    ``load_resources`` reads them, the gazetteer index only opened and hashed."""
    data = _data_dir(data_dir)
    load_actor_book(data)
    rules = load_rules(data) if data else load_rules()
    return {"rules": rules.version, "gazetteer": gazetteer_version(gazetteer_path)}


def load_resources(data_dir: Path | None = None, gazetteer_path: Path | None = None) -> Resources:
    """Load all resources (about a second; do it once per process)."""
    with collector_paused():  # about 200,000 objects that live on; the collector's walks cost a third of the load
        return _load(data_dir, gazetteer_path)


def _load(data_dir: Path | None, gazetteer_path: Path | None) -> Resources:
    data = _data_dir(data_dir)
    actors = load_actor_book(data)
    gaz = load_gazetteer(gazetteer_path)
    rules = load_rules(data) if data else load_rules()
    alias_index = actors.alias_index()
    # One-word aliases and trigger-like words must not be read as one-word place names.
    blocked = frozenset(k[0] for k in alias_index if len(k) == 1)
    strong = frozenset(
        key
        for key, ids in gaz.name_index.items()
        if any(gaz.entries[i].feature in _STRONG_FEATURES for i in ids)
    )
    state = frozenset(a.id for a in actors.actors.values() if a.state)
    whole = frozenset(
        strip_article(match_key(name).split()[0])
        for e in gaz.entries
        for name in e.names_ar
        if name.strip()
    )
    return Resources(
        actors=actors,
        gazetteer=gaz,
        rules=rules,
        actor_finder=ActorFinder(alias_index),
        place_finder=PlaceFinder(gaz.name_index, gaz.max_words, strong=strong, blocked=blocked, whole_words=whole),
        coder=EventCoder(
            rules, state, [(a.actor, a.member_of, a.valid_from, a.valid_to) for a in actors.affiliations]
        ),
        state_actors=state,
    )
