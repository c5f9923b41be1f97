"""Make the README's pictures of the paper again: page 1 of the 人民调解协议书 as printed for
signing and page 1 of the year-end report section, from the 2021 sample, as PNG.

    python docs/paper/pictures.py            (from the project's folder, in its environment)

It loads the sample into a scratch database, prints both documents with the same commands the
README shows, converts them with LibreOffice headless and renders page 1 of each with
pdftoppm (poppler-utils), writing ``docs/paper/agreement.png`` and ``docs/paper/report.png``.
The party details the sample lacks (性别, 民族, 住址) are added first with ``case amend``, as a
clerk would before printing. Nothing outside a temporary folder is touched but the two PNGs.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
SAMPLE = ROOT / "sample_cases" / "yingpan-2021"
RESOLUTION = 60  # dots per inch: a page about 500 pixels wide, readable in a README


def _mediation(db: str, *args: str) -> None:
    env = {**os.environ, "NO_COLOR": "1", "MEDIATION_USER": "", "MEDIATION_PAPER": ""}
    subprocess.run([sys.executable, "-m", "cli", "--db", db, *args], check=True, cwd=ROOT, env=env,
                   stdout=subprocess.DEVNULL)


def main() -> None:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if not soffice or not shutil.which("pdftoppm"):
        sys.exit("needs LibreOffice (libreoffice-writer-nogui) and pdftoppm (poppler-utils)")
    with tempfile.TemporaryDirectory() as work:
        db = str(Path(work) / "sample.db")
        _mediation(db, "load", str(SAMPLE))
        case = "(2021)营调字第001号"
        for fix in ("郝学军=郝学军,男,汉族,住址=营盘镇龙潭村三组15号,职业=农民",
                    "钟新民=钟新民,男,汉族,住址=营盘镇龙潭村三组17号,职业=农民",
                    "董秀英=董秀英,女,汉族,住址=营盘镇龙潭村四组2号,职业=农民"):
            _mediation(db, "--as", "王主任", "case", "amend", case, "--party-fix", fix, "--note", "补充当事人情况")
        _mediation(db, "--as", "王主任", "case", "print", case, "--form", "协议书", "--out", f"{work}/agreement.docx")
        _mediation(db, "--as", "王主任", "report", "annual", "2021", "--as-of", "2021-11-30", "--format", "docx",
                   "--filler", "李文书", "--head", "陈所长", "--phone", "0914-3310000", "--dated", "2021-12-01",
                   "--out", f"{work}/report.docx")
        subprocess.run([soffice, "--headless", "--convert-to", "pdf", "--outdir", work, f"{work}/agreement.docx",
                        f"{work}/report.docx"], check=True, capture_output=True, env={**os.environ, "HOME": work})
        for name in ("agreement", "report"):
            subprocess.run(["pdftoppm", "-png", "-r", str(RESOLUTION), "-f", "1", "-l", "1", "-singlefile",
                            f"{work}/{name}.pdf", str(HERE / name)], check=True)
            print(f"wrote {HERE / name}.png")


if __name__ == "__main__":
    main()
