"""PostgreSQL: what plain SQL could do that the program never does, refused by the server.

What a person's login writes under a name — a step's event, a screening round, a
zero report, an employment, an attachment, a holiday notice loaded — is written under their
own name (``logins.SIGNED``: a restrictive policy on INSERT, and on UPDATE for the notice,
which is replaced in place). The server checked the place of such a row
but not its ``actor``: a mediator's login could insert an event saying the town's director
approved an escalation, and the town's chain would link it as genuine. Rows already written
are not changed (the owner's, written as a named user, keep their names).

And a user is renamed, moved or retired only with the ``user_event`` that records it, in the
same transaction (``logins.USER_CHANGES``: a deferred constraint trigger on ``app_user``): an
office's login could ``UPDATE app_user`` by hand and leave ``user log`` silent.

Revision ID: 0020
Revises: 0019
"""

from alembic import op

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None


def upgrade() -> None:
    from mediation import logins

    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    logins.install(bind)


def downgrade() -> None:
    from sqlalchemy import inspect

    from mediation import logins

    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    for table in sorted(set(inspect(bind).get_table_names()) & set(logins.SIGNED)):
        for policy in logins.SIGNED_POLICIES:
            bind.exec_driver_sql(f"DROP POLICY IF EXISTS {policy} ON {table}")
    logins.drop_user_changes(bind)
