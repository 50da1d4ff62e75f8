"""Reference data: the Agenda 2030 framework, the MDGs and the Swedish units.

Revision ID: 0001
Revises:
Create Date: 2026-11-22
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "goal",
        sa.Column("number", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("short_sv", sa.Text(), nullable=False),
        sa.Column("short_en", sa.Text(), nullable=False),
        sa.Column("title_sv", sa.Text(), nullable=False),
        sa.Column("title_en", sa.Text(), nullable=False),
        sa.Column("colour", sa.String(7), nullable=False),
        sa.Column("aliases_sv", sa.JSON(), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("number", name="pk_goal"),
    )
    op.create_table(
        "target",
        sa.Column("id", sa.String(8), nullable=False),
        sa.Column("goal", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("text_en", sa.Text(), nullable=False),
        sa.Column("text_sv", sa.Text(), nullable=False),
        sa.Column("short_sv", sa.Text(), nullable=False),
        sa.Column("short_en", sa.Text(), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["goal"], ["goal.number"], name="fk_target_goal_goal"),
        sa.PrimaryKeyConstraint("id", name="pk_target"),
    )
    op.create_index("ix_target_goal", "target", ["goal"])
    op.create_table(
        "indicator",
        sa.Column("id", sa.String(12), nullable=False),
        sa.Column("target", sa.String(8), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("text_en", sa.Text(), nullable=False),
        sa.Column("text_sv", sa.Text(), nullable=True),
        sa.Column("same_as", sa.String(12), nullable=True),
        sa.Column("source", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["target"], ["target.id"], name="fk_indicator_target_target"),
        sa.ForeignKeyConstraint(
            ["same_as"], ["indicator.id"], name="fk_indicator_same_as_indicator"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_indicator"),
    )
    op.create_index("ix_indicator_target", "indicator", ["target"])
    op.create_table(
        "mdg",
        sa.Column("number", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("title_sv", sa.Text(), nullable=False),
        sa.Column("title_en", sa.Text(), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("number", name="pk_mdg"),
    )
    op.create_table(
        "county",
        sa.Column("code", sa.String(2), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("region", sa.String(4), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("code", name="pk_county"),
    )
    op.create_table(
        "kommungrupp",
        sa.Column("code", sa.String(2), nullable=False),
        sa.Column("main_group", sa.String(1), nullable=False),
        sa.Column("name_sv", sa.Text(), nullable=False),
        sa.Column("name_en", sa.Text(), nullable=False),
        sa.Column("kolada_group", sa.String(16), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("code", name="pk_kommungrupp"),
    )
    op.create_table(
        "place",
        sa.Column("id", sa.String(4), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("type", sa.String(1), nullable=False),
        sa.Column("county", sa.String(2), nullable=True),
        sa.Column("region", sa.String(4), nullable=True),
        sa.Column("kommungrupp", sa.String(2), nullable=True),
        sa.Column("source", sa.Text(), nullable=False),
        sa.CheckConstraint("type IN ('K', 'L')", name="ck_place_type"),
        sa.ForeignKeyConstraint(["county"], ["county.code"], name="fk_place_county_county"),
        sa.ForeignKeyConstraint(["region"], ["place.id"], name="fk_place_region_place"),
        sa.ForeignKeyConstraint(
            ["kommungrupp"], ["kommungrupp.code"], name="fk_place_kommungrupp_kommungrupp"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_place"),
    )
    op.create_index("ix_place_type", "place", ["type"])


def downgrade() -> None:
    op.drop_table("place")
    op.drop_table("kommungrupp")
    op.drop_table("county")
    op.drop_table("mdg")
    op.drop_table("indicator")
    op.drop_table("target")
    op.drop_table("goal")
