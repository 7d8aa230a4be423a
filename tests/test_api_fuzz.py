"""schemathesis against the live API: every operation of ``/openapi.json``, with valid and invalid
inputs (its examples, coverage and fuzzing phases), on a server over SQLite and over PostgreSQL that
holds the 64 dev reports.

Checked on every response: no 5xx; the status code, content type, headers and body are the ones
``/openapi.json`` documents (the response models of ``raqib.api_schema`` forbid undocumented keys);
schema-violating input is refused with a 4xx; and every error has the one JSON error shape
``{"error": {"status", "code", "message"}}``.

Not checked: ``positive_data_acceptance`` (that every schema-valid request succeeds). Some rules span
several parameters and cannot be written in OpenAPI: ``to`` before ``from`` is a 422, and
``/api/places/history`` wants exactly one of ``name`` and ``gazetteer_id``.

``RAQIB_FUZZ_EXAMPLES`` (default 25) sets the fuzzing examples per operation; the whole file takes
about a minute.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from conftest import DEV, _pg_schema_url
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from test_api import serving

TOKEN = "fuzz-token-6c2e"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
EXAMPLES = int(os.environ.get("RAQIB_FUZZ_EXAMPLES", "25"))


def error_shape(ctx: Any, response: Any, case: Any) -> bool | None:
    """Every 4xx and 5xx answers with raqib's one error shape, with its own status in it."""
    if response.status_code < 400:
        return None
    assert response.headers.get("content-type", [""])[0].startswith("application/json"), response.headers
    body = json.loads(response.content)
    assert set(body) == {"error"}, body
    err = body["error"]
    assert set(err) == {"status", "code", "message"}, err
    assert err["status"] == response.status_code, err
    assert isinstance(err["code"], str) and err["code"], err
    assert isinstance(err["message"], str) and err["message"].strip(), err
    return True


CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_headers_conformance,
          response_schema_conformance, negative_data_rejection, error_shape]  # fmt: skip


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def live_api(request, res, tmp_path_factory) -> Iterator[str]:  # type: ignore[no-untyped-def]
    """A server on loopback, with a write token, over a store holding the dev reports."""
    from raqib.api import create_app
    from raqib.ingest import document_from_json
    from raqib.pipeline import process
    from raqib.store import open_store

    with contextlib.ExitStack() as stack:
        if request.param == "sqlite":
            url = f"sqlite:///{tmp_path_factory.mktemp('fuzz') / 'raqib.db'}"
        else:
            urls = _pg_schema_url(f"fuzz_{request.param}")
            url = next(urls)
            stack.callback(lambda: next(urls, None))  # drops the schema
        docs = [document_from_json(json.loads(p.read_text("utf-8")), p.name) for p in sorted(DEV.glob("*.json"))]
        store = open_store(url)
        store.save_many([(d, process(d, res)) for d in docs], res.versions)
        store.engine.dispose()
        app = create_app(url, token=TOKEN)
        stack.callback(app.state.raqib.store.engine.dispose)
        yield stack.enter_context(serving(app))


@pytest.fixture
def api_schema(live_api):  # type: ignore[no-untyped-def]
    return schemathesis.openapi.from_url(f"{live_api}/openapi.json")


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), print_blob=True)
def test_every_operation_conforms(case):  # type: ignore[no-untyped-def]
    case.call_and_validate(headers=AUTH, checks=CHECKS, timeout=30)


def test_the_schema_lists_every_operation_and_its_errors(live_api):  # type: ignore[no-untyped-def]
    """The fuzzing above covers what /openapi.json lists: check that it lists every route, and
    documents the error shape on each."""
    import httpx

    spec = httpx.get(f"{live_api}/openapi.json").json()
    ops = {(m.upper(), p) for p, item in spec["paths"].items() for m in item}
    assert ops == {
        ("GET", "/api/events"), ("GET", "/api/events.geojson"), ("GET", "/api/events/{uid}"),
        ("GET", "/api/documents/{document_id}"), ("POST", "/api/documents"),
        ("POST", "/api/events/{uid}/corrections"), ("POST", "/api/control/{uid}/corrections"),
        ("GET", "/api/control/map"), ("GET", "/api/control/changes"), ("GET", "/api/places/history"),
        ("GET", "/api/meta"), ("GET", "/api/basemap"),
    }  # fmt: skip
    for path, item in spec["paths"].items():
        for method, op in item.items():
            for status in ("401", "403", "404", "422", "500"):
                content = op["responses"][status]["content"]
                assert content == {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorOut"}}}, (
                    method, path, status)  # fmt: skip
    err = spec["components"]["schemas"]["ErrorOut"]
    assert err["additionalProperties"] is False and err["required"] == ["error"]
