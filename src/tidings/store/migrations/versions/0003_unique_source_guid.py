"""one article per (source, GUID), enforced by the database

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-29
"""

from __future__ import annotations

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Copies stored by a race before this revision: keep the first of each (source, GUID).
    op.execute(
        "DELETE FROM articles WHERE source_id IS NOT NULL AND guid IS NOT NULL AND id NOT IN "
        "(SELECT keep FROM (SELECT MIN(id) AS keep FROM articles "
        "WHERE source_id IS NOT NULL AND guid IS NOT NULL GROUP BY source_id, guid) AS firsts)"
    )
    with op.batch_alter_table("articles") as batch:
        batch.drop_index("ix_articles_source_guid")
        batch.create_index("ix_articles_source_guid", ["source_id", "guid"], unique=True)


def downgrade() -> None:
    with op.batch_alter_table("articles") as batch:
        batch.drop_index("ix_articles_source_guid")
        batch.create_index("ix_articles_source_guid", ["source_id", "guid"], unique=False)
