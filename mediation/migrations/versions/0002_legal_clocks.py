"""Legal clocks: what the periods of the second pass count from.

- petition.representatives: a group visit's (at most five) representatives (信访工作条例第20条)
- petition.refusal: why a petition was not accepted (不予受理), at intake or at routing
- petition.served_at: when the petitioner received the current written opinion (送达); the
  30 days for 复查/复核 count from it (第35、36条)
- matter.accepted_at: when the 复议机关 accepted a 行政复议 application (行政复议法第62条)
- matter.extended: the decision period was extended once by 30 days
- matter.served_at, matter.decision_form: service of a judgment or ruling; the appeal counts
  from it, 15 or 10 days (行政诉讼法第85条)

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("petition") as t:
        t.add_column(sa.Column("representatives", sa.JSON(none_as_null=True), nullable=True))
        t.add_column(sa.Column("refusal", sa.String(), nullable=True))
        t.add_column(sa.Column("served_at", sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("matter") as t:
        t.add_column(sa.Column("accepted_at", sa.DateTime(timezone=True), nullable=True))
        # A plain-text default: an SQL expression would make Alembic rebuild the table on SQLite,
        # which fails while other tables' rows refer to it.
        t.add_column(sa.Column("extended", sa.Boolean(), nullable=False, server_default="0"))
        t.add_column(sa.Column("served_at", sa.DateTime(timezone=True), nullable=True))
        t.add_column(sa.Column("decision_form", sa.String(), nullable=True))
    # A refusal at routing kept its reason only in the event's note: bring it to the column.
    op.execute("UPDATE petition SET refusal = (SELECT e.note FROM petition_event e WHERE e.petition_id = petition.id "
               "AND e.trigger = 'reject' ORDER BY e.seq DESC LIMIT 1) WHERE state = 'not_accepted'")
    # An answered petition's 复查 window now counts from service, which was never recorded:
    # no last day until the office records it (``serve``), rather than one counted from the
    # answer's date that may cut the petitioner's right short.
    op.execute("UPDATE petition SET deadline = NULL WHERE state = 'answered'")
    # A 复议 decision's 60 days count from the 复议机关's acceptance, not from the town's
    # answer: unknown until recorded, not guessed.
    op.execute("UPDATE matter SET deadline = NULL WHERE kind = 'reconsideration' AND state = 'answered'")
    # A judgment recorded before: its service date was not asked for; the judgment's own day is
    # the closest known (the appeal deadline was counted from it until now).
    op.execute("UPDATE matter SET served_at = decided_at, decision_form = 'judgment' "
               "WHERE kind = 'litigation' AND decided_at IS NOT NULL")


def downgrade() -> None:
    # ALTER TABLE … DROP COLUMN directly (SQLite 3.35+ and PostgreSQL): a batch rebuild of a
    # table that others refer to fails on SQLite.
    for table, names in (("matter", ("decision_form", "served_at", "extended", "accepted_at")),
                         ("petition", ("served_at", "refusal", "representatives"))):
        for name in names:
            op.execute(f"ALTER TABLE {table} DROP COLUMN {name}")
