"""``mediation shell``: lines typed one after another in one process, with the shell's database
and user; a refusal shows its line and the shell goes on; completion is the commands' own."""

from __future__ import annotations

from cli.shell import candidates


def test_lines_run_in_one_process_and_a_refusal_does_not_end_it(run):
    lines = "\n".join([
        "case new --village 龙潭村 --type 邻里 --summary 排水沟堵塞 --party 孙秀英 --party 吴大海 --at 2021-03-02",
        "case do 1 研判分流 --set risk=绿",
        "case show 2021-999",
        '"an unclosed quote',
        "# a comment",
        "mediation case list",
        "exit",
        "case do 1 开始调解 --set mediator=刘调解",  # (after exit: never run)
    ]) + "\n"
    result = run("shell", user="刘调解", input=lines)
    assert result.exit_code == 0, result.output
    assert "(2021)营调字第001号" in result.stdout and "1 case" in result.stdout
    assert "no such case '2021-999'" in result.stderr and "No closing quotation" in result.stderr
    shown = run.json("case", "show", "1")
    assert shown["state"] == "triaged" and [e["actor"] for e in shown["history"]] == ["刘调解", "刘调解"]


def test_the_shell_ends_at_the_end_of_its_input(run):
    result = run("shell", user="王主任", input="case list\n")
    assert result.exit_code == 0 and "0 cases" in result.stdout


def test_tab_completes_as_the_command_lines_completion_does(run):
    head = ["--db", run.db_url]
    assert "case " in candidates(head, "ca", "ca")
    assert {"show ", "shell "} & set(candidates(head, "s", "s")) == {"shell "}
    assert "show " in candidates(head, "case sh", "sh")
    assert "龙潭村 " in candidates(head, "case new --village 龙", "龙")
    assert candidates(head, 'case new "unclosed', "x") == []  # (never raises at a half-typed line)
