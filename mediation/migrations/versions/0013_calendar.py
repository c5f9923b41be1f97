"""The State Council's holiday notices in the database (``mediation calendar load``), so that
every terminal counts periods on the same calendar; on PostgreSQL every login reads them and
the offices load them (``mediation.logins``).

Revision ID: 0013
Revises: 0012
"""

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    from mediation import logins

    op.create_table(
        "calendar_year",
        sa.Column("year", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("holidays", sa.JSON(), nullable=False),
        sa.Column("workdays", sa.JSON(), nullable=False),
        sa.Column("source", sa.String(), nullable=False),
        sa.Column("loaded_by", sa.String(), nullable=False),
        sa.Column("loaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("year"),
    )
    logins.install(op.get_bind())


def downgrade() -> None:
    from mediation import logins

    op.drop_table("calendar_year")
    logins.install(op.get_bind())
