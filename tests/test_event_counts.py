"""Counts on small sentences written for these tests (made-up sides and villages, see
``test_event_rules``): the people a word of taking names without a number, totals that belong to no
single event, and tolls told in the sentence after the event."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest
from test_event_rules import make_coder

from raqib import event_refs as refs
from raqib.model import Event, Place


@pytest.fixture(scope="module")
def code():  # type: ignore[no-untyped-def]
    return make_coder()


def _counts(evs: list[Event]) -> list[tuple[str, dict[str, int | None]]]:
    return [(e.kind, {k: q.stated for k, q in e.counts}) for e in evs]


@pytest.mark.parametrize(
    ("text", "counts"),
    [
        # the pronoun on the word of taking is the person taken: one, two, or (plural) no number
        ("أعدمت جماعة النسر معتقلاً بعد ستة أشهر من اعتقاله في قرية الزيتونة.", {"arrested": 1}),
        ("ندد الأهالي باعتقالهما في قرية الزيتونة على يد قوات الصقر.", {"arrested": 2}),
        ("ندد الأهالي باعتقالهم في قرية الزيتونة على يد قوات الصقر.", {}),
        ("أفرجت قوات الصقر عنه في قرية الزيتونة.", {"released": 1}),
        ("أفرجت قوات الصقر عنهما في قرية الزيتونة.", {"released": 2}),
        ("أفرجت قوات الصقر عنهم في قرية الزيتونة.", {}),
        ("أفرجت قوات الصقر عن شاب في قرية الزيتونة.", {"released": 1}),
        # a ة read as ه is no pronoun: "حملة" is not "his ..."
        ("شنت قوات الصقر حملة اعتقالات في قرية الزيتونة.", {}),
        # one person named with a group of no stated size is one of several: no count of one
        ("ألقت قوات الصقر القبض على رجل وأفراد عائلته في قرية الزيتونة.", {}),
        ("اعتقلت قوات الصقر رجلاً مع أسرته في قرية الزيتونة.", {}),
        ("اعتقلت قوات الصقر شاباً ووالده مع أسرته في قرية الزيتونة.", {}),
        # single people joined by و are counted together, as coders write "امرأة وطفلة" as 2
        ("اعتقلت قوات الصقر شاباً وطفلاً في قرية الزيتونة.", {"arrested": 2}),
        ("خطفت جماعة النسر رجلاً وزوجته في قرية الزيتونة.", {"abducted": 2}),
        # a verb joined by و after the person adds no one; an age counts no one
        ("خطفت جماعة النسر شاباً وفرت إلى قرية الزيتونة.", {"abducted": 1}),
        ("خطفت جماعة النسر شاباً (25 عاماً) في قرية الزيتونة.", {"abducted": 1}),
    ],
    ids=["his-arrest", "their-two-arrest", "their-arrest", "freed-him", "freed-both", "freed-them",
         "freed-a-young-man", "campaign", "man-and-family", "man-with-family", "two-with-family", "two-nouns",
         "man-and-wife", "verb-after",
         "age"],
)  # fmt: skip
def test_people_taken_without_a_number(code, text, counts) -> None:  # type: ignore[no-untyped-def]
    evs = [e for e in code(text) if e.kind in ("arrest", "abduction", "release")]
    assert len(evs) == 1 and _counts(evs)[0][1] == counts


def test_a_number_spread_over_several_incidents_counts_none(code) -> None:  # type: ignore[no-untyped-def]
    evs = code("تعرض 4 مواطنين بينهم طفلين للخطف في حادثتين منفصلتين شهدتهما قرية الزيتونة.")
    assert _counts(evs) == [("abduction", {})]
    evs = code("قتل 5 أشخاص بحادثين منفصلين في قرية الزيتونة.")
    assert all(not e.counts for e in evs)
    # one incident: the number is its count
    assert _counts(code("تعرض 4 مواطنين للخطف في قرية الزيتونة على يد جماعة النسر.")) == [("abduction", {"abducted": 4})]


def test_a_total_over_several_places_is_no_place_count(code) -> None:  # type: ignore[no-untyped-def]
    evs = code("خرج من قريتي الزيتونة والبرتقال 400 مقاتل من جماعة النسر.")
    assert _counts(evs) == [("withdrawal", {}), ("withdrawal", {})]
    assert _counts(code("خرجت من قرية الزيتونة 14 حافلة تقل 400 مقاتل.")) == [("withdrawal", {"fighters": 400})]
    # one place inside another is one place: its toll stands
    evs = code("قصفت جماعة النسر حي البرتقال بقرية الزيتونة، وقتلت 3 مدنيين.")
    assert {k: q.stated for k, q in evs[0].counts} == {"fatalities": 3, "civilians_killed": 3}


def test_the_next_sentence_adds_the_wounded_to_a_killing(code) -> None:  # type: ignore[no-untyped-def]
    evs = code("قتلت جماعة النسر شابا في قرية الزيتونة. وأوضحت الشرطة أن الشاب قضى على الفور، في حين أصيب اثنان آخران.")
    assert _counts(evs) == [("killing", {"fatalities": 1, "injured": 2})]
    # an age in the next sentence is no toll
    evs = code("قتلت جماعة النسر شابا في قرية الزيتونة. وأوضح المصدر أن الشاب يبلغ 30 عاما.")
    assert _counts(evs) == [("killing", {"fatalities": 1})]


def test_the_first_party_of_an_agreement_is_not_the_side_that_leaves(code) -> None:  # type: ignore[no-untyped-def]
    evs = code("أبرم اتفاق بين قوات الصقر وجماعة النسر في قرية الزيتونة نص على نقل مسلحي جماعة النسر إلى الشمال. "
               "وخرجت من القرية 14 حافلة تقل 400 مقاتل.")  # fmt: skip
    assert [(e.kind, e.actor1) for e in evs] == [("agreement", "HAWK"), ("withdrawal", "EAGLE")]


def test_an_event_during_an_earlier_one_happened_there_and_then(code) -> None:  # type: ignore[no-untyped-def]
    lead = "ففي 9 أيار الماضي، انشق قيادي من جماعة النسر قرب قرية الزيتونة. "
    evs = code(lead + "ولفت المصدر إلى أن اشتباكات وقعت بين قوات الصقر وجماعة النسر أثناء تأمين انشقاق القيادي.")
    assert [(e.kind, e.place.name_ar if e.place else None, e.date.start if e.date else None) for e in evs] == [
        ("defection", "الزيتونة", dt.date(2020, 5, 9)), ("clash", "الزيتونة", dt.date(2020, 5, 9))]
    # during something that is no event reported before: no place taken from elsewhere
    evs = code(lead + "ولفت المصدر إلى أن اشتباكات وقعت بين قوات الصقر وجماعة النسر أثناء زيارة المسؤول.")
    assert [(e.kind, e.place) for e in evs][1] == ("clash", None)


def test_a_date_after_a_trigger_of_another_kind_is_that_events(code) -> None:  # type: ignore[no-untyped-def]
    evs = code("قالت مصادر محلية اليوم إن قوات الصقر قصفت قرية الزيتونة. وتابعت المصادر أن قوات الصقر قصفت كذلك "
               "قرية تل الرمان، بعد ساعات من التفجير الذي هز قرية البرتقال أمس الأول.")  # fmt: skip
    days = {(e.kind, e.place.name_ar if e.place else None): e.date.start if e.date else None for e in evs}
    assert days[("shelling", "تل الرمان")] == dt.date(2020, 5, 10)
    assert days[("explosion", "البرتقال")] == dt.date(2020, 5, 8)
    # a second trigger of the same kind tells the same event: its date stands for both
    evs = code("وتابعت أن المعارك انتهت بالسيطرة على قرية الزيتونة التي سيطرت عليها قوات الصقر أمس.")
    assert [(e.kind, e.date.start if e.date else None) for e in evs] == [("takeover", dt.date(2020, 5, 9))]


def _strike(place: Place, evidence_start: int) -> Event:
    return Event(kind="airstrike", actor1="HAWK", actor2=None, place=place, place_start=0, place_end=1, date=None,
                 counts=(), certainty="reported", claimant=None, evidence_start=evidence_start,
                 evidence_end=evidence_start + 10, rule_id="airstrike.test", confidence=0.8)  # fmt: skip


def test_a_later_mention_places_a_strike_told_for_a_whole_country() -> None:
    country = Place("البلاد", 33.0, 43.7, "country:XX", (), "XX", "country")
    spot = Place("الوادي", 36.9, 43.0, None, (), "XX", "village")
    unplaced = Place("المدينة البعيدة", None, None, None, (), "XX", "unknown")
    earlier = [_strike(country, 0)]
    k = refs.referent([_strike(spot, 50)], earlier, pointed=False)
    assert k == 0
    told = refs.complete(earlier[0], _strike(spot, 50))
    assert (told.place, told.evidence_start) == (spot, 50)  # the sentence that places it reports it
    # a name the gazetteer could not place is no place in that country
    assert refs.referent([_strike(unplaced, 50)], earlier, pointed=False) is None
    # a town's strike is not refined by another town
    assert refs.referent([_strike(spot, 50)], [_strike(replace(spot, name_ar="التل", lat=35.0), 0)], False) is None


@pytest.mark.parametrize(
    ("text", "fighters"),
    [
        ("ساعد الجيش الأزرق قيادياً في جماعة النسر على الانشقاق برفقة أحد مرافقيه قرب قرية الزيتونة.", 2),
        ("انشق ضابط عن جماعة النسر في قرية الزيتونة.", 1),
        ("انشق 5 عناصر عن جماعة النسر في قرية الزيتونة.", 5),
        ("انشق عناصر عن جماعة النسر في قرية الزيتونة.", None),
        # a person in another clause is not the defector
        ("قال قيادي في جماعة النسر، إن عناصر انشقوا في قرية الزيتونة.", None),
    ],
)
def test_defectors_named_without_a_number(code, text, fighters) -> None:  # type: ignore[no-untyped-def]
    evs = [e for e in code(text) if e.kind == "defection"]
    assert len(evs) == 1 and {k: q.stated for k, q in evs[0].counts}.get("fighters") == fighters


@pytest.mark.parametrize(
    ("text", "kind", "counts"),
    [
        # "others" counted after a word of surrender or freeing are the people it counts
        ("قُتل ثلاثة من عناصر جماعة النسر في قرية الزيتونة، فيما سلّم اثنان آخران نفسيهما لقوات الصقر.",
         "surrender", {"surrendered": 2}),
        ("استسلم خمسة آخرون من قوات الصقر لجماعة النسر في قرية الزيتونة.", "surrender", {"surrendered": 5}),
        ("اعتقلت قوات الصقر ثلاثة شبان في قرية الزيتونة، وأفرجت عن اثنين آخرين.", "release", {"released": 2}),
        # not when "others" stand in another clause than the trigger: they are the wounded here
        ("سلّم عنصر من قوات الصقر نفسه لجماعة النسر في قرية الزيتونة، وأصيب اثنان آخران.", "surrender", {}),
    ],
    ids=["two-others-surrender", "five-others-surrender", "two-others-freed", "others-wounded"],
)  # fmt: skip
def test_others_counted_after_a_surrender_or_a_release(code, text, kind, counts) -> None:  # type: ignore[no-untyped-def]
    evs = [e for e in code(text) if e.kind == kind]
    people = {k: n for k, n in _counts(evs)[0][1].items() if k in ("surrendered", "released")}
    assert len(evs) == 1 and people == counts


@pytest.mark.parametrize(
    ("text", "counts"),
    [
        # one and two follow the noun they count: the noun says what, not the word after the numeral
        ("قصفت جماعة النسر قرية الزيتونة ما أدى إلى مقتل مدنيين اثنين.", {"fatalities": 2, "civilians_killed": 2}),
        ("قتل مدنيان اثنان في غارة لجماعة النسر على قرية الزيتونة.", {"fatalities": 2, "civilians_killed": 2}),
        ("شنت جماعة النسر غارة على قرية الزيتونة ما أدى إلى مقتل عنصرين اثنين في الغارة.", {"fatalities": 2}),
        # a numeral before its noun is no adjective: the noun after it counts, as before
        ("نفذت جماعة النسر اثنتين من الغارات على قرية الزيتونة.", {"strikes": 2}),
    ],
    ids=["civilians-two", "dual-two", "fighters-two", "numeral-first"],
)  # fmt: skip
def test_one_and_two_after_their_noun(code, text, counts) -> None:  # type: ignore[no-untyped-def]
    evs = [e for e in code(text) if e.kind in ("shelling", "airstrike")]
    assert len(evs) == 1 and _counts(evs)[0][1] == counts


@pytest.mark.parametrize(
    ("text", "counts"),
    [
        # single people joined by و are counted together ("امرأة وطفلة" is 2); children are civilians
        ("قتلت امرأة وطفلة في قصف جماعة النسر على قرية الزيتونة.", {"fatalities": 2, "civilians_killed": 1}),
        ("قتل رجل وزوجته وابنه في قصف جماعة النسر على قرية الزيتونة.", {"fatalities": 3}),
        ("قتلت امرأة وطفلتها في قصف جماعة النسر على قرية الزيتونة.", {"fatalities": 2, "civilians_killed": 1}),
        ("أصيب شاب ووالده في قصف جماعة النسر على قرية الزيتونة.", {"injured": 2}),
        # one of kin or company is one person too, and no civilian by the word alone
        ("قصفت جماعة النسر سيارة في قرية الزيتونة ما أدى إلى مقتل سائقها.", {"fatalities": 1}),
        # a group of no stated size joined to the person: no count
        ("قتل رجل وأطفاله في قصف جماعة النسر على قرية الزيتونة.", {}),
        ("قصفت جماعة النسر سيارة في قرية الزيتونة ما أدى إلى مقتل أقاربه.", {}),
        # a verb joined by و starts another item: one killed, one wounded
        ("قتل مدني وأصيب آخر في قصف جماعة النسر على قرية الزيتونة.",
         {"fatalities": 1, "civilians_killed": 1, "injured": 1}),
    ],
    ids=["woman-and-girl", "man-wife-son", "woman-and-her-child", "wounded-pair", "her-driver", "man-and-children",
         "relatives", "killed-and-wounded"],
)  # fmt: skip
def test_single_people_joined_by_and(code, text, counts) -> None:  # type: ignore[no-untyped-def]
    evs = [e for e in code(text) if e.kind == "shelling"]
    assert len(evs) == 1 and _counts(evs)[0][1] == counts


def test_the_pronoun_on_the_trigger_is_its_victim(code) -> None:  # type: ignore[no-untyped-def]
    # the person named before the pronoun says whether the victim was a civilian, whoever else dies in
    # the sentence ("لقيادي ... لقي حتفه")
    text = "أبلغت جماعة النسر ذوي طفل من قرية الزيتونة بأنها أعدمته، وقالت المصادر إن أخاه قيادي لقي حتفه قبل عام."
    evs = [e for e in code(text) if e.kind == "killing"]
    assert _counts(evs)[:1] == [("killing", {"fatalities": 1, "civilians_killed": 1})]
    # a man is a person killed, not by the word alone a civilian
    evs = [e for e in code("أبلغت جماعة النسر ذوي رجل من قرية الزيتونة بإعدامه.") if e.kind == "killing"]
    assert _counts(evs) == [("killing", {"fatalities": 1})]


@pytest.mark.parametrize(
    ("text", "counts"),
    [
        # one number for the dead and the wounded together: the split is not told, so neither
        ("أسفر قصف جماعة النسر على قرية الزيتونة عن مقتل وإصابة عشرة أشخاص.", {}),
        ("سقط 20 قتيلاً وجريحاً في قصف جماعة النسر على قرية الزيتونة.", {}),
        ("سقط 20 بين قتيل وجريح في قصف جماعة النسر على قرية الزيتونة.", {}),
        # each with its own number
        ("أسفر قصف جماعة النسر على قرية الزيتونة عن مقتل 3 وإصابة 5 آخرين.", {"fatalities": 3, "injured": 5}),
        ("قتل 3 أشخاص وأصيب 4 آخرون في قصف جماعة النسر على قرية الزيتونة.", {"fatalities": 3, "injured": 4}),
        ("أسفر قصف جماعة النسر على قرية الزيتونة عن سقوط قتيلين وجرح ثلاثة.", {"fatalities": 2, "injured": 3}),
        # one of kin wounded after a death: "والدته" is one person
        ("قتل طفل وأصيبت والدته في قصف جماعة النسر على قرية الزيتونة.",
         {"fatalities": 1, "civilians_killed": 1, "injured": 1}),
    ],
    ids=["killed-and-wounded-ten", "twenty-dead-and-wounded", "between-dead-and-wounded", "three-and-five",
         "three-then-four", "dual-then-three", "his-mother-wounded"],
)  # fmt: skip
def test_the_dead_and_the_wounded_told_together(code, text, counts) -> None:  # type: ignore[no-untyped-def]
    evs = [e for e in code(text) if e.kind == "shelling"]
    assert len(evs) == 1 and _counts(evs)[0][1] == counts
