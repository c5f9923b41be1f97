"""Who acts: a user may have their own PostgreSQL login (``app_user.login``); on PostgreSQL,
group roles, rights and row-level security policies limit each login to its user's rows
(``mediation.logins``, which also installs them on a newly created schema).

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    from mediation import logins

    with op.batch_alter_table("app_user") as t:
        t.add_column(sa.Column("login", sa.String(), nullable=True))
        t.create_unique_constraint("uq_app_user_login", ["login"])
    logins.install(op.get_bind())


def downgrade() -> None:
    from mediation import logins

    logins.uninstall(op.get_bind())
    with op.batch_alter_table("app_user") as t:
        t.drop_constraint("uq_app_user_login", type_="unique")
        t.drop_column("login")
