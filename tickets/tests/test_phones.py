import pytest
from django.core.exceptions import ValidationError

from tickets.phones import normalize_phone, validate_phone


@pytest.mark.parametrize(
    ("typed", "key"),
    [
        ("138 0013 8000", "13800138000"),
        ("138-0013-8000", "13800138000"),
        ("+86 138 0013 8000", "13800138000"),
        ("0086 13800138000", "13800138000"),
        ("8613800138000", "13800138000"),
        ("(010) 6552-9988", "01065529988"),
        ("010-6552 9988 ext. 12", "01065529988"),
        ("010-65529988转301", "01065529988"),
        ("+1 415 555 0100", "14155550100"),
        ("", ""),
    ],
)
def test_normalize_phone_gives_one_lookup_key_for_every_way_of_typing(typed, key):
    assert normalize_phone(typed) == key


@pytest.mark.parametrize("bad", ["12", "call me", "138-0013-8000-1234-5678-99", "010#abc"])
def test_validate_phone_rejects_what_cannot_be_dialled(bad):
    with pytest.raises(ValidationError) as excinfo:
        validate_phone(bad)
    assert excinfo.value.code == "invalid_phone"


@pytest.mark.parametrize("good", ["138 0013 8000", "+86 10 6552 9988", "010-6552 9988 ext 5", ""])
def test_validate_phone_accepts_real_numbers(good):
    validate_phone(good)
