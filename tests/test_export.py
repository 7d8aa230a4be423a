"""Exports read back with the tools an analyst would use: the ACLED-style CSV with the csv module and
pandas, the GeoJSON with geopandas, PLOVER and raqib's JSON Lines with json. Real dev reports are
extracted, stored (SQLite and PostgreSQL through ``store_url``) and exported with ``raqib export``."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pytest
from conftest import DEV
from typer.testing import CliRunner

from raqib.cli import app
from raqib.export import (
    CSV_COLUMNS,
    acled_row,
    ascii_name,
    export_events,
    geojson_feature,
    load_context,
    parse_bbox,
    plover_event,
)
from raqib.gazetteer import COUNTRIES
from raqib.ingest import document_from_json
from raqib.model import Document
from raqib.pipeline import process
from raqib.store import EventFilter, iter_events, open_store
from raqib.store.keys import event_uids

#: Syria (dated and undated, villages and towns), Yemen (deaths at governorate level), a civilian
#: killed in Umm Walad (Daraa), protests in Basra over date spans, Tarhuna (Libya), a car bomb in Azaz.
DOCS = ("afp-hajin-sdf", "seed-furat-kashma", "almashhad-marib-hills", "sy2-syrianpc-umm-walad-killing",
        "iq2-basra-suad-alali", "ly2-tarhuna-gna", "sy2-freshsyria-azaz-carbomb")  # fmt: skip

#: ACLED's columns in ACLED's order, then raqib's (the contract of the CSV).
EXPECTED_HEADER = [
    "event_id_cnty", "event_date", "year", "time_precision", "disorder_type", "event_type", "sub_event_type",
    "actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2", "inter2", "interaction",
    "civilian_targeting", "iso", "region", "country", "admin1", "admin2", "admin3", "location", "latitude",
    "longitude", "geo_precision", "source", "source_scale", "notes", "fatalities", "tags", "timestamp",
    "pcode", "location_ar", "evidence", "certainty", "claimant", "cluster", "raqib_uid", "document_id", "url",
    "rule_id", "rules_version", "gazetteer_version", "review_status",
]  # fmt: skip
ISO_NUMERIC = {"SY": 760, "IQ": 368, "YE": 887, "LY": 434, "SD": 729}


def dev_doc(name: str) -> Document:
    d = json.loads((DEV / f"{name}.json").read_text("utf-8"))
    visible = {k: d[k] for k in ("id", "text", "published", "source") if k in d}  # never the gold annotations
    return document_from_json(visible, origin=name)


@pytest.fixture(scope="module")
def corpus(res):  # type: ignore[no-untyped-def]
    docs = [dev_doc(n) for n in DOCS]
    return [(doc, process(doc, res)) for doc in docs]


@pytest.fixture(scope="module")
def ctx():  # type: ignore[no-untyped-def]
    return load_context()


@pytest.fixture
def stored(store_url, res, corpus):  # type: ignore[no-untyped-def]
    """(database URL, store, every stored event row) with the dev reports ingested."""
    store = open_store(store_url)
    store.save_many(corpus, res.versions)
    rows = list(iter_events(store, EventFilter()))
    assert rows, "the dev reports gave no events"
    return store_url, store, rows


def _export(db: str, fmt: str, out: Path, *args: str) -> Any:
    result = CliRunner().invoke(app, ["export", "--format", fmt, "-o", str(out), "--db", db, *args])
    assert result.exit_code == 0, result.output
    return result


def _lines(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text("utf-8").splitlines()]


def _expected_name(ctx: Any, actor: str | None, country: str | None) -> str:
    """The English name an export must give: ActorBook's name_en, with ACLED's "(Country)" after the
    generic actors ("Civilians (Syria)", "Unidentified Armed Group (Yemen)")."""
    if not actor:
        return ""
    name = ctx.actors.actors[actor].name_en
    if name in ("Civilians", "Unidentified Armed Group") and country in COUNTRIES:
        return f"{name} ({COUNTRIES[country][1]})"
    return name


# --------------------------------------------------------------------------------------------
# Rows built from records (no store): the mapping itself


def _rows(record: dict[str, Any], doc: Document) -> list[dict[str, Any]]:
    """Store-shaped rows (the store contract) for a record, as ``iter_events`` returns them."""
    uids = event_uids(doc.id, [tuple(e["evidence_span"]) for e in record["events"]])
    rows = []
    for seq, (uid, ev) in enumerate(zip(uids, record["events"], strict=True)):
        loc, date = ev["location"] or {}, ev["date"] or {}
        rows.append({
            "pk": seq + 1, "uid": uid, "document_id": doc.id, "document_version": 1, "seq": seq,
            "kind": ev["kind"], "actor1": ev["actor1"], "actor2": ev["actor2"],
            "place_ar": loc.get("name_ar"),
            "lat": loc.get("lat"), "lon": loc.get("lon"), "gazetteer_id": loc.get("gazetteer_id"),
            "pcode": loc.get("pcode"), "country": loc.get("country"), "precision": loc.get("precision"),
            "date_from": date.get("from"), "date_to": date.get("to"), "certainty": ev["certainty"],
            "evidence": ev["evidence"],
            "evidence_start": ev["evidence_span"][0], "evidence_end": ev["evidence_span"][1],
            "rule_id": ev["rule_id"], "rules_version": ev["rules_version"],
            "gazetteer_version": ev["gazetteer_version"], "cluster": None, "status": "ok", "reviewed": False,
            "record": ev, "url": doc.url, "outlet": doc.outlet, "published": record["published"],
            "title": doc.title,
        })  # fmt: skip
    return rows


def test_a_dated_located_takeover_maps_to_acled_geojson_and_plover(run: Any, ctx: Any) -> None:
    doc = dev_doc("afp-hajin-sdf")
    record = run(doc.text, doc.published.isoformat(), doc.id)  # type: ignore[union-attr]
    row = next(r for r in _rows(record, doc) if r["kind"] == "takeover")
    assert row["actor1"] == "SDF" and row["place_ar"] == "هجين"  # the report: the SDF took Hajin

    a = acled_row(row, ctx)
    assert list(a) == EXPECTED_HEADER
    assert (a["event_date"], a["year"], a["time_precision"]) == ("2018-12-14", 2018, 1)
    assert (a["event_type"], a["disorder_type"]) == ("Battles", "Political violence")
    names = ctx.actors.actors
    assert (a["actor1"], a["actor2"]) == (names["SDF"].name_en, names["ISIS"].name_en)
    assert (a["inter1"], a["inter2"], a["interaction"]) == (2, 2, 22)  # rebels versus rebels
    assert (a["iso"], a["region"], a["country"]) == (760, "Middle East", "Syria")
    assert a["event_id_cnty"] == "SYR" + row["uid"] and a["raqib_uid"] == row["uid"]
    assert a["location"] == "Hajin" and a["location_ar"] == "هجين" and a["location"].isascii()
    entry = ctx.gazetteer.get(row["gazetteer_id"])
    assert (a["admin1"], a["admin2"]) == tuple(ascii_name(x) for x in entry.admin_en[:2])
    assert (a["latitude"], a["longitude"], a["geo_precision"]) == (row["lat"], row["lon"], 1)
    assert a["pcode"] == row["pcode"] and a["fatalities"] == 0 and a["evidence"] == row["evidence"]
    assert a["notes"].startswith("On 14 December 2018, SDF: Syrian Democratic Forces took control of Hajin")

    f = geojson_feature(row, ctx)
    assert f["geometry"] == {"type": "Point", "coordinates": [row["lon"], row["lat"]]}  # RFC 7946: lon, lat
    assert all(not isinstance(v, (dict, list)) for v in f["properties"].values())

    p = plover_event(row, ctx)
    assert p["id"] == row["uid"] and p["date"] == "2018-12-14" and p["event"] == ["ASSAULT"]
    assert [s["identifier_id"] for s in p["source"]] == ["SDF"]
    assert [s["identifier_id"] for s in p["recipient"]] == ["ISIS"]
    assert p["source"][0]["identifier_text"] == ctx.actors.actors["SDF"].name_en
    assert p["event_text"] == [row["evidence"]]
    assert (p["event_loc"]["latitude"], p["event_loc"]["longitude"]) == (row["lat"], row["lon"])
    assert p["event_loc"]["geonameid"] == entry.geonames_id and p["event_loc"]["cc3"] == "SYR"


def test_undated_unplaced_events_keep_empty_cells_civilian_killings_are_marked(run: Any, ctx: Any) -> None:
    seed = dev_doc("seed-furat-kashma")
    rows = _rows(run(seed.text, None, seed.id), seed)
    bare = next(r for r in rows if r["lat"] is None and not r["place_ar"])
    a = acled_row(bare, ctx)
    assert a["event_date"] == a["year"] == a["time_precision"] == ""
    assert a["latitude"] == a["longitude"] == a["geo_precision"] == a["location"] == ""
    assert a["evidence"] == bare["evidence"] and a["notes"]
    assert geojson_feature(bare, ctx)["geometry"] is None
    assert plover_event(bare, ctx)["event_loc"] is None

    doc = dev_doc("sy2-syrianpc-umm-walad-killing")
    rows = _rows(run(doc.text, doc.published.isoformat() if doc.published else None, doc.id), doc)
    killings = [r for r in rows if r["kind"] == "killing" and r["actor2"] == "CIVILIANS"]
    killing = next(r for r in killings if r["record"]["counts"])
    a = acled_row(killing, ctx)
    assert a["event_type"] == "Violence against civilians" and a["civilian_targeting"] == "Civilian targeting"
    assert a["inter2"] == 7 and a["actor2"] == "Civilians (Syria)"  # ACLED names civilians by country
    inter1 = ctx.actors.actors[killing["actor1"]].inter
    assert a["interaction"] == min(inter1, 7) * 10 + max(inter1, 7)
    assert a["fatalities"] == killing["record"]["counts"]["fatalities"]
    assert plover_event(killing, ctx)["dead"] == a["fatalities"]


def test_time_precision_follows_the_span_of_the_date(run: Any, ctx: Any) -> None:
    doc = dev_doc("afp-hajin-sdf")
    row = _rows(run(doc.text, "2018-12-14", doc.id), doc)[0]

    def dated(start: str, end: str, precision: str) -> dict[str, Any]:
        date = {"from": start, "to": end, "precision": precision}
        return {**row, "date_from": start, "date_to": end, "record": {**row["record"], "date": date}}

    week, month = dated("2018-12-10", "2018-12-14", "span"), dated("2018-12-01", "2018-12-31", "month")
    # ACLED: a week is coded to its middle day with precision 2, a month to its middle with precision 3
    assert (acled_row(week, ctx)["event_date"], acled_row(week, ctx)["time_precision"]) == ("2018-12-12", 2)
    assert (acled_row(month, ctx)["event_date"], acled_row(month, ctx)["time_precision"]) == ("2018-12-16", 3)
    assert acled_row(month, ctx)["notes"].startswith("In December 2018, ")
    p = plover_event(week, ctx)
    assert (p["date"], p["enddate"]) == ("2018-12-10", "2018-12-14")


def test_a_clash_has_both_sides_as_plover_sources(run: Any, ctx: Any) -> None:
    doc = dev_doc("almashhad-marib-hills")
    rows = _rows(run(doc.text, None, doc.id), doc)
    clash = next(r for r in rows if r["kind"] == "clash")
    p = plover_event(clash, ctx)
    assert p["event"] == ["ASSAULT"] and p["recipient"] == []
    assert {s["identifier_id"] for s in p["source"]} == {clash["actor1"], clash["actor2"]}
    a = acled_row(clash, ctx)
    assert a["fatalities"] == clash["record"]["counts"]["fatalities"]
    assert (a["iso"], a["country"]) == (887, "Yemen")


# --------------------------------------------------------------------------------------------
# Store → raqib export → the user's tools


def test_every_format_round_trips_through_the_users_tools(stored: Any, tmp_path: Any, ctx: Any) -> None:
    import geopandas
    import pandas

    db, _, rows = stored
    by_uid = {r["uid"]: r for r in rows}
    assert any(r["date_from"] is None for r in rows) and any(r["lat"] is None for r in rows)

    # ACLED-style CSV, with the csv module
    out = tmp_path / "events.csv"
    _export(db, "acled-csv", out)
    with out.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        assert reader.fieldnames == EXPECTED_HEADER == list(CSV_COLUMNS)
        got = list(reader)
    assert [g["raqib_uid"] for g in got] == [r["uid"] for r in rows]  # none dropped, store order
    for g in got:
        r = by_uid[g["raqib_uid"]]
        country = r["country"]
        assert g["actor1"] == _expected_name(ctx, r["actor1"], country)
        assert g["actor2"] == _expected_name(ctx, r["actor2"], country)
        assert g["inter1"] == str(ctx.actors.actors[r["actor1"]].inter)
        assert g["location_ar"] == (r["place_ar"] or "") and g["evidence"] == r["evidence"]  # Arabic intact
        assert g["fatalities"] == str(r["record"]["counts"].get("fatalities", 0))
        assert g["document_id"] == r["document_id"] and g["url"] == (r["url"] or "")
        assert g["iso"] == (str(ISO_NUMERIC[country]) if country in ISO_NUMERIC else g["iso"])
        if r["lat"] is None:
            assert g["latitude"] == g["longitude"] == ""
        else:
            assert (float(g["latitude"]), float(g["longitude"])) == (r["lat"], r["lon"])
        if r["date_from"] is None:
            assert g["event_date"] == g["year"] == ""
        elif r["date_from"] == r["date_to"]:
            assert g["event_date"] == r["date_from"] and g["time_precision"] == "1"
        else:
            assert r["date_from"] < g["event_date"] < r["date_to"]
    sidecar = Path(str(out) + ".attribution.txt").read_text("utf-8")
    assert all(r["outlet"] in sidecar for r in rows)
    if any((r["gazetteer_id"] or "").startswith("gn:") for r in rows):
        assert "GeoNames (www.geonames.org), licensed under CC BY 4.0" in sidecar

    # the same file with pandas
    df = pandas.read_csv(out)
    assert list(df.columns) == EXPECTED_HEADER and len(df) == len(rows)
    assert str(df["latitude"].dtype) == "float64" and str(df["fatalities"].dtype) == "int64"
    assert df["latitude"].notna().sum() == sum(r["lat"] is not None for r in rows)
    assert set(df["iso"].dropna().astype(int)) <= set(ISO_NUMERIC.values())
    pandas.to_datetime(df["event_date"].dropna(), format="%Y-%m-%d")  # every date parses
    first_placed = next(r for r in rows if r["place_ar"])
    assert df.set_index("raqib_uid").loc[first_placed["uid"], "location_ar"] == first_placed["place_ar"]

    # GeoJSON with geopandas
    out = tmp_path / "events.geojson"
    _export(db, "geojson", out)
    assert not Path(str(out) + ".attribution.txt").exists()
    gdf = geopandas.read_file(out)
    assert len(gdf) == len(rows) and gdf.crs.to_epsg() == 4326
    for _, feat in gdf.iterrows():
        r = by_uid[feat["raqib_uid"]]
        assert feat["evidence"] == r["evidence"]
        assert (None if pandas.isna(feat["location_ar"]) else feat["location_ar"]) == r["place_ar"]
        if r["lat"] is None:
            assert feat.geometry is None or feat.geometry.is_empty
        else:
            assert (feat.geometry.x, feat.geometry.y) == pytest.approx((r["lon"], r["lat"]))
    raw = json.loads(out.read_text("utf-8"))
    assert raw["type"] == "FeatureCollection" and "crs" not in raw
    attribution = raw["attribution"]
    assert sum(o["events"] for o in attribution["news_sources"]) == len(rows)
    assert {o["outlet"] for o in attribution["news_sources"]} == {r["outlet"] for r in rows}
    sources = {s["source"] for s in attribution["gazetteer_sources"]}
    if any((r["gazetteer_id"] or "").startswith("wp:") for r in rows):
        assert "wikipedia_marks" in sources and "CC BY-SA 4.0" in attribution["text"]
    if any((r["gazetteer_id"] or "").startswith("gn:") for r in rows):
        assert "geonames" in sources

    # PLOVER JSON Lines
    out = tmp_path / "events.plover.jsonl"
    _export(db, "plover-jsonl", out)
    plover = _lines(out)
    assert [p["id"] for p in plover] == [r["uid"] for r in rows]
    for p in plover:
        r = by_uid[p["id"]]
        assert p["date"] == r["date_from"] and p["event_text"] == [r["evidence"]]
        ids = [a["identifier_id"] for a in p["source"] + p["recipient"]]
        assert sorted(ids) == sorted(a for a in (r["actor1"], r["actor2"]) if a)
        if r["kind"] == "arrest":
            assert p["event"] == ["COERCE"] and p["mode"] == ["arrest"]
        if r["lat"] is not None:
            assert (p["event_loc"]["latitude"], p["event_loc"]["longitude"]) == (r["lat"], r["lon"])
    assert Path(str(out) + ".attribution.txt").exists()

    # raqib's rows
    out = tmp_path / "events.jsonl"
    _export(db, "jsonl", out)
    assert _lines(out) == json.loads(json.dumps(rows))


def test_filters_select_the_right_rows(stored: Any, tmp_path: Any, res: Any) -> None:
    from raqib.review import reject_event

    db, store, rows = stored
    out = tmp_path / "f.jsonl"

    def uids(*args: str) -> list[str]:
        _export(db, "jsonl", out, *args)
        return [r["uid"] for r in _lines(out)]

    kinds = [r["uid"] for r in rows if r["kind"] in ("takeover", "clash")]
    assert uids("--kind", "takeover", "--kind", "clash") == kinds
    hajin = next(r for r in rows if r["document_id"] == "afp-hajin-sdf" and r["lat"] is not None)
    box = (hajin["lon"] - 0.2, hajin["lat"] - 0.2, hajin["lon"] + 0.2, hajin["lat"] + 0.2)
    inside = [r["uid"] for r in rows
              if r["lat"] is not None and box[0] <= r["lon"] <= box[2] and box[1] <= r["lat"] <= box[3]]
    assert hajin["uid"] in inside and len(inside) < len(rows)
    assert uids("--bbox", ",".join(f"{v:.6f}" for v in box)) == inside
    in_window = [r["uid"] for r in rows
                 if r["date_from"] and r["date_from"] <= "2018-12-31" and r["date_to"] >= "2018-12-01"]
    assert in_window and uids("--from", "2018-12-01", "--to", "2018-12-31") == in_window
    assert uids("--actor", "sdf") == [r["uid"] for r in rows if "SDF" in (r["actor1"], r["actor2"])]
    claimed = [r["uid"] for r in rows if r["certainty"] == "claimed"]
    assert uids("--certainty", "claimed") == claimed

    reject_event(store, hajin["uid"], reason="duplicate of a wire report", who="tester")
    assert hajin["uid"] not in uids()
    assert hajin["uid"] in uids("--include-rejected")
    geo = tmp_path / "r.geojson"
    _export(db, "geojson", geo, "--include-rejected")
    features = json.loads(geo.read_text("utf-8"))["features"]
    status = {f["properties"]["raqib_uid"]: f["properties"]["status"] for f in features}
    assert status[hajin["uid"]] == "rejected" and set(status.values()) == {"ok", "rejected"}


def test_stdout_gets_the_data_and_stderr_the_attribution(stored: Any) -> None:
    db, _, rows = stored
    result = CliRunner().invoke(app, ["export", "-f", "acled-csv", "--kind", "takeover", "--db", db])
    assert result.exit_code == 0, result.output
    got = list(csv.DictReader(result.stdout.splitlines()))
    takeovers = [r for r in rows if r["kind"] == "takeover"]
    assert [g["raqib_uid"] for g in got] == [r["uid"] for r in takeovers]
    assert "event_id_cnty" not in result.stderr
    assert all(r["outlet"] in result.stderr for r in takeovers)
    assert f"raqib: exported {len(takeovers)} events as acled-csv to stdout" in result.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--bbox", "40.5,34.4,41.0"], "--bbox '40.5,34.4,41.0': 3 values"),
        (["--bbox", "west,34.4,east,34.8"], "--bbox 'west,34.4,east,34.8': not numbers"),
        (["--bbox", "41.0,34.4,40.5,34.8"], "a minimum is larger than its maximum"),
        (["--bbox", "34.4,200,34.8,201"], "latitudes in -90..90"),
        (["--from", "2018-14-01"], "--from '2018-14-01': not a day"),
        (["--from", "2019-01-01", "--to", "2018-12-01"], "--to 2018-12-01 is before --from 2019-01-01"),
        (["--kind", "battle"], "--kind 'battle': unknown event kind"),
        (["--certainty", "sure"], "--certainty 'sure': expected one of reported, claimed, speculative"),
    ],
)
def test_bad_options_are_one_line_errors(args: list[str], message: str, tmp_path: Path) -> None:
    out = tmp_path / "x.geojson"
    db = f"sqlite:///{tmp_path / 'r.db'}"
    result = CliRunner().invoke(app, ["export", "-f", "geojson", "-o", str(out), "--db", db, *args])
    assert result.exit_code == 2
    assert result.stderr.startswith("raqib: error: ") and message in result.stderr, result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and not out.exists()
    bad_format = CliRunner().invoke(app, ["export", "-f", "shapefile", "--db", db])
    assert bad_format.exit_code == 2 and "acled-csv, geojson, plover-jsonl, jsonl" in bad_format.stderr


def test_bbox_parsing_accepts_what_the_help_shows() -> None:
    assert parse_bbox(" 40.5, 34.4 ,41,34.8") == (40.5, 34.4, 41.0, 34.8)


def test_an_export_streams_rows_it_is_given_one_at_a_time(run: Any, ctx: Any) -> None:
    import io

    doc = dev_doc("afp-hajin-sdf")
    rows = _rows(run(doc.text, "2018-12-14", doc.id), doc)
    seen: list[str] = []

    def source():  # type: ignore[no-untyped-def]
        for r in rows:
            seen.append(r["uid"])
            yield r

    buf = io.StringIO()
    summary = export_events(source(), "plover-jsonl", buf, ctx)
    assert summary.events == len(rows) == len(buf.getvalue().splitlines())
    assert seen == [r["uid"] for r in rows]
