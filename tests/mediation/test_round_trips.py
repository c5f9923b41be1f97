"""How many times a workflow step goes to the database (docs/performance.md, "A step's round
trips"): counted with SQLAlchemy's engine events on a live connection, on both engines.

On PostgreSQL every statement, BEGIN and COMMIT is a round trip to the server; on SQLite none
is (the library is in the process), but the count of statements is still the work done.
"""

from __future__ import annotations

from contextlib import contextmanager

from sqlalchemy import event

from mediation import cases

# The statements of a step, as docs/performance.md states them. SQLite: BEGIN IMMEDIATE, the
# record read and locked with what its view shows (its parties and petitions), its UPDATE, its
# event's INSERT. PostgreSQL: the record and its view's parts read FOR UPDATE, one WITH …
# UPDATE … INSERT … RETURNING (BEGIN and COMMIT are the driver's: four round trips in all).
STEP = {"sqlite": ["BEGIN", "SELECT", "UPDATE", "INSERT"], "postgresql": ["SELECT", "WITH"]}
ROUND_TRIPS = {"postgresql": 4}


@contextmanager
def counted(db):
    """The statements run and the transactions begun and committed while inside."""
    seen = {"statements": [], "begin": 0, "commit": 0}

    def statement(conn, cursor, sql, params, context, executemany):
        seen["statements"].append(sql.split(None, 1)[0].upper())

    def begin(conn):
        seen["begin"] += 1

    def commit(conn):
        seen["commit"] += 1

    engine = db.engine
    event.listen(engine, "before_cursor_execute", statement)
    event.listen(engine, "begin", begin)
    event.listen(engine, "commit", commit)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", statement)
        event.remove(engine, "begin", begin)
        event.remove(engine, "commit", commit)


def test_a_step_is_a_fixed_number_of_round_trips(town):
    dialect = town.engine.dialect.name
    made = cases.register(town, actor="刘调解", village="龙潭村", type="邻里", summary="排水沟堵塞",
                          parties=["孙秀英", "吴大海"])
    cases.fire(town, actor="刘调解", case=made.number, trigger="triage", values={"risk": "green"})  # (warm caches)
    with counted(town) as seen:
        cases.fire(town, actor="刘调解", case=made.number, trigger="start", values={"mediator": "刘调解"})
    trips = len(seen["statements"]) + seen["begin"] + seen["commit"]
    assert seen["begin"] == seen["commit"] == 1, seen
    assert seen["statements"] == STEP[dialect]
    if dialect == "postgresql":
        assert trips == ROUND_TRIPS[dialect]


def test_a_step_lost_to_another_terminal_writes_nothing(town):
    """The one-statement write on PostgreSQL (and the two on SQLite) refuse a record another
    terminal moved since it was read: no event without its record's move."""
    from sqlalchemy import text

    from mediation import records
    from mediation.errors import ConcurrentChange
    from mediation.tables.disputes import Case, CaseEvent

    made = cases.register(town, actor="刘调解", village="龙潭村", type="邻里", summary="排水沟堵塞", parties=["孙秀英"])
    with town.write() as s:
        row = s.get(Case, made.id)
        s.execute(text("UPDATE dispute_case SET version = version + 1 WHERE id = :i"), {"i": made.id})  # the other
        events = s.execute(text("SELECT count(*) FROM case_event")).scalar()
        try:
            records.write_transition(s, row, kind="case", table=Case, event_table=CaseEvent, fk="case_id",
                                     changes={"state": "triaged"}, label=made.number,
                                     event=dict(trigger="triage", from_state="registered", to_state="triaged",
                                                line=1, actor="刘调解", at=row.registered_at,
                                                recorded_at=row.registered_at, note=None, values={}))
        except ConcurrentChange:
            pass
        else:
            raise AssertionError("a lost race was written")
        assert s.execute(text("SELECT count(*) FROM case_event")).scalar() == events
        s.rollback()


def test_a_step_builds_no_orm_object_and_keeps_its_record_current(town):
    """A step reads its record as a plain ``records.Record`` (one Core statement; docs/
    performance.md, "A step's Python"): no ORM instance of the register's table is loaded, the
    view is built from what was written (the version included), and the private columns stay
    out of the record as they stay out of an ORM load."""
    from mediation import petitions, records
    from mediation.tables.disputes import Case

    made = cases.register(town, actor="刘调解", village="龙潭村", type="邻里", summary="排水沟堵塞", parties=["孙秀英"])
    loaded = []

    def load(target, context):
        loaded.append(target)

    event.listen(Case, "load", load)
    try:
        view = cases.fire(town, actor="刘调解", case=made.number, trigger="triage", values={"risk": "green"})
    finally:
        event.remove(Case, "load", load)
    assert loaded == []
    assert (view.state, view.risk, view.version) == ("triaged", "green", 2)
    filed = petitions.new(town, actor="王主任", village="龙潭村", petitioner="孙秀英,,13900001111", category="request",
                          summary="请求修缮村道")
    with town.write() as s:
        row = petitions.REGISTER.load(s, filed.number, lock=True)
        assert isinstance(row, records.Record) and type(row).__table__.name == "petition"
        assert row.petitioner_phone_masked.startswith("139") and "petitioner_phone" not in vars(row)


def test_a_steps_view_read_with_its_record_is_the_view_read_apart(town):
    """The parties and petitions a step reads in its record's own statement are what a
    separate read gives: every detail, the masks, a birth date, the order, linked petitions."""
    from mediation import petitions

    made = cases.register(town, actor="刘调解", village="龙潭村", type="邻里", summary="排水沟堵塞",
                          parties=["孙秀英,11010519491231002X,13812345678,女,汉族,住址=龙潭村三组15号,单位=营盘镇中学",
                                   "吴大海,男,出生日期=1980-05-01", "李四"])
    for i in (1, 2):
        petitions.new(town, actor="王主任", village="龙潭村", petitioner=f"信访人{i}", category="request",
                      summary=f"排水沟{i}", case=made.number)
    stepped = cases.fire(town, actor="刘调解", case=made.number, trigger="triage", values={"risk": "green"})
    shown = cases.show(town, case=made.number)
    assert stepped.party_details == shown.party_details and stepped.parties == ["孙秀英", "吴大海", "李四"]
    assert stepped.petitions == shown.petitions and len(stepped.petitions) == 2
    assert stepped.party_details[1].birth_date.isoformat() == "1980-05-01"
    none = cases.register(town, actor="刘调解", village="龙潭村", type="邻里", summary="无当事人细节", parties=["王五"])
    assert cases.fire(town, actor="刘调解", case=none.number, trigger="triage", values={"risk": "green"}).petitions == []
