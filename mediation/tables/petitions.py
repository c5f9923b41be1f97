"""Petitions (信访) and their audit events."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Index, UniqueConstraint
from sqlmodel import Field

from mediation.tables.base import EventFields, Numbered, UTCDateTime, masked, private_columns


class Petition(Numbered, table=True):
    """A petition (信访件), routed under 诉访分离 within the limits of the 信访工作条例."""

    __table_args__ = (
        UniqueConstraint("town_id", "year", "seq"),
        Index("ix_petition_person_matter", "petitioner", "matter"),
        Index("ix_petition_town_received", "town_id", "received_at"),
        Index("ix_petition_state_deadline", "state", "deadline"),
    )
    __mapper_args__ = private_columns("petitioner_id_number", "petitioner_phone")
    petitioner: str
    # Read only through the logged path (mediation/personal.py); lists and views read the masks.
    petitioner_id_number: str | None = None
    petitioner_phone: str | None = None
    petitioner_id_number_masked: str | None = masked("petitioner_id_number", 4)
    petitioner_phone_masked: str | None = masked("petitioner_phone", 3)
    category: str
    matter: str  # normalised key of the matter: same person + same matter = the same petition
    summary: str
    form: str
    level: str
    state: str
    # What finding it searches (mediation/search.py): summary, names and their pinyin, notes.
    search: str = Field(default="", sa_column_kwargs={"server_default": ""})
    first_time: bool
    received_at: datetime = Field(sa_type=UTCDateTime)
    recorded_at: datetime = Field(sa_type=UTCDateTime)
    # 走访 by many people: the names of at most five representatives (信访工作条例第20条).
    representatives: list[str] | None = Field(default=None, sa_type=JSON(none_as_null=True))
    # 不予受理 at intake: why (the office owes a written notice within 15 days).
    refusal: str | None = None
    route_deadline: datetime = Field(sa_type=UTCDateTime)
    accepted_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    answer_deadline: datetime | None = Field(default=None, sa_type=UTCDateTime)
    extended_days: int = 0
    answered_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    opinion: str | None = None
    # 送达: when the petitioner received the current written opinion; 复查/复核 count from it.
    served_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # 不予受理: the day the written notice reached the petitioner (its 15 days: 信访工作条例第22条).
    notified_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
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
    last_hash: str | None = None  # the hash of its last event (mediation/audit.py)
    version: int = 1


class PetitionEvent(EventFields, table=True):
    __tablename__ = "petition_event"
    __table_args__ = (UniqueConstraint("petition_id", "seq"),
                      Index("ix_petition_event_trigger_at", "trigger", "at", "undone"))
    id: int | None = Field(default=None, primary_key=True)
    petition_id: int = Field(foreign_key="petition.id", index=True)
