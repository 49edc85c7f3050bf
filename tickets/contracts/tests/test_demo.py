import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from tickets.contracts import selectors
from tickets.contracts.models import Renewal, RenewalStatus, SalesTarget

pytestmark = pytest.mark.django_db


def test_demo_renewals_in_every_status_one_overdue_and_six_months_of_targets_idempotent():
    call_command("seed_demo", stdout=io.StringIO())
    assert set(Renewal.objects.values_list("status", flat=True)) == set(RenewalStatus.values)
    today = timezone.localdate()
    (overdue,) = selectors.renewals_overdue(today=today)
    assert overdue.contract.number == "SC-0006" and overdue.overdue_notified_at is not None
    assert SalesTarget.objects.count() == 6
    # The five past months have renewals signed in them (the current month may not, early in it).
    with_sales = [t.month for t in SalesTarget.objects.all() if selectors.sales_month(day=t.month)["actual"]]
    assert len(with_sales) >= 5
    counts = (Renewal.objects.count(), SalesTarget.objects.count())
    call_command("seed_demo", stdout=io.StringIO())
    assert (Renewal.objects.count(), SalesTarget.objects.count()) == counts
