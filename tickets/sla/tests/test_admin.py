"""Admin: every SLA model opens; editing a policy's targets recomputes the open clocks."""

import datetime
import zoneinfo

import pytest
from django.urls import reverse

from tickets import services as ticket_services
from tickets.sla.models import SLAClock, SLAPolicy
from tickets.tests.factories import CustomerFactory

from .factories import ContractReminderFactory

pytestmark = pytest.mark.django_db
SH = zoneinfo.ZoneInfo("Asia/Shanghai")


@pytest.fixture
def admin_client_(client, django_user_model):
    user = django_user_model.objects.create_superuser("root", "root@example.com", "pw-123456")
    client.force_login(user)
    return client


@pytest.mark.parametrize(
    "model", ["slapolicy", "slatarget", "slaclock", "slabreach", "contractreminder", "contractreminderstep"]
)
def test_admin_changelists_open(admin_client_, model, agent):
    ticket_services.ticket_create(customer=CustomerFactory(), subject="s", description="d", created_by=agent)
    ContractReminderFactory()
    assert admin_client_.get(reverse(f"admin:sla_{model}_changelist")).status_code == 200


def test_os8_editing_a_target_in_admin_recomputes_open_clocks(admin_client_, agent, django_capture_on_commit_callbacks):
    opened = datetime.datetime(2026, 3, 9, 9, 0, tzinfo=SH)
    ticket = ticket_services.ticket_create(
        customer=CustomerFactory(), subject="s", description="d", created_by=agent, now=opened
    )
    policy = SLAPolicy.objects.get(contract_level="", priority=0)
    url = reverse("admin:sla_slapolicy_change", args=[policy.pk])
    assert admin_client_.get(url).status_code == 200
    data = {
        "name": policy.name,
        "contract_level": "",
        "priority": "0",
        "pause_statuses": ["waiting"],
        "warn_percent": "80",
        "is_active": "on",
        "notes": "",
        "targets-TOTAL_FORMS": str(policy.targets.count()),
        "targets-INITIAL_FORMS": str(policy.targets.count()),
        "targets-MIN_NUM_FORMS": "0",
        "targets-MAX_NUM_FORMS": "1000",
    }
    for index, target in enumerate(policy.targets.order_by("pk")):
        minutes = 30 if target.kind == "respond" else target.minutes
        data.update(
            {
                f"targets-{index}-id": str(target.pk),
                f"targets-{index}-policy": str(policy.pk),
                f"targets-{index}-kind": target.kind,
                f"targets-{index}-minutes": "" if minutes is None else str(minutes),
                f"targets-{index}-off_hours_minutes": "",
                f"targets-{index}-working_days": "" if target.working_days is None else str(target.working_days),
            }
        )
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client_.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    assert SLAClock.objects.get(ticket=ticket, kind="respond").due_at == opened + datetime.timedelta(minutes=30)
    assert policy.history.count() >= 1
