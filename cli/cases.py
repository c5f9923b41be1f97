"""``mediation case …``: register, list, show, act on and ask about dispute cases."""

from __future__ import annotations

import click

from cli.output import (
    Labelled, channel_named, complete_villages, tell_recurrence, dump_json, history_table, interactive, json_option, moment, named,
    need, numbered, provisional_mark, render_access, step_label, step_values, PAPER_OPTION, limit_option, listed, page_and_count,
)
from cli.i18n import N_, _, ngettext
from cli.steps import add_do, add_undo, add_void, render_options


def _complete_types(ctx, param, incomplete):
    from workflows.config import DISPUTE_TYPES
    return [t for t in DISPUTE_TYPES if t.startswith(incomplete)]


def _day(text: str | None):
    """A day typed (``--from``, ``--to``) as the day people wrote, in Asia/Shanghai."""
    if text is None:
        return None
    from mediation.timeutil import local_date
    return local_date(moment(text).at)


@click.group()
def case():
    """Dispute cases (纠纷案件): the 五步联调 pipeline across the 三线管控 lines."""


@case.command("new")
@click.option("--village", shell_complete=complete_villages, help="Village or community (村/社区), e.g. 龙潭村.")
@click.option("--type", "type_", shell_complete=_complete_types, help="Category, one of the 15 (e.g. 邻里, 婚姻家庭).")
@click.option("--summary", help="What the dispute is about (纠纷简要情况).")
@click.option("--party", "parties", multiple=True, metavar="NAME[,ID_NUMBER][,PHONE][,DETAIL…]",
              help="A party (当事人); repeatable. Details the agreement states, each optional: 男/女, 汉族, "
                   "出生日期=1980-05-01, 住址=…, 单位=… (or 职业=…).")
@click.option("--source", help="How it was found: screening(排查发现) application(当事人申请) grid(网格员上报) "
                                "referral(委托移送) petition(信访转入) hotline(12345热线).")
@click.option("--screening", help="Screening mode when found by screening: 逐个, 拉网, 反复, 专项.")
@click.option("--risk", help="Risk level: green yellow orange red (绿 黄 橙 红).")
@click.option("--kind", help="people administrative judicial public_security (default people, 人民调解).")
@click.option("--at", "at", metavar="DATE", help="When it was registered (back-dating): YYYY-MM-DD or ISO datetime.")
@click.option("--petition", metavar="PETITION", help="The accepted petition this case starts (信访转人民调解).")
@json_option
@click.pass_obj
def case_new(app, village, type_, summary, parties, source, screening, risk, kind, at, petition, as_json):
    """Register a dispute (① 排查登记); prints its number and id.

    \b
    Example:
      mediation --as 刘调解 case new --village 龙潭村 --type 邻里 \\
        --summary "排水沟堵塞互相指责" --party 孙秀英 --party "吴大海,,13812345678"
    """
    from mediation import cases

    db = app.db  # open it first: no one should type a whole record into a missing database
    village = need(village, "--village", N_("Village"), as_json=as_json)
    type_ = need(type_, "--type", N_("Dispute type"), as_json=as_json)
    summary = need(summary, "--summary", N_("Summary of the dispute"), as_json=as_json)
    parties = list(parties)
    if not parties:
        if not (interactive() and not as_json):
            raise click.UsageError(_("Missing option '{option}'.").format(option="--party"))
        while True:
            p = click.prompt(_("Party (NAME[,ID][,PHONE]; empty line to finish)"), default="", show_default=False)
            if not p.strip():
                if parties:
                    break
                continue
            parties.append(p)
    view = cases.register(db, actor=app.actor, village=village, type=type_, summary=summary, parties=parties,
                          source=source, screening=screening, risk=risk, kind=kind, at=moment(at),
                          petition=petition)
    if as_json:
        return dump_json(view)
    app.display.line(f"{view.number}  id {view.id}  {view.village} {view.type}  {view.state_label}")
    tell_recurrence(view.recurrence)
    if view.similar:  # a warning, not a refusal: the same neighbours may quarrel twice
        from mediation.cases import SIMILAR_DAYS
        click.echo(_("Warning: {cases} has the same parties and a similar summary (registered in this village within "
                     "{days} days): is this the same dispute registered twice?").format(
            cases="、".join(view.similar), days=SIMILAR_DAYS), err=True)


@case.command("list")
@click.option("--village", shell_complete=complete_villages, help="Only this village.")
@click.option("--state", help="Only cases in this state (e.g. mediating).")
@click.option("--year", type=click.IntRange(1949, 2100), help="Only cases registered in this year (Asia/Shanghai).")
@click.option("--from", "first", metavar="DATE", help="Only cases registered on or after this day.")
@click.option("--to", "last", metavar="DATE", help="Only cases registered on or before this day.")
@click.option("--overdue", is_flag=True, help="Only cases past the deadline of their current step.")
@limit_option("cases")
@click.option("--search", "text", metavar="TEXT", help="A party's name, a word of the summary or a note, or "
              "pinyin initials (sxy finds 孙秀英).")
@click.option("--party", help="Only cases with a party of this name (or part of it).")
@click.option("--type", "type_", help="Only this category (纠纷类别).", shell_complete=_complete_types)
@click.option("--mediator", help="Only cases this mediator handles.")
@click.option("--format", "fmt", type=click.Choice(["table", "xlsx", "csv"]), default="table", show_default=True,
              help="xlsx, csv: the ledger (台账) with every step, as `mediation load` reads it back.")
@click.option("--out", type=click.Path(dir_okay=False), help="The ledger file to write (with --format xlsx|csv).")
@click.option("--unmask", is_flag=True, help="Ledger: parties' ID numbers, phones and addresses in full (each "
              "case's reading is recorded); by default left out, so the ledger loads back without them.")
@click.option("--encoding", type=click.Choice(["utf-8", "gbk"]), default="utf-8", show_default=True,
              help="A CSV ledger's encoding (UTF-8 with the byte-order mark Chinese Excel expects, or GBK).")
@json_option
@click.pass_obj
def case_list(app, village, state, year, first, last, overdue, limit, text, party, type_, mediator, fmt, out, unmask,
              encoding, as_json):
    """List cases, oldest first; or write them as the village's ledger (台账).

    \b
    Example:
      mediation case list --village 龙潭村 --year 2021
      mediation case list --overdue --json
      mediation case list --from 2021-03-01 --to 2021-03-31
      mediation case list --search 孙秀英            (or --search sxy)
      mediation case list --year 2021 --format xlsx --out 台账2021.xlsx
    """
    from mediation import cases

    if fmt != "table":
        if text or party or type_ or mediator or first or last:
            raise click.UsageError(_("the ledger is narrowed by {options} only.").format(options="--village, --state, --year"))
        return _write_ledger(app, fmt, out, unmask, encoding, village=village, state=state, year=year,
                             overdue=overdue, limit=limit, as_json=as_json)
    if out or unmask:
        raise click.UsageError(_("{options} go with {format} (the ledger).").format(options="--out, --unmask",
                                                                           format="--format xlsx|csv"))
    narrowed = dict(village=village, state=state, year=year, overdue=overdue, text=text, party=party, type=type_,
                    mediator=mediator, first=_day(first), last=_day(last))
    page = listed(app.db, cases.list_cases, cases.count_cases, narrowed, limit, as_json)
    if page is not None:
        render_list(app.display, *page)


def _write_ledger(app, fmt, out, unmask, encoding, *, village, state, year, overdue, limit, as_json):
    from mediation import ledger

    if not out:
        raise click.UsageError(_("{option} needs {out} (the ledger is written to a file).").format(
            option=f"--format {fmt}", out="--out FILE"))
    if overdue or limit:
        raise click.UsageError(_("the ledger holds every case of the filter: {options} are for the list.").format(
            options="--overdue, --limit"))
    table = list(ledger.rows(app.db, actor=app.actor, village=village, state=state, year=year, unmask=unmask))
    if fmt == "csv":
        count = ledger.write_csv(out, table, encoding=encoding)
    else:
        count = ledger.write_xlsx(out, table, villages=ledger.village_names(app.db))
    if as_json:
        return dump_json({"path": out, "rows": count, "format": fmt})
    click.echo(_("wrote {path} ({count} rows)").format(path=out, count=count), err=True)
    if not unmask:
        click.echo(_("ID numbers, phones and addresses are left out: loaded back, its cases have none ({option} "
                     "by a user with a right to the cases includes them, each reading recorded)").format(
            option="--unmask"), err=True)


@case.command("print")
@click.argument("case_ref", metavar="CASE")
@click.option("--form", type=Labelled("mediation.documents:CASE_FORMS", N_("form")), required=True,
              help="agreement 人民调解协议书, application 申请书, register 受理登记表, investigation 调查笔录, "
                   "record 调解笔录, visit 回访记录, receipt 送达回证, cover 卷宗封面与卷内目录.")
@click.option("--out", required=True, type=click.Path(dir_okay=False), help="The Word document (.docx) to write.")
@click.option("--unmask/--masked", default=None,
              help="ID numbers, phones and addresses in full or masked. Default: in full on the forms a party "
                   "signs (agreement, application, register; recorded in the access history), masked on the rest.")
@PAPER_OPTION
@click.pass_obj
def case_print(app, case_ref, form, out, unmask, paper_folder):
    """Print one of a case's papers (卷宗, 司法部《人民调解文书格式》) as a Word document.

    The forms a party signs hold full ID numbers: printing them is recorded as a reading in
    full, by the acting user (--as); --masked prints a copy to read.

    \b
    Example:
      mediation --as 王主任 case print "(2021)营调字第001号" --form 协议书 --out 协议书.docx
      mediation case print 2021-1 --form cover --out 卷宗封面.docx
    """
    from mediation import documents

    number = documents.print_case(app.db, actor=app.actor, case=case_ref, form=form, path=out, unmask=unmask,
                                  paper_folder=paper_folder)
    click.echo(_("wrote {path} ({what})").format(path=out, what=f"{number} {documents.CASE_FORMS[form]}"), err=True)


@case.command("attach")
@click.argument("case_ref", metavar="CASE")
@click.argument("path", metavar="FILE")
@click.option("--kind", type=Labelled("mediation.attachments:KINDS", N_("attachment kind")), default="other",
              show_default=True, help="scan 协议书扫描件, application 申请书, photo 照片, other 其他.")
@click.option("--note", help="What the file is (e.g. 双方签字的协议书原件扫描).")
@json_option
@click.pass_obj
def case_attach(app, case_ref, path, kind, note, as_json):
    """Keep a scan or a photo with the case (PDF, JPEG, PNG or HEIC, at most 20 MB).

    The file is kept in the database with its SHA-256, as a step of the case: `audit verify`
    names it if it is changed or removed.

    \b
    Example:
      mediation --as 王主任 case attach 2021-1 协议书扫描.pdf --kind 协议书扫描件
    """
    from mediation import attachments

    view = attachments.attach(app.db, actor=app.actor, case=case_ref, path=path, kind=kind, note=note)
    if as_json:
        return dump_json(view.to_json())
    click.echo(_("{number}: attachment {n} kept ({kind}, {name}, {size} bytes)").format(
        number=view.case, n=view.n, kind=attachments.KINDS[view.kind], name=view.name, size=view.size))


@case.command("attachments")
@click.argument("case_ref", metavar="CASE")
@json_option
@click.pass_obj
def case_attachments(app, case_ref, as_json):
    """List a case's attachments (number, kind, name, size, who, when).

    \b
    Example:
      mediation case attachments 2021-1
    """
    from mediation import attachments
    from mediation.timeutil import show

    found = attachments.views(app.db, actor=app.actor, case=case_ref)
    if as_json:
        return dump_json([v.to_json() for v in found])
    if not found:
        return click.echo(_("no attachments"))
    table = app.display.table(_("#"), _("kind"), _("name"), _("bytes"), _("by"), _("at"), _("note"))
    for v in found:
        table.add_row(str(v.n), attachments.KINDS.get(v.kind, v.kind), v.name, f"{v.size:,}", v.actor, show(v.at),
                      v.note or "")
    app.display.print(table)


@case.command("attachment")
@click.argument("case_ref", metavar="CASE")
@click.argument("n", metavar="N", type=click.IntRange(min=1))
@click.option("--out", required=True, type=click.Path(dir_okay=False), help="Where to write the file.")
@click.pass_obj
def case_attachment(app, case_ref, n, out):
    """Write attachment N of a case to a file (its bytes checked against their SHA-256 first).

    \b
    Example:
      mediation case attachment 2021-1 1 --out 协议书扫描.pdf
    """
    from mediation import attachments

    view = attachments.save(app.db, actor=app.actor, case=case_ref, n=n, path=out)
    click.echo(_("wrote {path} ({what})").format(path=out, what=f"{view.case} #{view.n} {view.name}"), err=True)


@case.command("show")
@click.argument("case_ref", metavar="CASE", required=False)
@click.option("--unmask", is_flag=True, help="Show full ID numbers and phones (needs --as with a right to the case).")
@json_option
@click.pass_obj
def case_show(app, case_ref, unmask, as_json):
    """One case with its full history (each step, who, when it happened, when it was recorded).

    CASE is the id or the number, e.g. 12 or "(2021)营调字第003号" (2021-3 also finds it).

    \b
    Example:
      mediation case show "(2021)营调字第001号"
    """
    from mediation import cases

    case_ref = need(case_ref, "CASE", N_("Case number or id"), as_json=as_json)
    view = cases.show(app.db, case=case_ref, actor=app.actor, unmask=unmask)
    if as_json:
        return dump_json(view)
    render_case(app.display, view)
    render_access(app.display, view.access)


def _told_parties(view, trigger: str) -> list[str]:
    """A redirect tells the parties their own channel's period (民法典第188条, …)."""
    if view.state != "redirected" or not view.channel_law or trigger != "redirect":
        return []
    from mediation.timeutil import show_due
    if view.channel_deadline:
        return [_("tell the parties: {channel} by {day} ({law})").format(
            channel=channel_named(view.channel), day=show_due(view.channel_deadline, minutes=False), law=view.channel_law)]
    return [_("the day is unknown: tell the parties the legal period: {law}").format(law=view.channel_law)]


add_do(case, record="case", workflow="workflows.dispute:DISPUTE", help="""Fire a workflow trigger on a case. `case next CASE` lists what is possible.

    TRIGGER is the step's name or its Chinese label (研判分流); at a terminal, leave it out to
    choose from a numbered list of the steps allowed now.

    \b
    Example:
      mediation --as 刘调解 case do 1 triage --set risk=yellow
      mediation --as 刘调解 case do 1 研判分流 --set 风险=黄
      mediation --as 刘调解 case do 1 start --set mediator=刘调解
      mediation --as 刘调解 case do 1 agree --set agreement=written --set terms="赔偿2000元" --set amount=2000
    """, note_help="Why (required by escalation, failure, breach, reopen, …).",
       set_help="A value the step records: risk, kind, mediator, agreement, terms, amount, channel, satisfied.",
       facts=lambda view: [_("line {line}").format(line=view.line)], told=_told_parties)
add_undo(case, record="case", zh="案件")
add_void(case, record="case", zh="案件")


@case.command("amend")
@click.argument("case_ref", metavar="CASE")
@click.option("--summary", help="The corrected summary.")
@click.option("--type", "type_", metavar="TYPE", help="The corrected category (Chinese name, e.g. 邻里).")
@click.option("--village", shell_complete=complete_villages, help="Move the case to this village of its town (town or county users).")
@click.option("--party-fix", "party_fixes", multiple=True, metavar="OLD=NAME[,ID][,PHONE][,DETAIL…]",
              help="Correct a party: the name as registered, then what it should be (repeatable).")
@click.option("--note", help="Why the record is corrected (required).")
@click.option("--expect-version", type=int, metavar="N", help="Refuse unless the case is at this version.")
@json_option
@click.pass_obj
def case_amend(app, case_ref, summary, type_, village, party_fixes, note, expect_version, as_json):
    """Correct a case (更正): the summary, category, village or a party, as one step in its
    history holding the old and new values; counts use the corrected values.

    \b
    Example:
      mediation --as 刘调解 case amend 3 --party-fix "吴大海=吴大河" --note "登记时姓名笔误"
    """
    from mediation import cases

    note = need(note, "--note", N_("Why the record is corrected"), as_json=as_json)
    view = cases.amend(app.db, actor=app.actor, case=case_ref, note=note, summary=summary, type=type_,
                       village=village, party_fixes=party_fixes, expect_version=expect_version)
    if as_json:
        return dump_json(view)
    app.display.line(_("{number}: amended (version {version})").format(number=view.number, version=view.version))


@case.command("next")
@click.argument("case_ref", metavar="CASE")
@json_option
@click.pass_obj
def case_next(app, case_ref, as_json):
    """The triggers allowed now (with what each needs), and for each blocked one the reason.

    \b
    Example:
      mediation --as 刘调解 case next "(2021)营调字第001号"
    """
    from mediation import cases

    view = cases.next_actions(app.db, case=case_ref, actor=app.actor)
    if as_json:
        return dump_json(view)
    from workflows.dispute import STATE_LABELS, TRIGGER_LABELS

    d = app.display
    d.line(f"{view.case.number}  {named(view.case.state, view.case.state_label)}  "
           + _("line {line}  version {version}").format(line=view.case.line, version=view.case.version))
    render_options(d, view.options, view.permission, TRIGGER_LABELS, STATE_LABELS)


# -- rendering (shared with demo) -----------------------------------------------------------

def render_list(d, views, total: int, title: str | None = None) -> None:
    from mediation.timeutil import show_due

    from workflows.config import RISKS

    towns = len({v.town for v in views}) > 1  # a county's list: whose case it is
    columns = ((_("number"),) + ((_("town"),) if towns else ()) +
               (_("village or community"), _("type"), _("state"), _("line"), _("risk"), _("due")))
    t = d.table(*columns, title=title, optional=(_("risk"), _("line")) + ((_("type"),) if towns else ()))
    for v in views:
        due = show_due(v.deadline, minutes=False) + (" " + _("overdue") if v.overdue else "")
        t.add_row(v.number, *((v.town,) if towns else ()), v.village, v.type, v.state_label, str(v.line),
                  RISKS.get(v.risk or "", ""), due)
    page_and_count(d, t, len(views), total, more=N_("{shown} of {total} cases ({all} lists them all)"),
                   counted=ngettext("{n} case", "{n} cases", len(views)).format(n=len(views)))


def render_case(d, v) -> None:
    from mediation.timeutil import show, show_due
    from workflows.config import LINES, MEDIATION_KINDS, RISKS, SCREENING_MODES, SOURCES
    from workflows.dispute import DISPUTE, TRIGGER_LABELS

    parties = "; ".join(
        ", ".join(str(x) for x in (p.name, p.id_number, p.phone, p.gender, p.ethnicity, p.birth_date, p.address, p.employer) if x)
        for p in v.party_details)
    pairs = [
        numbered(v),
        (_("state"), f"{named(v.state, v.state_label)} · {v.step}"),
        (_("village"), f"{v.town} {v.village}"),
        (_("type"), f"{v.type} · {MEDIATION_KINDS.get(v.kind, v.kind)}" + (" · " + _("group dispute") if v.group else "")),
        (_("summary"), v.summary),
        (_("parties"), parties),
        (_("line"), f"{v.line} {LINES.get(v.line, '')}"),
        (_("risk"), named(v.risk, RISKS.get(v.risk)) if v.risk else _("not assessed")),
        (_("source"), " ".join(x for x in (SOURCES.get(v.source or "", v.source or ""),
                                            SCREENING_MODES.get(v.screening or "", "")) if x)),
        (_("mediator"), v.mediator),
        (_("registered"), show(v.registered_at)),
        (_("apply for judicial confirmation by") if v.state == "agreed" else _("due"),
         (show_due(v.deadline) + (" " + _("overdue") if v.overdue else "") + provisional_mark(v.deadline))
         if v.deadline else ""),
    ]
    if v.agreement:
        from workflows.config import AGREEMENT_FORMS
        pairs.append((_("agreement"), f"{named(v.agreement, AGREEMENT_FORMS.get(v.agreement))} {v.terms or ''}".strip()
                      + (f" · ¥{v.amount}" if v.amount else "") + f" · {show(v.agreed_at)}"))
    if v.channel:
        pairs.append((_("channel"), channel_named(v.channel)))
    if v.channel_law:
        pairs.append((_("channel by"), (show_due(v.channel_deadline, minutes=False) + " · " if v.channel_deadline
                                        else _("day unknown") + " · ") + v.channel_law))
    if v.confirmation_accepted_at:
        pairs.append((_("court accepted the confirmation"), show(v.confirmation_accepted_at, minutes=False)))
    if v.performance_due:
        pairs.append((_("perform by"), show_due(v.performance_due, minutes=False)))
    if v.visit_due and v.satisfied is None:
        pairs.append((_("follow-up visit by"), show_due(v.visit_due, minutes=False)))
    if v.petitions:
        pairs.append((_("petitions"), "、".join(v.petitions)))
    if v.satisfied is not None:
        pairs.append((_("follow-up visit"), _("satisfied") if v.satisfied else _("not satisfied")))
    if v.outcome or v.reopened:
        from workflows.dispute import OUTCOMES
        pairs.append((_("outcome"), (named(v.outcome, OUTCOMES.get(v.outcome or "")) if v.outcome else "") + (" · " + _("reopened ×{times}").format(times=v.reopened) if v.reopened else "")))
    d.print(d.fields([(k, val) for k, val in pairs if val not in (None, "")]))
    if v.history:
        from workflows.dispute import STATE_LABELS

        t = history_table(d, line=True)
        for e in v.history:
            when = _when(e.at)
            if abs((e.recorded_at - e.at).total_seconds()) >= 3600:
                when += "\n" + _("entered {day}").format(day=show(e.recorded_at, minutes=False))
            # registration values and agreement terms are in the fields above
            extra = "" if e.trigger == "register" else step_values(e.trigger, e.values, fields=DISPUTE.fields,
                                                                  skip=("terms",))
            note = "\n".join(x for x in (e.note, extra) if x)
            t.add_row(str(e.seq), when, step_label(TRIGGER_LABELS, e), STATE_LABELS.get(e.to, e.to), str(e.line), e.actor, note)
        d.print(t)


def _when(dt) -> str:
    """A date alone when the step was entered without a time (00:00 in Asia/Shanghai)."""
    from mediation.timeutil import local, show

    l = local(dt)
    return show(dt, minutes=not (l.hour == 0 and l.minute == 0 and l.second == 0))
