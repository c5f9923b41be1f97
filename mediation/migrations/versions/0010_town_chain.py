"""Each town's chain (``mediation.chain``): a ``chain_link`` per row a count reads, written by
the database's own triggers; what existed before is linked as it is now, in the migration's
one transaction. On PostgreSQL the server's rules are installed anew (``mediation.logins``):
functions answer for the connected login only and are no one's by default, a new user's
village must be of their town, and the numbering belongs to the town's own people.

Revision ID: 0010
Revises: 0009
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    from mediation import chain, logins

    op.create_table(
        "chain_link",
        sa.Column("town_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("tx", sa.String(), nullable=False),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column("item_hash", sa.String(), nullable=False),
        sa.Column("hash", sa.String(), nullable=False),
        sa.PrimaryKeyConstraint("town_id", "seq"),
    )
    bind = op.get_bind()
    chain.install(bind)
    chain.relink(bind)
    logins.install(bind)


def downgrade() -> None:
    from mediation import chain, logins

    bind = op.get_bind()
    chain.uninstall(bind)
    if bind.dialect.name == "postgresql":
        op.execute("DROP POLICY IF EXISTS mediation_read ON chain_link")
    op.drop_table("chain_link")
    logins.install(bind)
