from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tickets.models import Contact, Product

from .models import AttachmentKind, ChangeStatus, RecordKind
from .policies import MISSING_FIELD_MESSAGES, RECORD_REQUIRED_FIELDS
from servicedesk.core.uploads import validate_document

from .services import RECORD_UPLOAD_KINDS

DATETIME_LOCAL = "%Y-%m-%dT%H:%M"


class DocumentField(forms.FileField):
    """An uploaded document (RM-7) checked by the project's one upload validator: size limit,
    extension allow-list, and the content sniffed from the bytes (servicedesk/core/uploads.py)."""

    default_validators = [validate_document]

    def __init__(self, **kwargs):
        kwargs.setdefault("help_text", _("PDF, picture, Office or text file. After an error, choose the file again."))
        super().__init__(**kwargs)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format=DATETIME_LOCAL, **kwargs)


def local_datetime_field(label, **kwargs) -> forms.DateTimeField:
    return forms.DateTimeField(label=label, input_formats=[DATETIME_LOCAL], widget=DateTimeLocalInput(), **kwargs)


def customer_contacts(customer):
    return Contact.objects.filter(customer=customer, is_active=True).order_by("name")


# The fields each kind of record shows, in order (the policy says which are mandatory).
RECORD_FORM_FIELDS = {
    RecordKind.SESSION: ("contact", "department", "served_at", "actions"),
    RecordKind.DATA_CLEANUP: ("contact", "department", "served_at", "form_upload", "tools", "sql_used", "actions"),
    RecordKind.REPORT_PROBLEM: ("contact", "department", "served_at", "report_name", "question", "analysis", "solution"),
    RecordKind.PASSWORD_RESET: ("contact", "department", "served_at", "form_upload", "told_contact", "actions"),
}
UPLOAD_LABELS = {
    RecordKind.DATA_CLEANUP: _("Customer's written scope of the clean-up"),
    RecordKind.PASSWORD_RESET: _("Customer's formal application"),
}


class RemoteRecordForm(forms.Form):
    """RM-1..RM-4: the fields of one kind of record; its mandatory fields are required."""

    contact = forms.ModelChoiceField(label=_("Contact served"), queryset=Contact.objects.none())
    department = forms.CharField(
        label=_("Department"), max_length=100, required=False,
        help_text=_("Leave empty to use the contact's department."),
    )  # fmt: skip
    served_at = local_datetime_field(_("Service given at"), help_text=_("When the remote service took place."))
    form_upload = DocumentField(label=_("Customer's document"))
    tools = forms.CharField(label=_("Tools used"), max_length=300)
    sql_used = forms.CharField(label=_("SQL statements used"), widget=forms.Textarea(attrs={"rows": 4, "class": "mono"}))
    report_name = forms.CharField(label=_("Report name"), max_length=200)
    question = forms.CharField(label=_("Customer's question"), widget=forms.Textarea(attrs={"rows": 3}))
    analysis = forms.CharField(label=_("Analysis"), widget=forms.Textarea(attrs={"rows": 3}))
    solution = forms.CharField(label=_("Solution"), widget=forms.Textarea(attrs={"rows": 3}))
    told_contact = forms.ModelChoiceField(label=_("Contact who was told the password"), queryset=Contact.objects.none())
    actions = forms.CharField(label=_("What was done"), widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, ticket, kind: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind = kind
        shown = RECORD_FORM_FIELDS[kind]
        for name in list(self.fields):
            if name not in shown:
                del self.fields[name]
        required = set(RECORD_REQUIRED_FIELDS[kind])
        upload_field = RECORD_UPLOAD_KINDS.get(kind)
        for name, field in self.fields.items():
            policy_name = upload_field if name == "form_upload" else name
            if name in ("contact", "served_at"):
                field.required = True
            elif name != "department":
                field.required = policy_name in required
            if policy_name in MISSING_FIELD_MESSAGES:
                field.error_messages["required"] = MISSING_FIELD_MESSAGES[policy_name]
        if "form_upload" in self.fields:
            self.fields["form_upload"].label = UPLOAD_LABELS[kind]
        contacts = customer_contacts(ticket.customer)
        self.fields["contact"].queryset = contacts
        if "told_contact" in self.fields:
            self.fields["told_contact"].queryset = contacts
        if not self.is_bound:
            self.initial.setdefault("contact", ticket.contact_id)
            self.initial.setdefault("served_at", timezone.localtime().strftime(DATETIME_LOCAL))


class ChangeRequestForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    requirement = forms.CharField(label=_("Customer's requirement"), widget=forms.Textarea(attrs={"rows": 5}))
    form_upload = DocumentField(
        label=_("Stamped requirement form"),
        error_messages={"required": _("Attach the customer's stamped requirement form.")},  # RM-5
    )


class BugForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    product = forms.ModelChoiceField(label=_("Product"), queryset=Product.objects.filter(is_active=True), required=False)
    version = forms.CharField(label=_("Version"), max_length=50, required=False)
    reproduction_steps = forms.CharField(
        label=_("Steps to reproduce"),
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": _("Write down the steps that reproduce the bug.")},  # RM-6
    )
    error_message = forms.CharField(
        label=_("Error message shown"),
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Copy the error message the customer saw.")},  # RM-6
    )


class ConfirmForm(forms.Form):
    note = forms.CharField(label=_("Requirement as confirmed with the customer"), widget=forms.Textarea(attrs={"rows": 3}))


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("approve", _("Approve")), ("reject", _("Reject"))],
        widget=forms.RadioSelect,
        initial="approve",
    )
    opinion = forms.CharField(label=_("Opinion"), widget=forms.Textarea(attrs={"rows": 3}))
    expected_on = forms.DateField(label=_("Expected completion"), required=False, widget=DateInput())

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") == "approve" and not cleaned.get("expected_on"):
            self.add_error("expected_on", _("Give the expected completion date."))
        return cleaned


class TellForm(forms.Form):
    contact = forms.ModelChoiceField(label=_("Contact told"), queryset=Contact.objects.none())

    def __init__(self, *args, change, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contact"].queryset = customer_contacts(change.ticket.customer)
        self.initial.setdefault("contact", change.ticket.contact_id)


class DelayForm(forms.Form):
    new_expected_on = forms.DateField(label=_("New expected completion"), widget=DateInput())
    reason = forms.CharField(label=_("Reason told to the customer"), widget=forms.Textarea(attrs={"rows": 2}))


class NoteForm(forms.Form):
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class TestForm(forms.Form):
    passed = forms.TypedChoiceField(
        label=_("Result"),
        choices=[("1", _("Passed")), ("0", _("Failed: back to development"))],
        coerce=lambda value: value == "1",
        widget=forms.RadioSelect,
        initial="1",
    )
    note = forms.CharField(label=_("What was tested"), widget=forms.Textarea(attrs={"rows": 2}))


class OpinionForm(forms.Form):
    opinion = forms.CharField(label=_("Customer's opinion"), widget=forms.Textarea(attrs={"rows": 3}))


class ChangeFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=[("", _("Any"))] + list(ChangeStatus.choices), required=False)
    overdue = forms.BooleanField(label=_("Only overdue"), required=False)


class FaqForm(forms.Form):
    problem = forms.CharField(label=_("Problem"), max_length=300)
    cause = forms.CharField(label=_("Cause"), widget=forms.Textarea(attrs={"rows": 3}))
    solution = forms.CharField(label=_("Solution"), widget=forms.Textarea(attrs={"rows": 5}))
    product = forms.ModelChoiceField(
        label=_("Product"), queryset=Product.objects.filter(is_active=True), required=False,
        empty_label=_("Every product"),
    )  # fmt: skip


class FaqSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Words of the problem, cause or solution")}),
    )
    product = forms.ModelChoiceField(
        label=_("Product"), queryset=Product.objects.filter(is_active=True), required=False, empty_label=_("Any")
    )


class ArchiveFilterForm(forms.Form):
    q = forms.CharField(label=_("Customer"), required=False, widget=forms.TextInput(attrs={"type": "search"}))
    kind = forms.ChoiceField(label=_("Kind"), choices=[("", _("Any"))] + list(AttachmentKind.choices), required=False)


def add_service_errors(form: forms.Form, exc, field_map: dict | None = None) -> None:
    """Show a service's ValidationError on the form: on the matching field where there is one."""
    field_map = field_map or {}
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return
    for field, errors in exc.error_dict.items():
        target = field_map.get(field, field)
        form.add_error(target if target in form.fields else None, errors)
