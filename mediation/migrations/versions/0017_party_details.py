"""What a 人民调解协议书 states of each party (人民调解法第29条, issue "Paper fit to sign and
file"): 性别, 民族, 出生日期, 住址 and 单位或职业, all optional. The address is private as the ID
number is: masked by the database (``address_masked``) and on PostgreSQL read in full only
through ``mediation_unmask``, which now returns it (its result type changes, so the function is
dropped and made anew). The chain's triggers are installed anew to cover the new columns.

Revision ID: 0017
Revises: 0016
"""

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None

COLUMNS = (("gender", sa.String()), ("ethnicity", sa.String()), ("birth_date", sa.Date()), ("address", sa.String()),
           ("employer", sa.String()))


def upgrade() -> None:
    from mediation import chain, logins
    from mediation.tables.base import masked_address

    bind = op.get_bind()
    chain.uninstall(bind)  # (the triggers name the columns)
    for name, type_ in COLUMNS:
        op.add_column("party", sa.Column(name, type_, nullable=True))
    derived = masked_address("address").sa_column.computed
    computed = sa.Computed(derived.sqltext, persisted=bind.dialect.name == "postgresql")
    op.add_column("party", sa.Column("address_masked", sa.String(), computed))
    if bind.dialect.name == "postgresql":
        bind.exec_driver_sql("DROP FUNCTION IF EXISTS mediation_unmask(text, integer[], text)")
    chain.install(bind)
    logins.install(bind)


def downgrade() -> None:
    from mediation import chain, logins

    bind = op.get_bind()
    chain.uninstall(bind)
    op.drop_column("party", "address_masked")
    for name, _type in reversed(COLUMNS):
        op.drop_column("party", name)
    if bind.dialect.name == "postgresql":
        bind.exec_driver_sql("DROP FUNCTION IF EXISTS mediation_unmask(text, integer[], text)")
    chain.install(bind)
    logins.install(bind)
