"""Employee profiles and skills.

A member of staff is a ``staff.User`` (name, phone, team, manager, roles as groups). The
``EmployeeProfile`` adds what HR keeps about an employee: number, level, track, region, work
calendar, probation end and base salary. Only users with a profile are employees for attendance
(ST-1) and payroll (ST-13). ``EmployeeSkill`` rows say what someone can fix; on-site dispatch ranks
engineers by them (GN-3).
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from tickets.models.tickets import TicketType


class Level(models.TextChoices):
    JUNIOR = "junior", _("Junior")
    MID = "mid", _("Mid-level")
    SENIOR = "senior", _("Senior")


class Track(models.TextChoices):
    PRE_SALES = "pre_sales", _("Pre-sales")
    AFTER_SALES = "after_sales", _("After-sales (field)")
    REMOTE = "remote", _("Remote maintenance")


class Skill(models.Model):
    """Something an engineer can handle: a product, a kind of request, or both (GN-3)."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    product = models.ForeignKey(
        "tickets.Product",
        verbose_name=_("product"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="skills",
    )
    # A value of ``tickets.TicketType``, checked in clean(): no choices or CheckConstraint here, so a
    # new ticket type does not need a staff migration.
    ticket_type = models.CharField(
        _("request type"),
        max_length=20,
        blank=True,
        help_text=_("Empty = any type of request for the product."),
    )
    description = models.TextField(_("description"), blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("skill")
        verbose_name_plural = _("skills")

    def __str__(self) -> str:
        return self.name

    def clean(self):
        from django.core.exceptions import ValidationError

        if self.ticket_type and self.ticket_type not in TicketType.values:
            raise ValidationError({"ticket_type": _("Pick a request type from the list.")})


class EmployeeProfile(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="profile"
    )
    employee_number = models.CharField(_("employee number"), max_length=20, unique=True)
    level = models.CharField(_("level"), max_length=10, choices=Level.choices, default=Level.JUNIOR)
    track = models.CharField(_("track"), max_length=12, choices=Track.choices, default=Track.AFTER_SALES)
    region = models.ForeignKey(
        "tickets.Region",
        verbose_name=_("region"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="employees",
    )
    work_calendar = models.ForeignKey(
        "staff.WorkCalendar",
        verbose_name=_("work schedule"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="employees",
        help_text=_("Empty = the default calendar."),
    )
    travel_rate = models.ForeignKey(
        "staff.TravelAllowanceRate",
        verbose_name=_("travel allowance grade"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="employees",
        help_text=_("Empty = the default grade (ordinary employee)."),
    )
    hired_on = models.DateField(_("hired on"), null=True, blank=True)
    probation_ends_on = models.DateField(_("probation ends on"), null=True, blank=True)
    base_salary = models.DecimalField(_("base salary"), max_digits=10, decimal_places=2, default=Decimal("0"))
    history = HistoricalRecords()

    class Meta:
        ordering = ["employee_number"]
        verbose_name = _("employee profile")
        verbose_name_plural = _("employee profiles")
        constraints = [
            models.CheckConstraint(condition=Q(level__in=Level.values), name="staff_profile_level_valid"),
            models.CheckConstraint(condition=Q(track__in=Track.values), name="staff_profile_track_valid"),
            models.CheckConstraint(condition=Q(base_salary__gte=0), name="staff_profile_salary_not_negative"),
            models.CheckConstraint(condition=~Q(employee_number=""), name="staff_profile_number_not_blank"),
        ]

    def __str__(self) -> str:
        return f"{self.employee_number} {self.user}"


class EmployeeSkill(models.Model):
    class Proficiency(models.IntegerChoices):
        BASIC = 1, _("Basic")
        GOOD = 2, _("Good")
        EXPERT = 3, _("Expert")

    employee = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("employee"), on_delete=models.CASCADE, related_name="employee_skills"
    )
    skill = models.ForeignKey(Skill, verbose_name=_("skill"), on_delete=models.CASCADE, related_name="holders")
    level = models.PositiveSmallIntegerField(_("proficiency"), choices=Proficiency.choices, default=Proficiency.BASIC)
    history = HistoricalRecords()

    class Meta:
        ordering = ["skill__name"]
        verbose_name = _("employee skill")
        verbose_name_plural = _("employee skills")
        constraints = [
            models.UniqueConstraint(fields=["employee", "skill"], name="staff_employeeskill_unique"),
            models.CheckConstraint(condition=Q(level__gte=1, level__lte=3), name="staff_employeeskill_level_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.skill} ({self.get_level_display()})"
