"""The first schema (raqib 0.1, session 1): documents, events, control, first-stored days, baseline.

Revision ID: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table("raqib_meta", sa.Column("key", sa.String(64), primary_key=True), sa.Column("value", sa.Text))
    op.create_table(
        "documents",
        sa.Column("id", sa.String(200), primary_key=True),
        sa.Column("url", sa.Text),
        sa.Column("outlet", sa.Text),
        sa.Column("published", sa.String(10)),
        sa.Column("title", sa.Text),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("text_sha256", sa.String(64), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("reason", sa.Text),
        sa.Column("rules_version", sa.String(32)),
        sa.Column("gazetteer_version", sa.String(32)),
    )
    op.create_table(
        "events",
        sa.Column("pk", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("document_id", sa.String(200), sa.ForeignKey("documents.id", ondelete="CASCADE"), nullable=False),
        sa.Column("seq", sa.Integer, nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("actor1", sa.String(40)),
        sa.Column("actor2", sa.String(40)),
        sa.Column("place_ar", sa.Text),
        sa.Column("lat", sa.Float),
        sa.Column("lon", sa.Float),
        sa.Column("gazetteer_id", sa.String(64)),
        sa.Column("date_from", sa.String(10)),
        sa.Column("date_to", sa.String(10)),
        sa.Column("certainty", sa.String(16)),
        sa.Column("evidence", sa.Text, nullable=False),
        sa.Column("evidence_start", sa.Integer, nullable=False),
        sa.Column("evidence_end", sa.Integer, nullable=False),
        sa.Column("rule_id", sa.String(80), nullable=False),
        sa.Column("record", sa.JSON, nullable=False),
    )
    for col in ("document_id", "kind", "actor1", "date_from"):
        op.create_index(f"ix_events_{col}", "events", [col])
    op.create_table(
        "control",
        sa.Column("pk", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("document_id", sa.String(200), sa.ForeignKey("documents.id", ondelete="CASCADE"), nullable=False),
        sa.Column("seq", sa.Integer, nullable=False),
        sa.Column("place_ar", sa.Text, nullable=False),
        sa.Column("controller", sa.String(40), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("as_of", sa.String(10)),
        sa.Column("lat", sa.Float),
        sa.Column("lon", sa.Float),
        sa.Column("gazetteer_id", sa.String(64)),
        sa.Column("evidence", sa.Text, nullable=False),
        sa.Column("record", sa.JSON, nullable=False),
    )
    op.create_index("ix_control_document_id", "control", ["document_id"])
    op.create_index("ix_control_controller", "control", ["controller"])
    op.create_table(
        "document_first_stored",
        sa.Column("document_id", sa.String(200), primary_key=True),
        sa.Column("day", sa.String(10), nullable=False),
    )
    op.create_table(
        "baseline_control",
        sa.Column("pk", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("source", sa.String(200), nullable=False),
        sa.Column("seq", sa.Integer, nullable=False),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("label", sa.Text),
        sa.Column("controller", sa.String(40), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("valid_from", sa.String(10), nullable=False),
        sa.Column("valid_to", sa.String(10), nullable=False),
        sa.Column("lat", sa.Float),
        sa.Column("lon", sa.Float),
        sa.Column("gazetteer_id", sa.String(64)),
        sa.Column("pcode", sa.String(32)),
        sa.Column("mark", sa.Text),
        sa.Column("symbol", sa.String(40)),
        sa.Column("evidence", sa.Text, nullable=False),
    )
    op.create_index("ix_baseline_control_source", "baseline_control", ["source"])
    op.execute("INSERT INTO raqib_meta (key, value) VALUES ('schema_version', '1')")


def downgrade() -> None:
    for table in ("baseline_control", "document_first_stored", "control", "events", "documents", "raqib_meta"):
        op.drop_table(table)
