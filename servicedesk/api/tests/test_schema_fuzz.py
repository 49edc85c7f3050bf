"""schemathesis against the generated OpenAPI schema (issue 15): every operation, with an
authorised token (an administrator: every role), generated path, query and body values. No answer
is a 5xx, and every answer matches the schema (status codes, content type, body shape), a
request the schema calls invalid is refused with a 4xx.

Left out: schemathesis's "schema-valid data is accepted" check. A schema cannot say "the customer
must exist" or "the name must be unused"; those are 400s with a message, as they should be."""

import datetime

import pytest
import schemathesis
from schemathesis.checks import positive_data_acceptance
from django.core import signals
from django.core.handlers.wsgi import WSGIHandler
from django.core.management.color import no_style
from django.db import close_old_connections, connection
from hypothesis import HealthCheck, given, settings
from rest_framework.throttling import SimpleRateThrottle

from staff.roles import Role
from tickets import services as ticket_services
from tickets.models import Contact, Customer, Installation, ServiceContract
from tickets.tests.factories import ContactFactory, CustomerFactory, InstallationFactory, ServiceContractFactory

from .factories import ApiTokenFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    """The raw WSGI handler closes the database connection after each request (as in production);
    inside a test that would close the test's own transaction (PostgreSQL). Django's test client
    does the same disconnect."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def api_token(make_user, monkeypatch):
    # The fuzzer sends hundreds of requests a minute: no throttling here (tested on its own).
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", {"token": "100000/min", "anonymous": "100000/min"})
    user = make_user(*Role.values, username="fuzz-admin")
    customer = CustomerFactory(pk=1)
    ContactFactory(customer=customer, pk=1)
    installation = InstallationFactory(customer=customer, pk=1)
    ServiceContractFactory(customer=customer, pk=1, end_date=datetime.date(2027, 12, 31)).installations.add(installation)
    _move_sequences_past_the_fixed_ids()
    ticket_services.ticket_create(customer=customer, subject="Printer", description="Stops.", created_by=user)
    return ApiTokenFactory(user=user).raw


def _move_sequences_past_the_fixed_ids():
    """The rows above take id 1 so that generated ids find them; PostgreSQL's sequences do not
    move for explicit ids, and the next insert (a POST) would collide with them."""
    models = [Customer, Contact, Installation, ServiceContract]
    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(no_style(), models):
            cursor.execute(statement)


def _operations() -> list[tuple[str, str]]:
    """(method, path) of every operation, read from the generated schema at collection time."""
    from drf_spectacular.generators import SchemaGenerator

    paths = SchemaGenerator().get_schema(request=None, public=True)["paths"]
    return sorted((method.upper(), path) for path, operations in paths.items() for method in operations)


@pytest.mark.parametrize(("method", "path"), _operations(), ids=lambda value: value)
def test_every_operation_answers_within_its_schema(method, path, api_token):
    headers = {"Authorization": f"Bearer {api_token}"}
    schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", WSGIHandler(), headers=headers)
    operation = schema[path][method]

    @given(case=operation.as_strategy())
    @settings(
        max_examples=15,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.data_too_large],
    )
    def check(case):
        case.call_and_validate(headers=headers, excluded_checks=[positive_data_acceptance])

    check()
