"""What import files have loaded (idempotent `mediation load`), and who read personal data."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from mediation.tables.base import UTCDateTime


class ImportKey(SQLModel, table=True):
    """Which record a key in an import file became: loading a file twice adds nothing."""

    __tablename__ = "import_key"
    key: str = Field(primary_key=True)
    kind: str
    record_id: int
    source: str
    loaded_at: datetime = Field(sa_type=UTCDateTime)


class AccessLog(SQLModel, table=True):
    """Who saw a record's personal data in full (``--unmask``), and when: reading a citizen's ID
    number leaves a trace that the town office can list with the record."""

    __tablename__ = "access_log"
    __table_args__ = (Index("ix_access_log_record", "kind", "record_id"),)
    id: int | None = Field(default=None, primary_key=True)
    town_id: int = Field(foreign_key="town.id")
    kind: str  # case | petition
    record_id: int
    actor: str
    at: datetime = Field(sa_type=UTCDateTime)
    what: str  # unmask
