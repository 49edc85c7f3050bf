"""GN-7: phone numbers, e-mail and street addresses are masked in every log record."""

import io
import logging

import pytest
from django.conf import settings

from servicedesk.core.logmask import PersonalDataFilter, mask_personal_data

MASKED = [
    # Chinese mobiles: last four digits kept, separators and +86 kept.
    ("call from 13812345678 ended", "call from *******5678 ended"),
    ("call from 138 1234 5678", "call from *** **** 5678"),
    ("call from 138-1234-5678", "call from ***-****-5678"),
    ("+86 138 1234 5678", "+86 *** **** 5678"),
    ("+8613812345678", "+86*******5678"),
    ("008613812345678", "0086*******5678"),
    ("(+86) 19912345678", "(+86) *******5678"),
    ("电话13812345678", "电话*******5678"),
    # Landlines with an area code.
    ("tel 010-12345678", "tel ***-****5678"),
    ("tel 0755 8888 6666", "tel **** **** 6666"),
    ("tel (021) 6123 4567", "tel (***) **** 4567"),
    ("tel 0571-8765432", "tel ****-***5432"),
    ("tel +86 10 1234 5678", "tel +86 ** **** 5678"),
    ("客户电话：0755-88886666，", "客户电话：****-****6666，"),
    # E-mail: the domain stays.
    ("mail wang.fang+x@customer.example.com.cn please", "mail ***@customer.example.com.cn please"),
    ("邮箱wang@x.com", "邮箱***@x.com"),
    # Street addresses: labelled values, Chinese and English street addresses.
    ("address='北京市海淀区中关村大街1号' saved", "address='[address]' saved"),
    ("{'site_address': 'Room 301, 5 Xueyuan Road, Beijing', 'pk': 3}", "{'site_address': '[address]', 'pk': 3}"),
    ('{"address": "上海市浦东新区张江路88号"}', '{"address": "[address]"}'),
    ("address=上海市浦东新区张江路88号; next", "address=[address]; next"),
    ("地址：广州市天河区天河路385号太古汇2座12层", "地址：[address]"),
    ("visit 北京市朝阳区建国路88号SOHO现代城5号楼1203室 tomorrow", "visit [address] tomorrow"),
    ("engineer at 12 Xueyuan Road today", "engineer at [address] today"),
    (
        "site_address=北京市朝阳区建国路88号, phone=13812345678",
        "site_address=[address], phone=*******5678",
    ),
]

UNCHANGED = [
    "ticket SD-2026-000123 created at 2026-12-06 19:51:00",
    "order 12345 id=1234567",
    "version 0001-01-01",
    "uuid 550e8400-e29b-41d4-a716-446655440000",
    "ip 192.168.10.12 port 5432",
    "ip_address='10.0.0.1'",
    "CB-3: no service manager to escalate callback 42 to",
    "outbox: notification.email:15 attempt 3 failed: timeout",
    "elapsed 1388123456 ms",
    "",
]


@pytest.mark.parametrize(("text", "masked"), MASKED)
def test_gn7_personal_data_is_masked(text, masked):
    assert mask_personal_data(text) == masked


@pytest.mark.parametrize("text", UNCHANGED)
def test_gn7_other_numbers_are_left_alone(text):
    assert mask_personal_data(text) == text


@pytest.mark.parametrize(("text", "masked"), MASKED)
def test_gn7_masking_twice_changes_nothing_more(text, masked):
    assert mask_personal_data(masked) == masked


@pytest.fixture
def masked_log():
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(PersonalDataFilter())
    handler.setFormatter(logging.Formatter("%(levelname)s %(message)s"))
    logger = logging.getLogger("servicedesk.tests.logmask")
    logger.addHandler(handler)
    logger.propagate = False
    logger.setLevel(logging.INFO)
    yield logger, stream
    logger.removeHandler(handler)
    logger.propagate = True


class Caller:
    def __str__(self):
        return "王芳 <wang@customer.example> 13812345678"


def test_gn7_filter_masks_message_and_args_including_objects(masked_log):
    logger, stream = masked_log
    logger.info("call from %s for %s (%d%%)", "138-1234-5678", Caller(), 50)
    assert stream.getvalue() == "INFO call from ***-****-5678 for 王芳 <***@customer.example> *******5678 (50%)\n"


def test_gn7_filter_masks_the_exception_text(masked_log):
    logger, stream = masked_log
    try:
        raise ValueError("no customer with phone 13812345678")
    except ValueError:
        logger.exception("lookup failed for %s", "wang@customer.example")
    output = stream.getvalue()
    assert "13812345678" not in output and "wang@" not in output
    assert "ValueError: no customer with phone *******5678" in output
    assert output.startswith("ERROR lookup failed for ***@customer.example\n")


def test_gn7_filter_keeps_every_record_and_survives_a_broken_format(masked_log):
    logger, stream = masked_log
    logger.warning("phone %s and %s", "13812345678")  # one arg short
    assert "*******5678" in stream.getvalue()


def test_gn7_every_configured_handler_masks():
    filters = settings.LOGGING["filters"]
    assert filters["mask_personal_data"]["()"] == "servicedesk.core.logmask.PersonalDataFilter"
    assert settings.LOGGING["handlers"]
    for name, handler in settings.LOGGING["handlers"].items():
        assert "mask_personal_data" in handler.get("filters", []), name


def test_gn7_the_root_logger_masks_after_django_configured_logging():
    root_handlers = logging.getLogger().handlers
    assert any(isinstance(f, PersonalDataFilter) for handler in root_handlers for f in handler.filters)
