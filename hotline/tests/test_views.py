import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from hotline import services
from hotline.models import CallbackPromise, CallLog, DutyRequest, Outcome
from hotline.roster.services import seat_sign_in
from hotline.roster.tests.factories import SeatFactory
from staff.roles import Role
from tickets.models import Customer
from tickets.sla.models import ClockKind, SLAClock

from .factories import NOW, CallLogFactory, checklist_for, intake_for, known_caller

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


def form_data(caller, **overrides):
    data = {
        "started_at": NOW.isoformat(),
        "customer": caller["customer"].pk,
        "organisation": caller["customer"].name,
        "caller_phone": "138 0013 8000",
        "contact": caller["contact"].pk,
        "installation": caller["installation"].pk,
        "problem": "打印机卡纸",
        "outcome": Outcome.SOLVED,
        "resolution": "重新装纸",
        "link_ticket": "",
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize(
    ("roles", "status"),
    [
        ((Role.AGENT,), 200),
        ((Role.DUTY_MANAGER,), 200),
        ((Role.ENGINEER,), 403),
        ((Role.HR,), 403),
        ((Role.SERVICE_MANAGER,), 403),
        ((Role.CALLBACK_SPECIALIST,), 403),
    ],
)
def test_call_screen_permissions(client, make_user, roles, status):
    client.force_login(make_user(*roles))
    assert client.get(reverse("hotline:call")).status_code == status
    assert client.post(reverse("hotline:call"), {}).status_code == status


@pytest.mark.parametrize(
    ("roles", "queue", "stats", "calls", "callbacks"),
    [
        ((Role.AGENT,), 403, 403, 200, 200),
        ((Role.DUTY_MANAGER,), 200, 200, 200, 200),
        ((Role.SERVICE_MANAGER,), 200, 200, 200, 403),
        ((Role.ENGINEER,), 403, 403, 403, 403),
        ((Role.HR,), 403, 403, 403, 403),
    ],
)
def test_queue_stats_list_permissions(client, make_user, roles, queue, stats, calls, callbacks):
    client.force_login(make_user(*roles))
    assert client.get(reverse("hotline:queue")).status_code == queue
    assert client.get(reverse("hotline:stats")).status_code == stats
    assert client.get(reverse("hotline:call_list")).status_code == calls
    assert client.get(reverse("hotline:my_callbacks")).status_code == callbacks


def test_hl1_log_call_through_the_screen_with_htmx(agent_client, agent):
    caller = known_caller()
    checklist = checklist_for(caller["product"])
    first = checklist.items.first()
    response = agent_client.post(
        reverse("hotline:call"),
        form_data(caller, checklist=checklist.pk, **{f"check_{first.pk}": "红灯"}),
        **HTMX,
    )
    assert response.status_code == 200
    call = CallLog.objects.get()
    assert call.outcome == Outcome.SOLVED and call.agent == agent
    assert call.checklist_answers == [{"question": first.question, "answer": "红灯"}]
    body = response.content.decode()
    assert 'id="call-form"' in body and f'data-logged="{call.pk}"' in body and "<html" not in body


def test_bad_input_keeps_everything_typed(agent_client):
    caller = known_caller()
    response = agent_client.post(
        reverse("hotline:call"),
        form_data(caller, caller_phone="12ab", customer="", organisation="", outcome=Outcome.CALLBACK, resolution="",
                  problem="客户说打印机冒烟"),
        **HTMX,
    )  # fmt: skip
    body = response.content.decode()
    form = response.context["form"]
    assert "caller_phone" in form.errors and "organisation" in form.errors
    assert "callback_note" in form.errors and "callback_owner" in form.errors
    assert "客户说打印机冒烟" in body and 'value="12ab"' in body
    assert not CallLog.objects.exists()


def test_hl6_visit_window_too_late_is_shown_on_its_start(agent_client):
    caller = known_caller()
    window = {"agreed_start": "2026-03-20T09:00", "agreed_end": "2026-03-20T11:00"}
    with time_machine.travel(NOW, tick=False):
        response = agent_client.post(reverse("hotline:call"), form_data(caller, outcome=Outcome.ONSITE, **window), **HTMX)
    assert "within 3 days" in response.context["form"].errors["agreed_start"][0]
    assert 'value="2026-03-20T09:00"' in response.content.decode()  # nothing typed is lost
    assert not CallLog.objects.exists()


def test_hl6_agreed_window_is_saved_on_the_visit_and_shown_on_the_call(agent_client):
    caller = known_caller()
    window = {"agreed_start": "2026-03-12T14:00", "agreed_end": "2026-03-12T16:00"}
    with time_machine.travel(NOW, tick=False):
        response = agent_client.post(reverse("hotline:call"), form_data(caller, outcome=Outcome.ONSITE, **window), **HTMX)
        assert "data-logged" in response.content.decode()
    call = CallLog.objects.get()
    order = call.ticket.service_orders.get()
    assert order.offered_by == datetime.date(2026, 3, 12)  # derived from the window's start
    assert timezone.localtime(order.agreed_start).strftime("%Y-%m-%d %H:%M") == "2026-03-12 14:00"
    detail = agent_client.get(reverse("hotline:call_detail", args=[call.pk])).content.decode()
    assert "2026-03-12 14:00–16:00" in detail


def test_hl14_forbidden_phrase_warns_then_saves_when_confirmed(agent_client):
    caller = known_caller()
    data = form_data(caller, handling="这个我们不管")
    with time_machine.travel(NOW, tick=False):
        response = agent_client.post(reverse("hotline:call"), data, **HTMX)
        assert response.context["flagged"] == ["我们不管"]
        assert "phrase-warning" in response.content.decode() and "这个我们不管" in response.content.decode()
        assert not CallLog.objects.exists()
        agent_client.post(reverse("hotline:call"), {**data, "confirm_phrases": "on"}, **HTMX)
    assert CallLog.objects.get().flagged_phrases == ["我们不管"]


def test_hl14_phrase_hint_while_typing(agent_client):
    response = agent_client.post(reverse("hotline:phrases"), {"problem": "我也不清楚", "handling": ""})
    assert "不清楚" in response.content.decode()
    assert agent_client.post(reverse("hotline:phrases"), {"problem": "好的"}).content.decode().strip() == ""


def test_hl14_greeting_names_the_agents_seat(agent_client, agent):
    seat_sign_in(seat=SeatFactory(number="8012"), user=agent, now=timezone.now() - datetime.timedelta(minutes=5))
    body = agent_client.get(reverse("hotline:call")).content.decode()
    assert "8012" in body and "随便" in body


def test_seat_sign_in_from_the_call_screen(agent_client, agent):
    seat = SeatFactory(number="8020")
    body = agent_client.get(reverse("hotline:call")).content.decode()
    assert "seat-sign-in" in body
    agent_client.post(reverse("hotline:seat_sign_in"), {"seat": seat.pk})
    assert seat.sign_ins.get().user == agent


def test_hl13_lookup_shows_customer_contract_state_and_open_tickets(agent_client, agent):
    caller = known_caller(contract_end=timezone.localdate() + datetime.timedelta(days=10))
    open_call = services.call_log_submit(
        agent=agent, outcome=Outcome.REJECTED_TIME, intake=intake_for(caller), details={"demands": "周六"}, now=NOW
    )
    response = agent_client.get(reverse("hotline:lookup"), {"caller_phone": "+86 138-0013-8000"})
    body = response.content.decode()
    assert "北京华联商贸有限公司" in body and "contract-expiring" in body
    assert open_call.ticket.number in body and caller["installation"].serial_number in body


def test_lookup_unknown_number_says_so(agent_client):
    body = agent_client.get(reverse("hotline:lookup"), {"caller_phone": "021 5555 0000"}).content.decode()
    assert "caller-unknown" in body


def test_checklist_partial_for_installation(agent_client):
    caller = known_caller()
    checklist_for(caller["product"])
    body = agent_client.get(reverse("hotline:checklist"), {"installation": caller["installation"].pk}).content.decode()
    assert "打印机指示灯是什么颜色？" in body


def _urgent(agent, caller, minutes=0):
    return services.call_log_submit(
        agent=agent,
        outcome=Outcome.URGENT_VISIT,
        intake=intake_for(caller),
        details={"demands": "今天必须上门"},
        now=NOW + datetime.timedelta(minutes=minutes),
    )


def test_hl7_duty_manager_records_the_callback_from_the_queue(client, make_user, agent):
    duty = make_user(Role.DUTY_MANAGER)
    call = _urgent(agent, known_caller())
    client.force_login(duty)
    body = client.get(reverse("hotline:queue")).content.decode()
    assert "data-countdown" in body and call.ticket.number in body
    request = DutyRequest.objects.get()
    client.post(reverse("hotline:duty_done", args=[request.pk]), {"result": "已安排今天下午上门"})
    request.refresh_from_db()
    assert request.done_by == duty
    assert SLAClock.objects.get(ticket=call.ticket, kind=ClockKind.DM_CALLBACK).met_at is not None


@pytest.mark.parametrize("rows", [1, 4])
def test_duty_queue_query_count_does_not_grow(client, make_user, django_assert_num_queries, rows, agent):
    duty = make_user(Role.DUTY_MANAGER)
    for n in range(rows):
        caller = known_caller(mobile=f"138 0000 {n:04d}") if n == 0 else None
        if caller is None:
            customer = Customer.objects.first()
            caller = {"customer": customer, "contact": customer.contacts.first(), "installation": None}
        _urgent(agent, caller, minutes=n)
        services.call_log_submit(
            agent=agent, outcome=Outcome.REJECTED_TIME, intake=intake_for(caller), details={"demands": "周六"}, now=NOW
        )
    client.force_login(duty)
    # session, user, roles, unread badge, HL-7 call-backs, HL-8 requests, on-site escalations
    with django_assert_num_queries(7):
        response = client.get(reverse("hotline:queue"))
    assert len(response.context["queue"]["callbacks"]) == rows


@pytest.mark.parametrize("rows", [1, 4])
def test_my_callbacks_query_count_does_not_grow(agent_client, agent, django_assert_num_queries, rows):
    customer = known_caller()
    for n in range(rows):
        services.call_log_submit(
            agent=agent,
            outcome=Outcome.CALLBACK,
            intake=intake_for(customer),
            details={"callback_owner": agent, "callback_due_at": NOW + datetime.timedelta(hours=n + 1), "callback_note": "复现"},
            now=NOW,
        )
    # session, user, roles, unread badge, open promises, done promises
    with django_assert_num_queries(6):
        response = agent_client.get(reverse("hotline:my_callbacks"))
    assert len(response.context["promises"]["open"]) == rows


def test_agent_records_own_callback_and_cannot_touch_others(client, make_user, agent):
    caller = known_caller()
    call = services.call_log_submit(
        agent=agent,
        outcome=Outcome.CALLBACK,
        intake=intake_for(caller),
        details={"callback_owner": agent, "callback_due_at": NOW + datetime.timedelta(hours=2), "callback_note": "复现"},
        now=NOW,
    )
    promise = CallbackPromise.objects.get(call=call)
    client.force_login(make_user(Role.AGENT))
    assert client.post(reverse("hotline:callback_done", args=[promise.pk]), {"result": "x"}).status_code == 404
    client.force_login(agent)
    client.post(reverse("hotline:callback_done", args=[promise.pk]), {"result": "已回电"})
    promise.refresh_from_db()
    assert promise.done_by == agent


@pytest.mark.parametrize("rows", [1, 6])
def test_call_list_query_count_does_not_grow(agent_client, django_assert_num_queries, rows, agent):
    for n in range(rows):
        CallLogFactory(agent=agent, started_at=NOW - datetime.timedelta(minutes=n))
    # session, user, roles, unread badge, count, page rows
    with django_assert_num_queries(6):
        response = agent_client.get(reverse("hotline:call_list"))
    assert len(response.context["page"].object_list) == rows


def test_call_list_search_and_filters(agent_client, agent):
    caller = known_caller()
    logged = services.call_log_submit(
        agent=agent, outcome=Outcome.SOLVED, intake=intake_for(caller), details={"resolution": "ok"}, now=NOW
    )
    CallLogFactory(organisation="Other Co", caller_phone="021 5555 0000")
    page = agent_client.get(reverse("hotline:call_list"), {"q": "13800138000"}).context["page"]
    assert list(page.object_list) == [logged]
    page = agent_client.get(reverse("hotline:call_list"), {"unlogged": "on"}).context["page"]
    assert [c.organisation for c in page.object_list] == ["Other Co"]
    page = agent_client.get(reverse("hotline:call_list"), {"outcome": "solved"}).context["page"]
    assert list(page.object_list) == [logged]
    response = agent_client.get(reverse("hotline:call_list"), {"start": "2026-03-10", "end": "2026-03-01"})
    assert "end" in response.context["form"].errors


def test_call_detail_shows_fields_and_history(agent_client, agent):
    call = services.call_log_submit(
        agent=agent, outcome=Outcome.SOLVED, intake=intake_for(known_caller()), details={"resolution": "ok"}, now=NOW
    )
    body = agent_client.get(reverse("hotline:call_detail", args=[call.pk])).content.decode()
    assert "北京华联商贸有限公司" in body and call.ticket.number in body
    assert len(agent_client.get(reverse("hotline:call_detail", args=[call.pk])).context["history"]) >= 2


@pytest.mark.parametrize("rows", [2, 8])
def test_hl5_statistics_share_answered_in_time_and_constant_queries(client, make_user, django_assert_num_queries, rows, settings):
    settings.SERVICEDESK = {**settings.SERVICEDESK, "HOTLINE_ANSWER_SECONDS": 15}
    agent = make_user(Role.AGENT, full_name="王芳")
    day = timezone.localdate()
    start = timezone.make_aware(datetime.datetime.combine(day, datetime.time(10, 0)))
    for n in range(rows):
        # Half answered at 15 s or less (in time), half at 16 s or more.
        CallLogFactory(agent=agent, started_at=start + datetime.timedelta(minutes=n), ring_seconds=15 if n % 2 == 0 else 16)
    CallLogFactory(agent=agent, started_at=start, ring_seconds=None)  # unknown ring time: not counted in the share
    client.force_login(make_user(Role.DUTY_MANAGER))
    # session, user, roles, unread badge, per day, per hour, outcomes, per agent
    with django_assert_num_queries(8):
        response = client.get(reverse("hotline:stats"), {"start": day.isoformat(), "end": day.isoformat()})
    stats = response.context["stats"]
    assert stats["total"] == {"calls": rows + 1, "timed": rows, "in_time": rows // 2, "share": 50.0}
    assert stats["hours"] == [{"hour": 10, "calls": rows + 1, "timed": rows, "in_time": rows // 2, "share": 50.0}]
    assert stats["agents"][0]["agent__full_name"] == "王芳"
