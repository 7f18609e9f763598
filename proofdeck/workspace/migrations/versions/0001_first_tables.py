"""The first tables: blobs, pocs, links, marks.

Revision ID: 0001
Revises:
Create Date: 2026-12-06
"""
import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "blobs",
        sa.Column("digest", sa.String(64), primary_key=True),
        sa.Column("data", sa.LargeBinary, nullable=False),
        sa.Column("size", sa.BigInteger, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "pocs",
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
    op.create_table(
        "links",
        sa.Column("selector", sa.String(32), primary_key=True),
        sa.Column("poc_id", sa.String(32), sa.ForeignKey("pocs.id", ondelete="CASCADE"), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("secret_hash", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True)),
        sa.Column("revoked_at", sa.DateTime(timezone=True)),
    )
    op.create_index("ix_links_poc_id", "links", ["poc_id"])
    op.create_table(
        "marks",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("poc_id", sa.String(32), sa.ForeignKey("pocs.id", ondelete="CASCADE"), nullable=False),
        sa.Column("example_id", sa.String(200), nullable=False),
        sa.Column("verdict", sa.String(8), nullable=False),
        sa.Column("reason", sa.String(300), nullable=False),
        sa.Column("reviewer", sa.String(60), nullable=False),
        sa.Column("marked_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_marks_poc_id", "marks", ["poc_id"])


def downgrade() -> None:
    op.drop_table("marks")
    op.drop_table("links")
    op.drop_table("pocs")
    op.drop_table("blobs")
