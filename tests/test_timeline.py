"""The control timeline: stored claims → per-place intervals, the map on a day, histories, changes,
the Wikipedia map baseline and the `raqib control` commands."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from conftest import DEV, SEED
from hypothesis import given, settings
from hypothesis import strategies as st

from raqib.normalize import bare
from raqib.timeline import STATUSES, DatedClaim, Interval, build_timeline, claims_from_rows

RAQIB = [sys.executable, "-m", "raqib.cli"]
D = dt.date.fromisoformat


def _raqib(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*RAQIB, *args],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        env={k: v for k, v in os.environ.items() if k != "RAQIB_DB"},
    )


def claim(
    place: str = "v",
    controller: str = "ISIS",
    status: str = "held",
    day: str = "2019-01-01",
    doc: str = "d1",
    seq: int = 0,
    **kw: Any,
) -> DatedClaim:
    kw.setdefault("name", place)
    kw.setdefault("day_source", "stated")
    kw.setdefault("evidence", f"{controller} {status} {place} ({doc})")
    return DatedClaim(
        place=place, controller=controller, status=status, day=D(day), document_id=doc, seq=seq, **kw
    )


def holders(timeline: Any, day: str, place: str = "v") -> list[tuple[str, str]]:
    return [(h.controller, h.status) for h in timeline.map_as_of(D(day)) if h.place.key == place]


# --------------------------------------------------------------------------------------------
# (a) the acceptance check: the seed report, dated 2019-01-01, around Hajin


POCKET = {
    "الشعفة": "ISIS",
    "الباغوز فوقاني": "ISIS",
    "السوسة": "ISIS",
    "السفافنة": "ISIS",
    "المراشدة": "ISIS",
    "الكشمة": "SDF",
    "أبو الحسن": "SDF",
}


@pytest.fixture(scope="module")
def seed_db(tmp_path_factory: pytest.TempPathFactory) -> str:
    tmp = tmp_path_factory.mktemp("seed")
    doc = tmp / "seed.json"
    doc.write_text(
        json.dumps(
            {"id": "furat-post-kashma", "text": SEED.read_text("utf-8"), "published": "2019-01-01"},
            ensure_ascii=False,
        ),
        encoding="utf-8",
    )
    db = f"sqlite:///{tmp / 'x.db'}"
    out = _raqib("ingest", str(doc), "--db", db)
    assert out.returncode == 0, out.stderr
    return db


def test_seed_map_near_hajin_lists_the_pocket_with_evidence(seed_db: str) -> None:
    out = _raqib("control", "show", "--as-of", "2019-01-15", "--near", "هجين", "--db", seed_db, "--json")
    assert out.returncode == 0, out.stderr
    rows = [json.loads(ln) for ln in out.stdout.splitlines()]
    shown = {bare(r["place_ar"]): r for r in rows}
    for place, side in POCKET.items():
        row = shown.get(bare(place))
        assert row is not None, (place, sorted(shown))
        assert (row["controller"], row["status"]) == (side, "held"), row
        assert row["evidence"] and row["evidence"] in SEED.read_text("utf-8")
        assert row["sources"][0]["document"] == "furat-post-kashma"
    # "الباغوز فوقاني التي تمكنت قسد ... من السيطرة على أطرافها": the town is ISIS's, its outskirts SDF's
    outskirts = shown[bare("أطراف الباغوز فوقاني")]
    assert (outskirts["controller"], outskirts["status"]) == ("SDF", "partial")
    # the pocket was still ISIS's on the report's day; the takeovers were 48 hours before it
    assert {shown[bare(p)]["since"] for p, s in POCKET.items() if s == "ISIS"} == {"2019-01-01"}
    assert all(shown[bare(p)]["since"] <= "2019-01-01" for p in POCKET)


def test_seed_map_as_a_table(seed_db: str) -> None:
    out = _raqib("control", "show", "--as-of", "2019-01-15", "--near", "هجين", "--db", seed_db)
    assert out.returncode == 0, out.stderr
    for place in POCKET:
        assert place in out.stdout
    for col in ("place", "holder(s)", "status", "since", "evidence", "source"):
        assert col in out.stdout
    assert "8 places" in out.stdout  # the pocket's seven places and the outskirts of al-Baghuz Fawqani


def test_seed_near_takes_unmapped_and_co_listed_places_and_nothing_far(seed_db: str) -> None:
    out = _raqib(
        "control", "show", "--as-of", "2019-01-15", "--near", "36.20,37.16", "--db", seed_db, "--json"
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout == ""  # Aleppo is 350 km away: neither the mapped nor the unmapped places come
    before = _raqib("control", "show", "--as-of", "2018-12-01", "--db", seed_db, "--json")
    assert before.returncode == 0 and before.stdout == ""  # nothing was known before the report


def test_seed_history_and_changes(seed_db: str) -> None:
    out = _raqib("control", "history", "الكشمة", "--db", seed_db, "--json")
    assert out.returncode == 0, out.stderr
    rows = [json.loads(ln) for ln in out.stdout.splitlines()]
    assert [(r["controller"], r["valid_to"]) for r in rows] == [("SDF", None)]
    # al-Kashma was located only by the town it belongs to: it keeps its own key, with that town's
    # coordinates marked approximate
    assert rows[0]["approximate"] is True and rows[0]["gazetteer_id"] is None
    out = _raqib(
        "control", "changes", "--from", "2018-12-01", "--to", "2019-01-31", "--db", seed_db, "--json"
    )
    assert out.returncode == 0, out.stderr
    changes = {bare(r["place_ar"]): r for r in (json.loads(ln) for ln in out.stdout.splitlines())}
    assert changes[bare("أبو الحسن")]["after"] == [["SDF", "held"]]
    assert changes[bare("أبو الحسن")]["pcode"] == "C6803"
    assert changes[bare("السوسة")]["pcode"] == "C5186"


def test_control_commands_have_help_and_one_line_errors(seed_db: str) -> None:
    for cmd in (
        ["control"],
        ["control", "show"],
        ["control", "history"],
        ["control", "changes"],
        ["control", "import-baseline"],
    ):
        out = _raqib(*cmd, "--help")
        assert out.returncode == 0 and "Usage" in out.stdout, out.stderr
    for args in (
        ["show", "--as-of", "15/01/2019"],
        ["show", "--as-of", "2019-01-15", "--near", "مكان لا يوجد ابدا"],
        ["show", "--as-of", "2019-01-15", "--near", "95,40"],
        ["history", "قرية لا توجد"],
        ["changes", "--from", "2019-02-01", "--to", "2019-01-01"],
    ):
        out = _raqib("control", *args, "--db", seed_db)
        assert out.returncode == 2, (args, out.stdout, out.stderr)
        assert out.stderr.startswith("raqib: error:") and len(out.stderr.strip().splitlines()) == 1, (
            out.stderr
        )
    out = _raqib("control", "import-baseline", "--source", "/nonexistent/marks", "--db", seed_db)
    assert out.returncode == 2 and out.stderr.startswith("raqib: error:")


# --------------------------------------------------------------------------------------------
# (b) place histories on the dev set


@pytest.fixture(scope="module")
def dev_store(res, tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    from raqib.ingest import read_sources
    from raqib.model import Document
    from raqib.pipeline import extract
    from raqib.record import to_record
    from raqib.store import open_store

    store = open_store(f"sqlite:///{tmp_path_factory.mktemp('dev') / 'dev.db'}")
    for doc in read_sources([str(DEV)]):
        assert isinstance(doc, Document), doc
        record = to_record(
            extract(doc, res), res.state_actors, res.versions["rules"], res.versions["gazetteer"]
        )
        store.save(doc, record, res.versions)
    return store


@pytest.fixture(scope="module")
def dev_timeline(dev_store):  # type: ignore[no-untyped-def]
    from raqib.actors import load_actor_book
    from raqib.gazetteer import load_gazetteer
    from raqib.timeline import claims_from_store

    return build_timeline(claims_from_store(dev_store, load_gazetteer(), load_actor_book()))


def _check_history(intervals: list[Interval]) -> None:
    assert intervals == sorted(intervals, key=lambda i: (i.valid_from, i.controller, i.status))
    for a in intervals:
        assert a.valid_to is None or a.valid_from <= a.valid_to
        for b in intervals:
            if a is not b and a.controller == b.controller:
                assert not _overlap(a, b), (a, b)


def _overlap(a: Interval, b: Interval) -> bool:
    return a.valid_from <= (b.valid_to or dt.date.max) and b.valid_from <= (a.valid_to or dt.date.max)


def test_dev_histories_are_ordered_and_consistent(dev_timeline) -> None:  # type: ignore[no-untyped-def]
    assert len(dev_timeline.places) > 30
    for key in dev_timeline.places:
        _check_history(dev_timeline.history(key))
    keys = dev_timeline.find("باشكون")
    assert keys == ["iom:C4010"]
    days = [i.valid_from for i in dev_timeline.history(keys[0])]
    assert days == sorted(days) and len(days) >= 2


def test_dev_bashkun_is_isis_then_hts_from_the_extractor(dev_timeline) -> None:  # type: ignore[no-untyped-def]
    hist = [
        (i.controller, i.valid_from)
        for i in dev_timeline.history("iom:C4010")
        if i.valid_from >= D("2017-12-01")
    ]
    assert hist == [("ISIS", D("2017-12-09")), ("HTS", D("2017-12-11"))]


def test_bashkun_is_isis_then_hts_on_the_gold_claims() -> None:
    """The dev set's annotated control rows of the two reports, as the store would give them."""
    rows = []
    for name in ("annahar-hts-retakes-bashkun", "alhayat-isis-bashkun"):  # any order
        gold = json.loads((DEV / f"{name}.json").read_text("utf-8"))
        for n, c in enumerate(gold["control"]):
            rows.append(
                {
                    "document_id": gold["id"],
                    "seq": n,
                    "place_ar": c["place_ar"],
                    "controller": c["controller"],
                    "status": c.get("status", "held"),
                    "as_of": c["as_of"],
                    "lat": c.get("lat"),
                    "lon": c.get("lon"),
                    "gazetteer_id": None,
                    "evidence": c["evidence"],
                    "record": {"rule_id": "gold"},
                    "published": gold["published"],
                    "outlet": gold["source"]["outlet"],
                    "url": gold["source"]["url"],
                    "first_stored": "2026-01-01",
                }
            )
    timeline = build_timeline(claims_from_rows(rows))
    (key,) = timeline.find("باشكون")
    hist = timeline.history(key)
    assert [(i.controller, i.status, i.valid_from, i.valid_to) for i in hist] == [
        ("ISIS", "held", D("2017-12-09"), D("2017-12-10")),
        ("HTS", "held", D("2017-12-11"), None),
    ]
    assert (
        "باشكون" in hist[0].sources[0].evidence
        and hist[1].sources[0].document_id == "annahar-hts-retakes-bashkun"
    )
    assert hist[0].ended_by == hist[1].sources
    (change,) = [
        ch for ch in timeline.changed_between(D("2017-12-11"), D("2017-12-31")) if ch.place.key == key
    ]
    assert (change.before, change.after) == ((("ISIS", "held"),), (("HTS", "held"),))


# --------------------------------------------------------------------------------------------
# The rules, on hand-made claims


def test_a_later_claim_supersedes_and_the_order_of_input_does_not_matter() -> None:
    claims = [
        claim(controller="SDF", day="2019-02-01", doc="b"),
        claim(controller="ISIS", day="2019-01-01", doc="a"),
    ]
    t = build_timeline(claims)
    assert holders(t, "2018-12-31") == []
    assert holders(t, "2019-01-31") == [("ISIS", "held")]
    assert holders(t, "2019-02-01") == [("SDF", "held")]
    assert build_timeline(reversed(claims)) == t
    (iv,) = [i for i in t.history("v") if i.controller == "ISIS"]
    assert iv.valid_to == D("2019-01-31") and iv.ended_by[0].controller == "SDF"


def test_several_holders_only_when_the_status_says_so() -> None:
    t = build_timeline(
        [
            claim(controller="ISIS", day="2019-01-01"),
            claim(controller="SDF", status="partial", day="2019-01-05", doc="d2"),  # SDF takes the outskirts
            claim(controller="SDF", status="contested", day="2019-01-10", doc="d3"),
            claim(controller="SDF", day="2019-01-20", doc="d4"),
        ]
    )
    assert holders(t, "2019-01-05") == [("ISIS", "partial"), ("SDF", "partial")]
    (isis,) = [h for h in t.map_as_of(D("2019-01-05")) if h.controller == "ISIS"]
    assert isis.inferred and isis.sources[0].document_id == "d2"  # nobody said ISIS; it stays as a sharer
    assert holders(t, "2019-01-12") == [("ISIS", "contested"), ("SDF", "contested")]
    assert holders(t, "2019-01-20") == [("SDF", "held")]


def test_a_siege_adds_the_besieger_beside_the_holder() -> None:
    t = build_timeline(
        [
            claim(controller="ISIS", day="2019-01-01"),
            claim(controller="SYR-GOV", status="besieged", day="2019-01-03", doc="d2"),
        ]
    )
    assert holders(t, "2019-01-04") == [("ISIS", "held"), ("SYR-GOV", "besieged")]
    (isis,) = [h for h in t.map_as_of(D("2019-01-04")) if h.controller == "ISIS"]
    assert isis.since == D("2019-01-01")  # the siege does not start a new hold


def test_a_sides_claim_about_itself_weighs_less_than_a_neutral_report() -> None:
    own = claim(controller="SDF", doc="hawar", outlet="وكالة أنباء هاوار", self_claim=True)
    neutral = claim(controller="ISIS", doc="afp", outlet="AFP")
    t = build_timeline([own, neutral])
    (h,) = t.map_as_of(D("2019-01-01"))
    assert (h.controller, h.disputed_by) == ("ISIS", (own,))
    # alone, a side's claim about itself still counts
    assert holders(build_timeline([own]), "2019-01-02") == [("SDF", "held")]


def test_the_outlet_registry_marks_a_sides_claim_about_itself() -> None:
    from raqib.actors import load_actor_book

    def row(seq: int, outlet: str, controller: str) -> dict[str, Any]:
        return {
            "document_id": f"doc{seq}",
            "seq": 0,
            "place_ar": "منبج",
            "controller": controller,
            "status": "held",
            "as_of": "2019-01-01",
            "evidence": "...",
            "outlet": outlet,
            "url": None,
            "published": None,
            "first_stored": "2026-01-01",
            "record": {},
        }

    book = load_actor_book()
    rows = [
        row(1, "وكالة أنباء هاوار", "SDF"),
        row(2, "Anadolu", "SNA"),
        row(3, "AFP", "SDF"),
        row(4, "وكالة أنباء هاوار", "TUR"),
    ]
    assert [c.self_claim for c in claims_from_rows(rows, book=book)] == [True, True, False, False]


def test_conflicting_same_day_claims_are_kept_with_their_sources() -> None:
    a = claim(controller="ISIS", doc="a", outlet="one")
    b = claim(controller="HTS", doc="b", outlet="two")
    c = claim(controller="HTS", doc="c", outlet="three")
    t = build_timeline([a, b, c])
    (h,) = t.map_as_of(D("2019-01-01"))
    assert h.controller == "HTS" and h.sources == (b, c) and h.disputed_by == (a,)  # two reports to one
    (h,) = build_timeline([a, b]).map_as_of(D("2019-01-01"))
    assert {h.controller, h.disputed_by[0].controller} == {"ISIS", "HTS"}  # a tie: kept, one disputes


def test_a_closed_world_statement_ends_the_sides_other_places_nearby() -> None:
    cw = "control.closed_world.v1"
    t = build_timeline(
        [
            claim("hajin", "ISIS", day="2017-06-01", doc="map", day_source="baseline", lat=34.69, lon=40.83),
            claim("raqqa", "ISIS", day="2017-06-01", doc="map", day_source="baseline", lat=35.95, lon=39.01),
            claim("susah", "ISIS", doc="r", seq=1, rule_id=cw, evidence="shrank to", lat=34.53, lon=40.96),
            claim("safafinah", "ISIS", doc="r", seq=2, rule_id=cw, evidence="shrank to"),
        ]
    )
    assert [h.place.key for h in t.map_as_of(D("2019-01-02"))] == ["raqqa", "safafinah", "susah"]
    (hajin,) = t.history("hajin")
    assert hajin.valid_to == D("2018-12-31") and hajin.ended_by[0].rule_id == cw
    (change,) = t.changed_between(D("2019-01-01"), D("2019-01-01"), near=(34.69, 40.83, 5))
    assert (change.place.key, change.before, change.after) == ("hajin", (("ISIS", "held"),), ())


def test_near_takes_co_listed_and_unmapped_places_of_a_report() -> None:
    t = build_timeline(
        [
            claim("a", lat=34.69, lon=40.83, doc="r", seq=0, evidence="list"),
            claim("b", lat=34.46, lon=40.95, doc="r", seq=1, evidence="list"),  # 28 km, same list
            claim("c", doc="r", seq=2, evidence="other sentence"),  # no coordinates, same report
            claim("d", lat=34.40, lon=40.90, doc="r", seq=3, evidence="other sentence"),  # 33 km, elsewhere
            claim("e", doc="s", seq=0, evidence="far report"),  # no coordinates, other report
        ]
    )
    assert t.near(34.69, 40.83, 25) == {"a", "b", "c"}


def test_undated_claims_take_the_day_first_stored_and_say_so() -> None:
    rows = [
        {
            "document_id": "x",
            "seq": 0,
            "place_ar": "قرية",
            "controller": "SDF",
            "status": "held",
            "as_of": None,
            "published": None,
            "first_stored": "2026-03-01",
            "evidence": "...",
            "outlet": None,
            "url": None,
            "record": {},
        }
    ]
    (c,) = claims_from_rows(rows)
    assert (c.day, c.undated) == (D("2026-03-01"), True)


def test_an_undated_claim_of_a_dated_holder_takes_that_day() -> None:
    """Hadas Now says, undated, that ISIS took Bashkun; Al-Hayat dates it; An-Nahar has HTS retake it
    two days later. The undated report, stored years later, must not undo the retaking."""
    claims = [
        claim(controller="ISIS", day="2017-12-09", doc="alhayat"),
        claim(controller="HTS", day="2017-12-11", doc="annahar"),
        claim(controller="ISIS", day="2026-01-01", doc="hadasnow", day_source="stored"),
    ]
    t = build_timeline(claims)
    assert [(i.controller, i.valid_from) for i in t.history("v")] == [
        ("ISIS", D("2017-12-09")), ("HTS", D("2017-12-11"))
    ]
    (isis,) = [i for i in t.history("v") if i.controller == "ISIS"]
    assert {c.document_id: c.day_source for c in isis.sources} == {"alhayat": "stated", "hadasnow": "matched"}
    # a holder no dated report names keeps the day first stored: the report may be news
    t = build_timeline([*claims[:2], claim(controller="SDF", day="2026-01-01", doc="x", day_source="stored")])
    assert t.history("v")[-1].controller == "SDF" and t.history("v")[-1].valid_from == D("2026-01-01")


def test_a_containing_places_id_is_not_the_villages(res) -> None:  # type: ignore[no-untyped-def]
    from raqib.gazetteer import load_gazetteer

    base = {
        "document_id": "r",
        "status": "held",
        "as_of": "2019-01-01",
        "evidence": "...",
        "outlet": None,
        "url": None,
        "published": None,
        "first_stored": "2026-01-01",
        "record": {},
        "controller": "SDF",
    }
    rows = [
        {
            **base,
            "seq": 0,
            "place_ar": "أبو الحسن",
            "lat": 34.658,
            "lon": 40.890,
            "gazetteer_id": "iom:C6803",
        },
        # the geocoder gave al-Kashma the id of al-Sha'fah, the town it belongs to
        {**base, "seq": 1, "place_ar": "الكشمة", "lat": 34.566, "lon": 40.934, "gazetteer_id": "wp:sy:2873"},
        # not located when extracted; the report's other places put it on the map
        {**base, "seq": 2, "place_ar": "الشعفة", "lat": None, "lon": None, "gazetteer_id": None},
    ]
    hasan, kashma, shafa = claims_from_rows(rows, load_gazetteer())
    assert (hasan.place, hasan.pcode) == ("iom:C6803", "C6803")
    assert (kashma.place, kashma.gazetteer_id, kashma.approximate) == (bare("الكشمة"), None, True)
    assert (shafa.place, shafa.pcode, shafa.approximate) == ("wp:sy:2873", "C5183", False)


# --------------------------------------------------------------------------------------------
# (c) properties

PLACES = ("p1", "p2", "p3")
COORDS = {"p1": (34.69, 40.83), "p2": (34.53, 40.96), "p3": (None, None)}

claims_st = st.builds(
    lambda place, controller, status, day, doc, seq, self_claim, cw, src: claim(
        place,
        controller,
        status,
        (D("2019-01-01") + dt.timedelta(days=day)).isoformat(),
        doc,
        seq,
        self_claim=self_claim,
        rule_id="control.closed_world.v1" if cw else "",
        lat=COORDS[place][0],
        lon=COORDS[place][1],
        day_source=src,
        evidence=f"clause {doc} {cw}",
    ),
    st.sampled_from(PLACES),
    st.sampled_from(("ISIS", "SDF", "HTS", "SYR-GOV")),
    st.sampled_from(STATUSES),
    st.integers(0, 12),
    st.sampled_from(("a", "b", "c")),
    st.integers(0, 3),
    st.booleans(),
    st.booleans(),
    st.sampled_from(("stated", "published", "stored", "matched", "baseline")),
)


@settings(max_examples=300, deadline=None)
@given(claims=st.lists(claims_st, max_size=25))
def test_no_two_sides_hold_a_place_at_once(claims: list[DatedClaim]) -> None:
    t = build_timeline(claims)
    for key in t.places:
        ivs = t.history(key)
        _check_history(ivs)
        held = [i for i in ivs if i.status == "held"]
        for a in held:
            for b in held:
                if a is not b:
                    assert not _overlap(a, b), (a, b)
        for a in held:  # a place held outright is shared with nobody
            for b in ivs:
                if b is not a and b.status in ("partial", "contested"):
                    assert not _overlap(a, b), (a, b)


@settings(max_examples=200, deadline=None)
@given(data=st.data(), claims=st.lists(claims_st, max_size=25))
def test_replaying_in_any_order_gives_the_same_map(data: st.DataObject, claims: list[DatedClaim]) -> None:
    shuffled = data.draw(st.permutations(claims))
    a, b = build_timeline(claims), build_timeline(shuffled)
    assert a == b
    for day in range(-1, 15):
        d = D("2019-01-01") + dt.timedelta(days=day)
        assert a.map_as_of(d) == b.map_as_of(d)
    assert a.changed_between(D("2019-01-01"), D("2019-01-20")) == b.changed_between(
        D("2019-01-01"), D("2019-01-20")
    )


# --------------------------------------------------------------------------------------------
# (d) the Wikipedia map baseline


@pytest.fixture(scope="module")
def baseline_store(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    from raqib.baseline import DEFAULT_SOURCE, import_baseline
    from raqib.gazetteer import load_gazetteer
    from raqib.store import open_store

    store = open_store(f"sqlite:///{tmp_path_factory.mktemp('baseline') / 'b.db'}")
    source = Path(__file__).parent.parent / DEFAULT_SOURCE
    report = import_baseline(store, source, load_gazetteer())
    again = import_baseline(store, source, load_gazetteer())  # re-importing replaces, never duplicates
    assert again == report
    return store, report


def test_baseline_loads_thousands_of_marks_onto_gazetteer_places(baseline_store) -> None:  # type: ignore[no-untyped-def]
    from raqib.store import baseline_rows

    store, report = baseline_store
    assert report.marks > 7000 and report.files == 3
    assert report.by_source_id + report.by_name > 0.95 * report.marks
    rows = baseline_rows(store)
    assert len(rows) == report.marks
    assert {r["controller"] for r in rows} == {
        "SYR-GOV",
        "SDF",
        "OPPOSITION",
        "ISIS",
        "HTS",
        "TUR",
        "IRQ-GOV",
        "KRG",
    }
    # a stable opp/JaN mark is partial for both sides; an SDF_IS mark is contested for both
    by_mark: dict[tuple[str, int], set[tuple[str, str]]] = {}
    for r in rows:
        by_mark.setdefault((r["source"], r["seq"]), set()).add((r["controller"], r["status"]))
    assert {("OPPOSITION", "partial"), ("HTS", "partial")} in by_mark.values()
    assert {("SDF", "contested"), ("ISIS", "contested")} in by_mark.values()
    assert {("IRQ-GOV", "partial"), ("KRG", "partial")} in by_mark.values()


def test_baseline_map_of_mid_july_2017(baseline_store) -> None:  # type: ignore[no-untyped-def]
    from raqib.gazetteer import load_gazetteer
    from raqib.geocode import geocode
    from raqib.timeline import claims_from_store

    store, _ = baseline_store
    t = build_timeline(claims_from_store(store))
    gaz = load_gazetteer()
    day = D("2017-07-15")
    expected = {
        "هجين": "ISIS",
        "الرقة": None,
        "منبج": "SDF",
        "عفرين": "SDF",
        "الموصل": "IRQ-GOV",
        "تلعفر": "ISIS",
        "كركوك": "KRG",
    }
    for name, side in expected.items():
        place = geocode(gaz, name)
        hs = [h for h in t.map_as_of(day) if h.place.key == place.gazetteer_id]
        if side is None:  # Raqqa city was being fought over: the inset map gives no single holder
            continue
        assert [(h.controller, h.status) for h in hs] == [(side, "held")], (name, place.gazetteer_id, hs)
        assert hs[0].sources[0].baseline and hs[0].since == D("2017-06-01")
    assert t.map_as_of(D("2017-05-31")) == []
    near = t.map_as_of(day, near=(34.69, 40.83, 10))
    assert near and {h.controller for h in near} == {"ISIS"}


def test_reports_update_the_baselines_places(baseline_store, seed_db: str) -> None:  # type: ignore[no-untyped-def]
    from raqib.actors import load_actor_book
    from raqib.gazetteer import load_gazetteer
    from raqib.store import open_store
    from raqib.timeline import claims_from_store

    store, _ = baseline_store
    claims = claims_from_store(open_store(seed_db), load_gazetteer(), load_actor_book()) + claims_from_store(
        store
    )
    t = build_timeline(claims)
    abu_hasan = [i.controller for i in t.history("iom:C6803")]
    assert abu_hasan == ["ISIS", "SDF"]  # the 2017 map, then the report
    shafa = t.history("wp:sy:2873")  # al-Sha'fah, an English-only map mark, named in Arabic by the report
    assert [(i.controller, i.valid_to) for i in shafa] == [("ISIS", None)] and shafa[0].last_seen == D(
        "2019-01-01"
    )
    # "ISIS's areas shrank to ...": Hajin, ISIS's on the 2017 map, is no longer ISIS's
    (hajin,) = t.history("gn:174506")
    assert hajin.controller == "ISIS" and hajin.valid_to == D("2018-12-31")


def test_import_baseline_command(tmp_path: Path) -> None:
    src = tmp_path / "marks"
    src.mkdir()
    (src / "syria_map_marks.csv").write_text(
        "lat,lon,mark,controller,controller_sides,control_state,symbol,marksize,label,link_target,link_url,"
        "commented_out,flags,approx_source_offset\n"
        "34.689,40.831,m.IS,ISIS,ISIS,held,dot,10,Hajin,Hajin,,0,,0\n"
        "36.103,37.308,Rif_Aleppo2.svg,other,,,inset_map,184,Aleppo,,,0,,0\n"
        "35.0,36.0,m.stable_opp_JaN,mixed,OPPOSITION+HTS,stable_mixed,dot,6,Nowhere,,,0,,0\n",
        encoding="utf-8",
    )
    db = f"sqlite:///{tmp_path / 'b.db'}"
    out = _raqib("control", "import-baseline", "--source", str(src), "--db", db)
    assert out.returncode == 0, out.stderr
    assert "3 control marks from 3 rows of 1 files (1 skipped)" in out.stderr
    shown = _raqib(
        "control", "show", "--as-of", "2017-07-15", "--near", "34.69,40.83", "--km", "5", "--db", db, "--json"
    )
    rows = [json.loads(ln) for ln in shown.stdout.splitlines()]
    assert [(r["place"], r["controller"]) for r in rows] == [("gn:174506", "ISIS")], shown.stderr


def test_first_stored_day_survives_a_restore(res, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from raqib.model import Document
    from raqib.store import control_rows, open_store
    from raqib.store.tables import first_stored

    store = open_store(f"sqlite:///{tmp_path / 'f.db'}")
    doc = Document(id="x", text="text")
    record = {
        "events": [],
        "control": [
            {
                "place_ar": "قرية",
                "controller": "SDF",
                "status": "held",
                "as_of": None,
                "evidence": "text",
                "evidence_span": [0, 4],
                "rule_id": "r",
            }
        ],
    }
    store.save(doc, record, res.versions)
    with store.engine.begin() as conn:
        conn.execute(first_stored.update().values(day="2020-02-02"))
    store.save(Document(id="x", text="text, changed"), record, res.versions)
    (row,) = control_rows(store)
    assert row["first_stored"] == "2020-02-02"
