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
