"""Dispute cases, their parties and their audit events."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from mediation.tables.base import EventFields, Numbered, UTCDateTime, masked, masked_address, private_columns


class Case(Numbered, table=True):
    """A dispute (纠纷案件). ``version`` rises by one with every change (optimistic concurrency)."""

    __tablename__ = "dispute_case"
    __table_args__ = (
        UniqueConstraint("town_id", "year", "seq"),
        Index("ix_case_town_registered", "town_id", "registered_at"),
        Index("ix_case_state_deadline", "state", "deadline"),
        # Year-end totals: the year's cases grouped by village and type, from the index alone.
        Index("ix_case_report", "registered_at", "town_id", "village_id", "type", "kind", "state"),
    )
    type: str
    summary: str
    state: str
    line: int
    # What finding it searches (mediation/search.py): summary, names and their pinyin, notes.
    search: str = Field(default="", sa_column_kwargs={"server_default": ""})
    risk: str | None = None
    kind: str = "people"
    source: str | None = None
    screening: str | None = None
    mediator: str | None = None
    registered_at: datetime = Field(sa_type=UTCDateTime, index=True)
    recorded_at: datetime = Field(sa_type=UTCDateTime)
    line_since: datetime = Field(sa_type=UTCDateTime)
    deadline: datetime | None = Field(default=None, sa_type=UTCDateTime)
    outcome: str | None = None
    agreement: str | None = None
    terms: str | None = None
    amount_fen: int | None = None
    agreed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # The agreement's 履行期限 (typed with ``agree``) and its 回访 (``config.VISIT_DAYS`` after it).
    performance_due: datetime | None = Field(default=None, sa_type=UTCDateTime)
    visit_due: datetime | None = Field(default=None, sa_type=UTCDateTime)
    confirmation_applied_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # The court's 受理 of the 司法确认 application: its 15 days to decide count from it.
    confirmation_accepted_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    channel: str | None = None
    # Redirected to 复议, 诉讼 or 仲裁: the party's own last day (from when they knew), and the law.
    channel_deadline: datetime | None = Field(default=None, sa_type=UTCDateTime)
    channel_law: str | None = None
    satisfied: bool | None = None
    reopened: int = 0
    last_event_at: datetime = Field(sa_type=UTCDateTime)
    last_hash: str | None = None  # the hash of its last event (mediation/audit.py)
    version: int = 1


class Party(SQLModel, table=True):
    __mapper_args__ = private_columns("id_number", "phone", "address")
    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="dispute_case.id", index=True)
    position: int
    name: str
    # Read only through the logged path (mediation/personal.py); lists and views read the masks.
    id_number: str | None = None
    phone: str | None = None
    id_number_masked: str | None = masked("id_number", 4)
    phone_masked: str | None = masked("phone", 3)
    # What the 人民调解协议书 states of a party (人民调解法第29条; migration 0017): the address
    # is private as the ID number is.
    gender: str | None = None
    ethnicity: str | None = None
    birth_date: date | None = None
    address: str | None = None
    address_masked: str | None = masked_address("address")
    employer: str | None = None


class CaseEvent(EventFields, table=True):
    __tablename__ = "case_event"
    __table_args__ = (
        UniqueConstraint("case_id", "seq"),
        # Year-end totals: a trigger's events in a date range, and the cases they belong to.
        Index("ix_case_event_trigger_at", "trigger", "at", "case_id", "undone"),
    )
    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="dispute_case.id", index=True)
    line: int
