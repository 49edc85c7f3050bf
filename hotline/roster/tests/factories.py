import factory

from hotline.roster.models import Seat


class SeatFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Seat
        django_get_or_create = ("number",)

    number = factory.Sequence(lambda n: f"80{n:02d}")
    label = factory.LazyAttribute(lambda seat: f"Seat {seat.number}")
