from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from import_export.admin import ImportMixin
from import_export.formats import base_formats
from simple_history.admin import SimpleHistoryAdmin

from .imports import can_import
from .models import Contact, Customer, Installation, Product, Region, ServiceContract, Ticket, TicketAttachment, TicketEvent
from .resources import ContactResource, CustomerResource, InstallationResource, ServiceContractResource


class SheetImportMixin(ImportMixin):
    """Issue 15: "Import" on the change list (.xlsx or .csv, dry-run preview first, see
    docs/import-export.md). Put before ``SimpleHistoryAdmin``: rows are saved one by one, so each
    keeps its history. Only who may add and change the model (admin, service manager) sees it."""

    formats = [base_formats.XLSX, base_formats.CSV]

    def has_import_permission(self, request):
        return can_import(user=request.user, model=self.model)

    def get_import_data_kwargs(self, **kwargs):
        # The confirmed import writes nothing if a row has become invalid since the preview.
        return {**super().get_import_data_kwargs(**kwargs), "rollback_on_validation_errors": True}


@admin.register(Region)
class RegionAdmin(SimpleHistoryAdmin):
    list_display = ("name", "code")
    search_fields = ("name", "code")


class ContactInline(admin.TabularInline):
    model = Contact
    extra = 0
    fields = ("name", "phone", "mobile", "email", "preferred_channel", "department", "is_active")


class InstallationInline(admin.TabularInline):
    model = Installation
    extra = 0
    fields = ("product", "serial_number", "installed_on")
    autocomplete_fields = ("product",)


@admin.register(Customer)
class CustomerAdmin(SheetImportMixin, SimpleHistoryAdmin):
    resource_classes = [CustomerResource]
    list_display = ("name", "region", "phone", "is_active", "updated_at")
    list_filter = ("is_active", "region")
    search_fields = ("name", "phone", "phone_normalized", "address")
    list_select_related = ("region",)
    inlines = [ContactInline, InstallationInline]


@admin.register(Contact)
class ContactAdmin(SheetImportMixin, SimpleHistoryAdmin):
    resource_classes = [ContactResource]
    list_display = ("name", "customer", "phone", "mobile", "email", "preferred_channel", "is_active")
    list_filter = ("is_active", "preferred_channel")
    search_fields = ("name", "phone_normalized", "mobile_normalized", "email", "customer__name")
    list_select_related = ("customer",)
    autocomplete_fields = ("customer",)
    readonly_fields = ("wechat_openid",)


@admin.register(Product)
class ProductAdmin(SimpleHistoryAdmin):
    list_display = ("name", "code", "category", "is_active")
    list_filter = ("is_active", "category")
    search_fields = ("name", "code")


@admin.register(Installation)
class InstallationAdmin(SheetImportMixin, SimpleHistoryAdmin):
    resource_classes = [InstallationResource]
    list_display = ("serial_number", "product", "customer", "installed_on")
    list_filter = ("product",)
    search_fields = ("serial_number", "customer__name", "product__name")
    list_select_related = ("product", "customer")
    autocomplete_fields = ("customer", "product")
    date_hierarchy = "installed_on"


@admin.register(ServiceContract)
class ServiceContractAdmin(SheetImportMixin, SimpleHistoryAdmin):
    resource_classes = [ServiceContractResource]
    list_display = ("number", "customer", "level", "start_date", "end_date", "active_users", "renewal_status")
    list_filter = ("level", "renewal_status")
    search_fields = ("number", "customer__name")
    list_select_related = ("customer",)
    autocomplete_fields = ("customer", "installations")
    date_hierarchy = "end_date"


class TicketAttachmentInline(admin.TabularInline):
    """Files arrive through the channels (web form, e-mail, WeChat) after the upload check; admin
    only shows them."""

    model = TicketAttachment
    extra = 0
    can_delete = False
    fields = ("name", "content_type", "size", "source", "uploaded_by", "created_at", "file")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


class TicketEventInline(admin.TabularInline):
    model = TicketEvent
    extra = 0
    can_delete = False
    fields = ("created_at", "kind", "actor", "from_status", "to_status", "body")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Ticket)
class TicketAdmin(SimpleHistoryAdmin):
    list_display = ("number", "subject", "customer", "status", "priority", "type", "channel", "assignee", "created_at")
    list_filter = ("status", "priority", "type", "channel")
    search_fields = ("number", "subject", "customer__name", "contact__phone_normalized")
    list_select_related = ("customer", "assignee")
    autocomplete_fields = ("customer", "contact", "installation", "contract", "assignee")
    readonly_fields = ("number", "status", "created_at", "resolved_at", "closed_at", "reopen_count", "created_by")
    date_hierarchy = "created_at"
    inlines = [TicketEventInline, TicketAttachmentInline]
    show_full_result_count = False

    def has_add_permission(self, request):
        # Tickets get their number, contract and timeline from ticket_create(): open them in the app.
        return False


@admin.register(TicketEvent)
class TicketEventAdmin(admin.ModelAdmin):
    list_display = ("ticket", "kind", "actor", "created_at")
    list_filter = ("kind",)
    search_fields = ("ticket__number", "body")
    list_select_related = ("ticket", "actor")
    raw_id_fields = ("ticket",)
    readonly_fields = ("ticket", "kind", "actor", "created_at", "from_status", "to_status", "body", "data")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


admin.site.site_header = _("servicedesk administration")
admin.site.site_title = _("servicedesk")
