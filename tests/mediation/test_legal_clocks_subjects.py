"""How 社区矫正 and 安置帮教 end (社区矫正法第44–46条; docs/legal-clocks.md, "社区矫正 and
安置帮教", one row per rule named in each test). Dates by hand."""

from __future__ import annotations

from mediation import report, subjects, timeutil
from mediation.errors import InvalidValue, NotAllowed
from tests.conftest import refused


def at(text):
    return timeutil.parse_at(text)


def correction(db, name, received, term_end):
    s = subjects.new(db, actor="王主任", name=name, category="correction", village="龙潭村", at=at(received),
                     term_end=at(term_end))
    subjects.fire(db, actor="王主任", subject=str(s.id), trigger="start", at=at(received))
    return str(s.id)


def sdo(db, ref, trigger, when, note=None, **values):
    return subjects.fire(db, actor="王主任", subject=ref, trigger=trigger, note=note, at=at(when), values=values)


def test_each_subject_has_the_day_its_clock_ends(town):
    """Row "A subject without its end": no clock, counted for ever; refused."""
    refused(town, InvalidValue, "correction term ends", subjects.new, town, actor="王主任", name="甲",
            category="correction", village="龙潭村", at=at("2026-01-05"))
    refused(town, InvalidValue, "release from prison", subjects.new, town, actor="王主任", name="乙",
            category="resettlement", village="龙潭村", at=at("2026-01-05"))


def test_a_correction_is_released_at_the_end_of_its_term_or_on_a_pardon(town):
    """Row "解除": at 期满 (the term's last day, a Saturday here: no rolling) or on 赦免."""
    a = correction(town, "孔某", "2025-11-01", "2026-10-31")
    refused(town, NotAllowed, "ends on 2026-10-31", sdo, town, a, "release", "2026-10-30", note="表现良好")
    released = sdo(town, a, "release", "2026-10-31")
    assert (released.state, released.end_reason) == ("released", "term_served")
    # 13 months early, only on a pardon.
    b = correction(town, "苏某", "2025-06-01", "2027-12-31")
    refused(town, NotAllowed, "ends on 2027-12-31", sdo, town, b, "release", "2026-11-20")
    pardoned = sdo(town, b, "release", "2026-11-20", ground="pardon", note="特赦令")
    assert pardoned.end_reason == "pardon"


def test_termination_and_revocation_are_their_own_steps(town):
    """Rows "终止" and "撤销/收监": death (or moving away) ends it; a revoked 缓刑/假释 or 收监执行
    is its own step, for 社区矫正 only."""
    c = correction(town, "于某", "2025-03-01", "2027-03-01")
    refused(town, InvalidValue, "death", sdo, town, c, "terminate", "2026-05-01", reason="revoked")
    revoked = sdo(town, c, "revoke", "2026-05-01", grounds="probation_revoked", note="法院裁定撤销缓刑")
    assert (revoked.state, revoked.end_reason) == ("revoked", "probation_revoked")
    d = correction(town, "陈某", "2025-03-01", "2027-03-01")
    assert sdo(town, d, "terminate", "2026-07-01", reason="death").state == "terminated"
    e = subjects.new(town, actor="王主任", name="吴某", category="resettlement", village="龙潭村", at=at("2022-03-05"),
                     released=at("2022-03-01"))
    subjects.fire(town, actor="王主任", subject=str(e.id), trigger="start", at=at("2022-03-05"))
    refused(town, NotAllowed, "not under a sentence", sdo, town, str(e.id), "revoke", "2026-06-01",
            grounds="imprisoned")
    # 安置帮教: five years from release, to 2027-03-01; earlier only with the reason.
    refused(town, NotAllowed, "to 2027-03-01", sdo, town, str(e.id), "release", "2026-11-01")
    refused(town, NotAllowed, "not 安置帮教", sdo, town, str(e.id), "release", "2026-11-01", ground="pardon",
            note="x")
    sdo(town, str(e.id), "release", "2026-11-01", note="迁居外省,由迁入地接续帮教")
    ended = report.annual(town, year=2026).corrections["ended"]
    assert ended == {"released": 1, "terminated": 1, "revoked": 1}


def test_a_term_end_is_corrected_and_the_release_follows_it(town):
    a = correction(town, "赵某", "2025-11-01", "2027-01-31")
    refused(town, NotAllowed, "ends on 2027-01-31", sdo, town, a, "release", "2026-10-31")
    fixed = subjects.amend(town, actor="王主任", subject=a, note="按判决书更正矫正期满日", term_end=at("2026-10-31"))
    assert timeutil.iso_deadline(fixed.term_end) is not None
    assert sdo(town, a, "release", "2026-10-31").state == "released"
    refused(town, InvalidValue, "resettlement subjects", subjects.amend, town, actor="王主任", subject=a, note="x",
            released=at("2020-01-01"))
