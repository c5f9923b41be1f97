"""The use cases every register shares, written once over its description
(``records.Register``): take a step, undo the last one, void a registration, say what can
follow. Each finds the record the same way, in the same order: the acting user first (a
number typed then means their town's record, ``access``), the record locked, the user's
right, the version they saw."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from mediation import access, permissions, records, timeutil
from mediation.db import UnitOfWork
from mediation.views import options_json
from workflows import Action, Option


def acting_on(s, reg: records.Register, actor: str | None, ref: str, expect_version: int | None, *,
              viewed: bool = False):
    """The acting user and the record, locked and checked; ``viewed``: read with what its view
    reads, for a use case that changes none of that (a workflow step)."""
    user = access.actor(s, actor)
    row = reg.load(s, ref, lock=True, viewed=viewed)
    (reg.may_act or permissions.may_act_on)(user, row)
    records.check_version(row, expect_version, reg.label(row))
    return user, row


def fire(db: UnitOfWork, reg: records.Register, *, actor: str | None, ref: str, trigger: str,
         note: str | None = None, at: timeutil.Moment | None = None, values: Mapping[str, str] | None = None,
         expect_version: int | None = None, view: bool = True):
    """A workflow step: the machine decides, the new state and its event are written in one
    transaction. ``view=False`` skips building the returned view."""
    with db.write() as s:
        user, row = acting_on(s, reg, actor, ref, expect_version, viewed=view)
        records.advance(s, reg, row, user=user, trigger=trigger, note=note, at=at, values=values or {},
                        resolve_user=reg.resolver(s, row) if reg.resolver else None)
        return reg.view(s, row, user) if view else None


def undo(db: UnitOfWork, reg: records.Register, *, actor: str | None, ref: str, note: str | None,
         expect_version: int | None = None):
    """Take back the record's last workflow step (kept, marked undone, in no count)."""
    return _with_reason(db, reg, records.undo, actor=actor, ref=ref, note=note, expect_version=expect_version)


def void(db: UnitOfWork, reg: records.Register, *, actor: str | None, ref: str, note: str | None,
         expect_version: int | None = None):
    """作废: a duplicate or mistaken registration, kept and shown, in no count."""
    return _with_reason(db, reg, records.void, actor=actor, ref=ref, note=note, expect_version=expect_version)


def _with_reason(db: UnitOfWork, reg: records.Register, write, *, actor, ref, note, expect_version):
    with db.write() as s:
        user, row = acting_on(s, reg, actor, ref, expect_version)
        write(s, reg, row, user=user, note=note)
        return reg.view(s, row, user)


@dataclass(frozen=True)
class Next:
    """What can follow: the record's view, each trigger allowed or blocked with why, and the
    acting user's own refusal (a permission) if any."""

    record: Any
    options: list[Option]
    permission: str | None

    def to_json(self) -> dict[str, Any]:
        r = self.record
        return {"id": r.id, "number": getattr(r, "number", None), "state": r.state, "version": r.version,
                "permission": self.permission, **options_json(self.options, self.permission)}


def options(s, reg: records.Register, row, user) -> tuple[list[Option], str | None]:
    """The triggers of the record's state for ``user`` (or for anyone), and the user's refusal."""
    action = Action(actor_role=user.role if user else None, at=timeutil.now())
    found = [] if row.state == "void" else reg.workflow(row).options(row.state, reg.facts(row), action)
    permission = permissions.problem(reg.may_act or permissions.may_act_on, user, row) if user else None
    return found, permission


def next_actions(db: UnitOfWork, reg: records.Register, *, ref: str, actor: str | None = None) -> Next:
    with db.read() as s:
        user = access.optional_actor(s, actor)
        row = reg.load(s, ref, lock=False)
        found, permission = options(s, reg, row, user)
        return Next(record=reg.view(s, row, user), options=found, permission=permission)
