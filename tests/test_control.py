"""Control rows from statements and captures, on sentences written for these tests."""

from __future__ import annotations


def _rows(rec):  # type: ignore[no-untyped-def]
    return {(c["place_ar"], c["controller"], c["status"], c["rule_id"].split(":")[0]) for c in rec["control"]}


def test_places_still_under_a_side(run) -> None:  # type: ignore[no-untyped-def]
    rec = run("وبقيت بلدات السوسة والشعفة والباغوز تحت سيطرة تنظيم الدولة.")
    held = {(p, c) for p, c, _, _ in _rows(rec)}
    assert {("السوسة", "ISIS"), ("الشعفة", "ISIS")} <= held


def test_place_named_before_the_statement(run) -> None:  # type: ignore[no-untyped-def]
    rec = run("ووصلت الحافلات إلى مدينة إدلب الخاضعة لسيطرة المعارضة.")
    assert ("إدلب", "OPPOSITION") in {(p, c) for p, c, _, _ in _rows(rec)}


def test_shrinking_areas_are_a_closed_world_statement(run) -> None:  # type: ignore[no-untyped-def]
    rec = run("انحسرت المناطق الخاضعة لسيطرة تنظيم الدولة على بلدتي السوسة والشعفة.")
    rules = {r for _, c, _, r in _rows(rec) if c == "ISIS"}
    assert rules == {"control.closed_world.v1"}


def test_capture_gives_a_control_row_and_outskirts_a_partial_one(run) -> None:  # type: ignore[no-untyped-def]
    whole = run("سيطرت قوات سوريا الديمقراطية على بلدة هجين بعد معارك مع تنظيم الدولة.", "2018-12-14")
    assert ("هجين", "SDF", "held", "control.from_event") in _rows(whole)
    part = run("سيطرت قوات سوريا الديمقراطية على أطراف بلدة هجين.", "2018-12-14")
    assert ("هجين", "SDF", "partial", "control.from_event") in _rows(part)
    assert all(c["as_of"] == "2018-12-14" for c in part["control"])


def test_a_denied_capture_gives_no_control_row(run) -> None:  # type: ignore[no-untyped-def]
    assert run("نفت قوات سوريا الديمقراطية سيطرتها على بلدة هجين.")["control"] == []


# A dateline first: a report's first line is read as its title (present tense is news there).
def _lead(text: str) -> str:
    return "متابعات\n" + text


def _held(rec):  # type: ignore[no-untyped-def]
    return {(c["place_ar"], c["controller"], c["status"]) for c in rec["control"]}


def test_a_relative_clause_with_a_pronoun_object_names_the_holder(run) -> None:  # type: ignore[no-untyped-def]
    rec = run(_lead("وصل الوفد إلى مدينة منبج التي تسيطر عليها قوات سوريا الديمقراطية."))
    assert ("منبج", "SDF", "held") in _held(rec)
    rec = run(_lead("تشهد مدينة سراقب هدوءا حذرا منذ أن بسطت قوات النظام سيطرتها عليها."))
    assert ("سراقب", "SYR-GOV", "held") in _held(rec)


def test_a_denied_or_intended_capture_of_a_pronoun_object_is_no_claim(run) -> None:  # type: ignore[no-untyped-def]
    for text in (
        "وتتعرض مدينة سراقب لقصف متواصل بعد أن لم تتمكن قوات النظام من السيطرة عليها.",
        "وتتعرض مدينة سراقب لقصف متواصل فيما تحاول قوات النظام السيطرة عليها.",
        "وحشدت قوات النظام قرب مدينة سراقب سعيا للسيطرة عليها.",
    ):
        assert run(_lead(text))["control"] == [], text


def test_the_outskirts_of_a_place_named_before_are_an_area_of_their_own(run) -> None:  # type: ignore[no-untyped-def]
    rec = run(_lead("وبقيت بلدة مارع التي تمكنت قوات النظام من السيطرة على أطرافها في وقت سابق."))
    assert _held(rec) == {("أطراف مارع", "SYR-GOV", "partial")}
    assert all(c["rule_id"] == "control.statement.v1" for c in rec["control"])  # one place: no closed world


def test_subjection_and_grip_statements(run) -> None:  # type: ignore[no-untyped-def]
    rec = run(_lead("لجأ العناصر إلى مدينة جرابلس والخاضعة لسيطرة فصائل المعارضة."))
    assert ("جرابلس", "OPPOSITION", "held") in _held(rec)
    rec = run(_lead("ويخضع القسم الأكبر من مدينة مارع لسيطرة فصائل المعارضة."))
    assert _held(rec) == {("مارع", "OPPOSITION", "partial")}
    rec = run(_lead("وباتت مدينة تلعفر في قبضة القوات العراقية."))
    assert _held(rec) == {("تلعفر", "IRQ-GOV", "held")}
    assert rec["control"][0]["rule_id"] == "control.statement.v1"


def test_a_participle_of_control_and_its_negation(run) -> None:  # type: ignore[no-untyped-def]
    rec = run(_lead("وقالت مصادر إن الفصائل المسيطرة على بلدة مارع رفضت الاتفاق."))
    assert ("مارع", "OPPOSITION", "held") in _held(rec)
    assert run(_lead("وقالت مصادر إن الفصائل لم تعد مسيطرة على بلدة مارع."))["control"] == []


def test_still_holds_and_entrenched(run) -> None:  # type: ignore[no-untyped-def]
    rec = run(_lead("وما زال تنظيم الدولة يسيطر على بلدتي الباغوز والسوسة."))
    assert {("الباغوز", "ISIS"), ("السوسة", "ISIS")} <= {(p, c) for p, c, _ in _held(rec)}
    rec = run(_lead("ويتحصن عناصر تنظيم الدولة في بلدة الباغوز."))
    assert ("الباغوز", "ISIS", "held") in _held(rec)


def test_places_later_in_the_sentence_are_not_the_holders(run) -> None:  # type: ignore[no-untyped-def]
    # another side named between the cue and the place; a verb's object after the noun phrase
    assert run(_lead("ويفصل المعبر مناطق سيطرة النظام عن مناطق المعارضة في ريف إدلب."))["control"] == []
    text = "وتتعرض المناطق الخاضعة لسيطرة الفصائل الموالية، لسلسلة تفجيرات في مدينة اعزاز."
    assert run(_lead(text))["control"] == []


def test_a_listed_pocket_is_a_closed_world_and_stops_at_no_common_word(run) -> None:  # type: ignore[no-untyped-def]
    text = "وبقيت ثلاث بلدات تحت سيطرة تنظيم الدولة، هي: السوسة والشعفة والباغوز، فضلاً عن بلدة هجين."
    rows = {(c["place_ar"], c["controller"], c["rule_id"]) for c in run(_lead(text))["control"]}
    assert rows == {(p, "ISIS", "control.closed_world.v1") for p in ("السوسة", "الشعفة", "الباغوز", "هجين")}


# ---------------------------------------------------------------------------------------------
# Claims from events, on hand-made events


def _event(kind: str, actor: str, place: str, day: str | None = None, at: int = 0, **kw):  # type: ignore[no-untyped-def]
    import datetime as dt

    from raqib.model import DateRef, Event, Place

    d = dt.date.fromisoformat(day) if day else None
    return Event(
        kind=kind, actor1=actor, actor2=None,
        place=Place(place, 35.0, 37.0, f"gz:{place}", (), "SY", "village"),
        place_start=at, place_end=at + 5,
        date=DateRef(d, d, "day", at, at + 3, False) if d else None,
        counts=(), certainty="reported", claimant=None, evidence_start=at, evidence_end=at + 50,
        rule_id=f"{kind}.test.v1", confidence=0.9, **kw,
    )  # fmt: skip


def _claims(events):  # type: ignore[no-untyped-def]
    from raqib.control import claims_from_events

    return [(c.place_name, c.controller) for c in claims_from_events(events)]


def test_a_takeover_given_up_again_in_the_report_gives_no_claim() -> None:
    # "took I'jaz yesterday; withdrew from it today"
    evs = [_event("takeover", "OPPOSITION", "اعجاز", at=200), _event("withdrawal", "OPPOSITION", "اعجاز", at=0)]
    assert _claims(evs) == []
    # another side's withdrawal, or a withdrawal from another village, undoes nothing
    assert _claims([evs[0], _event("withdrawal", "SYR-GOV", "اعجاز")]) == [("اعجاز", "OPPOSITION")]
    assert _claims([evs[0], _event("withdrawal", "OPPOSITION", "سروج")]) == [("اعجاز", "OPPOSITION")]


def test_a_withdrawal_undoes_one_capture_never_a_later_one() -> None:
    # "RSF took Roro in September, then withdrew; yesterday it took Roro again"
    evs = [
        _event("takeover", "RSF", "رورو", "2024-11-14", at=0),
        _event("takeover", "RSF", "رورو", "2024-09-10", at=300),
        _event("withdrawal", "RSF", "رورو", "2024-09-20", at=300),
    ]
    from raqib.control import claims_from_events

    (claim,) = claims_from_events(evs)
    assert claim.controller == "RSF" and claim.as_of is not None and str(claim.as_of.start) == "2024-11-14"


def test_a_later_capture_by_another_side_supersedes_the_earlier_one() -> None:
    # by days, or by the earlier one being told as background ("وكانت المعارضة قد سيطرت")
    dated = [_event("takeover", "SYR-GOV", "المشيرفة", "2019-06-09"), _event("takeover", "OPPOSITION", "المشيرفة", "2019-06-05")]
    assert _claims(dated) == [("المشيرفة", "SYR-GOV")]
    undated = [_event("takeover", "SYR-GOV", "المشيرفة"), _event("takeover", "OPPOSITION", "المشيرفة", background=True)]
    assert _claims(undated) == [("المشيرفة", "SYR-GOV")]
    # neighbouring villages, and captures that cannot be ordered, are all kept
    assert len(_claims([dated[0], _event("takeover", "OPPOSITION", "الفرجة", "2019-06-05")])) == 2
    assert len(_claims([_event("takeover", "SYR-GOV", "المشيرفة"), _event("takeover", "OPPOSITION", "المشيرفة")])) == 2


def test_a_takeover_whose_taker_the_sentence_does_not_name_gives_no_claim() -> None:
    from raqib.control import claims_from_events
    from raqib.model import ActorMention

    guessed = _event("takeover", "SDF", "هجين", actor1_inferred=True)
    assert _claims([guessed]) == []
    assert _claims([_event("takeover", "SDF", "هجين")]) == [("هجين", "SDF")]
    # flagged as carried over, but the evidence does name the side: a claim
    named = [ActorMention("SDF", 10, 13, "قسد")]
    assert [c.controller for c in claims_from_events([guessed], actors=named)] == ["SDF"]
    elsewhere = [ActorMention("SDF", 400, 403, "قسد")]
    assert claims_from_events([guessed], actors=elsewhere) == []


def test_a_seat_of_government_is_held_by_that_government(run) -> None:  # type: ignore[no-untyped-def]
    rec = run(_lead("وقصفت الطائرات مدينة كسلا، المدينة التي تتخذ منها الحكومة السودانية مقرا لها."))
    assert ("كسلا", "SDN-SAF", "held") in _held(rec)
    # a headquarters near which something happened says nothing of who holds the town
    assert run(_lead("وسقطت القذائف قرب مقر الحكومة السودانية في مدينة كسلا."))["control"] == []


def test_forces_deployed_in_places_hold_them_but_not_the_area_that_locates_them(run) -> None:  # type: ignore[no-untyped-def]
    rec = run(_lead("وعادت قوات الدعم السريع إلى قواتها الرئيسية المنتشرة في سنجة والدندر بولاية سنار."))
    assert ("سنجة", "RSF", "held") in _held(rec)
    assert not any(p == "سنار" for p, _, _ in _held(rec))
    # "ما عدا" (except) is no negation; the road's neighbourhood is the antecedent of "فيه"
    rec = run(_lead("وأغلقت قوات النظام الطرق ما عدا طريق حي المنشية، الذي تنتشر فيه عناصر الأمن العسكري."))
    assert ("المنشية", "SYR-GOV", "held") in _held(rec)
    # no armed side, no claim
    assert run(_lead("وينتشر الوباء في مدينة سنجة منذ أسابيع."))["control"] == []


def test_captures_of_camps_subdistricts_junctions_and_provinces_give_rows(run) -> None:  # type: ignore[no-untyped-def]
    for text, place, side in (
        ("واستولت قوات الانتقالي على معسكر بدر.", "بدر", "STC"),
        ("وسيطرت قوات النظام على ناحية عقيربات.", "عقيربات", "SYR-GOV"),
        ("وسيطرت قوات النظام على مفرق السلمية.", "السلمية", "SYR-GOV"),
        ("وسيطرت قوات النظام على محافظة درعا.", "درعا", "SYR-GOV"),
    ):
        assert (place, side, "held") in _held(run(_lead(text))), text


def test_places_handed_over_after_a_withdrawal_are_the_receivers(run) -> None:  # type: ignore[no-untyped-def]
    rec = run(_lead("وانسحبت قوات النظام من بلدة سراقب وسلمتها إلى الميليشيات الإيرانية."))
    assert ("سراقب", "IRN-MIL", "held") in _held(rec)
    assert {c["rule_id"] for c in rec["control"]} == {"control.handover.v1"}
    # fighters handing themselves over is a surrender: the place is nobody's by this sentence
    rec = run(_lead("وانسحبت قوات النظام من بلدة سراقب بعد أن سلم عناصرها أنفسهم إلى الفصائل."))
    assert rec["control"] == []


def test_brigade_camps_are_places_and_an_ordinal_day_is_not_part_of_a_name(run) -> None:  # type: ignore[no-untyped-def]
    rec = run(_lead("واستولت قوات الانتقالي على معسكرات اللواء الأول واللواء الثالث في مدينة عدن."))
    assert {("اللواء الأول", "STC", "held"), ("اللواء الثالث", "STC", "held")} <= _held(rec)
    rec = run(_lead("وسيطرت قوات النظام على قرية الكشمة الأول من أمس."))
    assert _held(rec) == {("الكشمة", "SYR-GOV", "held")}


def test_a_pocket_list_goes_on_after_fadlan_an_and_takes_al_bu_villages(run) -> None:  # type: ignore[no-untyped-def]
    text = "وبقيت ثلاث بلدات تحت سيطرة تنظيم الدولة، هي: السوسة والشعفة، فضلاً عن البو حسن والبو خاطر، علاوة على مساحات من البادية."
    rows = {(c["place_ar"], c["controller"]) for c in run(_lead(text))["control"]}
    assert rows == {(p, "ISIS") for p in ("السوسة", "الشعفة", "البو حسن", "البو خاطر")}  # "مساحات" is no village


def test_a_headquarters_in_apposition_to_a_town_is_its_holders(run) -> None:  # type: ignore[no-untyped-def]
    rec = run(_lead("وتقدمت القوات نحو مدينة الدمازين، عاصمة الولاية ومقر الفرقة الرابعة مشاة للجيش السوداني."))
    assert ("الدمازين", "SDN-SAF", "held") in _held(rec)
    assert run(_lead("ووقع الانفجار قرب مقر الحكومة السودانية في مدينة الدمازين."))["control"] == []
    # a clause that goes on after the comma is no apposition: the headquarters destroyed is not the town
    rec = run(_lead("وقصفت الطائرات مواقع قوات الدعم السريع في مدينة الدمازين، وأسفرت عن تدمير مقر الفرقة الرابعة "
                    "للجيش السوداني."))  # fmt: skip
    assert rec["control"] == []


def test_a_siege_gives_no_row_the_besieger_does_not_hold_the_place(run) -> None:  # type: ignore[no-untyped-def]
    assert run(_lead("وحاصرت قوات النظام مدينة الرستن من كل الجهات."))["control"] == []
    from raqib.control import claims_from_events

    siege = _event("siege", "SYR-GOV", "الرستن")
    assert claims_from_events([siege]) == []
    taken = claims_from_events([siege, _event("takeover", "SYR-GOV", "الرستن")])
    assert [(c.controller, c.status) for c in taken] == [("SYR-GOV", "held")]


def test_fighting_inside_a_town_makes_both_sides_contest_it(run) -> None:  # type: ignore[no-untyped-def]
    rec = run(_lead("واندلعت اشتباكات عنيفة بين قوات النظام وتنظيم الدولة داخل مدينة دير الزور."))
    assert {("دير الزور", "SYR-GOV", "contested"), ("دير الزور", "ISIS", "contested")} <= _held(rec)
    # near the town is not inside it; fighting that ends in a capture gives the capture only
    assert run(_lead("واندلعت اشتباكات عنيفة بين قوات النظام وتنظيم الدولة قرب مدينة دير الزور."))["control"] == []
    text = "واندلعت اشتباكات بين قوات النظام وتنظيم الدولة داخل مدينة الميادين، انتهت بسيطرة قوات النظام على الميادين."
    assert _held(run(_lead(text))) == {("الميادين", "SYR-GOV", "held")}


def test_a_share_of_a_town_is_a_partial_hold(run) -> None:  # type: ignore[no-untyped-def]
    rec = run(_lead("وتسيطر قوات النظام حاليا على أكثر من 50 بالمئة من مدينة الرستن."))
    assert _held(rec) == {("الرستن", "SYR-GOV", "partial")}
    rec = run(_lead("وما زالت فصائل المعارضة تسيطر على معظم أحياء مدينة الرستن."))
    assert ("الرستن", "OPPOSITION", "partial") in _held(rec)


def test_a_place_handed_over_goes_to_the_receiver_not_the_giver(run) -> None:  # type: ignore[no-untyped-def]
    def takers(text: str) -> tuple[set[tuple[str | None, str | None]], set[tuple[str, str]]]:
        rec = run(_lead(text))
        return ({(e["actor1"], e["actor2"]) for e in rec["events"] if e["kind"] == "takeover"},
                {(c["place_ar"], c["controller"]) for c in rec["control"]})  # fmt: skip

    # subject before the verb, receiver as its first object
    events, rows = takers("وذكر مصدر أن تنظيم الدولة سلّم قوات سوريا الديمقراطية مواقعه في قرية الكشمة.")
    assert events == {("SDF", "ISIS")} and rows == {("الكشمة", "SDF")}
    # receiver after إلى / لـ
    for text in ("وسلّمت قوات النظام مواقعها في بلدة الشعفة إلى الميليشيات الإيرانية.",
                 "وسلّمت قوات النظام مواقعها في بلدة الشعفة للميليشيات الإيرانية."):  # fmt: skip
        events, rows = takers(text)
        assert events == {("IRN-MIL", "SYR-GOV")} and rows == {("الشعفة", "IRN-MIL")}
    # receiving (تسلّم) keeps the subject as taker
    events, rows = takers("وذكر مصدر أن قوات سوريا الديمقراطية تسلّمت من داعش مواقعه في قرية الكشمة.")
    assert events == {("SDF", "ISIS")} and rows == {("الكشمة", "SDF")}
    # a giver with no receiver named: nobody is said to hold the place, least of all the giver
    events, rows = takers("وسلّمت قوات النظام مواقعها في بلدة الشعفة.")
    assert events == {("UNKNOWN", "SYR-GOV")} and rows == set()


def test_driving_a_side_out_of_listed_places_gives_rows_for_the_list(run) -> None:  # type: ignore[no-untyped-def]
    text = ("وقد تمكنت القوات المشتركة، منذ انطلاق عملية “غصن الزيتون”، من السيطرة على قرابة 150 نقطة، وأخرجت "
            "قوات سوريا الديمقراطية من خمس نواحٍ تابعة لمنطقة عفرين، هي (شران، وبلبلة، وجنديرس، وراجو)، "
            "ونجحت كذلك في ربط مدينة أعزاز ببلدة أطمة.")  # fmt: skip
    rows = {(p, c) for p, c, _, r in _rows(run(_lead(text))) if r == "control.expulsion.v1"}
    # the bracketed list after "هي", also a name the gazetteer lacks (not the area the places belong
    # to, nor the places of the next clause); the operation's name is no side
    assert rows == {("شران", "SNA"), ("بلبلة", "SNA"), ("جنديرس", "SNA"), ("راجو", "SNA")}
    rows = _held(run(_lead("وأخرجت هيئة تحرير الشام تنظيم الدولة من بلدتي سراقب ومعرة النعمان.")))
    assert {("سراقب", "HTS", "held"), ("معرة النعمان", "HTS", "held")} <= rows


def test_no_row_from_a_passive_denied_or_pronoun_expulsion(run) -> None:  # type: ignore[no-untyped-def]
    for text in (
        "وعاد التنظيم إلى بلدة سراقب التي كان قد طُرد منها قبل أربع سنوات.",
        "ولم تخرج هيئة تحرير الشام تنظيم الدولة من بلدة سراقب.",
        "وكانت فصائل المعارضة قد أخرجت التنظيم منها في ذلك الحين.",
        "وخرجت قوات النظام من بلدة سراقب.",
    ):
        rows = {r for _, _, _, r in _rows(run(_lead(text)))}
        assert "control.expulsion.v1" not in rows, text


def test_areas_taken_within_provinces_make_the_taker_a_partial_holder(run) -> None:  # type: ignore[no-untyped-def]
    text = ("وكانت القوات العراقية، مدعومة بالحشد الشعبي، قد فرضت خلال اليومين الماضيين سيطرتها على المناطق "
            "المتنازع عليها ضمن محافظات كركوك، وديالى، ونينوى، عقب انسحاب قوات البشمركة من مواقعها هناك.")  # fmt: skip
    # the capture in each province is also an event (extent part), whose row says the same
    rows = {(p, c, s) for p, c, s, r in _rows(run(_lead(text))) if r in ("control.areas_within.v1", "control.from_event")}
    # the supporting side is not the taker
    assert rows == {(p, "IRQ-GOV", "partial") for p in ("كركوك", "ديالى", "نينوى")}
    for text in (
        "ولم تفرض القوات العراقية سيطرتها على المناطق المتنازع عليها ضمن محافظة كركوك.",
        "وتحاول القوات العراقية فرض سيطرتها على المناطق المتنازع عليها ضمن محافظة كركوك.",
    ):
        assert run(_lead(text))["control"] == [], text


def test_some_unnamed_villages_of_a_province_give_no_row_for_it(run) -> None:  # type: ignore[no-untyped-def]
    # the capture is an event at the province (extent part), but no place is said to be held
    for text in ("وقالت مصادر إن المعارك تدور في محافظة حماة، وانتزع تنظيم الدولة عدداً من القرى في شمال شرقي المحافظة.",
                 "وسيطر تنظيم الدولة على عدة قرى شمال شرق محافظة حماة."):  # fmt: skip
        rec = run(_lead(text))
        assert [(e["kind"], e["extent"]) for e in rec["events"]] == [("takeover", "part")], text
        assert rec["control"] == [], text


def test_one_row_per_place_and_side_in_a_report() -> None:
    import datetime as dt

    from raqib.control import dedupe_claims
    from raqib.model import ControlClaim, DateRef

    def claim(status: str, day: str | None) -> ControlClaim:
        d = dt.date.fromisoformat(day) if day else None
        as_of = DateRef(start=d, end=d, precision="day", start_char=0, end_char=1, relative=False) if d else None
        return ControlClaim(place_name="ادلب", place=None, controller="HTS", status=status, as_of=as_of,
                            evidence_start=0, evidence_end=1, rule_id="t")  # fmt: skip

    # a dated capture and an undated statement of the report's day: the statement (the later) stands
    assert [c.status for c in dedupe_claims([claim("held", "2017-12-11"), claim("partial", None)])] == ["partial"]
    # on one day a shared status outweighs held, whatever the order
    assert [c.status for c in dedupe_claims([claim("partial", "2017-12-11"), claim("held", "2017-12-11")])] == [
        "partial"
    ]
    # an older claim does not replace a newer one
    assert [c.as_of.start.isoformat() for c in dedupe_claims([claim("held", "2017-12-11"), claim("held", "2014-01-01")])
            if c.as_of] == ["2017-12-11"]  # fmt: skip


def test_an_aim_or_a_passive_capture_names_no_holder(run) -> None:  # type: ignore[no-untyped-def]
    for text in (
        "وشدد المتحدث على أن العملية العسكرية لتحرير مدينة سراقب لن تتوقف.",
        "وحشدت قوات النظام قرب مدينة سراقب للسيطرة على المدينة.",
        "وعاد التنظيم إلى مدينة سراقب التي كان قد طُرد منها قبل أربع سنوات.",
    ):
        rec = run(_lead(text))
        assert [e for e in rec["events"] if e["kind"] == "takeover"] == [] and rec["control"] == [], text
    # the same verbs unmarked are captures
    assert ("سراقب", "SYR-GOV", "held") in _held(run(_lead("وحررت قوات النظام مدينة سراقب.")))
    assert ("سراقب", "SYR-GOV", "held") in _held(run(_lead("وطرد الجيش السوري التنظيم من مدينة سراقب.")))


def test_a_place_in_guillemets_after_a_capture_is_its_object(run) -> None:  # type: ignore[no-untyped-def]
    rec = run(_lead("وأفادت مصادر بأن الجيش السوداني نجح في استرداد منطقة «اللكندي» الواقعة قرب سنجة."))
    assert ("اللكندي", "SDN-SAF", "held") in _held(rec)
    assert run(_lead("وأفادت مصادر بأن الجيش السوداني لم يتمكن من استرداد منطقة «اللكندي».")).get("control") == []


def test_a_place_become_free_of_a_side_is_held_by_the_side_announcing_it(run) -> None:  # type: ignore[no-untyped-def]
    text = "وكان رئيس الوزراء العراقي قد أعلن في وقت سابق أن قضاء الحويجة بات محرراً من سيطرة تنظيم داعش."
    assert _held(run(_lead(text))) == {("الحويجة", "IRQ-GOV", "held")}
    for text in (
        "وكان رئيس الوزراء العراقي قد أعلن أن قضاء الحويجة لم يصبح محرراً بعد من سيطرة تنظيم داعش.",
        "وبدأت قوات النظام هجوماً على القرى المحررة حديثاً بريف حماه.",  # an adjective, no new state
    ):
        assert run(_lead(text))["control"] == [], text


def test_a_thing_entering_a_town_is_no_capture(run) -> None:  # type: ignore[no-untyped-def]
    text = "وأوضح مصدر أن مسلحي حركة أحرار الشام سيغادرون اليوم على متن الحافلات التي دخلت مدينة البعث."
    rec = run(_lead(text))
    assert [e for e in rec["events"] if e["kind"] == "takeover"] == [] and rec["control"] == []
    # forces in the same relative clause do take it
    rec = run(_lead("وقالت مصادر إن قوات النظام التي دخلت مدينة البعث أمس نشرت حواجز فيها."))
    assert ("البعث", "SYR-GOV", "held") in _held(rec)


def test_a_pronoun_may_refer_to_a_name_the_text_introduces(run) -> None:  # type: ignore[no-untyped-def]
    text = "ولم يبق إلى المدينة سوى طريق واحد يُعرف بطريق الصوامع، تسيطر عليه الميليشيات الموالية لإيران."
    assert _held(run(_lead(text))) == {("طريق الصوامع", "IRN-MIL", "held")}
    text = "ولم يبق إلى المدينة سوى طريق واحد يُعرف بطريق الصوامع، لم تعد تسيطر عليه الميليشيات الموالية لإيران."
    assert run(_lead(text))["control"] == []


def test_a_side_closing_a_road_at_a_place_holds_it(run) -> None:  # type: ignore[no-untyped-def]
    rec = run(_lead("وبيّن ناشطون أن قوات النظام سدّت بالحجارة الطريق الواقع في بلدة النعيمة، ومنعت المدنيين من المرور."))
    assert _held(rec) == {("النعيمة", "SYR-GOV", "held")}
    for text in (
        "وذكر ناشطون أن قوات النظام قطعت الطريق الرئيسي إلى بلدة النعيمة.",  # a road to a place
        "وذكر ناشطون أن قوات النظام لم تغلق الطريق في بلدة النعيمة.",
        "وقطع محتجون غاضبون الطريق في بلدة النعيمة.",
    ):
        assert run(_lead(text))["control"] == [], text


def test_a_last_list_item_before_the_locating_area_is_a_place(run) -> None:  # type: ignore[no-untyped-def]
    rec = run(_lead("وعادت قوات الدعم السريع لتلتحق بقواتها الرئيسية المنتشرة في الدالي والمزوم بولاية سنار."))
    assert {("الدالي", "RSF", "held"), ("المزوم", "RSF", "held")} <= _held(rec)
    # a generic word is no place, nor is an item the area does not follow
    rec = run(_lead("وعادت قوات الدعم السريع لتلتحق بقواتها الرئيسية المنتشرة في الدالي والمناطق بولاية سنار."))
    assert _held(rec) == {("الدالي", "RSF", "held")}
    rec = run(_lead("وعادت قوات الدعم السريع لتلتحق بقواتها الرئيسية المنتشرة في الدالي والمزوم."))
    assert _held(rec) == {("الدالي", "RSF", "held")}


def test_kana_before_a_present_verb_does_not_make_a_report_background(run) -> None:  # type: ignore[no-untyped-def]
    text = "وحاصرت قوات النظام أمس بلدة النعيمة التي كان يقطنها آلاف المدنيين."
    events = run(_lead(text), "2021-07-05")["events"]
    assert [(e["kind"], e["background"], e["date"]["from"]) for e in events] == [("siege", False, "2021-07-04")]
    events = run(_lead("وكانت قوات النظام قد سيطرت على بلدة النعيمة."), "2021-07-05")["events"]
    assert [(e["kind"], e["background"]) for e in events] == [("takeover", True)]


def test_areas_under_a_sides_control_in_a_province_are_no_claim_on_the_province(run) -> None:  # type: ignore[no-untyped-def]
    assert run(_lead("رفعت الإدارة الذاتية الأسعار ضمن مناطق سيطرة قوات سوريا الديمقراطية بمحافظة الحسكة."))["control"] == []
    assert run(_lead("وارتفعت الأسعار في مناطق سيطرة قوات سوريا الديمقراطية في محافظة الرقة."))["control"] == []
    # the areas listed after the cue are the side's (a closed-world list)
    rec = run(_lead("انحسرت مناطق سيطرة تنظيم الدولة على بلدتي السوسة والشعفة."))
    assert {("السوسة", "ISIS", "held"), ("الشعفة", "ISIS", "held")} <= _held(rec)


def test_a_capture_of_villages_in_an_area_is_no_claim_on_the_area(run) -> None:  # type: ignore[no-untyped-def]
    for text in ("وسيطرت هيئة تحرير الشام على عدة قرى في ريف حماة الشمالي.", "وسيطرت هيئة تحرير الشام على قرى بريف حماة."):
        assert run(_lead(text))["control"] == []
    # villages named after "قرى" are each taken
    rec = run(_lead("وسيطرت هيئة تحرير الشام على قرى الزيارة وخربة الناقوس."))
    assert ("الزيارة", "HTS", "held") in _held(rec)
