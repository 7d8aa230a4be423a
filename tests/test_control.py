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
