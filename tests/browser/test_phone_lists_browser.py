"""Phone list pages in a real browser (issue 17): at 375 px the ticket list, the callback queue and
the call list show each row as a compact card of about three lines, so a full page of 25 rows
stays short; the holiday-duty table wraps instead of scrolling sideways. At 1280 px the lists are
still tables."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from hotline.roster import services as roster_services
from hotline.roster.tests.factories import SeatFactory, ShiftFactory, ShiftTemplateFactory
from hotline.tests.factories import CallLogFactory
from staff.roles import Role
from staff.tests.factories import TEST_PASSWORD, UserFactory
from tickets import services as ticket_services
from tickets.care.models import Callback
from tickets.care.tests.factories import callback as make_callback
from tickets.models import Ticket
from tickets.tests.factories import ContactFactory, CustomerFactory

from .conftest import SCREENSHOTS, login

pytestmark = pytest.mark.django_db(transaction=True)

ROWS = 25  # one full page (SERVICEDESK["PAGE_SIZE"])
MAX_PAGE_HEIGHT = 3500  # px at 375 px wide; the stacked label-per-cell table was about 10,000
MAX_CARD_HEIGHT = 130  # px: about three lines of text and the card's padding

LONG_SUBJECT = "Invoice printer stops after the first page and the spooler shows a paper jam on tray two {n}"
LONG_NAME = "上海浦东新区第一人民医院信息中心 Shanghai Pudong First People's Hospital IT Centre {n}"


@pytest.fixture
def phone(phone_page):
    """conftest's 375 px phone page."""
    return phone_page


def page_size(page) -> dict:
    # clientWidth, not window.innerWidth: with is_mobile Chromium widens innerWidth to the content
    # (a 481 px wide table gives innerWidth 481), which would hide the overflow this test looks for.
    return page.evaluate(
        "({height: document.documentElement.scrollHeight,"
        " wider: document.documentElement.scrollWidth - document.documentElement.clientWidth})"
    )


def shot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"phone-list-{name}.png"), full_page=True)


def assert_compact_cards(page, *, rows: int) -> dict:
    cards = page.locator("table.list tbody tr")
    assert cards.count() == rows
    size = page_size(page)
    assert size["wider"] <= 0, f"{size['wider']} px wider than the phone"
    assert size["height"] < MAX_PAGE_HEIGHT, f"the page is {size['height']} px tall"
    tallest = max(page.evaluate("[...document.querySelectorAll('table.list tbody tr')].map(r => r.offsetHeight)"))
    assert tallest <= MAX_CARD_HEIGHT, f"a card is {tallest} px tall"
    return size


def assert_a_table_at_1280_px(page) -> None:
    page.set_viewport_size({"width": 1280, "height": 900})
    assert page.locator("table.list thead").is_visible()
    assert page.evaluate("getComputedStyle(document.querySelector('table.list tbody tr')).display") == "table-row"


def test_ticket_list_is_a_page_of_compact_cards_on_a_phone(live_server, phone):
    agent = UserFactory(username="li", full_name="李娜", roles=[Role.AGENT])
    engineer = UserFactory(full_name="欧阳建国 Ouyang Jianguo", roles=[Role.ENGINEER])
    now = timezone.now()
    for n in range(ROWS):
        customer = CustomerFactory(name=LONG_NAME.format(n=n))
        ticket_services.ticket_create(
            customer=customer,
            contact=ContactFactory(customer=customer),
            subject=LONG_SUBJECT.format(n=n),
            description="The printer stops after the first page.",
            created_by=agent,
            assignee=engineer if n % 2 else None,
            now=now - datetime.timedelta(days=n % 4),  # some of them overdue
        )
    login(phone, live_server, "li", TEST_PASSWORD)
    phone.goto(live_server.url + reverse("tickets:list"))

    size = assert_compact_cards(phone, rows=ROWS)
    print(f"ticket list at 375 px: {size['height']} px tall")
    shot(phone, "tickets")
    first = phone.locator("table.list tbody tr").first
    number = first.locator("a.ticket-number")
    assert number.is_visible()
    ticket = Ticket.objects.get(number=number.inner_text().strip())
    assert number.get_attribute("href") == ticket.get_absolute_url()
    # The subject is kept to one line and the status badge is on the first line with the number.
    subject = first.locator(".card-subject")
    assert subject.evaluate("e => e.getBoundingClientRect().height") < 30
    assert abs(first.locator(".badge[class*=status-]").bounding_box()["y"] - number.bounding_box()["y"]) < 12
    number.click()
    phone.wait_for_url(f"**{ticket.get_absolute_url()}")

    phone.go_back()
    assert_a_table_at_1280_px(phone)


def test_callback_queue_is_a_page_of_compact_cards_on_a_phone(live_server, phone):
    UserFactory(username="sun", full_name="孙丽", roles=[Role.CALLBACK_SPECIALIST])
    engineer = UserFactory(full_name="欧阳建国 Ouyang Jianguo", roles=[Role.ENGINEER])
    now = timezone.now()
    for n in range(ROWS):
        make_callback(now=now, engineer=engineer, customer=CustomerFactory(name=LONG_NAME.format(n=n)))
    today = timezone.localdate()
    for n, pk in enumerate(Callback.objects.order_by("pk").values_list("pk", flat=True)):
        Callback.objects.filter(pk=pk).update(due_date=today - datetime.timedelta(days=n % 3))  # due today or overdue
    login(phone, live_server, "sun", TEST_PASSWORD)
    phone.goto(live_server.url + reverse("care:queue"))

    size = assert_compact_cards(phone, rows=ROWS)
    print(f"callback queue at 375 px: {size['height']} px tall")
    shot(phone, "callbacks")
    first = phone.locator("table.list tbody tr").first
    link = first.locator("a").first  # the call-on date opens the callback
    callback = Callback.objects.get(pk=int(link.get_attribute("href").rstrip("/").split("/")[-1]))
    assert link.get_attribute("href") == callback.get_absolute_url()
    assert callback.ticket.number in first.inner_text()
    assert first.locator("a[href^='tel:']").is_visible()  # the phone number stays one tap away
    link.click()
    phone.wait_for_url(f"**{callback.get_absolute_url()}")

    phone.go_back()
    assert_a_table_at_1280_px(phone)


def test_call_list_is_a_page_of_compact_cards_on_a_phone(live_server, phone):
    UserFactory(username="duty", full_name="张伟", roles=[Role.DUTY_MANAGER])
    agent = UserFactory(full_name="欧阳建国 Ouyang Jianguo", roles=[Role.AGENT])
    now = timezone.now()
    for n in range(ROWS):
        CallLogFactory(started_at=now - datetime.timedelta(minutes=n), agent=agent, organisation=LONG_NAME.format(n=n))
    login(phone, live_server, "duty", TEST_PASSWORD)
    phone.goto(live_server.url + reverse("hotline:call_list"))

    size = assert_compact_cards(phone, rows=ROWS)
    print(f"call list at 375 px: {size['height']} px tall")
    shot(phone, "calls")
    first = phone.locator("table.list tbody tr").first
    assert first.locator("a").first.get_attribute("href").startswith("/hotline/calls/")
    assert first.locator("a").first.is_visible()
    assert_a_table_at_1280_px(phone)


def test_holiday_duty_table_fits_a_phone(live_server, phone):
    duty = UserFactory(username="duty", full_name="张伟", roles=[Role.DUTY_MANAGER, Role.AGENT])
    seat = SeatFactory(number="8001")
    template = ShiftTemplateFactory(code="holiday", name="Holiday day shift")
    today = timezone.localdate()
    for n in range(3):
        day = today + datetime.timedelta(days=30 * n + 10)
        shift = ShiftFactory(date=day, template=template, is_holiday=True, duty_manager=duty)
        for m in range(3):
            engineer = UserFactory(
                full_name=f"欧阳建国 Ouyang Jianguo-Longname {n}{m}", phone=f"139123456{n}{m}", roles=[Role.AGENT]
            )
            roster_services.shift_assign(
                shift=shift, engineer=engineer, seat=SeatFactory(number=f"81{n}{m}") if m else seat,
                by=duty, now=timezone.now(), forwards_hotline=m == 0,
            )  # fmt: skip
    login(phone, live_server, "duty", TEST_PASSWORD)
    phone.goto(live_server.url + reverse("roster:holidays"))

    assert phone.locator("tbody tr").count() == 3
    size = page_size(phone)
    shot(phone, "holidays")
    assert size["wider"] <= 0, f"{size['wider']} px wider than the phone"
    # Nothing hidden: every engineer and the forwarded mobile are on the page and visible.
    assert phone.get_by_text("13912345600").is_visible()
    assert phone.get_by_text("Ouyang Jianguo-Longname 22").is_visible()
