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


def test_help_on_every_command() -> None:
    for cmd in ([], ["extract"], ["ingest"], ["events"], ["eval"], ["geocode"], ["gazetteer", "build"],
                ["gazetteer", "import"]):  # fmt: skip
        out = _raqib(*cmd, "--help")
        assert out.returncode == 0, out.stderr
        assert "Usage" in out.stdout


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
