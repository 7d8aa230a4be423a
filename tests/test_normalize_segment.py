"""Matching keys keep the way back to the text; sentences and tokens carry exact offsets."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from raqib.normalize import bare, match_key, normalize, strip_clitics
from raqib.segment import segment

ARABIC = st.characters(min_codepoint=0x0600, max_codepoint=0x06FF)
MIXED = st.one_of(
    ARABIC,
    st.characters(min_codepoint=0x20, max_codepoint=0x7E),
    st.sampled_from(list("\u200b\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u2066\u2069\ufeff“”«»\n\t ـ")),
    st.characters(min_codepoint=0x1F300, max_codepoint=0x1F64F),
)


@given(st.text(alphabet=MIXED, max_size=200))
def test_every_key_character_maps_back_to_its_source(text: str) -> None:
    norm = normalize(text)
    assert len(norm.offsets) == len(norm.key) + 1
    assert norm.offsets[-1] == len(text)
    for i, ch in enumerate(norm.key):
        src = text[norm.offsets[i]]
        assert match_key(src) == ch
    assert list(norm.offsets[:-1]) == sorted(set(norm.offsets[:-1]))


@given(st.text(alphabet=MIXED, max_size=300))
def test_sentences_and_tokens_are_exact_slices(text: str) -> None:
    for s in segment(text):
        assert text[s.start_char : s.end_char] == s.text
        assert s.text == s.text.strip()
        for t in s.tokens:
            assert s.start_char <= t.start_char < t.end_char <= s.end_char
            assert text[t.start_char : t.end_char] == t.text
            assert match_key(t.text).replace('"', "") .find(t.key) != -1 or t.key in match_key(t.text)


def test_variants_share_one_key() -> None:
    assert match_key("إدلب") == match_key("ادلب") == match_key("أدلب")
    assert match_key("الكشمة") == "الكشمه"
    assert match_key("مُستشفى") == "مستشفي"
    assert match_key("٤٨") == "48" and match_key("۴۸") == "48"
    assert match_key("لـ”قسد”") == 'ل"قسد"'


def test_clitics_come_off_but_short_words_stay() -> None:
    assert strip_clitics("وبالكشمه") == ("وبال", "كشمه")
    assert strip_clitics("للنظام") == ("لل", "نظام")
    assert strip_clitics("بلد") == ("", "بلد")
    assert bare("قرية الكشمة") == "قريه كشمه"


def test_sentence_splitting_keeps_numbers_and_uses_lines() -> None:
    text = "العنوان هنا\nقتل 3.5 شخص. ثم انسحبت القوات؟ نعم"
    got = [s.text for s in segment(text)]
    assert got == ["العنوان هنا", "قتل 3.5 شخص.", "ثم انسحبت القوات؟", "نعم"]


def test_closing_quotes_and_brackets_after_a_full_stop_stay_with_their_sentence() -> None:
    text = "وقال (إن القصف توقف.) ثم غادر. وأضاف «انسحبت القوات.» وانتهى"
    got = [s.text for s in segment(text)]
    assert got == ["وقال (إن القصف توقف.)", "ثم غادر.", "وأضاف «انسحبت القوات.»", "وانتهى"]


def test_proclitic_with_tatweel_and_quotes_is_split() -> None:
    text = "التقدم السريع لـ”قسد” خلال"
    toks = segment(text)[0].tokens
    assert [t.text for t in toks] == ["التقدم", "السريع", "ل", "قسد", "خلال"]


def test_the_key_is_all_the_named_steps_together() -> None:
    from raqib import normalize as n

    text = "إِدلب «قسد» لـ٤٨ ساعةً مستشفى مؤسسة\u200f"
    steps = [n.unify_alef, n.ta_marbuta_to_ha, n.alef_maqsura_to_ya, n.hamza_seats_to_letters,
             n.persian_letters_to_arabic, n.strip_diacritics, n.strip_tatweel, n.strip_invisible,
             n.western_digits, n.plain_quotes, n.plain_punctuation]  # fmt: skip
    folded = text
    for step in steps:
        folded = step(folded)
    assert folded == match_key(text) == 'ادلب "قسد" ل48 ساعه مستشفي موسسه'


def test_abbreviations_and_semicolons() -> None:
    text = "قال د. أحمد إن القصف استمر؛ ثم توقف. وانتهى"
    assert [s.text for s in segment(text)] == ["قال د. أحمد إن القصف استمر؛", "ثم توقف.", "وانتهى"]


@given(st.text(alphabet=MIXED, min_size=1, max_size=120))
def test_fast_translation_of_long_texts_equals_translate(piece: str) -> None:
    from raqib.normalize import GROUPS, _charmap, _tables, _Translation

    text = piece * (200 // len(piece) + 1)  # long enough for the replace path
    assert len(text) >= _Translation.LONG
    full = dict(_charmap())
    for c in range(ord("A"), ord("Z") + 1):
        full.setdefault(c, chr(c + 32))
    assert _tables()[0](text) == text.translate(full)
    for group in GROUPS:
        table = _charmap((group,))
        assert _Translation(table)(text) == text.translate(table)


def test_translation_with_chained_replacements_falls_back_to_translate() -> None:
    from raqib.normalize import _Translation

    chained = _Translation({ord("a"): "b", ord("b"): "c"})
    assert chained.pairs is None
    text = "ab" * 150
    assert chained(text) == text.translate({ord("a"): "b", ord("b"): "c"}) == "bc" * 150
