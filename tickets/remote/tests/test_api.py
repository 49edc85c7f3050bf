"""API: the knowledge base (GN-5), read-only, published entries only."""

import pytest
from django.urls import reverse

from servicedesk.api.tests.conftest import api_for  # noqa: F401
from staff.roles import Role
from staff.tests.factories import UserFactory
from tickets.remote.models import FaqEntry
from tickets.tests.factories import ProductFactory

pytestmark = pytest.mark.django_db
LIST = reverse("api:faq-list")


def _entry(problem="打印机卡纸", *, cause="纸路有异物", solution="清理纸路后重启", product=None, published=True):
    return FaqEntry.objects.create(
        problem=problem, cause=cause, solution=solution, product=product, is_published=published,
        created_by=UserFactory(roles=[Role.ENGINEER]),
    )  # fmt: skip


def _ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


def test_gn5_faq_list_and_detail_via_api_publish_only(api_for):
    printer = ProductFactory(name="IP-300 票据打印机")
    general = _entry("无法登录", cause="密码过期", solution="重置密码")
    jam = _entry(product=printer)
    withdrawn = _entry("旧问题", published=False)
    client = api_for(Role.ENGINEER)
    assert _ids(client.get(LIST)) == [jam.pk, general.pk]  # most recently updated first
    row = client.get(reverse("api:faq-detail", args=[jam.pk])).json()
    assert row["problem"] == "打印机卡纸" and row["solution"] == "清理纸路后重启"
    assert row["product"] == printer.pk and row["product_name"] == "IP-300 票据打印机" and row["source_ticket"] is None
    # Withdrawn entries are not part of the API, not even for their curators.
    for role in (Role.ENGINEER, Role.SERVICE_MANAGER):
        assert api_for(role).get(reverse("api:faq-detail", args=[withdrawn.pk])).status_code == 404
    assert withdrawn.pk not in _ids(api_for(Role.SERVICE_MANAGER).get(LIST))


def test_gn5_faq_filters_via_api(api_for):
    printer, scanner = ProductFactory(), ProductFactory()
    general = _entry("无法登录", cause="密码过期", solution="重置密码")
    jam = _entry(product=printer)
    scan = _entry("扫描模糊", cause="镜头脏", solution="清洁镜头", product=scanner)
    client = api_for(Role.AGENT)
    assert _ids(client.get(LIST, {"q": "纸路"})) == [jam.pk]
    assert _ids(client.get(LIST, {"q": "清洁 镜头"})) == [scan.pk]  # every word
    assert _ids(client.get(LIST, {"product": printer.pk})) == [jam.pk, general.pk]  # its own and the general ones
    assert _ids(client.get(LIST, {"product": scanner.pk, "q": "密码"})) == [general.pk]


def test_faq_is_denied_to_roles_outside_faq_roles(api_for):
    entry = _entry()
    client = api_for(Role.HR)
    for url in (LIST, reverse("api:faq-detail", args=[entry.pk])):
        response = client.get(url)
        assert response.status_code == 403 and response.json()["error"]["status"] == 403


def test_faq_bad_product_filter_is_400(api_for):
    for value in ("abc", "999999"):
        response = api_for(Role.AGENT).get(LIST, {"product": value})
        assert response.status_code == 400
        assert "product" in response.json()["error"]["fields"]


@pytest.mark.parametrize("rows", [2, 10])
def test_faq_list_query_count_does_not_grow(api_for, django_assert_num_queries, rows):
    product = ProductFactory()
    for n in range(rows):
        _entry(f"问题 {n}", product=product if n % 2 else None)
    client = api_for(Role.AGENT)
    client.get(LIST)
    with django_assert_num_queries(3):
        assert len(_ids(client.get(LIST))) == rows
