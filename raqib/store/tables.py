"""The tables of the store (schema version 2), as SQLAlchemy Core tables.

The migrations in ``raqib/store/migrations`` create and change them; this module is what the code
reads and writes through. Spatial look-ups use an R*Tree (``events_rtree``) on SQLite and a
generated PostGIS point (``events.geom``, GiST index) on PostgreSQL, both kept by the database
itself, so they are not declared here.
"""

from __future__ import annotations

from sqlalchemy import JSON, Boolean, Column, Float, ForeignKey, Index, Integer, MetaData, String, Table, Text

metadata = MetaData()

meta = Table("raqib_meta", metadata, Column("key", String(64), primary_key=True), Column("value", Text))

documents = Table(
    "documents",
    metadata,
    Column("id", String(200), primary_key=True),
    Column("url", Text),
    Column("outlet", Text),
    Column("published", String(10)),
    Column("title", Text),
    Column("text", Text, nullable=False),
    Column("text_sha256", String(64), nullable=False),
    Column("status", String(20), nullable=False, default="ok"),
    Column("reason", Text),
    Column("rules_version", String(32)),
    Column("gazetteer_version", String(32)),
    Column("version", Integer, nullable=False, default=1),
    Column("stored_at", String(32)),
)

# Every text a document id has had; the current one is also in ``documents``.
document_versions = Table(
    "document_versions",
    metadata,
    Column("document_id", String(200), primary_key=True),
    Column("version", Integer, primary_key=True),
    Column("url", Text),
    Column("published", String(10)),
    Column("title", Text),
    Column("text", Text, nullable=False),
    Column("text_sha256", String(64), nullable=False),
    Column("stored_at", String(32), nullable=False),
)

events = Table(
    "events",
    metadata,
    Column("pk", Integer, primary_key=True, autoincrement=True),
    Column("document_id", String(200), ForeignKey("documents.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("seq", Integer, nullable=False),
    Column("kind", String(32), nullable=False, index=True),
    Column("actor1", String(40), index=True),
    Column("actor2", String(40)),
    Column("place_ar", Text),
    Column("lat", Float),
    Column("lon", Float),
    Column("gazetteer_id", String(64)),
    Column("date_from", String(10)),  # ix_events_date (date_from, date_to) serves it
    Column("date_to", String(10)),
    Column("certainty", String(16)),
    Column("evidence", Text, nullable=False),
    Column("evidence_start", Integer, nullable=False),
    Column("evidence_end", Integer, nullable=False),
    Column("rule_id", String(80), nullable=False),
    Column("record", JSON, nullable=False),
    Column("uid", String(32), index=True),
    Column("document_version", Integer),
    Column("pcode", String(32)),
    Column("country", String(8)),
    Column("precision", String(16)),
    Column("rules_version", String(32)),
    Column("gazetteer_version", String(32)),
    Column("cluster", String(64)),
    Column("review_status", String(16), nullable=False, default="ok"),
    Column("reviewed", Boolean, nullable=False, default=False),
    Column("machine", JSON),
    Index("ix_events_date", "date_from", "date_to"),
)

control = Table(
    "control",
    metadata,
    Column("pk", Integer, primary_key=True, autoincrement=True),
    Column("document_id", String(200), ForeignKey("documents.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("seq", Integer, nullable=False),
    Column("place_ar", Text, nullable=False),
    Column("controller", String(40), nullable=False, index=True),
    Column("status", String(16), nullable=False),
    Column("as_of", String(10)),
    Column("lat", Float),
    Column("lon", Float),
    Column("gazetteer_id", String(64)),
    Column("evidence", Text, nullable=False),
    Column("record", JSON, nullable=False),
    Column("uid", String(32), index=True),
    Column("review_status", String(16), nullable=False, default="ok"),
    Column("reviewed", Boolean, nullable=False, default=False),
    Column("machine", JSON),
)

# The day a document was first stored, kept across re-stores (no foreign key: ``save`` deletes and
# re-inserts a changed document). The control timeline dates a claim whose report gives no day by it.
first_stored = Table(
    "document_first_stored",
    metadata,
    Column("document_id", String(200), primary_key=True),
    Column("day", String(10), nullable=False),
)

# Control marks of a map snapshot (see ``raqib.baseline``): a prior the reports then update. One row
# per side of a mark (a mixed or contested mark gives two).
baseline_control = Table(
    "baseline_control",
    metadata,
    Column("pk", Integer, primary_key=True, autoincrement=True),
    Column("source", String(200), nullable=False, index=True),
    Column("seq", Integer, nullable=False),
    Column("name", Text, nullable=False),
    Column("label", Text),
    Column("controller", String(40), nullable=False),
    Column("status", String(16), nullable=False),
    Column("valid_from", String(10), nullable=False),
    Column("valid_to", String(10), nullable=False),
    Column("lat", Float),
    Column("lon", Float),
    Column("gazetteer_id", String(64)),
    Column("pcode", String(32)),
    Column("mark", Text),
    Column("symbol", String(40)),
    Column("evidence", Text, nullable=False),
)

# Analyst corrections: applied to the machine's output every time a document is (re-)extracted,
# so they survive re-extraction and ``raqib reprocess``. ``target`` is "event" or "control".
corrections = Table(
    "corrections",
    metadata,
    Column("pk", Integer, primary_key=True, autoincrement=True),
    Column("target", String(16), nullable=False),
    Column("uid", String(32), nullable=False, index=True),
    Column("document_id", String(200), nullable=False, index=True),
    Column("field", String(32), nullable=False),
    Column("value", JSON),
    Column("reason", Text, nullable=False),
    Column("who", String(120), nullable=False),
    Column("at", String(32), nullable=False),
)

# Every change an analyst made, with what it was before and after.
audit = Table(
    "audit",
    metadata,
    Column("pk", Integer, primary_key=True, autoincrement=True),
    Column("at", String(32), nullable=False),
    Column("who", String(120), nullable=False),
    Column("action", String(32), nullable=False),
    Column("target", String(16), nullable=False),
    Column("uid", String(32), nullable=False, index=True),
    Column("document_id", String(200)),
    Column("field", String(32)),
    Column("before", JSON),
    Column("after", JSON),
    Column("reason", Text),
)

# Input that never became a document (unreadable file, feed that timed out), and why.
input_problems = Table(
    "input_problems",
    metadata,
    Column("pk", Integer, primary_key=True, autoincrement=True),
    Column("origin", Text, nullable=False),
    Column("document_id", String(200)),
    Column("level", String(16), nullable=False),
    Column("reason", Text, nullable=False),
    Column("at", String(32), nullable=False),
)

# Partitions a ``raqib batch`` run has finished (or given up on), so a restart skips them.
batch_partitions = Table(
    "batch_partitions",
    metadata,
    Column("key", String(128), primary_key=True),
    Column("status", String(16), nullable=False),
    Column("attempts", Integer, nullable=False, default=0),
    Column("documents", Integer, nullable=False, default=0),
    Column("events", Integer, nullable=False, default=0),
    Column("error", Text),
    Column("updated", String(32), nullable=False),
)

# SQLite only: the R*Tree of event positions and days (Julian day numbers), kept by triggers
# (migration 0004). Declared apart so that nothing creates it as an ordinary table.
spatial = MetaData()
events_rtree = Table(
    "events_rtree",
    spatial,
    Column("id", Integer, primary_key=True),
    Column("min_lon", Float),
    Column("max_lon", Float),
    Column("min_lat", Float),
    Column("max_lat", Float),
    Column("min_day", Float),
    Column("max_day", Float),
)

# What ``raqib watch`` remembers of each feed across restarts.
watch_feeds = Table(
    "watch_feeds",
    metadata,
    Column("feed", String(64), primary_key=True),  # sha256 of ``source``: URLs can be long
    Column("source", Text, nullable=False),  # the feed URL or file path as given
    Column("etag", Text),  # the server's ETag, or the sha256 of a feed file's bytes
    Column("last_modified", Text),  # the server's Last-Modified
    Column("entries", JSON),  # {entry key: fingerprint} of the entries handled in the last full read
    Column("checked", String(32)),  # when the feed was last read without a problem (UTC, ISO)
)
