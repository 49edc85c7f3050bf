"""Knowledge base (GN-5): common problems with their cause and solution, promoted from tickets."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class FaqEntry(models.Model):
    problem = models.CharField(_("problem"), max_length=300)
    cause = models.TextField(_("cause"))
    solution = models.TextField(_("solution"))
    product = models.ForeignKey(
        "tickets.Product",
        verbose_name=_("product"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="faq_entries",
        help_text=_("Leave empty when the answer holds for every product."),
    )
    source_ticket = models.OneToOneField(
        "tickets.Ticket",
        verbose_name=_("from ticket"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="faq_entry",
    )
    is_published = models.BooleanField(_("published"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("written by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-updated_at", "-id"]
        verbose_name = _("knowledge base entry")
        verbose_name_plural = _("knowledge base")
        constraints = [
            models.CheckConstraint(
                condition=~Q(problem="") & ~Q(cause="") & ~Q(solution=""), name="remote_faq_complete"
            ),
        ]

    def __str__(self) -> str:
        return self.problem

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("remote:faq_detail", args=[self.pk])
