"""Undo and void: each event keeps the record's columns as they were before it (``prior``), so the last
step can be taken back by a compensating ``undo`` event; the step taken back is kept, marked
``undone``, and left out of every count. Events written before this revision have no
``prior`` and cannot be undone.

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

EVENTS = ("case_event", "petition_event", "matter_event", "subject_event")


def upgrade() -> None:
    for events in EVENTS:
        with op.batch_alter_table(events) as t:
            t.add_column(sa.Column("prior", sa.JSON(none_as_null=True), nullable=True))
            # A plain-text default: an SQL expression would make Alembic rebuild the table on SQLite.
            t.add_column(sa.Column("undone", sa.Boolean(), nullable=False, server_default="0"))
    # The year-end totals leave undone steps out: the indexes they are answered from cover it.
    op.drop_index("ix_case_event_trigger_at", table_name="case_event")
    op.create_index("ix_case_event_trigger_at", "case_event", ["trigger", "at", "case_id", "undone"])
    op.drop_index("ix_petition_event_trigger_at", table_name="petition_event")
    op.create_index("ix_petition_event_trigger_at", "petition_event", ["trigger", "at", "undone"])
    # … and a voided case is in no count: the registrations' index covers its state.
    op.drop_index("ix_case_report", table_name="dispute_case")
    op.create_index("ix_case_report", "dispute_case",
                    ["registered_at", "town_id", "village_id", "type", "kind", "state"])


def downgrade() -> None:
    op.drop_index("ix_case_report", table_name="dispute_case")
    op.create_index("ix_case_report", "dispute_case", ["registered_at", "town_id", "village_id", "type", "kind"])
    op.drop_index("ix_case_event_trigger_at", table_name="case_event")
    op.create_index("ix_case_event_trigger_at", "case_event", ["trigger", "at", "case_id"])
    op.drop_index("ix_petition_event_trigger_at", table_name="petition_event")
    op.create_index("ix_petition_event_trigger_at", "petition_event", ["trigger", "at"])
    for events in EVENTS:
        op.execute(f"ALTER TABLE {events} DROP COLUMN undone")
        op.execute(f"ALTER TABLE {events} DROP COLUMN prior")
