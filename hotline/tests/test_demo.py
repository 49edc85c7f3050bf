import pytest
from django.utils import timezone

from hotline.models import (
    CallbackPromise,
    CallLog,
    DiagnosticChecklist,
    DutyRequest,
    Outcome,
)

pytestmark = pytest.mark.django_db


def test_demo_seeds_calls_checklists_and_pending_hl7_callback_idempotently():
    from hotline.demo import seed_demo
    from staff.demo import seed_demo as staff_demo
    from tickets.demo import seed_demo as tickets_demo

    now = timezone.now()
    lines = []
    staff_demo(now=now, log=lines.append)
    tickets_demo(now=now, log=lines.append)
    seed_demo(now=now, log=lines.append)
    calls = CallLog.objects.count()
    assert calls > 20 and DiagnosticChecklist.objects.count() == 4
    pending = DutyRequest.objects.get(call__outcome=Outcome.URGENT_VISIT)
    assert pending.done_at is None and pending.due_at > now
    assert CallbackPromise.objects.filter(done_at__isnull=True).count() == 2
    seed_demo(now=now, log=lines.append)
    assert CallLog.objects.count() == calls
