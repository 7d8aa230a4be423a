"""The fast paths of the pipeline give the answers of the plain code they stand in for: cached word
tests equal the patterns they cache, bisections equal linear scans, the token maker equals the
dataclass constructor. Inputs are the sentences of the dev reports (tests/data/dev)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from raqib import control, event_clauses, events
from raqib.evaluate import load_gold
from raqib.model import Token
from raqib.normalize import bare, normalize, strip_clitics
from raqib.recognize import places
from raqib.rules import load_rules
from raqib.segment import segment

DEV = Path(__file__).parent / "data" / "dev"


@pytest.fixture(scope="module")
def dev_sentences():  # type: ignore[no-untyped-def]
    """(text, sentences) of every dev report."""
    out = []
    for g in load_gold(DEV):
        out.append((g["text"], segment(g["text"], normalize(g["text"]))))
    return out


def test_tokens_equal_plain_construction(dev_sentences) -> None:  # type: ignore[no-untyped-def]
    for text, sentences in dev_sentences:
        for s in sentences:
            for t in s.tokens:
                clitics, stem = strip_clitics(t.key)
                assert t == Token(t.start_char, t.end_char, text[t.start_char : t.end_char], t.key, stem, clitics)


def test_cached_word_tests_equal_their_patterns(dev_sentences) -> None:  # type: ignore[no-untyped-def]
    seen = 0
    for text, sentences in dev_sentences:
        for s in sentences:
            for t in s.tokens:
                w = t.stem
                cue = (
                    w in control._SITARA
                    or w == "مقر"
                    or bool(control._HOLD_VERBS.fullmatch(w))
                    or bool(control._CAPTURE_VERBS.fullmatch(w))
                    or bool(control._SEAT_VERBS.fullmatch(w))
                )
                assert control._may_cue(w) == cue
                assert control._handover_word(w) == bool(control._HANDOVER.fullmatch(w))
                seen += cue
            for a, b in zip(s.tokens, s.tokens[1:], strict=False):
                gap = text[a.end_char : b.start_char]
                assert places._breaks(gap) == bool(places._BREAK.search(gap))
    assert seen > 0  # the dev reports state control somewhere


def test_cue_words_are_candidates() -> None:
    for word in ("يسيطر", "سيطرتها", "قبضه", "مقر", "اتخذت", "تحتضن", "سيطرت", "استعادت", "يتمركزون"):
        assert control._may_cue(word), word
    for word in ("قريه", "اليوم", "قوات"):
        assert not control._may_cue(word), word


def test_any_word_equals_a_scan(dev_sentences) -> None:  # type: ignore[no-untyped-def]
    cues = load_rules().cues
    for _, sentences in dev_sentences:
        for s in sentences:
            for words in cues.values():
                plain = any(t.key in words or t.stem in words for t in s.tokens)
                assert event_clauses._any_word(s.tokens, words) == plain
                assert event_clauses._any_word(s.tokens[:3], words) == any(t.key in words or t.stem in words for t in s.tokens[:3])


def test_sentence_and_token_bisection_equal_scans(dev_sentences) -> None:  # type: ignore[no-untyped-def]
    for text, sentences in dev_sentences:
        offsets = range(0, len(text) + 1, 7)
        for pos in offsets:
            plain = next((k for k, s in enumerate(sentences) if s.start_char <= pos < s.end_char), None)
            assert event_clauses._sentence_at(sentences, pos) == plain
        grouped = event_clauses._by_sentence(sentences, list(offsets), lambda p: p)
        assert grouped == [[p for p in offsets if s.start_char <= p < s.end_char] for s in sentences]
        for s in sentences:
            toks = s.tokens
            if not toks:
                continue
            spans = [(toks[0].start_char, toks[0].end_char), (toks[-1].start_char - 1, toks[-1].end_char + 3)]
            assert event_clauses._tokens_in(toks, spans) == {
                k for k, t in enumerate(toks) for a, b in spans if a <= t.start_char < b
            }


def test_cached_bare_equals_uncached(dev_sentences) -> None:  # type: ignore[no-untyped-def]
    for _, sentences in dev_sentences:
        for s in sentences[:3]:
            assert bare(s.text) == bare.__wrapped__(s.text)


def test_cached_allies_equal_fresh_answers() -> None:
    day = dt.date(2020, 6, 1)
    alliances = [("A", "B", None, None), ("A", "C", dt.date(2021, 1, 1), None), ("D", "A", None, dt.date(2019, 1, 1))]
    coder = events.EventCoder(load_rules(), frozenset(), alliances)
    for actor in ("A", "B", "C", "D", None):
        for when in (day, None, dt.date(2022, 1, 1)):
            first = coder.allies(actor, when)
            assert coder.allies(actor, when) == first  # from the cache
            fresh = events.EventCoder(load_rules(), frozenset(), alliances).allies(actor, when)
            assert first == fresh
    assert coder.allies("A", day) == frozenset({"B"})
    assert coder.allies("A", None) == frozenset({"B", "C", "D"})


def test_control_word_tests_equal_their_patterns(dev_sentences) -> None:  # type: ignore[no-untyped-def]
    for _, sentences in dev_sentences:
        for s in sentences:
            for t in s.tokens:
                closing = bool(control._CLOSE.fullmatch(t.key) or control._CLOSE.fullmatch(t.stem))
                assert control._closing_word(t.key, t.stem) == closing
                assert control._freed_word(t.key) == bool(control._FREED.fullmatch(t.key))
                assert control._expel_word(t.stem) == bool(control._EXPEL.fullmatch(t.stem))
    for word in ("اغلقت", "يقطع", "سدوا"):
        assert control._closing_word(word, word), word
    assert control._freed_word("محررا") and control._expel_word("طردت") and not control._expel_word("خرج")


def test_rules_at_equals_matching_every_rule(dev_sentences) -> None:  # type: ignore[no-untyped-def]
    from raqib.rules import tok_matches

    rules = load_rules()
    coder = events.EventCoder(rules, frozenset())
    starting_any = 0
    for _, sentences in dev_sentences:
        for s in sentences:
            starting = coder.rules_at(s.tokens)
            assert starting == [tuple(r for r in rules.rules if tok_matches(r.patterns[0][0], t)) for t in s.tokens]
            assert coder.rules_at(s.tokens) == starting  # from the cache
            # the triggers given the look-up are those it makes itself
            assert coder.triggers(s, set(), None, starting) == coder.triggers(s, set())
            # a sentence the coder skips (no word starts a rule) has no trigger
            if not any(starting):
                assert coder.triggers(s, set()) == []
            starting_any += any(starting)
    assert starting_any > 0


def test_sentence_word_tests_equal_token_scans(dev_sentences) -> None:  # type: ignore[no-untyped-def]
    from raqib.event_refs import any_word, word_positions

    coder = events.EventCoder(load_rules(), frozenset())
    cue_lists = [words for words in coder.cue.values() if isinstance(words, frozenset)]
    found = 0
    for _, sentences in dev_sentences[:40]:
        for s in sentences:
            toks = s.tokens
            for words in cue_lists:
                says = coder._says(toks, words)  # the sentence's words gathered on the first question
                assert says == any_word(toks, words)
                positions = word_positions(toks, words)
                assert positions == [k for k, t in enumerate(toks) if t.key in words or t.stem in words]
                assert says == bool(positions)
                found += says
    assert found > 0


def test_undouble_equals_the_template_substitution() -> None:
    import re

    from raqib.gazetteer.latin import _DOUBLE, _split_quals, latin_key, undouble

    for word in ("kafrnabudda", "tallrifaat", "muhammadiyya", "aaa bbb", "halab", "", "x", "ssss"):
        assert undouble(word) == _DOUBLE.sub(r"\1", word)
    for name in ("Kafr Nabudda", "Baghuz Fawqani", "Upper Baguz", "Tall Rifaat", "al-Kashma", "Kishmah"):
        key = latin_key(name)
        parts = key.split()
        plain = " ".join(p for p in parts if not p.startswith("^")), frozenset(p for p in parts if p[0] == "^")
        assert _split_quals.__wrapped__(key) == plain
    assert re.fullmatch(r"bagaz \^\w", latin_key("Baghuz Fawqani"))


def test_pool_rows_list_every_form_once_by_letter() -> None:
    from raqib.gazetteer.latin import _split_quals
    from raqib.geocode.candidates import _base_forms, _rows

    keys = ("alsafafna", "kafr ram", "bagaz ^u", "halab")
    rows = _rows(keys, 7, "en")
    forms = [(b, k) for k in keys for b in _base_forms(_split_quals(k)[0])]
    assert rows.latin == [b for b, _ in forms]
    assert rows.meta == [(k, 7, "en") for _, k in forms]
    for letter, (latin, meta) in rows.by_letter.items():
        assert latin == [b for b, _ in forms if b[:1] == letter]
        assert meta == [(k, 7, "en") for b, k in forms if b[:1] == letter]


def test_near_passes_over_only_cells_out_of_reach() -> None:
    import math
    import random

    from raqib.gazetteer import load_gazetteer

    gaz = load_gazetteer()

    def plain(lat: float, lon: float, km: float) -> list[int]:
        r = int(km / 22.0) + 1
        ci, cj = int(lat * 4 // 1), int(lon * 4 // 1)
        out = []
        for di in range(-r, r + 1):
            for dj in range(-r, r + 1):
                for i, elat, elon in gaz._grid_points.get((ci + di, cj + dj), ()):
                    x = (elon - lon) * math.cos(math.radians((lat + elat) / 2))
                    if 111.195 * math.hypot(x, elat - lat) <= km:
                        out.append(i)
        return out

    rng = random.Random(5)
    placed = [e for e in gaz.entries if e.lat is not None and e.lon is not None]
    found = 0
    for _ in range(300):
        e = rng.choice(placed)
        lat, lon = e.lat + rng.uniform(-0.3, 0.3), e.lon + rng.uniform(-0.3, 0.3)
        for km in (1.0, 8.0, 21.9, 30.0, 45.0):
            assert gaz.near(lat, lon, km) == plain(lat, lon, km)
        assert gaz.near(e.lat, e.lon, 8.0) == plain(e.lat, e.lon, 8.0)
        found += len(plain(lat, lon, 30.0))
    assert found > 0
    # a radius of exactly the distance to an entry of a full cell nearby: that entry is on the edge,
    # where the latitude bands of full cells must leave the decision to the distance itself
    full = [cell for cell, pts in gaz._grid_points.items() if len(pts) > 40]
    edges = 0
    for _ in range(300):
        _, elat, elon = rng.choice(gaz._grid_points[rng.choice(full)])
        e = rng.choice(placed)
        km = 111.195 * math.hypot((elon - e.lon) * math.cos(math.radians((e.lat + elat) / 2)), elat - e.lat)
        if 1.0 <= km <= 60.0:
            edges += 1
            assert gaz.near(e.lat, e.lon, km) == plain(e.lat, e.lon, km)
            assert gaz.near(e.lat, e.lon, km * (1 - 1e-12)) == plain(e.lat, e.lon, km * (1 - 1e-12))
    for _ in range(300):
        a, b = rng.choice(full)
        _, elat, elon = rng.choice(gaz._grid_points[(a, b)])
        lat, lon = elat + rng.uniform(-0.4, 0.4), elon + rng.uniform(-0.4, 0.4)
        km = 111.195 * math.hypot((elon - lon) * math.cos(math.radians((lat + elat) / 2)), elat - lat)
        if 1.0 <= km:
            edges += 1
            assert gaz.near(lat, lon, km) == plain(lat, lon, km)
    assert edges > 100


def test_visible_line_check_equals_probing_every_line(dev_sentences) -> None:  # type: ignore[no-untyped-def]
    from raqib.ingest.text import _probe, has_visible_line

    texts = [text for text, _ in dev_sentences]
    texts += ["", " \n\t", "\u200f\u200e\n\u0640\u064b", "؛ - :", "\u200f«»", "x", "٣", "\u037e\u0387", "ـــ\nا", "é"]
    for text in texts:
        assert has_visible_line(text) == any(_probe(line) for line in text.splitlines()), repr(text)


def test_sentence_ends_equal_a_full_scan(dev_sentences) -> None:  # type: ignore[no-untyped-def]
    import random

    from raqib.segment import _SENTENCE_END, _after_end_chars

    rng = random.Random(3)
    alphabet = "اب ت.!?؟…؛\"'”’») \n(aZ3د"
    lines = [line for text, _ in dev_sentences for line in text.split("\n")]
    lines += ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 30))) for _ in range(5000)]
    for line in lines:
        tried = [m.span() for c in _after_end_chars(line) if (m := _SENTENCE_END.match(line, c))]
        assert tried == [m.span() for m in _SENTENCE_END.finditer(line)], repr(line)


def test_code_page_gives_the_translation_and_its_deletions(dev_sentences) -> None:  # type: ignore[no-untyped-def]
    import random

    from raqib.normalize import _tables

    translate, deleted, code_page = _tables()
    rng = random.Random(5)
    alphabet = code_page.page.replace("\ufffe", "") + "\u0800é\U0001f600\u200f\u0640."
    texts = [text for text, _ in dev_sentences]
    texts += ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 40))) for _ in range(5000)]
    for text in texts:
        read = code_page(text)
        if read is None:
            assert any(c not in code_page.page for c in text), repr(text)
            continue
        key, cuts = read
        assert key == text.translate(translate.table), repr(text)
        assert cuts == [m.start() for m in deleted.finditer(text)], repr(text)
        if "\u0640." not in text:  # no word broken by a masked full stop: the offsets are the kept characters
            kept = [i for i, c in enumerate(text) if translate.table.get(ord(c), c) != ""]
            assert normalize(text).offsets == (*kept, len(text)), repr(text)


def test_number_prescan_is_the_same_for_any_split_at_spaces(dev_sentences) -> None:  # type: ignore[no-untyped-def]
    import random

    from raqib.recognize.numbers import _scan_surfaces, word_occurrences

    surfaces = _scan_surfaces()
    rng = random.Random(7)
    words = sorted(surfaces)[:200] + ["", "12", "٣", "x_1", "(5)", "،", "a.b", "\n", "\t", "\u00a0"]
    keys = [normalize(text).key for text, _ in dev_sentences]
    keys += ["".join(rng.choice(words) + rng.choice(" \n,.") for _ in range(rng.randint(0, 12))) for _ in range(3000)]
    for key in keys:
        expected = word_occurrences(key, surfaces)
        assert word_occurrences(key, surfaces, key.split(" ")) == expected, repr(key)
        assert word_occurrences(key, surfaces, key.split()) == expected, repr(key)


def test_token_offsets_equal_the_pattern_matches(dev_sentences) -> None:  # type: ignore[no-untyped-def]
    from raqib.segment import _TOKEN, tokens

    for text, _ in dev_sentences:
        norm = normalize(text)
        toks = tokens(text, norm)
        assert [(t.start_char, t.end_char, t.key) for t in toks] == [
            (*norm.span(*m.span()), m.group()) for m in _TOKEN.finditer(norm.key)
        ]


def test_control_sentence_bits_equal_the_word_tests(dev_sentences) -> None:  # type: ignore[no-untyped-def]
    tests = {
        control._CUE_BIT: lambda t: control._may_cue(t.stem),
        control._HANDOVER_BIT: lambda t: control._handover_word(t.stem),
        control._CLOSING_BIT: lambda t: control._closing_word(t.key, t.stem),
        control._FREED_BIT: lambda t: control._freed_word(t.key),
        control._EXPEL_BIT: lambda t: control._expel_word(t.stem),
        control._SITARA_BIT: lambda t: t.stem in control._SITARA,
    }
    found = 0
    for _, sentences in dev_sentences:
        for s in sentences:
            bits = control._sentence_bits(s.tokens)
            for bit, test in tests.items():
                assert bool(bits & bit) == any(map(test, s.tokens))
            found |= bits
    assert found == sum(tests)  # every pass has sentences to read in the dev reports


def test_fast_init_equals_the_dataclass_init() -> None:
    import dataclasses

    from raqib.model import Event, Extraction, PlaceMention, fast_init

    @dataclasses.dataclass(frozen=True, slots=True)
    class Plain:
        a: int
        b: str = "x"
        c: tuple[int, ...] = ()

    Fast = fast_init(dataclasses.make_dataclass("Fast", [("a", int), ("b", str, "x"), ("c", tuple, ())],
                                                frozen=True, slots=True))  # fmt: skip
    assert Fast.__init__ is not Plain.__init__
    for args, kwargs in (((1,), {}), ((1, "y"), {}), ((1,), {"c": (2,)}), ((), {"a": 3, "b": "z"})):
        assert dataclasses.astuple(Fast(*args, **kwargs)) == dataclasses.astuple(Plain(*args, **kwargs))
    with pytest.raises(TypeError):
        Fast()
    with pytest.raises(dataclasses.FrozenInstanceError):
        Fast(1).a = 2  # type: ignore[misc]
    # a class whose __init__ does more keeps its own
    Factory = dataclasses.make_dataclass("Factory", [("a", list, dataclasses.field(default_factory=list))],
                                         frozen=True, slots=True)  # fmt: skip
    assert fast_init(Factory).__init__ is Factory.__init__
    m = PlaceMention("حلب", 3, 6, None)
    assert dataclasses.replace(m, name="ادلب") == PlaceMention("ادلب", 3, 6, None)
    assert Extraction.__init__.__qualname__ == "Extraction.__init__" and Event.__init__.__qualname__ == "Event.__init__"


def test_fast_maker_makes_what_the_class_makes() -> None:
    import copy
    import dataclasses
    import pickle

    from raqib.model import Token, fast_init, fast_maker

    Fast = fast_init(dataclasses.make_dataclass("Fast", [("a", int), ("b", str, "x"), ("c", tuple, ())],
                                                frozen=True, slots=True))  # fmt: skip
    make = fast_maker(Fast)
    assert make is not Fast
    for args, kwargs in (((1,), {}), ((1, "y"), {}), ((1,), {"c": (2,)}), ((), {"a": 3, "b": "z"})):
        made = make(*args, **kwargs)
        assert type(made) is Fast and made == Fast(*args, **kwargs) and hash(made) == hash(Fast(*args, **kwargs))
    with pytest.raises(TypeError):
        make()
    with pytest.raises(dataclasses.FrozenInstanceError):
        make(1).a = 2
    tok = fast_maker(Token)(3, 8, "لحلب", "لحلب", "حلب", "ل")
    assert tok == Token(3, 8, "لحلب", "لحلب", "حلب", "ل")
    assert pickle.loads(pickle.dumps(tok)) == tok == copy.copy(tok) and dataclasses.replace(tok, key="x").key == "x"
    # a class with its own __init__ (here a default factory) is its own maker
    Factory = dataclasses.make_dataclass("Factory", [("a", list, dataclasses.field(default_factory=list))],
                                         frozen=True, slots=True)  # fmt: skip
    assert fast_maker(Factory) is Factory


def test_fast_replacer_copies_as_dataclasses_replace() -> None:
    import dataclasses

    from raqib.model import fast_init, fast_replacer

    Fast = fast_init(dataclasses.make_dataclass("Fast", [("a", int), ("b", str, "x"), ("c", tuple, ())],
                                                frozen=True, slots=True))  # fmt: skip
    replace = fast_replacer(Fast)
    old = Fast(1, "y", (2,))
    for changes in ({}, {"a": 5}, {"b": "z", "c": ()}, {"a": 0, "b": "", "c": (1, 2)}):
        new = replace(old, **changes)
        assert type(new) is Fast and new == dataclasses.replace(old, **changes)
    assert old == Fast(1, "y", (2,))  # the original is left as it was
    with pytest.raises(TypeError):
        replace(old, d=1)
    # a class that is its own maker is copied by dataclasses.replace itself
    Factory = dataclasses.make_dataclass("Factory", [("a", list, dataclasses.field(default_factory=list))],
                                         frozen=True, slots=True)  # fmt: skip
    assert fast_replacer(Factory) is dataclasses.replace
