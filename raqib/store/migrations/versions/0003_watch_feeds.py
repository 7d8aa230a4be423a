"""Schema 3: ``watch_feeds``, what ``raqib watch`` remembers of each feed (validators, entries seen).

Revision ID: 0003
"""

import sqlalchemy as sa
from alembic import op

from raqib.store import own_tables

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if "watch_feeds" not in own_tables(op.get_bind()):
        op.create_table(
            "watch_feeds",
            sa.Column("feed", sa.String(64), primary_key=True),
            sa.Column("source", sa.Text, nullable=False),
            sa.Column("etag", sa.Text),
            sa.Column("last_modified", sa.Text),
            sa.Column("entries", sa.JSON),
            sa.Column("checked", sa.String(32)),
        )
    op.execute("UPDATE raqib_meta SET value = '3' WHERE key = 'schema_version'")


def downgrade() -> None:
    raise NotImplementedError("raqib does not downgrade a store; restore a backup taken before the upgrade")
