"""Issue 15: spreadsheet imports of customers, contacts, installations and contracts."""

import datetime
import io

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from staff.roles import Role, grant_admin_group_permissions
from tickets.imports import import_sheet
from tickets.models import Contact, Customer, Installation, ServiceContract
from tickets.resources import ContactResource, CustomerResource, InstallationResource, ServiceContractResource

from .factories import CustomerFactory, ProductFactory, RegionFactory

pytestmark = pytest.mark.django_db

CUSTOMER_HEADINGS = ["name", "region", "address", "phone", "notes"]


def xlsx(headings, rows) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(headings)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def csv_bytes(headings, rows) -> bytes:
    lines = [",".join(headings)] + [",".join(str(v) for v in row) for row in rows]
    return ("\ufeff" + "\n".join(lines) + "\n").encode("utf-8")


@pytest.fixture
def importer(make_user):
    grant_admin_group_permissions()  # post_migrate's grant, for the admin role's group
    return make_user(Role.ADMIN, username="importer")


@pytest.fixture
def north():
    return RegionFactory(name="华北 North", code="north")


def customer_rows():
    return [
        ["北京远航科技有限公司", "华北 North", "北京市海淀区中关村大街 1 号", "010-6552 9988", ""],
        ["上海星辰软件有限公司", "north", "上海市浦东新区 2 号", "138 0013 8000", "VIP"],
        ["广州海纳信息有限公司", "", "广州市天河区 3 号", "", ""],
    ]


def test_good_sheets_create_customers_contacts_installations_and_contracts(importer, north):
    ProductFactory(code="erp-9", name="ERP 9")
    result = import_sheet(
        resource=CustomerResource, file=xlsx(CUSTOMER_HEADINGS, customer_rows()), format="xlsx", dry_run=False, user=importer
    )
    assert (result.created, result.errors, result.written) == (3, (), True)
    assert Customer.objects.get(name="上海星辰软件有限公司").region == north

    contacts = xlsx(
        ["customer", "name", "mobile", "email", "department"],
        [["北京远航科技有限公司", "张伟", "139 0000 0001", "", "IT"], ["上海星辰软件有限公司", "李娜", "", "lina@example.com", ""]],
    )
    assert import_sheet(resource=ContactResource, file=contacts, format="xlsx", dry_run=False, user=importer).created == 2
    assert Contact.objects.get(name="张伟").customer.name == "北京远航科技有限公司"

    installations = xlsx(
        ["serial_number", "customer", "product", "installed_on"],
        [["SN-1001", "北京远航科技有限公司", "erp-9", datetime.date(2025, 3, 1)], ["SN-1002", "北京远航科技有限公司", "ERP 9", "2025-04-01"]],
    )
    assert import_sheet(resource=InstallationResource, file=installations, format="xlsx", dry_run=False, user=importer).created == 2
    assert Installation.objects.get(serial_number="SN-1002").installed_on == datetime.date(2025, 4, 1)

    contracts = xlsx(
        ["number", "customer", "level", "signed_on", "start_date", "end_date", "active_users", "installations"],
        [["SC-2026-001", "北京远航科技有限公司", "premium", "2026-01-05", "", "2026-12-31", 800, "SN-1001, SN-1002"]],
    )
    result = import_sheet(resource=ServiceContractResource, file=contracts, format="xlsx", dry_run=False, user=importer)
    assert result.errors == ()
    contract = ServiceContract.objects.get(number="SC-2026-001")
    assert contract.start_date == datetime.date(2026, 1, 5)  # CT-1: from the signing date
    assert set(contract.installations.values_list("serial_number", flat=True)) == {"SN-1001", "SN-1002"}
    assert (contract.level, contract.active_users) == ("premium", 800)


def test_imported_rows_get_history_with_the_importing_user(importer, north):
    import_sheet(resource=CustomerResource, file=xlsx(CUSTOMER_HEADINGS, customer_rows()), format="xlsx", dry_run=False, user=importer)
    record = Customer.objects.get(name="北京远航科技有限公司").history.get()
    assert (record.history_type, record.history_user, record.history_change_reason) == ("+", importer, "Spreadsheet import")


def test_reimport_updates_the_row_matched_by_its_natural_key(importer, north):
    import_sheet(resource=CustomerResource, file=xlsx(CUSTOMER_HEADINGS, customer_rows()), format="xlsx", dry_run=False, user=importer)
    rows = customer_rows()
    rows[0][2] = "北京市朝阳区新地址 8 号"
    result = import_sheet(resource=CustomerResource, file=xlsx(CUSTOMER_HEADINGS, rows), format="xlsx", dry_run=False, user=importer)
    assert (result.created, result.updated, result.skipped) == (0, 1, 2)
    assert Customer.objects.count() == 3
    customer = Customer.objects.get(name="北京远航科技有限公司")
    assert customer.address == "北京市朝阳区新地址 8 号"
    assert customer.history.count() == 2  # the unchanged rows add no history


def test_dry_run_writes_nothing(importer, north):
    result = import_sheet(resource=CustomerResource, file=xlsx(CUSTOMER_HEADINGS, customer_rows()), format="xlsx", dry_run=True, user=importer)
    assert (result.created, result.written) == (3, False)
    assert not Customer.objects.exists()
    assert not Customer.history.exists()


def test_one_bad_row_writes_nothing_and_names_the_row_and_the_reason(importer):
    CustomerFactory(name="北京远航科技有限公司")
    contacts = xlsx(
        ["customer", "name", "mobile"],
        [
            ["北京远航科技有限公司", "张伟", "139 0000 0001"],
            ["北京远航科技有限公司", "李娜", "139 0000 0002"],
            ["不存在的公司", "王强", "139 0000 0003"],
        ],
    )
    result = import_sheet(resource=ContactResource, file=contacts, format="xlsx", dry_run=False, user=importer)
    assert not result.written
    assert [error.row for error in result.errors] == [3]
    assert "No customer named “不存在的公司”." in str(result.errors[0])
    assert not Contact.objects.exists()


def test_bad_phone_and_bad_date_are_row_errors(importer, north):
    rows = customer_rows()
    rows[1][3] = "call me maybe"
    result = import_sheet(resource=CustomerResource, file=xlsx(CUSTOMER_HEADINGS, rows), format="xlsx", dry_run=False, user=importer)
    assert [e.row for e in result.errors] == [2] and "phone: Enter a phone number" in str(result.errors[0])
    assert not Customer.objects.exists()

    CustomerFactory(name="北京远航科技有限公司")
    ProductFactory(code="erp-9")
    sheet = xlsx(["serial_number", "customer", "product", "installed_on"], [["SN-1", "北京远航科技有限公司", "erp-9", "31.02.2025"]])
    result = import_sheet(resource=InstallationResource, file=sheet, format="xlsx", dry_run=False, user=importer)
    assert result.errors[0].row == 1 and "installed_on" in str(result.errors[0])
    assert not Installation.objects.exists()


def test_csv_works_too(importer, north):
    result = import_sheet(resource=CustomerResource, file=csv_bytes(CUSTOMER_HEADINGS, customer_rows()), format="csv", dry_run=False, user=importer)
    assert (result.created, result.errors) == (3, ())
    assert Customer.objects.get(name="广州海纳信息有限公司").region is None


def test_only_who_may_add_and_change_the_model_imports(make_user, north):
    with pytest.raises(PermissionDenied):
        import_sheet(
            resource=CustomerResource, file=xlsx(CUSTOMER_HEADINGS, customer_rows()), format="xlsx", dry_run=True, user=make_user(Role.AGENT)
        )


def test_admin_import_page_previews_row_errors_and_writes_nothing(client, importer):
    importer.is_staff = True
    importer.save()
    client.force_login(importer)
    url = reverse("admin:tickets_customer_import")
    assert client.get(url).status_code == 200
    sheet = xlsx(CUSTOMER_HEADINGS, [["北京远航科技有限公司", "", "", "010-6552 9988", ""], ["上海星辰软件有限公司", "无此区域", "", "", ""]])
    upload = io.BytesIO(sheet)
    upload.name = "customers.xlsx"
    response = client.post(url, {"format": "0", "import_file": upload})
    assert response.status_code == 200
    page = response.content.decode()
    assert "No region named “无此区域”." in page
    assert 'name="original_file_name"' not in page  # no confirm form
    assert not Customer.objects.exists()


def test_admin_import_confirmed_writes_rows_with_history(client, importer):
    importer.is_staff = True
    importer.save()
    client.force_login(importer)
    upload = io.BytesIO(xlsx(CUSTOMER_HEADINGS, [["北京远航科技有限公司", "", "", "010-6552 9988", ""]]))
    upload.name = "customers.xlsx"
    preview = client.post(reverse("admin:tickets_customer_import"), {"format": "0", "import_file": upload})
    assert not Customer.objects.exists()
    confirm = preview.context["confirm_form"]
    response = client.post(reverse("admin:tickets_customer_process_import"), confirm.initial)
    assert response.status_code == 302
    assert Customer.objects.get().history.get().history_user == importer


def test_import_needs_model_permissions_in_admin(client, make_user):
    manager = make_user(Role.SERVICE_MANAGER, is_staff=True)
    client.force_login(manager)
    assert client.get(reverse("admin:tickets_customer_import")).status_code == 403
