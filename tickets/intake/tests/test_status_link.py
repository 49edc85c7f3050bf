"""The status link (issue 14): one per ticket, signed like the survey link, revocable; a revoked or
tampered link is a friendly 404/410, never a 500."""

import pytest
from django.core import signing
from django.test import Client

from tickets.intake import services
from tickets.intake.models import IntakeEventKind, StatusLink
from tickets.tests.factories import TicketFactory

pytestmark = pytest.mark.django_db


def _path(url: str) -> str:
    return "/" + url.split("://", 1)[1].split("/", 1)[1]


def test_status_link_url_is_absolute_signed_and_stable():
    ticket = TicketFactory()
    url = services.status_link_url(ticket=ticket)
    assert url.startswith("http") and "/status/" in url
    assert services.status_link_url(ticket=ticket) == url or StatusLink.objects.filter(ticket=ticket).count() == 1
    assert StatusLink.objects.filter(ticket=ticket).count() == 1
    response = Client().get(_path(url))
    assert response.status_code == 200
    assert ticket.number in response.content.decode()


def test_status_link_survives_a_concurrent_twin(monkeypatch):
    ticket = TicketFactory()
    twin = StatusLink.objects.create(ticket=ticket, key="twin-key-0123456789")
    real_filter = StatusLink.objects.filter
    calls = {"n": 0}

    def first_read_misses(*args, **kwargs):  # our read runs before the twin's insert
        calls["n"] += 1
        if calls["n"] == 1:
            return StatusLink.objects.none()
        return real_filter(*args, **kwargs)

    monkeypatch.setattr(StatusLink.objects, "filter", first_read_misses)
    link = services.status_link_get_or_create(ticket=ticket)
    assert link.pk == twin.pk


def test_tampered_token_is_a_friendly_404():
    ticket = TicketFactory()
    url = services.status_link_url(ticket=ticket)
    response = Client().get(_path(url)[:-3] + "xx/")
    assert response.status_code == 404
    # The public pages speak zh-hans until the visitor switches (INTAKE_LANGUAGE).
    assert "此进度查询链接无效" in response.content.decode()
    other_salt = signing.dumps({"k": StatusLink.objects.get(ticket=ticket).key}, salt="care.survey", compress=True)
    assert Client().get(f"/status/{other_salt}/").status_code == 404


def test_revoked_link_is_410_and_a_new_url_differs(agent):
    ticket = TicketFactory()
    url = services.status_link_url(ticket=ticket)
    services.status_link_revoke(ticket=ticket, actor=agent)
    response = Client().get(_path(url))
    assert response.status_code == 410
    assert ticket.number not in response.content.decode()
    assert ticket.events.filter(kind=IntakeEventKind.STATUS_LINK_REVOKED, actor=agent).count() == 1
    services.status_link_revoke(ticket=ticket, actor=agent)  # idempotent
    assert ticket.events.filter(kind=IntakeEventKind.STATUS_LINK_REVOKED).count() == 1
    new_url = services.status_link_url(ticket=ticket)
    assert new_url != url
    assert Client().get(_path(new_url)).status_code == 200
    assert Client().get(_path(url)).status_code == 410  # the old URL stays dead
