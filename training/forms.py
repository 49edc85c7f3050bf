from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from staff.roles import Role
from tickets.forms import CustomerNameField
from tickets.models import Customer
from tickets.remote.forms import DateInput, DocumentField, customer_contacts, local_datetime_field
from tickets.remote.models import AttachmentKind
from tickets.selectors import staff_assignable

from .models import ImplementationProject, PlanStatus, ProjectStatus, TrainingPlan
from .services import PLAN_DOCUMENT_KINDS


def _customer_field() -> CustomerNameField:
    return CustomerNameField(
        label=_("Customer"),
        queryset=Customer.objects.filter(is_active=True),
        to_field_name="name",
        widget=forms.TextInput(attrs={"list": "customer-options", "autocomplete": "off"}),
        help_text=_("Type part of the customer's full name and pick it from the list."),
    )


class PlanForm(forms.ModelForm):
    """TR-1: the training plan: course, instructor, days, place, exam maximum."""

    customer = _customer_field()
    instructor = forms.ModelChoiceField(label=_("Instructor"), queryset=staff_assignable(roles=(Role.ENGINEER,)))

    class Meta:
        model = TrainingPlan
        fields = ["customer", "course", "instructor", "starts_on", "ends_on", "place", "exam_max_score"]
        widgets = {"starts_on": DateInput(), "ends_on": DateInput()}

    def __init__(self, *args, fixed_customer: Customer | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk or fixed_customer is not None:
            del self.fields["customer"]


class ChecklistItemForm(forms.Form):
    text = forms.CharField(label=_("New checklist item"), max_length=200)


class PlanDocumentForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind"), choices=[(k, AttachmentKind(k).label) for k in PLAN_DOCUMENT_KINDS], initial=AttachmentKind.TRAINING_MATERIAL
    )
    upload = DocumentField(label=_("File"))


class TeachingPlanForm(forms.Form):
    teaching_plan = forms.CharField(
        label=_("Teaching plan"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("What is taught in which session, written from the training plan."),  # TR-2
        error_messages={"required": _("Write the teaching plan.")},  # TR-2
    )


class TraineeForm(forms.Form):
    contact = forms.ModelChoiceField(label=_("Trainee"), queryset=None, empty_label=_("Pick one of the customer's contacts"))

    def __init__(self, *args, plan: TrainingPlan, **kwargs):
        super().__init__(*args, **kwargs)
        taken = plan.trainees.values("contact_id")
        self.fields["contact"].queryset = customer_contacts(plan.customer).exclude(pk__in=taken)


class SessionForm(forms.Form):
    starts_at = local_datetime_field(_("Starts"))
    ends_at = local_datetime_field(_("Ends"))
    topic = forms.CharField(label=_("Topic"), max_length=200)
    present = forms.MultipleChoiceField(label=_("Present"), required=False, widget=forms.CheckboxSelectMultiple)
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, trainees, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["present"].choices = [(str(t.pk), t.contact.name) for t in trainees]
        if not self.is_bound:
            self.initial["present"] = [str(t.pk) for t in trainees]

    def clean_present(self):
        return {int(pk) for pk in self.cleaned_data["present"]}


class ExamForm(forms.Form):
    """TR-3: one score field per trainee who has not signed yet; empty fields are left alone."""

    def __init__(self, *args, plan: TrainingPlan, trainees, **kwargs):
        super().__init__(*args, **kwargs)
        self.trainees = [t for t in trainees if t.signed_at is None]
        for trainee in self.trainees:
            self.fields[f"score_{trainee.pk}"] = forms.DecimalField(
                label=trainee.contact.name,
                required=False,
                min_value=Decimal("0"),
                max_value=plan.exam_max_score,
                max_digits=6,
                decimal_places=2,
                initial=trainee.score,
                widget=forms.NumberInput(attrs={"step": "0.1", "inputmode": "decimal"}),
            )

    def clean(self):
        cleaned = super().clean()
        if not self.errors and all(cleaned.get(name) is None for name in self.fields):
            raise forms.ValidationError(_("Type at least one score."))
        return cleaned

    def rows(self):
        """(trainee, score field) pairs for the template."""
        return [(trainee, self[f"score_{trainee.pk}"]) for trainee in self.trainees]

    def scores(self) -> dict[int, Decimal]:
        return {
            trainee.pk: self.cleaned_data[f"score_{trainee.pk}"]
            for trainee in self.trainees
            if self.cleaned_data.get(f"score_{trainee.pk}") is not None
        }


class CustomerSignForm(forms.Form):
    person_in_charge = forms.ModelChoiceField(label=_("Customer's person in charge"), queryset=None)

    def __init__(self, *args, plan: TrainingPlan, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person_in_charge"].queryset = customer_contacts(plan.customer)


class QualityForm(forms.Form):
    quality_notes = forms.CharField(
        label=_("Quality check notes"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What the supervisor saw of the teaching and the trainees."),  # TR-4
    )


class CloseForm(forms.Form):
    summary = forms.CharField(
        label=_("Training summary"),
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": _("Write the training summary.")},  # TR-5
    )


class PlanFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=[("", _("Any"))] + list(PlanStatus.choices), required=False)


# --- Implementation projects (TR-7) ---------------------------------------------------------------


class ProjectForm(forms.ModelForm):
    customer = _customer_field()
    engineer = forms.ModelChoiceField(label=_("Engineer"), queryset=staff_assignable(roles=(Role.ENGINEER,)))

    class Meta:
        model = ImplementationProject
        fields = ["customer", "title", "engineer", "started_on", "payment_amount", "payment_due_on"]
        widgets = {"started_on": DateInput(), "payment_due_on": DateInput()}


class GoLivePlanForm(forms.ModelForm):
    """TR-7: the go-live plan (软件启用计划) and the payment milestone."""

    class Meta:
        model = ImplementationProject
        fields = ["data_import_plan", "familiarisation_plan", "go_live_on", "payment_amount", "payment_due_on", "notes"]
        widgets = {
            "data_import_plan": forms.Textarea(attrs={"rows": 3}),
            "familiarisation_plan": forms.Textarea(attrs={"rows": 3}),
            "notes": forms.Textarea(attrs={"rows": 2}),
            "go_live_on": DateInput(),
            "payment_due_on": DateInput(),
        }


class FormCollectForm(forms.Form):
    upload = DocumentField(
        label=_("Scan of the signed and stamped implementation form"),
        error_messages={"required": _("Attach the scan of the signed and stamped form.")},  # TR-7
    )


class PaymentForm(forms.Form):
    received_on = forms.DateField(label=_("Payment received on"), widget=DateInput())


class ProjectFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=[("", _("Any"))] + list(ProjectStatus.choices), required=False)
