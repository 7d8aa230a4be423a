"""The command line as a user runs it: files in, JSON Lines out, one-line errors for bad input."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from conftest import DEV, SEED

RAQIB = [sys.executable, "-m", "raqib.cli"]


def _raqib(*args: str, cwd: Path | None = None, stdin: str | None = None, env: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
    return subprocess.run(
        [*RAQIB, *args], capture_output=True, text=True, cwd=cwd, input=stdin, timeout=300, check=False,
        env={**os.environ, **(env or {})},
    )  # fmt: skip


def test_bad_files_get_one_line_each_and_the_rest_is_processed(tmp_path: Path) -> None:
    (tmp_path / "binary.txt").write_bytes(b"\x00\x01\x02\xff\xfe" * 50)
    (tmp_path / "broken.json").write_text('{"id": "x", "text": ', encoding="utf-8")
    (tmp_path / "notext.json").write_text('{"id": "y", "published": "2019-01-01"}', encoding="utf-8")
    good = tmp_path / "seed.txt"
    good.write_text(SEED.read_text("utf-8"), encoding="utf-8")
    out = _raqib("extract", str(tmp_path / "binary.txt"), str(tmp_path / "broken.json"),
                 str(tmp_path / "notext.json"), str(good))  # fmt: skip
    assert out.returncode == 1
    assert "Traceback" not in out.stderr
    errors = [ln for ln in out.stderr.splitlines() if ln.startswith("raqib: error:")]
    assert len(errors) == 3, out.stderr
    for name, line in zip(("binary.txt", "broken.json", "notext.json"), errors, strict=True):
        assert name in line
    records = [json.loads(ln) for ln in out.stdout.splitlines()]
    assert len(records) == 1 and records[0]["events"]


def test_gold_files_are_valid_input_and_their_annotations_are_ignored(tmp_path: Path) -> None:
    out = _raqib("extract", str(DEV / "afp-hajin-sdf.json"), "-o", str(tmp_path / "out.jsonl"))
    assert out.returncode == 0, out.stderr
    rec = json.loads((tmp_path / "out.jsonl").read_text("utf-8"))
    assert rec["id"] == "afp-hajin-sdf"
    assert "notes" not in rec


def test_stdin_and_the_database_option(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'r.db'}"
    out = _raqib("ingest", "--db", db, stdin=SEED.read_text("utf-8"))
    assert out.returncode == 0, out.stderr
    shown = _raqib("events", "--json", env={"RAQIB_DB": db})
    assert shown.returncode == 0, shown.stderr
    recs = [json.loads(ln) for ln in shown.stdout.splitlines()]
    assert len(recs) == 1 and any(e["kind"] == "takeover" for e in recs[0]["events"])
    again = _raqib("ingest", "--db", db, stdin=SEED.read_text("utf-8"))
    assert again.returncode == 0
    shown2 = _raqib("events", "--json", "--db", db)
    assert shown2.stdout == shown.stdout  # re-ingesting an unchanged document changes nothing


def test_unreachable_database_is_a_one_line_error(tmp_path: Path) -> None:
    out = _raqib("events", "--db", f"sqlite:///{tmp_path}/missing/dir/x.db")
    assert out.returncode == 2
    assert out.stderr.startswith("raqib: error:") and "Traceback" not in out.stderr


def test_eval_prints_every_figure(tmp_path: Path) -> None:
    out = _raqib("eval", str(DEV), "--json")
    assert out.returncode == 0, out.stderr
    figures = json.loads(out.stdout)
    for name in ("events_strict_f1", "events_lenient_f1", "actor1_accuracy", "counts_f1", "control_f1",
                 "geocoding_within_5km", "evidence_exact", "evidence_hits", "dedup_f1"):  # fmt: skip
        assert name in figures
    assert figures["events_lenient_f1"]["value"] > 0.3
    table = _raqib("eval", str(DEV))
    assert "events_strict_f1" in table.stdout


def test_gazetteer_import_into_a_copy_of_the_index(tmp_path: Path) -> None:
    import shutil
    from importlib import resources

    index = tmp_path / "gaz.sqlite"
    shutil.copy(str(resources.files("raqib").joinpath("data/gazetteer.sqlite")), index)
    osm = Path(__file__).parent / "data" / "gazetteer"
    sample = next(p for p in sorted(osm.iterdir()) if "osm" in p.name.lower())
    out = _raqib("gazetteer", "import", "osm", str(sample), "--index", str(index))
    assert out.returncode == 0, out.stderr
    bad = _raqib("gazetteer", "import", "shapefile", str(sample), "--index", str(index))
    assert bad.returncode == 2 and "expected one of" in bad.stderr


def test_geocode_shows_how_a_village_was_matched() -> None:
    out = _raqib("geocode", "الكشمة", "--context", "التابعة لبلدة الشعفة في ريف دير الزور الشرقي", "--json")
    assert out.returncode == 0, out.stderr
    place = json.loads(out.stdout)
    assert place["precision"] != "village" and place["matched_by"] == "context"
    assert abs(place["lat"] - 34.56) < 0.1


# --------------------------------------------------------------------------------------------
# A new user's mistakes: each gets one line naming the input and the problem, and a status


def _cli(*args: str, env: dict[str, str | None] | None = None):  # type: ignore[no-untyped-def]
    """The command in this process (``_raqib`` starts one per call: seconds each on a busy machine)."""
    from typer.testing import CliRunner

    from raqib.cli import app

    return CliRunner().invoke(app, list(args), env={"RAQIB_DB": None, **(env or {})})


def _one_error(result, code: int, *words: str) -> str:  # type: ignore[no-untyped-def]
    """The one ``raqib: error:`` line of ``result``, which exited with ``code`` and no traceback."""
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert result.exit_code == code, (result.exit_code, result.stderr)
    errors = [ln for ln in result.stderr.splitlines() if ln.startswith("raqib: error:")]
    assert len(errors) == 1, result.stderr
    for word in words:
        assert word in errors[0], (word, errors[0])
    return str(errors[0])


def _seed_db(tmp_path: Path) -> str:
    db = f"sqlite:///{tmp_path / 'seed.db'}"
    assert _cli("ingest", str(SEED), "--db", db).exit_code == 0
    return db


def test_help_on_every_command_and_subcommand() -> None:
    import typer

    from raqib.cli import app

    def paths(cmd, prefix):  # type: ignore[no-untyped-def]
        yield prefix
        for name, sub in getattr(cmd, "commands", {}).items():
            yield from paths(sub, [*prefix, name])

    every = list(paths(typer.main.get_command(app), []))
    assert len(every) > 20
    for path in every:
        out = _cli(*path, "--help")
        assert out.exit_code == 0 and "Usage" in out.stdout, (path, out.stderr)


def test_an_output_file_that_cannot_be_written(tmp_path: Path) -> None:
    for target in (tmp_path, tmp_path / "no" / "such" / "dir.jsonl"):
        _one_error(_cli("extract", str(SEED), "-o", str(target)), 2, str(target), "cannot write")


def test_the_reading_commands_refuse_a_database_file_that_is_not_there(tmp_path: Path) -> None:
    missing = tmp_path / "typo.db"
    db = f"sqlite:///{missing}"
    for cmd in (["events"], ["export", "-f", "jsonl"], ["control", "show", "--as-of", "2018-12-20"],
                ["control", "history", "هجين"], ["control", "changes", "--from", "2018-01-01", "--to", "2019-01-01"],
                ["review", "list"], ["review", "audit"], ["reprocess"]):  # fmt: skip
        _one_error(_cli(*cmd, "--db", db), 2, str(missing), "no database")
        assert not missing.exists(), cmd  # not created empty
    # A command that stores creates it.
    assert _cli("ingest", str(SEED), "--db", db).exit_code == 0
    assert _cli("events", "--db", db).exit_code == 0


def test_database_urls_that_cannot_be_opened(tmp_path: Path) -> None:
    _one_error(_cli("events", "--db", "notaurl"), 2, "'notaurl'", "sqlite:///", "postgresql+psycopg://")
    _one_error(_cli("ingest", str(SEED), "--db", "mysql://u@h/d"), 2, "'mysql'", "sqlite:///")
    _one_error(_cli("events", "--db", f"sqlite:///{tmp_path}"), 2, str(tmp_path), "is a directory")
    _one_error(_cli("events", env={"RAQIB_DB": "nota url"}), 2, "'nota url'")
    # A server that does not answer: one line (the driver's message spans several), the password masked.
    line = _one_error(_cli("events", "--db", "postgresql+psycopg://analyst:s3cret@127.0.0.1:1/raqib"), 2,
                      "127.0.0.1", "cannot open database")  # fmt: skip
    assert "s3cret" not in line and "Background on this error" not in line


def test_a_directory_without_reports_is_an_error_and_the_rest_goes_on(tmp_path: Path) -> None:
    empty, pdfs = tmp_path / "empty", tmp_path / "pdfs"
    empty.mkdir()
    pdfs.mkdir()
    (pdfs / "report.pdf").write_bytes(b"%PDF-1.4\n" + bytes(range(256)))
    db = f"sqlite:///{tmp_path / 'r.db'}"
    out = _cli("ingest", str(empty), str(pdfs), str(SEED), "--db", db)
    assert out.exit_code == 1
    errors = [ln for ln in out.stderr.splitlines() if ln.startswith("raqib: error:")]
    assert [e.split(": ")[2] for e in errors] == [str(empty), str(pdfs)], out.stderr
    assert all("no reports in this directory" in e for e in errors)
    assert "stored 1 documents" in out.stderr and "2 errors" in out.stderr
    from raqib.store import open_store

    assert len(open_store(db).problems()) == 2  # recorded with the store's other input problems


def test_batch_names_a_directory_without_reports(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    _one_error(_cli("batch", str(tmp_path / "empty"), "--db", f"sqlite:///{tmp_path / 'b.db'}", "--workers", "1"),
               1, str(tmp_path / "empty"), "no reports")  # fmt: skip


def test_eval_refuses_what_it_cannot_score(tmp_path: Path) -> None:
    (tmp_path / "gold").mkdir()
    _one_error(_cli("eval", str(tmp_path / "gold")), 2, str(tmp_path / "gold"), "no gold JSON files")
    latin1 = tmp_path / "pred.jsonl"
    latin1.write_bytes('{"id": "café"}\n'.encode("latin-1"))
    _one_error(_cli("eval", str(DEV), "--pred", str(latin1)), 2, str(latin1), "not UTF-8")
    empty = tmp_path / "empty.jsonl"
    empty.write_text("\n", encoding="utf-8")
    _one_error(_cli("eval", str(DEV), "--pred", str(empty)), 2, str(empty), "no predictions")
    _one_error(_cli("eval", str(DEV), "--pred", str(tmp_path)), 2, str(tmp_path), "cannot read")


def test_events_checks_its_filters_as_export_does(tmp_path: Path) -> None:
    db = _seed_db(tmp_path)
    _one_error(_cli("events", "--db", db, "--kind", "capture"), 2, "'capture'", "takeover")
    _one_error(_cli("events", "--db", db, "--actor", "S D F"), 2, "'S D F'")
    upper, lower = _cli("events", "--db", db, "--actor", "SDF"), _cli("events", "--db", db, "--actor", "sdf")
    assert upper.exit_code == lower.exit_code == 0
    assert "SDF" in upper.stdout and upper.stdout == lower.stdout


def test_geocode_says_when_it_cannot_locate_a_name() -> None:
    _one_error(_cli("geocode", " "), 2, "empty")
    _one_error(_cli("geocode", "هجين", "--country", "XX"), 2, "'XX'", "SY")
    latin = _one_error(_cli("geocode", "Hajin"), 1, "'Hajin'", "not located", "Arabic")
    assert "هجين" in latin
    unknown = _cli("geocode", "قريةلاوجودلها", "--json")
    _one_error(unknown, 1, "not located")
    assert json.loads(unknown.stdout)["lat"] is None  # the JSON is still printed for scripts
    assert _cli("geocode", "هجين", "--country", "sy").exit_code == 0


def test_reading_a_terminal_says_so(tmp_path: Path) -> None:
    """`raqib extract` with no file reads stdin: on a terminal it says so rather than seeming to hang."""
    import pty

    main, tty = pty.openpty()
    try:
        proc = subprocess.Popen([*RAQIB, "extract"], stdin=tty, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                text=True)  # fmt: skip
        os.write(main, b"\x04")  # Ctrl-D: the end of the input
        _, stderr = proc.communicate(timeout=300)
    finally:
        os.close(main)
        os.close(tty)
    assert "reading a report from standard input" in stderr and "Ctrl-D" in stderr, stderr
    assert "Traceback" not in stderr


def test_gazetteer_import_refuses_a_file_that_is_not_an_index_or_not_text(tmp_path: Path) -> None:
    import shutil
    from importlib import resources

    source = tmp_path / "places.csv"
    source.write_text("name:ar,lat,lon\nهجين,34.69,40.83\n", encoding="utf-8")
    not_index = tmp_path / "notes.txt"
    not_index.write_bytes(b"")
    _one_error(_cli("gazetteer", "import", "osm", str(source), "--index", str(not_index)), 2, str(not_index),
               "not a raqib gazetteer index")  # fmt: skip
    assert not_index.read_bytes() == b""  # not made into a database
    index = tmp_path / "gaz.sqlite"
    shutil.copy(str(resources.files("raqib").joinpath("data/gazetteer.sqlite")), index)
    latin1 = tmp_path / "places-latin1.csv"
    latin1.write_bytes("name,lat,lon\nAlep é,36.2,37.1\n".encode("latin-1"))
    _one_error(_cli("gazetteer", "import", "osm", str(latin1), "--index", str(index)), 2, str(latin1), "not UTF-8")
    empty = tmp_path / "empty.csv"
    empty.write_text("", encoding="utf-8")
    _one_error(_cli("gazetteer", "import", "ocha", str(empty), "--index", str(index)), 2, str(empty), "ocha")


def test_serve_on_a_port_in_use_is_a_one_line_error(tmp_path: Path) -> None:
    import socket

    db = _seed_db(tmp_path)
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = str(holder.getsockname()[1])
        _one_error(_cli("serve", "--db", db, "--port", port, env={"RAQIB_TOKEN": ""}), 2, port, "cannot listen")
