"""Filters shared by the API's resources.

`InstantFilter` is the one datetime filter every resource uses. An ISO 8601 instant may carry any
offset the format allows (up to +-23:59) and any year from 1; PostgreSQL refuses offsets beyond
+-15:59 in a query, which turned a well-formed but absurd filter into a 500. The field therefore
answers with the instant in UTC, and an instant that does not fit in UTC is a 400 with a message."""

import datetime

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _
from django_filters.fields import IsoDateTimeField


class InstantField(IsoDateTimeField):
    default_error_messages = {
        "out_of_range": _("Enter a date and time between the years 1 and 9999."),
    }

    def to_python(self, value):
        instant = super().to_python(value)
        if instant is None:
            return None
        try:
            return instant.astimezone(datetime.UTC)
        except OverflowError:
            raise forms.ValidationError(self.error_messages["out_of_range"], code="out_of_range") from None


class InstantFilter(django_filters.IsoDateTimeFilter):
    """An ISO 8601 date and time with an offset (``2026-12-07T09:00:00+08:00``), compared in UTC."""

    field_class = InstantField
