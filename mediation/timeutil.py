"""Instants: UTC in the database, Asia/Shanghai for people (docs/domain.md, "Time").

pendulum reads what people type (``parse_at``) and does calendar arithmetic in months and
years; plain conversions use the standard library's zoneinfo, so a command that only writes a
case does not pay pendulum's import (~44 ms of every cold start).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from mediation.errors import InvalidValue
from mediation.validation import shown
from workflows.i18n import _

TZ = "Asia/Shanghai"
SHANGHAI = ZoneInfo(TZ)
# Earlier than this is a typo (0221 for 2021), not a back-dated record.
EARLIEST_YEAR = 1990

# 2021年3月2日, 2021/3/2, 2021.3.2 → 2021-03-02 (what people type besides ISO).
_CN_DATE = re.compile(r"^\s*(\d{4})\s*[年/.\-]\s*(\d{1,2})\s*[月/.\-]\s*(\d{1,2})\s*日?\s*(.*)$")


# What people say besides: 3月2日 (this year), 昨天, 前天, 二〇二一年三月二日, 2021年3月2日14时30分,
# 上午9点, 下午3点半 — a day (or today), then a time of day.
_N = "[0-9〇零一二三四五六七八九十两]+"
_SPOKEN = re.compile(
    rf"^(?:(?P<rel>今天|今日|昨天|昨日|前天|明天|明日|后天)|(?:(?P<y>{_N})年)?(?P<m>{_N})月(?P<d>{_N})[日号]?)?"
    rf"(?:(?P<part>上午|早上|早晨|凌晨|中午|下午|晚上)?(?P<h>{_N})[时点:](?:(?P<mi>{_N}|半)分?)?)?$")
_DIGITS = {c: i for i, c in enumerate("〇一二三四五六七八九")} | {"零": 0, "两": 2}
_BACK = {"今天": 0, "今日": 0, "昨天": 1, "昨日": 1, "前天": 2, "明天": -1, "明日": -1, "后天": -2}  # (days back)


def _number(text: str) -> int:
    """12, 十二, 二十一, 二〇二一 → the number (what a date or an hour is written with)."""
    if text.isdigit():
        return int(text)
    if "十" not in text:
        return int("".join(str(_DIGITS[c]) for c in text))
    tens, _, ones = text.partition("十")
    return (_DIGITS[tens] if tens else 1) * 10 + (_DIGITS[ones] if ones else 0)


def _spoken(raw: str) -> str | None:
    """A day or a time as people say it, as ISO text (``None``: not one of those forms)."""
    text = re.sub(r"\s+", "", raw)
    m = _SPOKEN.match(text)
    if not m or not text or not any(m.group(g) for g in ("rel", "m", "h")):
        return None
    try:
        today = local_date(now())
        if m.group("m"):
            year = _number(m.group("y")) if m.group("y") else today.year
            day = date(year, _number(m.group("m")), _number(m.group("d")))
        else:
            day = today - timedelta(days=_BACK.get(m.group("rel") or "今天", 0))
        if not m.group("h"):
            return day.isoformat()
        hour = _number(m.group("h"))
        minute = 30 if m.group("mi") == "半" else _number(m.group("mi")) if m.group("mi") else 0
        part = m.group("part")
        if part in ("下午", "晚上") and hour < 12 or part == "中午" and hour < 11:
            hour += 12
        return f"{day.isoformat()}T{hour:02d}:{minute:02d}"
    except (KeyError, ValueError):
        return "invalid"


@dataclass(frozen=True)
class Moment:
    """A parsed time of a step (``at``): the instant (UTC) and whether the user gave only a date."""

    at: datetime
    date_only: bool


def utc(dt: datetime) -> datetime:
    """A plain ``datetime`` in UTC (pendulum's subclass is normalised away for the drivers)."""
    if dt.tzinfo is None:
        raise ValueError("naive datetime")
    d = dt.astimezone(timezone.utc)
    return datetime(d.year, d.month, d.day, d.hour, d.minute, d.second, d.microsecond, tzinfo=timezone.utc)


def now() -> datetime:
    return datetime.now(timezone.utc)


def parse_at(text: str) -> Moment:
    """Parse ``YYYY-MM-DD``, an ISO datetime, or a day as people say it (``3月2日``, ``昨天``,
    ``二〇二一年三月二日``, ``2021年3月2日14时30分``, ``上午9点``); Asia/Shanghai when no
    offset is given. ISO text takes the standard library's fast path; anything else goes to
    pendulum."""
    raw = unicodedata.normalize("NFKC", text).strip()  # full-width digits, as a Chinese IME types them
    spoken = _spoken(raw)
    if spoken is not None:
        raw = spoken
    compact = _COMPACT_DAY.fullmatch(raw)  # 20210302, as forms and spreadsheets write a day
    if compact:
        raw = "-".join(compact.groups())
    m = _CN_DATE.match(raw)
    if m:
        y, mo, d, rest = m.groups()
        rest = rest.strip().lstrip("Tt").strip()
        raw = f"{y}-{int(mo):02d}-{int(d):02d}" + (f"T{rest}" if rest else "")
    date_only = len(raw) <= 10 and "T" not in raw and ":" not in raw
    if not raw or len(raw) > 40 or _BARE_NUMBER.fullmatch(raw):  # '-1', '12': no day anyone meant
        raise InvalidValue(_("not a valid date: '{text}' (use YYYY-MM-DD or YYYY-MM-DDTHH:MM)").format(
            text=shown(text)))
    if _ISO.match(raw):
        try:
            parsed = datetime.fromisoformat(raw)
        except ValueError:
            raise InvalidValue(_("not a valid date: '{text}' (use YYYY-MM-DD or YYYY-MM-DDTHH:MM)").format(text=shown(text))) from None
        if parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=SHANGHAI)
        return Moment(at=utc(parsed), date_only=date_only)
    return _parse_with_pendulum(text, raw, date_only)


_COMPACT_DAY = re.compile(r"((?:19|20)[0-9]{2})([01][0-9])([0-3][0-9])")
_BARE_NUMBER = re.compile(r"[+-]?\d*(\.\d*)?|[+-].*")
_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?([+-]\d{2}:\d{2}|Z)?)?$")


def _parse_with_pendulum(text: str, raw: str, date_only: bool) -> Moment:
    import pendulum
    from pendulum.parsing.exceptions import ParserError

    try:
        parsed = pendulum.parse(raw, tz=TZ, strict=False)
    except (ParserError, ValueError, TypeError, OverflowError):
        raise InvalidValue(_("not a valid date: '{text}' (use YYYY-MM-DD or YYYY-MM-DDTHH:MM)").format(text=shown(text))) from None
    if isinstance(parsed, pendulum.Date) and not isinstance(parsed, pendulum.DateTime):
        parsed = pendulum.datetime(parsed.year, parsed.month, parsed.day, tz=TZ)
    if not isinstance(parsed, pendulum.DateTime):
        raise InvalidValue(_("not a date: '{text}'").format(text=shown(text)))
    return Moment(at=utc(parsed), date_only=date_only)


def local(dt: datetime) -> datetime:
    """The instant in Asia/Shanghai."""
    return dt.astimezone(SHANGHAI)


def local_date(dt: datetime) -> date:
    l = local(dt)
    return date(l.year, l.month, l.day)


def iso(dt: datetime | date | None) -> str | None:
    """ISO 8601 for JSON: datetimes in Asia/Shanghai with their offset, dates as YYYY-MM-DD."""
    if dt is None:
        return None
    if isinstance(dt, datetime):
        return local(dt).isoformat()
    return dt.isoformat()


def deadline_day(dt: datetime | None) -> date | None:
    """The last day of a deadline: a period ends at 24:00 (Asia/Shanghai) of its last day,
    stored as the next day's 00:00; people and scripts want the day itself."""
    if dt is None:
        return None
    l = local(dt)
    if (l.hour, l.minute, l.second, l.microsecond) == (0, 0, 0, 0):
        l -= timedelta(days=1)
    return date(l.year, l.month, l.day)


def iso_deadline(dt: datetime | None) -> str | None:
    """A deadline in JSON: its last day, ``"2022-06-16"`` (contract: deadlines are last days)."""
    day = deadline_day(dt)
    return day.isoformat() if day else None


def show(dt: datetime | None, *, minutes: bool = True) -> str:
    """For tables: ``2021-03-02 09:30`` in Asia/Shanghai."""
    if dt is None:
        return ""
    return local(dt).strftime("%Y-%m-%d %H:%M" if minutes else "%Y-%m-%d")


def show_due(dt: datetime | None, *, minutes: bool = True) -> str:
    """A deadline for people: one that ends a day prints as that day, ``2021-05-25 24:00``
    (or ``2021-05-25``), not as 00:00 of the next day (which reads as a day too late)."""
    if dt is None:
        return ""
    l = local(dt)
    if (l.hour, l.minute, l.second, l.microsecond) == (0, 0, 0, 0):
        day = deadline_day(dt).isoformat()
        return f"{day} 24:00" if minutes else day
    return l.strftime("%Y-%m-%d %H:%M" if minutes else "%Y-%m-%d")


def parse_month(text: str) -> tuple[int, int]:
    """A month as people write it: ``2021-03``, ``2021/3``, ``2021年3月``, ``202103``; ``3月`` or
    ``11月`` alone is the latest such month that has begun (in December, ``11月`` is this year's;
    in January, last year's); ``本月``, ``上月``. (year, month)."""
    raw = unicodedata.normalize("NFKC", text or "").strip()
    today = local_date(now())
    if raw in ("本月", "这个月"):
        return today.year, today.month
    if raw in ("上月", "上个月"):
        return (today.year, today.month - 1) if today.month > 1 else (today.year - 1, 12)
    m = re.fullmatch(r"(\d{4})(?:-|/|年|\.)?(\d{1,2})月?", raw) or re.fullmatch(r"()(\d{1,2})月", raw)
    if not m or not 1 <= int(m.group(2)) <= 12:
        raise InvalidValue(_("'{text}' is not a month: give it as 2021-03 or 2021年3月").format(text=text))
    number = int(m.group(2))
    if not m.group(1):
        return (today.year if number <= today.month else today.year - 1), number
    return int(m.group(1)), number


def day_start(day: date) -> datetime:
    """00:00 of a day in Asia/Shanghai, as a UTC instant."""
    return utc(datetime(day.year, day.month, day.day, tzinfo=SHANGHAI))


def year_bounds(year: int) -> tuple[datetime, datetime]:
    """[start, end) of a calendar year in Asia/Shanghai, as UTC instants (for index range scans)."""
    return day_start(date(year, 1, 1)), day_start(date(year + 1, 1, 1))


_EARLIEST = datetime(EARLIEST_YEAR, 1, 1, tzinfo=SHANGHAI)  # the first instant of EARLIEST_YEAR there


def resolve(moment: Moment | None, *, not_before: datetime | None, what: str = "") -> datetime:
    """The instant an action happened: now, or the back-dated ``at`` the user gave.

    Refuses a future instant, and one before ``not_before`` (the previous event). A date
    without a time on the same day as the previous event is placed just after it, so the
    history stays in order.
    """
    current = now()
    if moment is None:
        at = current
    else:
        at = moment.at
        if at > current:
            raise InvalidValue(_("the date {at} is in the future").format(at=show(at)))
        if at < _EARLIEST:
            raise InvalidValue(_("the date {at} is implausibly early: check the year").format(at=show(at)))
    if not_before is not None and at < not_before:
        if moment is not None and moment.date_only and local_date(at) == local_date(not_before):
            at = not_before
        else:
            raise InvalidValue(_("{at} is before {what} ({before})").format(
                at=show(at), what=what or _("the previous step"), before=show(not_before)))
    return at

