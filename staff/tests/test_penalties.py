import datetime
import zoneinfo
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from staff.models import ConfirmedComplaint, PenaltyProposal, PenaltyRule
from staff.roles import Role
from staff.services import (
    UnknownPenaltyRule,
    complaint_confirmed_record,
    penalty_confirm,
    penalty_propose,
    penalty_statement_add,
    penalty_waive,
)
from tickets.tests.factories import TicketFactory

from .factories import UserFactory

pytestmark = pytest.mark.django_db
WHEN = datetime.datetime(2026, 3, 10, 9, tzinfo=datetime.UTC)
SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


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


# --- Decisions (ST-13) ------------------------------------------------------------------------------


@pytest.fixture
def boss():
    return UserFactory(username="boss", roles=[Role.DUTY_MANAGER])


@pytest.fixture
def report(boss):
    return UserFactory(username="report", roles=[Role.ENGINEER], manager=boss)


def propose(employee, code="st3-unreachable"):
    return penalty_propose(rule_code=code, employee=employee, source=TicketFactory(), occurred_at=WHEN)[0]


def test_st13_new_proposal_tells_the_employee_and_the_manager(report, boss):
    proposal = propose(report)
    for person in (report, boss):
        assert person.notifications.filter(url=proposal.get_absolute_url()).count() == 1


@pytest.mark.parametrize(("amount", "ok"), [("19.99", False), ("20", True), ("50", True), ("50.01", False)])
def test_st3_confirm_amount_must_be_inside_the_range(report, boss, amount, ok):
    proposal = propose(report)
    if not ok:
        with pytest.raises(ValidationError) as error:
            penalty_confirm(proposal=proposal, amount=Decimal(amount), actor=boss, now=WHEN)
        assert "amount" in error.value.error_dict
        proposal.refresh_from_db()
        assert proposal.status == PenaltyProposal.Status.PROPOSED
        return
    proposal = penalty_confirm(proposal=proposal, amount=Decimal(amount), actor=boss, now=WHEN)
    assert (proposal.status, proposal.amount, proposal.decided_by) == ("confirmed", Decimal(amount), boss)
    assert report.notifications.filter(title__contains="confirmed").exists()


def test_st13_waive_needs_a_reason_and_is_final(report, boss):
    proposal = propose(report)
    with pytest.raises(ValidationError):
        penalty_waive(proposal=proposal, reason="  ", actor=boss, now=WHEN)
    proposal = penalty_waive(proposal=proposal, reason="customer moved the appointment", actor=boss, now=WHEN)
    assert proposal.status == "waived" and proposal.decision_reason == "customer moved the appointment"
    with pytest.raises(ValidationError):
        penalty_confirm(proposal=proposal, amount=Decimal("20"), actor=boss, now=WHEN)
    assert proposal.history.count() == 2  # proposed, waived


def test_st13_only_the_manager_or_a_service_manager_decides(report, boss):
    proposal = propose(report)
    for outsider in (report, UserFactory(roles=[Role.DUTY_MANAGER]), UserFactory(roles=[Role.HR])):
        with pytest.raises(PermissionDenied):
            penalty_confirm(proposal=proposal, amount=Decimal("20"), actor=outsider, now=WHEN)
    service_manager = UserFactory(roles=[Role.SERVICE_MANAGER])
    assert penalty_confirm(proposal=proposal, amount=Decimal("30"), actor=service_manager, now=WHEN).amount == 30


def test_st13_employee_adds_a_statement_before_the_decision(report, boss):
    proposal = propose(report)
    with pytest.raises(PermissionDenied):
        penalty_statement_add(proposal=proposal, employee=boss, statement="not me", now=WHEN)
    proposal = penalty_statement_add(proposal=proposal, employee=report, statement="Phone battery died.", now=WHEN)
    assert proposal.employee_statement == "Phone battery died." and proposal.statement_at == WHEN
    penalty_waive(proposal=proposal, reason="accepted", actor=boss, now=WHEN)
    with pytest.raises(ValidationError):
        penalty_statement_add(proposal=proposal, employee=report, statement="more", now=WHEN)


# --- Confirmed complaints (ST-6, ST-7) --------------------------------------------------------------

JAN_15 = datetime.datetime(2026, 1, 15, 10, tzinfo=SHANGHAI)


def complaint(employee, at, *, attitude=True):
    return complaint_confirmed_record(
        employee=employee, source=TicketFactory(type="complaint"), confirmed_at=at, about_attitude=attitude
    )


def codes(proposals):
    return [p.rule.code for p in proposals]


def test_st6_first_attitude_complaint_proposes_the_200_fine(report):
    _complaint, proposals = complaint(report, JAN_15)
    assert codes(proposals) == ["st6-attitude-complaint"]
    assert proposals[0].rule.amount_min == proposals[0].rule.amount_max == Decimal("200")


def test_st6_repeat_attitude_complaint_proposes_dismissal(report):
    complaint(report, JAN_15)
    _complaint, proposals = complaint(report, JAN_15 + datetime.timedelta(days=200))
    assert codes(proposals) == ["st6-attitude-repeat"]
    assert proposals[0].rule.consequence == "dismissal proposal"


def test_st6_same_source_twice_records_one_complaint_and_one_proposal(report):
    ticket = TicketFactory(type="complaint")
    first, proposals = complaint_confirmed_record(employee=report, source=ticket, confirmed_at=JAN_15)
    later = JAN_15 + datetime.timedelta(hours=1)
    again, none = complaint_confirmed_record(employee=report, source=ticket, confirmed_at=later)
    assert first.pk == again.pk and none == []
    assert ConfirmedComplaint.objects.count() == 1
    assert PenaltyProposal.objects.filter(employee=report).count() == 1 and proposals[0].source == ticket


def test_st7_third_complaint_within_six_months_proposes_a_review(report):
    complaint(report, JAN_15)
    complaint(report, datetime.datetime(2026, 4, 1, 9, tzinfo=SHANGHAI), attitude=False)
    _complaint, proposals = complaint(report, datetime.datetime(2026, 7, 15, 16, tzinfo=SHANGHAI))
    assert codes(proposals) == ["st6-attitude-repeat", "st7-three-complaints"]


def test_st7_window_edge_the_day_before_six_months_does_not_count(report):
    complaint(report, datetime.datetime(2026, 1, 14, 23, 59, tzinfo=SHANGHAI), attitude=False)
    complaint(report, datetime.datetime(2026, 4, 1, 9, tzinfo=SHANGHAI), attitude=False)
    _complaint, proposals = complaint(report, datetime.datetime(2026, 7, 15, 8, tzinfo=SHANGHAI), attitude=False)
    assert proposals == []


def test_st7_window_edge_the_same_day_six_months_earlier_counts(report):
    complaint(report, datetime.datetime(2026, 1, 15, 0, 0, tzinfo=SHANGHAI), attitude=False)
    complaint(report, datetime.datetime(2026, 4, 1, 9, tzinfo=SHANGHAI), attitude=False)
    _complaint, proposals = complaint(report, datetime.datetime(2026, 7, 15, 8, tzinfo=SHANGHAI), attitude=False)
    assert codes(proposals) == ["st7-three-complaints"]


def test_st7_complaints_of_other_employees_do_not_count(report):
    other = UserFactory()
    complaint(other, JAN_15, attitude=False)
    complaint(other, JAN_15, attitude=False)
    _complaint, proposals = complaint(report, JAN_15, attitude=False)
    assert proposals == []


@pytest.mark.parametrize(
    ("code", "amount"),
    [
        ("st9-lost-customer-form", "50"),
        ("st10-trip-not-recorded", "30"),
        ("st11-remote-record-missing", "50"),
        ("st12-implementation-form", "500"),
    ],
)
def test_st9_st10_st11_st12_other_apps_proposals_once_per_source_confirmed_at_the_catalogue_amount(
    report, boss, code, amount
):
    source = TicketFactory()  # stands in for the remote record, trip or implementation form
    first, _ = penalty_propose(rule_code=code, employee=report, source=source, occurred_at=WHEN)
    again, created = penalty_propose(rule_code=code, employee=report, source=source, occurred_at=WHEN)
    assert first.pk == again.pk and not created
    with pytest.raises(ValidationError):
        penalty_confirm(proposal=first, amount=Decimal(amount) + 1, actor=boss, now=WHEN)
    assert penalty_confirm(proposal=first, amount=Decimal(amount), actor=boss, now=WHEN).amount == Decimal(amount)
