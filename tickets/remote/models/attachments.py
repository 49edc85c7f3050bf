"""Stored documents: customer forms (RM-7), training materials and exams, implementation form scans.

One model for every uploaded file. The SHA-256 checksum is computed when the file is stored, so a
copy can be verified later; nobody but an administrator may delete a stored document (RM-7: none
may be lost).
"""

import uuid
from pathlib import PurePath

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Length
from django.db.models.lookups import Exact
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class AttachmentKind(models.TextChoices):
    CHANGE_REQUEST_FORM = "change_request_form", _("Change request form (stamped)")
    CLEANUP_SCOPE = "cleanup_scope", _("Data clean-up scope (written by the customer)")
    PASSWORD_APPLICATION = "password_application", _("Password reset application")
    IMPLEMENTATION_FORM = "implementation_form", _("Implementation form (signed and stamped)")
    ACCEPTANCE_FORM = "acceptance_form", _("Training acceptance form")
    TRAINING_MATERIAL = "training_material", _("Training material")
    EXAM = "exam", _("Exam paper")
    HANDOUT = "handout", _("Handout")
    OTHER = "other", _("Other document")


# RM-7: the customer forms that must be archived (ST-9: a lost one is fined).
CUSTOMER_FORM_KINDS = frozenset(
    {
        AttachmentKind.CHANGE_REQUEST_FORM,
        AttachmentKind.CLEANUP_SCOPE,
        AttachmentKind.PASSWORD_APPLICATION,
        AttachmentKind.IMPLEMENTATION_FORM,
        AttachmentKind.ACCEPTANCE_FORM,
    }
)


def attachment_upload_to(instance, filename: str) -> str:
    """attachments/2026/03/<random>.pdf: the customer's file name stays out of paths and URLs."""
    suffix = PurePath(filename).suffix.lower()[:10]
    return f"attachments/{timezone.localdate():%Y/%m}/{uuid.uuid4().hex}{suffix}"


class Attachment(models.Model):
    customer = models.ForeignKey(
        "tickets.Customer",
        verbose_name=_("customer"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="attachments",
    )
    kind = models.CharField(_("kind"), max_length=30, choices=AttachmentKind.choices)
    file = models.FileField(_("file"), upload_to=attachment_upload_to, max_length=200)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=100, blank=True)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256 checksum"), max_length=64, db_index=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded"), default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-uploaded_at", "-id"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        indexes = [models.Index(fields=["customer", "kind", "-uploaded_at"], name="remote_attachment_archive_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=AttachmentKind.values), name="remote_attachment_kind_valid"),
            models.CheckConstraint(condition=Q(size__gt=0), name="remote_attachment_not_empty"),
            models.CheckConstraint(condition=Exact(Length("sha256"), 64), name="remote_attachment_sha256_length"),
            models.CheckConstraint(condition=~Q(original_name=""), name="remote_attachment_name_not_blank"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.original_name}"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("remote:attachment_download", args=[self.pk])

    @property
    def is_customer_form(self) -> bool:
        return self.kind in CUSTOMER_FORM_KINDS
