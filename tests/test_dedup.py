"""Events of one happening in several reports share a cluster; look-alikes stay apart."""

from __future__ import annotations

import datetime as dt
from typing import Any

from raqib.dedup import assign_clusters, same_happening, with_windows


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
    # the side that withdrew is the one the village was taken from, never the taker
    assert same_happening(base, _ev("withdrawal", "HTS", "باشكون", "2017-12-10"))
    assert not same_happening(base, _ev("withdrawal", "ISIS", "باشكون", "2017-12-10"))


def test_clash_sides_in_either_order() -> None:
    a = _ev("clash", "SNA", "منبج", "2019-01-01", a2="SDF")
    b = _ev("clash", "SDF", "مدينة منبج", "2019-01-02", a2="SNA")
    assert same_happening(a, b)


def test_events_of_one_report_are_never_merged_with_each_other() -> None:
    recs = [{"id": "a", "events": [_ev("takeover", "SDF", "هجين", None), _ev("takeover", "SDF", "هجين", None)]}]
    out = assign_clusters(recs)
    assert out[0]["events"][0]["cluster"] != out[0]["events"][1]["cluster"]


def test_a_withdrawal_matches_a_takeover_only_from_the_side_that_left() -> None:
    take = _ev("takeover", "SDF", "هجين", "2018-12-14", a2="ISIS")
    assert same_happening(take, _ev("withdrawal", "ISIS", "هجين", "2018-12-14"))
    assert same_happening(_ev("withdrawal", "UNKNOWN", "هجين", None), take)
    assert not same_happening(take, _ev("withdrawal", "SDF", "هجين", "2018-12-15"))  # taken, then given up
    assert not same_happening(take, _ev("withdrawal", "SYR-GOV", "هجين", "2018-12-14"))  # not who lost it


def test_neighbouring_villages_stay_apart_and_spelling_variants_join() -> None:
    # two villages 4 km apart under different names: neighbours, not one place
    a = _ev("takeover", "SNA", "مريمين", "2018-03-09", lat=36.50, lon=36.90)
    assert not same_happening(a, _ev("takeover", "SNA", "كفر رم", "2018-03-10", lat=36.50, lon=36.945))
    # one name spelt two ways, or one gazetteer point under two names
    b = _ev("takeover", "SDF", "تل رفعت", "2018-03-09", lat=36.47, lon=37.10)
    assert same_happening(b, _ev("takeover", "SDF", "تل رفعة", "2018-03-09", lat=36.48, lon=37.11))
    c = _ev("takeover", "SDF", "أبو الحسن", None, lat=34.60, lon=40.90)
    assert same_happening(c, _ev("takeover", "SDF", "البقعان", None, lat=34.60, lon=40.90))


def test_a_day_inside_a_reported_month_is_that_month() -> None:
    month = _ev("takeover", "RSF", "رورو", "2024-09-01")
    month["date"]["to"] = "2024-09-30"
    assert same_happening(month, _ev("takeover", "RSF", "رورو", "2024-09-20"))
    assert not same_happening(month, _ev("takeover", "RSF", "رورو", "2024-10-05"))  # five days after it
    assert not same_happening(_ev("takeover", "RSF", "رورو", "2024-09-01"), _ev("takeover", "RSF", "رورو", "2024-09-20"))


def _clusters(recs: list[dict[str, Any]]) -> dict[str, str]:
    return {f"{r['id']}#{k}": e["cluster"] for r in assign_clusters(recs) for k, e in enumerate(r["events"])}


def test_an_undated_event_did_not_happen_after_its_report() -> None:
    dated = {"id": "a", "published": "2021-07-05", "events": [_ev("siege", "SYR-GOV", "درعا البلد", "2021-07-04")]}
    early = {"id": "b", "published": "2021-06-30", "events": [_ev("siege", "SYR-GOV", "درعا البلد", None)]}
    late = {"id": "c", "published": "2021-07-06", "events": [_ev("siege", "SYR-GOV", "درعا البلد", None)]}
    assert not same_happening(*with_windows(dated["events"], "2021-07-05"), *with_windows(early["events"], "2021-06-30"))
    got = _clusters([dated, early])
    assert got["a#0"] != got["b#0"]  # published four days before the closure: another happening
    got = _clusters([dated, late])
    assert got["a#0"] == got["c#0"]
    # a report without a day leaves its undated events free
    free = {"id": "d", "published": None, "events": [_ev("siege", "SYR-GOV", "درعا البلد", None)]}
    assert len(set(_clusters([dated, free]).values())) == 1


def test_an_undated_event_beside_a_dated_one_of_its_report_is_another_happening() -> None:
    # "the road was closed yesterday (4 July); the siege had begun earlier": two reports tell both
    a = {"id": "a", "published": "2021-07-05", "events": [_ev("siege", "SYR-GOV", "درعا البلد", "2021-07-04"),
                                                         _ev("siege", "SYR-GOV", "درعا البلد", None)]}  # fmt: skip
    b = {"id": "b", "published": "2021-07-04", "events": [_ev("siege", "SYR-GOV", "درعا البلد", "2021-07-04"),
                                                         _ev("siege", "SYR-GOV", "درعا البلد", None)]}  # fmt: skip
    got = _clusters([a, b])
    assert got["a#0"] == got["b#0"] and got["a#1"] == got["b#1"]
    assert got["a#0"] != got["a#1"]  # the closure and the start of the siege stay apart
    # another kind or place in the report does not bound the undated event
    c = {"id": "c", "published": "2021-07-05", "events": [_ev("siege", "SYR-GOV", "درعا البلد", None),
                                                         _ev("airstrike", "SYR-GOV", "درعا البلد", "2021-07-04")]}  # fmt: skip
    assert _clusters([c, b])["c#0"] == _clusters([c, b])["b#0"]


def test_a_name_inside_another_does_not_join_a_place_its_report_tells_apart() -> None:
    # one report: the siege of Daraa al-Balad and of the Daraa camp (read as "درعا"); another: al-Balad
    a = {"id": "a", "published": "2021-07-05", "events": [_ev("siege", "SYR-GOV", "درعا البلد", "2021-07-04"),
                                                         _ev("siege", "SYR-GOV", "درعا", "2021-07-04")]}  # fmt: skip
    b = {"id": "b", "published": "2021-07-04", "events": [_ev("siege", "SYR-GOV", "درعا البلد", "2021-07-04")]}
    got = _clusters([a, b])
    assert got["a#0"] == got["b#0"] and got["a#1"] != got["b#0"]
    # told alone, "درعا" still contains "درعا البلد"
    c = {"id": "c", "published": "2021-07-05", "events": [_ev("siege", "SYR-GOV", "درعا", "2021-07-04")]}
    assert len(set(_clusters([c, b]).values())) == 1


def test_a_cluster_holds_one_event_of_each_report() -> None:
    # "SDF took al-Kashma ... ISIS dissidents had seized al-Kashma" read with one taker: the other
    # report's capture is the first one's, never both
    seed = {"id": "a", "published": None, "events": [_ev("takeover", "SDF", "الكشمة", None), _ev("takeover", "SDF", "الكشمة", None)]}
    other = {"id": "b", "published": None, "events": [_ev("takeover", "SDF", "قرية الكشمة", None)]}
    out = assign_clusters([seed, other])
    first, second = (e["cluster"] for e in out[0]["events"])
    assert out[1]["events"][0]["cluster"] == first != second
    # two look-alikes on different days are two happenings that both may match
    dated = {"id": "c", "published": "2019-01-01",
             "events": [_ev("takeover", "SDF", "الكشمة", "2018-12-20"), _ev("takeover", "SDF", "الكشمة", "2018-12-30")]}  # fmt: skip
    assert with_windows(dated["events"], "2019-01-01") == dated["events"]


def test_an_unknown_side_agrees_with_a_known_one_only_where_a_day_ties_them() -> None:
    struck = _ev("airstrike", "RUS", "إدلب", "2017-04-08", precision="city")
    [undated] = with_windows([_ev("airstrike", "UNKNOWN", "مدينة إدلب", None, precision="city")], None)
    assert not same_happening(struck, undated)
    [bounded] = with_windows([_ev("airstrike", "UNKNOWN", "مدينة إدلب", None, precision="city")], "2017-04-09")
    assert same_happening(struck, bounded)
    [unknown] = with_windows([_ev("explosion", "UNKNOWN", "الهواري", None)], None)
    assert same_happening(_ev("explosion", "UNKNOWN", "مقبرة الهواري", "2019-07-11"), unknown)


def test_a_weekday_of_an_undated_report_is_placed_by_the_dated_reports_of_its_cluster() -> None:
    from raqib.dedup import weekday_day

    afp = {"id": "a", "published": "2018-12-14", "events": [_ev("takeover", "SDF", "هجين", "2018-12-14")]}
    ev = _ev("takeover", "SDF", "مدينة هجين", None) | {"evidence": "بسطت قسد الإثنين سيطرتها على مدينة هجين"}
    out = assign_clusters([afp, {"id": "b", "published": None, "events": [ev]}])
    assert out[1]["events"][0]["date"] == {"from": "2018-12-17", "to": "2018-12-17", "precision": "day", "source": "cluster"}
    assert weekday_day("سيطرت قسد على هجين", [(dt.date(2018, 12, 14),) * 2]) is None  # no weekday
    assert weekday_day("ليل الخميس - الجمعة", [(dt.date(2018, 12, 14),) * 2]) is None  # two weekdays
    # a report with a publication day resolves its own weekdays: nothing is changed
    dated_report = {"id": "c", "published": "2018-12-20", "events": [ev]}
    assert assign_clusters([afp, dated_report])[1]["events"][0]["date"] is None


def test_two_events_of_a_report_pair_one_to_one_closest_day_first() -> None:
    from raqib.batch import cluster_events

    a = {"id": "a", "published": "2021-07-05", "events": [_ev("siege", "GOV", "درعا البلد", "2021-07-05"),
                                                         _ev("siege", "GOV", "درعا البلد", "2021-07-02")]}  # fmt: skip
    b = {"id": "b", "published": "2021-07-04", "events": [_ev("siege", "GOV", "درعا البلد", "2021-07-04"),
                                                         _ev("siege", "GOV", "درعا البلد", "2021-07-01")]}  # fmt: skip
    out = assign_clusters([a, b])
    (a0, a1), (b0, b1) = ([e["cluster"] for e in r["events"]] for r in out)
    assert a0 == b0 != a1 == b1  # a1-b0 (two days apart) would chain all four into one
    got = cluster_events([(r["id"], k, e) for r in (a, b) for k, e in enumerate(r["events"])],
                         {r["id"]: r["published"] for r in (a, b)})  # fmt: skip
    assert got == [a0, a1, b0, b1]
