import datetime
from zoneinfo import ZoneInfo

import factory

from hotline.roster.models import Seat, Shift, ShiftTemplate
from hotline.roster.policies import shift_span

TZ = ZoneInfo("Asia/Shanghai")


class SeatFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Seat
        django_get_or_create = ("number",)

    number = factory.Sequence(lambda n: f"80{n:02d}")
    label = factory.LazyAttribute(lambda seat: f"Seat {seat.number}")


class ShiftTemplateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ShiftTemplate
        django_get_or_create = ("code",)

    code = "day"
    name = "Day"
    start = datetime.time(8, 30)
    end = datetime.time(17, 30)
    days = ShiftTemplate.Days.EVERY


class ShiftFactory(factory.django.DjangoModelFactory):
    """A draft shift; ``starts_at``/``ends_at`` follow the template on ``date`` (Asia/Shanghai)."""

    class Meta:
        model = Shift

    date = datetime.date(2026, 12, 7)
    template = factory.SubFactory(ShiftTemplateFactory)
    starts_at = factory.LazyAttribute(lambda s: shift_span(day=s.date, start=s.template.start, end=s.template.end, tz=TZ)[0])
    ends_at = factory.LazyAttribute(lambda s: shift_span(day=s.date, start=s.template.start, end=s.template.end, tz=TZ)[1])


def at(text: str) -> datetime.datetime:
    """A local (Asia/Shanghai) moment: ``at("2026-12-07 09:10")``."""
    return datetime.datetime.fromisoformat(text).replace(tzinfo=TZ)
