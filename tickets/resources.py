"""Spreadsheet imports of customer master data (issue 15, docs/import-export.md).

One resource per sheet: customers, contacts, installations (serial numbers) and service contracts.
Foreign keys are written in the sheet by a natural key that is unique in the database (a customer
by its full name, a region by its name or code, a product by its model code or name, an
installation by its serial number), and a row whose key already exists updates that row instead of
adding a second one (``import_id_fields``).

Every row goes through the model's ``full_clean()`` (``clean_model_instances``), so a bad phone
number, date or an unknown customer is an error on that row, listed by the dry run before anything
is written; rows are saved one by one with ``save()``, so simple_history records each change with
the importing user. ``tickets.imports.import_sheet`` runs a resource outside admin.
"""

from django.db import models
from django.utils.translation import gettext, gettext_lazy as _
from import_export import fields, resources, widgets
from import_export.instance_loaders import ModelInstanceLoader

from .models import Contact, Customer, Installation, Product, Region, ServiceContract


class NaturalKeyWidget(widgets.ForeignKeyWidget):
    """A foreign key written as one of the related row's unique values (tried in ``lookups``
    order), with a message that names the missing value. Lookups are cached for the import: a
    sheet naming the same customer on 1,000 rows asks the database once."""

    def __init__(self, model, lookups: tuple[str, ...], *, missing):
        super().__init__(model, field=lookups[0])
        self.lookups = lookups
        self.missing = missing
        self._cache: dict[str, object] = {}

    def clean(self, value, row=None, **kwargs):
        key = "" if value is None else str(value).strip()
        if not key:
            return None
        if key not in self._cache:
            found = None
            for lookup in self.lookups:
                matches = list(self.model.objects.filter(**{lookup: key})[:2])
                if len(matches) == 1:
                    found = matches[0]
                    break
            self._cache[key] = found
        if self._cache[key] is None:
            raise ValueError(self.missing % {"value": key})
        return self._cache[key]


class SerialNumbersWidget(widgets.ManyToManyWidget):
    """Installations written as their serial numbers separated by commas; an unknown one is an error
    (the stock widget drops it silently)."""

    def __init__(self):
        super().__init__(Installation, separator=",", field="serial_number")

    def clean(self, value, row=None, **kwargs):
        serials = [part.strip() for part in str(value or "").split(self.separator) if part.strip()]
        if not serials:
            return self.model.objects.none()
        found = self.model.objects.filter(serial_number__in=serials)
        missing = sorted(set(serials) - set(found.values_list("serial_number", flat=True)))
        if missing:
            raise ValueError(gettext("No installation with serial number %(value)s.") % {"value": ", ".join(missing)})
        return found


class KeyCachedInstanceLoader(ModelInstanceLoader):
    """Finds the rows a sheet updates with one query per 1,000 keys before the import, instead of
    one query per row (``import_export``'s ``CachedInstanceLoader``, in chunks so a large sheet
    stays under SQLite's limit on query parameters). For resources with one ``import_id_fields``.
    A key repeated within the sheet is then refused by ``full_clean``'s unique check."""

    CHUNK = 1000

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.key_field = self.resource.fields[self.resource.get_import_id_fields()[0]]
        self.instances = {}
        if self.dataset.headers and self.key_field.column_name in self.dataset.headers:
            keys = [self.key_field.clean(row) for row in self.dataset.dict]
            for start in range(0, len(keys), self.CHUNK):
                chunk = self.get_queryset().filter(**{f"{self.key_field.attribute}__in": keys[start : start + self.CHUNK]})
                self.instances.update((self.key_field.get_value(instance), instance) for instance in chunk)

    def get_instance(self, row):
        return self.instances.get(self.key_field.clean(row))


def _customer_field(column: str = "customer") -> fields.Field:
    return fields.Field(
        attribute="customer",
        column_name=column,
        widget=NaturalKeyWidget(Customer, ("name",), missing=_("No customer named “%(value)s”.")),
    )


def _kept_when_blank(attribute: str, widget=None) -> fields.Field:
    """A column whose empty cell keeps the current (or default) value instead of clearing it."""
    return fields.Field(attribute=attribute, column_name=attribute, widget=widget or widgets.BooleanWidget(), saves_null_values=False)


class HistoryResource(resources.ModelResource):
    """Rows saved one by one, so simple_history writes one historical row per change with the
    importing user (admin passes ``user=request.user``; ``import_sheet`` its ``user``) and the
    reason "Spreadsheet import". Unchanged rows are skipped: a re-import of the same sheet adds no
    history. ``use_bulk`` would skip ``full_clean`` and history alike, so it stays off."""

    @classmethod
    def widget_from_django_field(cls, f, default=widgets.Widget):
        # An empty cell of a text column (notes) is "", as for char columns, not NULL.
        if isinstance(f, models.TextField):
            return widgets.CharWidget
        return super().widget_from_django_field(f, default)

    @classmethod
    def widget_kwargs_for_field(cls, field_name, django_field):
        kwargs = super().widget_kwargs_for_field(field_name, django_field)
        if isinstance(django_field, models.TextField) and django_field.blank:
            kwargs.update({"coerce_to_string": True, "allow_blank": True})
        return kwargs

    def before_save_instance(self, instance, row, **kwargs):
        user = kwargs.get("user")
        if user is not None and getattr(user, "pk", None):
            instance._history_user = user
        instance._change_reason = gettext("Spreadsheet import")

    class Meta:
        abstract = True


class CustomerResource(HistoryResource):
    region = fields.Field(
        attribute="region",
        column_name="region",
        widget=NaturalKeyWidget(Region, ("name", "code"), missing=_("No region named “%(value)s”.")),
    )
    is_active = _kept_when_blank("is_active")

    class Meta:
        model = Customer
        fields = ("name", "region", "address", "phone", "notes", "is_active")
        import_id_fields = ("name",)
        instance_loader_class = KeyCachedInstanceLoader
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True


class ContactResource(HistoryResource):
    """A contact is matched by its customer and name (the pair a service desk knows them by)."""

    customer = _customer_field()
    is_active = _kept_when_blank("is_active")

    class Meta:
        model = Contact
        fields = ("customer", "name", "phone", "mobile", "email", "department", "title", "is_active")
        import_id_fields = ("customer", "name")
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True


class InstallationResource(HistoryResource):
    customer = _customer_field()
    product = fields.Field(
        attribute="product",
        column_name="product",
        widget=NaturalKeyWidget(Product, ("code", "name"), missing=_("No product with model code or name “%(value)s”.")),
    )

    class Meta:
        model = Installation
        fields = ("serial_number", "customer", "product", "installed_on", "site_address", "notes")
        import_id_fields = ("serial_number",)
        instance_loader_class = KeyCachedInstanceLoader
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True


class ServiceContractResource(HistoryResource):
    customer = _customer_field()
    installations = fields.Field(attribute="installations", column_name="installations", widget=SerialNumbersWidget())
    level = _kept_when_blank("level", widgets.CharWidget(allow_blank=False))
    renewal_status = _kept_when_blank("renewal_status", widgets.CharWidget(allow_blank=False))
    active_users = _kept_when_blank("active_users", widgets.IntegerWidget())

    class Meta:
        model = ServiceContract
        fields = (
            "number",
            "customer",
            "level",
            "signed_on",
            "start_date",
            "end_date",
            "active_users",
            "renewal_status",
            "installations",
            "notes",
        )
        import_id_fields = ("number",)
        instance_loader_class = KeyCachedInstanceLoader
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True

    def import_instance(self, instance, row, **kwargs):
        """CT-1: the service period starts on the signing date unless the sheet says otherwise."""
        try:
            super().import_instance(instance, row, **kwargs)
        finally:
            if instance.start_date is None and instance.signed_on is not None:
                instance.start_date = instance.signed_on


RESOURCES = {
    "customers": CustomerResource,
    "contacts": ContactResource,
    "installations": InstallationResource,
    "contracts": ServiceContractResource,
}
