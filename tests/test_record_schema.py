"""The output record is a contract: every output on the dev set validates against the schema,
and every evidence string is an exact slice of the text at its offsets."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema

from raqib.record import schema


def test_schema_is_valid_json_schema() -> None:
    jsonschema.Draft202012Validator.check_schema(schema())


def test_every_dev_output_validates_and_points_into_its_text(dev_predictions) -> None:  # type: ignore[no-untyped-def]
    gold, preds = dev_predictions
    texts = {g["id"]: g["text"] for g in gold}
    validator = jsonschema.Draft202012Validator(schema())
    for rec in preds:
        errors = sorted(validator.iter_errors(rec), key=str)
        assert not errors, f"{rec['id']}: {errors[0].message} at {list(errors[0].path)}"
        text = texts[rec["id"]]
        for item in rec["events"] + rec["control"]:
            start, end = item["evidence_span"]
            assert text[start:end] == item["evidence"]
            assert len(item["evidence"]) <= 600, "evidence is a sentence or a clause, never a paragraph"
        for ev in rec["events"]:
            loc = ev["location"]
            if loc and loc["start_char"] is not None:
                assert text[loc["start_char"] : loc["end_char"]] == loc["name_ar"]
            for q in ev["quantities"].values():
                assert 0 <= q["start_char"] < q["end_char"] <= len(text)


def test_the_published_schema_file_is_the_one_in_the_package() -> None:
    path = Path(__file__).parents[1] / "raqib" / "data" / "schema" / "record.schema.json"
    assert json.loads(path.read_text("utf-8")) == schema()
