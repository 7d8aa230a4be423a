"""Shared fixtures: the resources are loaded once per test session."""

from __future__ import annotations

import datetime as dt
import json
import os
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
    from raqib.pipeline import process

    def _run(text: str, published: str | None = None, doc_id: str = "t") -> dict[str, Any]:
        day = dt.date.fromisoformat(published) if published else None
        return process(Document(id=doc_id, text=text, published=day), res)

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


# --------------------------------------------------------------------------------------------
# Store back ends: every test that takes ``store_url`` runs against SQLite and PostgreSQL.


def _require_servers() -> bool:
    return os.environ.get("RAQIB_REQUIRE_SERVERS") == "1"


def skip_or_fail(reason: str) -> None:
    """Skip with ``reason`` locally; fail under ``RAQIB_REQUIRE_SERVERS=1`` (set by .ci/run)."""
    if _require_servers():
        pytest.fail(f"{reason} (RAQIB_REQUIRE_SERVERS=1, so this is a failure)")
    pytest.skip(reason)


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request, tmp_path):  # type: ignore[no-untyped-def]
    """A fresh, empty database URL: a SQLite file, or a schema of its own in the PostgreSQL
    server named by RAQIB_TEST_PG_URL (dropped afterwards)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'raqib.db'}"
        return
    yield from _pg_schema_url(request.node.name)


def _pg_schema_url(name: str):  # type: ignore[no-untyped-def]
    base = os.environ.get("RAQIB_TEST_PG_URL")
    if not base:
        skip_or_fail("no PostgreSQL server: set RAQIB_TEST_PG_URL (bash scripts/start-postgres.sh prints one)")
    from raqib.store.scratch import scratch_schema

    with scratch_schema(base, "t_" + name) as url:
        yield url


@pytest.fixture
def pg_url(request):  # type: ignore[no-untyped-def]
    """A fresh PostgreSQL schema only (see ``store_url``)."""
    yield from _pg_schema_url(request.node.name)


def check_record_offsets(rec: dict, text: str) -> None:  # type: ignore[type-arg]
    """A valid output record whose every evidence, place and number offset points at ``text``."""
    from raqib.record import validate

    validate(rec)
    for item in rec["events"] + rec["control"]:
        start, end = item["evidence_span"]
        assert 0 <= start < end <= len(text)
        assert text[start:end] == item["evidence"]
    for ev in rec["events"]:
        loc = ev["location"]
        if loc and loc["start_char"] is not None:
            assert 0 <= loc["start_char"] < loc["end_char"] <= len(text)
            assert text[loc["start_char"] : loc["end_char"]] == loc["name_ar"]
        for q in ev["quantities"].values():
            assert 0 <= q["start_char"] < q["end_char"] <= len(text)
        if ev["date"]:
            assert ev["date"]["from"] <= ev["date"]["to"]
