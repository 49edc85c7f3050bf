"""Visit photos in a real phone-sized browser (375 x 812, issue 16): the engineer on site picks a
large photo from the camera input, ``static/js/photos.js`` makes it smaller before it is sent, and
the thumbnail shows on the order page without the page growing wider than the phone."""

import datetime
import io

import pytest
from django.utils import timezone
from PIL import Image

from onsite import services
from onsite.models import OrderPhoto
from onsite.tests.factories import ALL_CHECKS, engineer, service_manager, visit_ticket
from staff.tests.factories import TEST_PASSWORD

from .conftest import SCREENSHOTS, login

pytestmark = pytest.mark.django_db(transaction=True)


def big_photo() -> bytes:
    """A 3000 x 2000 camera-sized JPEG with detail (noise compresses badly, as real photos do)."""
    noise = Image.effect_noise((3000, 2000), 60).convert("RGB")
    out = io.BytesIO()
    noise.save(out, "JPEG", quality=95)
    return out.getvalue()


def on_site_order(*, liu, manager, now):
    ticket = visit_ticket(now=now)
    order = services.service_order_request(ticket=ticket, requested_by=ticket.created_by, problem="票据打印机卡纸", now=now)
    start = now + datetime.timedelta(minutes=30)
    services.service_order_approve(order=order, approver=manager, agreed_start=start, agreed_end=start + datetime.timedelta(hours=2), now=now)
    services.service_order_assign(order=order, engineer=liu, actor=manager, now=now)
    services.precall_attempt_record(order=order, engineer=liu, reached=True, checks=ALL_CHECKS, now=now)
    services.service_order_depart(order=order, engineer=liu, can_solve=True, address_known=True, now=now)
    services.service_order_check_in(order=order, engineer=liu, now=now)
    order.refresh_from_db()
    return order


def test_engineer_adds_a_photo_resized_on_the_phone(live_server, phone_page, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    page = phone_page
    liu = engineer("liu", full_name="刘洋")
    order = on_site_order(liu=liu, manager=service_manager("chen"), now=timezone.now())
    original = big_photo()
    assert len(original) > 1_500_000

    login(page, live_server, "liu", TEST_PASSWORD)
    page.goto(f"{live_server.url}{order.get_absolute_url()}")
    form = page.locator("form[data-photos]")
    assert form.get_attribute("data-offline") is not None
    file_input = form.locator("input[type=file]")
    assert file_input.get_attribute("capture") == "environment" and file_input.get_attribute("accept") == "image/*"
    assert page.evaluate("typeof window.servicedeskPhotos.prepare") == "function"

    file_input.set_input_files({"name": "IMG_2040.jpg", "mimeType": "image/jpeg", "buffer": original})
    # What the offline queue does: await prepare(form), then read the form data.
    sent = page.evaluate(
        """async () => {
            const form = document.querySelector('form[data-photos]');
            await window.servicedeskPhotos.prepare(form);
            const file = new FormData(form).get('photos');
            const bitmap = await createImageBitmap(file);
            return {size: file.size, type: file.type, name: file.name, width: bitmap.width, height: bitmap.height};
        }"""
    )
    assert sent["type"] == "image/jpeg" and sent["name"] == "IMG_2040.jpg"
    assert (sent["width"], sent["height"]) == (1600, 1067)
    assert sent["size"] < len(original) / 2

    form.locator("input[name=caption]").fill("进纸器磨损")
    form.locator("button[type=submit]").click()
    page.wait_for_selector("#photo-grid img")
    photo = OrderPhoto.objects.get(order=order)
    assert photo.caption == "进纸器磨损" and (photo.width, photo.height) == (1600, 1067)
    assert photo.attachment.size < len(original) / 2
    thumb = page.locator("#photo-grid img").first
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=thumb.element_handle())
    assert thumb.evaluate("img => img.naturalWidth") == 320
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.locator("#photos").screenshot(path=str(SCREENSHOTS / "onsite-photos.png"))


def test_a_second_pick_is_resized_on_submit_without_calling_prepare(live_server, phone_page, settings, tmp_path):
    """The plain submit path: the script holds the submit, resizes, then sends the form itself."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    page = phone_page
    liu = engineer("liu2", full_name="刘洋")
    order = on_site_order(liu=liu, manager=service_manager("chen2"), now=timezone.now())
    original = big_photo()
    login(page, live_server, "liu2", TEST_PASSWORD)
    page.goto(f"{live_server.url}{order.get_absolute_url()}")
    page.locator("form[data-photos] input[type=file]").set_input_files(
        [
            {"name": "a.jpg", "mimeType": "image/jpeg", "buffer": original},
            {"name": "b.jpg", "mimeType": "image/jpeg", "buffer": original},
        ]
    )
    page.locator("form[data-photos] button[type=submit]").click()
    page.wait_for_selector("#photo-grid li:nth-child(2) img")
    photos = list(OrderPhoto.objects.filter(order=order).select_related("attachment"))
    assert len(photos) == 2
    assert all(p.width == 1600 and p.attachment.size < len(original) / 2 for p in photos)
