"""The signed paper kept with its case (一案一卷, the electronic file): ``case attach`` reads a
scan or a photo, checks what it is by its first bytes (PDF, JPEG, PNG, HEIC) and its size,
and writes it into the database with its SHA-256, together with an ``attach`` step of the case
that holds the same hash, in one transaction. The file is an item of the town chain
(``mediation.chain``), so ``audit verify`` names an attachment changed or removed behind the
program's back; backups carry it as they carry every row.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func
from sqlmodel import select

from mediation import files, permissions, records, steps, timeutil, validation
from mediation.db import UnitOfWork
from mediation.errors import InvalidValue, NotAllowed, NotFound
from workflows.i18n import N_, _

KINDS = {"scan": "协议书扫描件", "application": "申请书", "photo": "照片", "other": "其他"}
# A scan of a few signed pages is well under this; a larger file is a video or a mistake.
MOST_BYTES = 20 * 1024 * 1024
_HEIC_BRANDS = (b"heic", b"heix", b"hevc", b"heim", b"heis", b"mif1", b"msf1")


@dataclass(frozen=True)
class AttachmentView:
    case: str  # the case's number
    n: int
    kind: str
    name: str
    media_type: str
    size: int
    sha256: str
    note: str | None
    actor: str
    at: datetime

    def to_json(self) -> dict[str, Any]:
        return {"case": self.case, "n": self.n, "kind": self.kind, "kind_label": KINDS.get(self.kind, self.kind),
                "name": self.name, "media_type": self.media_type, "bytes": self.size, "sha256": self.sha256,
                "note": self.note, "actor": self.actor, "at": timeutil.iso(self.at)}


def media_type(head: bytes) -> str | None:
    """What a file is by its first bytes: the four kinds an office scans or photographs."""
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head[4:8] == b"ftyp" and head[8:12] in _HEIC_BRANDS:
        return "image/heic"
    return None


def _read(path: str) -> tuple[bytes, str]:
    """The file's bytes and type, or a refusal that says why not (before anything is written)."""
    shown = validation.shown(path)
    if not os.path.exists(path):
        raise InvalidValue(_("{path}: no such file").format(path=shown))
    if not os.path.isfile(path):
        raise InvalidValue(_("{path}: not a file").format(path=shown))
    size = os.path.getsize(path)
    if size == 0:
        raise InvalidValue(_("{path}: the file is empty").format(path=shown))
    if size > MOST_BYTES:
        raise InvalidValue(_("{path}: {mb:.1f} MB is more than an attachment may be ({most} MB); scan at a lower "
                             "resolution or split the file").format(path=shown, mb=size / 2 ** 20,
                                                                    most=MOST_BYTES // 2 ** 20))
    with open(path, "rb") as fh:
        content = fh.read(MOST_BYTES + 1)
    kind = media_type(content[:16])
    if kind is None:
        raise InvalidValue(_("{path}: not a PDF, JPEG, PNG or HEIC file (an attachment is a scan or a photo)").format(
            path=shown))
    return content, kind


def attach(db: UnitOfWork, *, actor: str | None, case: str, path: str, kind: str | None = None,
           note: str | None = None, expect_version: int | None = None) -> AttachmentView:
    """Keep ``path`` with the case: its next number, its bytes and their SHA-256, and an
    ``attach`` step of the case holding the same, in one transaction. The same file twice in
    one case is refused (it is already there, under its number)."""
    from mediation.cases import REGISTER
    from mediation.tables.attachments import Attachment

    kind = validation.choice(kind or "other", KINDS, N_("attachment kind"))
    note = validation.clean_text(note, N_("note"), multiline=True)
    content, media = _read(path)
    digest = hashlib.sha256(content).hexdigest()
    name = validation.clean_text(os.path.basename(path), N_("file name"), limit="key") or "file"
    with db.write() as s:
        user, row = steps.acting_on(s, REGISTER, actor, case, expect_version)
        if row.state == "void":
            raise NotAllowed(_("{number} is void: nothing is attached to it").format(number=row.number))
        same = s.exec(select(Attachment.seq).where(Attachment.case_id == row.id, Attachment.sha256 == digest)).first()
        if same is not None:
            raise NotAllowed(_("{number}: this file is already attached (number {n})").format(number=row.number, n=same))
        n = (s.exec(select(func.max(Attachment.seq)).where(Attachment.case_id == row.id)).one() or 0) + 1
        now = timeutil.now()
        s.add(Attachment(case_id=row.id, seq=n, kind=kind, name=name, media_type=media, size=len(content),
                         sha256=digest, note=note, actor=user.name, at=now, content=content))
        s.flush()
        records.side_step(s, REGISTER, row, user=user, trigger="attach", note=note,
                          values={"n": n, "kind": kind, "name": name, "bytes": len(content), "sha256": digest})
        return AttachmentView(case=row.number, n=n, kind=kind, name=name, media_type=media, size=len(content),
                              sha256=digest, note=note, actor=user.name, at=now)


def views(db: UnitOfWork, *, actor: str | None, case: str) -> list[AttachmentView]:
    """A case's attachments in order (their bytes left in the database)."""
    from mediation.tables.attachments import Attachment

    with db.read() as s:
        row = _seen(s, actor, case)
        a = Attachment
        found = s.exec(select(a.seq, a.kind, a.name, a.media_type, a.size, a.sha256, a.note, a.actor, a.at)
                       .where(a.case_id == row.id).order_by(a.seq)).all()
        return [AttachmentView(row.number, *f) for f in found]


def _seen(s, actor: str | None, case: str):
    """The case, if the acting user (or no user) may see it."""
    from mediation import access

    user = access.optional_actor(s, actor)
    row = access.case(s, case)
    if user is not None:
        permissions.may_see(user, row)
    return row


def save(db: UnitOfWork, *, actor: str | None, case: str, n: int, path: str) -> AttachmentView:
    """Write attachment ``n`` of the case to ``path`` (private), after checking its bytes still
    hash to what was attached: an altered file is refused, not handed out."""
    from mediation.tables.attachments import Attachment

    with db.read() as s:
        row = _seen(s, actor, case)
        found = s.exec(select(Attachment).where(Attachment.case_id == row.id, Attachment.seq == n)).first()
        if found is None:
            have = s.exec(select(func.count()).select_from(Attachment).where(Attachment.case_id == row.id)).one()
            raise NotFound(_("{number} has no attachment {n} (it has {count})").format(number=row.number, n=n,
                                                                                    count=have))
        if hashlib.sha256(found.content).hexdigest() != found.sha256:
            raise NotAllowed(_("{number}: attachment {n} was changed since it was attached; run `mediation audit "
                               "verify`").format(number=row.number, n=n))
        with files.private(path) as tmp, open(tmp, "wb") as fh:
            fh.write(found.content)
        return AttachmentView(row.number, found.seq, found.kind, found.name, found.media_type, found.size,
                              found.sha256, found.note, found.actor, found.at)
