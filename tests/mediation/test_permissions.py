"""The permission rules (mediation/permissions.py) at the town boundary as well as the village
boundary: a town user of one town acting on another town's records is refused, and nothing is
written; the county acts everywhere. SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

from mediation import admin, cases, matters, petitions, review, screening, subjects, timeutil
from mediation.errors import NotFound, PermissionDenied
from tests.conftest import refused


def at(text):
    return timeutil.parse_at(text)


@pytest.fixture
def two_towns(town):
    """营盘镇 (the ``town`` fixture) and 曹坪镇 with its own office and mediator."""
    admin.init_town(town, town="曹坪镇", villages=["马房子村"], abbr="曹", actor="县矛调")
    admin.add_user(town, actor="县矛调", name="曹主任", role="town", town="曹坪镇")
    admin.add_user(town, actor="曹主任", name="马调解", role="mediator", village="马房子村")
    return town


def test_a_town_user_registers_only_in_their_own_town(two_towns):
    db = two_towns
    refused(db, PermissionDenied, "own town", cases.register, db, actor="王主任", village="马房子村", type="邻里",
            summary="x", parties=["甲"], at=at("2022-03-01"))
    refused(db, PermissionDenied, "own town", petitions.new, db, actor="王主任", village="马房子村", petitioner="甲",
            category="request", summary="修路", at=at("2022-03-01"))
    refused(db, PermissionDenied, "own town", screening.add_round, db, actor="王主任", village="马房子村", mode="拉网",
            at=at("2022-03-01"))
    refused(db, PermissionDenied, "own town", subjects.new, db, actor="王主任", name="某", category="correction",
            town="曹坪镇", at=at("2022-03-01"), term_end=at("2023-03-01"))
    refused(db, PermissionDenied, "own town", matters.new, db, actor="王主任", kind="litigation", summary="x",
            town="曹坪镇", at=at("2022-03-01"))
    refused(db, PermissionDenied, "own town", admin.add_user, db, actor="王主任", name="新人", role="mediator",
            village="马房子村")


def test_a_town_user_acts_only_on_their_own_towns_records(two_towns):
    db = two_towns
    case = cases.register(db, actor="马调解", village="马房子村", type="邻里", summary="x", parties=["甲"],
                          at=at("2022-03-01"))
    petition = petitions.new(db, actor="曹主任", village="马房子村", petitioner="乙", category="request",
                             summary="修桥", at=at("2022-03-01"))
    matter = matters.new(db, actor="曹主任", kind="litigation", summary="某诉曹坪镇", at=at("2022-03-01"))
    subject = subjects.new(db, actor="曹主任", name="某", category="correction", village="马房子村",
                           at=at("2022-03-01"), term_end=at("2023-03-01"))
    refused(db, PermissionDenied, "own town", cases.fire, db, actor="王主任", case=case.number, trigger="triage",
            values={"risk": "red"})
    refused(db, PermissionDenied, "own town", petitions.fire, db, actor="王主任", petition=petition.number,
            trigger="accept")
    refused(db, PermissionDenied, "own town", matters.fire, db, actor="王主任", matter=matter.number, trigger="defend")
    refused(db, PermissionDenied, "own town", subjects.fire, db, actor="王主任", subject=str(subject.id),
            trigger="start")
    refused(db, PermissionDenied, "own town", subjects.employment, db, actor="王主任", subject=str(subject.id),
            status="employed")
    refused(db, PermissionDenied, "own village or town", cases.show, db, case=case.number, actor="王主任", unmask=True)
    # and what next says why, without refusing to show it
    assert "own town" in cases.next_actions(db, case=case.number, actor="王主任").permission
    # a mediator of another village of the same database, likewise
    refused(db, PermissionDenied, "own village", cases.fire, db, actor="刘调解", case=case.number,
            trigger="triage", values={"risk": "red"})
    # the town's own office and the county may
    assert cases.fire(db, actor="曹主任", case=case.number, trigger="triage", values={"risk": "red"}).line == 2
    assert petitions.fire(db, actor="县矛调", petition=petition.number, trigger="accept", at=at("2022-03-02")).state \
        == "handling"


def test_the_review_queue_shows_a_town_only_its_own_town(two_towns):
    db = two_towns
    ours = cases.register(db, actor="刘调解", village="龙潭村", type="征地拆迁", summary="阻工", parties=["甲"],
                          risk="red")
    theirs = cases.register(db, actor="马调解", village="马房子村", type="征地拆迁", summary="阻工", parties=["乙"],
                            risk="red")
    assert [i.number for i in review.queue(db, actor="王主任").red_risk] == [ours.number]
    assert [i.number for i in review.queue(db, actor="曹主任").red_risk] == [theirs.number]
    assert {i.number for i in review.queue(db, actor="县矛调").red_risk} == {ours.number, theirs.number}
    refused(db, PermissionDenied, "town and county", review.queue, db, actor="马调解")


def test_only_the_office_handles_matters_and_town_level_subjects(two_towns):
    db = two_towns
    refused(db, PermissionDenied, "town or county", matters.new, db, actor="刘调解", kind="litigation", summary="x")
    refused(db, PermissionDenied, "own village", subjects.new, db, actor="刘调解", name="某", category="correction",
            village="马房子村", term_end=at("2027-03-01"))
    town_level = subjects.new(db, actor="王主任", name="某", category="resettlement", at=at("2022-03-01"),
                              released=at("2022-02-01"))
    refused(db, PermissionDenied, "own village", subjects.fire, db, actor="刘调解", subject=str(town_level.id),
            trigger="start")


def test_setting_up_towns_and_villages_after_the_first_user(two_towns):
    db = two_towns
    refused(db, PermissionDenied, "no acting user", admin.init_town, db, town="营盘镇", villages=["新村"])
    refused(db, PermissionDenied, "only a town or county user", admin.init_town, db, town="营盘镇",
            villages=["新村"], actor="刘调解")
    refused(db, PermissionDenied, "own town", admin.init_town, db, town="曹坪镇", villages=["新村"], actor="王主任")
    refused(db, PermissionDenied, "county user", admin.init_town, db, town="新镇", villages=["甲村"], abbr="新",
            actor="王主任")
    assert "新村" in admin.init_town(db, town="营盘镇", villages=["新村"], actor="王主任").added_villages
    assert admin.init_town(db, town="新镇", villages=["甲村"], abbr="新", actor="县矛调").created


def test_a_new_sqlite_file_is_its_owners_only(tmp_path):
    import stat

    from mediation.db import Database

    db = Database(str(tmp_path / "office.db"), create=True)
    db.create_schema()
    admin.init_town(db, town="营盘镇", villages=["龙潭村"])
    db.dispose()
    for f in tmp_path.iterdir():
        assert stat.S_IMODE(f.stat().st_mode) == 0o600, f


def test_a_number_means_the_acting_users_towns_record(two_towns):
    """A mediator of 曹坪镇 types 1 or 第1号 for their own first case; 营盘镇's case is id 1."""
    db = two_towns
    ying = cases.register(db, actor="刘调解", village="龙潭村", type="邻里", summary="排水沟", parties=["甲", "乙"],
                          at=at("2026-03-01"))
    cao = cases.register(db, actor="马调解", village="马房子村", type="邻里", summary="界址", parties=["丙", "丁"],
                         at=at("2026-03-02"))
    assert ying.id == 1 and cao.number == "(2026)曹调字第001号"
    for ref in ("1", "第1号", "第001号", "曹调字第1号"):
        view = cases.fire(db, actor="马调解", case=ref, trigger="triage", values={"risk": "green"}, at=at("2026-03-03"))
        assert view.number == cao.number, ref
        cases.undo(db, actor="马调解", case=cao.number, note="再试一次")
    # The id is still there, said as such; a number the town has not is refused, not read as an id.
    refused(db, PermissionDenied, "own village", cases.fire, db, actor="马调解", case="id:1", trigger="triage",
            values={"risk": "green"})
    refused(db, NotFound, "in your town", cases.fire, db, actor="马调解", case="7", trigger="triage",
            values={"risk": "green"})
    assert cases.show(db, case="1", actor="王主任").number == ying.number
