"""Finding a case: each case and petition keeps a ``search`` text (summary, names and their
pinyin, notes), written for the records already there, and indexed by trigrams
(``mediation.search``: SQLite FTS5, PostgreSQL pg_trgm).

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    from mediation import search

    for table in ("dispute_case", "petition"):
        with op.batch_alter_table(table) as t:
            # A plain-text default: an SQL expression would make Alembic rebuild the table on SQLite.
            t.add_column(sa.Column("search", sa.String(), nullable=False, server_default=""))
    search.backfill(op.get_bind())
    search.install(op.get_bind())


def downgrade() -> None:
    from mediation import search

    search.uninstall(op.get_bind())
    for table in ("dispute_case", "petition"):
        # Not batch mode: on SQLite it would rebuild a table other tables refer to.
        op.execute(f"ALTER TABLE {table} DROP COLUMN search")
