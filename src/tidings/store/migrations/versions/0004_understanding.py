"""understanding: summaries, embeddings, stories, entity aliases, quotes

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "stories",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("lead_article_id", sa.Integer(), nullable=True),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("size", sa.Integer(), server_default="1", nullable=False),
        sa.Column("first_at", TS, nullable=False),
        sa.Column("last_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stories")),
    )
    op.create_index("ix_stories_last_at", "stories", ["last_at"])
    with op.batch_alter_table("articles") as batch:
        batch.add_column(sa.Column("summary", sa.Text(), nullable=True))
        batch.add_column(sa.Column("embedding", sa.LargeBinary(), nullable=True))
        batch.add_column(sa.Column("embedding_key", sa.String(64), nullable=True))
        batch.add_column(sa.Column("story_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            batch.f("fk_articles_story_id_stories"),
            "stories",
            ["story_id"],
            ["id"],
            ondelete="SET NULL",
        )
        batch.create_index("ix_articles_embedding_key", ["embedding_key"])
        batch.create_index("ix_articles_story_id", ["story_id"])
    op.create_table(
        "entity_aliases",
        sa.Column("alias_key", sa.String(256), nullable=False),
        sa.Column("entity_id", sa.Integer(), nullable=False),
        sa.Column("alias", sa.String(256), nullable=False),
        sa.Column("count", sa.Integer(), server_default="1", nullable=False),
        sa.ForeignKeyConstraint(
            ["entity_id"],
            ["entities.id"],
            name=op.f("fk_entity_aliases_entity_id_entities"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("alias_key", "entity_id", name=op.f("pk_entity_aliases")),
    )
    op.create_index("ix_entity_aliases_entity", "entity_aliases", ["entity_id"])
    op.create_table(
        "quotes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("speaker", sa.String(512), nullable=True),
        sa.Column("speaker_key", sa.String(256), nullable=True),
        sa.Column("entity_id", sa.Integer(), nullable=True),
        sa.Column("paragraph", sa.Integer(), nullable=False),
        sa.Column("start_offset", sa.Integer(), nullable=False),
        sa.Column("end_offset", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["article_id"],
            ["articles.id"],
            name=op.f("fk_quotes_article_id_articles"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["entity_id"],
            ["entities.id"],
            name=op.f("fk_quotes_entity_id_entities"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_quotes")),
    )
    op.create_index("ix_quotes_article", "quotes", ["article_id"])
    op.create_index("ix_quotes_speaker_key", "quotes", ["speaker_key"])
    op.create_index("ix_quotes_entity", "quotes", ["entity_id"])
    # Articles enriched before 0004 have no topics, quotes, embedding or story yet: enrich
    # them again (the server and `tidings refresh` work through pending articles).
    op.execute("UPDATE articles SET enriched_at = NULL")


def downgrade() -> None:
    op.drop_index("ix_quotes_entity", table_name="quotes")
    op.drop_index("ix_quotes_speaker_key", table_name="quotes")
    op.drop_index("ix_quotes_article", table_name="quotes")
    op.drop_table("quotes")
    op.drop_index("ix_entity_aliases_entity", table_name="entity_aliases")
    op.drop_table("entity_aliases")
    with op.batch_alter_table("articles") as batch:
        batch.drop_index("ix_articles_story_id")
        batch.drop_index("ix_articles_embedding_key")
        batch.drop_constraint(batch.f("fk_articles_story_id_stories"), type_="foreignkey")
        batch.drop_column("story_id")
        batch.drop_column("embedding_key")
        batch.drop_column("embedding")
        batch.drop_column("summary")
    op.drop_index("ix_stories_last_at", table_name="stories")
    op.drop_table("stories")
