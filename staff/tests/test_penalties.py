import datetime
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from staff.models import PenaltyProposal, PenaltyRule
from staff.services import UnknownPenaltyRule, penalty_propose
from tickets.tests.factories import TicketFactory

pytestmark = pytest.mark.django_db
WHEN = datetime.datetime(2026, 3, 10, 9, tzinfo=datetime.UTC)


@pytest.mark.parametrize(
    ("code", "low", "high"),
    [
        ("st3-unreachable", "20", "50"),
        ("st4-meeting-late", "20", "20"),
        ("st4-meeting-absent", "100", "100"),
        ("st5-windows-power", "20", "20"),
        ("st6-attitude-complaint", "200", "200"),
        ("st8-late-service-form", "30", "30"),
        ("st9-lost-customer-form", "50", "50"),
        ("st10-trip-not-recorded", "30", "30"),
        ("st11-remote-record-missing", "50", "50"),
        ("st12-implementation-form", "500", "500"),
    ],
)
def test_st13_catalogue_is_seeded_with_the_rule_amounts(code, low, high):
    rule = PenaltyRule.objects.get(code=code)
    assert (rule.amount_min, rule.amount_max) == (Decimal(low), Decimal(high))


def test_st8_one_proposal_per_source_even_when_reported_twice(engineer):
    source = TicketFactory()
    first, created = penalty_propose(rule_code="st8-late-service-form", employee=engineer, source=source, occurred_at=WHEN)
    again, created_again = penalty_propose(
        rule_code="st8-late-service-form", employee=engineer, source=source, occurred_at=WHEN
    )
    assert created and not created_again and first.pk == again.pk
    assert PenaltyProposal.objects.count() == 1
    assert first.source == source and first.status == PenaltyProposal.Status.PROPOSED


def test_st13_database_refuses_a_second_proposal_for_the_same_source(engineer):
    source = TicketFactory()
    proposal, _ = penalty_propose(rule_code="st10-trip-not-recorded", employee=engineer, source=source, occurred_at=WHEN)
    with pytest.raises(IntegrityError), transaction.atomic():
        PenaltyProposal.objects.create(
            rule=proposal.rule, employee=engineer, source_type=proposal.source_type, source_id=source.pk, occurred_at=WHEN
        )


def test_st13_confirmed_proposal_needs_an_amount(engineer):
    proposal, _ = penalty_propose(
        rule_code="st5-windows-power", employee=engineer, source=TicketFactory(), occurred_at=WHEN
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        PenaltyProposal.objects.filter(pk=proposal.pk).update(status="confirmed", decided_at=WHEN)


def test_switched_off_rule_proposes_nothing(engineer):
    PenaltyRule.objects.filter(code="st5-windows-power").update(is_active=False)
    assert penalty_propose(
        rule_code="st5-windows-power", employee=engineer, source=TicketFactory(), occurred_at=WHEN
    ) == (None, False)


def test_unknown_rule_code_is_an_error(engineer):
    with pytest.raises(UnknownPenaltyRule):
        penalty_propose(rule_code="st99", employee=engineer, source=TicketFactory(), occurred_at=WHEN)
