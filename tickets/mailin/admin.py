from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from .models import InboundEmail, Mailbox


class MailboxForm(forms.ModelForm):
    """The password is a password field that is never filled back in; left empty, it is kept."""

    password = forms.CharField(
        label=_("password"),
        required=False,
        widget=forms.PasswordInput(render_value=False),
        help_text=_("Leave empty to keep the stored password. QQ, 163, Exchange Online: an app password."),
    )

    class Meta:
        model = Mailbox
        fields = ("name", "host", "port", "security", "username", "password", "folder", "active")

    def clean_password(self):
        password = self.cleaned_data.get("password", "")
        if not password:
            if self.instance.pk and self.instance.password:
                return self.instance.password
            raise forms.ValidationError(_("Enter the mailbox password."))
        return password


@admin.register(Mailbox)
class MailboxAdmin(SimpleHistoryAdmin):
    form = MailboxForm
    list_display = ("name", "host", "username", "folder", "active", "last_polled_at", "has_error")
    list_filter = ("active", "security")
    search_fields = ("name", "host", "username")
    readonly_fields = ("last_polled_at", "last_error", "last_uid", "uid_validity")

    @admin.display(boolean=True, description=_("error"))
    def has_error(self, obj) -> bool:
        return bool(obj.last_error)


@admin.register(InboundEmail)
class InboundEmailAdmin(admin.ModelAdmin):
    """What the poll did with each message (read-only: the poll writes these rows)."""

    list_display = ("received_at", "mailbox", "from_address", "subject", "status", "ticket")
    list_filter = ("status", "mailbox")
    search_fields = ("from_address", "subject", "message_id", "ticket__number")
    list_select_related = ("mailbox", "ticket")
    raw_id_fields = ("ticket", "contact")
    date_hierarchy = "received_at"

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False
