"""Every event carries its record's town (``town_id``, written from the record, which never
leaves its town), and on PostgreSQL the events' row-level security reads it: an office's
policy compares one column instead of looking up each event's record (``mediation.logins``).

Revision ID: 0009
Revises: 0008
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

# event table: (its record's key column, the record's table)
EVENTS = {"case_event": ("case_id", "dispute_case"), "petition_event": ("petition_id", "petition"),
          "matter_event": ("matter_id", "matter"), "subject_event": ("subject_id", "subject")}


def upgrade() -> None:
    from mediation import logins

    for table, (fk, parent) in EVENTS.items():
        with op.batch_alter_table(table) as t:
            t.add_column(sa.Column("town_id", sa.Integer(), nullable=True))
        op.execute(f"UPDATE {table} SET town_id = (SELECT p.town_id FROM {parent} p WHERE p.id = {table}.{fk})")
        with op.batch_alter_table(table) as t:
            t.alter_column("town_id", existing_type=sa.Integer(), nullable=False)
            t.create_foreign_key(f"fk_{table}_town_id", "town", ["town_id"], ["id"])
    logins.install(op.get_bind())  # PostgreSQL: the events' policies read the column


def downgrade() -> None:
    from mediation import logins

    if op.get_bind().dialect.name == "postgresql":
        for table in EVENTS:  # they read the column
            for name in ("mediation_office", "mediation_mediator"):
                op.execute(f"DROP POLICY IF EXISTS {name} ON {table}")
    for table in EVENTS:
        with op.batch_alter_table(table) as t:
            t.drop_column("town_id")  # and its foreign key (named here, unnamed in a new schema)
    logins.install(op.get_bind())  # PostgreSQL: the events' policy of 0006 again, through the record
