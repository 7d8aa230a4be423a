"""The command line: a thin layer over plain functions. Data on stdout (or ``-o``), diagnostics
and progress bars on stderr. Only the command modules (this one, ``cli_control``, ``cli_review``) exit."""

from __future__ import annotations

import json
import sys
from contextlib import ExitStack
from pathlib import Path
from typing import Annotated, Any, TextIO

import typer
from rich.console import Console
from rich.table import Table

from raqib.cli_common import (
    DbOption,
    Sources,
    db_url,
    err,
    fail,
    load,
    load_versions,
    missing_sqlite_file,
    open_db,
    progress_bar,
    shown_url,
)
from raqib.cli_control import control_app
from raqib.cli_review import review_app
from raqib.errors import InputError, RaqibError

app = typer.Typer(
    help="raqib (رقيب): Arabic conflict news → geocoded, evidence-linked events and territorial control.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
gazetteer_app = typer.Typer(help="Build the place index, or add a downloaded source to it.", no_args_is_help=True)
app.add_typer(gazetteer_app, name="gazetteer")
app.add_typer(control_app, name="control")
app.add_typer(review_app, name="review")


def _run(sources: list[str] | None, db: str | None, out: TextIO | None, store_always: bool) -> tuple[int, int, int]:
    """Extract every document of ``sources``; print records to ``out`` and/or store them.
    Returns (documents, events, errors)."""
    from raqib.pipeline import process

    res = load()
    store = None
    if db is not None or store_always:
        store = open_db(db)
    versions = res.versions
    n_docs = n_events = n_errors = 0
    paths = sources or ["-"]
    if "-" in paths and sys.stdin.isatty():  # else a first `raqib extract` without a file seems to hang
        err.print("raqib: reading a report from standard input (end it with Ctrl-D); name files or folders to "
                  "read them instead", markup=False)  # fmt: skip

    def problem(origin: str, reason: str, document_id: str | None = None) -> None:
        """Report input that was refused, and record it in the store when one is open."""
        err.print(f"raqib: error: {origin}: {reason}", markup=False)
        if store is not None:
            try:
                store.note_problem(origin, reason, document_id)
            except RaqibError as exc:
                err.print(f"raqib: error: {exc}", markup=False)

    with progress_bar(None) as progress:
        task = progress.add_task("extracting", total=None)
        for item in _read_each(paths):
            if isinstance(item, InputError):
                problem(item.origin, item.problem)
                n_errors += 1
                continue
            origin = item.origin or item.id
            try:
                record = process(item, res)
                if store is not None:
                    store.save(item, record, versions)
            except RaqibError as exc:
                problem(origin, exc.problem if isinstance(exc, InputError) else str(exc), item.id)
                n_errors += 1
                continue
            except Exception as exc:  # noqa: BLE001 - a bug met on one document must not cost the others
                problem(origin, f"internal error, please report it: {exc.__class__.__name__}: {exc}", item.id)
                n_errors += 1
                continue
            for warning in record["warnings"]:
                err.print(f"raqib: warning: {origin}: {warning}", markup=False)
            if out is not None:
                out.write(json.dumps(record, ensure_ascii=False) + "\n")
            n_docs += 1
            n_events += len(record["events"])
            progress.advance(task)
    return n_docs, n_events, n_errors


EMPTY_FOLDER = ("no reports in this directory: no file in it ends in .txt, .html, .htm, .json, .jsonl, .ndjson, "
                ".xml, .rss, .atom, .warc or .warc.gz")  # fmt: skip


def _read_each(paths: list[str]):  # type: ignore[no-untyped-def]
    """``read_sources`` one path at a time, so that a directory holding no report is reported, not passed
    over in silence (a folder of PDFs, or the wrong folder)."""
    import os

    from raqib.ingest import read_sources

    for path in paths:
        n = 0
        for item in read_sources([path], stdin=sys.stdin):
            n += 1
            yield item
        if n == 0 and os.path.isdir(path):
            yield InputError(path, EMPTY_FOLDER)


def _empty_folders(sources: list[str]) -> list[InputError]:
    """The directories among ``sources`` that hold no report (``read_sources`` is lazy: this reads at most
    the first document of each)."""
    import os

    from raqib.ingest import read_sources

    return [InputError(src, EMPTY_FOLDER) for src in sources
            if os.path.isdir(src) and next(iter(read_sources([src])), None) is None]  # fmt: skip


@app.command()
def extract(
    sources: Sources = None,
    output: Annotated[Path | None, typer.Option("-o", "--output", help="Write JSON Lines here (default stdout).")] = None,
    db: Annotated[
        str | None,
        typer.Option("--db", envvar="RAQIB_DB", help="Also store the results in this database (env RAQIB_DB)."),
    ] = None,
) -> None:
    """Read reports and print one JSON record per document (events and control rows)."""
    with ExitStack() as stack:
        try:
            out = stack.enter_context(output.open("w", encoding="utf-8")) if output else sys.stdout
        except OSError as exc:
            fail(f"{output}: cannot write ({exc.strerror or exc})")
        n_docs, n_events, n_errors = _run(sources, db, out, store_always=False)
    err.print(f"raqib: {n_docs} documents, {n_events} events, {n_errors} errors", markup=False)
    if n_errors:
        raise typer.Exit(1)


@app.command()
def ingest(sources: Sources = None, db: DbOption = None) -> None:
    """Read reports, extract them and store the results in the database."""
    n_docs, n_events, n_errors = _run(sources, db, None, store_always=True)
    err.print(f"raqib: stored {n_docs} documents, {n_events} events in {shown_url(db_url(db))}; {n_errors} errors",
              markup=False)  # fmt: skip
    if n_errors:
        raise typer.Exit(1)


@app.command()
def batch(
    sources: Annotated[list[str], typer.Argument(help="JSON Lines files, WARC files and directories of reports.")],
    db: DbOption = None,
    scheduler: Annotated[
        str | None, typer.Option(help="Address of a running Dask scheduler, tcp://HOST:PORT (default: a local cluster).")
    ] = None,
    workers: Annotated[
        int | None, typer.Option(help="Worker processes of the local cluster, one thread each (default: one per CPU).")
    ] = None,
    partition_size: Annotated[
        int, typer.Option(help="Documents per partition: JSON Lines lines, WARC records or files.")
    ] = 1000,
    retries: Annotated[int, typer.Option(help="How often a partition whose task fails is run again.")] = 2,
    dedup: Annotated[
        bool, typer.Option("--dedup", help="Afterwards, give the stored events of one happening one cluster id.")
    ] = False,
) -> None:
    """Extract large inputs on a Dask cluster and store them; partitions done by an earlier run are skipped."""
    import logging

    from raqib.batch import cluster_stored, dask_client, plan, run_batch

    if scheduler is not None and workers is not None:
        fail("--scheduler and --workers exclude each other: the scheduler's own workers do the work")
    if workers is not None and workers < 1:
        fail(f"--workers {workers}: must be at least 1")
    if partition_size < 1 or retries < 0:
        fail(f"--partition-size {partition_size} / --retries {retries}: need a size >= 1 and retries >= 0")
    # Dask's own log lines (a task's traceback, heartbeats at shutdown) would break the progress bar;
    # every failure is reported below, by partition.
    logging.getLogger("distributed").setLevel(logging.CRITICAL)
    versions = load_versions()  # the workers load the resources; the client needs only their versions
    store = open_db(db, bulk=True)
    try:
        parts, unreadable = plan(sources, versions, partition_size)
    except RaqibError as exc:
        fail(str(exc))
    unreadable += _empty_folders(sources)
    for problem in unreadable:
        err.print(f"raqib: error: {problem}", markup=False)
    with progress_bar(len(parts)) as progress:
        task = progress.add_task("partitions", total=len(parts))
        counted = [0]

        def show(o: Any) -> None:
            earlier = " (refused in an earlier run)" if o.status == "skipped" else ""
            for line in o.problems:
                err.print(f"raqib: error: {line}{earlier}", markup=False)
            for e in o.retried_after:
                err.print(f"raqib: warning: partition {o.name}: an attempt failed ({e}); retried", markup=False)
            if o.status == "failed":
                err.print(f"raqib: error: partition {o.name} failed after {o.attempts} attempts: {o.error}", markup=False)
            counted[0] += o.documents
            progress.update(task, advance=1, description=f"partitions ({counted[0]:,} documents)")

        try:
            report = run_batch(store, parts, versions, lambda: dask_client(scheduler, workers),
                               retries=retries, on_outcome=show)  # fmt: skip
        except RaqibError as exc:
            fail(str(exc))
    err.print(f"raqib: stored {report.documents} documents, {report.events} events in {shown_url(db_url(db))}; "
              f"{report.errors + len(unreadable)} errors; partitions: {report.count('done')} done, "
              f"{report.count('skipped')} skipped (done earlier), {report.count('failed')} failed; "
              f"{report.seconds:.1f} s", markup=False)  # fmt: skip
    if dedup:
        try:
            c = cluster_stored(store)
        except RaqibError as exc:
            fail(str(exc))
        err.print(f"raqib: {c.events} stored events in {c.clusters} clusters, {c.multi} of them reported by "
                  f"several documents; {c.changed} cluster ids written ({c.seconds:.1f} s)", markup=False)  # fmt: skip
    if report.errors or unreadable:
        raise typer.Exit(1)


@app.command()
def watch(
    feeds: Annotated[list[str], typer.Argument(help="RSS/Atom feed URLs (http, https) or feed files.")],
    every: Annotated[
        str, typer.Option(help="Time between polls: a number and s, m or h (30s, 15m, 1h).")
    ] = "15m",
    db: DbOption = None,
    once: Annotated[
        bool, typer.Option("--once", help="Poll once and exit; status 1 if anything failed.")
    ] = False,
    timeout: Annotated[str, typer.Option(help="Longest a feed or page request may take (20s, 1m).")] = "20s",
    pages: Annotated[
        bool,
        typer.Option("--pages/--no-pages", help="Fetch the article page when an entry has only a summary."),
    ] = True,
) -> None:
    """Poll feeds on an interval; extract and store new and revised articles.

    Ctrl-C or SIGTERM stops after the current feed. One line per problem and one summary line per poll on stderr.
    """
    import threading

    from raqib import watch as watcher

    try:
        interval = watcher.parse_interval(every, "--every")
        options = watcher.WatchOptions(timeout=watcher.parse_interval(timeout, "--timeout"), pages=pages)
        watcher.check_sources(feeds)
    except RaqibError as exc:
        fail(str(exc))
    store = open_db(db)
    res = load()

    def say(line: str) -> None:
        err.print(line, markup=False)

    stop = threading.Event()
    with watcher.stop_on_signals(stop, say):
        try:
            reports = watcher.watch(
                store, res, feeds, every=interval, options=options, once=once, stop=stop, say=say
            )
        except KeyboardInterrupt:
            fail("interrupted", 130)
        except RaqibError as exc:
            fail(str(exc))
    if once and any(r.errors for r in reports):
        raise typer.Exit(1)


@app.command()
def events(
    db: DbOption = None,
    kind: Annotated[list[str] | None, typer.Option(help="Only events of this kind (repeatable).")] = None,
    actor: Annotated[list[str] | None, typer.Option(help="Only events with this actor id as actor1 or actor2 (repeatable).")] = None,
    document: Annotated[str | None, typer.Option(help="Only this document's events.")] = None,
    include_rejected: Annotated[bool, typer.Option("--include-rejected", help="Also events an analyst rejected.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON record per document (JSON Lines) instead of a table.")] = False,
) -> None:
    """Show the events stored in the database (with the ids `raqib review` takes)."""
    from dataclasses import replace

    from raqib.export import build_filter
    from raqib.store import iter_events

    try:  # the same checks as `raqib export`: an unknown kind is an error, not an empty table
        flt = replace(build_filter(actors=actor or (), kinds=kind or (), include_rejected=include_rejected),
                      document_id=document)  # fmt: skip
    except RaqibError as exc:
        fail(str(exc))
    store = open_db(db, existing=True)
    if as_json:
        for r in store.records():
            print(json.dumps(r, ensure_ascii=False))
        return
    out = Console(highlight=False, width=170)
    table = Table(title=f"events in {shown_url(db_url(db))}")
    for col in ("id", "document", "kind", "actor1", "actor2", "place", "lat,lon", "precision", "date", "counts"):
        table.add_column(col)
    n = 0
    for e in iter_events(store, flt):
        rec = e["record"]
        latlon = f"{e['lat']:.3f},{e['lon']:.3f}" if e["lat"] is not None else "-"
        counts = " ".join(f"{k}={v}" for k, v in rec["counts"].items()) or "-"
        mark = " (rejected)" if e["status"] == "rejected" else " (reviewed)" if e["reviewed"] else ""
        table.add_row(e["uid"] + mark, e["document_id"], e["kind"], e["actor1"], e["actor2"] or "-",
                      e["place_ar"] or "-", latlon, e["precision"] or "-", e["date_from"] or "-", counts)  # fmt: skip
        n += 1
    out.print(table)
    c = store.counts()
    out.print(f"{c['documents']} documents, {n} events shown, {c['control']} control rows")


@app.command("export")
def export_cmd(
    fmt: Annotated[str, typer.Option("--format", "-f", help="acled-csv, geojson, plover-jsonl or jsonl.")],
    date_from: Annotated[str | None, typer.Option("--from", help="Only events on or after this day (YYYY-MM-DD).")] = None,
    date_to: Annotated[str | None, typer.Option("--to", help="Only events on or before this day (YYYY-MM-DD).")] = None,
    bbox: Annotated[str | None, typer.Option(help="Only events inside MINLON,MINLAT,MAXLON,MAXLAT (degrees).")] = None,
    actor: Annotated[list[str] | None, typer.Option(help="Only events with this actor id as actor1 or actor2 (repeatable).")] = None,
    kind: Annotated[list[str] | None, typer.Option(help="Only events of this kind (repeatable).")] = None,
    certainty: Annotated[list[str] | None, typer.Option(help="Only reported, claimed or speculative events (repeatable).")] = None,
    include_rejected: Annotated[bool, typer.Option("--include-rejected", help="Also events an analyst rejected.")] = False,
    output: Annotated[Path | None, typer.Option("-o", "--output", help="Write to this file (default stdout); the sources' attribution goes beside it in FILE.attribution.txt.")] = None,
    db: DbOption = None,
) -> None:
    """Export stored events for other tools: ACLED-style CSV, GeoJSON, PLOVER JSON Lines or raqib's rows."""
    from raqib import export
    from raqib.store import iter_events

    try:
        export.check_format(fmt)
        flt = export.build_filter(date_from=date_from, date_to=date_to, bbox=bbox, actors=actor or (),
                                  kinds=kind or (), certainty=certainty or (), include_rejected=include_rejected)
        ctx = export.load_context()
    except RaqibError as exc:
        fail(str(exc))
    store = open_db(db, existing=True)
    with ExitStack() as stack, progress_bar(None) as progress:
        try:
            out = stack.enter_context(output.open("w", encoding="utf-8", newline="")) if output else sys.stdout
        except OSError as exc:
            fail(f"{output}: cannot write ({exc.strerror})")
        task = progress.add_task("exporting", total=None)

        def rows():  # type: ignore[no-untyped-def]
            for row in iter_events(store, flt):
                progress.advance(task)
                yield row

        try:
            summary = export.export_events(rows(), fmt, out, ctx)
        except RaqibError as exc:
            fail(str(exc))
    where = f"to {output}" if output else "to stdout"
    if fmt != "geojson" and output:
        where += f"; attribution in {export.write_sidecar(output, summary.attribution)}"
    elif fmt != "geojson":
        err.print(summary.attribution.text(), markup=False, end="")
    err.print(f"raqib: exported {summary.events} events as {fmt} {where} ({summary.located} with coordinates, "
              f"{summary.dated} with a date)", markup=False)  # fmt: skip


@app.command("eval")
def evaluate_cmd(
    gold_dir: Annotated[Path, typer.Argument(help="Directory of gold JSON files (with the dev README beside them).")],
    pred: Annotated[Path | None, typer.Option(help="Score these predictions (JSON Lines) instead of extracting.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the figures as JSON.")] = False,
) -> None:
    """Score extraction against gold annotations (figures defined in the dev set's README)."""
    from raqib.evaluate import dedup_groups, format_table, load_gold, score

    if not gold_dir.is_dir():
        fail(f"{gold_dir}: not a directory of gold JSON files")
    try:
        gold = load_gold(gold_dir)
    except (OSError, ValueError, RaqibError) as exc:
        fail(f"{gold_dir}: {exc}")
    if not gold:
        fail(f"{gold_dir}: no gold JSON files in it (the dev set is tests/data/dev)")
    if pred is not None:
        predictions = _read_jsonl(pred)
        if not predictions:
            fail(f"{pred}: no predictions in it; expected the JSON Lines `raqib extract` writes")
    else:
        predictions = predict_gold(gold)
    scores = score(gold, predictions, dedup_groups(gold_dir / "README.md"))
    if as_json:
        print(json.dumps(scores.as_dict(), indent=1))
    else:
        print(format_table(scores))


def predict_gold(gold: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Extract every gold document from its text alone: annotations never reach the pipeline."""
    from raqib.dedup import assign_clusters
    from raqib.ingest import document_from_json
    from raqib.pipeline import extract
    from raqib.record import to_record

    res = load()
    versions = res.versions
    out = []
    for g in gold:
        visible = {k: g[k] for k in ("id", "text", "published", "title", "url", "outlet", "source") if k in g}
        doc = document_from_json(visible, origin=str(g["id"]))
        out.append(to_record(extract(doc, res), res.state_actors, versions["rules"], versions["gazetteer"]))
    return assign_clusters(out)


def _read_jsonl(path: Path) -> list[dict[str, Any]]:
    out = []
    try:
        lines = path.read_text("utf-8").splitlines()
    except OSError as exc:
        fail(f"{path}: cannot read ({exc.strerror or exc})")
    except UnicodeDecodeError as exc:
        fail(f"{path}: not UTF-8 (byte {exc.start}); expected the JSON Lines `raqib extract` writes")
    for n, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            out.append(json.loads(line))
        except json.JSONDecodeError as exc:
            fail(f"{path}:{n}: not JSON ({exc.msg})")
    return out


@app.command()
def geocode(
    name: Annotated[str, typer.Argument(help="Place name in Arabic, as written in a report.")],
    context: Annotated[str | None, typer.Option(help="Context the text gives, e.g. 'في ريف دير الزور الشرقي'.")] = None,
    country: Annotated[str | None, typer.Option(help="ISO country code to prefer (SY, IQ, YE, LY, SD ...).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Put a place name on the map and show how it was matched and the alternatives.

    Exit status 1 when the name is not located.
    """
    import re
    from dataclasses import asdict

    from raqib.gazetteer import load_gazetteer
    from raqib.geocode import geocode as run

    if not name.strip():
        fail("NAME is empty; give a place name as a report writes it, e.g. raqib geocode هجين")
    try:
        gaz = load_gazetteer()
    except RaqibError as exc:
        fail(str(exc))
    if country is not None:
        country = country.strip().upper()
        known = sorted({e.country for e in gaz.entries if e.country})
        if country not in known:
            fail(f"--country {country!r}: no places of that country in the gazetteer; expected one of {', '.join(known)}")
    place = run(gaz, name, context=context, country=country)
    if as_json:
        print(json.dumps(asdict(place), ensure_ascii=False))
    else:
        out = Console(highlight=False)
        where = f"{place.lat:.5f}, {place.lon:.5f}" if place.lat is not None else "not located"
        out.print(f"{name} → {where}  precision={place.precision}  matched_by={place.matched_by}  score={place.score:.2f}")
        out.print(f"  id={place.gazetteer_id} pcode={place.pcode} country={place.country} admin={' / '.join(place.admin)}")
        for alt in place.alternatives:
            out.print(f"  alternative: {alt}")
    if place.lat is None:
        hint = ("" if re.search("[\u0600-\u06ff]", name) else
                "; names are matched in Arabic script, as reports write them (e.g. هجين, not Hajin)")
        if country and place.alternatives:
            hint += f"; the alternatives are outside {country}: try without --country"
        fail(f"{name!r}: not located in the gazetteer{hint}", code=1)


@gazetteer_app.command("build")
def gazetteer_build(
    source: Annotated[Path, typer.Option(help="Directory of raw gazetteer sources.")] = Path("data/gazetteer"),
    output: Annotated[Path, typer.Option("-o", "--output", help="Index file to write.")] = Path(
        "raqib/data/gazetteer.sqlite"
    ),
) -> None:
    """Merge the raw sources (GeoNames, OCHA, IOM/OSM, Wikipedia map marks) into one index."""
    from raqib.gazetteer import build_index

    if not source.is_dir():
        fail(f"{source}: not a directory; pass --source with the raw gazetteer folder (see DATA_SOURCES.md)")
    report = build_index(source, output)
    err.print(f"raqib: wrote {output}: {report}", markup=False)


@gazetteer_app.command("import")
def gazetteer_import(
    kind: Annotated[str, typer.Argument(help="Source format: geonames (a SY.zip/IQ.txt country dump), ocha (populated-places CSV) or osm (CSV or GeoJSON with name:ar).")],
    source: Annotated[Path, typer.Argument(help="The file to import.")],
    index: Annotated[
        Path,
        typer.Option(envvar="RAQIB_GAZETTEER", help="Index to add to (env RAQIB_GAZETTEER); build one first with `raqib gazetteer build -o FILE`."),
    ] = Path("raqib/data/gazetteer.sqlite"),
) -> None:
    """Add a full source that a user with internet has downloaded to an index."""
    import sqlite3
    from contextlib import closing

    from raqib import gazetteer

    importers = {
        "geonames": gazetteer.import_geonames_dump,
        "ocha": gazetteer.import_ocha_pplp_csv,
        "osm": gazetteer.import_osm_places,
    }
    if kind not in importers:
        fail(f"unknown source format {kind!r}; expected one of: {', '.join(importers)}")
    if not source.is_file():
        fail(f"{source}: no such file")
    if not index.is_file():
        fail(f"{index}: no index there; build one with `raqib gazetteer build -o {index}`")
    try:  # read-only: sqlite3 would otherwise make any file it is given into a database
        with closing(sqlite3.connect(f"{index.resolve().as_uri()}?mode=ro", uri=True)) as conn:
            conn.execute("SELECT source, rows FROM sources LIMIT 1").fetchall()
    except sqlite3.Error as exc:
        fail(f"{index}: not a raqib gazetteer index ({exc}); build one with `raqib gazetteer build -o FILE`")
    try:
        report = importers[kind](index, source)
    except UnicodeDecodeError as exc:
        fail(f"{source}: not UTF-8 (byte {exc.start}); expected the {kind} format (see `raqib gazetteer import --help`)")
    except (RaqibError, sqlite3.Error, OSError, ValueError, KeyError) as exc:
        fail(f"{source}: cannot import it as {kind}: {str(exc).removeprefix(f'{source}: ')}")
    err.print(f"raqib: imported {source} into {index}: {report}", markup=False)


# --------------------------------------------------------------------------------------------
# Reprocessing and serving


@app.command()
def reprocess(
    db: DbOption = None,
    all_documents: Annotated[bool, typer.Option("--all", help="Re-extract every document, not only those made by an older rule set or gazetteer.")] = False,
) -> None:
    """Re-extract stored documents after an upgrade of raqib's rules or gazetteer.

    Analyst corrections are applied again to the new rows.
    """
    from raqib.pipeline import process

    store = open_db(db, existing=True)
    res = load()
    versions = res.versions
    docs = list(store.stored_documents(None if all_documents else versions))
    changed = errors = 0
    with progress_bar(len(docs)) as progress:
        task = progress.add_task("re-extracting", total=len(docs))
        for doc in docs:
            try:
                changed += store.save(doc, process(doc, res), versions, force=all_documents)
            except RaqibError as exc:
                err.print(f"raqib: error: {doc.origin}: {exc}", markup=False)
                errors += 1
            progress.advance(task)
    err.print(f"raqib: re-extracted {len(docs)} documents ({changed} changed) with rules {versions['rules']}, "
              f"gazetteer {versions['gazetteer']}; {errors} errors", markup=False)  # fmt: skip
    if errors:
        raise typer.Exit(1)


@app.command()
def serve(
    db: DbOption = None,
    host: Annotated[str, typer.Option(help="Address to listen on (127.0.0.1: this machine only).")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port.")] = 8000,
    token_env: Annotated[
        str, typer.Option(help="Environment variable holding the token for writes (posting reports, corrections); "
                          "writes are refused when it is unset.")
    ] = "RAQIB_TOKEN",
    private: Annotated[bool, typer.Option("--private", help="Reads need the token too (the map page then shows "
                                          "an error: it sends no token).")] = False,
    evidence_only: Annotated[
        bool, typer.Option("--evidence-only", help="Publish evidence sentences only, never full article texts.")
    ] = False,
    withhold_names: Annotated[
        bool, typer.Option("--withhold-names", help="Withhold the sentences that may name victims or detainees "
                           "(events of killing, abduction, arrest, release or with casualty/detainee counts), and all "
                           "texts and titles.")
    ] = False,
    tile_url: Annotated[
        str | None, typer.Option(help="Map tile URL template, e.g. https://tile.example.org/{z}/{x}/{y}.png "
                                 "(default: none; the governorate outlines are the offline base).")
    ] = None,
    tile_attribution: Annotated[str | None, typer.Option(help="Attribution the tile server requires.")] = None,
) -> None:
    """Serve the HTTP API (OpenAPI at /openapi.json) and the web map (at /) over a database."""
    import os

    import uvicorn

    from raqib.api import KEEP_ALIVE_SECONDS, create_app

    if not 0 < port < 65536:
        fail(f"--port {port}: must be 1-65535")
    if tile_url is not None and not tile_url.startswith(("http://", "https://")):
        fail(f"--tile-url {tile_url!r}: expected an http(s) URL template with {{z}}, {{x}} and {{y}}")
    token = os.environ.get(token_env) or None
    if private and token is None:
        fail(f"--private needs a token: set the environment variable {token_env} (see --token-env)")
    _check_address(host, port)
    url = db_url(db)
    if missing_sqlite_file(url):
        err.print(f"raqib: warning: no database at {missing_sqlite_file(url)} yet: serving a new, empty one",
                  markup=False)  # fmt: skip
    try:
        api = create_app(url, token=token, public_reads=not private, evidence_only=evidence_only,
                         withhold_names=withhold_names, tile_url=tile_url, tile_attribution=tile_attribution)  # fmt: skip
    except RaqibError as exc:
        fail(str(exc).replace(url, shown_url(url)))
    writes = f"writes with the token in ${token_env}" if token else f"read-only (set ${token_env} to allow writes)"
    err.print(f"raqib: serving {shown_url(url)} on http://{host}:{port}/ ({writes})", markup=False)
    uvicorn.run(api, host=host, port=port, log_level="info", timeout_keep_alive=KEEP_ALIVE_SECONDS)


def _check_address(host: str, port: int) -> None:
    """Fail before serving when ``host:port`` cannot be listened on (uvicorn would log the error after
    the start-up lines and exit with status 3)."""
    import socket

    try:
        family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
        with socket.socket(family, kind, proto) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn does
            probe.bind(address)
    except OSError as exc:
        fail(f"--host {host} --port {port}: cannot listen there ({exc.strerror or exc}); "
             "another program may hold the port: choose another with --port")  # fmt: skip


def main() -> None:
    """Entry point of the ``raqib`` command."""
    try:
        app()
    except RaqibError as exc:
        err.print(f"raqib: error: {exc}", markup=False)
        sys.exit(2)
    except BrokenPipeError:
        sys.exit(0)


if __name__ == "__main__":
    main()
