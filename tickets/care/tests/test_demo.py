import io

import pytest
from django.core.management import call_command

from tickets.care.models import Callback, Complaint, SurveyResponse

pytestmark = pytest.mark.django_db


def test_demo_callbacks_surveys_and_complaints_are_idempotent():
    call_command("seed_demo", stdout=io.StringIO())
    assert SurveyResponse.objects.count() >= 30
    assert Callback.objects.filter(status="open").count() >= 4
    assert set(Complaint.objects.values_list("status", flat=True)) >= {"received", "verified", "decided", "answered"}
    counts = (Callback.objects.count(), Complaint.objects.count(), SurveyResponse.objects.count())
    call_command("seed_demo", stdout=io.StringIO())
    assert (Callback.objects.count(), Complaint.objects.count(), SurveyResponse.objects.count()) == counts
