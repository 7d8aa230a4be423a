"""Alembic environment: raqib passes its own open connection in ``config.attributes``."""

from __future__ import annotations

from alembic import context
from sqlalchemy import text

connection = context.config.attributes["connection"]
# On PostgreSQL the version table is looked for in the schema raqib writes to (the first of the
# search_path), never in a later one: a store in its own schema next to one in ``public`` is its own.
schema = connection.execute(text("SELECT current_schema()")).scalar() if connection.dialect.name == "postgresql" else None
context.configure(
    connection=connection,
    target_metadata=None,
    render_as_batch=connection.dialect.name == "sqlite",
    version_table_schema=schema,
)
with context.begin_transaction():
    context.run_migrations()
