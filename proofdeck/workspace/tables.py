"""The workspace's tables (SQLAlchemy Core). Changes go through a new Alembic migration in
migrations/versions/, never an edit here alone: a server upgrades its database on start.

- ``blobs``: uploaded data as Parquet, keyed by its SHA-256, kept in the database itself so
  every server of a team reads it with no shared folder, and a save is one transaction.
- ``pocs``: one saved proof of concept: its spec text, what it reads (a blob or a bundled
  demo), its settings (assumptions, charter, setting) and a version for optimistic saves.
- ``links``: access tokens, split into a public selector and a secret whose SHA-256 is kept.
- ``marks``: the team's review of held-out examples.
"""

from __future__ import annotations

import sqlalchemy as sa

metadata = sa.MetaData()

blobs = sa.Table(
    "blobs", metadata,
    sa.Column("digest", sa.String(64), primary_key=True),
    sa.Column("data", sa.LargeBinary, nullable=False),
    sa.Column("size", sa.BigInteger, nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
)

pocs = sa.Table(
    "pocs", metadata,
    sa.Column("id", sa.String(32), primary_key=True),
    sa.Column("title", sa.String(300), nullable=False),
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("demo_key", sa.String(64)),
    sa.Column("spec_text", sa.Text, nullable=False),
    sa.Column("blob_digest", sa.String(64), sa.ForeignKey("blobs.digest")),
    sa.Column("settings", sa.JSON, nullable=False),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("updated_by", sa.String(60), nullable=False),
)

links = sa.Table(
    "links", metadata,
    sa.Column("selector", sa.String(32), primary_key=True),
    sa.Column("poc_id", sa.String(32), sa.ForeignKey("pocs.id", ondelete="CASCADE"), nullable=False, index=True),
    sa.Column("role", sa.String(16), nullable=False),
    sa.Column("secret_hash", sa.String(64), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("expires_at", sa.DateTime(timezone=True)),
    sa.Column("revoked_at", sa.DateTime(timezone=True)),
)

marks = sa.Table(
    "marks", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("poc_id", sa.String(32), sa.ForeignKey("pocs.id", ondelete="CASCADE"), nullable=False, index=True),
    sa.Column("example_id", sa.String(200), nullable=False),
    sa.Column("verdict", sa.String(8), nullable=False),
    sa.Column("reason", sa.String(300), nullable=False),
    sa.Column("reviewer", sa.String(60), nullable=False),
    sa.Column("marked_at", sa.DateTime(timezone=True), nullable=False),
)
