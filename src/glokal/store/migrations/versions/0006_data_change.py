"""A change counter raised by triggers on every table the public pages show

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01

SQLite: a row trigger per table and operation raises the counter in the writing transaction.
PostgreSQL: a deferred constraint trigger raises it once per transaction, at commit, so that
writers never queue on the counter's row while holding other rows' locks (no deadlocks).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# What the public pages and the JSON API show, apart from what has a version of its own
# (Kolada values: the sync run's end; the analysis: its newest row; the audit log: its id).
# Users, sessions and tokens are left out: a login must not throw away every kept page.
WATCHED = (
    "place", "kolada_kpi", "kolada_group", "kolada_group_member", "kpi_goal", "kpi_polarity",
    "goal_assessment", "priority_goal", "local_goal", "local_goal_target", "local_indicator",
    "local_indicator_value", "programme", "activity", "activity_goal", "activity_target",
    "activity_partner", "activity_funding", "icld_report", "programme_step",
    "programme_target", "programme_member", "programme_step_taken", "programme_event",
    "programme_event_unit", "comment",
)  # fmt: skip
OPERATIONS = ("INSERT", "UPDATE", "DELETE")

POSTGRES_FUNCTION = """
CREATE OR REPLACE FUNCTION glokal_data_changed() RETURNS trigger AS $$
BEGIN
    -- Once per transaction: the first row's trigger raises the counter, the others see the flag.
    IF coalesce(current_setting('glokal.data_changed', true), '') <> txid_current()::text THEN
        PERFORM set_config('glokal.data_changed', txid_current()::text, true);
        UPDATE data_change SET counter = counter + 1 WHERE id = 1;
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql
"""


def upgrade() -> None:
    op.create_table(
        "data_change",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("counter", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_data_change")),
    )
    op.execute("INSERT INTO data_change (id, counter) VALUES (1, 0)")
    if op.get_context().dialect.name == "postgresql":
        op.execute(POSTGRES_FUNCTION)
        for table in WATCHED:
            op.execute(
                f"CREATE CONSTRAINT TRIGGER glokal_changed_{table} "
                f"AFTER INSERT OR UPDATE OR DELETE ON {table} "
                "DEFERRABLE INITIALLY DEFERRED FOR EACH ROW "
                "EXECUTE FUNCTION glokal_data_changed()"
            )
        return
    for table in WATCHED:
        for operation in OPERATIONS:
            op.execute(
                f"CREATE TRIGGER glokal_changed_{table}_{operation.lower()} "
                f"AFTER {operation} ON {table} "
                "BEGIN UPDATE data_change SET counter = counter + 1 WHERE id = 1; END"
            )


def downgrade() -> None:
    if op.get_context().dialect.name == "postgresql":
        for table in WATCHED:
            op.execute(f"DROP TRIGGER IF EXISTS glokal_changed_{table} ON {table}")
        op.execute("DROP FUNCTION IF EXISTS glokal_data_changed()")
    else:
        for table in WATCHED:
            for operation in OPERATIONS:
                op.execute(f"DROP TRIGGER IF EXISTS glokal_changed_{table}_{operation.lower()}")
    op.drop_table("data_change")
