"""Values people type: party specs, ID numbers (GB 11643), mobile numbers, amounts, and masking."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from mediation.errors import InvalidValue

_ID_WEIGHTS = [2 ** (17 - i) % 11 for i in range(17)]
_ID_CHECK = "10X98765432"
_MOBILE = re.compile(r"^1[3-9]\d{9}$")


@dataclass(frozen=True)
class PartySpec:
    name: str
    id_number: str | None = None
    phone: str | None = None


def id_number_problem(value: str) -> str | None:
    """Why ``value`` is not a valid 18-digit resident ID number (GB 11643-1999), or None."""
    v = value.strip().upper()
    if not re.fullmatch(r"\d{17}[\dX]", v):
        return "身份证号应为18位(末位可为X) / an ID number has 18 characters, digits (last may be X)"
    try:
        date(int(v[6:10]), int(v[10:12]), int(v[12:14]))
    except ValueError:
        return f"身份证号中的出生日期 {v[6:14]} 无效 / the birth date {v[6:14]} in the ID number is invalid"
    expected = _ID_CHECK[sum(int(c) * w for c, w in zip(v[:17], _ID_WEIGHTS)) % 11]
    if v[17] != expected:
        return f"身份证号校验位错误(应为 {expected}) / the ID number's check digit is wrong (GB 11643 checksum fails)"
    return None


def id_number(value: str) -> str:
    problem = id_number_problem(value)
    if problem:
        raise InvalidValue(f"{value}: {problem}")
    return value.strip().upper()


def phone_problem(value: str) -> str | None:
    v = normalise_phone(value)
    if not _MOBILE.match(v):
        return "手机号应为11位、以1开头 / a mainland mobile number has 11 digits starting 13–19"
    return None


def normalise_phone(value: str) -> str:
    v = re.sub(r"[\s\-()]", "", value)
    if v.startswith("+86"):
        v = v[3:]
    elif v.startswith("0086"):
        v = v[4:]
    return v


def phone(value: str) -> str:
    problem = phone_problem(value)
    if problem:
        raise InvalidValue(f"{value}: {problem}")
    return normalise_phone(value)


def party(spec: str) -> PartySpec:
    """``NAME[,ID_NUMBER][,PHONE]``; full-width commas are accepted. The ID and phone are
    recognised by shape, so ``NAME,PHONE`` works too."""
    parts = [p.strip() for p in re.split(r"[,,]", spec)]
    name = parts[0] if parts else ""
    if not name:
        raise InvalidValue(f"当事人姓名为空 / a party needs a name: '{spec}'")
    if len(parts) > 3:
        raise InvalidValue(f"当事人格式为 姓名[,身份证号][,手机号] / a party is NAME[,ID_NUMBER][,PHONE]: '{spec}'")
    id_no = tel = None
    for extra in parts[1:]:
        if not extra:
            continue
        if len(re.sub(r"\D", "", extra)) >= 15 or extra.upper().endswith("X"):
            if id_no:
                raise InvalidValue(f"'{spec}': 两个身份证号 / two ID numbers")
            id_no = id_number(extra)
        else:
            if tel:
                raise InvalidValue(f"'{spec}': 两个手机号 / two phone numbers")
            tel = phone(extra)
    return PartySpec(name=name, id_number=id_no, phone=tel)


def mask_id(value: str | None) -> str | None:
    """``411002199001011234`` → ``4110**********1234``."""
    if not value:
        return value
    return value[:4] + "*" * (len(value) - 8) + value[-4:]


def mask_phone(value: str | None) -> str | None:
    """``13812345678`` → ``138****5678``."""
    if not value:
        return value
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


def amount_fen(text: str | int | float | Decimal) -> int:
    """An amount in yuan (``5000``, ``5,000.50``, ``¥5000``, ``5000元``) → integer fen (分)."""
    raw = str(text).strip().replace(",", "").replace(",", "").lstrip("¥￥").removesuffix("元").strip()
    try:
        value = Decimal(raw)
    except InvalidOperation:
        raise InvalidValue(f"金额无效 '{text}' / not an amount in yuan") from None
    if not value.is_finite() or value < 0:
        raise InvalidValue(f"金额无效 '{text}' / an amount must be zero or more")
    if value != value.quantize(Decimal("0.01")):
        raise InvalidValue(f"金额最多两位小数 '{text}' / at most 2 decimals (fen)")
    fen = int(value * 100)
    if fen >= 10 ** 15:
        raise InvalidValue(f"金额过大 '{text}' / amount too large")
    return fen


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
    raise InvalidValue(f"'{text}' 应为 yes 或 no / expected yes or no")


def choice(value: str, options: dict[str, str] | tuple[str, ...], zh: str, en: str) -> str:
    """Match a key or its Chinese label (``red`` or ``红``), as people type them: any part of a
    label with alternatives (``镇综治中心/司法所``: ``司法所``; ``来访/走访``: ``走访``), or the
    start or a two-character piece of exactly one label (``调解员`` → 村人民调解员, ``道路交通``
    → 道路交通事故). Ambiguity is refused with the candidates, never guessed."""
    v = unicodedata.normalize("NFKC", value or "").strip()
    named = options if isinstance(options, dict) else {o: o for o in options}
    if v in named:
        return v
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
        raise InvalidValue(f"{zh} '{value}' 不唯一 / ambiguous {en}: "
                           f"{', '.join(f'{k}({named[k]})' if k != named[k] else k for k in near)}")
    raise InvalidValue(f"未知{zh} '{value}' / unknown {en}; 可选 / one of: {listed}")
