"""Every command's ``--json`` document carries data fields only: no key with an upper-case
letter (class constants such as ``STATE_LABELS`` once leaked into petition JSON), and
deadlines as last days (``"YYYY-MM-DD"``), never as the next day's midnight."""

from __future__ import annotations

import re
from pathlib import Path

SAMPLE = str(Path(__file__).parents[2] / "sample_cases" / "yingpan-2021")
DEADLINE_KEYS = {"deadline", "route_deadline", "answer_deadline", "channel_deadline"}
DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _walk(doc, path="$"):
    """(path, key, value) for every key of every object in the document."""
    if isinstance(doc, dict):
        for k, v in doc.items():
            yield path, k, v
            yield from _walk(v, f"{path}.{k}")
    elif isinstance(doc, list):
        for i, v in enumerate(doc):
            yield from _walk(v, f"{path}[{i}]")


def test_no_json_document_has_upper_case_keys_and_deadlines_are_days(run):
    run.ok("load", SAMPLE)
    commands = [
        ("init", "--town", "营盘镇"), ("user", "list"), ("load", SAMPLE),
        ("case", "list"), ("case", "show", "1"), ("case", "next", "1"),
        ("case", "new", "--village", "龙潭村", "--type", "邻里", "--summary", "x", "--party", "甲", "--at",
         "2021-12-20"),
        ("case", "do", "(2021)营调字第066号", "decline", "--note", "拒绝调解"),
        ("petition", "list"), ("petition", "show", "1"), ("petition", "next", "11"),
        ("petition", "new", "--village", "龙潭村", "--petitioner", "甲", "--category", "request", "--summary", "修路",
         "--representative", "甲"),
        ("petition", "do", "11", "answer", "--set", "opinion=support", "--note", "逾期答复:涉及多部门"),
        ("review",), ("report", "annual", "2021"),
        ("screening", "list"), ("screening", "add", "--village", "龙潭村", "--mode", "拉网"),
        ("screening", "zero", "--village", "龙潭村", "--month", "2021-12"),
        ("matter", "list"), ("matter", "show", "1"),
        ("matter", "new", "--kind", "reconsideration", "--summary", "不服罚款", "--accepted", "2021-12-01",
         "--at", "2021-12-03"),
        ("matter", "do", "(2021)营复字第001号", "answer", "--at", "2021-12-10"),
        ("subject", "list"), ("subject", "show", "1"), ("subject", "new", "某", "--category", "correction",
                                                                     "--term-end", "2027-06-30"),
        ("subject", "do", "37", "start"), ("subject", "employment", "37", "employed"),
        ("workflow", "show", "petition"),
    ]
    deadlines_seen = 0
    for args in commands:
        doc = run.json(*args, user="王主任")
        for path, key, value in _walk(doc):
            assert not re.search(r"[A-Z]", key), f"{' '.join(args)}: {path}.{key}"
            if key in DEADLINE_KEYS and value is not None:
                assert DAY.match(value), f"{' '.join(args)}: {path}.{key} = {value!r}"
                deadlines_seen += 1
    assert deadlines_seen > 30  # the sample's cases, petitions, matters and the queue all have some
