"""A real browser: the instructor records exam scores, re-trains the one who failed, and records the
sign-off in TR-6 order (every trainee, then the customer's person in charge)."""

from decimal import Decimal

import pytest

from staff.roles import Role
from staff.tests.factories import TEST_PASSWORD, UserFactory
from tickets.tests.factories import ContactFactory, CustomerFactory
from training.models import Trainee
from training.tests.factories import started_plan

from .conftest import login, nav_click

pytestmark = pytest.mark.django_db(transaction=True)


def test_tr3_tr6_instructor_records_the_exam_and_the_sign_off(live_server, page, screenshot):
    instructor = UserFactory(username="liu", full_name="刘洋", roles=[Role.ENGINEER])
    customer = CustomerFactory(name="成都熊猫食品有限公司")
    plan = started_plan(customer=customer, instructor=instructor, trainees=("张三", "李四"))
    ContactFactory(customer=customer, name="刘总 (person in charge)")

    login(page, live_server, "liu", TEST_PASSWORD)
    nav_click(page, "Training")
    page.click(f"text={plan.course}")
    page.locator("#exam-form").get_by_label("张三").fill("84.9")
    page.locator("#exam-form").get_by_label("李四").fill("92")
    page.click("button:has-text('Save scores')")
    page.wait_for_selector("text=Exam results recorded.")
    assert "Pass rate 50.0 % (1 of 2 examined)" in page.inner_text("#cohort")
    assert "needs re-training" in page.inner_text("#cohort")

    li = Trainee.objects.get(plan=plan, contact__name="李四")
    zhang = Trainee.objects.get(plan=plan, contact__name="张三")
    # Only the trainee who passed can sign; the person in charge may not sign before everyone else.
    assert page.locator(f"[data-sign='{zhang.pk}']").count() == 0
    page.click(f"[data-sign='{li.pk}']")
    page.wait_for_selector("text=李四 signed the acceptance form.")
    page.select_option("#id_person_in_charge", label="刘总 (person in charge)")
    page.click("button:has-text(\"Record the person in charge's signature\")")
    page.wait_for_selector("text=the person in charge signs last")
    screenshot(page, "training-sign-off-refused")

    # Re-trained, 张三 passes the second attempt and signs; then the person in charge signs last.
    page.locator("#exam-form").get_by_label("张三").fill("88")
    page.click("button:has-text('Save scores')")
    page.wait_for_selector("text=Exam results recorded.")
    assert "Pass rate 100.0 %" in page.inner_text("#cohort")
    page.click(f"[data-sign='{zhang.pk}']")
    page.wait_for_selector("text=张三 signed the acceptance form.")
    page.select_option("#id_person_in_charge", label="刘总 (person in charge)")
    page.click("button:has-text(\"Record the person in charge's signature\")")
    page.wait_for_selector("text=signed last on")
    screenshot(page, "training-signed-off")

    plan.refresh_from_db()
    zhang.refresh_from_db()
    assert (zhang.score, zhang.passed, zhang.exam_attempts) == (Decimal("88.00"), True, 2)
    assert plan.person_in_charge.name == "刘总 (person in charge)"
    assert plan.customer_signed_at > max(t.signed_at for t in plan.trainees.all())


def test_training_plan_fits_a_phone_screen(live_server, phone_page, screenshot):
    instructor = UserFactory(username="liu", roles=[Role.ENGINEER])
    plan = started_plan(instructor=instructor)
    login(phone_page, live_server, "liu", TEST_PASSWORD)
    phone_page.goto(f"{live_server.url}{plan.get_absolute_url()}")
    overflow = phone_page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"page is {overflow}px wider than the phone"
    screenshot(phone_page, "training-plan-phone")
