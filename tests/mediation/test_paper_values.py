"""What paper writes and what people type for it: amounts in capitals (read back by an
independent parser over every amount hypothesis tries), Chinese numerals, laws cited with
书名号, and a party's details after its name."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given, seed, settings
from hypothesis import strategies as st

from mediation import paper, validation
from mediation.errors import InvalidValue

_DIGIT = {c: i for i, c in enumerate("零壹贰叁肆伍陆柒捌玖")}
_UNIT = {"拾": 10, "佰": 100, "仟": 1000}


def _read_section(words: str) -> int:
    total, digit = 0, 0
    for ch in words:
        if ch in _DIGIT:
            digit = _DIGIT[ch]
        elif ch in _UNIT:
            total += digit * _UNIT[ch]
            digit = 0
    return total + digit


def read_capitals(text: str) -> Decimal:
    """大写金额 back to a number, written apart from ``paper.rmb`` (亿/万 sections, 元角分)."""
    m = re.fullmatch(r"(?:(.*)元)?(?:(.)角)?(?:零?(.)分)?(整)?", text)
    assert m, text
    yuan_words, jiao, fen, whole = m.groups()
    yuan = 0
    rest = yuan_words or ""
    for name, size in (("亿", 10 ** 8), ("万", 10 ** 4)):
        if name in rest:
            head, rest = rest.split(name, 1)
            yuan += _read_section(head) * size
    yuan += _read_section(rest)
    assert (whole is not None) == (jiao is None and fen is None), text  # 整 only after 元
    return Decimal(yuan) + Decimal(_DIGIT[jiao] if jiao else 0) / 10 + Decimal(_DIGIT[fen] if fen else 0) / 100


@pytest.mark.parametrize(("amount", "said"), [
    ("2000", "贰仟元整"), ("3100.50", "叁仟壹佰元伍角"), ("1001.05", "壹仟零壹元零伍分"), ("0.05", "伍分"),
    ("10", "壹拾元整"), ("100100", "壹拾万零壹佰元整"), ("100000001", "壹亿零壹元整"), ("546900", "伍拾肆万陆仟玖佰元整"),
    ("1010", "壹仟零壹拾元整"), ("0", "零元整"), ("0.5", "伍角"),
])
def test_amounts_in_capitals_as_a_bank_writes_them(amount, said):
    assert paper.rmb(amount) == said


@seed(20261206)
@settings(max_examples=400, deadline=None)
@given(st.integers(min_value=1, max_value=10 ** 13 - 1))
def test_every_amount_reads_back_from_its_capitals(fen):
    amount = Decimal(fen) / 100
    words = paper.rmb(amount)
    assert read_capitals(words) == amount
    assert "零零" not in words and not words.startswith("零") and not re.search(r"零[元万亿]", words)


@seed(20261207)
@settings(max_examples=400, deadline=None)
@given(st.integers(min_value=0, max_value=validation.MOST_FEN))
def test_an_amount_typed_as_its_capitals_is_that_amount(fen):
    """What an agreement prints (贰仟元整) is accepted where an amount is typed, and means it."""
    assert validation.amount_fen(paper.rmb(Decimal(fen) / 100)) == fen


@pytest.mark.parametrize(("typed", "fen"), [
    ("2000", 200000), ("2,000.50", 200050), ("¥2000", 200000), ("2000元", 200000), ("1.5万", 1500000),
    ("1.5万元", 1500000), ("3千元", 300000), ("两千元", 200000), ("一万五千", 1500000), ("二万零五百元", 2050000),
    ("十五", 1500), ("十万", 10000000), ("一千零五元", 100500), ("贰仟元整", 200000), ("叁仟壹佰元伍角", 310050),
    ("五角", 50), ("零元整", 0), ("\uff12\uff0c\uff10\uff10\uff10", 200000), ("\uffe5\uff11.\uff15万", 1500000),
    ("2万5千", 2500000), ("1万2千5百元", 1250000), ("2万5000", 2500000), ("3千500元", 350000), ("2万05", 2000500),
    ("\uff12万\uff15千", 2500000),
])
def test_amounts_as_people_type_them(typed, fen):
    assert validation.amount_fen(typed) == fen


@pytest.mark.parametrize(("typed", "said"), [
    ("二万八", "ambiguous"), ("三百五", "ambiguous"), ("一二", "not an amount"), ("万", "not an amount"),
    ("两千块", "not an amount"), ("十十", "not an amount"), ("一百一百", "not an amount"),
    ("一万五千万", "not an amount"), ("万万", "not an amount"), ("2万8", "ambiguous"), ("3千5元", "ambiguous"),
    ("2千3万", "not an amount"), ("1万12千", "not an amount"), ("2万12000", "not an amount"), ("万5千", "not an amount"),
    ("1万" + "9" * 5000 + "千", "not an amount"), ("9" * 5000 + "万5千", "too large"), ("-5", "zero or more"), ("1e400", "too large"), ("2.345", "at most 2 decimals"),
])
def test_amounts_refused_with_their_reason(typed, said):
    with pytest.raises(InvalidValue, match=said):
        validation.amount_fen(typed)


def test_numerals_sides_and_laws():
    assert [paper.numeral(n) for n in (1, 10, 15, 27, 31, 101, 110)] == ["一", "十", "十五", "二十七", "三十一", "一百零一",
                                                                         "一百一十"]
    assert [paper.sides(n) for n in (2, 3, 4)] == ["双方", "三方", "四方"]
    assert paper.cite("劳动争议调解仲裁法第27条: 仲裁时效期间为一年") == "《中华人民共和国劳动争议调解仲裁法》第二十七条:仲裁时效期间为一年"
    assert paper.cite("信访工作条例第31条") == "《信访工作条例》第三十一条"
    assert paper.cite("《人民调解法》第33条") == "《中华人民共和国人民调解法》第三十三条"  # never doubled
    assert paper.body_for("arbitration", "农村土地承包经营纠纷调解仲裁法第18条") == "农村土地承包仲裁委员会"
    assert paper.yuan("546900") == "546,900.00"


def test_a_partys_details_follow_its_name_in_any_order():
    spec = validation.party("孙秀英,11010519491231002X,13812345678,女,汉族,住址=龙潭村三组15号,职业:农民")
    assert (spec.gender, spec.ethnicity, spec.address, spec.employer) == ("女", "汉族", "龙潭村三组15号", "农民")
    assert spec.birth_date is None and validation.born_from_id(spec.id_number) == date(1949, 12, 31)
    spec = validation.party("吴大海,单位=营盘镇中学,出生日期=1980年5月1日,gender=male,ethnicity=回")
    assert (spec.gender, spec.ethnicity, spec.birth_date, spec.employer) == ("男", "回族", date(1980, 5, 1), "营盘镇中学")
    assert validation.party("李四,1980-05-01").birth_date == date(1980, 5, 1)
    assert validation.party("李四,出生日期=19800501").birth_date == date(1980, 5, 1)
    assert validation.party("李四,20210302").phone == "20210302"  # (eight digits alone: a landline)
    assert validation.party("王五").details() == {}
    # A detail's key left with nothing after it (a template's blank) is not given, whatever the detail.
    assert validation.party("王五,住址=,性别=,出生日期：,单位= ").details() == {}


@pytest.mark.parametrize(("typed", "said"), [
    ("王五,性别=未知", "gender is 男 or 女"),
    ("王五,出生日期=1990-02-30", "a birth date is a past day"),
    ("王五,出生日期=2999-01-01", "a birth date is a past day"),
    ("王五,男,女", "given twice"),
    ("孙秀英,11010519491231002X,出生日期=1950-01-01", "differs from the one in the ID number"),
])
def test_a_wrong_detail_is_refused_in_one_line(typed, said):
    with pytest.raises(InvalidValue) as caught:
        validation.party(typed)
    assert said in str(caught.value) and "\n" not in str(caught.value)
    assert "11010519491231002X" not in str(caught.value)  # (a refusal never prints the full number)


def test_an_address_is_masked_as_the_database_masks_it():
    assert validation.mask_address("营盘镇龙潭村三组15号院内东侧") == "营盘镇龙潭村" + "*" * 9
    assert validation.mask_address("龙潭村三组15号") == "龙潭村三****"
    assert validation.mask_address(None) is None
