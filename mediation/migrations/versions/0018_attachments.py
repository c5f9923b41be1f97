"""Attachments (issue "Paper fit to sign and file"): the signed 协议书, the 申请书, photos of the
site, scanned by the office and kept with their case, each file's bytes in the database with
their SHA-256. A new item of the town chain (``mediation.chain``), under the case's row-level
policy on PostgreSQL (``mediation.logins``).

Revision ID: 0018
Revises: 0017
"""

import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade() -> None:
    from mediation import chain, logins
    from mediation.tables.base import UTCDateTime

    bind = op.get_bind()
    op.create_table(
        "attachment",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("case_id", sa.Integer(), sa.ForeignKey("dispute_case.id"), nullable=False, index=True),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("media_type", sa.String(), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(), nullable=False),
        sa.Column("note", sa.String(), nullable=True),
        sa.Column("actor", sa.String(), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.UniqueConstraint("case_id", "seq"),
        sa.UniqueConstraint("case_id", "sha256"),
    )
    chain.install(bind)
    logins.install(bind)


def downgrade() -> None:
    from mediation import chain, logins

    bind = op.get_bind()
    chain.uninstall(bind)
    op.drop_table("attachment")
    chain.install(bind)
    logins.install(bind)
