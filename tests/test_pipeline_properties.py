"""Whole-pipeline properties: offsets of every mention point at the original characters, whatever
the text; pages' related-article lists, menus and comments never become events."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import DEV, check_record_offsets
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from raqib.model import Document

HTML = Path(__file__).parent / "data" / "html"

# Arabic words that exercise the recognisers, mixed with random characters of every kind.
WORDS = ["سيطرت", "قوات", "قسد", "على", "قرية", "الكشمة", "أكثر", "من", "100", "١٠٠", "عنصر", "أمس", "السبت",
         "لـ”قسد”", "غارات", "الطيران", "الروسي", "مدينة", "إدلب", "مقتل", "ثلاثة", "مدنيين", "10/2/2019",
         "\u200f", "\u202b", "\u0640", "😀", "«", "»", ".", "،", "\n"]  # fmt: skip
TEXT = st.lists(
    st.one_of(st.sampled_from(WORDS), st.text(min_size=1, max_size=4)), max_size=60
).map(" ".join)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=TEXT)
def test_every_offset_points_at_the_original_characters(res, text: str) -> None:  # type: ignore[no-untyped-def]
    from raqib.pipeline import extract
    from raqib.record import to_record

    ex = extract(Document("h", text), res)
    check_record_offsets(to_record(ex, res.state_actors, "v", "v"), text)


@pytest.mark.parametrize("page", sorted(HTML.glob("*.html")), ids=lambda p: p.stem)
def test_nothing_outside_the_article_becomes_an_event(run, page: Path) -> None:  # type: ignore[no-untyped-def]
    from raqib.ingest import document_from_html

    expected = json.loads(page.with_suffix(".expected.json").read_text("utf-8"))
    doc = document_from_html(page.read_bytes(), origin=str(page), url=expected.get("url"))
    rec = run(doc.text, doc.published.isoformat() if doc.published else None)
    for item in rec["events"] + rec["control"]:
        assert item["evidence"] in doc.text
        for banned in expected["must_not_contain"]:
            assert banned not in item["evidence"], (page.name, banned)


def test_what_a_report_yields_does_not_hang_on_the_reports_read_before_it(res) -> None:  # type: ignore[no-untyped-def]
    """The caches of the gazetteer, geocoder and rule finders are shared by every report of a
    process (and of a Dask worker): the dev reports read in one order on warm resources and in the
    other order on fresh ones give the same records."""
    from raqib.pipeline import process
    from raqib.resources import load_resources

    docs = [Document(p.stem, json.loads(p.read_text("utf-8"))["text"]) for p in sorted(DEV.glob("*.json"))]
    fresh = load_resources()
    forward = {d.id: process(d, res) for d in docs}
    backward = {d.id: process(d, fresh) for d in reversed(docs)}
    assert len(docs) > 50
    for d in docs:
        assert forward[d.id] == backward[d.id], d.id
