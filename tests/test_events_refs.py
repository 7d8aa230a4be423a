"""Back-references and agreements on small sentences written for these tests (made-up actors and
places, as in test_event_rules.py): a noun that points back at an event already reported completes
it and is no new event; an agreement is reported only where it is concluded, and its terms are no
events of their own."""

from __future__ import annotations

import datetime as dt

import pytest
from test_event_rules import _summary, make_coder


@pytest.fixture(scope="module")
def code():  # type: ignore[no-untyped-def]
    return make_coder()


def test_demonstrative_points_back_to_the_event_already_reported(code) -> None:  # type: ignore[no-untyped-def]
    evs = code("انفجرت عبوة ناسفة في قرية الزيتونة. ويأتي هذا التفجير بعد أسبوع من هجوم في بلدة تل الرمان.")
    assert _summary(evs) == [("explosion", "UNKNOWN", None, "الزيتونة")]


def test_definite_noun_with_a_finer_place_completes_the_event(code) -> None:  # type: ignore[no-untyped-def]
    evs = code("قصف الطيران الحربي الأزرق قرية الزيتونة. وأسفر القصف على قرية الزيتونة عن مقتل 4 مدنيين.")
    assert [(e.kind, e.actor1) for e in evs] == [("airstrike", "BLUE-AIR")]
    assert {k: q.stated for k, q in evs[0].counts} == {"fatalities": 4, "civilians_killed": 4}


def test_definite_noun_at_another_place_is_another_event(code) -> None:  # type: ignore[no-untyped-def]
    evs = code("قصفت جماعة النسر قرية الزيتونة بالمدفعية. وطال القصف المدفعي كذلك بلدة تل الرمان.")
    assert [(e.kind, e.place.name_ar if e.place else None) for e in evs] == [
        ("shelling", "الزيتونة"), ("shelling", "تل الرمان"),
    ]  # fmt: skip


def test_recapture_by_the_other_side_is_not_a_back_reference(code) -> None:  # type: ignore[no-untyped-def]
    evs = code("سيطرت جماعة النسر على قرية الزيتونة. واستعادت قوات الصقر قرية الزيتونة بعد يومين.")
    assert [(e.kind, e.actor1) for e in evs] == [("takeover", "EAGLE"), ("takeover", "HAWK")]


def test_concluded_agreement_and_its_terms(code) -> None:  # type: ignore[no-untyped-def]
    evs = code("توصلت قوات الصقر وجماعة النسر إلى اتفاق في قرية البرتقال يقضي بانسحاب المقاتلين من قرية الزيتونة.")
    assert [(e.kind, {e.actor1, e.actor2}, e.place.name_ar if e.place else None) for e in evs] == [
        ("agreement", {"HAWK", "EAGLE"}, "البرتقال")
    ]


def test_deal_named_before_the_verb_of_concluding(code) -> None:  # type: ignore[no-untyped-def]
    evs = code("وتستند العملية إلى الصفقة التي توصلت إليها قوات الصقر وجماعة النسر الشهر الماضي.")
    assert [(e.kind, {e.actor1, e.actor2}) for e in evs] == [("agreement", {"HAWK", "EAGLE"})]


def test_one_agreement_told_twice_with_the_sides_in_either_order(code) -> None:  # type: ignore[no-untyped-def]
    evs = code("أبرمت قوات الصقر اتفاقا مع جماعة النسر في قرية البرتقال. "
               "وكانت جماعة النسر وقوات الصقر قد توصلتا إلى اتفاق في قرية البرتقال.")  # fmt: skip
    assert [e.kind for e in evs] == ["agreement"]


def test_settlement_named_but_not_reported_is_no_event(code) -> None:  # type: ignore[no-untyped-def]
    for text in (
        "تستعد قوات الصقر لنقل عناصر جماعة النسر الرافضين للتسوية من قرية الزيتونة.",
        "دخلت قوات الصقر قرية الزيتونة بموجب اتفاق مع جماعة النسر.",
        "افتتحت قوات الصقر مركز تسوية في قرية البرتقال لعناصر جماعة النسر.",
    ):
        assert [e for e in code(text) if e.kind == "agreement"] == [], text


def test_denied_or_sought_agreement_is_no_event(code) -> None:  # type: ignore[no-untyped-def]
    for text in (
        "نفت جماعة النسر توصلها إلى اتفاق مع قوات الصقر في قرية البرتقال.",
        "تسعى قوات الصقر إلى التوصل إلى اتفاق مع جماعة النسر في قرية البرتقال.",
        "لم تتمكن قوات الصقر وجماعة النسر من التوصل إلى اتفاق في قرية البرتقال.",
        "ويرجح أن تبرم قوات الصقر اتفاقا مع جماعة النسر في قرية البرتقال.",
    ):
        assert [e for e in code(text) if e.kind == "agreement" and e.certainty != "speculative"] == [], text


def test_a_pattern_of_attacks_is_no_event(code) -> None:  # type: ignore[no-untyped-def]
    for text in (
        "تشهد قرية الزيتونة تفجيرات متكررة تنفذها خلايا باستخدام سيارات ودراجات مفخخة.",
        "ويذكر أن الخطف واحتجاز الأهالي طلبا للفدية ظاهرة طارئة على قرية البرتقال.",
        "ويرى ناشطون أن تكرار حالات الخطف في قرية الزيتونة يثير مخاوف جديدة.",
    ):
        assert code(text) == [], text


def test_two_fronts_each_located_by_a_town(code) -> None:  # type: ignore[no-untyped-def]
    evs = code("اندلعت مواجهات بين قوات الصقر وجماعة النسر على جبهتي الزيتونة غرب كفر التين والبرتقال شمال كفر التين.")
    assert [(e.kind, e.place.name_ar if e.place else None) for e in evs] == [
        ("clash", "الزيتونة"), ("clash", "البرتقال"),
    ]  # fmt: skip


def test_a_day_counted_back_in_the_lead_does_not_date_the_headline(code) -> None:  # type: ignore[no-untyped-def]
    evs = code("قوات الصقر تغادر قرية الزيتونة\nخرجت قوات الصقر من المناطق التي كانت قد دخلتها قبل ثلاثة أيام.")
    dated = [(e.kind, e.date.start if e.date else None) for e in evs if e.place is not None]
    assert dated == [("withdrawal", dt.date(2020, 5, 10))]


def test_a_sentence_without_a_subject_carries_on_the_side_that_acted_before(code) -> None:  # type: ignore[no-untyped-def]
    evs = code("ذكرت مصادر أن جماعة النسر ناشدت قوات الصقر. سيطرت جماعة النسر على قرية الزيتونة بعد معارك مع قوات الصقر. "
               "وفي وقت سابق، كانت هذه القوات قد بسطت سيطرتها على قرية البرتقال.")  # fmt: skip
    assert [(e.actor1, e.place.name_ar if e.place else None) for e in evs if e.kind == "takeover"] == [
        ("EAGLE", "الزيتونة"), ("EAGLE", "البرتقال"),
    ]  # fmt: skip
    named = code("سيطرت جماعة النسر على قرية الزيتونة. وسيطرت قوات الصقر على قرية البرتقال.")
    assert [e.actor1 for e in named] == ["EAGLE", "HAWK"]


def test_counts_of_a_strike_on_civilians(code) -> None:  # type: ignore[no-untyped-def]
    evs = code("سقط أربعة شهداء مدنيين وعشرات الجرحى إثر انفجار سيارة مفخخة في قرية الزيتونة. "
               "ووقع الانفجار قرب سوق قرية الزيتونة موقعا أربعة قتلى و20 جريحا.")  # fmt: skip
    assert [(e.kind, e.actor2) for e in evs] == [("explosion", "CIVILIANS")]
    assert {k: q.stated for k, q in evs[0].counts} == {"fatalities": 4, "civilians_killed": 4, "injured": 20}


def test_detainees_among_the_dead_are_no_arrest_count(code) -> None:  # type: ignore[no-untyped-def]
    evs = code("قصفت جماعة النسر قرية الزيتونة بالمدفعية موقعة 7 قتلى منهم 3 من الموقوفين.")
    assert {k: q.stated for k, q in evs[0].counts} == {"fatalities": 7}


def test_an_agreement_carries_no_toll(code) -> None:  # type: ignore[no-untyped-def]
    evs = code("وتستند العملية إلى الصفقة التي توصلت إليها قوات الصقر وجماعة النسر، وتشمل 1081 أسيرا.")
    assert [(e.kind, e.counts) for e in evs] == [("agreement", ())]


def test_accusative_noun_is_a_trigger(code) -> None:  # type: ignore[no-untyped-def]
    evs = code("أفادت مصادر بأن انفجارا هز قرية الزيتونة صباح اليوم.")
    assert _summary(evs) == [("explosion", "UNKNOWN", None, "الزيتونة")]
    assert code("نفت قوات الصقر أن يكون انفجارا قد وقع في قرية الزيتونة.") == []


def test_a_landmark_placed_in_a_town_is_a_place(code) -> None:  # type: ignore[no-untyped-def]
    evs = code("قتل 3 أشخاص إثر انفجار سيارة مفخخة في مقبرة الشهداء بمدينة الزيتونة.")
    assert evs[0].place is not None and evs[0].place.name_ar == "الشهداء"  # (the harness keeps the town too)
    assert [e.place.name_ar if e.place else None for e in code("قتل 3 أشخاص إثر انفجار في مقبرة الشهداء.")] == [None]


def test_a_day_beside_a_placeless_back_reference_is_not_its_own(code) -> None:  # type: ignore[no-untyped-def]
    evs = code("انفجرت سيارة مفخخة في قرية الزيتونة اليوم. "
               "وأوضحت المصادر أن الانفجار وقع أثناء تشييع قائد فارق الحياة قبل يومين، وخلف 3 قتلى.")  # fmt: skip
    assert len(evs) == 1 and {k: q.stated for k, q in evs[0].counts} == {"fatalities": 3}


def test_an_order_or_a_demand_is_no_event(code) -> None:  # type: ignore[no-untyped-def]
    for text in (
        "أمر مجلس القضاء الأعلى باعتقال قائد قوات الصقر في قرية الزيتونة.",
        "طالب المحتجون في قرية الزيتونة جماعة النسر بالتنحي، وبإطلاق سراح المعتقلين في سجونها.",
        "اتهمت صحيفة محلية قوات الصقر بإبرام اتفاق مع جماعة النسر في قرية الزيتونة.",
    ):
        assert [e for e in code(text) if e.kind in ("arrest", "release", "agreement")] == [], text
    assert [e.kind for e in code("اعتقلت قوات الصقر قائدا من جماعة النسر في قرية الزيتونة.")] == ["arrest"]


def test_but_is_no_negation_and_a_pronoun_object_is_the_place_named_before(code) -> None:  # type: ignore[no-untyped-def]
    evs = code("سيطرت قوات الصقر على قرية الزيتونة، غير أنها انسحبت منها وعادت إلى قرية البرتقال.")
    assert [(e.kind, e.place.name_ar if e.place else None) for e in evs] == [
        ("takeover", "الزيتونة"), ("withdrawal", "الزيتونة"),
    ]  # fmt: skip
    assert [e.kind for e in code("لم تنسحب قوات الصقر من قرية الزيتونة حتى الآن.")] == []


def test_a_place_that_became_liberated(code) -> None:  # type: ignore[no-untyped-def]
    evs = code("أعلنت قوات الصقر أن قرية الزيتونة باتت محررة من سيطرة جماعة النسر.")
    assert _summary(evs) == [("takeover", "HAWK", "EAGLE", "الزيتونة")]
    assert code("تخشى جماعة النسر أن تصبح قرية الزيتونة في قبضة قوات الصقر.") == []


def test_sides_that_agree_to_a_ceasefire(code) -> None:  # type: ignore[no-untyped-def]
    evs = code("أوضح المبعوث أن قوات الصقر وجماعة النسر أبديا موافقتهما على وقف دائم لإطلاق النار.")
    assert [(e.kind, {e.actor1, e.actor2}) for e in evs] == [("agreement", {"HAWK", "EAGLE"})]
    assert code("رفضت جماعة النسر الموافقة على وقف إطلاق النار مع قوات الصقر.") == []


def test_struck_from_the_air_and_left_a_town(code) -> None:  # type: ignore[no-untyped-def]
    evs = code("ضربت طائرات الطيران الحربي الأزرق تجمعات لجماعة النسر في محيط قرية الزيتونة.")
    assert [(e.kind, e.actor1) for e in evs] == [("airstrike", "BLUE-AIR")]
    assert _summary(code("قوات الصقر تغادر قرية البرتقال")) == [("withdrawal", "HAWK", None, "البرتقال")]
    assert code("لم تغادر قوات الصقر قرية البرتقال.") == []


def test_the_weapon_is_part_of_the_strike(code) -> None:  # type: ignore[no-untyped-def]
    evs = code("قصف الطيران الحربي الأزرق أمس بصاروخ على الأقل سيارة كانت في قرية الزيتونة.")
    assert _summary(evs) == [("airstrike", "BLUE-AIR", None, "الزيتونة")]


def test_fighters_killed_by_the_other_side_is_fighting(code) -> None:  # type: ignore[no-untyped-def]
    evs = code("أعلنت قوات الصقر أنها قتلت ثمانية من عناصر جماعة النسر قرب قرية الزيتونة.")
    assert [(e.kind, e.actor1, e.actor2) for e in evs] == [("clash", "HAWK", "EAGLE")]
    civ = code("قتلت جماعة النسر ثلاثة من المدنيين في قرية الزيتونة.")
    assert [(e.kind, e.actor2) for e in civ] == [("killing", "CIVILIANS")]


def test_a_town_struck_by_several_raids_is_one_strike(code) -> None:  # type: ignore[no-untyped-def]
    evs = code("سيطرت جماعة النسر على قرية البرتقال. وتعرضت قرية الزيتونة لقصف من الطيران الحربي الأزرق بعدة غارات.")
    assert [(e.kind, e.actor1, e.place.name_ar if e.place else None) for e in evs if e.kind != "takeover"] == [
        ("airstrike", "BLUE-AIR", "الزيتونة")
    ]


def test_the_country_a_report_names_settles_an_ambiguous_town(res) -> None:  # type: ignore[no-untyped-def]
    from raqib.normalize import normalize
    from raqib.pipeline import guess_country
    from raqib.segment import segment

    text = "قالت مصادر ليبية إن اشتباكات اندلعت جنوب طرابلس، وإن الجيش الليبي تقدم نحو العاصمة الليبية."
    sentences = segment(text, normalize(text))
    mentions = [m for s in sentences for m in res.place_finder.find(text, s)]
    assert guess_country(res, mentions, sentences) == "LY"


def test_entering_is_a_capture_only_when_the_text_says_who_entered(code) -> None:  # type: ignore[no-untyped-def]
    assert _summary(code("دخلت قوات الصقر قرية الزيتونة صباح اليوم.")) == [("takeover", "HAWK", None, "الزيتونة")]
    assert code("سيغادر المسلحون على متن الحافلات التي دخلت قرية الزيتونة.") == []


def test_an_expected_event_and_people_described_by_a_past_deed_are_no_new_events(code) -> None:  # type: ignore[no-untyped-def]
    assert code("تستعد قوات الصقر لاستقبال الدفعة الأولى من المعتقلين بعد الإفراج المتوقع عنهم من قرية الزيتونة.") == []
    evs = code("تساهلت قوات الصقر مع عناصر جماعة النسر الذين سلموا أنفسهم في قرية الزيتونة.")
    assert [e for e in evs if e.kind == "surrender"] == []


def test_an_agreement_that_covers_more_towns_is_one_event_per_town(code) -> None:  # type: ignore[no-untyped-def]
    evs = code("أبرمت قوات الصقر اتفاقا مع جماعة النسر في قرية الزيتونة، على أن تمتد التسوية لتشمل بلدتي البرتقال وكفر التين.")
    assert [(e.kind, e.place.name_ar if e.place else None) for e in evs] == [
        ("agreement", "الزيتونة"), ("agreement", "البرتقال"), ("agreement", "كفر التين"),
    ]  # fmt: skip


def test_a_capture_aimed_at_is_no_capture(code) -> None:  # type: ignore[no-untyped-def]
    assert code("شدد المتحدث على أن العملية العسكرية لتحرير قرية الزيتونة لن تتوقف.") == []
    assert [e.kind for e in code("أعلنت قوات الصقر تحرير قرية الزيتونة من جماعة النسر.")] == ["takeover"]


def test_a_village_placed_by_its_subdistrict_and_a_bracketed_list(code) -> None:  # type: ignore[no-untyped-def]
    evs = code("انتزعت قوات الصقر قريتي (الزيتونة، والبرتقال الكبير) على محور ناحية “تل الرمان”، وقرية (كفر التين) بناحية “تل الرمان”.")
    assert [e.place.name_ar if e.place else None for e in evs] == ["الزيتونة", "البرتقال الكبير", "كفر التين"]
    listed = code("انسحبت قوات الصقر من قرية الزيتونة، وناحية تل الرمان.")
    assert [e.place.name_ar if e.place else None for e in listed] == ["الزيتونة", "تل الرمان"]


def test_an_earlier_event_without_a_place_is_background_only(code) -> None:  # type: ignore[no-untyped-def]
    assert code("وكان عناصر من جماعة النسر قد نجحوا سابقا في الانشقاق عنها.") == []
    evs = code("وكان عناصر من جماعة النسر قد انشقوا سابقا في قرية الزيتونة.")
    assert [(e.kind, e.place.name_ar if e.place else None) for e in evs] == [("defection", "الزيتونة")]


def test_later_mentions_by_pronoun_or_name_complete_the_event(code) -> None:  # type: ignore[no-untyped-def]
    evs = code("انشق خمسة عناصر من قوات الصقر في قرية الزيتونة أمس. ولجؤوا بعد انشقاقهم إلى قرية البرتقال.")
    assert [(e.kind, e.place.name_ar if e.place else None) for e in evs] == [("defection", "الزيتونة")]
    evs = code("قتل مسلحون الناشط سمير في قرية الزيتونة. ويتزامن مقتل الناشط مع احتجاجات في قرية البرتقال.")
    assert [e.kind for e in evs if e.kind == "killing"] == ["killing"]


def test_a_placeless_recap_of_a_named_side_completes_its_event(code) -> None:  # type: ignore[no-untyped-def]
    evs = code("قصف الطيران الحربي الأزرق قرية الزيتونة صباح اليوم. "
               "وتقول مصادر إن قصف الطيران الحربي الأزرق للأحياء السكنية خلف دمارا واسعا.")  # fmt: skip
    assert [(e.kind, e.place.name_ar if e.place else None) for e in evs] == [("airstrike", "الزيتونة")]
    other = code("قصف الطيران الحربي الأزرق قرية الزيتونة. وقصفت جماعة النسر بالمدفعية مواقع قوات الصقر.")
    assert [e.actor1 for e in other] == ["BLUE-AIR", "EAGLE"]


def test_terms_commitments_and_a_disengagement_zone_are_no_events(code) -> None:  # type: ignore[no-untyped-def]
    assert code("وبموجب الصفقة، تطلق جماعة النسر سراح 400 أسير في قرية الزيتونة.") == []
    assert code("تلتزم قوات الصقر بالإفراج عن 681 مقاتلا من جماعة النسر في قرية الزيتونة.") == []
    assert code("عادت قوات الصقر إلى منطقة فض الاشتباك مع جماعة النسر قرب قرية الزيتونة.") == []


def test_counted_fighters_of_a_side_are_its_losses(code) -> None:  # type: ignore[no-untyped-def]
    evs = code("أعلنت قوات الصقر أنها قتلت سبعة من عناصر جماعة النسر في قرية الزيتونة.")
    assert [(e.kind, e.actor1, e.actor2) for e in evs] == [("clash", "HAWK", "EAGLE")]


def test_an_assassination_told_as_a_blast_is_the_explosion(code) -> None:  # type: ignore[no-untyped-def]
    evs = code("لقي عنصر من قوات الصقر مصرعه اليوم في عملية اغتيال في قرية الزيتونة. "
               "وأفاد ناشطون أن عبوة ناسفة استهدفت سيارته في قرية الزيتونة اليوم.")  # fmt: skip
    assert [e.kind for e in evs] == ["explosion"]
    shot = code("اغتال مجهولون مدنيا برصاص مباشر في قرية الزيتونة اليوم.")
    assert [e.kind for e in shot] == ["killing"]


def test_a_side_the_sentence_names_in_another_role_is_not_carried_on(code) -> None:  # type: ignore[no-untyped-def]
    evs = code("اعتقلت جماعة النسر 500 عنصر من معارضيها في قرية البرتقال. "
               "وتمكن بعض المعارضين لجماعة النسر من السيطرة على قرية الزيتونة.")  # fmt: skip
    assert [e.actor1 for e in evs if e.kind == "takeover"] != ["EAGLE"]


def test_sponsor_or_mediator_is_no_side_of_the_capture(code) -> None:  # type: ignore[no-untyped-def]
    for marker in ("برعاية", "بوساطة من", "بدعم من"):
        evs = code(f"سيطرت جماعة النسر {marker} قوات الصقر على قرية الزيتونة.")
        assert _summary(evs) == [("takeover", "EAGLE", None, "الزيتونة")], marker


@pytest.mark.parametrize("text", [
    "أغلقت قوات الصقر الطرق المؤدية إلى قرية الزيتونة.",
    "بعد إغلاق أغلب الطرق المؤدية إلى قرية الزيتونة فرضت قوات الصقر حصارا عليها.",
])  # fmt: skip
def test_roads_closed_to_a_place_is_a_siege(code, text) -> None:  # type: ignore[no-untyped-def]
    assert _summary(code(text)) == [("siege", "HAWK", "CIVILIANS", "الزيتونة")]


@pytest.mark.parametrize("text", [
    "لم تغلق قوات الصقر الطرق المؤدية إلى قرية الزيتونة.",
    "طالبت جماعة النسر قوات الصقر بإغلاق الطرق المؤدية إلى قرية الزيتونة.",
    "شرعت قوات الصقر في التضييق على الصحفيين.",
    "أغلقت قوات الصقر الطرق المؤدية إلى مقراتها.",
])  # fmt: skip
def test_roads_not_closed_asked_for_or_no_place_is_no_siege(code, text) -> None:  # type: ignore[no-untyped-def]
    assert code(text) == []


@pytest.mark.parametrize("text", [
    "وافقت جماعة النسر على السماح بدخول قوات الصقر إلى قرية الزيتونة.",
    "فشلت قوات الصقر في استرداد قرية الزيتونة من جماعة النسر.",
    "أخفقت قوات الصقر في السيطرة على قرية الزيتونة.",
])  # fmt: skip
def test_permitted_or_failed_capture_is_no_capture(code, text) -> None:  # type: ignore[no-untyped-def]
    assert code(text) == []


def test_failed_attack_is_still_an_attack(code) -> None:  # type: ignore[no-untyped-def]
    evs = code("فشلت قوات الصقر في صد هجوم جماعة النسر على قرية الزيتونة.")
    assert _summary(evs) == [("clash", "EAGLE", "HAWK", "الزيتونة")]


def test_plain_past_kana_elsewhere_in_the_sentence_is_no_background(code) -> None:  # type: ignore[no-untyped-def]
    (ev,) = code("سيطرت قوات الصقر على قرية الزيتونة التي كانت تحت حماية جماعة النسر.")
    assert not ev.background
    (ev,) = code("وكانت قوات الصقر قد سيطرت على قرية الزيتونة.")
    assert ev.background


def test_side_driven_out_named_by_a_pronoun_is_not_the_taker(code) -> None:  # type: ignore[no-untyped-def]
    assert code("ولم تعلق جماعة النسر على ذلك بعد يوم من طردها من آخر مواقعها في قرية الزيتونة.") == []
    evs = code("طردت قوات الصقر جماعة النسر من قرية الزيتونة.")
    assert _summary(evs) == [("takeover", "HAWK", "EAGLE", "الزيتونة")]


def test_release_named_as_the_price_of_a_demand_is_no_release(code) -> None:  # type: ignore[no-untyped-def]
    assert code("وطالبت جماعة النسر ذوي الرجلين بفدية مالية لقاء الإفراج عنهما في قرية الزيتونة.") == []
    evs = code("أفرجت جماعة النسر عن الرجلين في قرية الزيتونة مقابل فدية مالية.")
    assert _summary(evs) == [("release", "EAGLE", None, "الزيتونة")]


def test_subject_of_a_relative_clause_is_not_the_doer_of_the_main_verb(code) -> None:  # type: ignore[no-untyped-def]
    evs = code("شنت قوات الصقر هجمات على مواقع يتمركز فيها جماعة النسر، وأحكمت سيطرتها على قرية الزيتونة.")
    assert [(e.kind, e.actor1) for e in evs if e.kind == "takeover"] == [("takeover", "HAWK")]
    evs = code("قالت قوات الصقر إن البلدة التي تسيطر جماعة النسر عليها تعرضت لقصف، ثم سيطرت على قرية الزيتونة.")
    assert [(e.kind, e.actor1) for e in evs if e.kind == "takeover"] == [("takeover", "HAWK")]


def test_dual_of_a_landmark_word_opens_two_names(code) -> None:  # type: ignore[no-untyped-def]
    evs = code("أحكمت قوات الصقر سيطرتها على تبتي السنديان والصنوبر.")
    assert [(e.kind, e.place.name_ar if e.place else None) for e in evs] == [
        ("takeover", "السنديان"), ("takeover", "الصنوبر"),
    ]  # fmt: skip


def test_road_closure_in_a_background_clause_is_a_siege_without_a_date(code) -> None:  # type: ignore[no-untyped-def]
    evs = code("وكانت المواد قد تحولت إلى طريق آخر بعد إغلاق قوات الصقر أغلب الطرق المؤدية إلى قرية الزيتونة.")
    assert _summary(evs) == [("siege", "HAWK", "CIVILIANS", "الزيتونة")]
    assert evs[0].background


@pytest.mark.parametrize("text", [
    "وبين المصدر أن قوات الصقر ضربت تجمعات لمسلحي جماعة النسر في قرية الزيتونة.",
    "قصفت قوات الصقر مواقع لعناصر جماعة النسر في قرية الزيتونة.",
])  # fmt: skip
def test_side_after_a_noun_with_li_owns_what_was_hit(code, text) -> None:  # type: ignore[no-untyped-def]
    assert _summary(code(text)) == [("shelling", "HAWK", "EAGLE", "الزيتونة")]


@pytest.mark.parametrize("text", [
    "انسحبت جماعة النسر من قرية الزيتونة تحت وطأة القصف الكثيف.",
    "أرسلت جماعة النسر تعزيزات إلى قرية الزيتونة بعد القصف.",
])  # fmt: skip
def test_shelling_named_as_a_cause_or_a_time_is_no_shelling(code, text) -> None:  # type: ignore[no-untyped-def]
    assert [e.kind for e in code(text) if e.kind in ("shelling", "airstrike")] == []


@pytest.mark.parametrize("text", [
    "قتل مدنيان في قرية الزيتونة جراء القصف الذي شنته قوات الصقر.",
    "قتل مدنيان جراء القصف الجوي على قرية الزيتونة.",
])  # fmt: skip
def test_shelling_with_its_striker_or_its_toll_is_reported(code, text) -> None:  # type: ignore[no-untyped-def]
    assert [e.kind for e in code(text)] in (["shelling"], ["airstrike"])


def test_tightened_grip_on_a_place_is_a_siege_and_its_means_are_no_second_one(code) -> None:  # type: ignore[no-untyped-def]
    assert _summary(code("ضيقت قوات الصقر الخناق على قرية الزيتونة.")) == [("siege", "HAWK", "CIVILIANS", "الزيتونة")]
    evs = code("شرعت قوات الصقر في التضييق على الأهالي في قرية الزيتونة، فأغلقت الطرق المؤدية إلى قرية البرتقال.")
    assert _summary(evs) == [("siege", "HAWK", "CIVILIANS", "الزيتونة")]
    assert code("تضيق قوات الصقر على الصحفيين في عملهم.") == []


def test_passive_agreement_with_its_terms_after_parties_and_place(code) -> None:  # type: ignore[no-untyped-def]
    evs = code("أُبرم اتفاق بين قوات الصقر وجماعة النسر في قرية الزيتونة ينص على انسحاب المقاتلين.")
    assert _summary(evs) == [("agreement", "HAWK", "EAGLE", "الزيتونة")]


def test_conjunction_glued_to_a_short_name_head_is_not_part_of_the_name(code) -> None:  # type: ignore[no-untyped-def]
    evs = code("قصفت جماعة النسر بالمدفعية كلاً من الزيتونة، البرتقال، وأم الخير.")
    assert [e.place.name_ar for e in evs if e.place] == ["الزيتونة", "البرتقال", "أم الخير"]


def test_capture_of_a_vague_set_of_villages_is_an_event_without_a_place(code) -> None:  # type: ignore[no-untyped-def]
    evs = code("سيطرت جماعة النسر على قرية الزيتونة، واستولت في أثناء ذلك على عدة قرى.")
    assert sorted((e.kind, e.actor1, e.place.name_ar if e.place else "") for e in evs) == [
        ("takeover", "EAGLE", ""), ("takeover", "EAGLE", "الزيتونة"),
    ]  # fmt: skip


@pytest.mark.parametrize(
    "text",
    [
        "لم تتمكن جماعة النسر من السيطرة على عدة قرى.",
        "تسعى جماعة النسر إلى السيطرة على عدد من القرى.",
        "سيطرت جماعة النسر على ثلاث قرى في ريف المحافظة.",  # counted villages are named, not left unsaid
    ],
)
def test_no_placeless_capture_when_denied_sought_or_counted(code, text) -> None:  # type: ignore[no-untyped-def]
    assert [e for e in code(text) if e.kind == "takeover"] == []


def test_villages_of_a_vague_set_named_next_are_the_events(code) -> None:  # type: ignore[no-untyped-def]
    evs = code("وأعلنت جماعة النسر أنها انتزعت عدداً من القرى. وقالت جماعة النسر إنها سيطرت على قرية الزيتونة وقرية البرتقال.")
    assert [(e.kind, e.place.name_ar if e.place else None) for e in evs] == [
        ("takeover", "الزيتونة"), ("takeover", "البرتقال"),
    ]  # fmt: skip


def test_a_vague_set_of_villages_within_a_named_district_is_placed_there(code) -> None:  # type: ignore[no-untyped-def]
    evs = code("بسطت جماعة النسر سيطرتها على عدة قرى ضمن ناحية الزيتونة.")
    assert [(e.kind, e.actor1, e.place.name_ar if e.place else None) for e in evs] == [("takeover", "EAGLE", "الزيتونة")]


def _place_names(text: str, gazetteer: list[str]) -> list[str]:
    """The place mentions a finder with a made-up gazetteer (towns, taken without a preposition) reads."""
    from raqib.normalize import bare, normalize
    from raqib.recognize.places import PlaceFinder
    from raqib.segment import segment

    names = {tuple(bare(p).split()): (n,) for n, p in enumerate(gazetteer)}
    finder = PlaceFinder(names, 2, strong=frozenset(names))
    return [m.name for s in segment(text, normalize(text)) for m in finder.find(text, s)]


def test_a_word_that_agrees_with_the_noun_before_it_is_an_adjective_not_a_place() -> None:
    assert _place_names("وفرضت القوات على سكانها تسوية جديدة.", ["جديدة"]) == []
    assert _place_names("وبدأت المرحلة الجديدة من المعركة.", ["الجديدة"]) == []
    assert _place_names("وسيطرت القوات على جديدة وعلى الزيتونة.", ["جديدة", "الزيتونة"]) == ["جديدة", "الزيتونة"]


def test_a_list_after_an_opener_does_not_begin_with_a_conjunction() -> None:
    text = "وشنت القوات حملة شملت الزيتونة والبلدات القريبة منها، وطالت عسكريين ومدنيين."
    assert _place_names(text, ["الزيتونة"]) == ["الزيتونة"]
    assert _place_names("وسيطرت القوات على ست قرى، منها الزيتونة والبرتقال.", ["الزيتونة"]) == ["الزيتونة", "البرتقال"]


def test_a_verbal_noun_of_capture_in_a_group_name_has_no_place_object() -> None:
    text = "خرجت مظاهرات ضد هيئة تحرير الشام وزعيمها في مدينة الزيتونة."
    assert _place_names(text, ["الزيتونة"]) == ["الزيتونة"]


def test_an_alias_cut_by_a_quote_mark_after_its_proclitic_is_still_found() -> None:
    from raqib.actors import Alias
    from raqib.normalize import bare, normalize
    from raqib.recognize.actors import ActorFinder
    from raqib.segment import segment

    alias = "المعارضين لخليفة الجماعة"
    key = tuple(bare(alias).split())
    finder = ActorFinder({key: [Alias(alias, bare(alias), "DISSIDENT", frozenset(), None, None, "name", "")]})
    text = "وتمكن بعض المعارضين لـ”خليفة” الجماعة من السيطرة على القرية."
    found = finder.find(text, segment(text, normalize(text)))
    assert [(m.actor, text[m.start_char : m.end_char]) for m in found] == [("DISSIDENT", "المعارضين لـ”خليفة” الجماعة")]


def test_those_who_surrender_unnamed_are_not_the_side_that_acted_before(code) -> None:  # type: ignore[no-untyped-def]
    evs = code("أعلنت جماعة النسر أن جماعة النسر صامدة. وسيطرت قوات الصقر على قرية الزيتونة. واستسلم عشرات المقاتلين.")
    assert [e.actor1 for e in evs if e.kind == "surrender"] == ["EAGLE"]


def test_opening_fire_on_a_person_is_a_killing_attack(code) -> None:  # type: ignore[no-untyped-def]
    evs = code("لقي شاب حتفه بعدما أطلق مسلحون النار عليه في قرية الزيتونة.")
    assert [(e.kind, e.place.name_ar if e.place else None) for e in evs] == [("killing", "الزيتونة")]


@pytest.mark.parametrize(
    "text",
    [
        "أطلقت قوات الصقر سراح المعتقلين في قرية الزيتونة بعد وقف إطلاق النار.",  # a release, not an attack
        "نفت قوات الصقر أن تكون أطلقت النار على المحتجين في قرية الزيتونة.",
    ],
)
def test_fire_words_in_a_release_or_a_denial_make_no_killing(code, text) -> None:  # type: ignore[no-untyped-def]
    assert [e.kind for e in code(text) if e.kind == "killing"] == []


def test_one_civilian_named_before_the_death_word_counts_one(code) -> None:  # type: ignore[no-untyped-def]
    evs = code("ونقلت مصادر أن المدني “سامر الفلاني” لقي حتفه بعدما أطلق مسلحون النار عليه في قرية الزيتونة.")
    assert [(e.kind, {k: q.stated for k, q in e.counts}) for e in evs] == [
        ("killing", {"fatalities": 1, "civilians_killed": 1}),
    ]  # fmt: skip


def test_a_list_after_a_weak_plural_is_taken_when_a_later_item_is_known() -> None:
    assert _place_names("انسحبت القوات من مناطق الرمانة، والزيتونة، والبرتقال.", ["الزيتونة"]) == [
        "الرمانة", "الزيتونة", "البرتقال",
    ]  # fmt: skip
    assert _place_names("انسحبت القوات من مناطق واسعة وعادت إلى ثكناتها.", ["الزيتونة"]) == []


def test_capture_of_indefinite_positions_in_a_province_is_a_summary_not_an_event(code) -> None:  # type: ignore[no-untyped-def]
    assert [e for e in code("استطاعت قوات الصقر انتزاع مواقع استراتيجية اليوم في محافظة الزيتونة.") if e.kind == "takeover"] == []


def test_withdrawal_from_positions_there_is_from_each_place_just_named(code) -> None:  # type: ignore[no-untyped-def]
    evs = code("سيطرت قوات الصقر على قرية الزيتونة وقرية البرتقال، عقب انسحاب جماعة النسر من مواقعها هناك.")
    assert [(e.kind, e.actor1, e.place.name_ar) for e in evs if e.kind == "withdrawal" and e.place] == [
        ("withdrawal", "EAGLE", "الزيتونة"), ("withdrawal", "EAGLE", "البرتقال"),
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("وكانت مجموعة مجهولة قد اختطفتهم في قرية الزيتونة.", "abduction"),
        ("وقال الأهالي إن قوات الصقر اعتقلته في قرية الزيتونة.", "arrest"),
        ("وأبلغت جماعة النسر عائلته بأنها أعدمته في قرية الزيتونة.", "killing"),
        ("وأبلغت جماعة النسر عائلتيهما بإعدامهما في قرية الزيتونة.", "killing"),
        ("وكانت قوات الصقر قد أعلنت اعتقاله في قرية الزيتونة.", "arrest"),
    ],
)
def test_a_verb_with_an_object_pronoun_is_a_trigger(code, text, kind) -> None:  # type: ignore[no-untyped-def]
    assert [e.kind for e in code(text)] == [kind]


def test_a_denied_arrest_told_with_an_object_pronoun_is_no_event(code) -> None:  # type: ignore[no-untyped-def]
    assert code("ونفت قوات الصقر أن تكون اعتقلته في قرية الزيتونة.") == []


def test_a_town_named_in_brackets_to_locate_a_village_is_not_the_event_place(code) -> None:  # type: ignore[no-untyped-def]
    evs = code("داهم عناصر من قوات الصقر منزلاً في قرية الزيتونة (تبعد 10 كم جنوب مدينة البرتقال)، واعتقلوا صاحبه.")
    assert [(e.kind, e.place.name_ar if e.place else None) for e in evs] == [("arrest", "الزيتونة")]


def test_fighters_of_a_side_named_before_the_verb_are_that_side_acting(code) -> None:  # type: ignore[no-untyped-def]
    evs = code("وقال ناشطون إن مقاتلين من جماعة النسر داهموا منزلاً في قرية الزيتونة، واعتقلوا صاحبه.")
    assert [(e.kind, e.actor1) for e in evs] == [("arrest", "EAGLE")]
    evs = code("واعتقلت قوات الصقر عناصر من جماعة النسر في قرية الزيتونة.")  # after the verb they are acted upon
    assert [(e.kind, e.actor1, e.actor2) for e in evs] == [("arrest", "HAWK", "EAGLE")]


def test_a_trigger_word_in_a_charge_is_no_event(code) -> None:  # type: ignore[no-untyped-def]
    evs = code("أعدمت جماعة النسر رجلاً في قرية الزيتونة بتهمة القتال في صفوف قوات الصقر.")
    assert [e.kind for e in evs] == ["killing"]


def test_places_left_to_a_side_entrusted_with_security_are_its_captures(code) -> None:  # type: ignore[no-untyped-def]
    evs = code("انسحبت جماعة النسر من قرية الزيتونة، وقرية البرتقال، وأوكلت الملف الأمني بأكمله إلى قوات الصقر.")
    assert sorted((e.kind, e.actor1, e.place.name_ar) for e in evs if e.place) == [
        ("takeover", "HAWK", "البرتقال"), ("takeover", "HAWK", "الزيتونة"),
        ("withdrawal", "EAGLE", "البرتقال"), ("withdrawal", "EAGLE", "الزيتونة"),
    ]  # fmt: skip
    evs = code("انسحبت جماعة النسر من قرية الزيتونة، وأوكلت الملف الأمني إلى لجنة من الأهالي.")
    assert [e.kind for e in evs] == ["withdrawal"]


def test_the_side_driven_out_is_the_one_that_came_back_and_took_the_place(code) -> None:  # type: ignore[no-untyped-def]
    evs = code("وكانت جماعة النسر حاضرة في المنطقة، لكن قوات الصقر أخرجته منها، إلى أن عاد إليها واستولى على قرية الزيتونة.")
    assert [(e.kind, e.actor1) for e in evs if e.kind == "takeover"] == [("takeover", "EAGLE")]
    # without a pronoun for the one driven out, the nearest side before the verb took it
    evs = code("وكانت جماعة النسر حاضرة في المنطقة، لكن قوات الصقر عادت إليها واستولت على قرية الزيتونة.")
    assert [(e.kind, e.actor1) for e in evs if e.kind == "takeover"] == [("takeover", "HAWK")]


def test_a_later_sentence_that_retells_the_event_with_its_toll_is_its_evidence(code) -> None:  # type: ignore[no-untyped-def]
    text = ("قتل مدنيون وأصيب العشرات اليوم إثر انفجار سيارة مفخخة في قرية الزيتونة. "
            "وقع الانفجار في سوق قرية الزيتونة، موقعا أربعة قتلى و20 جريحا.")  # fmt: skip
    evs = code(text)
    assert len(evs) == 1
    assert {k: q.stated for k, q in evs[0].counts} == {"fatalities": 4, "injured": 20}
    assert text[evs[0].evidence_start : evs[0].evidence_end].startswith("وقع الانفجار")
    # a sentence that only adds a toll completes the event; the sentence that reports it stays its evidence
    text = "وقع انفجار عبوة ناسفة في قرية الزيتونة. وأودى الانفجار بحياة ستة أشخاص."
    evs = code(text)
    assert text[evs[0].evidence_start : evs[0].evidence_end].startswith("وقع انفجار")


def test_a_headline_after_a_kicker_yields_to_the_body(code) -> None:  # type: ignore[no-untyped-def]
    text = ("صور.. انفجار في قرية الزيتونة\n"
            "قتل 3 أشخاص جراء انفجار سيارة مفخخة في قرية الزيتونة.")  # fmt: skip
    evs = code(text)
    assert len(evs) == 1 and text[evs[0].evidence_start : evs[0].evidence_end].startswith("قتل 3")


def test_a_spot_named_inside_the_town_is_the_same_event_there(code) -> None:  # type: ignore[no-untyped-def]
    text = ("سقط قتلى وجرحى اليوم في قصف لجماعة النسر على قرية الزيتونة. "
            "وقالت مصادر محلية إن قصف جماعة النسر طال حي البرتقال بقرية الزيتونة، وقتل 3 مدنيين.")  # fmt: skip
    evs = code(text)
    # one event, at the finer place, with the toll, told by the sentence that gives both
    assert [(e.place.name_ar if e.place else None, {k: q.stated for k, q in e.counts}) for e in evs] == [
        ("البرتقال", {"fatalities": 3, "civilians_killed": 3})
    ]
    assert text[evs[0].evidence_start : evs[0].evidence_end].startswith("وقالت مصادر")
    # two places listed side by side are two events, and so are a town and a village in its countryside
    evs = code("قصفت جماعة النسر قرية الزيتونة. وقصفت جماعة النسر قرية البرتقال وقرية الزيتونة.")
    assert sorted(e.place.name_ar for e in evs if e.place) == ["البرتقال", "الزيتونة"]
    evs = code("قصفت جماعة النسر قرية الزيتونة. وقصفت جماعة النسر قرية البرتقال بريف الزيتونة.")
    assert sorted(e.place.name_ar for e in evs if e.place) == ["البرتقال", "الزيتونة"]


@pytest.mark.parametrize(
    "follow_up",
    ["وأسفر ذلك عن مقتل 3 مدنيين وإصابة 5 آخرين.", "وقال الدفاع المدني إن 3 مدنيين قتلوا وأصيب 5 آخرون."],
)
def test_a_toll_in_the_next_sentence_is_the_strike_s(code, follow_up) -> None:  # type: ignore[no-untyped-def]
    evs = code("قصفت جماعة النسر قرية الزيتونة بالمدفعية الثقيلة. " + follow_up)
    assert [(e.kind, {k: q.stated for k, q in e.counts}) for e in evs] == [
        ("shelling", {"fatalities": 3, "civilians_killed": 3, "injured": 5})
    ]


def test_a_toll_with_no_event_word_completes_the_blast_before_it(code) -> None:  # type: ignore[no-untyped-def]
    evs = code("انفجرت سيارة مفخخة في قرية الزيتونة. وقالت مصادر طبية إن حصيلة القتلى ارتفعت إلى 7.")
    assert [(e.kind, {k: q.stated for k, q in e.counts}) for e in evs] == [("explosion", {"fatalities": 7})]
    # numbers that count no one, and a killing with a place and a doer of its own, stay apart
    evs = code("قصفت جماعة النسر قرية الزيتونة. ويبلغ عدد سكان القرية نحو 5000 نسمة.")
    assert [dict(e.counts) for e in evs] == [{}]
    evs = code("قصفت جماعة النسر قرية الزيتونة. وفي قرية البرتقال اغتال مسلحون مجهولون 3 مدنيين.")
    assert [(e.kind, {k: q.stated for k, q in e.counts}) for e in evs] == [
        ("shelling", {}), ("killing", {"fatalities": 3, "civilians_killed": 3})
    ]


@pytest.mark.parametrize(
    "text",
    [
        "وكانت الناشطة في الاحتجاجات قد أقامت مركزا رياضيا في قرية الزيتونة.",  # who she is
        "وهي من بين الناشطين الذين يحثون على التظاهر في قرية الزيتونة.",  # urged, not held
        "حث الناشطون الأهالي على التظاهر في قرية الزيتونة.",
    ],
)
def test_an_activist_in_the_protests_or_a_call_to_protest_is_no_protest(code, text) -> None:  # type: ignore[no-untyped-def]
    assert code(text) == []


@pytest.mark.parametrize("text", ["تظاهر الأهالي في قرية الزيتونة.", "أقدم الأهالي على التظاهر في قرية الزيتونة."])
def test_a_protest_held_is_a_protest(code, text) -> None:  # type: ignore[no-untyped-def]
    assert _summary(code(text)) == [("protest", "CIVILIANS", None, "الزيتونة")]


def test_an_attack_on_people_with_no_armed_side_named_is_no_clash(code) -> None:  # type: ignore[no-untyped-def]
    assert code("استهدف ناشطان من المدنيين بهجوم مسلح في قرية الزيتونة.") == []
    evs = code("شنت جماعة النسر هجوماً على مواقع قوات الصقر في قرية الزيتونة.")
    assert _summary(evs) == [("clash", "EAGLE", "HAWK", "الزيتونة")]


def test_an_agreement_concluded_naming_one_party_has_the_reports_other_side(code) -> None:  # type: ignore[no-untyped-def]
    evs = code("قالت جماعة النسر إنها ستواصل القتال. وكان قد أُبرم في وقت سابق من اليوم اتفاق ينص على انسحاب قوات "
               "الصقر من قرية الزيتونة.")  # fmt: skip
    assert _summary(evs) == [("agreement", "EAGLE", "HAWK", "الزيتونة")]


@pytest.mark.parametrize(
    "text",
    [
        "قالت جماعة النسر إنها ستواصل القتال. وكان قد أُبرم اتفاق ينص على تزويد قرية الزيتونة بالمياه.",  # no party
        "قالت جماعة النسر إنها ستواصل القتال. وقال إن الاتفاق ينص على انسحاب قوات الصقر من قرية الزيتونة.",  # no deal made
        "قالت جماعة النسر إنها ستواصل القتال. وتم التوصل إلى اتفاق في قرية الزيتونة.",  # no party named
    ],
)
def test_no_agreement_without_a_party_named_or_a_deal_made(code, text) -> None:  # type: ignore[no-untyped-def]
    assert code(text) == []


def test_a_list_goes_on_past_words_that_describe_an_item(code) -> None:  # type: ignore[no-untyped-def]
    evs = code("سيطرت جماعة النسر على معسكر الزيتونة حرس رئاسي ومعسكر البرتقال.")
    assert _summary(evs) == [("takeover", "EAGLE", None, "الزيتونة"), ("takeover", "EAGLE", None, "البرتقال")]
    # a new verb before the next place ends the list: the second village is shelled, not taken
    evs = code("سيطرت جماعة النسر على قرية الزيتونة وقصفت قرية البرتقال.")
    assert _summary(evs) == [("takeover", "EAGLE", None, "الزيتونة"), ("shelling", "EAGLE", None, "البرتقال")]


def test_a_headline_place_is_not_merged_with_a_body_place_off_the_map(code) -> None:  # type: ignore[no-untyped-def]
    # "X يغادر A" and "انسحب X من مناطق B، وC": B cannot be placed on the map, so only its name could
    # make it the headline's A; three withdrawals.
    evs = code("قوات الصقر تغادر قرية الزيتونة\nانسحبت قوات الصقر اليوم من مناطق السنديان، والبرتقال.")
    assert sorted(e.place.name_ar for e in evs if e.place) == ["البرتقال", "الزيتونة", "السنديان"]
    # the same name in headline and body is one withdrawal, told by the body
    text = "قوات الصقر تغادر قرية السنديان\nانسحبت قوات الصقر اليوم من قرية السنديان."
    evs = code(text)
    assert len(evs) == 1 and text[evs[0].evidence_start :].startswith("انسحبت")


def test_a_spot_in_the_area_told_later_is_the_event_there_with_its_sentence(code) -> None:  # type: ignore[no-untyped-def]
    for village in ("البرتقال", "السنديان"):  # on the map or not
        text = ("نفّذ مجهولون عملية اغتيال طالت مدنياً أمس في ريف الزيتونة. وقالت مصادر إن المدني لقي حتفه "
                f"بعدما أطلق مجهولون النار عليه في قرية {village} بريف الزيتونة.")  # fmt: skip
        evs = code(text)
        assert [(e.kind, e.place.name_ar if e.place else None) for e in evs] == [("killing", village)]
        assert text[evs[0].evidence_start :].startswith("وقالت مصادر")
    # a headline at the area and a body at a village in it that the gazetteer cannot place: one event
    evs = code("استسلام عناصر من جماعة النسر قرب الزيتونة\nسلّم عنصران من جماعة النسر نفسيهما لقوات الصقر في "
               "قرية السنديان بريف الزيتونة.")  # fmt: skip
    assert [(e.kind, e.place.name_ar if e.place else None) for e in evs] == [("surrender", "السنديان")]


def test_fighting_at_a_town_and_on_its_fronts_is_told_by_the_fronts(code) -> None:  # type: ignore[no-untyped-def]
    text = ("وشهدت جبهات قرية الزيتونة معارك عنيفة بين قوات الصقر وجماعة النسر، قتل خلالها عنصر. واندلعت المواجهات "
            "بين قوات الصقر وجماعة النسر على جبهة البرتقال غرب الزيتونة، وعلى جبهة تل الرمان شمال الزيتونة.")  # fmt: skip
    evs = code(text)
    assert [(e.kind, e.place.name_ar if e.place else None, e.counts) for e in evs] == [
        ("clash", "البرتقال", ()), ("clash", "تل الرمان", ())
    ]  # fmt: skip
    # a strike on a town and another on a village west of it are two strikes
    evs = code("قصفت قوات الصقر قرية الزيتونة. وقصفت قوات الصقر قرية البرتقال غرب الزيتونة.")
    assert [e.place.name_ar for e in evs if e.place] == ["الزيتونة", "البرتقال"]


def test_one_toll_told_twice_at_an_area_and_a_spot_in_it_is_one_blast(code) -> None:  # type: ignore[no-untyped-def]
    lead = "لقي 6 أشخاص حتفهم وجرح 10 آخرون اليوم في تفجير طال حاجزا إلى الشمال من قرية الزيتونة. "
    text = lead + "وقال شهود إن سيارة مفخخة انفجرت عند حاجز في قرية البرتقال شمالي الزيتونة، مما أدى إلى سقوط 6 قتلى و10 جرحى."
    evs = code(text)
    assert [(e.kind, e.place.name_ar if e.place else None) for e in evs] == [("explosion", "البرتقال")]
    assert text[evs[0].evidence_start :].startswith("وقال شهود")
    for text in (  # another toll, or two villages the text does not relate: two blasts
        lead + "وقال شهود إن سيارة مفخخة انفجرت عند حاجز في قرية البرتقال شمالي الزيتونة، مما أدى إلى سقوط 3 قتلى.",
        lead.replace("إلى الشمال من", "في") + "وقال شهود إن سيارة مفخخة انفجرت في قرية البرتقال، مما أدى إلى سقوط 6 قتلى و10 جرحى.",
    ):
        assert len(code(text)) == 2, text


def test_the_defectors_named_later_are_no_new_defection(code) -> None:  # type: ignore[no-untyped-def]
    evs = code("انشق عناصر من قوات الصقر في قرية الزيتونة وانضموا إلى جماعة النسر. وقال الموقع إن عدد المنشقين 5 عناصر. "
               "وأشار إلى أن المنشقين عبروا إلى قرية البرتقال.")  # fmt: skip
    assert [(e.kind, e.place.name_ar if e.place else None, {k: q.stated for k, q in e.counts}) for e in evs] == [
        ("defection", "الزيتونة", {"fighters": 5})
    ]


def test_an_attack_told_beside_a_strike_at_its_place_is_that_strike(code) -> None:  # type: ignore[no-untyped-def]
    evs = code("وفجر اليوم، قصفت جماعة النسر مطار الزيتونة. وجاء ذلك عقب ساعات من هجوم شنته جماعة النسر على مطار الزيتونة.")
    assert [(e.kind, e.place.name_ar if e.place else None) for e in evs] == [("shelling", "الزيتونة")]
    evs = code("قصفت جماعة النسر قرية الزيتونة. وشنت جماعة النسر هجوما على قرية البرتقال.")  # elsewhere: another act
    assert [(e.kind, e.place.name_ar if e.place else None) for e in evs] == [("shelling", "الزيتونة"), ("clash", "البرتقال")]


@pytest.mark.parametrize("text", [
    "وتتواصل الاغتيالات في المنطقة، بالتزامن مع الحصار المفروض من قوات الصقر على قرية الزيتونة.",
    "فرضت قوات الصقر حصاراً خانقاً على قرية الزيتونة.",
])  # fmt: skip
def test_a_siege_imposed_by_a_side_is_a_siege_beside_other_events(code, text) -> None:  # type: ignore[no-untyped-def]
    assert ("siege", "HAWK", "CIVILIANS", "الزيتونة") in _summary(code(text))


@pytest.mark.parametrize("text", [
    "رفعت قوات الصقر الحصار المفروض على قرية الزيتونة.",
    "نجحت جماعة النسر في كسر الحصار المفروض على قرية الزيتونة.",
    "فكت جماعة النسر الحصار عن قرية الزيتونة.",
    "تأثر عناصر جماعة النسر بشدة الحصار المفروض على مناطقهم.",  # no place: what the siege does, no siege told
])  # fmt: skip
def test_a_lifted_broken_or_placeless_siege_is_no_siege(code, text) -> None:  # type: ignore[no-untyped-def]
    assert [e for e in code(text) if e.kind == "siege"] == []


def test_a_direction_told_from_a_listed_place_does_not_end_the_list(code) -> None:  # type: ignore[no-untyped-def]
    text = "وتظاهر المئات ضد جماعة النسر في الزيتونة وفي البرتقال الواقعة شرقها وقرية كفر التين الواقعة شمالها."
    assert [p for _, _, _, p in _summary(code(text))] == ["الزيتونة", "البرتقال", "كفر التين"]
    # the direction's town, when it has one, is still the context of the place before
    assert _place_names("قصفت القوات البرتقال الواقعة شرق الزيتونة وكفر التين.", ["البرتقال"]) == ["البرتقال"]
    assert _place_names("تظاهر المئات في البرتقال الواقعة شرقها وطالبوا بالإفراج عن المعتقلين.", ["البرتقال"]) == ["البرتقال"]


def test_a_landmark_named_after_a_day_is_a_place_and_no_date(run) -> None:  # type: ignore[no-untyped-def]
    assert _place_names("سيطرت القوات على قرية الزيتونة، علاوة على سد 17 نيسان الواقع قربها.", ["الزيتونة"]) == [
        "الزيتونة", "سد 17 نيسان"]  # fmt: skip
    rec = run("سيطرت قوات النظام على قرية الزيتونة، علاوة على دوار 6 تشرين الأول القريب منها.", "2018-05-01")
    assert [(e["location"]["name_ar"], e["date"]["from"]) for e in rec["events"]] == [
        ("الزيتونة", "2018-05-01"), ("دوار 6 تشرين الأول", "2018-05-01")]  # fmt: skip
    # a day and month after a place, not after a generic word, is the day it happened
    rec = run("سيطرت قوات النظام على قرية الزيتونة في 17 نيسان.", "2018-05-01")
    assert [(e["location"]["name_ar"], e["date"]["from"]) for e in rec["events"]] == [("الزيتونة", "2018-04-17")]


def test_a_known_village_after_and_in_is_a_place(code) -> None:  # type: ignore[no-untyped-def]
    # "وفي" is too short for the tokeniser to split, but is "و" + "في" all the same
    evs = code("تظاهر المئات ضد جماعة النسر في الزيتونة وفي البرتقال.")
    assert [p for _, _, _, p in _summary(evs)] == ["الزيتونة", "البرتقال"]
    evs = code("تظاهر المئات ضد جماعة النسر في الزيتونة وفي المساء عادوا إلى بيوتهم.")
    assert [p for _, _, _, p in _summary(evs)] == ["الزيتونة"]


@pytest.mark.parametrize("text", [
    "بسطت جماعة النسر سيطرتها على بلدة وثلاث قرى ضمن ناحية الزيتونة.",
    "بسطت جماعة النسر سيطرتها على ثلاث قرى ضمن ناحية الزيتونة.",
])  # fmt: skip
def test_counted_villages_within_a_named_district_are_placed_there(code, text) -> None:  # type: ignore[no-untyped-def]
    assert _summary(code(text)) == [("takeover", "EAGLE", None, "الزيتونة")]
    # without "ضمن" the counted villages are usually named next: no capture of the district
    assert code(text.replace("ضمن ناحية", "في ريف")) == []


def test_a_weak_generic_before_a_name_only_head_names_a_place(code) -> None:  # type: ignore[no-untyped-def]
    evs = code("أطلقت قوات الصقر سراح عشرين معتقلا ضمن عملية تبادل جرت في معبر أبو الورد.")
    assert [(e.kind, e.place.name_ar if e.place else None) for e in evs] == [("release", "أبو الورد")]
    # a head that is also a plain noun ("مركز") after a weak generic names nothing the gazetteer does not know
    assert _place_names("وقع الانفجار في شارع المركز الثقافي.", []) == []


def test_a_failure_told_of_what_came_before_does_not_undo_what_follows(code) -> None:  # type: ignore[no-untyped-def]
    evs = code("حاول عناصر من جماعة النسر الفرار من قرية الزيتونة، غير أن محاولتهم باءت بالفشل واعتقلتهم قوات الصقر.")
    assert _summary(evs) == [("arrest", "HAWK", "EAGLE", "الزيتونة")]
    # a failure "in" the act, by verb or noun, still undoes it
    assert code("فشلت قوات الصقر في اعتقال عناصر جماعة النسر في قرية الزيتونة.") == []
    evs = code("وبعد الفشل في السيطرة على قرية الزيتونة انسحبت قوات الصقر.")
    assert [e.kind for e in evs] == ["withdrawal"]


def test_a_side_arresting_its_own_members_named_before_is_both_sides(code) -> None:  # type: ignore[no-untyped-def]
    evs = code("حاول 4 عناصر من قوات الصقر الفرار من قرية الزيتونة، غير أن محاولتهم باءت بالفشل واعتقلتهم قوات الصقر.")
    assert _summary(evs) == [("arrest", "HAWK", "HAWK", "الزيتونة")]
    # members who do the arresting are not those arrested
    evs = code("عناصر من قوات الصقر داهموا منازل الأهالي في قرية الزيتونة واعتقلوا خمسة منهم.")
    assert _summary(evs) == [("arrest", "HAWK", "CIVILIANS", "الزيتونة")]


def test_a_border_between_two_countries_is_a_place(code) -> None:  # type: ignore[no-untyped-def]
    evs = code("أعلنت جماعة النسر أن الحدود السورية العراقية باتت بشكل كامل في قبضة قوات الصقر.")
    assert [(e.kind, e.actor1, e.place.name_ar if e.place else None) for e in evs] == [
        ("takeover", "HAWK", "الحدود السورية العراقية")]  # fmt: skip
    # one country's border, an administrative one or a direction is no spot on the map
    for text in ("انتشرت القوات على الحدود التركية.", "انتشرت القوات على الحدود الإدارية للمحافظة.",
                 "انتشرت القوات على الحدود الشمالية الشرقية."):  # fmt: skip
        assert _place_names(text, []) == [], text


@pytest.mark.parametrize(
    ("text", "places"),
    [
        # a lead with no place, figure or day of its own sums up what the body then places
        ("أخلت قوات الصقر مواقع تقدمت إليها في المنطقة بسبب شدة القصف. وقالت مصادر إن قوات الصقر انسحبت من قرية الزيتونة.",
         ["الزيتونة"]),
        # a general claim whose only figure is vague ("مئات القتلى") has no figure of its own either
        (("وتقول مصادر إن قصف الطيران الحربي الأزرق للأحياء السكنية أوقع مئات القتلى. "
          "وقصف الطيران الحربي الأزرق قرية الزيتونة صباح اليوم."), ["الزيتونة"]),
        # with a stated figure of its own the placeless report tells something else and stays
        (("وتقول مصادر إن قصف الطيران الحربي الأزرق للأحياء السكنية أوقع 12 قتيلا. "
          "وقصف الطيران الحربي الأزرق قرية الزيتونة صباح اليوم."), [None, "الزيتونة"]),
        ("سلم 40 عنصرا من جماعة النسر أنفسهم إلى قوات الصقر. وسلم عناصر من جماعة النسر أنفسهم لقوات الصقر في قرية البرتقال.",
         [None, "البرتقال"]),
    ],
)
def test_a_placeless_lead_is_the_placed_act_the_body_tells(code, text, places) -> None:  # type: ignore[no-untyped-def]
    assert [e.place.name_ar if e.place else None for e in code(text)] == places


def test_a_strike_on_a_village_told_again_in_a_list_is_one_strike(code) -> None:  # type: ignore[no-untyped-def]
    # the side of the second sentence is carried on from the first; the list names it again
    told = "قصفت قوات الصقر قرية الزيتونة اليوم. وبحسب المراسل، نال القصف المدفعي كذلك من قرية البرتقال، فقتل 3 مدنيين. "
    evs = code(told + "ومنذ الصباح صعّدت قوات الصقر قصفها اليوم، إذ طال كلاً من قريتي الزيتونة والبرتقال.")
    assert [(e.kind, e.actor1, e.place.name_ar if e.place else None) for e in evs] == [
        ("shelling", "HAWK", "الزيتونة"), ("shelling", "HAWK", "البرتقال")]
    # another side's strike on the same villages is another strike
    evs = code(told + "وقصفت جماعة النسر اليوم قريتي الزيتونة والبرتقال.")
    assert [(e.actor1, e.place.name_ar if e.place else None) for e in evs] == [
        ("HAWK", "الزيتونة"), ("HAWK", "البرتقال"), ("EAGLE", "الزيتونة"), ("EAGLE", "البرتقال")]


def test_fighting_between_the_sides_of_a_capture_is_part_of_it(code) -> None:  # type: ignore[no-untyped-def]
    took = "انتزعت قوات الصقر قرية الزيتونة من جماعة النسر صباح اليوم. "
    evs = code(took + "وأفاد مصدر بأن مواجهات دارت منذ الصباح بين قوات الصقر وجماعة النسر.")
    assert [(e.kind, e.place.name_ar if e.place else None) for e in evs] == [("takeover", "الزيتونة")]
    # shelling of another village by the taker is another event
    evs = code(took + "وقصفت قوات الصقر مواقع جماعة النسر في قرية البرتقال.")
    assert [(e.kind, e.place.name_ar if e.place else None) for e in evs] == [
        ("takeover", "الزيتونة"), ("shelling", "البرتقال")]


def test_a_capture_recalled_by_its_noun_after_aqib_is_the_one_told_before(code) -> None:  # type: ignore[no-untyped-def]
    told = "سيطرت قوات الصقر على تبة الرمان صباحا. وأحكمت سيطرتها على قرية البرتقال، وذلك عقب سيطرتها على "
    evs = code(told + "حمة الرمان صباحا.")
    assert [(e.kind, e.place.name_ar if e.place else None) for e in evs] == [
        ("takeover", "الرمان"), ("takeover", "البرتقال")]
    # a capture recalled at a place not told before is reported there
    evs = code(told + "قرية كفر التين صباحا.")
    assert [(e.kind, e.place.name_ar if e.place else None) for e in evs] == [
        ("takeover", "الرمان"), ("takeover", "البرتقال"), ("takeover", "كفر التين")]


def test_a_side_or_a_person_described_by_a_deed_is_no_new_event(code) -> None:  # type: ignore[no-untyped-def]
    evs = code("خطفت جماعة النسر ثلاثة مدنيين في قرية الزيتونة. "
               "ورأت مصادر أن جماعة النسر التي خطفت المدنيين في قرية البرتقال تطالب بفدية.")  # fmt: skip
    assert [(e.kind, e.place.name_ar if e.place else None) for e in evs] == [("abduction", "الزيتونة")]
    assert code("ونعت قوات الصقر القيادي الذي قضى خلال المعارك مع جماعة النسر.") == []
    # fighting a person died in, told at its place, is still reported
    evs = code("ونعت قوات الصقر القيادي الذي قضى خلال اشتباكات مع جماعة النسر في قرية الزيتونة.")
    assert [(e.kind, e.place.name_ar if e.place else None) for e in evs] == [("clash", "الزيتونة")]
    # a deed of a side told in a main clause is an event
    evs = code("خطفت جماعة النسر ثلاثة مدنيين في قرية الزيتونة. وخطفت جماعة النسر شابا في قرية البرتقال.")
    assert [(e.kind, e.place.name_ar if e.place else None) for e in evs] == [
        ("abduction", "الزيتونة"), ("abduction", "البرتقال")]
