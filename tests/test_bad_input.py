"""The bad-input catalogue: every kind of broken, hostile or odd input ``raqib ingest`` meets, run
through the command line into a store. Each one gets a specific error (recorded in the store's input
problems) or warning (recorded with the document: status "warning" and the reason), and the rest of
the run goes on.

A feed that times out is in ``tests/test_watch.py`` (``slow.rss``, answered after ``--timeout``):
``raqib watch`` records it as a problem and polls the other feeds.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pytest
from conftest import DEV

from raqib.errors import InputError
from raqib.ingest import document_from_html, read_sources
from raqib.ingest.text import BINARY_PROBLEM, MAX_DOCUMENT_BYTES, MAX_TEXT_CHARS
from raqib.model import Document
from raqib.normalize import strip_invisible

RAQIB = [sys.executable, "-m", "raqib.cli"]
MiB = 2**20

ARABIC = (
    "قصفت قوات النظام بلدة اللطامنة بريف حماة الشمالي بعشرات القذائف المدفعية، ما أدى إلى مقتل ثلاثة مدنيين.\n"
    "وأفاد ناشطون بسقوط جرحى آخرين، فيما استهدفت الفصائل مواقع قوات النظام في محيط البلدة."
)
ARABIC2 = (
    "سيطرت هيئة تحرير الشام على قرية باشكون في ريف إدلب الشرقي بعد اشتباكات مع تنظيم الدولة.\n"
    "وأفادت مصادر محلية بمقتل عنصرين من الهيئة خلال المعارك."
)
ARABIC3 = (
    "انسحبت قوات النظام من بلدة كفرنبل جنوب إدلب إثر هجوم واسع شنته الفصائل.\n"
    "وقال ناشطون إن الفصائل سيطرت على البلدة بالكامل."
)
ARABIC4 = (
    "أعلنت قوات سوريا الديمقراطية السيطرة على قرية الكشمة في ريف دير الزور الشرقي.\n"
    "وقالت مصادر محلية إن عناصر تنظيم الدولة انسحبوا من القرية."
)
HAJIN = json.loads((DEV / "afp-hajin-sdf.json").read_text("utf-8"))
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00" + bytes(range(256))
FUTURE = (dt.date.today() + dt.timedelta(days=800)).isoformat()
TOO_DEEP = "HTML nested more than 255 elements deep: the HTML parser stops there"
OVERRIDE = "\u202e"
MARKS = ["\u200f", "\u200e", "\u200b", "\u200c", "\u200d", "\u2066", "\u2067", "\u2069", "\u061c", "\ufeff"]


def _page(body: str, head: str = "") -> str:
    return (
        f"<!DOCTYPE html><html lang='ar' dir='rtl'><head>{head}<title>قصف على اللطامنة</title></head><body>"
        f"{body}</body></html>"
    )


def _article(text: str) -> str:
    return "<article>" + "".join(f"<p>{line}</p>" for line in text.split("\n")) + "</article>"


def _with_marks(text: str, every: int = 3) -> str:
    """``text`` with zero-width and bidi marks after every ``every``-th space and inside words."""
    out, spaces = [], 0
    for i, ch in enumerate(text):
        out.append(ch)
        if ch == " ":
            spaces += 1
            if spaces % every == 0:
                out.append(MARKS[spaces % len(MARKS)])
        elif i % 17 == 0 and "\u0621" <= ch <= "\u064a":
            out.append("\u200c")
    return "".join(out)


def _too_big(what: str, size: int) -> str:
    return f"{what} is {size / MiB:.1f} MiB, more than the 10 MiB limit; split it into separate reports"


def _jsonl(*objs: Any) -> str:
    return "".join(json.dumps(o, ensure_ascii=False) + "\n" for o in objs)


@dataclass(frozen=True)
class Case:
    """One input of the catalogue and what raqib must make of it."""

    name: str
    """The file in the catalogue directory."""
    origin: str
    """The origin the error or document names: the file, ``file:line`` or ``file[index]``."""
    outcome: str
    """"error" (an input problem, no document), "warning" (a document, status warning) or "ok"."""
    reason: str | None = None
    """The problem or the document's reason (warnings joined by "; "); a prefix when it ends in "…"."""
    doc_id: str | None = None
    """The stored document's id, when known in advance."""


def _build(root: Path) -> list[Case]:
    """Write the catalogue into ``root``; the cases, in the order raqib reads them."""
    cases: list[Case] = []

    def add(name: str, content: str | bytes, *expect: Case) -> None:
        path = root / name
        path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
        cases.extend(expect)

    def case(name: str, outcome: str, reason: str | None = None, suffix: str = "", doc_id: str | None = None) -> Case:
        return Case(name, str(root / name) + suffix, outcome, reason, doc_id)

    add("binary.html", PNG, case("binary.html", "error", BINARY_PROBLEM))
    add("binary.txt", PNG, case("binary.txt", "error", BINARY_PROBLEM))
    # Character references to control characters: lxml refused the parsed text (a crash, found by fuzz_html).
    refs = _article(ARABIC4).replace("الكشمة", "الكشمة&#1;").replace("<p>", "<p>&#x0b;", 1)
    refs = _page(refs, "<meta name='date' content='2019-05-03&#x2'>").replace("<title>", "<title>&#1;")
    add("control-references.html", refs, case("control-references.html", "ok"))
    add("empty.txt", b"", case("empty.txt", "error", "empty document"))
    future = {"id": "future", "text": ARABIC, "published": FUTURE}
    add("future.json", json.dumps(future, ensure_ascii=False),
        case("future.json", "warning", f"publication date {FUTURE} is in the future", doc_id="future"))  # fmt: skip
    # 50 MiB: a text file and a web page are refused by their size before they are read; a JSON Lines
    # line is skipped without being held whole in memory, and the next line is read.
    with open(root / "huge.html", "wb") as fh:
        fh.write(_page(_article(ARABIC)).encode("utf-8"))
        fh.write(b"<p>" + b"x" * (50 * MiB) + b"</p>")
    cases.append(case("huge.html", "error", _too_big("file", os.path.getsize(root / "huge.html"))))
    with open(root / "huge.jsonl", "w", encoding="utf-8") as fh:
        fh.write('{"id": "huge", "text": "' + "قصف " * (50 * MiB // 7) + '"}\n')
        fh.write(_jsonl({"id": "after-huge", "text": ARABIC, "published": "2019-05-03"}))
    with open(root / "huge.jsonl", "rb") as fh:
        cases.append(case("huge.jsonl", "error", _too_big("line", len(fh.readline().rstrip(b"\n"))), ":1"))
    cases.append(case("huge.jsonl", "ok", suffix=":2", doc_id="after-huge"))
    with open(root / "huge.txt", "w", encoding="utf-8") as fh:
        fh.writelines(ARABIC + "\n" for _ in range(50 * MiB // len(ARABIC.encode("utf-8"))))
    cases.append(case("huge.txt", "error", _too_big("file", os.path.getsize(root / "huge.txt"))))
    bad = ARABIC.encode("utf-8")
    cut = bad.index("اللطامنة".encode()) + 3  # inside a letter: its second byte goes missing
    add("invalid-utf8.txt", bad[:cut] + b"\xff" + bad[cut + 1 :],
        case("invalid-utf8.txt", "warning", "invalid UTF-8: 2 byte sequences replaced by U+FFFD "
             f"(the first at byte {cut - 1}); no publication date"))  # fmt: skip
    add("invisible.json", json.dumps({"id": "invisible", "text": "\u200f\u200b\u2066 \u2069\n\u200e"}),
        case("invisible.json", "error", 'empty document: field "text" holds only invisible characters'))  # fmt: skip
    long_text = (ARABIC + "\n") * (MAX_TEXT_CHARS // len(ARABIC) + 10)
    add("long.json", json.dumps({"id": "long", "text": long_text}, ensure_ascii=False),
        case("long.json", "error", f"document text is {len(long_text):,} characters, more than the 200,000 raqib "
                                   "extracts from one document; split it into separate reports"))  # fmt: skip
    mixed = {"id": "mixed", "published": HAJIN["published"],
             "text": "🔴 عاجل | Breaking: " + HAJIN["text"].replace("داعش", "داعش (ISIS) 💥").replace("،", " 👇،")
             + "\nSource: AFP 📰 #Syria #هجين"}  # fmt: skip
    add("mixed.json", json.dumps(mixed, ensure_ascii=False), case("mixed.json", "ok", doc_id="mixed"))
    deep = "<div>" * 100_000 + "<p>نص في عمق الصفحة</p>" + "</div>" * 100_000
    add("nested-only.html", _page(deep), case("nested-only.html", "error", TOO_DEEP + "…"))
    add("nested.html", _page(_article(ARABIC3) + deep + "<p>نص بعد العمق</p>"),
        case("nested.html", "warning", TOO_DEEP + "…"))
    add("no-date.json", json.dumps({"id": "no-date", "text": ARABIC}, ensure_ascii=False),
        case("no-date.json", "warning", "no publication date", doc_id="no-date"))  # fmt: skip
    # NUL characters: PostgreSQL cannot store them in text; replaced (offsets kept) in the text and title.
    nul_text = ARABIC.replace("اللطامنة ", "اللطامنة\x00 ", 1) + "\x00"
    add("nul.jsonl", _jsonl(
        {"id": "nul", "text": nul_text, "title": "قصف\x00", "published": "2019-05-03"},
        {"id": "nul\x00id", "text": ARABIC, "published": "2019-05-03"},
    ), case("nul.jsonl", "warning", f'field "text" contains 2 NUL characters (U+0000, the first at offset '
            f'{nul_text.index(chr(0))}), replaced by U+FFFD; field "title" contains 1 NUL character (U+0000, '
            "the first at offset 3), replaced by U+FFFD", suffix=":1", doc_id="nul"),
        case("nul.jsonl", "error", 'field "id" contains a NUL character (U+0000)', ":2"))  # fmt: skip
    hajin = {"published": HAJIN["published"], "source": HAJIN["source"]}
    add("reports.jsonl", _jsonl(
        {"id": "hajin-clean", "text": HAJIN["text"], **hajin},
        {"id": "hajin-marks", "text": _with_marks(HAJIN["text"]), **hajin},
        {"id": "hajin-override", "text": HAJIN["text"].replace("هجين،", f"هجين{OVERRIDE}،", 1), **hajin},
    ), case("reports.jsonl", "ok", suffix=":1", doc_id="hajin-clean"),
        case("reports.jsonl", "ok", suffix=":2", doc_id="hajin-marks"),
        case("reports.jsonl", "warning", "text contains 1 bidi override character (U+202D/U+202E, the first at "
             f"offset {HAJIN['text'].index('هجين،') + 4}), which change the order the text displays in",
             suffix=":3", doc_id="hajin-override"))  # fmt: skip
    add("truncated.jsonl",
        _jsonl({"id": "tr1", "text": ARABIC, "published": "2019-05-03"},
               {"id": "tr2", "text": ARABIC2, "published": "2019-05-03"}) + '{"id": "tr3", "text": "قصفت قوات',
        case("truncated.jsonl", "ok", suffix=":1", doc_id="tr1"),
        case("truncated.jsonl", "ok", suffix=":2", doc_id="tr2"),
        case("truncated.jsonl", "error", "invalid JSON: Unterminated string starting at column 23; the text ends "
             "before the JSON value does (cut short?)", ":3"))  # fmt: skip
    add("whitespace.json", json.dumps({"id": "ws", "text": " \n\t "}),
        case("whitespace.json", "error", 'empty document: field "text" is empty'))  # fmt: skip
    add("whitespace.txt", b"  \n\t \r\n  ", case("whitespace.txt", "error", "empty document"))
    old = _page(_article(ARABIC2), "<meta http-equiv='Content-Type' content='text/html; charset=windows-1256'>"
                                   "<meta property='article:published_time' content='2019-05-03T10:00:00+03:00'>")  # fmt: skip
    add("windows-1256.html", old.encode("cp1256"), case("windows-1256.html", "ok"))
    add("windows-1256.txt", ARABIC.encode("cp1256"), case("windows-1256.txt", "warning", "no publication date"))
    ok = {"text": ARABIC, "published": "2019-05-03"}
    add("wrong-types.json", json.dumps([
        {"id": "wt0", "text": 5},
        {**ok, "id": "wt1", "published": 20190503},
        {**ok, "id": ["wt2"]},
        {**ok, "id": "wt3", "source": 3},
        {**ok, "id": "wt4", "title": {"ar": "عنوان"}},
        "قصفت قوات النظام",
        {**ok, "id": "wt6"},
        {**ok, "id": "wt7", "published": "2019-02-30"},
        {**ok, "id": "wt8", "url": False},
    ], ensure_ascii=False), *[
        case("wrong-types.json", "error", 'field "text" must be a string, got 5', "[0]"),
        case("wrong-types.json", "error", 'field "published" must be an ISO date (YYYY-MM-DD) or null, got 20190503',
             "[1]"),
        case("wrong-types.json", "error", 'field "id" must be a non-empty string or a number, got ["wt2"]', "[2]"),
        case("wrong-types.json", "error", 'field "source" must be an object or a string, got 3', "[3]"),
        case("wrong-types.json", "error", 'field "title" must be a string, got {"ar": "عنوان"}', "[4]"),
        case("wrong-types.json", "error", "expected a JSON object, got a string", "[5]"),
        case("wrong-types.json", "ok", suffix="[6]", doc_id="wt6"),
        case("wrong-types.json", "error",
             'field "published" must be an ISO date (YYYY-MM-DD) or null, got "2019-02-30"', "[7]"),
        case("wrong-types.json", "error", 'field "url" must be a string, got false', "[8]"),
    ])  # fmt: skip
    return cases


@dataclass
class Run:
    """One ``raqib ingest`` of the catalogue."""

    cases: list[Case]
    returncode: int
    stderr: str
    problems: list[dict[str, Any]]
    documents: dict[str, dict[str, Any]]
    """Stored documents by id."""
    events: dict[str, list[dict[str, Any]]]
    """Stored events by document id."""
    seconds: float


def _ingest(paths: list[str], url: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*RAQIB, "ingest", *paths, "--db", url], capture_output=True, text=True, timeout=600,
                          check=False)  # fmt: skip


def _stored(url: str) -> tuple[list[dict[str, Any]], dict[str, dict[str, Any]], dict[str, list[dict[str, Any]]]]:
    from sqlalchemy import select

    from raqib.store import EventFilter, iter_events, open_store
    from raqib.store.tables import documents

    store = open_store(url)
    try:
        with store.engine.connect() as conn:
            ids = conn.execute(select(documents.c.id)).scalars().all()
        docs = {i: store.document(i) for i in ids}
        evs: dict[str, list[dict[str, Any]]] = {}
        for row in iter_events(store, EventFilter(include_rejected=True)):
            evs.setdefault(row["document_id"], []).append(row)
        return store.problems(), docs, evs  # type: ignore[return-value]
    finally:
        store.engine.dispose()


def _run_catalogue(root: Path, cases: list[Case], url: str) -> Run:
    t0 = time.perf_counter()
    out = _ingest([str(root)], url)
    seconds = time.perf_counter() - t0
    assert "Traceback" not in out.stderr, out.stderr
    problems, docs, evs = _stored(url)
    return Run(cases, out.returncode, out.stderr, problems, docs, evs, seconds)


@pytest.fixture(scope="module")
def catalogue(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, list[Case]]]:
    root = tmp_path_factory.mktemp("catalogue")
    yield root, _build(root)
    for big in root.glob("huge.*"):  # pytest keeps the last runs' folders: not 150 MB each
        big.unlink()


@pytest.fixture(scope="module")
def catalogue_dir(catalogue: tuple[Path, list[Case]]) -> Path:
    return catalogue[0]


@pytest.fixture(scope="module")
def run(catalogue: tuple[Path, list[Case]], tmp_path_factory: pytest.TempPathFactory) -> Run:
    """The catalogue ingested once into a SQLite store (``test_every_store`` repeats it on each store)."""
    db = tmp_path_factory.mktemp("db") / "raqib.db"
    return _run_catalogue(*catalogue, f"sqlite:///{db}")


def _document(run: Run, case: Case) -> dict[str, Any]:
    if case.doc_id is not None:
        doc = run.documents.get(case.doc_id)
        assert doc is not None, f"{case.origin}: not stored"
        return doc
    # Documents without an id of their own (text files, web pages) have a content id: found by their text.
    marker = {"windows-1256.txt": ARABIC, "windows-1256.html": ARABIC2, "invalid-utf8.txt": "\ufffd",
              "nested.html": ARABIC3, "control-references.html": ARABIC4}[case.name]  # fmt: skip
    found = [d for d in run.documents.values() if d["id"].startswith("sha256:") and marker in d["text"]]
    assert len(found) == 1, (case, [(d["id"], d["status"], d["reason"]) for d in found])
    return found[0]


def _matches(reason: str | None, expected: str | None) -> bool:
    if expected is None or reason is None:
        return reason == expected
    return reason.startswith(expected[:-1]) if expected.endswith("…") else reason == expected


CASE_IDS = [
    "binary.html", "binary.txt", "control-references.html", "empty.txt", "future.json", "huge.html", "huge.jsonl:1", "huge.jsonl:2", "huge.txt",
    "invalid-utf8.txt", "invisible.json", "long.json", "mixed.json", "nested-only.html", "nested.html",
    "no-date.json", "nul.jsonl:1", "nul.jsonl:2", "reports.jsonl:1", "reports.jsonl:2", "reports.jsonl:3", "truncated.jsonl:1",
    "truncated.jsonl:2", "truncated.jsonl:3", "whitespace.json", "whitespace.txt", "windows-1256.html",
    "windows-1256.txt", *[f"wrong-types.json[{i}]" for i in range(9)],
]  # fmt: skip


def test_the_catalogue_has_every_case(run: Run, catalogue_dir: Path) -> None:
    assert [c.origin.removeprefix(str(catalogue_dir) + os.sep) for c in run.cases] == CASE_IDS


@pytest.mark.parametrize("case_id", CASE_IDS)
def test_case(run: Run, catalogue_dir: Path, case_id: str) -> None:
    (case,) = [c for c in run.cases if c.origin == str(catalogue_dir / case_id)]
    if case.outcome == "error":
        rows = [p for p in run.problems if p["origin"] == case.origin]
        assert len(rows) == 1, (case, run.problems)
        assert rows[0]["level"] == "error"
        assert _matches(rows[0]["reason"], case.reason), rows[0]["reason"]
        # The same one line on stderr, naming the input and the problem.
        lines = [ln for ln in run.stderr.splitlines() if ln.startswith(f"raqib: error: {case.origin}: ")]
        assert len(lines) == 1 and _matches(lines[0].split(f"{case.origin}: ", 1)[1], case.reason), run.stderr
        return
    doc = _document(run, case)
    assert doc["status"] == case.outcome, (doc["status"], doc["reason"])
    assert _matches(doc["reason"], case.reason), doc["reason"]
    assert not [p for p in run.problems if p["origin"] == case.origin]
    if case.outcome == "warning":
        for warning in doc["reason"].split("; "):
            assert f"raqib: warning: {case.origin}: {warning}" in run.stderr.splitlines()
    # Whatever the input, every stored event's evidence is the text at its offsets.
    for ev in run.events.get(doc["id"], []):
        assert doc["text"][ev["evidence_start"] : ev["evidence_end"]] == ev["evidence"]


def test_the_rest_of_the_run_goes_on(run: Run) -> None:
    errors = [c for c in run.cases if c.outcome == "error"]
    stored = [c for c in run.cases if c.outcome != "error"]
    assert run.returncode == 1  # some input was refused
    assert len(run.problems) == len(errors)
    assert len(run.documents) == len(stored)
    assert run.stderr.splitlines()[-1].endswith(f"; {len(errors)} errors")
    assert f"stored {len(stored)} documents" in run.stderr.splitlines()[-1]


def test_fifty_megabytes_cost_seconds_not_minutes(run: Run) -> None:
    # Three 50 MiB inputs are refused by their size, the rest (about twenty small documents) extracted.
    assert run.seconds < 120, run.seconds


def test_legacy_and_broken_encodings_keep_the_arabic(run: Run) -> None:
    by_name = {c.name: c for c in run.cases}
    assert _document(run, by_name["windows-1256.txt"])["text"] == ARABIC
    html = _document(run, by_name["windows-1256.html"])
    assert html["published"] == "2019-05-03" and html["text"] == ARABIC2
    broken = _document(run, by_name["invalid-utf8.txt"])["text"]
    # One bad byte costs one letter, not the whole text read as windows-1256.
    assert broken.replace("\ufffd\ufffd", "ل") == ARABIC
    refs = _document(run, by_name["control-references.html"])
    assert refs["text"] == ARABIC4 and refs["published"] == "2019-05-03"


def _summary(evs: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    return [(e["kind"], e["actor1"], e["actor2"], strip_invisible(e["place_ar"] or ""), e["date_from"]) for e in evs]


def test_zero_width_and_bidi_marks_change_nothing_but_the_offsets(run: Run) -> None:
    clean = run.events["hajin-clean"]
    assert {e["kind"] for e in clean} >= {"takeover"}
    for doc_id in ("hajin-marks", "hajin-override"):
        doc, evs = run.documents[doc_id], run.events[doc_id]
        assert _summary(evs) == _summary(clean)
        for ev in evs:
            # The evidence keeps the marks inside it: it is the text as given.
            assert strip_invisible(ev["evidence"]) == strip_invisible(
                next(c["evidence"] for c in clean if c["seq"] == ev["seq"]))
            assert doc["text"][ev["evidence_start"] : ev["evidence_end"]] == ev["evidence"]


def test_nul_characters_are_replaced_in_place(run: Run) -> None:
    doc = run.documents["nul"]
    assert doc["text"] == ARABIC.replace("اللطامنة ", "اللطامنة\ufffd ", 1) + "\ufffd"
    assert doc["title"] == "قصف\ufffd"
    assert {e["kind"] for e in run.events["nul"]} == {"shelling"}


def test_mixed_arabic_latin_and_emoji(run: Run) -> None:
    evs = run.events["mixed"]
    assert ("takeover", "SDF", "ISIS", "هجين") in {e[:4] for e in _summary(evs)}


def test_every_store(store_url: str, catalogue: tuple[Path, list[Case]], run: Run) -> None:
    """The catalogue on SQLite and PostgreSQL: the same problems and the same documents."""
    other = _run_catalogue(*catalogue, store_url)
    assert other.returncode == run.returncode
    assert [(p["origin"], p["level"], p["reason"]) for p in other.problems] == [
        (p["origin"], p["level"], p["reason"]) for p in run.problems
    ]
    assert {i: (d["status"], d["reason"], d["text"]) for i, d in other.documents.items()} == {
        i: (d["status"], d["reason"], d["text"]) for i, d in run.documents.items()
    }


# --------------------------------------------------------------------------------------------
# Limits, one reader at a time


def test_every_reader_refuses_oversized_input_quickly() -> None:
    big_page = "<html><body><p>" + "ن" * (MAX_DOCUMENT_BYTES + 1) + "</p></body></html>"
    t0 = time.perf_counter()
    with pytest.raises(InputError, match=r"web page is 10\.0 MiB, more than the 10 MiB limit"):
        document_from_html(big_page, "page.html")
    stdin = io.BytesIO(("قصف " * (MAX_TEXT_CHARS // 2)).encode("utf-8"))
    (err,) = list(read_sources(["-"], stdin=stdin))
    assert isinstance(err, InputError) and err.origin == "<stdin>" and err.problem.startswith(
        f"document text is {MAX_TEXT_CHARS * 2:,} characters, more than the 200,000"
    )
    assert time.perf_counter() - t0 < 20


def test_the_pipeline_refuses_text_over_the_limit_whoever_calls_it(res) -> None:  # type: ignore[no-untyped-def]
    from raqib.pipeline import process

    with pytest.raises(InputError, match="more than the 200,000 raqib extracts from one document"):
        process(Document("big", "ن" * (MAX_TEXT_CHARS + 1), origin="api"), res)


def test_a_warning_changes_nothing_but_the_warnings(res) -> None:  # type: ignore[no-untyped-def]
    from raqib.pipeline import process

    doc = Document("w", HAJIN["text"], published=dt.date(2031, 1, 1))
    quiet = process(doc, res, today=dt.date(2031, 1, 1))
    warned = process(replace(doc, warnings=("invalid UTF-8: 1 byte sequence replaced",)), res, today=dt.date(2026, 1, 1))
    assert quiet["warnings"] == [] and quiet["events"]
    assert warned["warnings"] == ["invalid UTF-8: 1 byte sequence replaced", "publication date 2031-01-01 is in the future"]
    assert {**warned, "warnings": []} == quiet


# --------------------------------------------------------------------------------------------
# A revised article is a new version, not an error


def test_a_revised_article_is_a_new_version(store_url: str, tmp_path: Path) -> None:
    first, second = tmp_path / "v1", tmp_path / "v2"
    first.mkdir()
    second.mkdir()
    report = {"id": "hajin", "published": HAJIN["published"], "source": HAJIN["source"]}
    (first / "feed.jsonl").write_text(_jsonl({**report, "text": HAJIN["text"]}), encoding="utf-8")
    revised = HAJIN["text"] + "\nوأكد المرصد أن المعارك ما زالت مستمرة في محيط بلدة السوسة."
    (second / "feed.jsonl").write_text(_jsonl({**report, "text": revised}), encoding="utf-8")
    for folder in (first, second, second):
        out = _ingest([str(folder)], store_url)
        assert out.returncode == 0, out.stderr
        assert "raqib: error" not in out.stderr and "raqib: warning" not in out.stderr
    problems, docs, evs = _stored(store_url)
    assert problems == []
    doc = docs["hajin"]
    assert doc["version"] == 2 and [v["version"] for v in doc["versions"]] == [1, 2]
    assert doc["text"] == revised and doc["status"] == "ok"
    assert {e["document_version"] for e in evs["hajin"]} == {2}
