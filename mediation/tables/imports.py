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


class ChainLink(SQLModel, table=True):
    """One link of a town's chain (mediation/chain.py): every row a count reads — records,
    their events, parties, employment, screening rounds, zero reports — is linked here when it
    is written, in the order written, by the database's own triggers."""

    __tablename__ = "chain_link"
    town_id: int = Field(primary_key=True)
    seq: int = Field(primary_key=True)
    tx: str  # the transaction that wrote the item (its steps explain it: mediation/chain.py)
    kind: str  # the item's table
    item_id: int
    record_id: int  # the record the item belongs to (a party's case; a record's own id)
    item_hash: str
    hash: str
