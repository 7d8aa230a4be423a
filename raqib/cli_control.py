"""``raqib control``: the timeline of control claims (raqib/timeline.py, raqib/baseline.py) — the map on a
day, a place's history, the places that changed hands, the map baseline."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from raqib.cli_common import DbOption, clip, db_url, err, fail, open_db, shown_url
from raqib.errors import RaqibError

control_app = typer.Typer(help="Who holds which place on a day: the control timeline.", no_args_is_help=True)


def _day(text: str, option: str) -> Any:
    import datetime as dt

    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        fail(f"{option} {text!r}: not a day; expected YYYY-MM-DD, e.g. 2019-01-15")


def _open_control(db: str | None) -> tuple[Any, Any]:
    """The timeline of the database, and the gazetteer it was resolved with."""
    from raqib.actors import load_actor_book
    from raqib.gazetteer import load_gazetteer
    from raqib.timeline import build_timeline, claims_from_store

    store = open_db(db, existing=True)
    try:
        gaz = load_gazetteer()
        return build_timeline(claims_from_store(store, gaz, load_actor_book())), gaz
    except RaqibError as exc:
        fail(str(exc))
    raise AssertionError  # unreachable: fail exits


def _near_point(near: str, gaz: Any) -> tuple[float, float]:
    import re

    from raqib.geocode import geocode as run

    m = re.fullmatch(r"\s*(-?\d+(?:\.\d+)?)\s*,\s*(-?\d+(?:\.\d+)?)\s*", near)
    if m:
        lat, lon = float(m.group(1)), float(m.group(2))
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            fail(f"--near {near!r}: not a point; expected LAT,LON in degrees, e.g. 34.69,40.83")
        return lat, lon
    place = run(gaz, near)
    if place.lat is None or place.lon is None:
        fail(f"--near {near!r}: place not found in the gazetteer; give LAT,LON instead, e.g. 34.69,40.83")
    return place.lat, place.lon  # type: ignore[return-value]


def _claim_json(c: Any) -> dict[str, Any]:
    return {"document": c.document_id, "seq": c.seq, "source": c.source, "day": c.day.isoformat(),
            "day_source": c.day_source, "controller": c.controller, "status": c.status,
            "self_claim": c.self_claim, "evidence": c.evidence, "rule_id": c.rule_id}  # fmt: skip


def _place_json(p: Any) -> dict[str, Any]:
    return {"place": p.key, "place_ar": p.name, "lat": p.lat, "lon": p.lon, "approximate": p.approximate,
            "gazetteer_id": p.gazetteer_id, "pcode": p.pcode}  # fmt: skip


def _since(day: Any, sources: Any) -> str:
    if sources and all(c.undated for c in sources):
        return f"≤{day.isoformat()} (undated)"
    if sources and all(c.baseline for c in sources):
        return f"{day.isoformat()} (map baseline)"
    return str(day.isoformat())


def _who(sources: Any) -> str:
    names = dict.fromkeys(c.source + (" (own side)" if c.self_claim else "") for c in sources)
    return "; ".join(names) or "-"


@control_app.command("show")
def control_show(
    as_of: Annotated[str, typer.Option("--as-of", help="The day of the map (YYYY-MM-DD).")],
    near: Annotated[
        str | None,
        typer.Option(
            help="Only places within --km of this place (an Arabic name, geocoded) or point (LAT,LON), with "
            "the places a report lists in the same clause as one of them and the unmapped places of its report."
        ),
    ] = None,
    km: Annotated[float, typer.Option(help="Radius for --near, in kilometres.")] = 25.0,
    db: DbOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="JSON Lines (one holding a line) instead of a table.")] = False,
) -> None:
    """Show who held which place on a day, with the evidence and its source."""
    day = _day(as_of, "--as-of")
    if km <= 0:
        fail(f"--km {km:g}: must be more than 0")
    timeline, gaz = _open_control(db)
    point = (*_near_point(near, gaz), km) if near else None
    holdings = timeline.map_as_of(day, near=point)
    if as_json:
        for h in holdings:
            print(json.dumps({**_place_json(h.place), "controller": h.controller, "status": h.status,
                              "since": h.since.isoformat(), "last_seen": h.last_seen.isoformat(),
                              "inferred": h.inferred, "evidence": h.evidence,
                              "sources": [_claim_json(c) for c in h.sources],
                              "claims": [_claim_json(c) for c in h.claims],
                              "disputed_by": [_claim_json(c) for c in h.disputed_by]},
                             ensure_ascii=False))  # fmt: skip
        return
    where = f" within {km:g} km of {near}" if near else ""
    table = Table(title=f"control on {day.isoformat()}{where} ({shown_url(db_url(db))})")
    for col in ("place", "holder(s)", "status", "since", "evidence", "source"):
        table.add_column(col)
    groups: dict[str, list[Any]] = {}
    for h in holdings:
        groups.setdefault(h.place.key, []).append(h)
    for hs in groups.values():
        table.add_row(
            hs[0].place.name,
            "\n".join(h.controller for h in hs),
            "\n".join(h.status + (" (inferred)" if h.inferred else "")
                      + (" (disputed)" if h.disputed_by else "") for h in hs),
            "\n".join(_since(h.since, h.sources) + (f", seen {h.last_seen.isoformat()}" if h.last_seen > h.since
                                                     else "") for h in hs),
            "\n".join(clip(h.evidence) for h in hs),
            "\n".join(_who(h.sources) for h in hs),
        )  # fmt: skip
    out = Console(highlight=False, width=180)
    out.print(table)
    out.print(f"{len(groups)} places, {len(holdings)} holdings", markup=False)


@control_app.command("history")
def control_history(
    place: Annotated[str, typer.Argument(help="Place: an Arabic name as reports write it, or a gazetteer id.")],
    db: DbOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="JSON Lines (one interval a line) instead of a table.")] = False,
) -> None:
    """Show who held a place over time, interval by interval, with the evidence."""
    timeline, gaz = _open_control(db)
    keys = timeline.find(place)
    if not keys:
        from raqib.geocode import geocode as run

        located = run(gaz, place).gazetteer_id
        keys = [located] if located in timeline.places else []
    if not keys:
        fail(f"no control claims about {place!r} in {shown_url(db_url(db))}; try the name as the reports write it "
              "or a gazetteer id (see `raqib geocode`)")  # fmt: skip
    out = Console(highlight=False, width=180)
    for key in keys:
        intervals = timeline.history(key)
        if as_json:
            for iv in intervals:
                print(json.dumps({**_place_json(iv.place), "controller": iv.controller, "status": iv.status,
                                  "valid_from": iv.valid_from.isoformat(),
                                  "valid_to": iv.valid_to.isoformat() if iv.valid_to else None,
                                  "last_seen": iv.last_seen.isoformat(), "inferred": iv.inferred,
                                  "sources": [_claim_json(c) for c in iv.sources],
                                  "claims": [_claim_json(c) for c in iv.claims],
                                  "disputed_by": [_claim_json(c) for c in iv.disputed_by],
                                  "ended_by": [_claim_json(c) for c in iv.ended_by]}, ensure_ascii=False))  # fmt: skip
            continue
        p = timeline.places[key]
        table = Table(title=f"{p.name} ({key}{', ' + p.pcode if p.pcode else ''})")
        for col in ("from", "to", "holder", "status", "evidence", "source"):
            table.add_column(col)
        for iv in intervals:
            table.add_row(_since(iv.valid_from, iv.sources), iv.valid_to.isoformat() if iv.valid_to else "-",
                          iv.controller, iv.status + (" (inferred)" if iv.inferred else "")
                          + (" (disputed)" if iv.disputed_by else ""),
                          clip(iv.sources[0].evidence) if iv.sources else "-", _who(iv.sources))  # fmt: skip
        out.print(table)


@control_app.command("changes")
def control_changes(
    start: Annotated[str, typer.Option("--from", help="First day (YYYY-MM-DD), included.")],
    end: Annotated[str, typer.Option("--to", help="Last day (YYYY-MM-DD), included.")],
    db: DbOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="JSON Lines (one change a line) instead of a table.")] = False,
) -> None:
    """Show the places whose holders changed between two days, with P-codes where known."""
    d1, d2 = _day(start, "--from"), _day(end, "--to")
    if d2 < d1:
        fail(f"--to {end} is before --from {start}")
    timeline, _ = _open_control(db)
    changes = timeline.changed_between(d1, d2)
    if as_json:
        for ch in changes:
            print(json.dumps({**_place_json(ch.place), "day": ch.day.isoformat(),
                              "before": [list(x) for x in ch.before], "after": [list(x) for x in ch.after],
                              "sources": [_claim_json(c) for c in ch.sources]}, ensure_ascii=False))  # fmt: skip
        return
    table = Table(title=f"control changes {d1.isoformat()} .. {d2.isoformat()}")
    for col in ("day", "place", "P-code", "before", "after", "evidence", "source"):
        table.add_column(col)

    def holders(pairs: Any) -> str:
        return ", ".join(c if s == "held" else f"{c} ({s})" for c, s in pairs) or "-"

    for ch in changes:
        table.add_row(ch.day.isoformat(), ch.place.name, ch.place.pcode or "-", holders(ch.before),
                      holders(ch.after), clip(ch.sources[0].evidence) if ch.sources else "-",
                      _who(ch.sources))  # fmt: skip
    out = Console(highlight=False, width=180)
    out.print(table)
    out.print(f"{len(changes)} changes", markup=False)


@control_app.command("import-baseline")
def control_import_baseline(
    db: DbOption = None,
    source: Annotated[
        Path, typer.Option(help="Folder of the Wikipedia map mark files (syria_map_marks.csv, iraq_map_marks.csv ...).")
    ] = Path("data/gazetteer/wikipedia_maps"),
) -> None:
    """Load the Wikipedia conflict-map marks (about June-August 2017) as the prior the reports update."""
    from raqib.baseline import import_baseline
    from raqib.gazetteer import load_gazetteer
    if not source.is_dir():
        fail(f"{source}: not a directory; pass --source with the folder of the Wikipedia map mark files")
    store = open_db(db)
    try:
        report = import_baseline(store, source, load_gazetteer())
    except RaqibError as exc:
        fail(str(exc))
    err.print(f"raqib: stored {report} in {shown_url(db_url(db))}", markup=False)
