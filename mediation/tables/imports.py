"""What import files have loaded (idempotent `mediation load`)."""

from __future__ import annotations

from datetime import datetime

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
