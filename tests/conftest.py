"""Shared fixtures: the resources are loaded once per test session."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

DATA = Path(__file__).parent / "data"
DEV = DATA / "dev"
SEED = DATA / "seed" / "000_3576d19f334ec0b9.txt"


@pytest.fixture(scope="session")
def res():  # type: ignore[no-untyped-def]
    from raqib.resources import load_resources

    return load_resources()


@pytest.fixture(scope="session")
def run(res):  # type: ignore[no-untyped-def]
    """Extract a text and return its output record."""
    from raqib.model import Document
    from raqib.pipeline import extract
    from raqib.record import to_record

    def _run(text: str, published: str | None = None, doc_id: str = "t") -> dict[str, Any]:
        day = dt.date.fromisoformat(published) if published else None
        ex = extract(Document(id=doc_id, text=text, published=day), res)
        v = res.versions
        return to_record(ex, res.state_actors, v["rules"], v["gazetteer"])

    return _run


@pytest.fixture(scope="session")
def dev_predictions(res):  # type: ignore[no-untyped-def]
    """raqib's records for every dev document, from the text alone."""
    from raqib.cli import predict_gold
    from raqib.evaluate import load_gold

    gold = load_gold(DEV)
    return gold, predict_gold(gold)


def load(name: str) -> dict[str, Any]:
    return dict(json.loads((DEV / f"{name}.json").read_text("utf-8")))
