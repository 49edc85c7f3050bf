"""The parse helpers turn any request value into a value or "not given", never an exception."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404

from servicedesk.core.parsing import (
    DATE_MAX,
    DATE_MIN,
    PK_MAX,
    date_in_range,
    date_or_none,
    int_or_none,
    month_or_none,
    pk_or_404,
    pk_or_none,
    text_or_empty,
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("42", 42), (" 7 ", 7), (42, 42), ("+3", 3), (str(PK_MAX), PK_MAX)],
)
def test_int_or_none_reads_integers(raw, expected):
    assert int_or_none(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [
        None, "", " ", "abc", "1.5", "1e3", "0x10", "0", "-1", "²", "١٢", "1 2", "NaN", "Infinity",
        str(PK_MAX + 1), str(2**63), "9" * 25, "9" * 5000, "1\x00", True, 3.0, [], b"12",
    ],
)  # fmt: skip
def test_gn7_int_or_none_refuses_garbage_overflow_and_out_of_range(raw):
    assert int_or_none(raw) is None


def test_int_or_none_bounds_are_configurable():
    assert int_or_none("-5", min=-10, max=10) == -5
    assert int_or_none("11", min=None, max=10) is None
    assert int_or_none(str(2**70), min=None, max=None) is None  # more than 20 digits is never a number here
    assert int_or_none("0", min=0) == 0


def test_pk_or_404_answers_404_for_anything_that_cannot_be_an_id():
    assert pk_or_404("12") == 12
    assert pk_or_none("x") is None
    for raw in ("abc", "0", str(2**63), "", None):
        with pytest.raises(Http404):
            pk_or_404(raw)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("2026-03-10", datetime.date(2026, 3, 10)), (datetime.date(2026, 1, 2), datetime.date(2026, 1, 2))],
)
def test_date_or_none_reads_iso_dates(raw, expected):
    assert date_or_none(raw) == expected


@pytest.mark.parametrize(
    "raw", ["0001-01-01", "9999-12-31", "2026-02-30", "2026-13-01", "abc", "", None, "2026-03-10" * 10, 20260310]
)
def test_gn7_date_or_none_refuses_garbage_and_dates_that_overflow_arithmetic(raw):
    assert date_or_none(raw) is None


def test_month_or_none_reads_year_and_month():
    assert month_or_none("2026-03") == datetime.date(2026, 3, 1)
    assert month_or_none("9999-12") is None
    assert month_or_none("2026-3-1") is None


def test_text_or_empty_drops_nul_and_cuts_long_input():
    assert text_or_empty("  华为 \x00") == "华为"
    assert text_or_empty("x" * 10_000) == "x" * 200
    assert text_or_empty(None) == ""


def test_date_in_range_is_a_form_validator():
    date_in_range(DATE_MIN)
    date_in_range(DATE_MAX)
    date_in_range(None)
    with pytest.raises(ValidationError):
        date_in_range(datetime.date(9999, 12, 31))
    with pytest.raises(ValidationError):
        date_in_range(datetime.datetime(1, 1, 1, 0, 0))
