import pytest
from django.urls import reverse

from onsite.parts.models import StockLevel, StockMove
from onsite.tests.factories import engineer, service_manager
from staff.roles import Role
from staff.tests.factories import UserFactory

from .factories import PartFactory, VanFactory, WarehouseFactory, stock

pytestmark = pytest.mark.django_db


def _client(client, user):
    client.force_login(user)
    return client


@pytest.mark.parametrize(
    ("role", "status"),
    [(Role.SERVICE_MANAGER, 200), (Role.DUTY_MANAGER, 200), (Role.ADMIN, 200), (Role.ENGINEER, 200), (Role.AGENT, 403)],
)
def test_catalogue_per_role(client, role, status):
    PartFactory(name="热敏打印头")
    response = _client(client, UserFactory(roles=[role])).get(reverse("parts:catalogue"), {"q": "打印头"})
    assert response.status_code == status
    if status == 200:
        assert "热敏打印头" in response.content.decode()


def test_catalogue_empty_state(client):
    response = _client(client, service_manager()).get(reverse("parts:catalogue"), {"q": "nothing"})
    assert "No spare parts match." in response.content.decode()


def test_location_ledger_query_count_is_constant(client, django_assert_max_num_queries):
    keeper, warehouse = service_manager(), WarehouseFactory()
    for _ in range(3):
        stock(part=PartFactory(), location=warehouse, quantity=2, keeper=keeper)
    _client(client, keeper)
    url = reverse("parts:location_detail", args=[warehouse.pk])
    with django_assert_max_num_queries(14) as few:
        client.get(url)
    for _ in range(10):
        stock(part=PartFactory(), location=VanFactory(engineer=engineer()), quantity=1, keeper=keeper)
        stock(part=PartFactory(), location=warehouse, quantity=2, keeper=keeper)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert response.status_code == 200


def test_transfer_moves_stock_once_per_key(client):
    keeper, part, warehouse = service_manager(), PartFactory(), WarehouseFactory()
    van = VanFactory(engineer=engineer())
    stock(part=part, location=warehouse, quantity=5, keeper=keeper)
    data = {"part": part.pk, "from_location": warehouse.pk, "to_location": van.pk, "quantity": 2,
            "idempotency_key": "k" * 32}  # fmt: skip
    _client(client, keeper)
    assert client.post(reverse("parts:transfer"), data).status_code == 302
    assert client.post(reverse("parts:transfer"), data).status_code == 302  # resent
    assert StockLevel.objects.get(part=part, location=van).quantity == 2
    assert StockMove.objects.filter(reason="transfer").count() == 1


def test_transfer_bad_input_is_400_with_a_message(client):
    keeper, part, warehouse = service_manager(), PartFactory(), WarehouseFactory()
    van = VanFactory(engineer=engineer(full_name="刘洋"))
    _client(client, keeper)
    data = {"part": part.pk, "from_location": van.pk, "to_location": warehouse.pk, "quantity": 1, "idempotency_key": "a" * 32}
    response = client.post(reverse("parts:transfer"), data)
    assert response.status_code == 400
    assert "Only 0 left in van of 刘洋" in response.content.decode()
    assert client.post(reverse("parts:transfer"), {"quantity": "x"}).status_code == 400


def test_transfer_refused_to_engineers(client):
    assert _client(client, engineer()).get(reverse("parts:transfer")).status_code == 403


def test_my_van_shows_only_the_engineers_own_stock(client):
    mine, other = engineer(), engineer()
    stock(part=PartFactory(name="我的色带"), location=VanFactory(engineer=mine), quantity=1)
    stock(part=PartFactory(name="别人的色带"), location=VanFactory(engineer=other), quantity=1)
    body = _client(client, mine).get(reverse("parts:my_van")).content.decode()
    assert "我的色带" in body and "别人的色带" not in body


def test_my_van_empty_state(client):
    body = _client(client, engineer()).get(reverse("parts:my_van")).content.decode()
    assert "You have no van stock yet" in body
