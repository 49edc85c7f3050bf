"""Issue 16, the engineers' offline phone app: the manifest and the service worker at the site root
(public, the right content types, the worker's scope), the page links only for engineers, the
later visit steps rendered hidden for offline use, and every engineer step answered "already
saved" when the offline queue sends it again with its idempotency key."""

import base64
import json

import pytest
import time_machine
from django.contrib.staticfiles import finders
from django.urls import reverse
from PIL import Image

from onsite import policies, services
from onsite.models import OnsiteEventKind, OrderStatus, PartUsed, SignOff, WorkReport
from servicedesk.core.idempotency import new_key
from servicedesk.core.models import IdempotencyKey
from staff.roles import Role
from staff.tests.factories import UserFactory
from tickets.models import TicketEvent

from .factories import NOW, order_at, png, service_manager

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


# --- Manifest and worker ---------------------------------------------------------------------------


def test_issue16_manifest_is_public_installable_json(client):
    response = client.get(reverse("pwa_manifest"))
    assert response.status_code == 200  # no login: the browser fetches it without the session
    assert response["Content-Type"].startswith("application/manifest+json")
    data = json.loads(response.content)
    assert data["start_url"] == reverse("onsite:mine") == "/onsite/mine/"
    assert data["display"] == "standalone" and data["scope"] == "/"
    assert data["name"] and data["short_name"]
    sizes = {}
    for icon in data["icons"]:
        path = finders.find(icon["src"].removeprefix("/static/"))
        with Image.open(path) as image:
            assert image.format == "PNG"
            sizes[icon["purpose"], icon["sizes"]] = image.size
    assert sizes == {("any", "192x192"): (192, 192), ("any", "512x512"): (512, 512), ("maskable", "512x512"): (512, 512)}


def test_issue16_manifest_follows_the_language(client):
    data = json.loads(client.get(reverse("pwa_manifest"), HTTP_ACCEPT_LANGUAGE="zh-hans").content)
    assert data["lang"] == "zh-hans"
    assert json.loads(client.get(reverse("pwa_manifest"), HTTP_ACCEPT_LANGUAGE="en").content)["lang"] == "en"


def test_issue16_service_worker_from_the_root_with_the_whole_site_as_scope(client):
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert response["Service-Worker-Allowed"] == "/"
    assert "no-cache" in response["Cache-Control"]  # a deployment's new worker is seen at once
    head, _, source = response.content.decode().partition("\n")
    config = json.loads(head.removeprefix("self.SERVICEDESK_SW = ").removesuffix(";"))
    assert config["pages"] == ["/onsite/mine/", "/onsite/orders/"]
    assert "/static/js/offline.js" in config["assets"] and "/static/css/app.css" in config["assets"]
    assert config["loginPath"] == reverse("login") and len(config["version"]) == 12
    with open(finders.find("sw.js"), encoding="utf-8") as handle:
        assert source == handle.read()
    assert client.get("/sw.js").content.decode().partition("\n")[0] == head  # same files, same version


def test_issue16_only_engineers_pages_link_the_app_and_the_queue(client):
    order = order_at(OrderStatus.EN_ROUTE)
    client.force_login(order.engineer)
    body = client.get(reverse("onsite:mine")).content.decode()
    assert f'rel="manifest" href="{reverse("pwa_manifest")}"' in body
    assert "js/offline.js" in body and 'id="offline-queue"' in body and f'data-user="{order.engineer.pk}"' in body
    assert "data-offline-precache" in body and "data-offline-page" in body
    client.force_login(UserFactory(roles=[Role.SERVICE_MANAGER]))
    body = client.get(order.get_absolute_url()).content.decode()
    assert 'rel="manifest"' not in body and "offline.js" not in body and 'id="offline-queue"' not in body


# --- The later steps, hidden, for offline use -------------------------------------------------------


def test_issue16_offline_later_steps():
    assert policies.offline_later_steps(OrderStatus.PRECALL_DONE) == ("check_in", "report", "sign", "finish")
    assert policies.offline_later_steps(OrderStatus.EN_ROUTE) == ("report", "sign", "finish")
    assert policies.offline_later_steps(OrderStatus.WORK_DONE) == ("finish",)
    for status in (OrderStatus.ASSIGNED, OrderStatus.SIGNED, OrderStatus.ESCALATED, OrderStatus.CANCELLED):
        assert policies.offline_later_steps(status) == ()


def test_issue16_order_page_renders_the_later_steps_hidden_for_the_engineer_only(client):
    order = order_at(OrderStatus.EN_ROUTE)
    client.force_login(order.engineer)
    body = client.get(order.get_absolute_url()).content.decode()
    assert 'data-offline-step="check_in">' in body  # the current step, shown
    for step in ("report", "sign", "finish"):
        assert f'data-offline-step="{step}" hidden>' in body
    for step in ("check_in", "report", "sign", "check_out", "trip"):
        assert f'data-offline="{step}" data-offline-order="{order.pk}"' in body
    assert body.count('id="step-title"') == 1
    client.force_login(UserFactory(roles=[Role.SERVICE_MANAGER]))
    body = client.get(order.get_absolute_url()).content.decode()
    assert 'data-offline-step="' not in body and 'data-offline="check_in"' not in body
    assert "data-offline-reveal-with" not in body  # a manager's photo form is shown, not held back


# --- Engineer steps sent twice (the offline queue) ---------------------------------------------------


def signature() -> str:
    return "data:image/png;base64," + base64.b64encode(png()).decode()


REPORT = {
    **{k: "on" for k in policies.ONSITE_CHECKS},
    "cause": "进纸轮磨损", "actions": "更换进纸轮", "prevention": "",
    "parts-TOTAL_FORMS": "1", "parts-INITIAL_FORMS": "0", "parts-MIN_NUM_FORMS": "0", "parts-MAX_NUM_FORMS": "20",
    "parts-0-name": "进纸轮", "parts-0-quantity": "1",
}  # fmt: skip


def test_issue16_every_engineer_step_sent_twice_is_saved_once(client):
    order = order_at(OrderStatus.EN_ROUTE)
    client.force_login(order.engineer)
    steps = [
        ("onsite:check_in", {"latitude": "39.98", "longitude": "116.30", "accuracy": "15"}, "check_in"),
        ("onsite:report", REPORT, "report"),
        ("onsite:sign", {"customer_name": "李明", "rating": "5", "comment": "", "signature": signature()}, "sign"),
        ("onsite:check_out", {}, "check_out"),
        ("onsite:trip", {"text": "地铁往返，问题已解决"}, "trip"),
    ]
    for name, data, key in steps:
        data = {**data, "idempotency_key": new_key()}
        url = reverse(name, args=[order.pk])
        first = client.post(url, data)
        saved = f"{order.get_absolute_url()}?saved=order-{order.pk}-{key}"
        assert (first.status_code, first["Location"]) == (302, saved), name
        # The step has moved the order on: the resend is "already saved", not "wrong status".
        again = client.post(url, data, follow=True)
        assert again.redirect_chain == [(saved, 302)], name
        assert "Already saved" in again.content.decode(), name
    order.refresh_from_db()
    assert order.status == OrderStatus.SIGNED and order.checked_out_at and order.trip_recorded_at
    assert TicketEvent.objects.filter(ticket=order.ticket, kind=OnsiteEventKind.CHECKED_IN).count() == 1
    assert WorkReport.objects.filter(order=order).count() == 1
    assert PartUsed.objects.filter(report__order=order).count() == 1
    assert SignOff.objects.filter(order=order).count() == 1


def test_issue16_a_refused_step_keeps_its_key_free_for_the_corrected_form(client):
    order = order_at(OrderStatus.ON_SITE)
    client.force_login(order.engineer)
    key = new_key()
    url = reverse("onsite:report", args=[order.pk])
    refused = client.post(url, {**REPORT, "fixed": "", "idempotency_key": key})
    assert refused.status_code == 200 and "Problem fixed" in refused.content.decode()
    assert client.post(url, {**REPORT, "idempotency_key": key}).status_code == 302
    order.refresh_from_db()
    assert order.status == OrderStatus.WORK_DONE


def test_issue16_hand_in_sent_twice_is_saved_once(client):
    order = order_at(OrderStatus.SIGNED)
    client.force_login(order.engineer)
    data = {"idempotency_key": new_key()}
    url = reverse("onsite:hand_in", args=[order.pk])
    assert client.post(url, data).status_code == 302
    assert "Already saved" in client.post(url, data, follow=True).content.decode()
    order.refresh_from_db()
    assert order.status == OrderStatus.HANDED_IN


def test_issue16_a_step_refused_because_the_order_moved_on_says_why_on_top(client):
    """The queued check-in of a visit cancelled meanwhile: its form is no longer on the page, so the
    reason is in the page's message (the phone lists it); the key is not used up."""
    order = order_at(OrderStatus.EN_ROUTE)
    services.service_order_cancel(order=order, actor=service_manager(), reason="客户取消")
    client.force_login(order.engineer)
    response = client.post(reverse("onsite:check_in", args=[order.pk]), {"idempotency_key": new_key()})
    assert response.status_code == 200
    text = [str(m) for m in response.context["messages"]]
    assert len(text) == 1 and text[0].startswith("That step was not saved: An order that is") and "cannot be changed" in text[0]
    assert not IdempotencyKey.objects.exists()
