"""Reads about seats: who sits where (used by the CTI webhook and the agent script, HL-14)."""

import datetime

from django.db.models import Q

from staff.models import User

from .models import SeatSignIn


def _at(at: datetime.datetime) -> Q:
    return Q(signed_in_at__lte=at) & (Q(signed_out_at__isnull=True) | Q(signed_out_at__gt=at))


def seat_holder(*, seat: str, at: datetime.datetime) -> User | None:
    """The person signed in at seat number ``seat`` at ``at``, or None."""
    sign_in = SeatSignIn.objects.filter(_at(at), seat__number=seat).select_related("user").first()
    return sign_in.user if sign_in else None


def seat_of(*, user, at: datetime.datetime) -> str | None:
    """The number of the seat ``user`` is signed in at, at ``at``, or None."""
    return SeatSignIn.objects.filter(_at(at), user=user).values_list("seat__number", flat=True).first()
