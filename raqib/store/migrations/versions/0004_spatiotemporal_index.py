"""Schema 4: one index over position and days, so that a query for a box and a window reads only
the events inside both.

- PostgreSQL: a GiST index over (geom, date_from, date_to) (btree_gist gives GiST the day columns),
  replacing the position-only index.
- SQLite: the R*Tree gains two dimensions, the first and last day as Julian day numbers, and holds
  every event: one without a position gets the whole world as its box (never inside a query's box),
  one without a day gets day 0 (never inside a query's window).

Revision ID: 0004
"""

from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

_BOX = (
    "COALESCE(new.lon, -180), COALESCE(new.lon, 180), COALESCE(new.lat, -90), COALESCE(new.lat, 90), "
    "COALESCE(julianday(new.date_from), 0), COALESCE(julianday(COALESCE(new.date_to, new.date_from)), 0)"
)


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute("CREATE EXTENSION IF NOT EXISTS btree_gist SCHEMA public")  # never inside a schema dropped with its store
        op.execute("CREATE INDEX ix_events_geom_date ON events USING GIST (geom, date_from, date_to)")
        op.execute("DROP INDEX IF EXISTS ix_events_geom")
    elif dialect == "sqlite":
        for trigger in ("insert", "delete", "update"):
            op.execute(f"DROP TRIGGER IF EXISTS events_rtree_{trigger}")
        op.execute("DROP TABLE IF EXISTS events_rtree")
        op.execute(
            "CREATE VIRTUAL TABLE events_rtree USING rtree(id, min_lon, max_lon, min_lat, max_lat, min_day, max_day)"
        )
        op.execute(f"INSERT INTO events_rtree SELECT new.pk, {_BOX} FROM events AS new")
        op.execute(f"CREATE TRIGGER events_rtree_insert AFTER INSERT ON events BEGIN "
                   f"INSERT INTO events_rtree VALUES (new.pk, {_BOX}); END")  # fmt: skip
        op.execute(
            "CREATE TRIGGER events_rtree_delete AFTER DELETE ON events "
            "BEGIN DELETE FROM events_rtree WHERE id = old.pk; END"
        )
        op.execute(f"CREATE TRIGGER events_rtree_update AFTER UPDATE OF lat, lon, date_from, date_to ON events "
                   f"BEGIN DELETE FROM events_rtree WHERE id = old.pk; "
                   f"INSERT INTO events_rtree VALUES (new.pk, {_BOX}); END")  # fmt: skip
    op.execute("UPDATE raqib_meta SET value = '4' WHERE key = 'schema_version'")


def downgrade() -> None:
    raise NotImplementedError("raqib does not downgrade a store; restore a backup taken before the upgrade")
