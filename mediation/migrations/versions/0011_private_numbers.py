"""ID numbers and phones read only through the logged path (``mediation.personal``): each is
masked by the database itself in a derived column (``…_masked``) that lists and views read; on
PostgreSQL people's logins lose the right to read the full columns, and ``mediation_unmask``
returns them with their access-log rows (``mediation.logins`` installed anew).

The masks are derived, not part of a town chain's item hash (``mediation.chain``): the
existing links stand as they are.

Revision ID: 0011
Revises: 0010
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

COLUMNS = (("party", "id_number", 4), ("party", "phone", 3),
           ("petition", "petitioner_id_number", 4), ("petition", "petitioner_phone", 3))


def upgrade() -> None:
    from mediation import chain, logins
    from mediation.tables.base import masked

    bind = op.get_bind()
    for table, column, head in COLUMNS:
        derived = masked(column, head).sa_column.computed
        # SQLite adds only a virtual derived column to an existing table (a new table has it
        # stored); both read the same. PostgreSQL stores it.
        computed = sa.Computed(derived.sqltext, persisted=bind.dialect.name == "postgresql")
        op.add_column(table, sa.Column(f"{column}_masked", sa.String(), computed))
    chain.install(bind)  # (PostgreSQL: the office's verify hashes these tables past the column rights)
    logins.install(bind)


def downgrade() -> None:
    from mediation import logins

    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        for table in ("party", "petition"):
            bind.exec_driver_sql(f"DROP FUNCTION IF EXISTS mediation_hashes_{table}(integer)")
    for table, column, _head in COLUMNS:
        op.drop_column(table, f"{column}_masked")
    logins.install(bind)
