"""Reading a citizen's ID number leaves a trace: who saw a record's personal data in full
(``--unmask``), when, and which record.

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "access_log",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("town_id", sa.Integer(), sa.ForeignKey("town.id"), nullable=False),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column("actor", sa.String(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("what", sa.String(), nullable=False),
    )
    op.create_index("ix_access_log_record", "access_log", ["kind", "record_id"])


def downgrade() -> None:
    op.drop_index("ix_access_log_record", table_name="access_log")
    op.drop_table("access_log")
