"""A tamper-evident trail: every event's ``hash`` links it to the previous event of its record,
and each record keeps its last event's hash (``last_hash``). Existing events are chained here,
in their order, so a database upgraded from an earlier release verifies clean.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

# (kind, record table, event table, foreign key, the event has a line)
CHAINS = (("case", "dispute_case", "case_event", "case_id", True),
          ("petition", "petition", "petition_event", "petition_id", False),
          ("matter", "matter", "matter_event", "matter_id", False),
          ("subject", "subject", "subject_event", "subject_id", False))


def upgrade() -> None:
    from mediation.audit import event_hash  # the chain's format is versioned inside the hash

    for _, records, events, _, _ in CHAINS:
        with op.batch_alter_table(events) as t:
            t.add_column(sa.Column("hash", sa.String(), nullable=True))
        with op.batch_alter_table(records) as t:
            t.add_column(sa.Column("last_hash", sa.String(), nullable=True))
    conn = op.get_bind()
    for kind, records, events, fk, has_line in CHAINS:
        line = ", line" if has_line else ""
        rows = conn.exec_driver_sql(
            f'SELECT id, {fk}, seq, "trigger", from_state, to_state{line}, actor, at, recorded_at, note, "values" '
            f"FROM {events} ORDER BY {fk}, seq").mappings().all()
        event_updates, record_updates = [], []
        prev, current = None, None
        for row in rows:
            if row[fk] != current:
                if current is not None:
                    record_updates.append({"h": prev, "id": current})
                current, prev = row[fk], None
            prev = event_hash(prev, kind, row[fk], dict(row))
            event_updates.append({"h": prev, "id": row["id"]})
        if current is not None:
            record_updates.append({"h": prev, "id": current})
        if event_updates:
            conn.execute(sa.text(f"UPDATE {events} SET hash = :h WHERE id = :id"), event_updates)
            conn.execute(sa.text(f"UPDATE {records} SET last_hash = :h WHERE id = :id"), record_updates)


def downgrade() -> None:
    # ALTER TABLE … DROP COLUMN directly (SQLite 3.35+ and PostgreSQL): a batch rebuild of a
    # table that others refer to fails on SQLite.
    for _, records, events, _, _ in CHAINS:
        op.execute(f"ALTER TABLE {records} DROP COLUMN last_hash")
        op.execute(f"ALTER TABLE {events} DROP COLUMN hash")
