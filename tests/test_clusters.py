"""``raqib.batch.cluster_events`` gives the clusters of ``raqib.dedup.assign_clusters`` on made-up
reports that crowd its edge cases: names inside names, names spelt alike, points across grid cells,
unknown sides, clashes beside sieges, undated events in dated and undated reports, months."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from raqib.batch import cluster_events
from raqib.dedup import GROUPS, assign_clusters

#: (name, lat, lon, precision): Daraa and a name inside it; two spellings of one village within 5 km
#: and across a 0.1° cell boundary; two names at one point; a village 4 km off; places without a point.
PLACES = [
    ("درعا", 32.6189, 36.1021, "city"),
    ("درعا البلد", 32.6121, 36.1042, "neighbourhood"),
    ("مخيم درعا", 32.6090, 36.1100, "camp"),
    ("تل رفعت", 36.4699, 37.0970, "town"),
    ("تل رفعة", 36.5012, 37.0991, "town"),
    ("تل رفعت", 36.4699, 37.0970, "village"),
    ("كفرنبل", 35.6147, 36.5611, "town"),
    ("كفر نبل", 35.6150, 36.5615, "town"),
    ("حاس", 35.6000, 36.5900, "town"),
    ("ريف حلب", None, None, "region"),
    ("حلب", 36.2021, 37.1343, "city"),
    ("", 35.6147, 36.5611, "town"),
]
KINDS = ["takeover", "withdrawal", "clash", "internal_clash", "siege", "agreement", "airstrike", "shelling",
         "arrest", "other", "made_up_kind"]  # fmt: skip
SIDES = ["SDF", "ISIS", "UNKNOWN", "SYR_GOV"]
DAY0 = 738000  # 2021-07-29


@st.composite
def _event(draw: st.DrawFn) -> dict[str, Any]:
    # mostly a few places, kinds and days, so reports share them (OTHERS, Window.not_near, one_per_report)
    place = draw(st.none() | st.sampled_from(PLACES[:2] + PLACES[3:4]) | st.sampled_from(PLACES))
    loc = None
    if place is not None:
        name, lat, lon, precision = place
        loc = {"name_ar": name, "lat": lat, "lon": lon, "precision": precision}
    date = None
    if draw(st.booleans()):
        import datetime as dt

        first = DAY0 + draw(st.integers(0, 6))
        last = first + draw(st.sampled_from([0, 0, 0, 1, 2, 30]))
        date = {"from": dt.date.fromordinal(first).isoformat(), "to": dt.date.fromordinal(last).isoformat()}
    kind = draw(st.sampled_from(KINDS[:2]) | st.sampled_from(KINDS))
    return {"kind": kind, "actor1": draw(st.sampled_from(SIDES[:2]) | st.sampled_from(SIDES)),
            "actor2": draw(st.none() | st.sampled_from(SIDES)), "location": loc, "date": date,
            "evidence": "", "cluster": None}  # fmt: skip


@st.composite
def _reports(draw: st.DrawFn) -> list[dict[str, Any]]:
    import datetime as dt

    n = draw(st.integers(1, 14))
    out = []
    for r in range(n):
        published = draw(st.none() | st.integers(-1, 8).map(lambda d: dt.date.fromordinal(DAY0 + d).isoformat()))
        out.append({"id": f"r{r}", "published": published, "events": draw(st.lists(_event(), max_size=6))})
    return out


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(_reports())
def test_cluster_events_agrees_with_dedup_on_made_up_reports(records: list[dict[str, Any]]) -> None:
    want = [e["cluster"] for r in assign_clusters(records) for e in r["events"]]
    got = cluster_events([(r["id"], k, e) for r in records for k, e in enumerate(r["events"])],
                         {r["id"]: r["published"] for r in records})  # fmt: skip
    assert got == want


def test_made_up_reports_reach_the_edge_cases() -> None:
    """The vocabulary above gives merged clusters, and the pair the UNBOUNDED side rule reads in one
    order only (a clash and a siege of an undated report, one side unknown) is possible."""
    assert {GROUPS.get(k) for k in KINDS} >= {"territory", "battle", "remote", "detain", "other", None}
    clash = {"kind": "clash", "actor1": "UNKNOWN", "actor2": None, "date": None, "evidence": "",
             "location": {"name_ar": "درعا", "lat": 32.6189, "lon": 36.1021, "precision": "city"}}  # fmt: skip
    siege = clash | {"kind": "siege", "actor1": "SDF"}
    for first, second in ((clash, siege), (siege, clash)):
        records = [{"id": "a", "published": None, "events": [first]}, {"id": "b", "published": None, "events": [second]}]
        want = [e["cluster"] for r in assign_clusters(records) for e in r["events"]]
        assert cluster_events([("a", 0, first), ("b", 0, second)]) == want
        assert (want[0] == want[1]) == (first is clash)  # the rule reads the first event's kind
