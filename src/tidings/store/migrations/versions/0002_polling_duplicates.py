"""polite polling, dead sources, near duplicates, deferred enrichment

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("sources") as batch:
        batch.add_column(sa.Column("last_status", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("dead_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("dedup", sa.Boolean(), server_default=sa.true(), nullable=False))
    with op.batch_alter_table("articles") as batch:
        batch.add_column(sa.Column("duplicate_of", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("minhash", sa.LargeBinary(), nullable=True))
        batch.add_column(sa.Column("enriched_at", sa.DateTime(timezone=True), nullable=True))
        batch.create_foreign_key(
            batch.f("fk_articles_duplicate_of_articles"),
            "articles",
            ["duplicate_of"],
            ["id"],
            ondelete="SET NULL",
        )
        batch.create_index(batch.f("ix_articles_duplicate_of"), ["duplicate_of"])
        batch.create_index(batch.f("ix_articles_enriched_at"), ["enriched_at"])
    # Articles stored before 0002 were enriched when they were saved.
    op.execute("UPDATE articles SET enriched_at = fetched_at WHERE enriched_at IS NULL")


def downgrade() -> None:
    with op.batch_alter_table("articles") as batch:
        batch.drop_index(batch.f("ix_articles_enriched_at"))
        batch.drop_index(batch.f("ix_articles_duplicate_of"))
        batch.drop_constraint(batch.f("fk_articles_duplicate_of_articles"), type_="foreignkey")
        batch.drop_column("enriched_at")
        batch.drop_column("minhash")
        batch.drop_column("duplicate_of")
    with op.batch_alter_table("sources") as batch:
        batch.drop_column("dedup")
        batch.drop_column("dead_at")
        batch.drop_column("last_status")
