"""Chinese help and messages under a Chinese locale, English otherwise (cli/i18n.py), and a
catalog that is complete for the program's own texts and compiled from its .po."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from cli import main
from cli.locale import catalog


def _run(lang: str, *args: str):
    runner = CliRunner(env={"LANG": lang, "LC_ALL": None, "LANGUAGE": None, "LC_MESSAGES": None, "NO_COLOR": "1",
                            "COLUMNS": "80", "MEDIATION_USER": None})
    return runner.invoke(main, list(args), prog_name="mediation")


def test_help_and_usage_errors_in_chinese(tmp_path):
    shown = _run("zh_CN.UTF-8", "case", "--help")
    assert shown.exit_code == 0
    assert shown.stdout.startswith("用法: mediation case") and "纠纷案件:按三线管控办理的五步联调流程。" in shown.stdout
    assert "选项:" in shown.stdout and "显示本帮助并退出。" in shown.stdout and "登记纠纷" in shown.stdout
    top = _run("zh_CN.UTF-8", "--help").stdout
    assert "命令:" in top and "演示:" in top
    options = _run("zh_CN.UTF-8", "case", "list", "--help").stdout
    assert "只看此村(社区)。" in options and "拼音首字母" in options
    db = str(tmp_path / "town.db")
    assert _run("zh_CN.UTF-8", "--db", db, "init", "--town", "营盘镇", "--village", "龙潭村").exit_code == 0
    missing = _run("zh_CN.UTF-8", "--db", db, "case", "new", "--village", "龙潭村")
    assert missing.exit_code == 2 and "缺少选项 '--type'" in missing.stderr and "错误:" in missing.stderr
    unknown = _run("zh_CN.UTF-8", "--db", db, "case", "frobnicate")
    assert unknown.exit_code == 2 and "没有命令 'frobnicate'" in unknown.stderr
    extra = _run("zh_CN.UTF-8", "--db", db, "case", "list", "甲", "乙")  # click's ngettext: a plural entry
    assert extra.exit_code == 2 and "多余的参数(甲 乙)" in extra.stderr


def test_english_under_any_other_locale():
    for lang in ("C", "en_US.UTF-8"):
        shown = _run(lang, "case", "--help")
        assert shown.stdout.startswith("Usage: mediation case") and "Dispute cases (纠纷案件)" in shown.stdout
        assert "Show this message and exit." in shown.stdout
    # one process, both languages: a translated text never becomes the catalog's key
    assert "用法" in _run("zh_CN.UTF-8", "--help").stdout and "Usage:" in _run("C", "--help").stdout


def test_the_catalog_covers_every_text_of_the_program_and_is_compiled():
    from babel.messages.pofile import read_po

    with open(catalog.PO, "rb") as fh:
        po = read_po(fh, locale="zh_CN")
    # a plural text (``ngettext``) is one entry, its id the (singular, plural) pair
    translated = {m.id for m in po if m.id and (m.string if isinstance(m.string, str) else all(m.string))}
    import click

    click_dir = str(Path(click.__file__).parent)
    ours = [t for t in catalog.texts() if t not in _click_texts(click_dir)]
    assert ours and [t for t in ours if t not in translated] == []  # `python -m cli.locale.catalog update`
    assert Path(catalog.MO).read_bytes() == catalog.compiled()  # `python -m cli.locale.catalog compile`


def _click_texts(folder: str) -> set[str]:
    return set(catalog.extracted(folder))


def test_every_translation_gives_the_same_facts_as_its_english():
    """A refusal's placeholders are the facts it gives: the Chinese names each one its English
    names, no more and no fewer (a typo in either would raise KeyError, or drop a number)."""
    import re
    import string

    from babel.messages.pofile import read_po

    with open(catalog.PO, "rb") as fh:
        po = read_po(fh, locale="zh_CN")

    def fields(text: str) -> set[str]:
        if "%(" in text:  # click's older %-style texts
            return set(re.findall(r"%\((\w+)\)", text))
        return {name for _lit, name, _spec, _conv in string.Formatter().parse(text) if name is not None}

    differ = [(m.id, m.string) for m in po if isinstance(m.id, str) and m.id and m.string
              and fields(m.id) != fields(m.string)]
    # a plural entry: every form names only what the English forms give, and all they share
    for m in po:
        if m.id and not isinstance(m.id, str):
            given, shared = fields(m.id[0]) | fields(m.id[1]), fields(m.id[0]) & fields(m.id[1])
            differ += [(m.id, s) for s in m.string if s and not (shared <= fields(s) <= given)]
    assert differ == []
    assert any(m.id and not isinstance(m.id, str) and all(m.string) for m in po)  # plurals are checked


def test_refusals_are_worded_in_the_readers_language(run):
    """The same refusal from the services, in each language: the facts are the same."""
    english = run("case", "show", "(2021)营调字第077号", user="王主任")
    chinese = run.speaking("zh_CN.UTF-8")("case", "show", "(2021)营调字第077号", user="王主任")
    assert english.stderr.startswith("Error: no such case '(2021)营调字第077号'")
    assert chinese.stderr.startswith("错误:没有案件 '(2021)营调字第077号'") and "no such" not in chinese.stderr
    risky = run.json("case", "new", "--village", "龙潭村", "--type", "邻里", "--summary", "排水沟堵塞",
                     "--party", "孙秀英", user="刘调解")
    said = run.speaking("zh_CN.UTF-8").json("case", "next", str(risky["id"]), user="刘调解")
    assert "需先评定风险等级" in said["blocked"][0]["reasons"][0]
    assert "risk level must be set" in run.json("case", "next", str(risky["id"]), user="刘调解")["blocked"][0]["reasons"][0]


def test_what_a_refusal_asks_for_is_data_in_either_language(run):
    """The catalog holds words and placeholders only; what a refusal asks for is filled in at
    the edge — the terminal's options, with its placeholders (NAME) in the reader's language."""
    text = Path(catalog.PO).read_text(encoding="utf-8")
    assert "⟦" not in text and "⟧" not in text
    made = run.json("case", "new", "--village", "龙潭村", "--type", "邻里", "--summary", "排水沟堵塞",
                    "--party", "孙秀英", user="刘调解")
    ref = str(made["id"])
    run.ok("case", "do", ref, "triage", "--set", "risk=green", user="刘调解")
    english = run("case", "do", ref, "start", user="刘调解")
    chinese = run.speaking("zh_CN.UTF-8")("case", "do", ref, "start", user="刘调解")
    assert "(--set mediator=NAME)" in english.stderr
    assert "需先指定调解员(--set mediator=姓名)" in chinese.stderr
