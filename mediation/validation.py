"""Values people type: party specs, ID numbers (GB 11643), mobile numbers, amounts, and masking."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from mediation.errors import InvalidValue
from workflows import config
from workflows.i18n import N_, _

_ID_WEIGHTS = [2 ** (17 - i) % 11 for i in range(17)]
_ID_CHECK = "10X98765432"
_MOBILE = re.compile(r"^1[3-9]\d{9}$")


@dataclass(frozen=True)
class PartySpec:
    name: str
    id_number: str | None = None
    phone: str | None = None
    # What a 人民调解协议书 states of each party (人民调解法第29条), all optional: 性别, 民族,
    # 出生日期 (else read from the ID number), 住址 (private, as an ID number is), 单位或职业.
    gender: str | None = None
    ethnicity: str | None = None
    birth_date: date | None = None
    address: str | None = None
    employer: str | None = None

    def details(self) -> dict[str, object]:
        """The details given (the keys of ``DETAILS``), for a party row or a correction."""
        return {k: getattr(self, k) for k in DETAILS if getattr(self, k) is not None}


# A party's details as typed after its name: ``住址=龙潭村3组``, ``sex=女``… (the keys people
# write, Chinese or English), or by shape: 男/女, a word ending in 族, a date.
DETAILS = {"gender": N_("gender"), "ethnicity": N_("ethnicity"), "birth_date": N_("birth date"), "address": N_("address"),
           "employer": N_("employer or occupation")}
_DETAIL_KEYS = {"性别": "gender", "gender": "gender", "民族": "ethnicity", "ethnicity": "ethnicity", "出生日期": "birth_date",
                "出生": "birth_date", "生日": "birth_date", "birth_date": "birth_date", "birth": "birth_date", "住址": "address", "地址": "address",
                "住所": "address", "address": "address", "单位": "employer", "职业": "employer", "工作单位": "employer",
                "单位或职业": "employer", "employer": "employer", "sex": "gender", "born": "birth_date",
                "work": "employer", "occupation": "employer"}
_SEXES = {"男": "男", "女": "女", "男性": "男", "女性": "女", "m": "男", "f": "女", "male": "男", "female": "女"}
_DAY = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?")


def _detail(key: str, value: str, spec: str) -> object:
    """One detail checked: a gender is 男 or 女, an ethnicity ends in 族, a birth date is a past day."""
    value = value.strip()
    if key == "gender":
        if value.lower() not in _SEXES:
            raise InvalidValue(_("a party's gender is 男 or 女: '{spec}'").format(spec=shown(spec)))
        return _SEXES[value.lower()]
    if key == "ethnicity":
        value = clean_text(value, N_("ethnicity"), limit="name")
        return value if value.endswith("族") or value in ("未识别民族", "入籍") else value + "族"
    if key == "birth_date":  # (19800501 only after its key: alone, eight digits may be a landline)
        m = _DAY.fullmatch(value) or re.fullmatch(r"([12][0-9]{3})([01][0-9])([0-3][0-9])", value)
        try:
            day = date(int(m.group(1)), int(m.group(2)), int(m.group(3))) if m else None
        except ValueError:
            day = None
        if day is None or not date(1900, 1, 1) <= day <= date.today():
            raise InvalidValue(_("a birth date is a past day, 1980-05-01: '{spec}'").format(spec=shown(spec)))
        return day
    return clean_text(value, DETAILS[key], limit="name" if key != "address" else "key")


def id_number_problem(value: str) -> str | None:
    """Why ``value`` is not a valid 18-digit resident ID number (GB 11643-1999), or None."""
    v = _folded(value).upper()
    if not re.fullmatch(r"[0-9]{17}[0-9X]", v):
        return _("an ID number has 18 characters, digits (last may be X)")
    if born_from_id(v) is None:
        return _("the birth date {date} in the ID number is invalid").format(date=v[6:14])
    expected = _ID_CHECK[sum(int(c) * w for c, w in zip(v[:17], _ID_WEIGHTS)) % 11]
    if v[17] != expected:
        # (not which digit it should be: a refusal printed or logged would hand out a valid number)
        return _("the ID number's check digit is wrong (GB 11643)")
    return None


def id_number(value: str) -> str:
    value = _folded(value)
    problem = id_number_problem(value)
    if problem:  # the number masked, as everywhere it is shown
        raise InvalidValue(f"{shown(mask_id(value) or '')}: {problem}")
    return value.upper()


def _folded(value: str | None) -> str:
    """An ID number as typed, full-width digits and Ｘ folded (NFKC) and spaces dropped."""
    return re.sub(r"\s", "", unicodedata.normalize("NFKC", value or ""))


def phone_problem(value: str) -> str | None:
    """Why ``value`` is no phone number: a mainland mobile (11 digits, 13–19…), or a landline —
    an area code (0 and 2–3 digits) and a 7–8 digit number, or the number alone — with an
    extension after it (``-123``, ``转123``)."""
    v = normalise_phone(value)
    if _MOBILE.match(v) or _LANDLINE.fullmatch(v):
        return None
    return _("a phone is a mobile (11 digits starting 13–19) or a landline (0571-88886666, 88886666, "
             "88886666-123)")


# What a party's extra field is when it is an ID number (well formed or not): 15–18 characters,
# digits and a last X, not starting 0 (a phone with its country or area code does).
_LOOKS_ID = re.compile(r"[1-9][0-9]{13,16}[0-9Xx]")
# A landline as kept: [area code-]number[-extension].
_LANDLINE = re.compile(r"(?:0\d{2,3}-)?[2-9]\d{6,7}(?:-\d{1,6})?")


def normalise_phone(value: str) -> str:
    """A mobile as its 11 digits; a landline as ``0571-88886666`` (``-123`` for an extension)."""
    raw = re.sub(r"\s", "", unicodedata.normalize("NFKC", value or ""))
    raw = re.sub(r"^(\+86|0086)-?", "", raw)
    digits = re.sub(r"[\-()]", "", raw)
    if _MOBILE.match(digits):
        return digits
    m = re.fullmatch(r"\(?(0\d{2,3})?\)?[\s-]*(\d{7,8})(?:\s*(?:-|转|ext\.?|x|#)\s*(\d{1,6}))?", raw, re.IGNORECASE)
    if m and m.group(2)[0] in "23456789":
        area, number, ext = m.groups()
        return (f"{area}-" if area else "") + number + (f"-{ext}" if ext else "")
    return digits


def looks_like_id(value: str) -> bool:
    """Whether a party's extra field is meant as an ID number (well formed or not), not a phone:
    15–18 characters, digits and a last X, not starting 0 (an ID's region code never does; a
    phone with its country or area code does)."""
    return _LOOKS_ID.fullmatch(_folded(value)) is not None


def phone(value: str) -> str:
    problem = phone_problem(value)
    if problem:  # masked as a phone is everywhere (what was typed may be someone's ID number)
        raise InvalidValue(f"{shown(mask_phone(value.strip()) or '')}: {problem}")
    return normalise_phone(value)


def party(spec: str) -> PartySpec:
    """``NAME[,ID_NUMBER][,PHONE]``; full-width commas are accepted. The ID and phone are
    recognised by shape, so ``NAME,PHONE`` works too."""
    parts = [p.strip() for p in re.split("[,\uff0c]", spec)]  # (\uff0c: the full-width comma an IME types)
    name = clean_text(parts[0], N_("party name"), limit="name") if parts else ""
    if not name:
        raise InvalidValue(_("a party needs a name: '{spec}'").format(spec=shown(spec)))
    if len(parts) > 3 + len(DETAILS):
        raise InvalidValue(_("a party is NAME[,ID_NUMBER][,PHONE][,DETAIL=VALUE…]: '{spec}'").format(spec=shown(spec)))
    id_no = tel = None
    details: dict[str, object] = {}
    for extra in parts[1:]:
        if not extra:
            continue
        key, said = detail_of(extra)
        if key is not None:
            if not said.strip():  # 住址= left empty (a template's blank): not given
                continue
            if key in details:
                raise InvalidValue(_("{what} given twice: '{spec}'").format(what=_(DETAILS[key]), spec=shown(spec)))
            details[key] = _detail(key, said, spec)
            continue
        if looks_like_id(extra):
            if id_no:
                raise InvalidValue(_("two ID numbers: '{spec}'").format(spec=spec))
            id_no = id_number(extra)
        else:
            if tel:
                raise InvalidValue(_("two phone numbers: '{spec}'").format(spec=spec))
            tel = phone(extra)
    birth_date = details.get("birth_date")
    if birth_date is not None and id_no and id_no[6:14] != birth_date.strftime("%Y%m%d"):
        raise InvalidValue(_("the birth date differs from the one in the ID number: '{spec}'").format(
            spec=shown(mask_id(id_no))))
    return PartySpec(name=name, id_number=id_no, phone=tel, **details)


def detail_of(part: str) -> tuple[str | None, str]:
    """What one part after a party's name is, when it is a detail: (key, value as typed);
    (None, part) for an ID number or a phone."""
    keyed = re.fullmatch(r"\s*([^=:：]+?)\s*[=:：]\s*(.*)", part, re.DOTALL)
    if keyed and keyed.group(1).lower() in _DETAIL_KEYS:
        return _DETAIL_KEYS[keyed.group(1).lower()], keyed.group(2)
    if part.lower() in _SEXES:
        return "gender", part
    if part.endswith("族") and 2 <= len(part) <= 8:
        return "ethnicity", part
    if _DAY.fullmatch(part):
        return "birth_date", part
    return None, part


def born_from_id(id_no: str | None) -> date | None:
    """The birth date an 18-digit ID number holds."""
    if not id_no or not re.fullmatch(r"[0-9]{17}[0-9X]", id_no):
        return None
    try:
        return date(int(id_no[6:10]), int(id_no[10:12]), int(id_no[12:14]))
    except ValueError:
        return None


def mask_address(value: str | None) -> str | None:
    """``营盘镇龙潭村3组15号`` → ``营盘镇龙潭******`` (the database's ``address_masked``): at
    most six characters, and never more than half, are shown."""
    if not value:
        return value
    head = 6 if len(value) > 12 else len(value) // 2
    return value[:head] + "*" * (len(value) - head)


def mask_id(value: str | None) -> str | None:
    """``411002199001011234`` → ``4110**********1234`` (what the database's ``…_masked``
    columns hold: ``mediation.tables.base.masked``)."""
    return _mask(value, 4)


def mask_phone(value: str | None) -> str | None:
    """``13812345678`` → ``138****5678``."""
    return _mask(value, 3)


def _mask(value: str | None, head: int) -> str | None:
    if not value:
        return value
    if len(value) <= head + 4:
        return "*" * len(value)
    return value[:head] + "*" * (len(value) - head - 4) + value[-4:]


# What people type, bounded the same on both engines (README, "Limits"): a name, a summary or a
# note longer than this is a paste gone wrong, not a record.
MOST_CHARS = {"name": 50, "summary": 2000, "note": 2000, "key": 200}
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")  # a tab, CR and LF are line breaks
_UNSEEN = re.compile(r"[\x00-\x1f\x7f\x85\u2028\u2029]")
_LINE_BREAKS = re.compile(r"[\r\n\t\u2028\u2029]")
# Amounts above this (1,000,000,000 元) are slips of the keyboard.
MOST_FEN = 10 ** 11


def shown(value: object, most: int = 60) -> str:
    """A bad value as a refusal quotes it: at most ``most`` characters (a 10 MB paste is not echoed)."""
    text = str(value)
    cut = text if len(text) <= most else text[:most] + "…"
    return _UNSEEN.sub(lambda m: m.group().encode("unicode_escape").decode(), cut)  # one line, whatever was typed


def clean_text(value: str | None, what: str, *, limit: str = "note", multiline: bool = False) -> str | None:
    """Typed text checked: no NUL or control characters (a line break only where ``multiline``),
    at most ``MOST_CHARS[limit]`` characters. Stripped; ``None`` or empty stays as it is."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise InvalidValue(_("{what} is text: '{value}'").format(what=_(what), value=shown(value)))
    v = value.strip()
    if _CONTROL.search(v) or (not multiline and _LINE_BREAKS.search(v)):
        raise InvalidValue(_("{what} holds a control character or line break: '{value}'").format(
            what=_(what), value=shown(v)))
    if len(v) > MOST_CHARS[limit]:
        raise InvalidValue(_("{what} is {n} characters long, at most {most}: '{value}'").format(
            what=_(what), n=len(v), most=MOST_CHARS[limit], value=shown(v)))
    return v


def amount_fen(text: str | int | float | Decimal) -> int:
    """An amount in yuan → integer fen (分), as people write it: ``5000``, ``5,000.50``,
    ``¥5000``, ``5000元``; with a unit, ``1.5万``, ``3千元``, ``2百``; in Chinese numerals,
    ``两千元``, ``一万五千``, ``二万零五百元``, or in capitals as an agreement writes them,
    ``贰仟元整``, ``叁仟壹佰元伍角``, or digits between the units, ``2万5千``, ``2万5000``. A
    shortened ``二万八`` or ``2万8`` (28000 as people say it, 20008 as it reads) is refused as
    ambiguous."""
    # NFKC: full-width digits, comma and ￥ as an IME types them (２，０００ → 2,000)
    raw = unicodedata.normalize("NFKC", str(text)).strip().replace(",", "").replace(" ", "").lstrip("¥")
    value = _digits_with_unit(raw)
    if value is None:
        value = _digits_between_units(raw, text)
    if value is None and raw and all(ch in _CN_NUMBER for ch in raw):
        value = _chinese_amount(raw, text)
    if value is None:
        raise InvalidValue(_("not an amount in yuan: '{text}'").format(text=shown(text))) from None
    if not value.is_finite() or value < 0:
        raise InvalidValue(_("an amount must be zero or more: '{text}'").format(text=shown(text)))
    if value * 100 > MOST_FEN:  # before quantize, which fails on 1e400
        raise InvalidValue(_("amount too large: '{text}'").format(text=shown(text)))
    if value != value.quantize(Decimal("0.01")):
        raise InvalidValue(_("an amount has at most 2 decimals (fen): '{text}'").format(text=shown(text)))
    return int(value * 100)


_UNITS = {"万": 10000, "千": 1000, "仟": 1000, "百": 100, "佰": 100}
_CN_DIGITS = {**{c: i for i, c in enumerate("零一二三四五六七八九")}, **{c: i for i, c in enumerate("〇壹贰叁肆伍陆柒捌玖")},
              "两": 2, "俩": 2}
_CN_SMALL = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}
_CN_LARGE = {"万": 10 ** 4, "亿": 10 ** 8}
_CN_NUMBER = set(_CN_DIGITS) | set(_CN_SMALL) | set(_CN_LARGE) | set("元圆角分整正")


def _digits_with_unit(raw: str) -> Decimal | None:
    """``5000``, ``5000元``, ``1.5万``, ``3千元`` (what ``Decimal`` reads, with a unit); None if
    it is not written so."""
    number, unit = re.fullmatch(r"(.*?)(万|千|仟|百|佰)?元?", raw, re.DOTALL).groups()
    try:
        value = Decimal(number)
    except InvalidOperation:
        return None
    return value * _UNITS[unit] if unit else value


def _digits_between_units(raw: str, text: object) -> Decimal | None:
    """``2万5千``, ``1万2千5百元``, ``2万5000``, ``3千500元``: digits between the units, each
    part smaller than the unit before it; None if it is not written so. A single digit after
    百, 千 or 万 (``2万5``) is refused as ambiguous, as ``二万八`` is."""
    m = re.fullmatch(r"((?:\d+[万千仟百佰])+)(\d*(?:\.\d+)?)元?", raw)
    if m is None:
        return None
    total, above = Decimal(0), None
    for number, unit in re.findall(r"(\d+)([万千仟百佰])", m[1]):
        part = Decimal(number) * _UNITS[unit]  # (not int: a 5,000-digit part would pass its limit)
        if above is not None and (_UNITS[unit] >= above or part >= above):
            return None  # 2千3万, 1万12千
        total, above = total + part, _UNITS[unit]
    rest = m[2]
    if rest:
        if re.fullmatch(r"[1-9]", rest) and above >= 100:
            raise InvalidValue(_ambiguous(text))
        if Decimal(rest) >= above:
            return None  # 2万12000
        total += Decimal(rest)
    return total


def _ambiguous(text: object) -> str:
    return _("'{text}' is ambiguous: write it in digits, or in full with every unit (二万八千, not 二万八)").format(
        text=shown(text))


def _chinese_amount(raw: str, text: object) -> Decimal | None:
    """Chinese numerals with 元/角/分 (and 整), or None if they do not make an amount."""
    m = re.fullmatch(r"(?:(.+?)[元圆])?(?:(.)角)?(?:零?(.)分)?[整正]?|(.+)", raw)
    if m is None:
        return None
    yuan_words, jiao, fen, bare = m.groups()
    if bare is not None:  # no 元: a number of yuan (两千, 一万五千)
        yuan_words = bare
    if not (yuan_words or jiao or fen):
        return None
    yuan = _chinese_integer(yuan_words, text) if yuan_words else 0
    small = [_CN_DIGITS.get(d) if d else 0 for d in (jiao, fen)]
    if yuan is None or None in small:
        return None
    return Decimal(yuan) + Decimal(small[0]) / 10 + Decimal(small[1]) / 100


def _chinese_integer(words: str, text: object) -> int | None:
    """一万五千 → 15000, 二万零五百 → 20500, 十五 → 15, 两千 → 2000; None if malformed.
    A digit left after 百, 千 or 万 with nothing after it (二万八, 三百五) is refused: people
    say it for 28000 and 350, and it reads as 20008 and 305."""
    total, section, digit, last_unit, zero = 0, 0, None, None, False
    small_above, large_above = 10 ** 4, 10 ** 12  # each unit smaller than the one before it
    for ch in words:
        if ch in _CN_DIGITS:
            if digit is not None and not (digit == 0 or _CN_DIGITS[ch] == 0):
                return None  # two digits in a row (一二)
            zero = zero or _CN_DIGITS[ch] == 0
            digit = _CN_DIGITS[ch]
        elif ch in _CN_SMALL:
            if _CN_SMALL[ch] >= small_above:
                return None  # 十十, 一百一百
            section += (1 if digit is None else digit) * _CN_SMALL[ch]  # 十五: ten and five
            small_above = last_unit = _CN_SMALL[ch]
            digit, zero = None, False
        elif ch in _CN_LARGE:
            section += digit or 0
            if section == 0 or _CN_LARGE[ch] >= large_above:
                return None  # 万万, 一万五千万
            total += section * _CN_LARGE[ch]
            large_above = last_unit = _CN_LARGE[ch]
            section, digit, zero, small_above = 0, None, False, 10 ** 4
        else:
            return None
    if digit and last_unit and last_unit >= 100 and not zero:
        raise InvalidValue(_ambiguous(text))
    return total + section + (digit or 0)


def yuan(fen: int | None) -> str:
    """Integer fen → ``"1234.50"`` (the contract's string form of money)."""
    fen = fen or 0
    return f"{fen // 100}.{fen % 100:02d}"


def yes_no(text: str) -> bool:
    t = text.strip().lower()
    if t in {"yes", "y", "true", "1", "是", "满意"}:
        return True
    if t in {"no", "n", "false", "0", "否", "不满意"}:
        return False
    raise InvalidValue(_("'{text}' should be yes or no").format(text=shown(text)))


def choice(value: str, options: dict[str, str] | tuple[str, ...], what: str, *, words: str | None = None) -> str:
    """Match a key or its Chinese label (``red`` or ``红``), as people type them: any part of a
    label with alternatives (``镇综治中心/司法所``: ``司法所``; ``来访/走访``: ``走访``), or the
    start or a two-character piece of exactly one label (``调解员`` → 村人民调解员, ``道路交通``
    → 道路交通事故). Ambiguity is refused with the candidates, never guessed. ``what`` names
    the value in a refusal: a catalog text (``N_("role")``), translated only then; the words
    people type for it are ``config.WORDS[words or what]`` (欠薪 → 劳动争议)."""
    v = unicodedata.normalize("NFKC", value or "").strip()
    named = options if isinstance(options, dict) else {o: o for o in options}
    if v in named:
        return v
    said = config.WORDS.get(words or what, {}).get(v)  # a word people type for it (欠薪 → 劳动争议)
    if said is not None and v not in set(named.values()):
        return choice(said, options, what)
    if isinstance(options, dict) and v.lower() in named:
        return v.lower()
    words = {key: {label, *(p.strip() for p in re.split(r"[/、]", label))} for key, label in named.items()}
    exact = [key for key, ws in words.items() if v in ws]
    if len(exact) == 1:
        return exact[0]
    near = exact or [key for key, ws in words.items()
                     if v and any(w.startswith(v) or (len(v) >= 2 and v in w) for w in ws)]
    if len(near) == 1:
        return near[0]
    listed = ", ".join(f"{k}({l})" if k != l else k for k, l in named.items())
    if len(near) > 1:
        raise InvalidValue(_("{what} '{value}' is ambiguous: {candidates}").format(
            what=_(what), value=shown(value), candidates=", ".join(f"{k}({named[k]})" if k != named[k] else k for k in near)))
    raise InvalidValue(_("unknown {what} '{value}'; one of: {listed}").format(what=_(what), value=shown(value),
                                                                             listed=listed))
