"""Pages of the on-site service: who sees and does what, forms that keep their data, query counts."""

import base64
import datetime

import pytest
import time_machine
from django.urls import reverse

from onsite.models import OrderStatus, ServiceOrder, SignOff
from staff.roles import Role
from staff.tests.factories import UserFactory

from .factories import ALL_CHECKS, NOW, WINDOW, engineer, order_at, png, service_manager, visit_ticket

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def login(client, user):
    client.force_login(user)
    return client


def data_url(data: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(data).decode()


# --- Permissions (GN-7) --------------------------------------------------------------------------------


def test_engineer_sees_only_their_own_orders(client):
    mine = order_at(OrderStatus.ASSIGNED)
    other = order_at(OrderStatus.ASSIGNED)
    login(client, mine.engineer)
    assert client.get(mine.get_absolute_url()).status_code == 200
    assert client.get(other.get_absolute_url()).status_code == 404
    assert client.get(reverse("onsite:print", args=[other.pk])).status_code == 404
    assert client.post(reverse("onsite:call", args=[other.pk]), {"reached": "1", **ALL_CHECKS}).status_code == 404
    other.refresh_from_db()
    assert other.status == OrderStatus.ASSIGNED
    response = client.get(reverse("onsite:mine"))
    assert [o.pk for o in response.context["groups"]["today"]] == [mine.pk]
    assert client.get(reverse("onsite:order_list")).status_code == 403


def test_duty_and_service_managers_and_the_desk_see_every_order(client):
    order = order_at(OrderStatus.ASSIGNED)
    for roles in ([Role.DUTY_MANAGER], [Role.SERVICE_MANAGER], [Role.ADMIN], [Role.AGENT], [Role.CALLBACK_SPECIALIST]):
        login(client, UserFactory(roles=roles))
        assert client.get(order.get_absolute_url()).status_code == 200
        assert order in client.get(reverse("onsite:order_list")).context["page"].object_list


def test_hr_gets_403_everywhere(client):
    order = order_at(OrderStatus.ASSIGNED)
    login(client, UserFactory(roles=[Role.HR]))
    for url in (order.get_absolute_url(), reverse("onsite:order_list"), reverse("onsite:calendar"), reverse("onsite:mine")):
        assert client.get(url).status_code == 403


def test_os1_only_service_managers_approve_in_working_hours(client):
    order = order_at(OrderStatus.REQUESTED)
    form = {"agreed_start": "2026-03-10T14:00", "agreed_end": "2026-03-10T16:00"}
    for roles in ([Role.AGENT], [Role.ENGINEER]):
        login(client, UserFactory(roles=roles))
        assert client.post(reverse("onsite:approve", args=[order.pk]), form).status_code == 403
    # The duty manager (out of hours only, ONSITE_APPROVER_ROLES) and the administrator (not listed)
    # reach the page but are refused with the reason (NOW is a Tuesday morning: working hours).
    for roles in ([Role.DUTY_MANAGER], [Role.ADMIN]):
        login(client, UserFactory(roles=roles))
        response = client.post(reverse("onsite:approve", args=[order.pk]), form)
        assert response.status_code == 200  # refused: the page again (reasons: test_approval_hours.py)
    order.refresh_from_db()
    assert order.status == OrderStatus.REQUESTED
    manager = service_manager()
    login(client, manager)
    response = client.post(reverse("onsite:approve", args=[order.pk]), form)
    assert response.status_code == 302 and f"saved=order-{order.pk}-approve" in response.url
    order.refresh_from_db()
    assert (order.status, order.approved_by, order.agreed_start) == (OrderStatus.APPROVED, manager, WINDOW[0])


def test_os1_engineer_cannot_approve_own_order_on_the_page(client):
    liu = UserFactory(roles=[Role.ENGINEER, Role.SERVICE_MANAGER])
    ticket = visit_ticket(now=NOW)
    login(client, liu)
    client.post(reverse("onsite:request", args=[ticket.number]), {"problem": "我去"})
    order = ServiceOrder.objects.get()
    response = client.post(
        reverse("onsite:approve", args=[order.pk]), {"agreed_start": "2026-03-10T14:00", "agreed_end": "2026-03-10T16:00"}
    )
    assert response.status_code == 200
    assert "another service manager approves it" in response.content.decode()
    order.refresh_from_db()
    assert order.status == OrderStatus.REQUESTED


def test_only_managers_dispatch_and_cancel(client):
    order = order_at(OrderStatus.APPROVED)
    login(client, engineer())
    assert client.get(reverse("onsite:assign", args=[order.pk])).status_code == 403
    assert client.post(reverse("onsite:cancel", args=[order.pk]), {"reason": "x"}).status_code == 403


# --- Request from the ticket page -----------------------------------------------------------------------


def test_ticket_page_links_to_the_request_and_a_refused_request_keeps_what_was_typed(client):
    ticket = visit_ticket(now=NOW)
    agent = UserFactory(roles=[Role.AGENT])
    login(client, agent)
    request_url = reverse("onsite:request", args=[ticket.number])
    assert request_url in client.get(ticket.get_absolute_url()).content.decode()
    response = client.post(request_url, {"problem": "打印机不出纸，需要上门", "offered_by": "2026-03-20"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "打印机不出纸，需要上门" in body and "within 3 days" in body
    assert not ServiceOrder.objects.exists()
    response = client.post(request_url, {"problem": "打印机不出纸，需要上门", "offered_by": "2026-03-12"})
    order = ServiceOrder.objects.get()
    assert response.url == order.get_absolute_url()
    assert (order.requested_by, order.offered_by) == (agent, datetime.date(2026, 3, 12))
    assert client.get(request_url).url == order.get_absolute_url()  # one open order per ticket


# --- Dispatch page (GN-3) -----------------------------------------------------------------------------------


def test_gn3_assign_page_explains_the_ranking_and_dispatches(client):
    order = order_at(OrderStatus.APPROVED)
    liu = engineer("liu", full_name="刘洋")
    login(client, order.approved_by)
    page = client.get(reverse("onsite:assign", args=[order.pk]))
    body = page.content.decode()
    assert "刘洋" in body and "No skill for this product or request type: +0" in body and "No open orders" in body
    client.post(reverse("onsite:assign", args=[order.pk]), {"engineer": liu.pk})
    order.refresh_from_db()
    assert (order.status, order.engineer) == (OrderStatus.ASSIGNED, liu)


# --- The engineer's steps keep their data ----------------------------------------------------------------


def test_os3_refused_call_re_renders_with_the_ticks_and_the_note(client):
    order = order_at(OrderStatus.ASSIGNED)
    login(client, order.engineer)
    response = client.post(
        reverse("onsite:call", args=[order.pk]),
        {"reached": "1", "fault_details": "on", "tools_and_parts": "on", "note": "客户说下午有人"},
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "Go through the whole call checklist first" in body
    assert "客户说下午有人" in body
    assert 'name="fault_details" id="id_fault_details" checked' in body
    order.refresh_from_db()
    assert order.status == OrderStatus.ASSIGNED


def test_os4_work_report_with_parts_through_the_page(client):
    order = order_at(OrderStatus.ON_SITE)
    login(client, order.engineer)
    form = {
        **{k: "on" for k in ("badge_shown", "contact_verified", "problem_verified", "data_backed_up", "fixed", "trial_run", "cause_explained")},
        "cause": "色带老化", "actions": "更换色带", "prevention": "每季度更换",
        "parts-TOTAL_FORMS": "2", "parts-INITIAL_FORMS": "0", "parts-MIN_NUM_FORMS": "0", "parts-MAX_NUM_FORMS": "20",
        "parts-0-name": "色带", "parts-0-quantity": "2", "parts-1-name": "",
    }  # fmt: skip
    bad = client.post(reverse("onsite:report", args=[order.pk]), {**form, "fixed": ""})
    assert bad.status_code == 200 and "Problem fixed" in bad.content.decode() and "色带老化" in bad.content.decode()
    client.post(reverse("onsite:report", args=[order.pk]), form)
    order.refresh_from_db()
    assert order.status == OrderStatus.WORK_DONE
    assert list(order.work_report.parts.values_list("name", "quantity")) == [("色带", 2)]


def test_os4_os10_sign_with_a_drawn_signature_stores_the_png_and_the_rating(client):
    order = order_at(OrderStatus.WORK_DONE)
    login(client, order.engineer)
    empty = client.post(
        reverse("onsite:sign", args=[order.pk]),
        {"customer_name": "李明", "rating": "5", "comment": "很满意", "signature": data_url(png(ink=False))},
    )
    assert empty.status_code == 200 and "The signature is empty" in empty.content.decode()
    assert "很满意" in empty.content.decode()
    client.post(
        reverse("onsite:sign", args=[order.pk]),
        {"customer_name": "李明", "rating": "5", "comment": "很满意", "signature": data_url(png())},
    )
    sign_off = SignOff.objects.get(order=order)
    assert (sign_off.rating, sign_off.comment) == (5, "很满意")
    image = client.get(reverse("onsite:signature", args=[order.pk]))
    assert image["Content-Type"] == "image/png" and b"".join(image.streaming_content) == png()


def test_print_report_in_chinese_and_english(client):
    order = order_at(OrderStatus.SIGNED)
    login(client, order.engineer)
    chinese = client.get(reverse("onsite:print", args=[order.pk]), {"lang": "zh-hans"}).content.decode()
    english = client.get(reverse("onsite:print", args=[order.pk]), {"lang": "en"}).content.decode()
    assert "上门服务报告" in chinese and "On-site service report" in english
    assert "打印头脏污" in chinese and reverse("onsite:signature", args=[order.pk]) in english


# --- Query counts ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("orders", [1, 6])
def test_order_list_query_count_does_not_grow(client, django_assert_num_queries, orders):
    manager = service_manager()
    for _ in range(orders):
        order_at(OrderStatus.ASSIGNED, manager=manager)
    login(client, manager)
    # session, user, roles, unread badge, count, page rows, engineer choices
    with django_assert_num_queries(7):
        response = client.get(reverse("onsite:order_list"))
    assert len(response.context["page"].object_list) == orders


@pytest.mark.parametrize("orders", [1, 5])
def test_my_orders_query_count_does_not_grow(client, django_assert_num_queries, orders):
    liu = engineer("liu")
    for _ in range(orders):
        order_at(OrderStatus.ASSIGNED, engineer_user=liu)
    login(client, liu)
    # session, user, roles, unread badge, the engineer's orders
    with django_assert_num_queries(5):
        response = client.get(reverse("onsite:mine"))
    assert len(response.context["groups"]["today"]) == orders


@pytest.mark.parametrize("orders", [1, 5])
def test_calendar_query_count_does_not_grow(client, django_assert_num_queries, orders):
    manager = service_manager()
    for _ in range(orders):
        order_at(OrderStatus.ASSIGNED, manager=manager)
    login(client, manager)
    # session, user, roles, unread badge, engineer choices, engineers count, engineers page, visits
    with django_assert_num_queries(8):
        response = client.get(reverse("onsite:calendar"), {"day": "2026-03-10", "view": "week"})
    visits = [v for row in response.context["rows"] for day in row["days"] for v in day]
    assert len(visits) == orders


@pytest.mark.parametrize("orders", [1, 4])
def test_order_page_query_count_does_not_grow_with_the_history(client, django_assert_num_queries, orders):
    order = order_at(OrderStatus.ASSIGNED)
    for _ in range(orders):
        from onsite import services

        services.precall_attempt_record(order=order, engineer=order.engineer, reached=False, checks={}, now=NOW)
    login(client, order.engineer)
    with django_assert_num_queries(9):  # issue 16: +1 for the photos card
        client.get(order.get_absolute_url())


def test_reports_count_company_caused_misses_and_satisfaction(client):
    from onsite import services

    order = order_at(OrderStatus.ASSIGNED)
    services.service_order_reschedule(
        order=order, actor=order.engineer, caused_by="company", reason="堵车迟到",
        new_start=WINDOW[0] + datetime.timedelta(days=1), new_end=WINDOW[1] + datetime.timedelta(days=1), now=NOW,
    )  # fmt: skip
    order_at(OrderStatus.SIGNED)
    login(client, service_manager())
    response = client.get(reverse("onsite:reports"), {"month": "2026-03"})
    assert response.context["totals"] == {"company": 1, "customer": 0}
    assert response.context["satisfaction"]["total"] == 1
    assert str(response.context["satisfaction_percent"]) == "100.0"


def test_engineer_calendar_shows_only_their_own_day(client):
    mine = order_at(OrderStatus.ASSIGNED)
    order_at(OrderStatus.ASSIGNED)
    login(client, mine.engineer)
    response = client.get(reverse("onsite:calendar"), {"day": "2026-03-10", "view": "day"})
    assert [row["engineer"] for row in response.context["rows"]] == [mine.engineer]
    assert response.context["days"] == [datetime.date(2026, 3, 10)]
    assert response.context["rows"][0]["days"] == [[mine]]
    assert "engineer" not in response.context["form"].fields


def test_admin_pages_of_every_onsite_model_load(client):
    order = order_at(OrderStatus.SIGNED)
    admin = UserFactory(roles=[Role.ADMIN], is_staff=True, is_superuser=True)
    login(client, admin)
    for model in ("serviceorder", "workreport", "partused", "signoff", "callattempt", "reschedule"):
        assert client.get(reverse(f"admin:onsite_{model}_changelist"), {"q": "x"}).status_code == 200
    assert client.get(reverse("admin:onsite_serviceorder_change", args=[order.pk])).status_code == 200
    assert client.get(reverse("admin:onsite_serviceorder_history", args=[order.pk])).status_code == 200


@pytest.mark.parametrize("engineers", [1, 6])
def test_gn3_assign_page_query_count_does_not_grow_with_the_engineers(client, django_assert_num_queries, engineers):
    from staff.models import EmployeeSkill, Skill

    order = order_at(OrderStatus.APPROVED)
    skill = Skill.objects.create(name="打印机维修", product=order.ticket.installation.product, ticket_type="fault")
    for number in range(engineers):
        EmployeeSkill.objects.create(employee=engineer(f"e{number}"), skill=skill, level=2)
    login(client, order.approved_by)
    # session, user, roles, unread badge, order, engineers with load, their skills, available
    # engineers, the default calendar (3)
    with django_assert_num_queries(11):
        response = client.get(reverse("onsite:assign", args=[order.pk]))
    assert len(response.context["ranked"]) == engineers


@pytest.mark.parametrize("orders", [1, 4])
def test_reports_query_count_does_not_grow(client, django_assert_num_queries, orders):
    for _ in range(orders):
        order_at(OrderStatus.WORK_DONE, parts=[{"name": "主板", "quantity": 1, "return_to_factory": True}])
    login(client, service_manager())
    # session, user, roles, unread badge, reschedules per engineer, totals, satisfaction, factory parts
    with django_assert_num_queries(8):
        response = client.get(reverse("onsite:reports"), {"month": "2026-03"})
    assert len(response.context["repairs"]) == orders
