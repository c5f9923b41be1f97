"""The signed paper of a case, scanned, and its photos (``case attach``; migration 0018)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, LargeBinary, UniqueConstraint
from sqlmodel import Field, SQLModel

from mediation.tables.base import UTCDateTime


class Attachment(SQLModel, table=True):
    """One file kept with its case: numbered 1, 2, 3… within the case, its bytes in the
    database (SQLite BLOB, PostgreSQL bytea) beside their SHA-256, which the case's ``attach``
    step and the town chain hold too (``audit verify`` names a changed or removed file).
    Written once; nothing is ever deleted."""

    __table_args__ = (UniqueConstraint("case_id", "seq"), UniqueConstraint("case_id", "sha256"))
    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="dispute_case.id", index=True)
    seq: int
    kind: str  # scan | application | photo | other
    name: str  # the file's name as it was attached
    media_type: str
    size: int
    sha256: str
    note: str | None = None
    actor: str
    at: datetime = Field(sa_type=UTCDateTime)
    content: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
