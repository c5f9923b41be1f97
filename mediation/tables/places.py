"""Towns, their villages, the users who act in them (and what befell each user), and the
calendar they count on."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Column, UniqueConstraint
from sqlmodel import Field, SQLModel

from mediation.tables.base import UTCDateTime


class Town(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True)
    abbr: str = Field(unique=True)  # the case-number prefix: 营盘镇 → 营 (numbers are county-unique)
    created_at: datetime = Field(sa_type=UTCDateTime)


class Village(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("town_id", "name"),)
    id: int | None = Field(default=None, primary_key=True)
    town_id: int = Field(foreign_key="town.id", index=True)
    name: str


class User(SQLModel, table=True):
    __tablename__ = "app_user"
    __table_args__ = (UniqueConstraint("login", name="uq_app_user_login"),)
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True)
    role: str  # mediator | town | county
    town_id: int | None = Field(default=None, foreign_key="town.id")
    village_id: int | None = Field(default=None, foreign_key="village.id")
    created_at: datetime = Field(sa_type=UTCDateTime)
    # The person's own PostgreSQL login (``mediation.logins``): connected as it, they act as this user.
    login: str | None = None
    # The login's identity on its server (pg_roles.oid) when it was given: a role made later
    # under the same name is not this person (``mediation.logins``).
    login_oid: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    # Retired (``user retire``): acts no more, login disabled; kept with their history.
    retired_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class UserEvent(SQLModel, table=True):
    """What befell a user after they were added, by whom and when: a login given or relinked,
    a password set, a move to another village, a new name, retirement (with the records handed
    over). ``values`` holds what changed (``{"village": {"old": …, "new": …}}``), never a
    password."""

    __tablename__ = "user_event"
    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="app_user.id", index=True)
    town_id: int | None = Field(default=None, foreign_key="town.id")  # the user's town (None: county)
    trigger: str  # login | relink | password | move | rename | retire
    actor: str
    at: datetime = Field(sa_type=UTCDateTime)
    note: str | None = None
    values: dict[str, Any] | None = Field(default=None, sa_type=JSON)


class CalendarYear(SQLModel, table=True):
    """A year's State Council holiday notice (国务院办公厅关于某年部分节假日安排的通知), as the
    office loaded it (``mediation calendar load``): its rest days and its make-up working days
    (调休). Every terminal of the database counts periods on it (``mediation.deadlines``)."""

    __tablename__ = "calendar_year"
    year: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    holidays: list[str] = Field(sa_type=JSON)  # ISO days
    workdays: list[str] = Field(sa_type=JSON)
    source: str
    loaded_by: str
    loaded_at: datetime = Field(sa_type=UTCDateTime)
