"""A definite generic noun stands for the last place or actor of its type the report named: a capture of
villages "شمال شرق المحافظة" is placed at the province named before (as a province, not its city of the
same name) and is a capture of part of it (no control row on the province); "مسلحو الحزب" are the
fighters of the party named before."""

from __future__ import annotations

from typing import Any

import pytest


def _takeovers(rec: dict[str, Any]) -> list[tuple[str, str | None, str | None, str | None]]:
    out = []
    for e in rec["events"]:
        if e["kind"] == "takeover":
            loc = e["location"] or {}
            out.append((e["actor1"], loc.get("name_ar"), loc.get("precision"), e["extent"]))
    return out


@pytest.mark.parametrize(
    "text",
    [
        "اندلعت اشتباكات بين هيئة تحرير الشام وتنظيم الدولة في محافظة حماة، وانتزع التنظيم عدداً من القرى في شمال شرقي المحافظة.",
        "وفي محافظة حماة المجاورة، سيطر تنظيم الدولة على عدة قرى شمال شرق المحافظة.",
        # a province named without "محافظة" is a province all the same
        "في حماة، سيطر تنظيم الدولة على عدة قرى جنوب المحافظة.",
        # "ريف المحافظة": the back-reference after a generic word is no name of its own
        "قصفت الطائرات مدينة إدلب. وفي محافظة حماة، سيطر تنظيم الدولة على عدد من القرى في ريف المحافظة الشرقي.",
    ],
)
def test_villages_in_the_province_named_before_are_placed_at_that_province(run, text) -> None:  # type: ignore[no-untyped-def]
    rec = run(text, "2017-12-10")
    assert _takeovers(rec) == [("ISIS", "حماة", "governorate", "part")]
    assert [c for c in rec["control"] if c["place_ar"] == "حماة"] == []  # a few villages are not the province


def test_the_last_province_named_is_the_one_referred_to(run) -> None:  # type: ignore[no-untyped-def]
    rec = run("سيطرت هيئة تحرير الشام على قرية باشكون بريف إدلب. وفي محافظة حماة المجاورة، انتزع تنظيم الدولة "
              "عدداً من القرى في شمال شرقي المحافظة.", "2017-12-10")  # fmt: skip
    assert ("ISIS", "حماة", "governorate", "part") in _takeovers(rec)
    assert ("HTS", "باشكون", "village", "whole") in _takeovers(rec)


@pytest.mark.parametrize(
    "text",
    [
        "سيطر تنظيم الدولة على عدة قرى شمال شرق المحافظة.",  # no province named: no place
        "سيطرت قوات النظام على مدينة حماة، وانتزعت عدة قرى شمال المحافظة.",  # a city is no province
    ],
)
def test_no_province_named_before_gives_no_place(run, text) -> None:  # type: ignore[no-untyped-def]
    rec = run(text, "2017-12-10")
    assert [t for t in _takeovers(rec) if t[2] == "governorate"] == []
    assert (_takeovers(rec)[-1][1], _takeovers(rec)[-1][2]) == (None, None)


def test_keeping_to_something_is_no_province(res) -> None:  # type: ignore[no-untyped-def]
    from raqib.normalize import normalize
    from raqib.segment import segment

    text = "أكدت الحكومة على المحافظة على وقف إطلاق النار. وجال المحافظ في المحافظة."
    found = [m for s in segment(text, normalize(text)) for m in res.place_finder.find(text, s)]
    assert [(m.name, m.feature) for m in found] == [("المحافظة", "anaphor:محافظه")]
    assert found[0].start_char == text.rindex("المحافظة")


def test_a_background_capture_of_villages_of_a_named_countryside_is_kept(run) -> None:  # type: ignore[no-untyped-def]
    rec = run("وكان التنظيم المتطرف قد استولى مؤخراً على عدد من قرى ريف حماة الشمالي الشرقي عقب معارك خاضها ضد هيئة "
              "تحرير الشام.", "2017-12-11")  # fmt: skip
    assert [(a, name, extent) for a, name, _, extent in _takeovers(rec)] == [("ISIS", "حماة", "part")]
    assert rec["control"] == []


def test_a_named_village_in_the_province_is_not_the_villages_of_the_province(run) -> None:  # type: ignore[no-untyped-def]
    rec = run("سيطر تنظيم الدولة على قرية باشكون في إدلب، بعدما انتزع عدداً من القرى في جنوب المحافظة.", "2017-12-10")
    assert sorted(_takeovers(rec)) == [("ISIS", "إدلب", "governorate", "part"), ("ISIS", "باشكون", "village", "whole")]


def test_part_of_a_town_taken_is_still_a_partial_row(run) -> None:  # type: ignore[no-untyped-def]
    rec = run("سيطرت هيئة تحرير الشام على أجزاء من بلدة خان شيخون.", "2019-08-20")
    assert [(c["place_ar"], c["controller"], c["status"]) for c in rec["control"]] == [("خان شيخون", "HTS", "partial")]


def _actors(res, text: str) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    from raqib.normalize import normalize
    from raqib.segment import segment

    return [(m.actor, text[m.start_char : m.end_char]) for m in res.actor_finder.find(text, segment(text, normalize(text)), "IQ")]


def test_the_party_is_the_party_named_before(res) -> None:  # type: ignore[no-untyped-def]
    text = "قصفت مقاتلات تركية مواقع لحزب العمال الكردستاني. ويتحصن مسلحو الحزب في الجبال."
    assert ("PKK", "الحزب") in _actors(res, text)
    # no party named before: "الحزب" is no side ("the ruling party")
    assert _actors(res, "وقال الحزب الحاكم إن الانتخابات ستجري في موعدها.") == []
