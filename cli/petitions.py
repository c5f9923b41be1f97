"""``mediation petition …``: 信访 intake, 诉访分离 routing and handling within the law's limits."""

from __future__ import annotations

import click

from cli.steps import add_do, add_undo, add_void, render_options
from cli.output import (
    Labelled, channel_named, complete_villages, tell_recurrence, dump_json, history_table, json_option, moment, named, need,
    numbered, render_access, provisional_mark, step_label, step_values,
    PAPER_OPTION, limit_option, listed, page_and_count,
)
from cli.i18n import N_, _, ngettext


@click.group()
def petition():
    """Petitions (信访): routed within 15 days, answered within 60 (信访工作条例)."""


@petition.command("new")
@click.option("--village", shell_complete=complete_villages, help="The petitioner's village or community.")
@click.option("--petitioner", help="NAME[,ID_NUMBER][,PHONE], as --party.")
@click.option("--category", help="civil court_judgment labour land_contract admin_act request complaint other "
                                 "(or the Chinese label, e.g. 劳动争议).")
@click.option("--summary", help="What the petition asks (信访事项).")
@click.option("--form", type=Labelled("workflows.petition:FORMS", N_("petition form")), default="visit", show_default=True)
@click.option("--level", type=Labelled("workflows.petition:LEVELS", N_("petition level")), default="town", show_default=True,
              help="The level the petition was brought to (逐级走访).")
@click.option("--matter", help="A short key naming the matter (default: the summary); the same person and "
                               "matter is the same petition.")
@click.option("--case", "case_ref", metavar="CASE", help="The dispute case this petition is about.")
@click.option("--representative", "representatives", multiple=True, metavar="NAME",
              help="A representative of a group visit (repeatable, at most 5).")
@click.option("--at", "at", metavar="DATE", help="When it was received (back-dating).")
@json_option
@click.pass_obj
def petition_new(app, village, petitioner, category, summary, form, level, matter, case_ref, representatives, at,
                 as_json):
    """Register a petition. When the matter is being handled, was already concluded, or a
    visit skipped the town level, it is registered as not accepted (不予受理) with the reason:
    the petitioner is owed a written notice within 15 days.

    \b
    Example:
      mediation --as 王主任 petition new --village 朱家湾村 --petitioner 陈建国 \\
        --category labour --summary "包工头拖欠工资三个月"
    """
    from mediation import petitions

    db = app.db  # open it first: no one should type a whole record into a missing database
    village = need(village, "--village", N_("Village"), as_json=as_json)
    petitioner = need(petitioner, "--petitioner", N_("Petitioner"), as_json=as_json)
    category = need(category, "--category", N_("Petition category"), as_json=as_json)
    summary = need(summary, "--summary", N_("The petition's matter"), as_json=as_json)
    view = petitions.new(db, actor=app.actor, village=village, petitioner=petitioner, category=category,
                         summary=summary, form=form, level=level, matter=matter, at=moment(at), case=case_ref,
                         representatives=representatives)
    if as_json:
        return dump_json(view)
    tell_recurrence(view.recurrence)
    from mediation.timeutil import show_due
    first = "  " + _("first-time petition") if view.first_time else ""
    if view.state == "not_accepted":
        app.display.line(f"{view.number}  id {view.id}  {view.petitioner}  {view.refusal}")
        app.display.line("  " + _("written notice of refusal to the petitioner by {day}").format(
            day=show_due(view.route_deadline)))
        return
    app.display.line(f"{view.number}  id {view.id}  {view.petitioner}{first}  "
                     + _("route by {day}").format(day=show_due(view.route_deadline)))


@petition.command("list")
@click.option("--village", shell_complete=complete_villages, help="Only this village.")
@click.option("--state", help="Only petitions in this state.")
@click.option("--year", type=click.IntRange(1949, 2100), help="Only petitions received in this year.")
@click.option("--overdue", is_flag=True, help="Only open petitions past their deadline.")
@click.option("--search", "text", metavar="TEXT", help="The petitioner's name, a word of the summary or a note, "
              "or pinyin initials.")
@limit_option("petitions")
@json_option
@click.pass_obj
def petition_list(app, village, state, year, overdue, text, limit, as_json):
    """List petitions, first-time petitions (初信初访) first.

    \b
    Example:
      mediation petition list --overdue
      mediation petition list --search 陈建国
    """
    from mediation import petitions
    from mediation.timeutil import show_due

    narrowed = dict(village=village, state=state, year=year, overdue=overdue, text=text)
    page = listed(app.db, petitions.list_petitions, petitions.count_petitions, narrowed, limit, as_json)
    if page is None:
        return
    views, total = page
    from workflows.petition import CATEGORY_LABELS

    d = app.display
    t = d.table(_("number"), _("petitioner"), _("category"), _("state"), _("first time"), _("due"), title=None,
                optional=(_("first time"),))
    for v in views:
        due = show_due(v.deadline, minutes=False) + (" " + _("overdue") if v.overdue else "")
        t.add_row(v.number, v.petitioner, CATEGORY_LABELS.get(v.category, v.category).split("/")[0], v.state_label,
                  _("yes") if v.first_time else "", due)
    page_and_count(d, t, len(views), total, more=N_("{shown} of {total} petitions ({all} lists them all)"),
                   counted=ngettext("{n} petition", "{n} petitions", len(views)).format(n=len(views)))


@petition.command("print")
@click.argument("petition_ref", metavar="PETITION")
@click.option("--form", type=Labelled("mediation.documents:PETITION_FORMS", N_("form")), required=True,
              help="refusal: 不予受理告知书; redirect: 导入法定途径告知书; receipt: 送达回证 alone.")
@click.option("--out", required=True, type=click.Path(dir_okay=False), help="The Word document (.docx) to write.")
@PAPER_OPTION
@click.pass_obj
def petition_print(app, petition_ref, form, out, paper_folder):
    """Print a petition's 不予受理告知书 or 导入法定途径告知书 (each with its 送达回证) as a
    Word document, or the 送达回证 alone.

    \b
    Example:
      mediation petition print "(2021)营信字第003号" --form redirect --out 告知书.docx
    """
    from mediation import documents

    number = documents.print_petition(app.db, actor=app.actor, petition=petition_ref, form=form, path=out,
                                      paper_folder=paper_folder)
    click.echo(_("wrote {path} ({what})").format(path=out, what=f"{number} {documents.PETITION_FORMS[form]}"), err=True)


@petition.command("show")
@click.argument("ref", metavar="PETITION")
@click.option("--unmask", is_flag=True, help="Show the full ID number and phone (needs --as).")
@json_option
@click.pass_obj
def petition_show(app, ref, unmask, as_json):
    """One petition with its deadlines, route, linked case and history.

    \b
    Example:
      mediation petition show "(2021)营信字第001号"
    """
    from mediation import petitions
    from mediation.timeutil import show, show_due
    from workflows.petition import CATEGORY_LABELS, FORMS, LEVELS, OPINIONS, PETITION, STATE_LABELS, TRIGGER_LABELS

    v = petitions.show(app.db, petition=ref, actor=app.actor, unmask=unmask)
    if as_json:
        return dump_json(v)
    d = app.display
    person = ", ".join(x for x in (v.petitioner, v.petitioner_id_number, v.petitioner_phone) if x)
    pairs = [
        numbered(v),
        (_("state"), named(v.state, v.state_label) + (" · " + _("closed for good after the recheck") if v.final else "")),
        (_("petitioner"), person + (" · " + _("first-time petition") if v.first_time else "")),
        (_("representatives"), "、".join(v.representatives)),
        (_("not accepted because"), v.refusal),
        (_("written notice served"), show(v.notified_at, minutes=False) if v.notified_at
         else (_("not yet recorded (`petition do {ref} notify --at DATE`)").format(ref=v.id)
               if v.state == "not_accepted" else "")),
        (_("village"), f"{v.town} {v.village}"),
        (_("category"), named(v.category, CATEGORY_LABELS.get(v.category))),
        (_("matter"), v.summary),
        (_("form / level"), f"{FORMS.get(v.form, v.form)} · {LEVELS.get(v.level, v.level)}"),
        (_("received"), show(v.received_at)),
        (_("route by"), show_due(v.route_deadline)),
        (_("answer by"), show_due(v.answer_deadline) + (" (" + _("extended by {days} days").format(days=v.extended_days)
                                                            + ")" if v.extended_days else "")),
        (_("due"), show_due(v.deadline) + (" " + _("overdue") if v.overdue else "") + provisional_mark(v.deadline)),
        (_("opinion"), f"{v.opinion} {OPINIONS.get(v.opinion, '')}" if v.opinion else ""),
        (_("served"), show(v.served_at, minutes=False)
         if v.served_at else (_("not yet recorded") if v.state == "answered" else "")),
        (_("channel"), channel_named(v.channel) if v.channel else ""),
        (_("channel by"), f"{show_due(v.channel_deadline, minutes=False)} · {v.channel_law}"
         + (" · " + _("had already run when told; what remains: {remedy}").format(remedy=v.channel_remedy)
            if v.channel_lapsed else "") if v.channel_deadline
         else (_("day unknown: tell the legal period: {law}").format(law=v.channel_law) if v.channel_law else "")),
        (_("transferred to"), v.transferred_to),
        (_("linked case"), v.linked_case),
    ]
    d.print(d.fields([(k, x) for k, x in pairs if x]))
    t = history_table(d)
    for e in v.history:
        extra = step_values(e.trigger, e.values, fields=PETITION.fields) if e.trigger != "receive" else ""
        t.add_row(str(e.seq), show(e.at), step_label(TRIGGER_LABELS, e), STATE_LABELS.get(e.to, e.to), e.actor,
                  "\n".join(x for x in (e.note, extra) if x))
    d.print(t)
    render_access(d, v.access)


def _due(view) -> list[str]:
    from mediation.timeutil import show_due
    return [_("due {day}").format(day=show_due(view.deadline))] if view.deadline else []


def _told_petitioner(view, trigger: str) -> list[str]:
    """A redirect tells the petitioner their channel's period, or what remains once it ran out."""
    if trigger != "redirect":
        return []
    from mediation.timeutil import show_due
    if view.channel_lapsed:
        return [_("the period for {channel} ran out on {day}, before this redirect: tell the petitioner what "
                  "remains: {remedy}").format(channel=channel_named(view.channel), day=show_due(view.channel_deadline, minutes=False),
                                              remedy=view.channel_remedy)]
    if view.channel_deadline:
        return [_("tell the petitioner: {channel} by {day}").format(
            channel=channel_named(view.channel), day=show_due(view.channel_deadline, minutes=False))]
    if view.channel_law:
        return [_("the day is unknown: tell the petitioner the legal period: {law}").format(law=view.channel_law)]
    return []


add_do(petition, record="petition", workflow="workflows.petition:PETITION", help="""Fire a petition trigger. `petition next PETITION` suggests the lawful route.

    At a terminal, leave TRIGGER out to choose from the steps allowed now.

    \b
    Example:
      mediation --as 王主任 petition do 1 redirect --set channel=arbitration --set known_at=2021-05-01
      mediation --as 王主任 petition do 2 answer --set opinion=support
      mediation --as 王主任 petition do 2 serve --at 2021-08-12
    """, note_help="The reason (required by reject and extend, by routing after 15 days, and by close "
                   "while the 复查 window is open: the petitioner's written waiver).",
       at_help="When it happened (back-dating); for serve, the day the petitioner received the written opinion.",
       set_help="channel, known_at=DATE|unknown, decided_at (redirect); to (transfer); days (extend); "
                "opinion (answer).", facts=_due, told=_told_petitioner)


add_undo(petition, record="petition", zh="信访件")
add_void(petition, record="petition", zh="信访件")


@petition.command("amend")
@click.argument("ref", metavar="PETITION")
@click.option("--summary", help="The corrected summary.")
@click.option("--village", shell_complete=complete_villages, help="Move the petition to this village of its town (town or county users).")
@click.option("--petitioner", metavar="NAME[,ID][,PHONE]", help="The corrected petitioner.")
@click.option("--note", help="Why the record is corrected (required).")
@click.option("--expect-version", type=int, metavar="N", help="Refuse unless the petition is at this version.")
@json_option
@click.pass_obj
def petition_amend(app, ref, summary, village, petitioner, note, expect_version, as_json):
    """Correct a petition (更正): summary, village or petitioner, as one audited step.

    \b
    Example:
      mediation --as 王主任 petition amend 2 --petitioner "陈建国,11010519491231002X" --note "补录身份证号"
    """
    from mediation import petitions

    note = need(note, "--note", N_("Why the record is corrected"), as_json=as_json)
    view = petitions.amend(app.db, actor=app.actor, petition=ref, note=note, summary=summary, village=village,
                           petitioner=petitioner, expect_version=expect_version)
    if as_json:
        return dump_json(view)
    app.display.line(_("{number}: amended (version {version})").format(number=view.number, version=view.version))


@petition.command("next")
@click.argument("ref", metavar="PETITION")
@json_option
@click.pass_obj
def petition_next(app, ref, as_json):
    """The suggested route (诉访分离) and why, the triggers allowed now, and why not the rest.

    \b
    Example:
      mediation --as 王主任 petition next 1
    """
    from mediation import petitions
    from workflows.petition import STATE_LABELS, TRIGGER_LABELS

    view = petitions.next_actions(app.db, petition=ref, actor=app.actor)
    if as_json:
        return dump_json(view)
    d, r = app.display, view.route
    d.line(f"{view.petition.number}  {named(view.petition.state, view.petition.state_label)}")
    if view.petition.state == "received":
        target = r.channel or r.to or ""
        d.line(_("suggested: {trigger} {target} — {why}").format(trigger=r.trigger, target=target, why=r.why))
        if r.start_case:
            d.line("  " + _("then: {command}").format(command="mediation case new … --petition " + view.petition.number))
    render_options(d, view.options, view.permission, TRIGGER_LABELS, STATE_LABELS)
