"""``mediation matter …`` (行政复议/行政应诉) and ``mediation subject …`` (社区矫正/安置帮教)."""

from __future__ import annotations

import click

from cli.output import moment, named
from cli.steps import add_do, add_next, add_undo, add_void
from cli.output import (
    Labelled, complete_villages, dump_json, history_table, json_option, limit_option, listed, need, numbered,
    page_and_count, provisional_mark, step_label, step_values,
)
from cli.i18n import N_, _, ngettext


def _outcome(v) -> str:
    """A matter's outcome as the reader reads it (``named``)."""
    from workflows.matter import LITIGATION_OUTCOMES, RECONSIDERATION_OUTCOMES

    labels = LITIGATION_OUTCOMES if v.kind == "litigation" else RECONSIDERATION_OUTCOMES
    return named(v.outcome, labels.get(v.outcome)) if v.outcome else ""


@click.group()
def matter():
    """行政复议 (reconsideration) and 行政应诉 (litigation) against the town."""


@matter.command("new")
@click.option("--kind", type=Labelled("workflows.matter:MATTER_KINDS", N_("matter kind")), help="行政复议 or 行政应诉.")
@click.option("--summary", help="The act concerned and who applied or sued.")
@click.option("--town", help="The town (default: yours, or the only one).")
@click.option("--at", "at", metavar="DATE", help="When the copy of the application / the complaint was received.")
@click.option("--accepted", metavar="DATE",
              help="行政复议: the day the 复议机关 accepted the application (its 60 days to decide run from it).")
@json_option
@click.pass_obj
def matter_new(app, kind, summary, town, at, accepted, as_json):
    """Register a matter; the answer (10 working days) or defence (15 days) clock starts.

    \b
    Example:
      mediation --as 王主任 matter new --kind litigation --summary "张某诉镇政府行政处罚案" --at 2021-06-03
      mediation --as 王主任 matter new --kind reconsideration --summary "李某不服责令拆除决定" \\
        --at 2022-02-28 --accepted 2022-02-24
    """
    from mediation import matters

    db = app.db
    kind = need(kind, "--kind", N_("Matter kind"), as_json=as_json, type=Labelled("workflows.matter:MATTER_KINDS", N_("matter kind")))
    summary = need(summary, "--summary", N_("Summary of the matter"), as_json=as_json)
    view = matters.new(db, actor=app.actor, kind=kind, summary=summary, at=moment(at), town=town,
                       accepted=moment(accepted))
    if as_json:
        return dump_json(view)
    from mediation.timeutil import show_due
    app.display.line(f"{view.number}  id {view.id}  {view.state_label}, "
                     + _("due {day}").format(day=show_due(view.deadline)))
    if view.similar:  # a warning, not a refusal: the same act may be challenged twice
        from mediation.cases import SIMILAR_DAYS
        click.echo(_("Warning: {matters} of the same kind has a similar summary (received within {days} days): is "
                     "this the same matter registered twice?").format(matters="、".join(view.similar),
                                                                      days=SIMILAR_DAYS), err=True)


@matter.command("list")
@click.option("--kind", type=Labelled("workflows.matter:MATTER_KINDS", N_("matter kind")))
@click.option("--year", type=click.IntRange(1949, 2100))
@click.option("--overdue", is_flag=True, help="Only matters past their deadline.")
@limit_option("matters")
@json_option
@click.pass_obj
def matter_list(app, kind, year, overdue, limit, as_json):
    """List matters.

    \b
    Example:
      mediation matter list --year 2021
    """
    from mediation import matters
    from mediation.timeutil import show_due

    page = listed(app.db, matters.list_matters, matters.count_matters, dict(kind=kind, year=year, overdue=overdue),
                  limit, as_json)
    if page is None:
        return
    views, total = page
    summary = _("summary")
    t = app.display.table(_("number"), "id", summary, _("state"), _("outcome"), _("due"), wrap=(summary,))
    for v in views:
        t.add_row(v.number, str(v.id), v.summary, v.state_label, _outcome(v),
                  show_due(v.deadline, minutes=False) + (" " + _("overdue") if v.overdue else ""))
    page_and_count(app.display, t, len(views), total, more=N_("{shown} of {total} matters ({all} lists them all)"),
                   counted=ngettext("{n} matter", "{n} matters", len(views)).format(n=len(views)))


@matter.command("show")
@click.argument("ref", metavar="MATTER")
@json_option
@click.pass_obj
def matter_show(app, ref, as_json):
    """One matter with its history.

    \b
    Example:
      mediation matter show "(2021)营诉字第001号"
    """
    from mediation import matters
    from mediation.timeutil import show, show_due
    from workflows.matter import DECISION_FORMS, MATTER_KINDS, STATE_LABELS, TRIGGER_LABELS, WORKFLOWS

    v = matters.show(app.db, matter=ref)
    if as_json:
        return dump_json(v)
    d = app.display
    d.print(d.fields([(k, x) for k, x in [
        numbered(v),
        (_("Matter kind"), MATTER_KINDS[v.kind]),
        (_("summary"), v.summary), (_("state"), named(v.state, v.state_label)),
        (_("received"), show(v.received_at)),
        (_("accepted by the reconsideration body"), show(v.accepted_at, minutes=False)
         + (" · " + _("extended by {days} days").format(days=v.extension_days or 30) if v.extended else "")),
        (_("served"), f"{DECISION_FORMS.get(v.decision_form, '')} {show(v.served_at, minutes=False)}"
         + (" · " + _("second instance, final (两审终审)") if v.instance == 2 else "") if v.served_at else ""),
        (_("due"), show_due(v.deadline) + provisional_mark(v.deadline) or (_("unknown: the acceptance day is not recorded")
                                            if v.kind == "reconsideration" and v.state == "answered" else "")),
        (_("undecided past its period"), _("the applicant may sue by {day} ({law})").format(
            day=show_due(v.sue_by, minutes=False), law="行政诉讼法第45条") if v.sue_by else ""),
        (_("outcome"), _outcome(v))] if x]))
    t = history_table(d)
    for e in v.history:
        # the registration's kind is in the fields above; a step's values under their labels
        values = "" if e.trigger == "register" else step_values(e.trigger, e.values, fields=WORKFLOWS[v.kind].fields)
        t.add_row(str(e.seq), show(e.at), step_label(TRIGGER_LABELS, e), STATE_LABELS.get(e.to, e.to), e.actor,
                  "\n".join(x for x in (e.note, values) if x))
    d.print(t)


def _due(view) -> list[str]:
    from mediation.timeutil import show_due
    return [_("due {day}").format(day=show_due(view.deadline))] if view.deadline else []


add_do(matter, record="matter", workflow="workflows.matter:WORKFLOWS", help="""Fire a matter trigger: answer, extend, decide (复议); defend, judge, appeal, close (应诉).

    At a terminal, leave TRIGGER out to choose from the steps allowed now.

    \b
    Example:
      mediation --as 王主任 matter do 1 defend --at 2021-06-15
      mediation --as 王主任 matter do 1 judge --set outcome=won --set served_at=2021-09-12 --at 2021-09-10
      mediation --as 王主任 matter do 2 extend --set days=30 --note "案情复杂,复议机关批准延长"
    """, note_help="Why (required when late, and by extend).", at_help="When it happened.",
       set_help="outcome=… (decide, judge); served_at=DATE and form=judgment|ruling (judge); days=1..30 (extend).",
       facts=_due)
add_undo(matter, record="matter", zh="事项")
add_void(matter, record="matter", zh="事项")
add_next(matter, record="matter", workflow="workflows.matter")


@matter.command("amend")
@click.argument("ref", metavar="MATTER")
@click.option("--summary", help="The corrected summary.")
@click.option("--accepted", metavar="DATE", help="行政复议: the day the 复议机关 accepted the application (its "
              "60 days to decide run from it).")
@click.option("--note", help="Why the record is corrected (required).")
@click.option("--expect-version", type=int, metavar="N", help="Refuse unless the matter is at this version.")
@json_option
@click.pass_obj
def matter_amend(app, ref, summary, accepted, note, expect_version, as_json):
    """Correct a matter's summary or acceptance day (更正), as one audited step.

    \b
    Example:
      mediation --as 王主任 matter amend 1 --summary "某养殖户诉营盘镇人民政府限期拆除决定案" --note "案由笔误"
      mediation --as 王主任 matter amend 2 --accepted 2026-01-04 --note "补录复议机关受理日期"
    """
    from mediation import matters

    note = need(note, "--note", N_("Why the record is corrected"), as_json=as_json)
    view = matters.amend(app.db, actor=app.actor, matter=ref, note=note, summary=summary,
                         accepted=moment(accepted), expect_version=expect_version)
    if as_json:
        return dump_json(view)
    app.display.line(_("{number}: amended (version {version})").format(number=view.number, version=view.version))


@click.group()
def subject():
    """社区矫正 and 安置帮教 subjects, and their employment (就业率)."""


@subject.command("new")
@click.argument("name", required=False)
@click.option("--category", type=Labelled("workflows.subject:SUBJECT_CATEGORIES", N_("subject category")),
              help="correction (社区矫正) or resettlement (安置帮教).")
@click.option("--village", shell_complete=complete_villages, help="The subject's village.")
@click.option("--at", "at", metavar="DATE", help="When the subject was received (接收).")
@click.option("--term-end", metavar="DATE", help="社区矫正: the day the correction term ends.")
@click.option("--released", metavar="DATE", help="安置帮教: the day of release from prison (帮教 runs 5 years).")
@json_option
@click.pass_obj
def subject_new(app, name, category, village, at, term_end, released, as_json):
    """Receive a subject.

    \b
    Example:
      mediation --as 王主任 subject new 赵某 --category correction --village 龙潭村 --at 2021-02-01
    """
    from mediation import subjects

    db = app.db
    name = need(name, "NAME", N_("Name"), as_json=as_json)
    category = need(category, "--category", N_("Subject category"), as_json=as_json,
                    type=Labelled("workflows.subject:SUBJECT_CATEGORIES", N_("subject category")))
    view = subjects.new(db, actor=app.actor, name=name, category=category, village=village, at=moment(at),
                        term_end=moment(term_end), released=moment(released))
    if as_json:
        return dump_json(view)
    from workflows.subject import SUBJECT_CATEGORIES

    app.display.line(f"id {view.id}  {view.name}  {SUBJECT_CATEGORIES[view.category]}  {view.state_label}")
    if view.similar:
        click.echo(_("Warning: {subjects} of the same name and category is still under management: is this the same "
                     "person registered twice?").format(subjects="、".join(view.similar)), err=True)


@subject.command("list")
@click.option("--category", type=Labelled("workflows.subject:SUBJECT_CATEGORIES", N_("subject category")))
@click.option("--village", shell_complete=complete_villages)
@limit_option("subjects")
@json_option
@click.pass_obj
def subject_list(app, category, village, limit, as_json):
    """List subjects with their current employment status.

    \b
    Example:
      mediation subject list --category correction
    """
    from mediation import subjects
    from mediation.timeutil import show
    from workflows.subject import SUBJECT_CATEGORIES, EMPLOYMENT

    page = listed(app.db, subjects.list_subjects, subjects.count_subjects, dict(category=category, village=village),
                  limit, as_json)
    if page is None:
        return
    views, total = page
    t = app.display.table("id", _("Name"), _("category"), _("village"), _("state"), _("employment"), _("received"))
    for v in views:
        t.add_row(str(v.id), v.name, SUBJECT_CATEGORIES[v.category], v.village or "", v.state_label,
                  EMPLOYMENT.get(v.employment or "", _("not recorded")), show(v.received_at, minutes=False))
    page_and_count(app.display, t, len(views), total, more=N_("{shown} of {total} subjects ({all} lists them all)"),
                   counted=ngettext("{n} subject", "{n} subjects", len(views)).format(n=len(views)))


@subject.command("show")
@click.argument("ref", metavar="ID")
@json_option
@click.pass_obj
def subject_show(app, ref, as_json):
    """One subject with the workflow history and the employment history.

    \b
    Example:
      mediation subject show 3
    """
    from mediation import subjects
    from mediation.timeutil import show
    from workflows.subject import END_REASONS, SUBJECT_CATEGORIES, EMPLOYMENT, STATE_LABELS, TRIGGER_LABELS

    v = subjects.show(app.db, subject=ref)
    if as_json:
        return dump_json(v)
    d = app.display
    d.print(d.fields([(k, x) for k, x in [
        ("id", str(v.id)), (_("Name"), v.name), (_("category"), SUBJECT_CATEGORIES[v.category]),
        (_("village"), v.village), (_("state"), named(v.state, v.state_label)), (_("received"), show(v.received_at)),
        (_("term ends"), show(v.term_end, minutes=False) + (" " + _("term over, due for release") if v.term_over else "")),
        (_("ended"), show(v.ended_at) + (f" · {END_REASONS.get(v.end_reason, v.end_reason)}" if v.end_reason else "")),
        (_("employment"), EMPLOYMENT.get(v.employment or "", ""))] if x]))
    t = d.table(_("at"), _("event"), _("by"))
    for e in v.history:
        what = (_("employment: {status}").format(status=EMPLOYMENT[e.values['status']]) if e.trigger == "employment"
                else TRIGGER_LABELS.get(e.trigger, e.trigger) + f" → {STATE_LABELS.get(e.to, e.to)}")
        t.add_row(show(e.at), what, e.actor)
    d.print(t)


@subject.command("amend")
@click.argument("ref", metavar="ID")
@click.option("--name", help="The corrected name.")
@click.option("--village", shell_complete=complete_villages, help="Move the subject to this village of its town (town or county users).")
@click.option("--term-end", metavar="DATE", help="社区矫正: the day the correction term ends.")
@click.option("--released", metavar="DATE", help="安置帮教: the day of release from prison (帮教 runs 5 years).")
@click.option("--note", help="Why the record is corrected (required).")
@click.option("--expect-version", type=int, metavar="N", help="Refuse unless the subject is at this version.")
@json_option
@click.pass_obj
def subject_amend(app, ref, name, village, term_end, released, note, expect_version, as_json):
    """Correct a subject's name, village, term end or release day (更正), as one audited step.

    \b
    Example:
      mediation --as 王主任 subject amend 3 --name 赵某某 --note "姓名登记不全"
      mediation --as 王主任 subject amend 3 --term-end 2027-03-01 --note "按判决书更正矫正期满日"
    """
    from mediation import subjects

    note = need(note, "--note", N_("Why the record is corrected"), as_json=as_json)
    view = subjects.amend(app.db, actor=app.actor, subject=ref, note=note, name=name, village=village,
                          term_end=moment(term_end), released=moment(released), expect_version=expect_version)
    if as_json:
        return dump_json(view)
    app.display.line(_("subject {id} {name}: amended (version {version})").format(
        id=view.id, name=view.name, version=view.version))


add_do(subject, record="subject", workflow="workflows.subject:SUBJECT", help="""Fire a subject trigger: start (宣告/开始帮教), release (解除, at 期满 or on 赦免), terminate
    (终止), revoke (撤销缓刑/假释, 收监执行).

    At a terminal, leave TRIGGER out to choose from the steps allowed now.

    \b
    Example:
      mediation --as 王主任 subject do 3 start --at 2021-02-05
      mediation --as 王主任 subject do 3 release --at 2023-01-10
      mediation --as 王主任 subject do 4 revoke --set grounds=probation_revoked --note "法院裁定撤销缓刑"
    """, note_help="Why (required when late, by an early end of 帮教, by revoke).", at_help="When it happened.",
       set_help="ground=term_served|pardon (release); reason=death|moved (terminate); "
                "grounds=probation_revoked|parole_revoked|imprisoned (revoke).")


@subject.command("employment")
@click.argument("ref", metavar="ID")
@click.argument("status", type=Labelled("workflows.subject:EMPLOYMENT", N_("employment status")))
@click.option("--at", "at", metavar="DATE", help="From when the status holds.")
@json_option
@click.pass_obj
def subject_employment(app, ref, status, at, as_json):
    """Record a subject's employment status (the history is kept).

    \b
    Example:
      mediation --as 王主任 subject employment 3 self_employed --at 2021-04-01
    """
    from mediation import subjects

    view = subjects.employment(app.db, actor=app.actor, subject=ref, status=status, at=moment(at))
    if as_json:
        return dump_json(view)
    from workflows.subject import EMPLOYMENT

    app.display.line(f"id {view.id} {view.name}: {EMPLOYMENT.get(view.employment or '', view.employment)}")


add_undo(subject, record="subject", zh="对象")
add_void(subject, record="subject", zh="对象")
add_next(subject, record="subject", workflow="workflows.subject")
