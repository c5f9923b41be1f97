"""Column types and the fields shared by several tables."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from sqlalchemy import JSON, DateTime
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


class EventFields(SQLModel):
    """What every audit event records: one row per state change, written in the change's
    transaction; ``at`` is when it happened, ``recorded_at`` when it was entered."""

    # The record's town (a record never leaves it): what the offices' row-level security reads
    # on each event, instead of looking up its record (docs/performance.md, "Row-level security").
    town_id: int = Field(foreign_key="town.id")
    seq: int
    trigger: str
    from_state: str | None = None
    to_state: str
    actor: str
    at: datetime = Field(sa_type=UTCDateTime)
    recorded_at: datetime = Field(sa_type=UTCDateTime)
    note: str | None = None
    values: dict[str, Any] | None = Field(default=None, sa_type=JSON)
    # Links the event to the previous one of its record (mediation/audit.py).
    hash: str | None = None
    # The record's columns as they were before this step (what ``undo`` puts back), as JSON.
    prior: dict[str, Any] | None = Field(default=None, sa_type=JSON(none_as_null=True))
    # Taken back by a later ``undo`` event: kept, shown, and left out of every count.
    undone: bool = Field(default=False, sa_column_kwargs={"server_default": "0"})


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


_STARS = "*" * 64


def masked(column: str, head: int):
    """A column the database derives from ``column``: its value as people see it unmasked only
    through the logged path (``validation.mask_id`` / ``mask_phone`` in SQL, the same on both
    engines). On a shared PostgreSQL server people's logins may read this and not ``column``
    (``mediation.logins``); the full value comes only with its access-log row
    (``mediation.personal``)."""
    from sqlalchemy import Column, Computed, String

    x = column
    expr = (f"CASE WHEN length({x}) > {head + 4} THEN substr({x}, 1, {head}) || substr('{_STARS}', 1, "
            f"length({x}) - {head + 4}) || substr({x}, length({x}) - 3) ELSE substr('{_STARS}', 1, length({x})) END")
    return Field(default=None, sa_column=Column(String, Computed(expr, persisted=True)))


def masked_address(column: str):
    """An address as lists show it (``validation.mask_address`` in SQL): at most its first six
    characters, never more than half. Stored (a table created anew; migration 0017 adds it to
    SQLite's existing table as a virtual column, which reads the same)."""
    from sqlalchemy import Column, Computed, String

    x = column
    head = f"CASE WHEN length({x}) > 12 THEN 6 ELSE length({x}) / 2 END"
    expr = f"substr({x}, 1, {head}) || substr('{_STARS}', 1, length({x}) - {head})"
    return Field(default=None, sa_column=Column(String, Computed(expr, persisted=True)))


def private_columns(*names: str):
    """``__mapper_args__`` that keep ``names`` out of every ORM load: never read with the row,
    and reading the attribute raises instead of quietly selecting it (on PostgreSQL a person's
    login may not, and on both engines the full value is read only through
    ``mediation.personal``). Written as any column."""
    from sqlalchemy.orm import declared_attr, deferred

    @declared_attr.directive
    def __mapper_args__(cls) -> dict[str, Any]:
        return {"properties": {n: deferred(cls.__table__.c[n], raiseload=True) for n in names}}

    return __mapper_args__
