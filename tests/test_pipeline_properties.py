"""Whole-pipeline properties: offsets of every mention point at the original characters, whatever
the text; pages' related-article lists, menus and comments never become events."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import check_record_offsets
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
