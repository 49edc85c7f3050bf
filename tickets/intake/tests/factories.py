"""Helpers of the intake tests: a form post, a PNG, a customer with an installation under contract."""

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from tickets.tests.factories import InstallationFactory, ServiceContractFactory

SHANGHAI = datetime.timezone(datetime.timedelta(hours=8))
# Tuesday 2026-03-10 09:00 in Shanghai: inside the working hours of the default calendar.
NOW = datetime.datetime(2026, 3, 10, 9, 0, tzinfo=SHANGHAI)
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 64


def png(name="photo.png", content=PNG):
    return SimpleUploadedFile(name, content, content_type="image/png")


def installation_under_contract(*, end=datetime.date(2026, 12, 31)):
    installation = InstallationFactory()
    contract = ServiceContractFactory(customer=installation.customer, start_date=datetime.date(2026, 1, 1), end_date=end)
    contract.installations.add(installation)
    return installation, contract


def form_data(**overrides):
    data = {
        "organisation": "上海示例医院 Example Hospital",
        "contact_name": "李雷",
        "phone": "138 0013 8000",
        "email": "",
        "serial_number": "",
        "region": "",
        "description": "票据打印机卡纸。\nThe receipt printer jams.",
        "website": "",
        "idempotency_key": "key-" + "a" * 28,
    }
    data.update(overrides)
    return data


def local(moment):
    return timezone.localtime(moment)


