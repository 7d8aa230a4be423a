"""atheris harness for the whole pipeline from bytes: the input is read as standard input is
(sniffed as JSON, JSON Lines, a feed, a web page, a web archive or plain text, in UTF-8 or
windows-1256), and every document it holds is extracted. Nothing may raise but an ``InputError``;
every record must validate against the published schema, and every evidence, place and number
offset must point at the text it names.

    python fuzz/fuzz_pipeline.py -max_total_time=60 fuzz/corpus/pipeline
    python fuzz/fuzz_pipeline.py -max_total_time=60 WORK_DIR fuzz/corpus/pipeline   # seeds untouched

The resources (gazetteer, dictionaries, rules) are loaded once, before fuzzing starts.
"""

from __future__ import annotations

import datetime as dt
import io
import sys
from typing import Any

import atheris

with atheris.instrument_imports(include=["raqib"]):
    from raqib.errors import InputError
    from raqib.ingest import read_sources
    from raqib.model import Document
    from raqib.pipeline import process
    from raqib.record import validate
    from raqib.resources import Resources, load_resources

TODAY = dt.date(2026, 1, 1)
"""A fixed day for the publication-date check, so a find reproduces on any day."""


def check_record(rec: dict[str, Any], text: str) -> None:
    validate(rec)
    for item in rec["events"] + rec["control"]:
        start, end = item["evidence_span"]
        assert 0 <= start < end <= len(text) and text[start:end] == item["evidence"], item
    for ev in rec["events"]:
        loc = ev["location"]
        if loc and loc["start_char"] is not None:
            assert text[loc["start_char"] : loc["end_char"]] == loc["name_ar"], loc
        for q in ev["quantities"].values():
            assert 0 <= q["start_char"] < q["end_char"] <= len(text), q


def make_target(res: Resources):  # type: ignore[no-untyped-def]
    def check_bytes(data: bytes) -> None:
        for item in read_sources(["-"], stdin=io.BytesIO(data)):
            if isinstance(item, InputError):
                assert item.problem and "\n" not in item.problem, item
                continue
            assert isinstance(item, Document)
            try:
                rec = process(item, res, today=TODAY)
            except InputError as err:  # a document over the size limit
                assert "more than" in err.problem, err
                continue
            check_record(rec, item.text)

    return check_bytes


def main(argv: list[str]) -> None:
    res = load_resources()
    atheris.Setup(argv, make_target(res))
    atheris.Fuzz()


if __name__ == "__main__":
    main(sys.argv)
