"""The one upload validator (size, extension, content sniffed from the bytes) and file serving."""

import datetime
import io
import zipfile
import zoneinfo

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile, TemporaryUploadedFile
from django.urls import reverse

from onsite.signatures import png_encode
from servicedesk.core.uploads import (
    CERTIFICATE_EXTENSIONS,
    file_response,
    sniff,
    upload_check,
    validate_certificate,
    validate_document,
)

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG = png_encode(width=2, height=1, rows=[b"\xff\x00\x00\xff\x00\xff\x00\xff"])
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48 + b"PE\x00\x00"
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600


def docx_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def upload(name, content, content_type="application/pdf"):
    return SimpleUploadedFile(name, content, content_type=content_type)


# --- The validator ------------------------------------------------------------------------------------


def test_rm7_renamed_exe_is_refused_whatever_the_client_says():
    with pytest.raises(ValidationError) as caught:
        upload_check(upload("申请表.pdf", EXE, content_type="application/pdf"))
    assert caught.value.code == "content"
    assert "PDF" in caught.value.messages[0] and "EXE" in caught.value.messages[0]


def test_rm7_exe_by_its_own_name_is_refused_by_the_allow_list():
    with pytest.raises(ValidationError) as caught:
        upload_check(upload("setup.exe", EXE))
    assert caught.value.code == "extension" and ".exe" in caught.value.messages[0]


def test_st2_oversized_pdf_is_refused_with_the_limit_in_the_message(settings):
    settings.SERVICEDESK = {**settings.SERVICEDESK, "ATTACHMENT_MAX_MB": 10}
    big = upload("certificate.pdf", PDF + b"0" * (25 * 1024 * 1024))
    with pytest.raises(ValidationError) as caught:
        validate_certificate(big)
    assert caught.value.code == "size"
    assert "25.0 MB" in caught.value.messages[0] and "limit is 10 MB" in caught.value.messages[0]


@pytest.mark.parametrize(
    ("name", "content", "mime"),
    [
        ("scan.pdf", PDF, "application/pdf"),
        ("SCAN.PDF", PDF, "application/pdf"),
        ("photo.png", PNG, "image/png"),
        ("photo.jpg", b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 20, "image/jpeg"),
        ("清理范围.docx", docx_bytes(), "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        ("old.xls", OLE, "application/vnd.ms-excel"),
        ("bundle.zip", docx_bytes(), "application/zip"),
    ],
)
def test_rm7_real_documents_are_accepted_and_typed_from_their_bytes(name, content, mime):
    sniffed = upload_check(upload(name, content, content_type="application/x-msdownload"))
    assert sniffed.mime == mime


def test_rm7_the_stored_content_type_is_the_sniffed_one_not_the_clients():
    file = upload("scan.pdf", PDF, content_type="text/html")
    validate_document(file)
    assert file.content_type == "application/pdf"


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("notes.txt", "客户要求周三上门，电话 010-12345678".encode()),
        ("notes.txt", "客户要求周三上门".encode("gb18030")),
        ("export.csv", b"\xef\xbb\xbfname,phone\nAcme,010-1\n"),
    ],
)
def test_rm7_text_files_are_accepted_when_they_decode_as_text(name, content):
    assert upload_check(upload(name, content)).kind == "text"


@pytest.mark.parametrize("content", [b"\x00\x01\x02\x03" * 64, b"\xff\xfe\x80\x80\xff" * 20])
def test_rm7_binary_renamed_txt_is_refused(content):
    with pytest.raises(ValidationError) as caught:
        upload_check(upload("notes.txt", content))
    assert caught.value.code == "content"


def test_rm7_content_type_header_is_ignored_both_ways():
    # A real PDF with a lying header is fine; a PNG named .pdf is not, even when the header says PDF.
    upload_check(upload("scan.pdf", PDF, content_type="image/gif"))
    with pytest.raises(ValidationError):
        upload_check(upload("scan.pdf", PNG, content_type="application/pdf"))


def test_rm7_empty_file_is_refused():
    with pytest.raises(ValidationError) as caught:
        upload_check(upload("scan.pdf", b""))
    assert caught.value.code == "empty"


def test_st2_certificates_allow_only_pdf_and_photos():
    assert set(CERTIFICATE_EXTENSIONS) == {"pdf", "jpg", "jpeg", "png", "heic"}
    validate_certificate(upload("note.png", PNG))
    with pytest.raises(ValidationError):
        validate_certificate(upload("note.docx", docx_bytes()))


def test_sniff_reads_a_temporary_file_from_the_start_and_leaves_it_rewound():
    file = TemporaryUploadedFile("big.pdf", "application/pdf", len(PDF), None)
    file.write(PDF)
    file.seek(len(PDF))
    assert sniff(file) == "pdf"
    assert file.tell() == 0
    file.close()


def test_file_response_is_a_nosniff_download_and_only_images_may_be_inline():
    pdf = file_response(io.BytesIO(PDF), filename="cert.pdf", inline_images=True)
    assert pdf["Content-Disposition"].startswith("attachment")
    assert pdf["X-Content-Type-Options"] == "nosniff"
    assert pdf["Content-Type"] == "application/pdf"
    image = file_response(io.BytesIO(PNG), filename="photo.png", inline_images=True)
    assert image["Content-Disposition"].startswith("inline") and image["X-Content-Type-Options"] == "nosniff"
    html = file_response(io.BytesIO(b"<script>"), filename="page.html", inline_images=True)
    assert html["Content-Disposition"].startswith("attachment")


# --- Through the views ---------------------------------------------------------------------------------

TZ = zoneinfo.ZoneInfo("Asia/Shanghai")
NOW = datetime.datetime(2026, 3, 10, 8, 50, tzinfo=TZ)


@pytest.fixture
def sick_leave(db):
    from staff import services
    from staff.roles import Role
    from staff.tests.factories import EmployeeFactory

    manager = EmployeeFactory(username="duty", roles=[Role.DUTY_MANAGER])
    employee = EmployeeFactory(username="liu", roles=[Role.ENGINEER], manager=manager)
    leave = services.leave_request_submit(
        employee=employee,
        kind="sick",
        start_date=datetime.date(2026, 3, 16),
        end_date=datetime.date(2026, 3, 16),
        reason="flu",
        now=NOW,
    )
    return leave


def test_st2_25_mb_leave_certificate_is_refused_with_a_clear_message_and_not_stored(client, sick_leave, settings):
    settings.SERVICEDESK = {**settings.SERVICEDESK, "ATTACHMENT_MAX_MB": 10}
    client.force_login(sick_leave.employee)
    big = upload("hospital.pdf", PDF + b"0" * (25 * 1024 * 1024))
    response = client.post(reverse("staff:leave_certificate", args=[sick_leave.pk]), {"certificate": big})
    assert response.status_code == 200
    [message] = response.context["certificate_form"].errors["certificate"]
    assert "limit is 10 MB" in message
    sick_leave.refresh_from_db()
    assert not sick_leave.certificate


def test_st2_renamed_program_as_certificate_is_refused(client, sick_leave):
    client.force_login(sick_leave.employee)
    response = client.post(
        reverse("staff:leave_certificate", args=[sick_leave.pk]), {"certificate": upload("hospital.pdf", EXE)}
    )
    assert "certificate" in response.context["certificate_form"].errors
    sick_leave.refresh_from_db()
    assert not sick_leave.certificate


def test_st2_certificate_pdf_is_served_as_a_nosniff_download(client, sick_leave):
    client.force_login(sick_leave.employee)
    client.post(reverse("staff:leave_certificate", args=[sick_leave.pk]), {"certificate": upload("hospital.pdf", PDF)})
    response = client.get(reverse("staff:leave_certificate_file", args=[sick_leave.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == PDF


def test_rm7_document_download_is_a_nosniff_attachment(client, db):
    from staff.roles import Role
    from staff.tests.factories import UserFactory
    from tickets.remote.tests.factories import attachment

    admin = UserFactory(roles=[Role.ADMIN])
    stored = attachment(name="密码申请.pdf", uploaded_by=admin)
    client.force_login(admin)
    response = client.get(reverse("remote:attachment_download", args=[stored.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
