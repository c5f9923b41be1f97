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

# The words people type for what has another name here (a 司法所's clerk writes 欠薪, the list
# says 劳动争议): read by the parser (``validation.choice``, a workflow's ``trigger_named`` and
# ``field_named``) and by completion alike. Each table maps a word to a key or a label of what it
# names; a word here never overrides a key or a label itself. ``trigger`` words apply in the
# workflows that have that step; a field's key (``opinion``) holds the words for its values.
WORDS: dict[str, dict[str, str]] = {
    "dispute type": {
        "欠薪": "劳动争议", "讨薪": "劳动争议", "工资": "劳动争议", "劳资": "劳动争议", "劳动": "劳动争议",
        "工伤": "劳动争议", "邻居": "邻里", "宅基地": "房屋宅基地", "房屋": "房屋宅基地", "婚姻": "婚姻家庭",
        "家庭": "婚姻家庭", "离婚": "婚姻家庭", "赡养": "婚姻家庭", "抚养": "婚姻家庭", "继承": "婚姻家庭",
        "土地": "山林土地", "林地": "山林土地", "山林": "山林土地", "征地": "征地拆迁", "拆迁": "征地拆迁",
        "污染": "环境污染", "借款": "合同", "欠款": "合同", "买卖": "合同", "租赁": "合同", "车祸": "道路交通事故",
        "交通": "道路交通事故", "交通事故": "道路交通事故", "医患": "医疗", "赔偿": "损害赔偿", "伤害": "损害赔偿",
        "经营": "生产经营", "消费者": "消费",
    },
    "petition category": {
        "民事": "civil", "民间": "civil", "劳资": "labour", "欠薪": "labour", "劳动": "labour", "涉诉": "court_judgment",
        "涉法": "court_judgment", "土地": "land_contract", "承包": "land_contract", "行政": "admin_act",
        "举报": "complaint", "投诉": "complaint", "控告": "complaint", "求助": "request", "诉求": "request",
    },
    "field": {
        "金额": "amount", "钱数": "amount", "满意": "satisfied", "满意度": "satisfied", "渠道": "channel",
        "途径": "channel", "协议": "agreement", "内容": "terms", "处理意见": "opinion", "意见": "opinion",
        "风险": "risk", "结果": "outcome", "送达": "served_at", "送达日期": "served_at", "转送": "to",
        "天数": "days", "理由": "reason", "原因": "reason",
    },
    "trigger": {
        "上报": "request_escalation", "报上级": "request_escalation", "请求上报": "request_escalation",
        "批准上报": "approve_escalation", "退回": "return_escalation", "研判": "triage", "分流": "redirect",
        "调解": "start", "达成": "agree", "协议": "agree", "回访": "visit", "履行": "fulfil", "反悔": "breach",
        "不履行": "breach", "调解不成": "fail", "终止调解": "fail", "拒绝": "decline", "受理": "accept",
        "不予受理": "reject", "答复": "answer", "回复": "answer", "送达": "serve", "告知": "notify",
        "转送": "transfer", "延期": "extend", "答辩": "defend", "判决": "judge", "上诉": "appeal", "决定": "decide",
        "复议决定": "decide", "结案": "close", "办结": "close", "解除": "release", "终止": "terminate",
        "撤销": "revoke", "开始": "start",
    },
    "opinion": {"已调解": "mediated", "调解": "mediated", "和解": "mediated", "支持": "support",
                "不支持": "not_support", "解释": "explain"},
    "agreement": {"书面": "written", "口头": "oral"},
    "satisfied": {"满意": "yes", "不满意": "no", "基本满意": "yes"},
    "channel": {"法院": "litigation", "起诉": "litigation", "复议": "reconsideration", "劳动仲裁": "arbitration",
                "报警": "police", "派出所": "police"},
    "form": {"协议书": "agreement", "调解协议书": "agreement", "协议": "agreement", "封面": "cover", "卷宗": "cover",
             "不予受理": "refusal", "导入": "redirect", "告知书": "redirect"},
}

# 反复 told at intake: a new case whose party had a dispute resolved in the town within this many
# months (the same name in the same village, or the same name and ID number) is said to recur.
RECURRENCE_MONTHS = 6

# 回访: the office visits the parties this many days after an agreement (the agenda lists it);
# a town sets its own, per category where it differs (e.g. {"婚姻家庭": 7}).
VISIT_DAYS_DEFAULT = 3
VISIT_DAYS: dict[str, int] = {}
