"""feed impressions: what each served feed page showed, with the features that placed it

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "feed_impressions",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "reader_id",
            sa.Integer,
            sa.ForeignKey(
                "readers.id", ondelete="CASCADE", name="fk_feed_impressions_reader_id_readers"
            ),
            nullable=False,
        ),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("article_ids", sa.JSON, nullable=False),
        sa.Column("features", sa.LargeBinary),
        sa.Column("model", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_feed_impressions"),
    )
    op.create_index("ix_feed_impressions_reader_at", "feed_impressions", ["reader_id", "at"])
    op.create_index("ix_feed_impressions_at", "feed_impressions", ["at"])


def downgrade() -> None:
    op.drop_index("ix_feed_impressions_at", table_name="feed_impressions")
    op.drop_index("ix_feed_impressions_reader_at", table_name="feed_impressions")
    op.drop_table("feed_impressions")
