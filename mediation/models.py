"""SQLModel tables. Instants are stored in UTC on both engines (``UTCDateTime``)."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from sqlalchemy import JSON, DateTime, Index, UniqueConstraint
from sqlalchemy.types import TypeDecorator
from sqlmodel import Field, SQLModel


class UTCDateTime(TypeDecorator):
    """Aware UTC datetimes in and out; SQLite keeps them naive, PostgreSQL as timestamptz."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime stored")
        v = value.astimezone(timezone.utc)
        v = datetime(v.year, v.month, v.day, v.hour, v.minute, v.second, v.microsecond, tzinfo=timezone.utc)
        return v.replace(tzinfo=None) if dialect.name == "sqlite" else v

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value.astimezone(timezone.utc)


class Town(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True)
    abbr: str  # the case-number prefix: 营盘镇 → 营
    created_at: datetime = Field(sa_type=UTCDateTime)


class Village(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("town_id", "name"),)
    id: int | None = Field(default=None, primary_key=True)
    town_id: int = Field(foreign_key="town.id", index=True)
    name: str


class User(SQLModel, table=True):
    __tablename__ = "app_user"
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True)
    role: str  # mediator | town | county
    town_id: int | None = Field(default=None, foreign_key="town.id")
    village_id: int | None = Field(default=None, foreign_key="village.id")
    created_at: datetime = Field(sa_type=UTCDateTime)


class TownNumbered(SQLModel):
    """A record in a town's yearly register with its human number, e.g. (2021)营调字第003号."""

    id: int | None = Field(default=None, primary_key=True)
    town_id: int = Field(foreign_key="town.id")
    year: int
    seq: int
    number: str = Field(unique=True)


class Numbered(TownNumbered):
    """… that belongs to a village (cases, petitions)."""

    village_id: int = Field(foreign_key="village.id", index=True)


class Case(Numbered, table=True):
    """A dispute (纠纷案件). ``version`` rises by one with every change (optimistic concurrency)."""

    __tablename__ = "dispute_case"
    __table_args__ = (
        UniqueConstraint("town_id", "year", "seq"),
        Index("ix_case_town_registered", "town_id", "registered_at"),
        Index("ix_case_state_deadline", "state", "deadline"),
    )
    type: str
    summary: str
    state: str
    line: int
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
    confirmation_applied_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    channel: str | None = None
    satisfied: bool | None = None
    reopened: int = 0
    last_event_at: datetime = Field(sa_type=UTCDateTime)
    version: int = 1


class Party(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="dispute_case.id", index=True)
    position: int
    name: str
    id_number: str | None = None
    phone: str | None = None


class EventFields(SQLModel):
    """What every audit event records: one row per state change, written in the change's
    transaction; ``at`` is when it happened, ``recorded_at`` when it was entered."""

    seq: int
    trigger: str
    from_state: str | None = None
    to_state: str
    actor: str
    at: datetime = Field(sa_type=UTCDateTime)
    recorded_at: datetime = Field(sa_type=UTCDateTime)
    note: str | None = None
    values: dict[str, Any] | None = Field(default=None, sa_type=JSON)


class CaseEvent(EventFields, table=True):
    __tablename__ = "case_event"
    __table_args__ = (UniqueConstraint("case_id", "seq"),)
    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="dispute_case.id", index=True)
    line: int


class Petition(Numbered, table=True):
    """A petition (信访件), routed under 诉访分离 within the limits of the 信访工作条例."""

    __table_args__ = (
        UniqueConstraint("town_id", "year", "seq"),
        Index("ix_petition_person_matter", "petitioner", "matter"),
        Index("ix_petition_town_received", "town_id", "received_at"),
        Index("ix_petition_state_deadline", "state", "deadline"),
    )
    petitioner: str
    petitioner_id_number: str | None = None
    petitioner_phone: str | None = None
    category: str
    matter: str  # normalised key of the matter: same person + same matter = the same petition
    summary: str
    form: str
    level: str
    state: str
    first_time: bool
    received_at: datetime = Field(sa_type=UTCDateTime)
    recorded_at: datetime = Field(sa_type=UTCDateTime)
    route_deadline: datetime = Field(sa_type=UTCDateTime)
    accepted_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    answer_deadline: datetime | None = Field(default=None, sa_type=UTCDateTime)
    extended_days: int = 0
    answered_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    opinion: str | None = None
    reviewed: bool = False
    requested_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    final: bool = False
    channel: str | None = None
    channel_deadline: datetime | None = Field(default=None, sa_type=UTCDateTime)
    channel_law: str | None = None
    transferred_to: str | None = None
    case_id: int | None = Field(default=None, foreign_key="dispute_case.id", index=True)
    deadline: datetime | None = Field(default=None, sa_type=UTCDateTime)
    last_event_at: datetime = Field(sa_type=UTCDateTime)
    version: int = 1


class PetitionEvent(EventFields, table=True):
    __tablename__ = "petition_event"
    __table_args__ = (UniqueConstraint("petition_id", "seq"),)
    id: int | None = Field(default=None, primary_key=True)
    petition_id: int = Field(foreign_key="petition.id", index=True)


class ScreeningRound(SQLModel, table=True):
    """四网排查: one screening round in a village (逐个, 拉网, 反复 or 专项)."""

    __tablename__ = "screening_round"
    __table_args__ = (Index("ix_screening_town_at", "town_id", "at"),)
    id: int | None = Field(default=None, primary_key=True)
    town_id: int = Field(foreign_key="town.id")
    village_id: int = Field(foreign_key="village.id", index=True)
    mode: str
    found: int = 0
    prevented: int = 0
    at: datetime = Field(sa_type=UTCDateTime)
    recorded_at: datetime = Field(sa_type=UTCDateTime)
    actor: str
    note: str | None = None


class ZeroReport(SQLModel, table=True):
    """零上报: "we screened this month and found nothing" — distinct from no report at all."""

    __tablename__ = "zero_report"
    __table_args__ = (UniqueConstraint("village_id", "month"),)
    id: int | None = Field(default=None, primary_key=True)
    town_id: int = Field(foreign_key="town.id")
    village_id: int = Field(foreign_key="village.id", index=True)
    month: str  # YYYY-MM
    recorded_at: datetime = Field(sa_type=UTCDateTime)
    actor: str


class Matter(TownNumbered, table=True):
    """行政复议 (reconsideration) or 行政应诉 (litigation) against the town."""

    __table_args__ = (UniqueConstraint("town_id", "kind", "year", "seq"),
                      Index("ix_matter_town_received", "town_id", "received_at"))
    kind: str
    summary: str
    state: str
    received_at: datetime = Field(sa_type=UTCDateTime)
    recorded_at: datetime = Field(sa_type=UTCDateTime)
    answered_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    decided_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    outcome: str | None = None
    deadline: datetime | None = Field(default=None, sa_type=UTCDateTime)
    last_event_at: datetime = Field(sa_type=UTCDateTime)
    version: int = 1


class MatterEvent(EventFields, table=True):
    __tablename__ = "matter_event"
    __table_args__ = (UniqueConstraint("matter_id", "seq"),)
    id: int | None = Field(default=None, primary_key=True)
    matter_id: int = Field(foreign_key="matter.id", index=True)


class Subject(SQLModel, table=True):
    """A 社区矫正 or 安置帮教 subject under the town's management."""

    __table_args__ = (Index("ix_subject_town_received", "town_id", "received_at"),)
    id: int | None = Field(default=None, primary_key=True)
    town_id: int = Field(foreign_key="town.id")
    village_id: int | None = Field(default=None, foreign_key="village.id", index=True)
    name: str
    category: str
    state: str
    received_at: datetime = Field(sa_type=UTCDateTime)
    recorded_at: datetime = Field(sa_type=UTCDateTime)
    # 社区矫正: the end of the correction term; 安置帮教: five years after release from prison.
    term_end: datetime | None = Field(default=None, sa_type=UTCDateTime)
    ended_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    end_reason: str | None = None
    last_event_at: datetime = Field(sa_type=UTCDateTime)
    version: int = 1


class SubjectEvent(EventFields, table=True):
    __tablename__ = "subject_event"
    __table_args__ = (UniqueConstraint("subject_id", "seq"),)
    id: int | None = Field(default=None, primary_key=True)
    subject_id: int = Field(foreign_key="subject.id", index=True)


class Employment(SQLModel, table=True):
    """A subject's employment status from ``at`` on (就业 / 自主创业 / 未就业 / 无劳动能力)."""

    __table_args__ = (Index("ix_employment_subject_at", "subject_id", "at"),)
    id: int | None = Field(default=None, primary_key=True)
    subject_id: int = Field(foreign_key="subject.id")
    status: str
    at: datetime = Field(sa_type=UTCDateTime)
    recorded_at: datetime = Field(sa_type=UTCDateTime)
    actor: str


class ImportKey(SQLModel, table=True):
    """Which record a key in an import file became: loading a file twice adds nothing."""

    __tablename__ = "import_key"
    key: str = Field(primary_key=True)
    kind: str
    record_id: int
    source: str
    loaded_at: datetime = Field(sa_type=UTCDateTime)
