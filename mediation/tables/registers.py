"""行政复议/行政应诉 matters, 社区矫正/安置帮教 subjects, 四网排查 screening."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, UniqueConstraint, false
from sqlmodel import Field, SQLModel

from mediation.tables.base import EventFields, TownNumbered, UTCDateTime


class Matter(TownNumbered, table=True):
    """行政复议 (reconsideration) or 行政应诉 (litigation) against the town."""

    __table_args__ = (UniqueConstraint("town_id", "kind", "year", "seq"),
                      Index("ix_matter_town_received", "town_id", "received_at"))
    kind: str
    summary: str
    state: str
    received_at: datetime = Field(sa_type=UTCDateTime)
    recorded_at: datetime = Field(sa_type=UTCDateTime)
    # 行政复议: the day the 复议机关 accepted the application (its 60 days run from it).
    accepted_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # 行政复议: the decision period was extended by 30 days (once).
    extended: bool = Field(default=False, sa_column_kwargs={"server_default": false()})
    extension_days: int | None = None  # how many (at most 30); before migration 0012: 30
    answered_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    decided_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # 行政应诉: when the judgment or ruling (decision_form) was served; the appeal counts from it.
    served_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    decision_form: str | None = None
    # 行政应诉: the instance of the judgment recorded (2 after an appeal: final, 两审终审).
    instance: int | None = None
    outcome: str | None = None
    deadline: datetime | None = Field(default=None, sa_type=UTCDateTime)
    last_event_at: datetime = Field(sa_type=UTCDateTime)
    last_hash: str | None = None  # the hash of its last event (mediation/audit.py)
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
    last_hash: str | None = None  # the hash of its last event (mediation/audit.py)
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
