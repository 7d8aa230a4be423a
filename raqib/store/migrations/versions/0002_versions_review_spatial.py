"""Schema 2: document versions, stable event ids, review (corrections + audit), input problems,
batch bookkeeping, and a spatial index (SQLite R*Tree / PostGIS).

Revision ID: 0002
"""

import json

import sqlalchemy as sa
from alembic import op

from raqib.store.keys import control_uids, event_uids

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def _json(value):  # type: ignore[no-untyped-def]
    return json.loads(value) if isinstance(value, str) else (value or {})


def upgrade() -> None:
    bind = op.get_bind()
    dialect = bind.dialect.name
    op.add_column("documents", sa.Column("version", sa.Integer, nullable=False, server_default="1"))
    op.add_column("documents", sa.Column("stored_at", sa.String(32)))
    op.create_table(
        "document_versions",
        sa.Column("document_id", sa.String(200), primary_key=True),
        sa.Column("version", sa.Integer, primary_key=True),
        sa.Column("url", sa.Text),
        sa.Column("published", sa.String(10)),
        sa.Column("title", sa.Text),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("text_sha256", sa.String(64), nullable=False),
        sa.Column("stored_at", sa.String(32), nullable=False),
    )
    op.execute(
        "INSERT INTO document_versions (document_id, version, url, published, title, text, text_sha256, stored_at) "
        "SELECT d.id, 1, d.url, d.published, d.title, d.text, d.text_sha256, "
        "COALESCE(f.day, '1970-01-01') FROM documents d LEFT JOIN document_first_stored f ON f.document_id = d.id"
    )
    for name, kind in (
        ("uid", sa.String(32)), ("document_version", sa.Integer), ("pcode", sa.String(32)),
        ("country", sa.String(8)), ("precision", sa.String(16)), ("rules_version", sa.String(32)),
        ("gazetteer_version", sa.String(32)), ("cluster", sa.String(64)), ("machine", sa.JSON),
    ):  # fmt: skip
        op.add_column("events", sa.Column(name, kind))
    op.add_column("events", sa.Column("review_status", sa.String(16), nullable=False, server_default="ok"))
    op.add_column("events", sa.Column("reviewed", sa.Boolean, nullable=False, server_default=sa.false()))
    op.create_index("ix_events_uid", "events", ["uid"])
    op.create_index("ix_events_date", "events", ["date_from", "date_to"])
    for name, kind in (("uid", sa.String(32)), ("machine", sa.JSON)):
        op.add_column("control", sa.Column(name, kind))
    op.add_column("control", sa.Column("review_status", sa.String(16), nullable=False, server_default="ok"))
    op.add_column("control", sa.Column("reviewed", sa.Boolean, nullable=False, server_default=sa.false()))
    op.create_index("ix_control_uid", "control", ["uid"])

    # Backfill: ids, versions and the location fields the queries filter on.
    rows = bind.execute(sa.text(
        "SELECT e.pk, e.document_id, e.evidence_start, e.evidence_end, e.record, d.rules_version, "
        "d.gazetteer_version FROM events e JOIN documents d ON d.id = e.document_id ORDER BY e.document_id, e.seq"
    )).all()  # fmt: skip
    by_doc: dict[str, list] = {}
    for r in rows:
        by_doc.setdefault(r.document_id, []).append(r)
    for doc_id, evs in by_doc.items():
        for r, uid in zip(evs, event_uids(doc_id, [(r.evidence_start, r.evidence_end) for r in evs]), strict=True):
            loc = _json(r.record).get("location") or {}
            bind.execute(
                sa.text("UPDATE events SET uid=:uid, document_version=1, pcode=:pcode, country=:country, "
                        "precision=:precision, rules_version=:rv, gazetteer_version=:gv WHERE pk=:pk"),
                {"uid": uid, "pcode": loc.get("pcode"), "country": loc.get("country"), "precision": loc.get("precision"),
                 "rv": r.rules_version, "gv": r.gazetteer_version, "pk": r.pk},
            )  # fmt: skip
    rows = bind.execute(sa.text("SELECT pk, document_id, place_ar, record FROM control ORDER BY document_id, seq")).all()
    by_doc = {}
    for r in rows:
        by_doc.setdefault(r.document_id, []).append(r)
    for doc_id, ctl in by_doc.items():
        keys = [(r.place_ar, *(_json(r.record).get("evidence_span") or (0, 0))) for r in ctl]
        for r, uid in zip(ctl, control_uids(doc_id, keys), strict=True):
            bind.execute(sa.text("UPDATE control SET uid=:uid WHERE pk=:pk"), {"uid": uid, "pk": r.pk})

    op.create_table(
        "corrections",
        sa.Column("pk", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("target", sa.String(16), nullable=False),
        sa.Column("uid", sa.String(32), nullable=False, index=True),
        sa.Column("document_id", sa.String(200), nullable=False, index=True),
        sa.Column("field", sa.String(32), nullable=False),
        sa.Column("value", sa.JSON),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("who", sa.String(120), nullable=False),
        sa.Column("at", sa.String(32), nullable=False),
    )
    op.create_table(
        "audit",
        sa.Column("pk", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("at", sa.String(32), nullable=False),
        sa.Column("who", sa.String(120), nullable=False),
        sa.Column("action", sa.String(32), nullable=False),
        sa.Column("target", sa.String(16), nullable=False),
        sa.Column("uid", sa.String(32), nullable=False, index=True),
        sa.Column("document_id", sa.String(200)),
        sa.Column("field", sa.String(32)),
        sa.Column("before", sa.JSON),
        sa.Column("after", sa.JSON),
        sa.Column("reason", sa.Text),
    )
    op.create_table(
        "input_problems",
        sa.Column("pk", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("origin", sa.Text, nullable=False),
        sa.Column("document_id", sa.String(200)),
        sa.Column("level", sa.String(16), nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("at", sa.String(32), nullable=False),
    )
    op.create_table(
        "batch_partitions",
        sa.Column("key", sa.String(128), primary_key=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
        sa.Column("documents", sa.Integer, nullable=False, server_default="0"),
        sa.Column("events", sa.Integer, nullable=False, server_default="0"),
        sa.Column("error", sa.Text),
        sa.Column("updated", sa.String(32), nullable=False),
    )

    if dialect == "sqlite":
        op.execute("CREATE VIRTUAL TABLE events_rtree USING rtree(id, min_lon, max_lon, min_lat, max_lat)")
        op.execute(
            "INSERT INTO events_rtree SELECT pk, lon, lon, lat, lat FROM events WHERE lat IS NOT NULL AND lon IS NOT NULL"
        )
        op.execute(
            "CREATE TRIGGER events_rtree_insert AFTER INSERT ON events WHEN new.lat IS NOT NULL AND new.lon IS NOT NULL "
            "BEGIN INSERT INTO events_rtree VALUES (new.pk, new.lon, new.lon, new.lat, new.lat); END"
        )
        op.execute(
            "CREATE TRIGGER events_rtree_delete AFTER DELETE ON events "
            "BEGIN DELETE FROM events_rtree WHERE id = old.pk; END"
        )
        op.execute(
            "CREATE TRIGGER events_rtree_update AFTER UPDATE OF lat, lon ON events BEGIN "
            "DELETE FROM events_rtree WHERE id = old.pk; "
            "INSERT INTO events_rtree SELECT new.pk, new.lon, new.lon, new.lat, new.lat "
            "WHERE new.lat IS NOT NULL AND new.lon IS NOT NULL; END"
        )
    elif dialect == "postgresql":
        op.execute("CREATE EXTENSION IF NOT EXISTS postgis")
        op.execute(
            "ALTER TABLE events ADD COLUMN geom geometry(Point, 4326) GENERATED ALWAYS AS "
            "(CASE WHEN lon IS NULL OR lat IS NULL THEN NULL ELSE ST_SetSRID(ST_MakePoint(lon, lat), 4326) END) STORED"
        )
        op.execute("CREATE INDEX ix_events_geom ON events USING GIST (geom)")
    op.execute("UPDATE raqib_meta SET value = '2' WHERE key = 'schema_version'")


def downgrade() -> None:
    raise NotImplementedError("raqib does not downgrade a store; restore a backup taken before the upgrade")
