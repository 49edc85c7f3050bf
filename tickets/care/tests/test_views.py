"""Pages: permissions per role, the queue and complaint lists (filters, pinned query counts), the
public survey link (login-free, single use, expiry, CSRF), satisfaction and the CB-4 report."""

import csv
import datetime
import io

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from servicedesk.core import outbox
from servicedesk.notify.models import CustomerMessage
from staff.roles import Role
from tickets.care import services
from tickets.care.models import Callback, CallbackStatus, ComplaintStatus, SurveyResponse

from .factories import NOW, SHANGHAI, answers, callback, complaint, manager, resolved_ticket, user

pytestmark = pytest.mark.django_db

LATER = NOW + datetime.timedelta(days=1)  # Wednesday: the callbacks of Tuesday are due


def login(client, *roles, **kwargs):
    person = user(*roles, **kwargs)
    client.force_login(person)
    return person


def form_data(cb, **kwargs):
    return {f"q_{pk}": value for pk, value in answers(cb, **kwargs).items()}


# --- Permissions per role -------------------------------------------------------------------------------

CALLBACK_PAGES = ["care:queue", "care:satisfaction", "care:report", "care:report_csv"]


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        (Role.CALLBACK_SPECIALIST, True),
        (Role.SERVICE_MANAGER, True),
        (Role.ADMIN, True),
        (Role.AGENT, False),
        (Role.ENGINEER, False),
        (Role.HR, False),
    ],
)
def test_callback_pages_per_role(client, role, allowed):
    login(client, role)
    for name in ("care:queue", "care:satisfaction", "care:report"):
        assert client.get(reverse(name)).status_code == (200 if allowed else 403), name


def test_duty_manager_sees_reports_but_not_the_queue(client):
    login(client, Role.DUTY_MANAGER)
    assert client.get(reverse("care:queue")).status_code == 403
    assert client.get(reverse("care:satisfaction")).status_code == 200
    assert client.get(reverse("care:report_csv")).status_code == 200


def test_anonymous_is_sent_to_login(client):
    response = client.get(reverse("care:queue"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize(
    ("role", "see", "handle"),
    [
        (Role.AGENT, True, False),
        (Role.CALLBACK_SPECIALIST, True, False),
        (Role.DUTY_MANAGER, True, True),
        (Role.SERVICE_MANAGER, True, True),
        (Role.ENGINEER, False, False),
    ],
)
def test_hl10_complaint_pages_per_role(client, role, see, handle):
    found = complaint()
    login(client, role)
    assert client.get(reverse("care:complaint_list")).status_code == (200 if see else 403)
    assert client.get(found.get_absolute_url()).status_code == (200 if see else 403)
    response = client.post(reverse("care:complaint_verify", args=[found.pk]), {"route": "other", "verification": "已核实"})
    assert response.status_code == (302 if handle else 403)
    found.refresh_from_db()
    assert (found.status == ComplaintStatus.VERIFIED) is handle


# --- Queue (CB-1) -------------------------------------------------------------------------------------


def test_cb1_queue_filters_due_today_overdue_and_channel(client):
    today_cb = callback(now=NOW)  # due Wed 11 March
    old_cb = callback(now=NOW - datetime.timedelta(days=7))  # due Wed 4 March: overdue
    remote_cb = callback(now=NOW, channel="remote")
    login(client, Role.CALLBACK_SPECIALIST)
    with time_machine.travel(LATER, tick=False):
        def ids(**params):
            response = client.get(reverse("care:queue"), params)
            return {cb.pk for cb in response.context["page"].object_list}

        assert ids() == {today_cb.pk, old_cb.pk, remote_cb.pk}
        assert ids(due="today") == {today_cb.pk, remote_cb.pk}
        assert ids(due="overdue") == {old_cb.pk}
        assert ids(channel="remote") == {remote_cb.pk}
        assert ids(search=today_cb.ticket.number) == {today_cb.pk}
        response = client.get(reverse("care:queue"))
    assert b"overdue" in response.content


@pytest.mark.parametrize("rows", [1, 5])
def test_cb1_queue_query_count_does_not_grow(client, django_assert_num_queries, rows):
    for _ in range(rows):
        callback()
    login(client, Role.CALLBACK_SPECIALIST)
    # session, user, roles, unread badge, count, page rows
    with django_assert_num_queries(6):
        response = client.get(reverse("care:queue"))
    assert len(response.context["page"].object_list) == rows


def test_cb1_queue_paginates(client, settings):
    settings.SERVICEDESK = {**settings.SERVICEDESK, "PAGE_SIZE": 2}
    for _ in range(3):
        callback()
    login(client, Role.CALLBACK_SPECIALIST)
    response = client.get(reverse("care:queue"), {"page": 2})
    assert len(response.context["page"].object_list) == 1


def test_cb1_specialist_records_unreachable_then_fills_the_survey(client):
    manager()
    cb = callback()
    specialist = login(client, Role.CALLBACK_SPECIALIST)
    response = client.post(reverse("care:callback_attempt", args=[cb.pk]), {"reached": "unreachable", "note": "关机"})
    assert response.status_code == 302
    cb.refresh_from_db()
    assert cb.status == CallbackStatus.OPEN and cb.attempts == 1
    assert client.get(reverse("care:queue")).context["page"].object_list[0] == cb  # still in the queue
    response = client.post(reverse("care:callback_survey", args=[cb.pk]), form_data(cb, overall=5))
    assert response.status_code == 302
    cb.refresh_from_db()
    assert cb.status == CallbackStatus.DONE
    assert cb.response.answered_by == specialist and cb.response.via == "phone"


def test_survey_form_errors_rerender_with_the_answers(client):
    cb = callback()
    login(client, Role.CALLBACK_SPECIALIST)
    data = form_data(cb)
    overall = cb.template.questions.get(is_overall=True).pk
    del data[f"q_{overall}"]
    response = client.post(reverse("care:callback_survey", args=[cb.pk]), data)
    assert response.status_code == 400
    assert not SurveyResponse.objects.exists()


def test_cb1_send_link_action_sends_by_the_contacts_channel(client, mailoutbox):
    cb = callback()
    login(client, Role.CALLBACK_SPECIALIST)
    page = client.get(reverse("care:callback_detail", args=[cb.pk]))
    assert "Send the survey link by E-mail" in page.content.decode()
    response = client.post(reverse("care:callback_send_link", args=[cb.pk]), follow=True)
    assert "Survey link sent by E-mail." in [str(m) for m in response.context["messages"]]
    message = CustomerMessage.objects.get(kind="survey_link", contact=cb.contact)
    assert message.status == "pending" and mailoutbox == []
    outbox.relay()
    assert len(mailoutbox) == 1 and "/care/survey/" in mailoutbox[0].body


def test_cb1_send_link_to_an_unreachable_contact_is_disabled_and_refused(client):
    cb = callback()
    cb.contact.email, cb.contact.mobile, cb.contact.phone = "", "", "010-6201 1234"
    cb.contact.save()
    login(client, Role.CALLBACK_SPECIALIST)
    page = client.get(reverse("care:callback_detail", args=[cb.pk])).content.decode()
    assert "cannot be reached by e-mail, SMS or WeChat" in page and "disabled>Send the survey link<" in page
    response = client.post(reverse("care:callback_send_link", args=[cb.pk]), follow=True)
    assert any("cannot be reached" in str(m) for m in response.context["messages"])
    assert not CustomerMessage.objects.exists()


# --- Public survey --------------------------------------------------------------------------------------


def test_public_survey_without_login_records_one_answer():
    cb = callback()
    anonymous = Client(enforce_csrf_checks=True)
    url = reverse("care:survey_public", args=[services.survey_token_make(callback=cb)])
    page = anonymous.get(url)
    assert page.status_code == 200 and "csrfmiddlewaretoken" in page.content.decode()
    token = page.cookies["csrftoken"].value
    response = anonymous.post(url, {**form_data(cb, overall=5), "csrfmiddlewaretoken": token})
    assert response.status_code == 200 and "care/survey_thanks.html" in [t.name for t in response.templates]
    cb.refresh_from_db()
    assert cb.status == CallbackStatus.DONE and cb.response.via == "online" and cb.response.answered_by is None
    again = anonymous.get(url)
    assert again.status_code == 410 and again.context["reason"] == "used"
    assert anonymous.post(url, {**form_data(cb), "csrfmiddlewaretoken": token}).status_code == 410
    assert SurveyResponse.objects.count() == 1


def test_public_survey_needs_the_csrf_token():
    cb = callback()
    anonymous = Client(enforce_csrf_checks=True)
    url = reverse("care:survey_public", args=[services.survey_token_make(callback=cb)])
    assert anonymous.post(url, form_data(cb)).status_code == 403
    assert not SurveyResponse.objects.exists()


def test_public_survey_expired_and_invalid_links(client, settings):
    settings.SERVICEDESK = {**settings.SERVICEDESK, "SURVEY_LINK_MAX_AGE_DAYS": 7}
    cb = callback()
    with time_machine.travel(NOW, tick=False) as traveller:
        url = reverse("care:survey_public", args=[services.survey_token_make(callback=cb)])
        traveller.shift(datetime.timedelta(days=8))
        expired = client.get(url)
    assert expired.status_code == 410 and expired.context["reason"] == "expired"
    invalid = client.get(reverse("care:survey_public", args=["garbage:token"]))
    assert invalid.status_code == 404 and invalid.context["reason"] == "invalid"


# --- Satisfaction (CB-5) and the report (CB-4) -----------------------------------------------------------


def _answered(*, at, overall, channel="hotline", engineer=None):
    cb = callback(now=at, channel=channel, engineer=engineer)
    services.survey_answer_record(callback=cb, answers=answers(cb, overall=overall), via="online", now=at)
    return cb


def test_cb5_satisfaction_share_per_channel_and_engineer(client):
    engineer = user(Role.ENGINEER, full_name="刘洋")
    for overall in (5, 5, 4, 2):
        _answered(at=NOW, overall=overall, engineer=engineer)
    _answered(at=NOW, overall=5, channel="remote")
    login(client, Role.SERVICE_MANAGER)
    response = client.get(reverse("care:satisfaction"), {"month": "2026-03"})
    by_channel = {row.key: row for row in response.context["by_channel"]}
    assert (by_channel["hotline"].total, by_channel["hotline"].satisfied, by_channel["hotline"].percent) == (4, 3, 75.0)
    assert by_channel["hotline"].meets is False and by_channel["remote"].meets is True
    assert by_channel["onsite"].total == 0 and by_channel["onsite"].percent is None
    liu = next(row for row in response.context["by_engineer"] if row.key == engineer.pk)
    assert (liu.total, liu.percent) == (4, 75.0)
    march = next(row for row in response.context["by_month"] if row.label == "2026-03")
    assert march.total == 5
    assert [row.label for row in response.context["by_month"]][-1] == "2026-03"


def test_cb5_answer_counts_in_its_local_month():
    # 1 April 00:30 in Shanghai is still 31 March in UTC: it counts for April.
    from tickets.care import selectors

    at = datetime.datetime(2026, 4, 1, 0, 30, tzinfo=SHANGHAI)
    _answered(at=at, overall=5)
    march = selectors.satisfaction_by_channel(start=datetime.date(2026, 3, 1), end=datetime.date(2026, 4, 1))
    april = selectors.satisfaction_by_channel(start=datetime.date(2026, 4, 1), end=datetime.date(2026, 5, 1))
    assert sum(row.total for row in march) == 0 and sum(row.total for row in april) == 1


@pytest.mark.parametrize("rows", [1, 6])
def test_cb5_satisfaction_page_query_count_is_constant(client, django_assert_num_queries, rows):
    for index in range(rows):
        _answered(at=NOW, overall=5 - index % 3, engineer=user(Role.ENGINEER))
    login(client, Role.SERVICE_MANAGER)
    # session, user, roles, unread badge, per channel, per engineer, per month
    with django_assert_num_queries(7):
        client.get(reverse("care:satisfaction"), {"month": "2026-03"})


@pytest.mark.parametrize("rows", [1, 4])
def test_cb4_report_query_count_is_constant(client, django_assert_num_queries, rows):
    for _ in range(rows):
        _answered(at=NOW, overall=5)
    login(client, Role.SERVICE_MANAGER)
    # session, user, roles, unread badge, callback counts, unreachable attempts, per channel, per engineer
    with django_assert_num_queries(8):
        client.get(reverse("care:report"), {"month": "2026-03"})


def test_cb4_monthly_report_counts_and_csv(client):
    manager()
    done = _answered(at=NOW, overall=5)
    escalated = callback(now=NOW)
    services.survey_answer_record(callback=escalated, answers=answers(escalated, solved=False), via="online", now=NOW)
    open_cb = callback(now=NOW)
    services.callback_attempt_record(callback=open_cb, actor=user(), reached=False, now=NOW)
    login(client, Role.CALLBACK_SPECIALIST)
    with time_machine.travel(datetime.datetime(2026, 3, 20, 10, tzinfo=SHANGHAI), tick=False):
        report = client.get(reverse("care:report"), {"month": "2026-03"}).context["report"]
        response = client.get(reverse("care:report_csv"), {"month": "2026-03"})
    assert done.pk and (report.done, report.escalations, report.unreachable_attempts, report.overdue_open) == (2, 1, 1, 1)
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == ["Month", "2026-03"]
    assert ["Done", "2"] in rows and ["Escalations", "1"] in rows
    assert any(row[:3] == ["Channel", "Hotline", "2"] for row in rows)


# --- Complaints -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("rows", [1, 5])
def test_hl10_complaint_list_query_count_does_not_grow(client, django_assert_num_queries, rows):
    for _ in range(rows):
        complaint()
    login(client, Role.SERVICE_MANAGER)
    # session, user, roles, unread badge, count, page rows
    with django_assert_num_queries(6):
        response = client.get(reverse("care:complaint_list"))
    assert len(response.context["page"].object_list) == rows


def test_cb6_overdue_complaints_filtered_and_highlighted(client):
    old = complaint(now=NOW - datetime.timedelta(days=10))
    fresh = complaint(now=NOW)
    login(client, Role.AGENT)
    with time_machine.travel(NOW, tick=False):
        response = client.get(reverse("care:complaint_list"), {"status": "overdue"})
        assert [c.pk for c in response.context["page"].object_list] == [old.pk]
        everything = client.get(reverse("care:complaint_list"))
    assert {c.pk for c in everything.context["page"].object_list} == {old.pk, fresh.pk}
    assert b'class="overdue"' in everything.content


def test_hl10_complaint_steps_through_the_pages(client):
    found = complaint()
    employee = user(Role.ENGINEER)
    login(client, Role.SERVICE_MANAGER)
    steps = [
        ("care:complaint_verify", {"route": "employee", "employee": employee.pk, "about_attitude": "on", "verification": "录音"}),
        ("care:complaint_decide", {"decision": "confirmed", "reasons": "录音证实"}),
        ("care:complaint_answer", {"answer": "已道歉并处理", "plan": "工程师培训"}),
    ]
    for name, data in steps:
        assert client.post(reverse(name, args=[found.pk]), data).status_code == 302, name
    found.refresh_from_db()
    assert found.status == ComplaintStatus.ANSWERED and found.employee == employee and found.about_attitude
    assert Callback.objects.filter(complaint=found, channel="complaint").exists()
    page = client.get(found.get_absolute_url())
    assert page.status_code == 200 and page.context["callback"] is not None


def test_hl10_step_refused_rerenders_with_the_error(client):
    found = complaint()
    login(client, Role.SERVICE_MANAGER)
    response = client.post(reverse("care:complaint_verify", args=[found.pk]), {"route": "partner"})
    assert response.status_code == 400 and response.context["verify_form"].errors
    response = client.post(reverse("care:complaint_decide", args=[found.pk]), {"decision": "confirmed", "reasons": "x"})
    assert response.status_code == 400


def test_resolved_ticket_helper_is_resolved():
    assert resolved_ticket().status == "resolved"


@pytest.mark.parametrize("attempts", [1, 4])
def test_callback_page_query_count_does_not_grow_with_attempts(client, django_assert_num_queries, attempts):
    cb = callback()
    specialist = login(client, Role.CALLBACK_SPECIALIST)
    for _ in range(attempts):
        services.callback_attempt_record(callback=cb, actor=specialist, reached=False, now=NOW)
    # session, user, roles, unread badge, callback (joined), response, attempts, survey questions
    with django_assert_num_queries(8):
        response = client.get(cb.get_absolute_url())
    assert len(response.context["attempts"]) == attempts


def test_complaint_page_query_count(client, django_assert_num_queries):
    found = complaint()
    login(client, Role.SERVICE_MANAGER)
    # session, user, roles, unread badge, complaint (joined), its callback, employee choices
    with django_assert_num_queries(7):
        client.get(found.get_absolute_url())
