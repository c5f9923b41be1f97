"""Two-character words: every search text ends with a space (so its last two characters
start a trigram too), and on SQLite each FTS5 index gets its vocabulary table, through which
a two-character word is found from the index (``mediation.search``).

Revision ID: 0008
Revises: 0007
"""

from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

TABLES = ("dispute_case", "petition")


def upgrade() -> None:
    from mediation import search

    for table in TABLES:
        # On SQLite the FTS5 triggers re-index each row as it changes.
        op.execute(f"UPDATE {table} SET search = search || ' ' WHERE search NOT LIKE '% '")
    search.install(op.get_bind())


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        from mediation.search import SEARCHABLE

        for fts in SEARCHABLE.values():
            op.execute(f"DROP TABLE IF EXISTS {fts}_vocab")
    for table in TABLES:
        op.execute(f"UPDATE {table} SET search = rtrim(search, ' ') WHERE search LIKE '% '")
