"""Forms of the public pages: they parse input; the rules are in services.py and policies.py."""

from django import forms
from django.utils.translation import gettext_lazy as _

from servicedesk.core.idempotency import IdempotentFormMixin
from servicedesk.core.uploads import upload_check
from tickets.models import Region
from tickets.phones import validate_phone

from .policies import is_mobile
from .services import REQUEST_FILE_EXTENSIONS

HONEYPOT = "website"


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (Django's documented recipe); each is checked like every upload."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/*,.pdf", "multiple": True}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, (list, tuple)):
            files = [single(item, initial) for item in data if item]
        else:
            files = [single(data, initial)] if data else []
        for upload in files:
            upload_check(upload, extensions=REQUEST_FILE_EXTENSIONS)  # ValidationError names the reason
        return files


class ServiceRequestForm(IdempotentFormMixin, forms.Form):
    organisation = forms.CharField(
        label=_("Organisation (full name)"), max_length=200, widget=forms.TextInput(attrs={"autocomplete": "organization"})
    )
    contact_name = forms.CharField(label=_("Your name"), max_length=100, widget=forms.TextInput(attrs={"autocomplete": "name"}))
    phone = forms.CharField(
        label=_("Mobile phone"),
        max_length=40,
        validators=[validate_phone],
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel", "inputmode": "tel", "placeholder": "138 0013 8000"}),
    )
    email = forms.EmailField(label=_("E-mail (optional)"), required=False, widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    serial_number = forms.CharField(
        label=_("Product serial number"),
        max_length=64,
        required=False,
        help_text=_("On the label of the device or the licence; we look up the product and its service contract."),
    )
    region = forms.ModelChoiceField(label=_("Region"), queryset=Region.objects.order_by("name"), required=False)
    description = forms.CharField(
        label=_("What is wrong?"), max_length=4000, widget=forms.Textarea(attrs={"rows": 5})
    )
    files = MultipleFileField(
        label=_("Photos or files"),
        required=False,
        help_text=_("Photos (JPG, PNG, GIF, WebP) or PDF."),
    )
    # Spam trap: hidden from people, filled in by bots.
    website = forms.CharField(label=_("Leave this empty"), required=False, widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.checklist_answers: list[dict] = []
        self.is_spam = False

    def clean_phone(self):
        phone = self.cleaned_data["phone"]
        if not is_mobile(phone):  # the confirmation SMS and the engineer's call go to it
            raise forms.ValidationError(_("Enter a mobile number: 11 digits starting with 1, e.g. 138 0013 8000."))
        return phone

    def clean(self):
        data = super().clean()
        if data.pop(HONEYPOT, ""):
            self.is_spam = True
        # HL-12: the answers to the product's diagnostic checklist (hotline/_checklist.html fields).
        from hotline.models import DiagnosticChecklist

        checklist_id = (self.data.get("checklist") or "").strip()
        if checklist_id.isdigit():
            checklist = DiagnosticChecklist.objects.filter(pk=int(checklist_id), is_active=True).prefetch_related("items").first()
            if checklist is not None:
                self.checklist_answers = [
                    {"question": item.question, "answer": (self.data.get(f"check_{item.pk}") or "").strip()[:500]}
                    for item in checklist.items.all()
                ]
        return data


class StatusCommentForm(forms.Form):
    body = forms.CharField(
        label=_("Add a message for us"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )
