"""The town's configurable vocabulary and numbers, in one place.

docs/domain.md marks these readings **[ours]**: no public text fixes them, so another town renames
or renumbers them here, not in the workflow logic. Keys (English identifiers) are the
contract; labels (Chinese) are what people read.
"""

import enum


class Role(enum.StrEnum):
    """Who a user is (the permission rules are in ``mediation.permissions``)."""

    mediator = "mediator"  # 村人民调解员: one village
    town = "town"  # 镇综治中心/司法所: one town (or every town of the database)
    county = "county"  # 县级: every town


ROLES: dict[str, str] = {Role.mediator.value: "村人民调解员", Role.town.value: "镇综治中心/司法所",
                         Role.county.value: "县级"}
# The offices above the village: they review escalations, handle matters, add users.
OFFICE_ROLES = frozenset({Role.town, Role.county})

# 纠纷类别: the 15 official categories of the year-end statistics (docs/domain.md, "The year-end totals").
DISPUTE_TYPES: tuple[str, ...] = (
    "婚姻家庭", "邻里", "房屋宅基地", "合同", "生产经营", "损害赔偿", "山林土地",
    "征地拆迁", "环境污染", "劳动争议", "消费", "医疗", "道路交通事故", "物业", "其他",
)

# 风险等级 and the line (三线管控) each level is routed to at triage.
RISKS: dict[str, str] = {"green": "绿", "yellow": "黄", "orange": "橙", "red": "红"}
RISK_LINE: dict[str, int] = {"green": 1, "yellow": 1, "orange": 2, "red": 2}

# 三线管控: the three lines of control, and the time budget of each (calendar days).
LINES: dict[int, str] = {1: "村(社区)调委会", 2: "镇综治中心/司法所", 3: "县矛调中心/法院/政法部门"}
LINE_BUDGET_DAYS: dict[int, int] = {1: 7, 2: 15, 3: 30}
# Who decides an escalation *into* a line (approve or return).
LINE_APPROVER: dict[int, Role] = {2: Role.town, 3: Role.county}

# 调解类型 (大调解联动).
MEDIATION_KINDS: dict[str, str] = {
    "people": "人民调解", "administrative": "行政调解",
    "judicial": "司法调解", "public_security": "治安调解",
}

# 来源 (how the dispute reached the committee) and 四网排查 screening modes.
SOURCES: dict[str, str] = {
    "screening": "排查发现", "application": "当事人申请", "grid": "网格员上报",
    "referral": "委托移送", "petition": "信访转入", "hotline": "12345热线",
}
SCREENING_MODES: dict[str, str] = {"逐个": "逐个排查", "拉网": "拉网排查", "反复": "反复排查", "专项": "专项排查"}

# Legal channels a matter is redirected to (分流 / 诉访分离).
CHANNELS: dict[str, str] = {
    "litigation": "诉讼", "arbitration": "仲裁", "reconsideration": "行政复议",
    "administrative": "行政处理", "police": "公安",
}

AGREEMENT_FORMS: dict[str, str] = {"written": "书面协议", "oral": "口头协议"}

# 人民调解法 art 33: both parties apply for 司法确认 within 30 days of the agreement.
CONFIRMATION_WINDOW_DAYS = 30
# Court decision on a 司法确认 application (民诉法 art 205-206 practice: 15 days).
CONFIRMATION_DECISION_DAYS = 15

# A group dispute (群体性): this many parties or more on one side.
GROUP_DISPUTE_PARTIES = 5

# Case number (一案一卷), unique per town and year. Fields: year, abbr (the town's
# abbreviation), seq.
CASE_NUMBER_FORMAT = "({year}){abbr}调字第{seq:03d}号"
PETITION_NUMBER_FORMAT = "({year}){abbr}信字第{seq:03d}号"
RECONSIDERATION_NUMBER_FORMAT = "({year}){abbr}复字第{seq:03d}号"
LITIGATION_NUMBER_FORMAT = "({year}){abbr}诉字第{seq:03d}号"

# Who may act as the handling body's 负责人 (信访工作条例第34条: approves an extension).
HANDLING_HEADS = OFFICE_ROLES

# 创业就业率 (docs/domain.md): who counts as employed, who is left out of the denominator, and
# how the rate is rounded. The 2021 report's 94.2% is 33 ÷ 35 = 94.285…% truncated.
EMPLOYMENT_RATE_EMPLOYED: tuple[str, ...] = ("employed", "self_employed")
EMPLOYMENT_RATE_EXCLUDED: tuple[str, ...] = ()
EMPLOYMENT_RATE_ROUNDING = "truncate"  # or "round"
EMPLOYMENT_RATE_DECIMALS = 1
