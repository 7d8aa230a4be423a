"""Events of one happening in several reports share a cluster; look-alikes stay apart."""

from __future__ import annotations

from typing import Any

from raqib.dedup import assign_clusters, same_happening


def _ev(kind: str, a1: str, name: str, day: str | None, lat: float = 35.0, lon: float = 37.0,
        a2: str | None = None, precision: str = "village") -> dict[str, Any]:  # fmt: skip
    return {
        "kind": kind, "actor1": a1, "actor2": a2,
        "location": {"name_ar": name, "lat": lat, "lon": lon, "precision": precision},
        "date": {"from": day, "to": day} if day else None,
    }  # fmt: skip


def test_same_capture_in_two_reports_is_one_cluster() -> None:
    recs = [
        {"id": "a", "events": [_ev("takeover", "SDF", "قرية الكشمة", "2018-12-30")]},
        {"id": "b", "events": [_ev("takeover", "SDF", "الكشمة", None)]},
    ]
    out = assign_clusters(recs)
    assert out[0]["events"][0]["cluster"] == out[1]["events"][0]["cluster"]
    assert "cluster" not in recs[0]["events"][0]  # the input is not changed


def test_taken_and_retaken_neighbours_and_other_days_stay_apart() -> None:
    base = _ev("takeover", "ISIS", "باشكون", "2017-12-09")
    assert not same_happening(base, _ev("takeover", "HTS", "باشكون", "2017-12-11"))
    assert not same_happening(base, _ev("takeover", "ISIS", "أبو دالي", "2017-12-09", lat=35.2, lon=37.1))
    assert not same_happening(base, _ev("takeover", "ISIS", "باشكون", "2017-12-20"))
    assert not same_happening(base, _ev("airstrike", "ISIS", "باشكون", "2017-12-09"))
    assert same_happening(base, _ev("withdrawal", "ISIS", "باشكون", "2017-12-10"))


def test_clash_sides_in_either_order() -> None:
    a = _ev("clash", "SNA", "منبج", "2019-01-01", a2="SDF")
    b = _ev("clash", "SDF", "مدينة منبج", "2019-01-02", a2="SNA")
    assert same_happening(a, b)


def test_events_of_one_report_are_never_merged_with_each_other() -> None:
    recs = [{"id": "a", "events": [_ev("takeover", "SDF", "هجين", None), _ev("takeover", "SDF", "هجين", None)]}]
    out = assign_clusters(recs)
    assert out[0]["events"][0]["cluster"] != out[0]["events"][1]["cluster"]
