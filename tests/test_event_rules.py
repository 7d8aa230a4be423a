"""Each rule family on small sentences written for these tests, with a made-up actor dictionary
and gazetteer so that the production dictionaries can grow without breaking them. Negations,
denials, attempts and hedges must not produce a (certain) event."""

from __future__ import annotations

import datetime as dt

import pytest

from raqib.actors import Alias
from raqib.events import EventCoder, Located
from raqib.model import Event, Place
from raqib.normalize import bare, normalize
from raqib.recognize.actors import ActorFinder
from raqib.recognize.dates import find_dates
from raqib.recognize.numbers import find_quantities
from raqib.recognize.places import PlaceFinder
from raqib.rules import load_rules
from raqib.segment import segment

ALIASES = {
    "قوات الصقر": "HAWK",
    "جماعة النسر": "EAGLE",
    "الطيران الحربي الأزرق": "BLUE-AIR",
    "المدنيين": "CIVILIANS",
    "الأهالي": "CIVILIANS",
}
PLACES = ["الزيتونة", "البرتقال", "تل الرمان", "كفر التين", "السنديان"]
UNLOCATED = frozenset(["السنديان"])  # a name the gazetteer has but cannot put on the map


@pytest.fixture(scope="module")
def code():  # type: ignore[no-untyped-def]
    return make_coder()


def make_coder():  # type: ignore[no-untyped-def]
    """The whole extraction of one text with the made-up dictionaries (also used by other rule tests)."""
    index: dict[tuple[str, ...], list[Alias]] = {}
    for alias, actor in ALIASES.items():
        key = bare(alias)
        index.setdefault(tuple(key.split()), []).append(Alias(alias, key, actor, frozenset(), None, None, "name", ""))
    actors = ActorFinder(index)
    names = {tuple(bare(p).split()): (n,) for n, p in enumerate(PLACES)}
    places = PlaceFinder(names, 2, blocked=frozenset(k[0] for k in index if len(k) == 1))
    coder = EventCoder(load_rules(), frozenset(), [("BLUE-AIR", "HAWK", None, None)])

    def _code(text: str, published: str = "2020-05-10") -> list[Event]:
        day = dt.date.fromisoformat(published)
        norm = normalize(text)
        sentences = segment(text, norm)
        mentions = [m for s in sentences for m in places.find(text, s)]
        # each village a degree apart: far enough that two never count as one spot
        located = [Located(m, _place(m.name), False) for m in mentions]
        found = actors.find(text, sentences)
        return coder.code(text, sentences, found, located, find_quantities(text, norm), find_dates(text, day, norm), day)

    return _code


def _place(name: str) -> Place:
    if name in UNLOCATED:
        return Place(name, None, None, None, (), None, "unknown")
    return Place(name, 30.0 + _order(name), 40.0, None, (), None, "village")


def _order(name: str) -> int:
    return PLACES.index(name) if name in PLACES else len(PLACES)


def _summary(events: list[Event]) -> list[tuple[str, str | None, str | None, str | None]]:
    return [(e.kind, e.actor1, e.actor2, e.place.name_ar if e.place else None) for e in events]


def test_capture_of_two_villages_is_two_events(code) -> None:  # type: ignore[no-untyped-def]
    evs = code("سيطرت قوات الصقر على قريتي الزيتونة والبرتقال بعد معارك مع جماعة النسر.")
    assert _summary(evs) == [("takeover", "HAWK", "EAGLE", "الزيتونة"), ("takeover", "HAWK", "EAGLE", "البرتقال")]
    assert all(e.rule_id == "takeover.seize.v1" for e in evs)


def test_capture_from_named_side(code) -> None:  # type: ignore[no-untyped-def]
    evs = code("تمكنت قوات الصقر من انتزاع بلدة تل الرمان من جماعة النسر اليوم.")
    assert _summary(evs) == [("takeover", "HAWK", "EAGLE", "تل الرمان")]
    assert evs[0].date is not None and evs[0].date.start == dt.date(2020, 5, 10)


@pytest.mark.parametrize(
    "text",
    [
        "لم تتمكن قوات الصقر من السيطرة على قرية الزيتونة.",
        "نفت قوات الصقر سيطرتها على قرية الزيتونة.",
        "تحاول قوات الصقر السيطرة على قرية الزيتونة منذ أيام.",
        "تسعى جماعة النسر إلى استعادة قرية البرتقال.",
        "المناطق الخاضعة لسيطرة جماعة النسر تشمل قرية الزيتونة.",
        "تسعى جماعة النسر منذ أسابيع إلى أن تسيطر على قرية البرتقال.",
        "أمهلت قوات الصقر المسلحين يومين قبل أن تقتحم قرية الزيتونة.",
    ],
)
def test_negated_denied_attempted_or_stated_control_is_not_a_capture(code, text) -> None:  # type: ignore[no-untyped-def]
    assert [e for e in code(text) if e.kind == "takeover"] == []


def test_hedged_report_is_speculative(code) -> None:  # type: ignore[no-untyped-def]
    evs = code("يرجح ناشطون أن قوات الصقر سيطرت على قرية الزيتونة.")
    assert [e.certainty for e in evs] == ["speculative"]


def test_claim_by_a_party_is_claimed_with_its_claimant(code) -> None:  # type: ignore[no-untyped-def]
    evs = code("أعلنت قوات الصقر في بيان سيطرتها على قرية الزيتونة.")
    assert [(e.kind, e.certainty, e.claimant) for e in evs] == [("takeover", "claimed", "HAWK")]


def test_air_strike_with_casualties(code) -> None:  # type: ignore[no-untyped-def]
    evs = code("شن الطيران الحربي الأزرق ثلاث غارات على قرية البرتقال، ما أدى إلى مقتل خمسة مدنيين وإصابة 12 آخرين.")
    assert [(e.kind, e.actor1) for e in evs] == [("airstrike", "BLUE-AIR")]
    counts = {k: q.stated for k, q in evs[0].counts}
    assert counts == {"strikes": 3, "fatalities": 5, "civilians_killed": 5, "injured": 12}


def test_shelling_by_ground_forces(code) -> None:  # type: ignore[no-untyped-def]
    evs = code("قصفت جماعة النسر بقذائف الهاون قرية الزيتونة.")
    assert [(e.kind, e.actor1) for e in evs] == [("shelling", "EAGLE")]


def test_car_bomb_is_one_explosion_with_unknown_author(code) -> None:  # type: ignore[no-untyped-def]
    evs = code("قتل 4 أشخاص وأصيب 20 آخرون جراء انفجار سيارة مفخخة في قرية كفر التين.")
    assert _summary(evs) == [("explosion", "UNKNOWN", None, "كفر التين")]
    assert {k: q.stated for k, q in evs[0].counts} == {"fatalities": 4, "injured": 20}


def test_follow_up_sentence_adds_numbers_to_the_same_explosion(code) -> None:  # type: ignore[no-untyped-def]
    evs = code("وقع انفجار عبوة ناسفة في قرية الزيتونة. وأودى الانفجار بحياة ستة أشخاص.")
    assert len(evs) == 1
    assert {k: q.stated for k, q in evs[0].counts} == {"fatalities": 6}


def test_arrest_surrender_and_release(code) -> None:  # type: ignore[no-untyped-def]
    arrest = code("اعتقلت قوات الصقر أكثر من 30 عنصرا من جماعة النسر في قرية الزيتونة.")
    assert _summary(arrest) == [("arrest", "HAWK", "EAGLE", "الزيتونة")]
    q = dict(arrest[0].counts)["arrested"]
    assert (q.stated, q.low, q.qualifier) == (30, 31, "more_than")
    surrender = code("سلم 15 عنصرا من جماعة النسر أنفسهم إلى قوات الصقر.")
    assert [(e.kind, e.actor2) for e in surrender] == [("surrender", "HAWK")]
    release = code("أفرجت جماعة النسر عن 7 من الأهالي في قرية البرتقال.")
    assert [(e.kind, e.actor1) for e in release] == [("release", "EAGLE")]


def test_clash_between_two_sides(code) -> None:  # type: ignore[no-untyped-def]
    evs = code("اندلعت اشتباكات عنيفة بين قوات الصقر وجماعة النسر في محيط قرية البرتقال.")
    assert [(e.kind, {e.actor1, e.actor2}) for e in evs] == [("clash", {"HAWK", "EAGLE"})]


def test_protest_and_agreement(code) -> None:  # type: ignore[no-untyped-def]
    assert [e.kind for e in code("خرج الأهالي في مظاهرة ضد جماعة النسر في قرية الزيتونة.")] == ["protest"]
    agreement = code("توصلت قوات الصقر وجماعة النسر إلى اتفاق تسوية في قرية البرتقال.")
    assert [e.kind for e in agreement] == ["agreement"]


def test_background_capture_has_no_date_of_its_own(code) -> None:  # type: ignore[no-untyped-def]
    evs = code("وكانت قوات الصقر قد سيطرت في وقت سابق على قرية الزيتونة.")
    assert len(evs) == 1 and evs[0].background and evs[0].date is None


def test_a_sentence_without_conflict_yields_nothing(code) -> None:  # type: ignore[no-untyped-def]
    assert code("افتتحت مديرية التربية مدرسة جديدة في قرية الزيتونة وسط حضور الأهالي.") == []


def test_one_victim_named_by_a_singular_noun_counts_one(code) -> None:  # type: ignore[no-untyped-def]
    evs = code("اغتال مسلحون مجهولون مدنيا في قرية الزيتونة، وأصيب آخر بجروح.")
    assert [e.kind for e in evs] == ["killing"]
    # "وأصيب آخر": one more, injured
    assert {k: q.stated for k, q in evs[0].counts} == {"fatalities": 1, "civilians_killed": 1, "injured": 1}
    # "آخرون" is an unstated number; "آخر معاقل" is "the last strongholds"
    evs = code("قتل مدني وأصيب آخرون في قصف لجماعة النسر على قرية الزيتونة.")
    assert {k: q.stated for k, q in evs[0].counts} == {"fatalities": 1, "civilians_killed": 1}


def test_shelling_of_a_list_opened_by_kullan_min(code) -> None:  # type: ignore[no-untyped-def]
    evs = code("قصفت جماعة النسر بالمدفعية كلاً من الزيتونة، وعين القمح، والبرتقال في الريف الغربي.")
    assert _summary(evs) == [
        ("shelling", "EAGLE", None, "الزيتونة"),
        ("shelling", "EAGLE", None, "عين القمح"),
        ("shelling", "EAGLE", None, "البرتقال"),
    ]


def test_kullan_min_before_unknown_words_is_no_place(code) -> None:  # type: ignore[no-untyped-def]
    evs = code("قصفت جماعة النسر بالمدفعية مواقع استهدفت كلاً من المدارس والمشافي.")
    assert all(e.place is None for e in evs)


def test_word_broken_by_tatweel_and_full_stop_is_one_word(code) -> None:  # type: ignore[no-untyped-def]
    evs = code("ومنذ الصباح قصفت قوات الصقر بالمدفـ.عية والصـ.واريخ قرية الزيتونة، ما أوقع قـ.تلى.")
    assert _summary(evs) == [("shelling", "HAWK", None, "الزيتونة")]
    assert code("شنت جماعة النسر غـ.ارات على قرية البرتقال.")[0].kind == "airstrike"


def test_owner_of_the_weapon_is_the_striker(code) -> None:  # type: ignore[no-untyped-def]
    evs = code("وكانت طائرة مسيرة تابعة لقوات الصقر قد قصفت قرية الزيتونة، بعد هجوم لجماعة النسر.")
    assert [(e.kind, e.actor1) for e in evs] == [("airstrike", "HAWK")]
    # Positions that belong to a side are what is hit, not who strikes.
    evs = code("قصفت جماعة النسر بالمدفعية مواقع تابعة لقوات الصقر في قرية البرتقال.")
    assert [(e.kind, e.actor1, e.actor2) for e in evs] == [("shelling", "EAGLE", "HAWK")]


def test_side_named_far_after_a_strike_noun_is_not_the_striker(code) -> None:  # type: ignore[no-untyped-def]
    evs = code("شنت جماعة النسر، للمرة الأولى منذ أشهر طويلة، هجوما بالمسيرات على قرية البرتقال التي تنتشر فيها "
               "منذ سنوات قوات الصقر.")  # fmt: skip
    assert [(e.kind, e.actor1) for e in evs] == [("airstrike", "EAGLE")]


@pytest.mark.parametrize("generic", ["تبة", "معسكر", "مفرق"])
def test_capture_of_a_place_introduced_by_any_generic_word(code, generic) -> None:  # type: ignore[no-untyped-def]
    evs = code(f"بسطت قوات الصقر سيطرتها على {generic} الرماح الاستراتيجية صباح اليوم.")
    assert _summary(evs) == [("takeover", "HAWK", None, "الرماح")]
    assert code(f"لم تتمكن قوات الصقر من بسط سيطرتها على {generic} الرماح.") == []


def test_protest_by_verb(code) -> None:  # type: ignore[no-untyped-def]
    evs = code("تظاهر المئات من الأهالي ضد جماعة النسر في قرية الزيتونة.")
    assert [(e.kind, e.actor1, e.actor2) for e in evs] == [("protest", "CIVILIANS", "EAGLE")]
    assert code("دعا ناشطون الأهالي إلى أن يتظاهروا ضد جماعة النسر في قرية الزيتونة.") == []


def test_withdrawal_from_places_each_with_its_generic_word(code) -> None:  # type: ignore[no-untyped-def]
    evs = code("انسحبت قوات الصقر اليوم من قرية الزيتونة، وناحية البرتقال التابعة لمنطقة كفر التين.")
    assert _summary(evs) == [("withdrawal", "HAWK", None, "الزيتونة"), ("withdrawal", "HAWK", None, "البرتقال")]


def test_past_verb_after_an_is_reported(code) -> None:  # type: ignore[no-untyped-def]
    evs = code("انسحبت جماعة النسر بعد أن سيطرت قوات الصقر على قرية الزيتونة.")
    assert ("takeover", "HAWK", "EAGLE", "الزيتونة") in _summary(evs)


def test_one_person_taken_counts_one(code) -> None:  # type: ignore[no-untyped-def]
    evs = code("خطفت جماعة النسر شاباً من قرية الزيتونة مساء أمس.")
    assert [(e.kind, {k: q.stated for k, q in e.counts}) for e in evs] == [("abduction", {"abducted": 1})]
    # A person named in another clause is not the one taken.
    evs = code("اعتقلت قوات الصقر عناصر في قرية الزيتونة، وقال شاب من القرية إنهم أطلقوا لاحقاً.")
    assert all("arrested" not in dict(e.counts) for e in evs)


def test_death_word_after_the_counted_noun_and_an_aside(code) -> None:  # type: ignore[no-untyped-def]
    evs = code("وكان 17 مدنياً، بينهم أطفال، قد قتلوا أمس في قصف جوي للطيران الحربي الأزرق على قرية البرتقال.")
    assert [(e.kind, {k: q.stated for k, q in e.counts}) for e in evs] == [
        ("airstrike", {"fatalities": 17, "civilians_killed": 17})
    ]


def test_freeing_captives_is_a_release_not_a_capture(code) -> None:  # type: ignore[no-untyped-def]
    evs = code("تمكنت قوات الصقر من تحرير خمسة مختطفين في قرية الزيتونة.")
    assert [(e.kind, e.actor1, {k: q.stated for k, q in e.counts}) for e in evs] == [
        ("release", "HAWK", {"released": 5})
    ]
    assert [e.kind for e in code("تمكنت قوات الصقر من تحرير قرية الزيتونة.")] == ["takeover"]
    assert code("تحاول قوات الصقر تخليص شاب مختطف في قرية الزيتونة.") == []


def test_fighting_named_by_qital(code) -> None:  # type: ignore[no-untyped-def]
    evs = code("احتدم القتال في قرية البرتقال بين قوات الصقر وجماعة النسر.")
    assert [(e.kind, {e.actor1, e.actor2}) for e in evs] == [("clash", {"HAWK", "EAGLE"})]
    assert [e.kind for e in code("دخلت قوات الصقر قرية الزيتونة دون قتال.")] == ["takeover"]


def _counts(evs: list[Event]) -> list[tuple[str, dict[str, int | None]]]:
    return [(e.kind, {k: q.stated for k, q in e.counts}) for e in evs]


@pytest.mark.parametrize(
    ("text", "counts"),
    [
        # an age, a distance, a span, a unit's number and a road number count no one
        ("قتل طفل (12 عاماً) وأصيب 3 آخرون في قصف لجماعة النسر على قرية الزيتونة.",
         {"fatalities": 1, "civilians_killed": 1, "injured": 3}),
        ("قصفت جماعة النسر قرية الزيتونة الواقعة على بعد 15 كم من المدينة، ما أدى إلى مقتل 4 مدنيين.",
         {"fatalities": 4, "civilians_killed": 4}),
        ("قتل 4 مدنيين في قصف لجماعة النسر على قرية الزيتونة في 12 أيار 2020.",
         {"fatalities": 4, "civilians_killed": 4}),
        ("اعتقلت قوات الصقر 12 شابا في قرية الزيتونة خلال 24 ساعة.", {"arrested": 12}),
        ("اعتقلت قوات الصقر عناصر من اللواء 93 في قرية الزيتونة.", {}),
        ("سقط 3 قتلى في قصف لجماعة النسر على قرية الزيتونة قرب الطريق رقم 4.", {"fatalities": 3}),
        ("اعتقلت عناصر من الفرقة الرابعة في قوات الصقر خمسة شبان في قرية الزيتونة.", {"arrested": 5}),
        # "اليوم" after a toll is "today", not a span of days
        ("لقي 6 أشخاص حتفهم وجرح 10 آخرون على الأقل، اليوم الأربعاء، في تفجير في قرية الزيتونة.",
         {"fatalities": 6, "injured": 10}),
    ],
    ids=["age", "distance", "date", "span", "brigade-number", "road-number", "ordinal-unit", "today-after-toll"],
)
def test_numbers_that_count_no_one_are_left_out(code, text, counts) -> None:  # type: ignore[no-untyped-def]
    evs = code(text)
    assert len(evs) == 1 and _counts(evs)[0][1] == counts


def test_number_words_and_qualifiers_give_the_stated_number(code) -> None:  # type: ignore[no-untyped-def]
    evs = code("قتل ما لا يقل عن ثلاثة وعشرين مدنيا في قصف لجماعة النسر على قرية الزيتونة.")
    q = dict(evs[0].counts)["fatalities"]
    assert (q.stated, q.low, q.qualifier) == (23, 23, "at_least")
    evs = code("قتل أكثر من عشرين مدنيا في قصف لجماعة النسر على قرية الزيتونة.")
    assert _counts(evs) == [("shelling", {"fatalities": 20, "civilians_killed": 20})]
    # "عشرات" states no number: the key is there, the value is not
    assert _counts(code("قتل عشرات المدنيين في قصف لجماعة النسر على قرية الزيتونة.")) == [
        ("shelling", {"fatalities": None, "civilians_killed": None})
    ]


@pytest.mark.parametrize(
    "text",
    ["قتل بين 10 و15 مدنيا في قصف لجماعة النسر على قرية الزيتونة.",
     "قتل من 10 إلى 15 مدنيا في قصف لجماعة النسر على قرية الزيتونة."],
)
def test_a_range_is_stated_as_its_lower_bound(code, text) -> None:  # type: ignore[no-untyped-def]
    (ev,) = code(text)
    q = dict(ev.counts)["fatalities"]
    assert (q.stated, q.low, q.high) == (10, 10, 15)
    assert dict(ev.counts)["civilians_killed"].stated == 10
    # two tolls joined by و are no range
    evs = code("سقط 5 قتلى و12 جريحا في قصف لجماعة النسر على قرية الزيتونة.")
    assert _counts(evs) == [("shelling", {"fatalities": 5, "injured": 12})]


def test_the_number_next_to_the_death_word_is_the_toll(code) -> None:  # type: ignore[no-untyped-def]
    # "4 نساء" are the passengers; "امرأتين" right after the verb are the dead
    evs = code("قصفت جماعة النسر سيارة تقل 4 نساء في قرية الزيتونة، فقتلت امرأتين.")
    assert _counts(evs) == [("shelling", {"fatalities": 2})]


@pytest.mark.parametrize(
    "text",
    ["أسفر القصف على قرية الزيتونة عن مقتل 5 وإصابة 3 آخرين.",
     "قتل 5 وأصيب 3 آخرون في قصف لجماعة النسر على قرية الزيتونة."],
)
def test_a_bare_number_then_and_injured_is_a_death_toll(code, text) -> None:  # type: ignore[no-untyped-def]
    # the injury word after "و" opens the next item: it says nothing of the 5
    assert [c for _, c in _counts(code(text))] == [{"fatalities": 5, "injured": 3}]


def test_one_of_them_is_no_extra_victim(code) -> None:  # type: ignore[no-untyped-def]
    evs = code("أطلق مسلحون النار على سيارة في قرية الزيتونة فقتلوا امرأتين إحداهما ناشطة.")
    assert [c for _, c in _counts(evs)] == [{"fatalities": 2}]


def test_toll_that_rises_to_a_number(code) -> None:  # type: ignore[no-untyped-def]
    assert _counts(code("ارتفعت حصيلة قتلى القصف على قرية الزيتونة إلى 12.")) == [("shelling", {"fatalities": 12})]
    assert _counts(code("بلغ عدد الجرحى في القصف على قرية الزيتونة 30.")) == [("shelling", {"injured": 30})]
    # a toll of what the text does not say is no count; a later running total does not replace the event's toll
    assert _counts(code("ارتفعت حصيلة القصف على قرية الزيتونة إلى 12.")) == [("shelling", {})]
    evs = code("قتل 3 مدنيين في قصف لجماعة النسر على قرية الزيتونة، ليرتفع عدد القتلى منذ بداية الشهر إلى 40.")
    assert _counts(evs) == [("shelling", {"fatalities": 3, "civilians_killed": 3})]


def test_noun_inside_a_qualified_number(code) -> None:  # type: ignore[no-untyped-def]
    evs = code("قتل خمسة مدنيين على الأقل في قصف لجماعة النسر على قرية الزيتونة.")
    assert _counts(evs) == [("shelling", {"fatalities": 5, "civilians_killed": 5})]


def test_toll_of_a_death_word_goes_to_the_attack_reported_after_it(code) -> None:  # type: ignore[no-untyped-def]
    evs = code("قتل ثلاثة عناصر من قوات الصقر وأصيب خمسة آخرون في هجوم لجماعة النسر على قرية الزيتونة.")
    assert _counts(evs) == [("clash", {"fatalities": 3, "injured": 5})]
    evs = code("قتل عنصران من قوات الصقر وجرح ثالث في قصف لجماعة النسر على قرية الزيتونة.")
    assert _counts(evs) == [("shelling", {"fatalities": 2, "injured": 1})]


def test_the_victim_named_by_a_pronoun_counts_one(code) -> None:  # type: ignore[no-untyped-def]
    assert _counts(code("أبلغت جماعة النسر عائلة شاب من قرية الزيتونة بأنه أُعدم.")) == [("killing", {"fatalities": 1})]
    evs = code("قتلت جماعة النسر القيادي في قوات الصقر في قرية الزيتونة، وقد أثار مقتله غضبا واسعا.")
    assert _counts(evs) == [("killing", {"fatalities": 1})]
    # a plural pronoun states no number
    assert _counts(code("لقي مدنيون حتفهم في قصف لجماعة النسر على قرية الزيتونة.")) == [("shelling", {})]


def test_people_a_death_verb_governs_are_dead_in_any_event(code) -> None:  # type: ignore[no-untyped-def]
    evs = code("سيطرت قوات الصقر على قرية الزيتونة وقتلت 5 عناصر من جماعة النسر.")
    assert _counts(evs) == [("takeover", {"fatalities": 5})]
    evs = code("سلم 15 عنصرا من جماعة النسر أنفسهم إلى قوات الصقر في قرية الزيتونة.")
    assert _counts(evs) == [("surrender", {"surrendered": 15})]


@pytest.mark.parametrize(
    ("text", "counts"),
    [
        ("سقط قتيلان وثلاثة جرحى في قصف لجماعة النسر على قرية الزيتونة.", {"fatalities": 2, "injured": 3}),
        ("أسفر القصف على قرية الزيتونة عن سقوط قتيلين وإصابة خمسة بجروح.", {"fatalities": 2, "injured": 5}),
        ("قتل مدنيان وأصيب ثلاثة آخرون في قصف لجماعة النسر على قرية الزيتونة.",
         {"fatalities": 2, "civilians_killed": 2, "injured": 3}),
        ("أصيبت امرأتان في قصف لجماعة النسر على قرية الزيتونة.", {"injured": 2}),
    ],
)
def test_a_dual_noun_counts_two_of_its_kind(code, text, counts) -> None:  # type: ignore[no-untyped-def]
    assert [c for _, c in _counts(code(text))] == [counts]


def test_the_noun_after_a_number_is_no_extra_victim(code) -> None:  # type: ignore[no-untyped-def]
    # "15 شخصاً": the singular noun is what the number counts, not one more person killed
    evs = code("أسفر القصف على قرية الزيتونة عن مقتل وإصابة 15 شخصا.")
    assert "fatalities" not in dict(evs[0].counts)


def test_civilians_killed_only_where_the_text_says_civilians_or_children(code) -> None:  # type: ignore[no-untyped-def]
    assert _counts(code("قتلت جماعة النسر امرأة في قرية الزيتونة.")) == [("killing", {"fatalities": 1})]
    assert _counts(code("اغتال مسلحون مجهولون ناشطا في قرية الزيتونة.")) == [("killing", {"fatalities": 1})]
    assert _counts(code("قتلت جماعة النسر ثلاث نساء في قرية الزيتونة.")) == [("killing", {"fatalities": 3})]
    assert _counts(code("قتل 7 مدنيين بينهم 3 أطفال في قصف لجماعة النسر على قرية الزيتونة.")) == [
        ("shelling", {"fatalities": 7, "civilians_killed": 7})
    ]


def test_captured_after_the_verbal_noun_of_capture(code) -> None:  # type: ignore[no-untyped-def]
    evs = code("أسفرت المعارك مع جماعة النسر في قرية الزيتونة عن مقتل 20 عنصرا وأسر 15 آخرين.")
    assert _counts(evs) == [("clash", {"fatalities": 20, "captured": 15})]
    # "أسر" after a number are families, not captives
    evs = code("نزحت عشر أسر من قرية الزيتونة بعد قصف لجماعة النسر.")
    assert all("captured" not in dict(e.counts) for e in evs)


def test_inclined_to_surrender_is_no_surrender(code) -> None:  # type: ignore[no-untyped-def]
    assert code("بات كثير من المقاتلين يميلون إلى الاستسلام لقوات الصقر في قرية الزيتونة.") == []


def test_evidence_of_a_long_sentence_is_the_clause_of_the_event(code) -> None:  # type: ignore[no-untyped-def]
    # no comma in 400 characters: the clauses open at "بأن" and "في حين"; the toll stays with its strike
    text = ("أفادت مصادر محلية في ريف المحافظة الغربي نقلا عن ناشطين وشهود عيان من أبناء المنطقة تحدثوا بشرط عدم "
            "الكشف عن هوياتهم خوفا من الملاحقة بأن قوات الصقر سيطرت صباح اليوم على قرية الزيتونة بعد معارك عنيفة "
            "استمرت ساعات طويلة مع جماعة النسر في حين قصفت جماعة النسر قرية البرتقال بالمدفعية الثقيلة ما أدى إلى "
            "مقتل ثلاثة مدنيين وإصابة آخرين بجروح متفاوتة وسط حالة من الهلع بين السكان الذين نزح كثير منهم نحو "
            "المناطق المجاورة وانقطاع تام للكهرباء والمياه عن معظم الأحياء منذ أيام عدة.")  # fmt: skip
    spans = {e.kind: text[e.evidence_start : e.evidence_end] for e in code(text)}
    assert spans["takeover"].startswith("بأن قوات الصقر سيطرت") and spans["takeover"].endswith("مع جماعة النسر")
    assert spans["shelling"].startswith("في حين قصفت") and spans["shelling"].endswith("بجروح متفاوتة")
    assert all(len(s) <= 300 for s in spans.values())


def test_capture_of_the_areas_within_named_places_is_a_capture_in_each(code) -> None:  # type: ignore[no-untyped-def]
    evs = code("فرضت قوات الصقر سيطرتها على المناطق المتنازع عليها مع جماعة النسر ضمن محافظتي الزيتونة والبرتقال.")
    assert _summary(evs) == [("takeover", "HAWK", "EAGLE", "الزيتونة"), ("takeover", "HAWK", "EAGLE", "البرتقال")]
    assert {e.extent for e in evs} == {"part"}  # areas of each, not all of it
    for text in (
        "لم تتمكن قوات الصقر من فرض سيطرتها على المناطق المتنازع عليها ضمن محافظتي الزيتونة والبرتقال.",
        "تسعى قوات الصقر إلى السيطرة على المناطق المتنازع عليها ضمن محافظتي الزيتونة والبرتقال.",
        "ولم تفرض قوات الصقر سيطرتها على المناطق المتنازع عليها ضمن محافظتي الزيتونة والبرتقال.",
        "تخضع المناطق الواقعة ضمن محافظتي الزيتونة والبرتقال لسيطرة قوات الصقر.",
    ):
        assert [e for e in code(text) if e.kind == "takeover"] == [], text


def test_surrender_placed_where_the_fighting_it_followed_is_placed(code) -> None:  # type: ignore[no-untyped-def]
    evs = code("قتل ثلاثة عناصر من جماعة النسر، فيما سلّم اثنان آخران نفسيهما، إثر مواجهات مع قوات الصقر في قرية الزيتونة.")
    summary = {(e.kind, e.place.name_ar if e.place else None): {k: q.stated for k, q in e.counts} for e in evs}
    # the toll told before the surrender is the fighting's, not the surrender's; the two "others" surrendered
    assert summary == {("surrender", "الزيتونة"): {"surrendered": 2}, ("clash", "الزيتونة"): {"fatalities": 3}}
    assert [e.kind for e in code("سلّم اثنان من عناصر جماعة النسر نفسيهما لقوات الصقر.")] == ["surrender"]
    for text in (
        "رفض عنصران من جماعة النسر أن يسلما نفسيهما، إثر مواجهات مع قوات الصقر في قرية الزيتونة.",
        "لم يسلّم عناصر جماعة النسر أنفسهم، إثر مواجهات مع قوات الصقر في قرية الزيتونة.",
    ):
        assert [e for e in code(text) if e.kind == "surrender"] == [], text


def test_where_people_come_from_is_not_where_the_event_is(code) -> None:  # type: ignore[no-untyped-def]
    evs = code("أفرجت قوات الصقر عن 20 معتقلا في قرية البرتقال، بينهم 11 امرأة خمس منهن من قرية الزيتونة.")
    assert _summary(evs) == [("release", "HAWK", None, "البرتقال")]
    assert _summary(code("أفرجت قوات الصقر عن 20 معتقلا، بينهم 11 امرأة خمس منهن من قرية الزيتونة.")) == [
        ("release", "HAWK", None, None)
    ]
    assert _summary(code("قصفت قوات الصقر مخيما يؤوي نازحين من قرية الزيتونة.")) == [("shelling", "HAWK", None, None)]
    assert _summary(code("قصفت قوات الصقر قرية الزيتونة.")) == [("shelling", "HAWK", None, "الزيتونة")]


def test_fighting_renewed_on_fronts_is_fighting_there(code) -> None:  # type: ignore[no-untyped-def]
    evs = code("اندلعت المواجهات بين قوات الصقر وجماعة النسر على جبهة تل الرمان، "
               "ثم تجددت ظهرا على جبهتي الزيتونة والبرتقال.")  # fmt: skip
    assert [(e.kind, e.place.name_ar if e.place else None) for e in evs] == [
        ("clash", "تل الرمان"), ("clash", "الزيتونة"), ("clash", "البرتقال")
    ]  # fmt: skip
    for text in (
        "اندلعت المواجهات بين قوات الصقر وجماعة النسر على جبهة تل الرمان، لكنها لم تتجدد على جبهتي الزيتونة والبرتقال.",
        "اندلعت المواجهات بين قوات الصقر وجماعة النسر على جبهة تل الرمان، ويتوقع أن تتجدد على جبهتي الزيتونة والبرتقال.",
    ):
        assert [e.place.name_ar if e.place else None for e in code(text)] == ["تل الرمان"], text


def test_negation_joined_to_wa_is_a_negation(code) -> None:  # type: ignore[no-untyped-def]
    assert code("ولم تقصف قوات الصقر قرية الزيتونة.") == []
    assert code("ولن تقصف قوات الصقر قرية الزيتونة.") == []


def test_fighting_in_a_circumstance_placed_only_by_the_next_clause_is_no_event(code) -> None:  # type: ignore[no-untyped-def]
    assert code("في أعقاب اشتباكات متقطعة شهدتها المنطقة، تداول ناشطون مناشير ظهرت على جدران قرية الزيتونة.") == []
    evs = code("في أعقاب اشتباكات بين قوات الصقر وجماعة النسر، تداول ناشطون مناشير ظهرت على جدران قرية الزيتونة.")
    assert [e.kind for e in evs] == ["clash"]  # both sides named: the fighting is reported


def test_prisoner_exchange_is_a_release_by_each_side(code) -> None:  # type: ignore[no-untyped-def]
    evs = code("نفّذت قوات الصقر عملية تبادل مع جماعة النسر في قرية الزيتونة.")
    assert _summary(evs) == [("release", "HAWK", "EAGLE", "الزيتونة"), ("release", "EAGLE", "HAWK", "الزيتونة")]
    # the next sentence's details of each direction tell it there, with their numbers
    text = ("نفّذت قوات الصقر عملية تبادل مع جماعة النسر في قرية الزيتونة. وأُفرج عن 20 معتقلا من سجون جماعة النسر، "
            "في مقابل إطلاق سراح 20 أسيرا من قوات الصقر.")  # fmt: skip
    evs = code(text)
    assert sorted((e.actor1, e.place.name_ar if e.place else None) for e in evs) == [
        ("EAGLE", "الزيتونة"), ("HAWK", "الزيتونة")
    ]  # fmt: skip
    assert all(text[e.evidence_start :].startswith("وأُفرج") and dict(e.counts)["released"].stated == 20 for e in evs)
    for text in (
        "تجري قوات الصقر مفاوضات لعملية تبادل مع جماعة النسر.",  # no place: the deal spoken of
        "رفضت قوات الصقر عملية تبادل مع جماعة النسر في قرية الزيتونة.",
        "تسعى قوات الصقر إلى عملية تبادل مع جماعة النسر في قرية الزيتونة.",
        "لم تنفذ قوات الصقر عملية تبادل مع جماعة النسر في قرية الزيتونة.",
    ):
        assert code(text) == [], text


def test_capture_of_some_points_is_around_the_place_told_of(code) -> None:  # type: ignore[no-untyped-def]
    evs = code("شنت قوات الصقر هجوما على قرية الزيتونة، فأحرزت تقدما في محيطها وسيطرت على عدد من النقاط.")
    assert [(e.kind, e.actor1, e.place.name_ar if e.place else None, e.extent) for e in evs] == [
        ("takeover", "HAWK", "الزيتونة", "around")
    ]
    assert code("سيطرت قوات الصقر على عدد من النقاط.") == []  # no place told of
    assert code("لم تسيطر قوات الصقر على عدد من النقاط في محيط قرية الزيتونة.") == []


def test_withdrawal_that_a_capture_followed_is_from_the_place_taken(code) -> None:  # type: ignore[no-untyped-def]
    evs = code("انتزعت قوات الصقر السيطرة على قرية الزيتونة في ريف البرتقال، إثر انسحاب جماعة النسر.")
    assert _summary(evs) == [("takeover", "HAWK", "EAGLE", "الزيتونة"), ("withdrawal", "EAGLE", None, "الزيتونة")]
    evs = code("انتزعت قوات الصقر السيطرة على قرية الزيتونة إثر انسحاب جماعة النسر من قرية البرتقال.")
    assert _summary(evs)[1:] == [("withdrawal", "EAGLE", None, "البرتقال")]  # its own place stands
    evs = code("انتزعت قوات الصقر السيطرة على قرية الزيتونة في ريف البرتقال، دون انسحاب جماعة النسر.")
    assert [e.kind for e in evs] == ["takeover"]


def test_fighting_that_describes_the_sides_engaged_in_it_is_no_event(code) -> None:  # type: ignore[no-untyped-def]
    assert code("استفادت قوات الصقر من خلافات جماعة النسر المنخرطة في معارك قرية الزيتونة.") == []
    evs = code("اندلعت معارك بين قوات الصقر وجماعة النسر في قرية الزيتونة.")
    assert [e.kind for e in evs] == ["clash"]


def test_towns_that_name_a_road_by_its_ends_do_not_place_the_strike(code) -> None:  # type: ignore[no-untyped-def]
    evs = code("قصفت جماعة النسر طريق الزيتونة - البرتقال عند أطراف قرية كفر التين.")
    assert _summary(evs) == [("shelling", "EAGLE", None, "كفر التين")]
    evs = code("قصفت جماعة النسر طريق الزيتونة–البرتقال الدولي.")
    assert [e.place for e in evs] == [None]
    # a road that leads to one town is no road named by its ends
    evs = code("قصفت جماعة النسر سيارة على طريق الزيتونة.")
    assert _summary(evs) == [("shelling", "EAGLE", None, "الزيتونة")]


def test_a_crossing_named_by_a_word_that_only_begins_names_places_the_event(code) -> None:  # type: ignore[no-untyped-def]
    # "أبو" only begins names: "معبر أبو X" is a named crossing, though no gazetteer knows it
    evs = code("أفرجت قوات الصقر عن 20 معتقلا في معبر أبو الورد الذي يفصل مناطقها عن قرية الزيتونة.")
    assert [(e.kind, e.place.name_ar if e.place else None) for e in evs] == [("release", "أبو الورد")]
    # a weak landmark word before an ordinary word names nothing: the village is the place
    evs = code("أفرجت قوات الصقر عن 20 معتقلا في معبر رئيسي قرب قرية الزيتونة.")
    assert [(e.kind, e.place.name_ar if e.place else None) for e in evs] == [("release", "الزيتونة")]


def test_a_subdistrict_that_locates_the_village_before_the_verb_is_not_the_place(code) -> None:  # type: ignore[no-untyped-def]
    evs = code("وفي قرية الزيتونة، التابعة لناحية البرتقال، انشق خمسة عناصر من قوات الصقر.")
    assert [(e.kind, e.place.name_ar if e.place else None) for e in evs] == [("defection", "الزيتونة")]
    # a second place listed as such is still the place named last before the verb
    evs = code("وفي قرية الزيتونة ثم في قرية البرتقال انشق خمسة عناصر من قوات الصقر.")
    assert [(e.kind, e.place.name_ar if e.place else None) for e in evs] == [("defection", "البرتقال")]


def test_what_a_campaign_aims_at_is_no_strike(code) -> None:  # type: ignore[no-untyped-def]
    assert code("وكانت قوات الصقر قد بدأت حملة عسكرية تستهدف معاقل جماعة النسر في قرية الزيتونة.") == []
    # a campaign's own strike, told with a verb of the past, is a strike
    evs = code("وشنت قوات الصقر حملة عسكرية استهدفت قرية الزيتونة.")
    assert [(e.kind, e.actor1, e.place.name_ar if e.place else None) for e in evs] == [("shelling", "HAWK", "الزيتونة")]


def test_splits_in_a_side_with_no_place_and_no_side_joined_are_no_defection(code) -> None:  # type: ignore[no-untyped-def]
    assert code("وعندما حصلت انشقاقات في صفوف جماعة النسر، تبدلت الأحوال.") == []
    evs = code("انشق خمسة عناصر من جماعة النسر إلى قوات الصقر.")
    assert [(e.kind, e.actor1, e.actor2) for e in evs] == [("defection", "EAGLE", "HAWK")]
    evs = code("انشق خمسة عناصر من جماعة النسر في قرية الزيتونة.")
    assert [(e.kind, e.place.name_ar if e.place else None) for e in evs] == [("defection", "الزيتونة")]


def test_arrests_in_several_unnamed_areas_are_not_placed_at_a_town_named_before(code) -> None:  # type: ignore[no-untyped-def]
    blast = "انفجرت عبوة ناسفة في قرية الزيتونة، وأعقبتها حملة اعتقالات شنتها قوات الصقر "
    evs = code(blast + "في مناطق عدة للاشتباه بخلايا نائمة.")
    assert [(e.kind, e.place.name_ar if e.place else None) for e in evs] == [("explosion", "الزيتونة"), ("arrest", None)]
    evs = code(blast + "في قرية البرتقال.")
    assert [(e.kind, e.place.name_ar if e.place else None) for e in evs] == [("explosion", "الزيتونة"), ("arrest", "البرتقال")]
    # "in a number of the towns of X" names X
    evs = code("خرجت مظاهرات في عدد من مدن الزيتونة ضد قوات الصقر.")
    assert [(e.kind, e.place.name_ar if e.place else None) for e in evs] == [("protest", "الزيتونة")]


def test_several_blasts_over_a_province_are_a_series_not_an_event(code) -> None:  # type: ignore[no-untyped-def]
    assert code("وتعرضت محافظة الزيتونة لعدة تفجيرات بعبوات ناسفة طال أغلبها قادة من قوات الصقر.") == []
    # several raids on one village are one strike there
    evs = code("شن الطيران الحربي الأزرق عدة غارات على قرية البرتقال.")
    assert [(e.kind, e.place.name_ar if e.place else None) for e in evs] == [("airstrike", "البرتقال")]
