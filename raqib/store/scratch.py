"""A PostgreSQL schema of one's own for a test or a benchmark run, dropped afterwards."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def scratch_schema(base: str, prefix: str) -> Iterator[str]:
    """Create a fresh schema named ``prefix`` + a random suffix in the server at ``base`` and yield a
    URL whose connections use it first (``search_path`` = the schema, then ``public`` for PostGIS);
    the schema and everything in it is dropped on exit."""
    import sqlalchemy as sa

    schema = "".join(c if c.isalnum() else "_" for c in prefix.lower())[:40] + "_" + uuid.uuid4().hex[:8]
    admin = sa.create_engine(base)
    try:
        with admin.begin() as conn:
            conn.execute(sa.schema.CreateSchema(schema))
        sep = "&" if "?" in base else "?"
        try:
            yield f"{base}{sep}options=-csearch_path%3D{schema},public"
        finally:
            with admin.begin() as conn:
                conn.execute(sa.schema.DropSchema(schema, cascade=True))
    finally:
        admin.dispose()
