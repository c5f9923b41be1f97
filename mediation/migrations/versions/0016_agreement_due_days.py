"""An agreement's two days to come back to (issue "The office's day and month"): its 履行期限
(``performance_due``, the day the parties agreed to perform by, typed with ``agree``) and its
回访 (``visit_due``: the agreement's day plus the days the office set for the category,
``config.VISIT_DAYS``), which the agenda lists. NULL on existing rows; the chain triggers are
installed anew to cover the new columns.

Revision ID: 0016
Revises: 0015
"""

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None

COLUMNS = ("performance_due", "visit_due")


def upgrade() -> None:
    from mediation import chain, logins

    for name in COLUMNS:
        op.add_column("dispute_case", sa.Column(name, sa.DateTime(timezone=True), nullable=True))
    bind = op.get_bind()
    chain.install(bind)
    logins.install(bind)


def downgrade() -> None:
    from mediation import chain, logins

    bind = op.get_bind()
    chain.uninstall(bind)  # (the triggers name the columns)
    for name in COLUMNS:
        op.drop_column("dispute_case", name)
    chain.install(bind)
    logins.install(bind)
