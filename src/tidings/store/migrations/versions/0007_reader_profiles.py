"""reader profiles: each reader's feed profile as built, shared by every serving process

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "reader_profiles",
        sa.Column(
            "reader_id",
            sa.Integer,
            sa.ForeignKey(
                "readers.id", ondelete="CASCADE", name="fk_reader_profiles_reader_id_readers"
            ),
            nullable=False,
        ),
        sa.Column("events", sa.Integer, nullable=False),
        sa.Column("last_event", sa.Integer, nullable=False),
        sa.Column("built_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("format", sa.Integer, nullable=False),
        sa.Column("data", sa.LargeBinary, nullable=False),
        sa.PrimaryKeyConstraint("reader_id", name="pk_reader_profiles"),
    )


def downgrade() -> None:
    op.drop_table("reader_profiles")
