"""Legal clocks, third pass: how many days a 复议 decision period was extended by (at most 30;
earlier extensions were 30), the instance of a judgment (the second is final, 两审终审), and
the day a petition's written notice of 不予受理 was served (信访工作条例第22条; a refusal
recorded before this release has no deadline for it, and may still record the notice). Both are NULL on existing rows, so the town chains' links stand; the chain
triggers are installed anew to cover the new columns. Existing rows are not filled in: a row
changed by a migration has no step of its record, which ``audit verify`` rightly names. A
second-instance judgment recorded before this release counts as a first (its appeal clock
runs); the office corrects it by ``undo`` and recording the judgment again.

Revision ID: 0012
Revises: 0011
"""

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    from mediation import chain, logins

    op.add_column("matter", sa.Column("extension_days", sa.Integer(), nullable=True))
    op.add_column("matter", sa.Column("instance", sa.Integer(), nullable=True))
    op.add_column("petition", sa.Column("notified_at", sa.DateTime(timezone=True), nullable=True))
    bind = op.get_bind()
    chain.install(bind)
    logins.install(bind)


def downgrade() -> None:
    from mediation import chain, logins

    bind = op.get_bind()
    chain.uninstall(bind)  # (the triggers name the columns)
    op.drop_column("matter", "instance")  # (SQLite drops a plain column in place, since 3.35)
    op.drop_column("matter", "extension_days")
    op.drop_column("petition", "notified_at")
    chain.install(bind)
    logins.install(bind)
