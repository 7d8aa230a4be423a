"""Fuzzing every stage with hypothesis: hostile and random input never raises, and every offset
points back into the text it came from.

The other property tests feed Arabic-looking text to one stage each
(``test_normalize_segment.py``: key characters map back, sentences and tokens are exact slices;
``test_numbers_dates.py``: spans of numbers and dates; ``test_pipeline_properties.py``: evidence and
place offsets of the whole pipeline on undated text). This module widens the input to any Unicode
text, real report sentences cut and spliced with noise, runs of thousands of digits, zero-width and
bidi marks and extreme publication days, and adds the properties those tests lack: key slices map
back, sentences cover the text in order, invisible marks never change what is extracted, and the
readers turn any bytes, markup or JSON value into documents or one-line errors, never an exception.
The coverage-guided harnesses (atheris) are ``fuzz/fuzz_html.py`` and ``fuzz/fuzz_pipeline.py``.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import re
import subprocess
import sys
from itertools import pairwise
from pathlib import Path

import pytest
from conftest import DEV, check_record_offsets, skip_or_fail
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from raqib.errors import InputError
from raqib.ingest import document_from_html, read_sources
from raqib.ingest.__init__ import _json_values
from raqib.ingest.text import MAX_TEXT_CHARS
from raqib.model import Document
from raqib.normalize import match_key, normalize, strip_invisible
from raqib.recognize.dates import find_dates
from raqib.recognize.numbers import find_quantities
from raqib.segment import segment

SETTINGS = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])

DEV_TEXTS = [json.loads(p.read_text("utf-8"))["text"] for p in sorted(DEV.glob("*.json"))]
# Sentences of real reports: spliced with noise they still trigger events, places and numbers.
SENTENCES = sorted({s for t in DEV_TEXTS for s in re.split(r"(?<=[.،\n])", t) if len(s.strip()) > 5})
MARKS = "\u200b\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u061c\ufeff\u00ad"

NOISE = st.one_of(
    st.text(max_size=8),  # any code point but surrogates: controls, combining marks, astral emoji
    st.text(alphabet=MARKS, min_size=1, max_size=3),
    st.sampled_from(["\n", "\r\n", ".", "،", "؟", "«", "»", "(", ")", "ـ", "\u064b", "/", "-", ":", "..."]),
    st.text(alphabet="0123456789٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹,.", min_size=1, max_size=30),
)
PIECE = st.one_of(st.sampled_from(SENTENCES), NOISE)
HOSTILE = st.one_of(
    st.text(max_size=300),
    st.lists(PIECE, max_size=25).map("".join),
    st.lists(PIECE, max_size=25).map(" ".join),
)
DIGIT_RUNS = st.builds(
    lambda n, d, ctx: f"قتل {d * n} شخصا في {ctx}", st.integers(1, 6000), st.sampled_from("9١۹"),
    st.sampled_from(SENTENCES),
)
DAYS = st.one_of(st.none(), st.dates(), st.sampled_from([dt.date.min, dt.date.max, dt.date(2019, 2, 15)]))


# --------------------------------------------------------------------------------------------
# normalise → offsets, segment


@SETTINGS
@given(HOSTILE, st.data())
def test_every_key_slice_maps_back_to_the_text(text: str, data: st.DataObject) -> None:
    norm = normalize(text)
    assert list(norm.offsets) == sorted(set(norm.offsets)) and norm.offsets[-1] == len(text)
    a = data.draw(st.integers(0, len(norm.key)))
    b = data.draw(st.integers(a, len(norm.key)))
    start, end = norm.span(a, b)
    assert 0 <= start <= end <= len(text)
    assert match_key(text[start:end]) == norm.key[a:b]


@SETTINGS
@given(HOSTILE)
def test_sentences_cover_the_text_in_order(text: str) -> None:
    sentences = segment(text)
    covered = 0
    for s in sentences:
        # Only white space lies between sentences; each holds the text at its offsets, in order.
        assert covered <= s.start_char < s.end_char <= len(text)
        assert not text[covered : s.start_char].strip()
        assert s.text == text[s.start_char : s.end_char]
        assert s.paragraph == text.count("\n", 0, s.start_char)
        covered = s.end_char
    assert not text[covered:].strip()
    for s in sentences:
        for t, u in pairwise(s.tokens):
            assert t.end_char <= u.start_char


# --------------------------------------------------------------------------------------------
# numbers and dates


@SETTINGS
@given(st.one_of(HOSTILE, DIGIT_RUNS), DAYS)
def test_numbers_and_dates_of_any_text(text: str, published: dt.date | None) -> None:
    for items in (find_quantities(text), find_dates(text, published)):
        for x in items:
            assert 0 <= x.start_char < x.end_char <= len(text)
        for x, y in pairwise(items):
            assert x.end_char <= y.start_char
    for d in find_dates(text, published):
        assert (d.start is None) == (d.end is None)
        assert d.start is None or d.start <= d.end  # type: ignore[operator]


# --------------------------------------------------------------------------------------------
# events: the whole pipeline


@SETTINGS
@given(st.one_of(HOSTILE, DIGIT_RUNS), DAYS)
def test_the_pipeline_never_raises_and_every_offset_is_in_the_text(res, text: str, published) -> None:  # type: ignore[no-untyped-def]
    from raqib.pipeline import process

    rec = process(Document("f", text, published=published), res, today=dt.date(2026, 1, 1))
    check_record_offsets(rec, text)
    assert ("no publication date" in rec["warnings"]) == (published is None)


def _summary(rec: dict) -> tuple[list[tuple], list[tuple]]:  # type: ignore[type-arg]
    evs = [(e["kind"], e["actor1"], e["actor2"], strip_invisible((e["location"] or {}).get("name_ar") or ""),
            e["date"], e["counts"], e["certainty"], e["rule_id"]) for e in rec["events"]]  # fmt: skip
    ctl = [(strip_invisible(c["place_ar"]), c["controller"], c["status"], c["as_of"]) for c in rec["control"]]
    return evs, ctl


@settings(max_examples=40, deadline=None)
@given(st.sampled_from(DEV_TEXTS[::3]), st.lists(st.tuples(st.floats(0, 1), st.sampled_from(MARKS)), max_size=40))
def test_invisible_marks_never_change_what_is_extracted(res, text: str, marks: list[tuple[float, str]]) -> None:  # type: ignore[no-untyped-def]
    from raqib.pipeline import process

    marked = list(text)
    for where, mark in sorted(marks, reverse=True):
        marked.insert(round(where * len(text)), mark)
    noisy = "".join(marked)
    day = dt.date(2019, 2, 15)
    clean_rec = process(Document("c", text, published=day), res)
    noisy_rec = process(Document("n", noisy, published=day), res)
    assert _summary(noisy_rec) == _summary(clean_rec)
    check_record_offsets(noisy_rec, noisy)


# --------------------------------------------------------------------------------------------
# readers: bytes, markup, JSON


def _read_stdin(data: bytes) -> list[Document | InputError]:
    return list(read_sources(["-"], stdin=io.BytesIO(data)))


def _check_items(items: list[Document | InputError]) -> None:
    for item in items:
        assert isinstance(item, (Document, InputError))
        if isinstance(item, Document):
            assert item.text.strip() and len(item.text) <= MAX_TEXT_CHARS
            assert all(line == line.strip() or line for line in item.text.split("\n"))
        else:
            assert item.origin and item.problem and "\n" not in item.problem


@SETTINGS
@given(st.one_of(st.binary(max_size=2000), HOSTILE.map(lambda t: t.encode("utf-8", "surrogatepass")),
                 HOSTILE.map(lambda t: t.encode("cp1256", "replace"))))  # fmt: skip
def test_any_bytes_on_stdin_are_documents_or_errors(data: bytes) -> None:
    _check_items(_read_stdin(data))


TAGS = ["div", "p", "span", "article", "section", "aside", "nav", "footer", "header", "time", "table", "tr", "td",
        "script", "style", "a", "ul", "li", "h1", "br", "meta", "title", "svg", "iframe", "form"]  # fmt: skip
ATTRS = st.sampled_from([
    "", " class='post-meta'", " class='related-posts'", " class='comments'", " id='footer'", " class='entry-date'",
    " itemprop='datePublished' content='2019-02-31'", " datetime='2019-05-03'", " class='share'",
    " content='2031-13-45'", " property='article:published_time' content='9999-12-31T99:99'",
])  # fmt: skip
MARKUP = st.recursive(
    st.one_of(PIECE, st.sampled_from(["<", ">", "&amp;", "&#0;", "&#1;", "&#x0b", "&#xfffe;", "&#x202e;", "<!--", "-->", "<![CDATA[", "</p>"])),
    lambda inner: st.builds(
        lambda tag, attrs, children: f"<{tag}{attrs}>{''.join(children)}</{tag}>",
        st.sampled_from(TAGS), ATTRS, st.lists(inner, max_size=4),
    ),
    max_leaves=30,
)


@SETTINGS
@given(st.lists(MARKUP, max_size=6).map("".join), st.booleans())
def test_any_markup_is_a_document_or_an_input_error(body: str, as_bytes: bool) -> None:
    page = f"<html><head><title>عنوان</title></head><body>{body}</body></html>"
    try:
        doc = document_from_html(page.encode("utf-8") if as_bytes else page, "fuzz.html")
    except InputError as err:
        assert err.origin == "fuzz.html" and err.problem
        return
    _check_items([doc])


JSON_KEYS = st.sampled_from(["id", "text", "published", "title", "url", "outlet", "source", "name", "events"])
JSON = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=20), st.sampled_from(SENTENCES),
              st.sampled_from(["2019-05-03", "2019-02-30", "9999-12-31", "0001-01-01", "2019-05-03T25:00"])),
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(st.one_of(JSON_KEYS, st.text(max_size=5)),
                                                                         inner, max_size=6)),
    max_leaves=20,
)  # fmt: skip


@SETTINGS
@given(JSON)
def test_any_json_value_is_documents_or_errors(value) -> None:  # type: ignore[no-untyped-def]
    _check_items(list(_json_values(value, "fuzz.json")))
    text = json.dumps(value, ensure_ascii=False)
    _check_items(_read_stdin(text.encode("utf-8")))
    _check_items(_read_stdin("\n".join([text, text[: len(text) // 2]]).encode("utf-8")))


# --------------------------------------------------------------------------------------------
# The atheris harnesses, for a short fixed time (longer: make fuzz FUZZ_SECONDS=3600)

FUZZ = Path(__file__).parents[1] / "fuzz"
FUZZ_SECONDS = int(os.environ.get("RAQIB_FUZZ_SECONDS", "20"))


@pytest.mark.slow
def test_the_atheris_harnesses_run_without_a_crash(tmp_path: Path) -> None:
    try:
        import atheris  # noqa: F401 - only whether it is installed
    except ImportError:
        skip_or_fail("atheris is not installed (pip install -e '.[dev]' on x86-64 Linux)")
    runs = {}
    for harness, seeds in (("fuzz_html", "html"), ("fuzz_pipeline", "pipeline")):
        work = tmp_path / seeds
        work.mkdir()
        # The seeds are read, never written: new inputs go to ``work``, crashes to tmp_path. The HTML test
        # fixtures are seeds of both harnesses, read where they are rather than copied.
        cmd = [sys.executable, str(FUZZ / f"{harness}.py"), f"-max_total_time={FUZZ_SECONDS}",
               f"-artifact_prefix={tmp_path}/{seeds}-", str(work), str(FUZZ / "corpus" / seeds),
               str(FUZZ.parent / "tests" / "data" / "html")]  # fmt: skip
        runs[seeds] = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    for seeds, proc in runs.items():
        out, _ = proc.communicate(timeout=FUZZ_SECONDS + 300)
        assert proc.returncode == 0, out[-4000:]
        assert not list(tmp_path.glob(f"{seeds}-*")), out[-4000:]
        done = re.search(r"Done (\d+) runs in", out)
        # Every seed was run, and then mutations of them.
        assert done and int(done.group(1)) > len(list((FUZZ / "corpus" / seeds).iterdir())), out[-4000:]
