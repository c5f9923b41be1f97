"""A dispute's redirect tells the party their own clock, as a petition's does (when they knew,
the last day and the law), and a 司法确认 application records the court's 受理, from which its
15 days count. NULL on existing rows: the town chains' links stand; the chain triggers are
installed anew to cover the new columns.

Revision ID: 0014
Revises: 0013
"""

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

COLUMNS = (("confirmation_accepted_at", sa.DateTime(timezone=True)), ("channel_deadline", sa.DateTime(timezone=True)),
           ("channel_law", sa.String()))


def upgrade() -> None:
    from mediation import chain, logins

    for name, kind in COLUMNS:
        op.add_column("dispute_case", sa.Column(name, kind, nullable=True))
    bind = op.get_bind()
    chain.install(bind)
    logins.install(bind)


def downgrade() -> None:
    from mediation import chain, logins

    bind = op.get_bind()
    chain.uninstall(bind)  # (the triggers name the columns)
    for name, _kind in COLUMNS:
        op.drop_column("dispute_case", name)
    chain.install(bind)
    logins.install(bind)
