"""follows version: a counter on each reader that every follow, mute or unfollow moves, so a
serving process can keep a reader's follows until they change (read with the reader, in one
query per feed request)

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("readers") as batch:
        batch.add_column(
            sa.Column("follows_version", sa.Integer(), server_default="0", nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("readers") as batch:
        batch.drop_column("follows_version")
