import pytest
from django.urls import reverse

from staff.roles import Role

from .factories import answers, callback, complaint, manager, template, user

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    client.force_login(user(Role.ADMIN, is_staff=True, is_superuser=True))
    return client


def test_admin_lists_and_pages_load(admin_client):
    from tickets.care import services

    manager()
    cb = callback()
    services.survey_answer_record(callback=cb, answers=answers(cb), via="online")
    found = complaint()
    for name in ("surveytemplate", "callback", "surveyresponse", "complaint"):
        assert admin_client.get(reverse(f"admin:care_{name}_changelist")).status_code == 200, name
    assert admin_client.get(reverse("admin:care_surveytemplate_change", args=[template().pk])).status_code == 200
    assert admin_client.get(reverse("admin:care_callback_change", args=[cb.pk])).status_code == 200
    assert admin_client.get(reverse("admin:care_surveyresponse_change", args=[cb.response.pk])).status_code == 200
    assert admin_client.get(reverse("admin:care_complaint_change", args=[found.pk])).status_code == 200
    assert admin_client.get(reverse("admin:care_surveytemplate_history", args=[template().pk])).status_code == 200


def test_survey_template_questions_are_edited_inline_in_admin(admin_client):
    tpl = template()
    questions = list(tpl.questions.all())
    data = {
        "code": tpl.code, "name": tpl.name, "description": tpl.description, "is_active": "on",
        "questions-TOTAL_FORMS": str(len(questions) + 1), "questions-INITIAL_FORMS": str(len(questions)),
        "questions-MIN_NUM_FORMS": "0", "questions-MAX_NUM_FORMS": "1000",
    }  # fmt: skip
    for index, question in enumerate(questions):
        prefix = f"questions-{index}-"
        data.update({
            prefix + "id": str(question.pk), prefix + "template": str(tpl.pk), prefix + "position": str(question.position),
            prefix + "text": question.text, prefix + "kind": question.kind,
        })  # fmt: skip
        if question.required:
            data[prefix + "required"] = "on"
        if question.is_overall:
            data[prefix + "is_overall"] = "on"
            data[prefix + "satisfied_min"] = "5"
        if question.is_resolution:
            data[prefix + "is_resolution"] = "on"
    new = f"questions-{len(questions)}-"
    data.update({new + "template": str(tpl.pk), new + "position": "60", new + "text": "会推荐给同事吗？ Would you recommend us?", new + "kind": "yes_no"})
    response = admin_client.post(reverse("admin:care_surveytemplate_change", args=[tpl.pk]), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert tpl.questions.count() == len(questions) + 1
    assert tpl.questions.get(is_overall=True).satisfied_min == 5
