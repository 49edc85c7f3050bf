"""The expiry notice letter (CT-2, 售后服务到期通知函): one rendering for the printable page and the e-mail."""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from .models import ContractReminder


@dataclass(frozen=True)
class Letter:
    subject: str
    text: str
    html: str


def notice_render(*, reminder: ContractReminder, language: str, today: datetime.date) -> Letter:
    """The letter for ``reminder`` in ``language`` (``zh-hans`` or ``en``), dated ``today``."""
    contract = reminder.contract
    context = {
        "reminder": reminder,
        "contract": contract,
        "customer": contract.customer,
        "installations": contract.installations.select_related("product").order_by("product__name", "serial_number"),
        "today": today,
        "days_left": (contract.end_date - today).days,
        "site_name": settings.SERVICEDESK["SITE_NAME"],
        "language": language,
    }
    with translation.override(language):
        subject = _("Notice: the service period of contract %(number)s ends on %(date)s") % {
            "number": contract.number,
            "date": contract.end_date.isoformat(),
        }
        context["subject"] = subject
        html = render_to_string("sla/contract_notice_letter.html", context)
        text = render_to_string("sla/contract_notice_letter.txt", context)
    return Letter(subject=subject, text=text, html=html)
