"""``mediation load``: records in TOML, every action replayed through the same services.

A file holds any of ``[town]``, ``[[user]]``, ``[[screening]]``, ``[[zero_report]]``,
``[[petition]]``, ``[[case]]``, ``[[matter]]``, ``[[subject]]``; ``by`` at the top is the
default acting user. Every record but town and users has a ``key``: loading a file twice adds
nothing, and a record elsewhere may refer to it (``petition = "key"`` on a case). Records
with ``actions = [{do = "triage", at = 2021-03-03, set = {risk = "yellow"}}, …]`` are replayed
through the workflows, exactly as typed at the terminal.

A file loads completely or not at all (one transaction); every problem is reported with its
place, ``file: case 12 (key …): parties[1]: …``, not just the first (docs/contract.md, "Import files").

Cases, the bulk of any import, are decided in memory by the services' own decisions and
written a thousand at a time (``mediation.bulk``); other records go through the services one
call at a time. A file is parsed whole, so memory follows the largest file, not the number of
files: split a very large import into files of a few thousand records.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache
from typing import Any

from sqlmodel import select

from mediation import (
    admin,
    cases,
    matters,
    petitions,
    screening,
    subjects,
    timeutil,
    validation,
)
from mediation.bulk import CaseWriter
from mediation.db import Database, UnitOfWork
from mediation.errors import InvalidRecords, InvalidValue, MediationError
from mediation.models import Case, ImportKey, Petition, User
from workflows import config
from workflows.i18n import N_, _

# Processing order: what a record refers to is loaded before it. Petitions that concern a
# case (``case = …``) come after the cases; petitions a case starts (``petition = …`` on the
# case) before them.
RECORD_ORDER = ("screening", "zero_report", "petition", "case", "petition_about_case", "matter", "subject")

FIELDS = {
    "case": {"key", "by", "village", "type", "summary", "parties", "source", "screening", "risk", "kind", "at",
             "petition", "actions"},
    "petition": {"key", "by", "village", "petitioner", "category", "summary", "form", "level", "matter", "at",
                 "case", "representatives", "actions"},
    "screening": {"key", "by", "village", "mode", "found", "prevented", "at", "note"},
    "zero_report": {"key", "by", "village", "month"},
    "matter": {"key", "by", "kind", "summary", "at", "accepted", "actions"},
    "subject": {"key", "by", "name", "category", "village", "at", "term_end", "released", "actions", "employment"},
}
REQUIRED = {
    "case": ("key", "village", "type", "summary", "parties", "at"),
    "petition": ("key", "village", "petitioner", "category", "summary", "at"),
    "screening": ("key", "village", "mode", "at"),
    "zero_report": ("key", "village", "month"),
    "matter": ("key", "kind", "summary", "at"),
    "subject": ("key", "name", "category", "at"),
}
ACTION_FIELDS = {"do", "at", "by", "note", "set"}
# The TOML type each field must have; text fields not listed here must be strings, and dates
# may be TOML dates or strings (``at``, ``month``, ``term_end``, ``released``, ``accepted``).
LISTS = {"parties", "actions", "employment", "villages", "representatives"}
NUMBERS = {"found", "prevented"}
DATES = {"at", "month", "term_end", "released", "accepted"}


@dataclass(frozen=True)
class Problem:
    """One problem of a record, and where in it: ``field`` (``type``, ``parties``, ``actions``;
    empty for the record as a whole), the list ``index`` within it, the ``sub`` field of that
    item (an action's ``at``, a party's ``phone``) and, for a step the services refused, the
    ``step`` it was. A TOML file names the path (``actions[3].at: …``); a ledger turns the same
    facts into its ``sheet!row:column`` (``mediation.ledger``) without reading the words."""

    said: str
    field: str = ""
    index: int | None = None
    sub: str = ""
    step: str = ""
    asks: tuple = ()  # what would satisfy a refusal (``workflows.Want``s)

    @property
    def path(self) -> str:
        out = self.field + (f"[{self.index}]" if self.index is not None else "") + (f".{self.sub}" if self.sub else "")
        return out + (f" {self.step}" if self.step else "")

    def __str__(self) -> str:
        return f"{self.path}: {self.said}" if self.path else self.said


def _type_problems(d: dict[str, Any]) -> list[tuple[str, str]]:
    """Fields of the wrong TOML type (a string where a list belongs, a number for a name …), as
    (field, what is wrong)."""
    out = []
    for k, v in d.items():
        if k in LISTS:
            if not isinstance(v, list):
                out.append((k, _("expected a list [ … ]")))
        elif k in NUMBERS:
            if not isinstance(v, int) or isinstance(v, bool):
                out.append((k, _("expected a whole number")))
        elif k == "set":
            if not isinstance(v, dict):
                out.append((k, _("expected a table {{ key = value }}").format()))
        elif k in DATES:
            if not isinstance(v, (str, date)):
                out.append((k, _("expected a date")))
        elif not isinstance(v, str):
            out.append((k, _("expected text in quotes")))
    return out


@dataclass
class FileResult:
    path: str
    loaded: dict[str, int] = field(default_factory=dict)
    skipped: int = 0

    def to_json(self) -> dict[str, Any]:
        return {"path": self.path, "loaded": self.loaded, "skipped": self.skipped}


@dataclass(frozen=True)
class Record:
    kind: str
    index: int  # 1-based, within its kind in the file
    data: dict[str, Any]

    @property
    def where(self) -> str:
        key = self.data.get("key")
        label = "petition" if self.kind == "petition_about_case" else self.kind
        return f"{label} {self.index}" + (f" (key {key})" if key else "")


def files_in(path: str) -> list[str]:
    if os.path.isdir(path):
        found = sorted(os.path.join(path, f) for f in os.listdir(path) if f.endswith(".toml"))
        if not found:
            raise InvalidRecords([f"{path}: no .toml files"])
        return found
    if not os.path.exists(path):
        raise InvalidRecords([f"{path}: no such file or folder"])
    return [path]


def count_records(path: str) -> int:
    """How many records a path holds (for a progress bar); unreadable files count as zero."""
    total = 0
    for f in files_in(path):
        try:
            data = _read(f)
        except InvalidRecords:
            continue
        total += sum(len(v) for k, v in data.items() if isinstance(v, list))
    return total


def load(db: Database, path: str, *, progress: Callable[[int], None] | None = None) -> list[FileResult]:
    """Load a file or every ``*.toml`` in a folder (in name order), each all or nothing."""
    results = []
    for f in files_in(path):
        results.append(load_file(db, f, progress=progress))
    return results


def _read(path: str) -> dict[str, Any]:
    import rtoml

    try:
        with open(path, encoding="utf-8") as fh:
            return rtoml.loads(fh.read())
    except rtoml.TomlParsingError as exc:
        raise InvalidRecords([f"{path}: {exc!s}"]) from None
    except UnicodeDecodeError as exc:
        problem = f"{path}: " + _("not UTF-8 text (byte {start}); save it as UTF-8").format(start=exc.start)
        raise InvalidRecords([problem]) from None
    except OSError as exc:
        raise InvalidRecords([f"{path}: {exc.strerror}"]) from None


def load_file(db: Database, path: str, *, progress: Callable[[int], None] | None = None) -> FileResult:
    """One file, all or nothing: TOML records, or an office's ledger (``.xlsx``, ``.csv``:
    ``mediation.ledger``), whose problems are placed at their ``sheet!row:column``."""
    if path.lower().endswith((".xlsx", ".csv")):
        from mediation import ledger
        data, place = ledger.read(path)
        return load_data(db, path, data, progress=progress, place=place)
    return load_data(db, path, _read(path), progress=progress)


# Where a problem of a record is: ``file: case 12 (key …): parties[1]: …`` for TOML.
Place = Callable[[str, Record, Problem], str]


def _toml_place(name: str, rec: Record, problem: Problem) -> str:
    return f"{name}: {rec.where}: {problem}"


def load_data(db: Database, path: str, data: dict[str, Any], *, progress: Callable[[int], None] | None = None,
              place: Place = _toml_place) -> FileResult:
    """Records as a TOML file holds them (``data``), loaded in one transaction; ``place`` says
    where each problem of a record is."""
    name = os.path.basename(path)
    problems: list[str] = []
    unknown = set(data) - {"by", "town", "user", *FIELDS}
    for key in sorted(unknown):
        problems.append(f"{name}: " + _("unknown section '{key}' (known: {known})").format(
            key=key, known=", ".join(("town", "user", *FIELDS))))
    default_by = data.get("by")
    problems += _section_problems(name, data)
    result = FileResult(path=path)
    records = list(_records(data))
    problems += _check_keys(name, records)
    if problems:
        raise InvalidRecords(problems)
    db.create_schema()
    with db.batch() as batch:
        s = batch.session
        if "town" in data and _town(batch, name, data["town"], default_by, problems):
            result.loaded["town"] = 1
        for i, u in enumerate(data.get("user", []), 1):
            if _user(batch, s, name, i, u, default_by, problems):
                result.loaded["user"] = result.loaded.get("user", 0) + 1
            _tick(progress)
        existing = _existing_keys(s, [f"{_base(r.kind)}:{_text(r.data['key']).strip()}" for r in records
                                      if "key" in r.data])
        writer = CaseWriter(s)
        for rec in records:
            field_problems = _validate(rec)
            if field_problems:
                problems += [place(name, rec, p) for p in field_problems]
                _tick(progress)
                continue
            try:
                key = validation.clean_text(_text(rec.data["key"]), N_("key"), limit="key")
                if not key:
                    raise InvalidValue(_("a record's key is empty: every record needs a key of its own"))
            except MediationError as exc:
                problems.append(place(name, rec, Problem(_said(exc), "key")))
                _tick(progress)
                continue
            import_key = f"{_base(rec.kind)}:{key}"
            if import_key in existing:
                result.skipped += 1
                _tick(progress)
                continue
            try:
                if _in_batches(rec):
                    _replay_case(writer, rec, default_by, import_key, name)
                else:
                    writer.flush()  # what this record's services read or number must be written first
                    with batch.record() as unit:
                        record_id = _replay(unit, s, rec, default_by)
                        s.add(ImportKey(key=import_key, kind=_base(rec.kind), record_id=record_id, source=name,
                                        loaded_at=timeutil.now()))
                        s.flush()
                result.loaded[_base(rec.kind)] = result.loaded.get(_base(rec.kind), 0) + 1
            except _ActionFailed as exc:
                problems.append(place(name, rec, Problem(_said(exc.error), exc.field, exc.index, step=exc.step,
                                                         asks=exc.error.wants)))
            except MediationError as exc:
                problems.append(place(name, rec, Problem(_said(exc))))
            _tick(progress)
        if problems:
            raise InvalidRecords(problems)  # the batch's transaction rolls back: nothing is kept
        writer.flush()
    return result


# What a refusal's wants are called in an import file (``workflows.phrase``): fields by their
# keys here (``parties``, ``by``), values as the action's ``set = { … }``.
FILE_KEYS = {"party": "parties", "as": "by", "representative": "representatives"}


def file_words(kind: str, arg: str) -> str:
    if kind in ("note", "at"):
        return kind
    if kind == "opt":
        return FILE_KEYS.get(arg, arg)
    key, _, value = arg.partition("=")
    return f'set = {{ {key} = "{value}" }}'


def _said(exc: BaseException) -> str:
    """A refusal as the author of an import file reads it."""
    return exc.phrased(file_words) if isinstance(exc, MediationError) else str(exc)


def _existing_keys(s, keys: list[str]) -> set[str]:
    """The import keys among ``keys`` that an earlier load already used."""
    found: set[str] = set()
    for i in range(0, len(keys), 500):
        found.update(s.exec(select(ImportKey.key).where(ImportKey.key.in_(keys[i:i + 500]))))
    return found


def _in_batches(rec: Record) -> bool:
    """Cases are decided in memory and written in batches (``mediation.bulk``), except one
    that an accepted petition starts: linking it changes the petition too."""
    return rec.kind == "case" and not rec.data.get("petition")


def _replay_case(writer: CaseWriter, rec: Record, default_by: str | None, import_key: str, source: str) -> None:
    d = rec.data
    by = d.get("by", default_by)
    reg = cases.check_registration(**_case_fields(d))
    draft = writer.register(reg, actor=by, village=d["village"], at=_moment(d["at"]))
    _actions(d, by, lambda a, who: writer.fire(draft, actor=who, trigger=a["do"], note=a.get("note"),
                                               at=_moment(a["at"]), values=_values(a)))
    writer.keep(draft, import_key=import_key, source=source)


def _case_fields(d: dict[str, Any]) -> dict[str, Any]:
    """A case record's registration fields, as ``cases.register`` takes them."""
    return dict(type=d["type"], summary=d["summary"], parties=[_text(p) for p in d["parties"]],
                source=d.get("source"), screening=d.get("screening"), risk=d.get("risk"), kind=d.get("kind"))


def _section_problems(name: str, data: dict[str, Any]) -> list[str]:
    """Shape of the file-level parts: ``by``, ``[town]`` and ``[[user]]``."""
    out = []
    if "by" in data and not isinstance(data["by"], str):
        out.append(f"{name}: by: " + _("expected text in quotes"))
    if "town" in data:
        town = data["town"]
        if not isinstance(town, dict):
            out.append(f"{name}: town: " + _("expected a table [town] with name and villages"))
        else:
            out += [f"{name}: town.{k}: {said}" for k, said in _type_problems(town)]
            villages = town.get("villages", [])
            if isinstance(villages, list) and not all(isinstance(v, str) for v in villages):
                out.append(f"{name}: town.villages: " + _("expected names in quotes"))
    users = data.get("user", [])
    if not isinstance(users, list):
        out.append(f"{name}: user: " + _("expected [[user]] tables"))
    else:
        for i, u in enumerate(users, 1):
            out += ([f"{name}: user {i}: " + _("expected a table of fields")] if not isinstance(u, dict)
                    else [f"{name}: user {i}: {k}: {said}" for k, said in _type_problems(u)])
    return out


def _tick(progress):
    if progress is not None:
        progress(1)


def _base(kind: str) -> str:
    return "petition" if kind == "petition_about_case" else kind


def _records(data: dict[str, Any]) -> Iterator[Record]:
    by_kind: dict[str, list[Record]] = {k: [] for k in RECORD_ORDER}
    for kind in FIELDS:
        items = data.get(kind, [])
        if not isinstance(items, list):
            items = [items]
        for i, item in enumerate(items, 1):
            target = "petition_about_case" if kind == "petition" and isinstance(item, dict) and item.get("case") \
                else kind
            by_kind[target].append(Record(target, i, item if isinstance(item, dict) else {"_bad": item}))
    for kind in RECORD_ORDER:
        yield from by_kind[kind]


def _check_keys(name: str, records: list[Record]) -> list[str]:
    seen: dict[str, Record] = {}
    out = []
    for rec in records:
        key = rec.data.get("key")
        if key is None:
            continue
        k = f"{_base(rec.kind)}:{key}"
        if k in seen:
            out.append(f"{name}: {rec.where}: key: " + _("duplicate of {record}").format(record=seen[k].where))
        else:
            seen[k] = rec
    return out


def _text(value: Any) -> str:
    """TOML dates and datetimes arrive as Python objects; the services take what people type."""
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _validate(rec: Record) -> list[Problem]:
    """Field-level problems of one record, each with its field path."""
    d, kind = rec.data, _base(rec.kind)
    if "_bad" in d:
        return [Problem(_("not a table of fields"))]
    known = ", ".join(sorted(FIELDS[kind]))
    out = [Problem(_("unknown field (known: {known})").format(known=known), f) for f in sorted(set(d) - FIELDS[kind])]
    out += [Problem(_("required"), f) for f in REQUIRED[kind] if f not in d]
    out += [Problem(said, k) for k, said in _type_problems({k: v for k, v in d.items() if k in FIELDS[kind]})]
    for i, p in enumerate(d.get("parties", []) if isinstance(d.get("parties"), list) else []):
        if not isinstance(p, str):
            out.append(Problem(_("expected text in quotes"), "parties", i))
    for i, j in enumerate(d.get("employment", []) if isinstance(d.get("employment"), list) else []):
        if not isinstance(j, dict):
            out.append(Problem(_("expected a table {{ status = …, at = … }}").format(), "employment", i))
        else:
            out += [Problem(said, "employment", i, k) for k, said in _type_problems(j)]
    choices = {("case", "type"): config.DISPUTE_TYPES, ("case", "risk"): config.RISKS,
               ("case", "kind"): config.MEDIATION_KINDS, ("case", "screening"): config.SCREENING_MODES,
               ("petition", "category"): petitions.PETITION_CATEGORIES, ("screening", "mode"): config.SCREENING_MODES}
    for (k, f), options in choices.items():
        if k == kind and f in d:
            try:
                validation.choice(_text(d[f]), options, f)
            except MediationError as exc:
                out.append(Problem(_said(exc), f))
    if "at" in d:
        try:
            _moment(d["at"])
        except MediationError as exc:
            out.append(Problem(_said(exc), "at"))
    parties = d.get("parties", []) if kind == "case" and isinstance(d.get("parties"), list) else []
    for i, p in enumerate(parties):
        if not isinstance(p, str):
            continue  # reported above
        spec = _text(p)
        parts = [x.strip() for x in spec.replace("\uff0c", ",").split(",")]
        placed = len(out)
        for j, part in enumerate(parts[1:], 1):
            if not part:
                continue
            if validation.detail_of(part)[0] is not None:
                try:
                    validation.party(f"{parts[0] or '?'},{part}")
                except MediationError as exc:
                    out.append(Problem(_said(exc), "parties", i, validation.detail_of(part)[0]))
                continue
            looks_id = validation.looks_like_id(part)
            problem = validation.id_number_problem(part) if looks_id else validation.phone_problem(part)
            if problem:
                out.append(Problem(problem, "parties", i, "id_number" if looks_id else "phone"))
        if not parts[0]:
            out.append(Problem(_("required"), "parties", i, "name"))
        if len(out) == placed:  # each part well formed: what only the whole says (a detail twice, a birth
            try:                # date that differs from the ID number's, too many parts)
                validation.party(spec)
            except MediationError as exc:
                out.append(Problem(_said(exc), "parties", i))
    if kind == "petition" and "petitioner" in d:
        try:
            validation.party(_text(d["petitioner"]))
        except MediationError as exc:
            out.append(Problem(_said(exc), "petitioner"))
    previous = None
    for i, a in enumerate(d.get("actions", []) if isinstance(d.get("actions"), list) else []):
        if not isinstance(a, dict):
            out.append(Problem(_("not a table"), "actions", i))
            continue
        out += [Problem(_("unknown field"), "actions", i, f) for f in sorted(set(a) - ACTION_FIELDS)]
        out += [Problem(said, "actions", i, k) for k, said in _type_problems({k: v for k, v in a.items()
                                                                              if k in ACTION_FIELDS})]
        if "do" not in a:
            out.append(Problem(_("required"), "actions", i, "do"))
        if "at" not in a:
            out.append(Problem(_("required"), "actions", i, "at"))
            continue
        try:
            when = _moment(a["at"]).at
        except MediationError as exc:
            out.append(Problem(_said(exc), "actions", i, "at"))
            continue
        start = previous if previous is not None else _start(d)
        if start is not None and when < start and timeutil.local_date(when) != timeutil.local_date(start):
            said = (_("{day} is before the step before it ({earlier}): dates out of order") if previous is not None
                    else _("{day} is before the record's own date ({earlier}): dates out of order"))
            out.append(Problem(said.format(day=timeutil.show(when, minutes=False),
                                           earlier=timeutil.show(start, minutes=False)), "actions", i, "at"))
        previous = when
    return out


def _start(d: dict[str, Any]) -> datetime | None:
    try:
        return _moment(d["at"]).at if "at" in d else None
    except MediationError:
        return None


class _ActionFailed(Exception):
    """A refused entry of a record's list: ``field`` is the list (actions, employment)."""

    def __init__(self, index: int, step: str | None, error: MediationError, field: str = "actions"):
        self.index, self.step, self.error, self.field = index, step, error, field


def _moment(value: Any):
    if value is None:
        return None
    if isinstance(value, (str, date)):  # TOML dates repeat across a file's records: parse each once
        return _parsed(value)
    return timeutil.parse_at(_text(value))


@lru_cache(maxsize=4096)
def _parsed(value: str | date) -> timeutil.Moment:
    return timeutil.parse_at(_text(value))


def _key_number(s, kind: str, key: Any, table) -> str:
    """The number of the record an import key became (a reference within or across files)."""
    found = s.get(ImportKey, f"{kind}:{key}")
    if found is None:
        from mediation import access
        try:  # a ledger names a record that was not imported by its number
            return getattr(access, kind)(s, str(key)).number
        except MediationError:
            raise MediationError(_("{kind} key '{key}' not found (it must be loaded first)").format(
                kind=kind, key=key)) from None
    return s.get(table, found.record_id).number


def _replay(db: UnitOfWork, s, rec: Record, default_by: str | None) -> int:
    d, kind = rec.data, _base(rec.kind)
    by = d.get("by", default_by)
    if kind == "case":
        petition_number = _key_number(s, "petition", d["petition"], Petition) if d.get("petition") else None
        view = cases.register(db, actor=by, village=d["village"], at=_moment(d["at"]), petition=petition_number,
                              **_case_fields(d))
        _actions(d, by, lambda a, who: cases.fire(db, actor=who, case=str(view.id), trigger=a["do"],
                                                  note=a.get("note"), at=_moment(a["at"]), values=_values(a),
                                                  view=False))
        return view.id
    if kind == "petition":
        case_number = _key_number(s, "case", d["case"], Case) if d.get("case") else None
        view = petitions.new(db, actor=by, village=d["village"], petitioner=_text(d["petitioner"]),
                             category=d["category"], summary=d["summary"], form=d.get("form", "visit"),
                             level=d.get("level", "town"), matter=d.get("matter"), at=_moment(d["at"]),
                             case=case_number, representatives=[_text(r) for r in d.get("representatives", [])])
        _actions(d, by, lambda a, who: petitions.fire(db, actor=who, petition=view.number, trigger=a["do"],
                                                      note=a.get("note"), at=_moment(a["at"]), values=_values(a)))
        return view.id
    if kind == "screening":
        return screening.add_round(db, actor=by, village=d["village"], mode=d["mode"], found=d.get("found"),
                                   prevented=d.get("prevented"), at=_moment(d["at"]), note=d.get("note")).id
    if kind == "zero_report":
        screening.zero_report(db, actor=by, village=d["village"], month=_text(d["month"]))
        return 0
    if kind == "matter":
        view = matters.new(db, actor=by, kind=d["kind"], summary=d["summary"], at=_moment(d["at"]),
                           accepted=_moment(d["accepted"]) if d.get("accepted") else None)
        _actions(d, by, lambda a, who: matters.fire(db, actor=who, matter=view.number, trigger=a["do"],
                                                    note=a.get("note"), at=_moment(a["at"]), values=_values(a)))
        return view.id
    view = subjects.new(db, actor=by, name=d["name"], category=d["category"], village=d.get("village"),
                        at=_moment(d["at"]), term_end=_moment(d.get("term_end")), released=_moment(d.get("released")))
    # Workflow steps and employment changes, replayed together in date order (a subject's
    # employment is recorded while under supervision, before a release).
    steps = [(_moment(a["at"]).at, 0, i, "actions", a) for i, a in enumerate(d.get("actions", []))]
    steps += [(_moment(j.get("at")).at if j.get("at") else timeutil.now(), 1, i, "employment", j)
              for i, j in enumerate(d.get("employment", []))]
    for _at, _order, i, what, item in sorted(steps, key=lambda x: x[:3]):
        try:
            if what == "actions":
                subjects.fire(db, actor=item.get("by", by), subject=str(view.id), trigger=item["do"],
                              note=item.get("note"), at=_moment(item["at"]), values=_values(item))
            else:
                subjects.employment(db, actor=item.get("by", by), subject=str(view.id),
                                    status=item.get("status", ""), at=_moment(item.get("at")))
        except MediationError as exc:
            raise _ActionFailed(i, str(item.get("do")) if what == "actions" else None, exc, field=what) from None
    return view.id


def _values(a: dict[str, Any]) -> dict[str, str]:
    return {k: _text(v) if not isinstance(v, bool) else ("yes" if v else "no") for k, v in (a.get("set") or {}).items()}


def _actions(d: dict[str, Any], by: str | None, fire: Callable[[dict[str, Any], str | None], Any]) -> None:
    for i, a in enumerate(d.get("actions", []) if isinstance(d.get("actions"), list) else []):
        try:
            fire(a, a.get("by", by))
        except MediationError as exc:
            raise _ActionFailed(i, str(a.get("do")), exc) from None


def _town(db: UnitOfWork, name: str, t: dict[str, Any], default_by: str | None, problems: list[str]) -> bool:
    """Create the town or add its new villages; True when anything was added."""
    try:
        view = admin.init_town(db, town=t.get("name", ""), villages=list(t.get("villages", [])), abbr=t.get("abbr"),
                               actor=t.get("by", default_by))
        return view.created or bool(view.added_villages)
    except MediationError as exc:
        problems.append(f"{name}: town: {_said(exc)}")
        return False


def _user(db: UnitOfWork, s, name: str, i: int, u: dict[str, Any], default_by: str | None,
          problems: list[str]) -> bool:
    """Add the user unless one with that name exists (with the same role); True when added."""
    where = f"{name}: user {i}" + (f" ({u.get('name')})" if u.get("name") else "")
    existing = s.exec(select(User).where(User.name == u.get("name"))).first()
    if existing is not None:
        if (existing.role,) != (u.get("role"),):  # the same user, not a new one of that name
            problems.append(f"{where}: " + _("exists with role {role}, not {given}").format(role=existing.role,
                                                                                          given=u.get("role")))
        return False
    try:
        admin.add_user(db, actor=u.get("by", default_by), name=u.get("name", ""), role=u.get("role", ""),
                       village=u.get("village"), town=u.get("town"))
        return True
    except MediationError as exc:
        problems.append(f"{where}: {_said(exc)}")
        return False



