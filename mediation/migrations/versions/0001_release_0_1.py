"""The schema of release 0.1 (sessions 1 and 2), which created its tables with
``create_all`` and kept no revision: the base every later migration builds on. A database
without a revision that already has the tables is stamped here, then upgraded.

Revision ID: 0001
Revises:
"""

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Nothing to do: release 0.1 created these tables itself (tests/fixtures keeps its DDL)."""


def downgrade() -> None:
    """Nothing below the base."""
