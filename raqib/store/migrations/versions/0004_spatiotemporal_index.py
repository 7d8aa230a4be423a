"""Schema 4: on PostgreSQL, one GiST index over (position, first day, last day) so that a query for
a box and a window reads only the events inside both (btree_gist gives GiST the day columns). It
replaces the position-only index. SQLite keeps its R*Tree of positions.

Revision ID: 0004
"""

from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE EXTENSION IF NOT EXISTS btree_gist")
        op.execute("CREATE INDEX ix_events_geom_date ON events USING GIST (geom, date_from, date_to)")
        op.execute("DROP INDEX IF EXISTS ix_events_geom")
    op.execute("UPDATE raqib_meta SET value = '4' WHERE key = 'schema_version'")


def downgrade() -> None:
    raise NotImplementedError("raqib does not downgrade a store; restore a backup taken before the upgrade")
