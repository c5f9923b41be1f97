"""People come and go: a user's login is known by its identity on the server (``login_oid``),
not its name alone, so a role made later under the same name is nobody; a user may be retired
(``retired_at``); what befalls a user after they were added is kept in ``user_event``
(``mediation.logins`` installed anew for the new functions and rights). The tables every user
reads whole (towns, villages, the calendar, the revision) answer only to a user of this
database: the group roles are the server's, shared with any other mediation database on it.

Existing logins take the identity of the role of their name now on the server; a user whose
login is missing gets none (``user list`` shows it, ``user relink`` repairs it).

Revision ID: 0015
Revises: 0014
"""

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    from mediation import logins

    bind = op.get_bind()
    with op.batch_alter_table("app_user") as batch:
        batch.add_column(sa.Column("login_oid", sa.BigInteger(), nullable=True))
        batch.add_column(sa.Column("retired_at", sa.DateTime(timezone=True), nullable=True))
    op.create_table(
        "user_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("town_id", sa.Integer(), nullable=True),
        sa.Column("trigger", sa.String(), nullable=False),
        sa.Column("actor", sa.String(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("note", sa.String(), nullable=True),
        sa.Column("values", sa.JSON(), nullable=True),
        sa.ForeignKeyConstraint(["town_id"], ["town.id"]),
        sa.ForeignKeyConstraint(["user_id"], ["app_user.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_user_event_user_id", "user_event", ["user_id"])
    if bind.dialect.name == "postgresql":
        bind.exec_driver_sql("UPDATE app_user u SET login_oid = r.oid FROM pg_roles r WHERE r.rolname = u.login")
    logins.install(bind)


def downgrade() -> None:
    from mediation import logins

    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        for policy in ("mediation_change", "mediation_add"):  # (they read the columns dropped; made anew below)
            bind.exec_driver_sql(f"DROP POLICY IF EXISTS {policy} ON app_user")
        for table in sorted(logins.SHARED):  # read by every login of the server again, as before
            for policy in ("mediation_read", "mediation_add", "mediation_change"):
                bind.exec_driver_sql(f"DROP POLICY IF EXISTS {policy} ON {table}")
            bind.exec_driver_sql(f"ALTER TABLE {table} DISABLE ROW LEVEL SECURITY")
        for fn in logins.FUNCTIONS_SINCE_0015:
            bind.exec_driver_sql(f"DROP FUNCTION IF EXISTS {fn}")
        # (a later release's check of user changes reads the columns dropped; ``install`` below
        # makes it only where users are known by their login's identity, as from here on)
        logins.drop_user_changes(bind)
    op.drop_index("ix_user_event_user_id", table_name="user_event")
    op.drop_table("user_event")
    with op.batch_alter_table("app_user") as batch:
        batch.drop_column("retired_at")
        batch.drop_column("login_oid")
    logins.install(bind)
