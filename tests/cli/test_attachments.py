"""Scans and photos kept with their case (``case attach``), on both engines: what is kept comes
back byte for byte, a refused file leaves the database as it was, and a byte changed or a file
removed behind the program's back is named by ``audit verify``."""

from __future__ import annotations

import json
import struct
import zlib

from sqlalchemy import text

from mediation.attachments import MOST_BYTES, media_type


def _png() -> bytes:
    """A real 1×1 PNG."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00")) + chunk(b"IEND", b""))


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _case(run) -> str:
    made = run.json("case", "new", "--village", "龙潭村", "--type", "邻里", "--summary", "排水沟堵塞",
                    "--party", "孙秀英", "--party", "吴大海", "--at", "2021-03-02", user="刘调解")
    return made["number"]


def _state(run, number: str) -> tuple:
    shown = run.json("case", "show", number, user="王主任")
    return shown["version"], len(shown["history"]), json.dumps(run.json("case", "attachments", number))


def _owner(url: str, statement: str) -> None:
    """Plain SQL as the database's owner, past the program (the machine's own connection)."""
    from mediation.db import Database

    db = Database(url)
    try:
        with db.engine.begin() as conn:
            conn.execute(text(statement))
    finally:
        db.dispose()


def test_a_scan_is_kept_listed_and_given_back(run, tmp_path):
    number = _case(run)
    scan, photo = tmp_path / "协议书扫描.pdf", tmp_path / "现场.png"
    scan.write_bytes(PDF)
    photo.write_bytes(_png())
    kept = run.json("case", "attach", number, str(scan), "--kind", "协议书扫描件", "--note", "双方签字原件", user="刘调解")
    assert kept["n"] == 1 and kept["kind"] == "scan" and kept["media_type"] == "application/pdf"
    assert kept["name"] == "协议书扫描.pdf" and kept["bytes"] == len(PDF)
    run.ok("case", "attach", number, str(photo), "--kind", "photo", user="王主任")
    listed = run.json("case", "attachments", number)
    assert [(a["n"], a["kind"], a["media_type"], a["actor"]) for a in listed] == [
        (1, "scan", "application/pdf", "刘调解"), (2, "photo", "image/png", "王主任")]
    out = tmp_path / "back.png"
    run.ok("case", "attachment", number, "2", "--out", str(out))
    assert out.read_bytes() == _png() and oct(out.stat().st_mode & 0o777) == "0o600"
    # Each is a step of the case, holding the file's hash; the case's state is unchanged.
    shown = run.json("case", "show", number)
    attached = [e for e in shown["history"] if e["trigger"] == "attach"]
    assert [e["values"]["n"] for e in attached] == [1, 2] and shown["state"] == "registered"
    assert attached[0]["values"]["sha256"] == kept["sha256"]
    assert "1 协议书扫描件" in run.ok("case", "attachments", number).stdout.replace("  ", " ").replace("  ", " ")
    assert run.ok("audit", "verify").exit_code == 0
    # The steps that follow are not blocked by attachments: undo takes back the workflow's step.
    run.ok("case", "do", number, "triage", "--set", "risk=green", user="刘调解")
    run.ok("case", "undo", number, "--note", "登记错误", user="王主任")
    assert run.json("case", "show", number)["state"] == "registered"


def test_what_is_no_scan_is_refused_and_nothing_is_written(run, tmp_path):
    number = _case(run)
    (tmp_path / "a.pdf").write_bytes(PDF)
    run.ok("case", "attach", number, str(tmp_path / "a.pdf"), user="刘调解")
    before = _state(run, number)
    (tmp_path / "note.txt").write_text("不是扫描件", encoding="utf-8")
    (tmp_path / "empty.pdf").write_bytes(b"")
    with open(tmp_path / "huge.pdf", "wb") as fh:
        fh.write(b"%PDF-1.4\n")
        fh.truncate(MOST_BYTES + 1)
    (tmp_path / "again.pdf").write_bytes(PDF)
    for args, said in [
        ((str(tmp_path / "note.txt"),), "not a PDF, JPEG, PNG or HEIC file"),
        ((str(tmp_path / "empty.pdf"),), "the file is empty"),
        ((str(tmp_path / "huge.pdf"),), "more than an attachment may be (20 MB)"),
        ((str(tmp_path / "missing.pdf"),), "no such file"),
        ((str(tmp_path),), "not a file"),
        ((str(tmp_path / "again.pdf"),), "this file is already attached (number 1)"),
    ]:
        run.refused("case", "attach", number, *args, match=said, user="刘调解")
    wrong = run("case", "attach", number, str(tmp_path / "a.pdf"), "--kind", "视频", user="刘调解")
    assert wrong.exit_code == 2 and "unknown attachment kind '视频'" in wrong.stderr  # (a usage error, as --form's)
    run.refused("case", "attach", number, str(tmp_path / "a.pdf"), match="acts only on records of their own village", user="周调解")
    run.refused("case", "attachment", number, "3", "--out", str(tmp_path / "x"), match="has no attachment 3 (it has 1)")
    assert _state(run, number) == before


def test_a_changed_byte_and_a_removed_file_are_named_by_verify(run, tmp_path):
    number = _case(run)
    (tmp_path / "scan.pdf").write_bytes(PDF)
    (tmp_path / "photo.png").write_bytes(_png())
    run.ok("case", "attach", number, str(tmp_path / "scan.pdf"), user="刘调解")
    run.ok("case", "attach", number, str(tmp_path / "photo.png"), user="刘调解")
    assert run.ok("audit", "verify").exit_code == 0
    # One byte of the scan changed in the database, past the program.
    changed = PDF.replace(b"1 0 obj", b"2 0 obj")
    hexed = changed.hex()
    blob = f"'\\x{hexed}'::bytea" if run.db_url.startswith("postgresql") else f"X'{hexed}'"
    _owner(run.db_url, f"UPDATE attachment SET content = {blob} WHERE seq = 1")
    report = run("audit", "verify", "--json")
    assert report.exit_code == 1
    problems = json.loads(report.stdout)["problems"]
    named = [p for p in problems if "attachment 1" in p["detail"]]
    assert any("its bytes were changed" in p["detail"] and p["record"] == number for p in named), problems
    run.refused("case", "attachment", number, "1", "--out", str(tmp_path / "x.pdf"),
                match="was changed since it was attached")
    # The photo's row removed whole.
    _owner(run.db_url, "DELETE FROM attachment WHERE seq = 2")
    problems = json.loads(run("audit", "verify", "--json").stdout)["problems"]
    assert any(p["what"] == "deleted" and "attachment" in p["detail"] for p in problems), problems


def test_the_four_kinds_are_known_by_their_first_bytes():
    assert media_type(PDF[:16]) == "application/pdf"
    assert media_type(_png()[:16]) == "image/png"
    assert media_type(b"\xff\xd8\xff\xe0\x00\x10JFIF\x00") == "image/jpeg"
    assert media_type(b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00") == "image/heic"
    assert media_type(b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00") is None  # a video
    assert media_type(b"PK\x03\x04") is None  # a Word file is printed, not attached
