"""Writes for seats: signing in and out (HL-4)."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from .models import Seat, SeatSignIn


@transaction.atomic
def seat_sign_in(*, seat: Seat, user, now: datetime.datetime) -> SeatSignIn:
    """Sign ``user`` in at ``seat``. Signing in again at the same seat returns the open sign-in;
    moving to another seat signs out of the previous one first. A seat someone else holds is refused."""
    if not seat.is_active:
        raise ValidationError({"seat": _("Seat %(seat)s is not in use.") % {"seat": seat.number}})
    open_rows = SeatSignIn.objects.select_for_update().filter(signed_out_at__isnull=True)
    mine = open_rows.filter(user=user).first()
    if mine is not None and mine.seat_id == seat.pk:
        return mine
    holder = open_rows.filter(seat=seat).exclude(user=user).select_related("user").first()
    if holder is not None:
        raise ValidationError(
            {"seat": _("Seat %(seat)s is taken by %(name)s.") % {"seat": seat.number, "name": holder.user}}
        )
    if mine is not None:
        mine.signed_out_at = now
        mine.save(update_fields=["signed_out_at"])
    return SeatSignIn.objects.create(seat=seat, user=user, signed_in_at=now)


@transaction.atomic
def seat_sign_out(*, user, now: datetime.datetime) -> SeatSignIn | None:
    """Sign ``user`` out of their seat; None when they were not signed in."""
    mine = SeatSignIn.objects.select_for_update().filter(user=user, signed_out_at__isnull=True).first()
    if mine is not None:
        mine.signed_out_at = max(now, mine.signed_in_at)
        mine.save(update_fields=["signed_out_at"])
    return mine
