"""Forms of the on-site service. They check the input; the rules are in the services and policies.

On the phone every step form is bound again on a refused submit, so nothing typed is lost; the
fields are also kept in the phone's storage by ``static/js/onsite.js`` when the network drops.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from staff.models import User
from staff.roles import Role
from tickets.remote.forms import DateInput, customer_contacts, local_datetime_field

from . import policies
from .models import MissCause, OrderStatus
from servicedesk.core.idempotency import IdempotentFormMixin


def _text(label, *, rows=3, required=True, help_text="", max_length=None):
    return forms.CharField(
        label=label,
        required=required,
        max_length=max_length,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": rows}),
    )


class ChecklistMixin:
    """A checklist (``policies.*_CHECKS``) as optional checkboxes: the service says what is missing."""

    checklist: dict = {}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, label in self.checklist.items():
            self.fields[name] = forms.BooleanField(label=label, required=False)

    def check_fields(self) -> list:
        return [self[name] for name in self.checklist]

    def checks(self) -> dict:
        return {name: self.cleaned_data.get(name, False) for name in self.checklist}


class WindowFormMixin:
    """Both ends of a visit window, or neither (the service says which are required)."""

    window_fields = ("agreed_start", "agreed_end")

    def clean(self):
        data = super().clean()
        start_name, end_name = self.window_fields
        start, end = data.get(start_name), data.get(end_name)
        if start and end and end <= start:
            self.add_error(end_name, _("The visit window must end after it starts."))
        return data


class OrderRequestForm(IdempotentFormMixin, WindowFormMixin, forms.Form):
    """OS-1: the on-site service request form (上门服务申请单) of a ticket."""

    problem = _text(_("Problem to solve on site"), rows=4)
    contact = forms.ModelChoiceField(label=_("Contact on site"), queryset=None, required=False)
    site_address = forms.CharField(
        label=_("Site address"), max_length=300, required=False, help_text=_("Empty: the installation's or customer's address.")
    )
    offered_by = forms.DateField(
        label=_("Visit offered by"),
        required=False,
        widget=DateInput(),
        help_text=_("Within three days of the call. Leave empty when the window below is agreed: its first day counts."),  # HL-6
    )
    agreed_start = local_datetime_field(_("Agreed visit from"), required=False)
    agreed_end = local_datetime_field(_("Agreed visit until"), required=False)

    def __init__(self, *args, ticket, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contact"].queryset = customer_contacts(ticket.customer)


class ApproveForm(WindowFormMixin, forms.Form):
    agreed_start = local_datetime_field(_("Agreed visit from"))
    agreed_end = local_datetime_field(_("Agreed visit until"))
    note = forms.CharField(label=_("Note"), max_length=500, required=False)


class AssignForm(forms.Form):
    engineer = forms.ModelChoiceField(
        label=_("Engineer"),
        queryset=User.objects.filter(is_active=True, groups__name=Role.ENGINEER).distinct(),
        error_messages={"required": _("Pick an engineer.")},
    )


class CallForm(IdempotentFormMixin, ChecklistMixin, forms.Form):
    """OS-3: the pre-visit call. The button pressed says whether the customer was reached."""

    checklist = policies.PRECALL_CHECKS
    reached = forms.TypedChoiceField(
        choices=[("1", _("Customer reached")), ("0", _("Unreachable"))], coerce=lambda v: v == "1", widget=forms.HiddenInput
    )
    note = _text(_("Note"), rows=2, required=False)


def _confirm_early():
    return forms.BooleanField(
        label=_("Go ahead anyway"),
        required=False,
        help_text=_("You are well before the agreed visit window; this is noted on the order's timeline."),
    )


class DepartForm(IdempotentFormMixin, ChecklistMixin, forms.Form):
    """OS-2: sure to solve it and knows the address, or consults the hotline first."""

    checklist = policies.DEPART_CHECKS
    confirm_early = _confirm_early()


# Hidden fields the phone fills anew on each submit (never restored from its storage).
_FRESH = forms.HiddenInput(attrs={"data-fresh": ""})


class PositionForm(IdempotentFormMixin, forms.Form):
    """Check-in and check-out: the position is filled by the phone when it allows it. Like every
    engineer step it carries an idempotency key: the phone's offline queue may send it twice."""

    latitude = forms.DecimalField(required=False, max_digits=12, decimal_places=8, widget=_FRESH)
    longitude = forms.DecimalField(required=False, max_digits=12, decimal_places=8, widget=_FRESH)
    accuracy = forms.FloatField(required=False, min_value=0, widget=_FRESH)


class CheckInForm(PositionForm):
    """Check-in: the position, and the confirmation when well before the agreed window (issue 17)."""

    confirm_early = _confirm_early()


class WorkReportForm(IdempotentFormMixin, ChecklistMixin, forms.Form):
    """OS-4: the on-site checklist and what was found and done. Idempotent (issue 16): a resent
    report (the offline phone sends it again) saves nothing twice and takes no van part twice."""

    checklist = policies.ONSITE_CHECKS
    cause = _text(_("Cause"), help_text=_("What caused the problem."))
    actions = _text(_("Actions taken"), rows=4)
    prevention = _text(_("Prevention advice given"), rows=2, required=False)


def van_part_choices(levels) -> list[tuple[str, str]]:
    """Issue 16: the engineer's van parts for the parts rows, "P-100 Fan (3 pcs in your van)"; one
    query for the whole formset (the levels are read once by the view)."""
    return [("", _("Not from my van (type the part below)"))] + [
        (
            str(level.part_id),
            _("%(number)s %(name)s (%(quantity)s %(unit)s in your van)")
            % {"number": level.part.number, "name": level.part.name, "quantity": level.quantity, "unit": level.part.unit},
        )
        for level in levels
    ]


class PartForm(forms.Form):
    """OS-11: one part used or replaced. Issue 16: either a part from the engineer's van (``part``,
    taken off the van's stock with the report) or, for a part not in the catalogue (bought on the
    way, the customer's own), its name typed in (on the report only, not on the stock ledger)."""

    part = forms.TypedChoiceField(label=_("From my van"), required=False, coerce=int, empty_value=None)
    name = forms.CharField(label=_("Part not in the catalogue"), max_length=150, required=False)
    part_number = forms.CharField(label=_("Part number"), max_length=60, required=False)
    quantity = forms.IntegerField(label=_("Quantity"), min_value=1, max_value=9999, required=False, initial=1)
    serial_out = forms.CharField(
        label=_("Serial number taken out"), max_length=64, required=False,
        help_text=_("Serial-tracked parts: the unit you removed from the installation."),
    )  # fmt: skip
    serial_in = forms.CharField(
        label=_("Serial number put in"), max_length=64, required=False,
        help_text=_("Serial-tracked parts: the unit from your van."),
    )  # fmt: skip
    return_to_factory = forms.BooleanField(label=_("Back to the factory for repair"), required=False)

    def __init__(self, *args, van_levels=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.van_parts = {level.part_id: level.part for level in van_levels}
        self.fields["part"].choices = van_part_choices(van_levels)

    def clean(self):
        data = super().clean()
        part_id = data.get("part")
        data["part"] = self.van_parts.get(part_id) if part_id else None
        if data["part"] is not None:
            if data.get("name") or data.get("part_number"):
                self.add_error("name", _("Choose a part from your van or type one not in the catalogue, not both."))
            if data["part"].serial_tracked and not data.get("serial_in"):
                self.add_error("serial_in", _("Give the serial number of the unit you put in."))
        elif not data.get("name") and (data.get("part_number") or data.get("return_to_factory") or data.get("serial_in")):
            self.add_error("name", _("Name the part."))
        return data


PartFormSet = forms.formset_factory(PartForm, extra=2, max_num=20, validate_max=True)


def part_formset(data=None, *, van_levels=()) -> forms.BaseFormSet:
    """The work report's parts rows; ``van_levels`` (the engineer's van stock) fills the van select."""
    return PartFormSet(data, prefix="parts", form_kwargs={"van_levels": list(van_levels)})


def parts_used(formset) -> list[dict]:
    return [
        {**form.cleaned_data, "quantity": form.cleaned_data.get("quantity") or 1}
        for form in formset
        if form.cleaned_data.get("name") or form.cleaned_data.get("part")
    ]


class SignForm(IdempotentFormMixin, forms.Form):
    """The customer signs on the phone and rates the service (OS-4, OS-10)."""

    customer_name = forms.CharField(label=_("Customer's name"), max_length=100)
    rating = forms.TypedChoiceField(
        label=_("Rating"),
        choices=[(n, str(n)) for n in range(5, 0, -1)],
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": _("Ask the customer for a rating from 1 to 5.")},
    )
    comment = _text(_("Customer's comment"), rows=2, required=False)
    signature = forms.CharField(
        widget=forms.HiddenInput, error_messages={"required": _("The signature is missing: ask the customer to sign in the box.")}
    )


class TripForm(IdempotentFormMixin, forms.Form):
    text = _text(
        _("Service record of the trip"),
        rows=4,
        help_text=_("Route and times, who you met, what was done, what is still open."),  # OS-7
    )


class EscalateForm(IdempotentFormMixin, forms.Form):
    reason = _text(_("What do you need help with?"), help_text=_("Tell the customer first."))  # OS-5


class NoteForm(forms.Form):
    note = forms.CharField(label=_("Note"), max_length=500, required=False)


class HandInForm(IdempotentFormMixin, forms.Form):
    """OS-6: the button that records the signed form as handed in (a key only: the offline queue)."""


class RescheduleForm(WindowFormMixin, forms.Form):
    """OS-9: a new window, the reason and who caused it."""

    window_fields = ("new_start", "new_end")
    caused_by = forms.ChoiceField(label=_("Caused by"), choices=MissCause.choices, widget=forms.RadioSelect)
    reason = _text(_("Reason"), rows=2)
    new_start = local_datetime_field(_("New visit from"))
    new_end = local_datetime_field(_("New visit until"))


class CancelForm(forms.Form):
    reason = _text(_("Reason for cancelling"), rows=2)


class PartReturnedForm(forms.Form):
    returned_on = forms.DateField(label=_("Back from the factory on"), widget=DateInput())


class OrderFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("Any")), ("open", _("Open"))] + list(OrderStatus.choices)
    )
    engineer = forms.ModelChoiceField(
        label=_("Engineer"),
        required=False,
        queryset=User.objects.filter(is_active=True, groups__name=Role.ENGINEER).distinct().order_by("full_name"),
    )
    q = forms.CharField(label=_("Ticket number, customer or address"), required=False, max_length=100)


class CalendarForm(forms.Form):
    day = forms.DateField(label=_("Day"), required=False, widget=DateInput())
    view = forms.ChoiceField(label=_("Show"), required=False, choices=[("week", _("Week")), ("day", _("Day"))])
    engineer = forms.ModelChoiceField(
        label=_("Engineer"),
        required=False,
        queryset=User.objects.filter(is_active=True, groups__name=Role.ENGINEER).distinct().order_by("full_name"),
    )




# --- Visit photos (issue 16) ------------------------------------------------------------------------

# Photos one upload form may carry (the phone sends them resized, some 300 KB each).
PHOTOS_PER_UPLOAD = 10


class PhotoInput(forms.FileInput):
    """The phone's camera or gallery: ``capture`` opens the back camera, ``multiple`` lets the
    gallery pick several; ``static/js/photos.js`` resizes what was picked before it is sent."""

    allow_multiple_selected = True

    def __init__(self, attrs=None):
        defaults = {"accept": "image/*", "capture": "environment", "multiple": True, "data-photo-input": ""}
        super().__init__({**defaults, **(attrs or {})})


class PhotoFilesField(forms.FileField):
    """One or more files; each is checked by the service (type, size, pixels)."""

    widget = PhotoInput

    def clean(self, data, initial=None):
        files = [f for f in (data if isinstance(data, (list, tuple)) else [data]) if f]
        if not files:
            raise forms.ValidationError(self.error_messages["required"], code="required")
        if len(files) > PHOTOS_PER_UPLOAD:
            raise forms.ValidationError(
                _("Send at most %(count)d photos at a time.") % {"count": PHOTOS_PER_UPLOAD}, code="too_many"
            )
        return [super(PhotoFilesField, self).clean(f, initial) for f in files]


class PhotoForm(IdempotentFormMixin, forms.Form):
    photos = PhotoFilesField(
        label=_("Photos"),
        error_messages={"required": _("Take a photo or choose one first.")},
        help_text=_("JPEG, PNG or WebP. Large pictures are made smaller on the phone before sending."),
    )
    caption = forms.CharField(label=_("Caption"), max_length=200, required=False)
