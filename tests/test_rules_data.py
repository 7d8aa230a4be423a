"""The rule files: every file loads and fits its schema, and rules come from the language, never
from one article (no place name, date or outlet in any rule)."""

from __future__ import annotations

import re
from importlib import resources

import pytest

from raqib.rules import KINDS, load_rules


def test_rules_load_with_unique_ids_and_known_kinds() -> None:
    rules = load_rules()
    ids = [r.id for r in rules.rules]
    assert len(ids) == len(set(ids))
    assert all(re.fullmatch(r"[a-z_]+\.[a-z_]+\.v\d+", i) for i in ids)
    assert {r.kind for r in rules.rules} <= set(KINDS)
    assert len(rules.version) == 12


def test_no_rule_names_a_place_a_date_or_an_outlet() -> None:
    from raqib.actors import load_actor_book
    from raqib.gazetteer import load_gazetteer
    from raqib.normalize import bare

    text = resources.files("raqib").joinpath("data/rules/events.tsv").read_text("utf-8")
    cues = resources.files("raqib").joinpath("data/lexicon/cues.json").read_text("utf-8")
    words = set(re.findall(r"[\u0621-\u064a]{3,}", text + cues))
    from raqib.recognize.places import load_place_lexicon

    gaz = load_gazetteer()
    lexicon = load_place_lexicon()
    # Generic place words and common words that gazetteers also list as towns (خرج is a verb and
    # a Saudi town) are vocabulary, not an article's place.
    generic = set(lexicon.generic) | set(lexicon.common)
    # Towns, cities and governorates: the names an article-specific rule would carry.
    big = {k[0] for k, ids in gaz.name_index.items() if len(k) == 1
           and any(gaz.entries[i].feature in ("city", "governorate") for i in ids)}  # fmt: skip
    assert not ({bare(w) for w in words} - generic) & big
    rules_only = "\n".join(ln for ln in text.splitlines() if not ln.startswith("#"))
    assert not re.search(r"\d{4}-\d{2}-\d{2}|\b(19|20)\d{2}\b", rules_only)
    # Ordinary words that are also an outlet's name: "مسيرة" is a drone and the Houthis' TV channel.
    ordinary = {"مسيره"}
    outlets = {bare(o.name) for o in load_actor_book().outlets} - ordinary
    assert not {bare(w) for w in words} & outlets


@pytest.mark.parametrize("path", ["data/lexicon/places.json", "data/lexicon/cues.json", "data/charmaps/arabic_keys.json"])
def test_lexicons_carry_a_provenance_note(path: str) -> None:
    text = resources.files("raqib").joinpath(path).read_text("utf-8")
    assert '"_about"' in text
