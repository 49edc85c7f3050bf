import pytest
from django.urls import reverse

from hotline.models import ForbiddenPhrase
from staff.tests.factories import UserFactory

from .factories import checklist_for, known_caller

pytestmark = pytest.mark.django_db


def test_hl14_forbidden_phrases_seeded_by_migration():
    assert set(ForbiddenPhrase.objects.values_list("phrase", flat=True)) >= {"不知道", "不清楚", "没办法", "跟我们没关系", "我们不管", "随便"}


def test_hl12_checklist_admin_edits_items_inline(client):
    admin = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(admin)
    checklist = checklist_for(known_caller()["product"])
    response = client.get(reverse("admin:hotline_diagnosticchecklist_change", args=[checklist.pk]))
    assert response.status_code == 200 and "items-TOTAL_FORMS" in response.content.decode()
    for name in ("calllog", "callbackpromise", "dutyrequest", "forbiddenphrase"):
        assert client.get(reverse(f"admin:hotline_{name}_changelist")).status_code == 200
