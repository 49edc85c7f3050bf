import pytest
from django.urls import reverse

from onsite.parts import services
from onsite.parts.models import StockLevel, StockMove
from onsite.tests.factories import NOW, engineer, service_manager
from staff.roles import Role
from staff.tests.factories import UserFactory

from .factories import PartFactory, VanFactory, WarehouseFactory, key, stock

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


# --- Receive, count, factory repairs (issue 16) ----------------------------------------------------------


def test_receive_into_the_warehouse_once_per_key(client):
    keeper, part, warehouse = service_manager(), PartFactory(), WarehouseFactory()
    _client(client, keeper)
    assert client.get(reverse("parts:receive"), {"location": warehouse.pk}).status_code == 200
    data = {"part": part.pk, "location": warehouse.pk, "quantity": 5, "note": "供应商 A", "idempotency_key": "r" * 32}
    response = client.post(reverse("parts:receive"), data)
    assert response.status_code == 302 and response.url == warehouse.get_absolute_url()
    assert client.post(reverse("parts:receive"), data).status_code == 302  # resent
    assert StockLevel.objects.get(part=part, location=warehouse).quantity == 5
    move = StockMove.objects.get(reason="receive")
    assert (move.quantity, move.note, move.actor) == (5, "供应商 A", keeper)


def test_receive_serial_tracked_without_serial_is_400(client):
    keeper, part, warehouse = service_manager(), PartFactory(serial_tracked=True), WarehouseFactory()
    _client(client, keeper)
    data = {"part": part.pk, "location": warehouse.pk, "quantity": 1, "idempotency_key": "s" * 32}
    response = client.post(reverse("parts:receive"), data)
    assert response.status_code == 400 and "Give the serial number of this part." in response.content.decode()
    assert not StockMove.objects.exists()


@pytest.mark.parametrize("role", [Role.ENGINEER, Role.DUTY_MANAGER, Role.AGENT])
def test_receive_and_count_refused_to_non_keepers(client, role):
    _client(client, UserFactory(roles=[role]))
    assert client.get(reverse("parts:receive")).status_code == 403
    assert client.get(reverse("parts:count")).status_code == 403


def test_count_correction_is_a_ledger_move_with_its_reason(client):
    keeper, part, warehouse = service_manager(), PartFactory(), WarehouseFactory()
    stock(part=part, location=warehouse, quantity=10, keeper=keeper)
    _client(client, keeper)
    data = {"part": part.pk, "location": warehouse.pk, "counted": 7, "note": "盘点：3 个损坏", "idempotency_key": "c" * 32}
    response = client.post(reverse("parts:count"), data, follow=True)
    assert "corrected by −3" in response.content.decode()
    assert "盘点：3 个损坏" in response.content.decode()  # the reason shows on the ledger
    assert StockLevel.objects.get(part=part, location=warehouse).quantity == 7
    adjust = StockMove.objects.get(reason="adjust_count")
    assert (adjust.from_location, adjust.quantity, adjust.note) == (warehouse, 3, "盘点：3 个损坏")


def test_count_needs_a_reason_and_a_matching_count_records_nothing(client):
    keeper, part, warehouse = service_manager(), PartFactory(), WarehouseFactory()
    stock(part=part, location=warehouse, quantity=2, keeper=keeper)
    _client(client, keeper)
    base = {"part": part.pk, "location": warehouse.pk, "counted": 1}
    assert client.post(reverse("parts:count"), {**base, "idempotency_key": "d" * 32}).status_code == 400
    response = client.post(reverse("parts:count"), {**base, "counted": 2, "note": "ok", "idempotency_key": "e" * 32}, follow=True)
    assert "nothing to correct" in response.content.decode()
    assert not StockMove.objects.filter(reason="adjust_count").exists()


def test_os11_factory_send_list_and_back(client, django_assert_max_num_queries):
    keeper, warehouse = service_manager(), WarehouseFactory()
    part = PartFactory(name="电源")
    stock(part=part, location=warehouse, quantity=3, keeper=keeper)
    _client(client, keeper)
    data = {"part": part.pk, "from_location": warehouse.pk, "quantity": 1, "note": "不通电", "idempotency_key": "f" * 32}
    assert client.post(reverse("parts:factory"), data).status_code == 302
    assert client.post(reverse("parts:factory"), data).status_code == 302  # resent
    sent = StockMove.objects.get(reason="return_to_factory")
    assert StockLevel.objects.get(part=part, location=warehouse).quantity == 2 and sent.factory_due_on
    body = client.get(reverse("parts:factory")).content.decode()
    assert "电源" in body and "不通电" in body
    response = client.post(reverse("parts:factory_returned", args=[sent.pk]), {"to_location": warehouse.pk})
    assert response.status_code == 302
    assert StockMove.objects.get(reason="factory_returned").returns_move == sent
    assert StockLevel.objects.get(part=part, location=warehouse).quantity == 3
    assert "No parts at the factory." in client.get(reverse("parts:factory")).content.decode()


def test_os11_factory_list_query_count_is_constant(client, django_assert_max_num_queries):
    keeper, warehouse = service_manager(), WarehouseFactory()

    def send():
        part = PartFactory()
        stock(part=part, location=warehouse, quantity=1, keeper=keeper)
        services.return_to_factory(part=part, from_location=warehouse, actor=keeper, key=key(), now=NOW)

    send()
    _client(client, keeper)
    with django_assert_max_num_queries(20) as few:
        assert client.get(reverse("parts:factory")).status_code == 200
    for _ in range(8):
        send()
    with django_assert_max_num_queries(len(few.captured_queries)):
        body = client.get(reverse("parts:factory")).content.decode()
    assert body.count("Back from the factory</button>") == 9


def test_factory_refused_to_engineers(client):
    assert _client(client, engineer()).get(reverse("parts:factory")).status_code == 403
