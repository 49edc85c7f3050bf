"""Hotline seats (坐席) and sign-ins at them (HL-4).

A seat is a numbered telephone position; the PBX rings seats, and the CTI webhook finds the agent
at the called seat through who is signed in there.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class Seat(models.Model):
    number = models.CharField(
        _("seat number"), max_length=16, unique=True, help_text=_("As the telephone system (PBX) names it, e.g. 8001.")
    )
    label = models.CharField(_("label"), max_length=60, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["number"]
        verbose_name = _("hotline seat")
        verbose_name_plural = _("hotline seats")
        constraints = [
            models.CheckConstraint(condition=~Q(number=""), name="roster_seat_number_not_blank"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.label}".strip()


class SeatSignIn(models.Model):
    """A person at a seat from ``signed_in_at`` until ``signed_out_at`` (open while null)."""

    seat = models.ForeignKey(Seat, verbose_name=_("seat"), on_delete=models.PROTECT, related_name="sign_ins")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("agent"), on_delete=models.PROTECT, related_name="seat_sign_ins"
    )
    signed_in_at = models.DateTimeField(_("signed in"))
    signed_out_at = models.DateTimeField(_("signed out"), null=True, blank=True)

    class Meta:
        ordering = ["-signed_in_at"]
        verbose_name = _("seat sign-in")
        verbose_name_plural = _("seat sign-ins")
        indexes = [models.Index(fields=["seat", "signed_in_at"], name="roster_signin_seat_idx")]
        constraints = [
            # One person per seat and one seat per person at a time.
            models.UniqueConstraint(
                fields=["seat"], condition=Q(signed_out_at__isnull=True), name="roster_one_open_signin_per_seat"
            ),
            models.UniqueConstraint(
                fields=["user"], condition=Q(signed_out_at__isnull=True), name="roster_one_open_signin_per_user"
            ),
            models.CheckConstraint(
                condition=Q(signed_out_at__isnull=True) | Q(signed_out_at__gte=F("signed_in_at")),
                name="roster_signin_out_after_in",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.seat}"
