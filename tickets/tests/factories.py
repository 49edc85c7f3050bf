import datetime

import factory
from factory.django import DjangoModelFactory

from staff.tests.factories import UserFactory
from tickets.models import Contact, Customer, Installation, Product, Region, ServiceContract, Ticket
from tickets.models.tickets import Channel, Priority, TicketType


class RegionFactory(DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"region-{n}")
    name = factory.Sequence(lambda n: f"Region {n}")


class CustomerFactory(DjangoModelFactory):
    class Meta:
        model = Customer

    name = factory.Sequence(lambda n: f"客户 Customer {n} Co., Ltd.")
    region = factory.SubFactory(RegionFactory)
    address = factory.Faker("address")
    phone = factory.Sequence(lambda n: f"010-6000 {n:04d}")


class ContactFactory(DjangoModelFactory):
    class Meta:
        model = Contact

    customer = factory.SubFactory(CustomerFactory)
    name = factory.Faker("name")
    mobile = factory.Sequence(lambda n: f"139 {n // 10000:04d} {n % 10000:04d}")
    email = factory.LazyAttribute(lambda c: f"contact{c.mobile[-4:]}@example.com")


class ProductFactory(DjangoModelFactory):
    class Meta:
        model = Product
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"product-{n}")
    name = factory.Sequence(lambda n: f"Product {n}")


class InstallationFactory(DjangoModelFactory):
    class Meta:
        model = Installation

    customer = factory.SubFactory(CustomerFactory)
    product = factory.SubFactory(ProductFactory)
    serial_number = factory.Sequence(lambda n: f"SN-{n:08d}")
    installed_on = datetime.date(2025, 1, 15)


class ServiceContractFactory(DjangoModelFactory):
    class Meta:
        model = ServiceContract

    number = factory.Sequence(lambda n: f"SC-T-{n:05d}")
    customer = factory.SubFactory(CustomerFactory)
    signed_on = datetime.date(2026, 1, 1)
    start_date = datetime.date(2026, 1, 1)
    end_date = datetime.date(2026, 12, 31)
    active_users = 500


class TicketFactory(DjangoModelFactory):
    """Builds rows directly for read-side tests; use ``services.ticket_create`` to test behaviour."""

    class Meta:
        model = Ticket

    number = factory.Sequence(lambda n: f"SD-2026-{900000 + n:06d}")
    customer = factory.SubFactory(CustomerFactory)
    contact = factory.SubFactory(ContactFactory, customer=factory.SelfAttribute("..customer"))
    subject = factory.Sequence(lambda n: f"Printer fault {n}")
    description = "The invoice printer stops after the first page."
    type = TicketType.FAULT
    priority = Priority.NORMAL
    channel = Channel.HOTLINE
    created_by = factory.SubFactory(UserFactory)
