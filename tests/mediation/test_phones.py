"""Phones as villagers have them: a mobile, or a landline with or without its area code and an
extension (issue "The office's day and month": landlines were refused)."""

from __future__ import annotations

import pytest

from mediation import validation
from mediation.errors import InvalidValue


@pytest.mark.parametrize("typed,kept", [
    ("13812345678", "13812345678"), ("+86 138-1234-5678", "13812345678"), ("0086 13812345678", "13812345678"),
    ("0571-88886666", "0571-88886666"), ("(0571)88886666", "0571-88886666"), ("0571 8888 6666", "0571-88886666"),
    ("010-62345678", "010-62345678"), ("88886666", "88886666"), ("8888666", "8888666"),
    ("88886666-123", "88886666-123"), ("0571-88886666转123", "0571-88886666-123"), ("０５７１－８８８８６６６６", "0571-88886666"),
])
def test_a_mobile_or_a_landline_is_kept_in_one_form(typed, kept):
    assert validation.phone(typed) == kept
    assert validation.party(f"何大,,{typed}").phone == kept


@pytest.mark.parametrize("typed", ["1234567", "0571-8888", "12345678901", "02345678", "138123456789", "电话", "0571-"])
def test_what_is_no_phone_is_refused_in_one_line(typed):
    with pytest.raises(InvalidValue, match="a phone is a mobile"):
        validation.phone(typed)


def test_a_landline_is_masked_as_a_mobile_is():
    assert validation.mask_phone("0571-88886666") == "057******6666"
    assert validation.mask_phone("13812345678") == "138****5678"


def test_an_id_number_typed_with_full_width_digits_is_one_and_a_wrong_phone_is_shown_masked():
    def wide(text: str) -> str:  # as a Chinese IME in full-width mode types it
        return "".join(chr(ord(c) + 0xFEE0) for c in text)

    spec = validation.party("孙秀英" + wide(",11010519491231002x,13812345678"))
    assert (spec.id_number, spec.phone) == ("11010519491231002X", "13812345678")
    with pytest.raises(InvalidValue) as refused:
        validation.phone("0110105194912310021")  # an ID number mistyped where a phone goes
    assert "0110105194912310021" not in str(refused.value) and "011" in str(refused.value)
