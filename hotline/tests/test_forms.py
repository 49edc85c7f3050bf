"""The call form's on-site fields (HL-6): one visit window, offered to and agreed with the customer;
the offered date is not typed separately. Errors land on the field the agent has to change."""

import datetime

import pytest

from hotline.forms import CallForm, policies_fields
from hotline.models import Outcome

from .factories import NOW, CallLogFactory, known_caller

pytestmark = pytest.mark.django_db


def onsite_form(caller, **overrides) -> CallForm:
    data = {
        "started_at": NOW.isoformat(),
        "customer": caller["customer"].pk,
        "organisation": caller["customer"].name,
        "caller_phone": "138 0013 8000",
        "contact": caller["contact"].pk,
        "problem": "打印机不出纸",
        "outcome": Outcome.ONSITE,
        "agreed_start": "2026-03-12T14:00",
        "agreed_end": "2026-03-12T16:00",
    }
    data.update(overrides)
    return CallForm(data, now=NOW)


def test_hl6_agreed_window_within_three_days_is_valid_without_an_offered_date():
    form = onsite_form(known_caller())
    assert form.is_valid(), form.errors
    assert "offered_by" not in form.fields and "offered_by" not in policies_fields()
    details = form.details()
    assert (details["agreed_start"].hour, details["agreed_end"].hour) == (14, 16)


def test_hl6_onsite_needs_both_ends_of_the_window():
    form = onsite_form(known_caller(), agreed_start="", agreed_end="")
    assert not form.is_valid()
    assert form.errors["agreed_start"] == ["Needed for this outcome."]
    assert form.errors["agreed_end"] == ["Needed for this outcome."]


def test_hl6_window_must_end_after_it_starts():
    form = onsite_form(known_caller(), agreed_start="2026-03-12T14:00", agreed_end="2026-03-12T13:00")
    assert not form.is_valid()
    assert form.errors["agreed_end"] == ["The visit window must end after it starts."]
    assert "agreed_start" not in form.errors


def test_hl6_window_more_than_three_days_after_the_call_is_refused_on_its_start():
    form = onsite_form(known_caller(), agreed_start="2026-03-14T09:00", agreed_end="2026-03-14T11:00")
    assert not form.is_valid()
    assert form.errors["agreed_start"] == ["Offer a visit within 3 days of the call."]


def test_hl6_window_before_the_call_is_refused():
    form = onsite_form(known_caller(), agreed_start="2026-03-10T08:00", agreed_end="2026-03-10T10:00")
    assert not form.is_valid()
    assert form.errors["agreed_start"] == ["The visit cannot start before the call."]


def test_hl6_three_days_count_from_the_pbx_call_not_from_the_page():
    caller = known_caller()
    pbx_call = CallLogFactory(started_at=NOW - datetime.timedelta(days=1), outcome="")
    form = onsite_form(caller, call=pbx_call.pk, agreed_start="2026-03-13T09:00", agreed_end="2026-03-13T11:00")
    assert not form.is_valid()
    assert "agreed_start" in form.errors  # 12 March was the last day for a call on 9 March


def test_hl6_window_is_not_checked_for_other_outcomes():
    form = onsite_form(
        known_caller(), outcome=Outcome.SOLVED, resolution="重新装纸", agreed_start="2026-03-30T09:00", agreed_end=""
    )
    assert form.is_valid(), form.errors
