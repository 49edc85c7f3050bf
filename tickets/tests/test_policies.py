import datetime

import pytest

from tickets.models.tickets import Status
from tickets.policies import ContractState, allowed_transitions, contract_state

START = datetime.date(2026, 1, 1)
END = datetime.date(2026, 12, 31)


@pytest.mark.parametrize(
    ("today", "state"),
    [
        (datetime.date(2025, 12, 31), ContractState.NOT_STARTED),
        (datetime.date(2026, 6, 1), ContractState.VALID),
        (datetime.date(2026, 11, 30), ContractState.VALID),  # 31 days left
        (datetime.date(2026, 12, 1), ContractState.EXPIRING),  # 30 days left
        (datetime.date(2026, 12, 31), ContractState.EXPIRING),  # last day
        (datetime.date(2027, 1, 1), ContractState.EXPIRED),
    ],
)
def test_hl13_contract_state_valid_expiring_expired(today, state):
    assert contract_state(start_date=START, end_date=END, today=today, warning_days=30) == state


def test_closed_ticket_can_only_be_reopened():
    assert [t.action for t in allowed_transitions(Status.CLOSED)] == ["reopen"]


def test_new_ticket_can_be_started_or_resolved_on_the_phone():
    assert {t.action for t in allowed_transitions(Status.NEW)} == {"start", "resolve"}
