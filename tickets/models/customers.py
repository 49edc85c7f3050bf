"""Customer organisations, their contacts, installed products and service contracts (CT-1)."""

import datetime

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from ..phones import normalize_phone, validate_phone


class Region(models.Model):
    """Region or branch a customer belongs to (所属分局/区域); HL-12 asks for it at intake."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    code = models.SlugField(_("code"), max_length=20, unique=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")

    def __str__(self) -> str:
        return self.name


class Customer(models.Model):
    """A customer organisation, by its full registered name (HL-1, HL-12)."""

    name = models.CharField(_("full name"), max_length=200, unique=True)
    region = models.ForeignKey(
        Region,
        verbose_name=_("region / branch"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="customers",
    )
    address = models.CharField(_("address"), max_length=300, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True, validators=[validate_phone])
    phone_normalized = models.CharField(max_length=20, blank=True, editable=False, db_index=True)
    notes = models.TextField(_("notes"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        constraints = [
            models.CheckConstraint(condition=~Q(name=""), name="tickets_customer_name_not_blank"),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.phone_normalized = normalize_phone(self.phone)
        super().save(*args, **kwargs)


class ContactChannel(models.TextChoices):
    """How a contact wants to hear from the service centre (issue 14): e-mail, SMS or WeChat."""

    EMAIL = "email", _("E-mail")
    SMS = "sms", _("SMS")
    WECHAT = "wechat", _("WeChat")


class Contact(models.Model):
    """A person at a customer who calls in; looked up by any of their phone numbers."""

    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.PROTECT, related_name="contacts"
    )
    name = models.CharField(_("name"), max_length=100)
    phone = models.CharField(_("office phone"), max_length=40, blank=True, validators=[validate_phone])
    mobile = models.CharField(_("mobile phone"), max_length=40, blank=True, validators=[validate_phone])
    phone_normalized = models.CharField(max_length=20, blank=True, editable=False, db_index=True)
    mobile_normalized = models.CharField(max_length=20, blank=True, editable=False, db_index=True)
    email = models.EmailField(_("email"), blank=True)
    department = models.CharField(_("department"), max_length=100, blank=True)
    title = models.CharField(_("job title"), max_length=100, blank=True)
    preferred_channel = models.CharField(
        _("notify by"), max_length=10, choices=ContactChannel.choices, default=ContactChannel.EMAIL,
        help_text=_("Where notices to this contact go first; the others are the fallback."),
    )
    # The WeChat official account's OpenID of this person, set when they bind by phone (issue 14).
    wechat_openid = models.CharField(_("WeChat OpenID"), max_length=64, blank=True, editable=False)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        constraints = [
            models.CheckConstraint(condition=~Q(name=""), name="tickets_contact_name_not_blank"),
            models.CheckConstraint(
                condition=~Q(phone="", mobile="", email=""),
                name="tickets_contact_reachable",
                violation_error_message=_("A contact needs a phone, a mobile or an email address."),
            ),
            models.UniqueConstraint(
                fields=["wechat_openid"],
                condition=~Q(wechat_openid=""),
                name="tickets_contact_wechat_openid_unique",
                violation_error_message=_("This WeChat user is already bound to another contact."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.phone_normalized = normalize_phone(self.phone)
        self.mobile_normalized = normalize_phone(self.mobile)
        super().save(*args, **kwargs)

    @property
    def best_phone(self) -> str:
        return self.mobile or self.phone


class Product(models.Model):
    name = models.CharField(_("name"), max_length=150)
    code = models.SlugField(_("model code"), max_length=50, unique=True)
    category = models.CharField(_("category"), max_length=100, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("product")
        verbose_name_plural = _("products")

    def __str__(self) -> str:
        return self.name


class Installation(models.Model):
    """A product installed at a customer, with its serial or licence number (CT-1, GN-2)."""

    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.PROTECT, related_name="installations"
    )
    product = models.ForeignKey(
        Product, verbose_name=_("product"), on_delete=models.PROTECT, related_name="installations"
    )
    serial_number = models.CharField(_("serial / licence number"), max_length=64, unique=True)
    installed_on = models.DateField(_("installed on"))
    site_address = models.CharField(
        _("site address"), max_length=300, blank=True, help_text=_("Leave empty when it is the customer's address.")
    )
    notes = models.TextField(_("notes"), blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["customer__name", "product__name"]
        verbose_name = _("installation")
        verbose_name_plural = _("installations")
        constraints = [
            models.CheckConstraint(
                condition=~Q(serial_number=""), name="tickets_installation_serial_not_blank"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.product} · {self.serial_number}"

    @property
    def address(self) -> str:
        return self.site_address or self.customer.address


class ContractLevel(models.TextChoices):
    BASIC = "basic", _("Basic")
    STANDARD = "standard", _("Standard")
    PREMIUM = "premium", _("Premium")


class RenewalStatus(models.TextChoices):
    OPEN = "open", _("Open")
    RENEWED = "renewed", _("Renewed")
    LOST = "lost", _("Lost")


class ServiceContract(models.Model):
    """A service agreement (服务协议) covering some of a customer's installations (CT-1..CT-3)."""

    number = models.CharField(_("contract number"), max_length=40, unique=True)
    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.PROTECT, related_name="contracts"
    )
    level = models.CharField(
        _("service level"), max_length=20, choices=ContractLevel.choices, default=ContractLevel.STANDARD
    )
    signed_on = models.DateField(_("signed on"))
    # CT-1: the service period starts at installation, by default on the signing date.
    start_date = models.DateField(_("service period start"))
    end_date = models.DateField(_("service period end"))
    installations = models.ManyToManyField(
        Installation, verbose_name=_("installations covered"), blank=True, related_name="contracts"
    )
    active_users = models.PositiveIntegerField(
        _("active users"),
        default=0,
        help_text=_("Number of the customer's active users; sizes the hotline roster."),  # HL-2
    )
    # CT-2: reminders repeat until the contract is renewed or marked lost.
    renewal_status = models.CharField(
        _("renewal"), max_length=10, choices=RenewalStatus.choices, default=RenewalStatus.OPEN
    )
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    history = HistoricalRecords(m2m_fields=[installations])

    class Meta:
        ordering = ["-end_date"]
        verbose_name = _("service contract")
        verbose_name_plural = _("service contracts")
        indexes = [
            models.Index(fields=["customer", "end_date"], name="tickets_contract_customer_idx"),
            models.Index(fields=["end_date"], name="tickets_contract_end_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=F("start_date")),
                name="tickets_contract_period_ordered",
                violation_error_message=_("The service period cannot end before it starts."),
            ),
            models.CheckConstraint(
                condition=Q(level__in=ContractLevel.values), name="tickets_contract_level_valid"
            ),
            models.CheckConstraint(
                condition=Q(renewal_status__in=RenewalStatus.values),
                name="tickets_contract_renewal_status_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} ({self.customer})"

    def is_active_on(self, day: datetime.date) -> bool:
        """CT-1: inside the service period on that calendar day (both ends included)."""
        return self.start_date <= day <= self.end_date

    def days_left(self, day: datetime.date) -> int:
        return (self.end_date - day).days
