"""PostgreSQL: a GIN index of each search text's pairs of characters, so a two-character word
(a two-character name, 工资) is found from an index instead of by a scan (pg_trgm answers
three characters or more). SQLite answers two characters from its FTS5 vocabulary already.
Building it reads every case and petition once (about a minute at a million cases).

Revision ID: 0019
Revises: 0018
"""

from alembic import op

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade() -> None:
    from sqlalchemy import inspect

    from mediation import logins, search

    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    search.install_bigrams(bind, set(inspect(bind).get_table_names()))
    logins.install(bind)  # (the new function is granted as every function of ours)


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    for table in ("dispute_case", "petition"):
        bind.exec_driver_sql(f"DROP INDEX IF EXISTS ix_{table}_bigrams")
    bind.exec_driver_sql("DROP FUNCTION IF EXISTS mediation_bigrams(text)")
