"""Visit photos (issue 16): the service (thumbnail, orientation, EXIF/GPS stripped or kept, refusals,
idempotency) and the pages (who adds and sees them, 400 on bad input, query counts)."""

import io
from pathlib import Path

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from onsite import services
from onsite.models import OnsiteEventKind, OrderPhoto, OrderStatus
from onsite.photos import EXIF_GPS_IFD, EXIF_ORIENTATION
from staff.roles import Role
from staff.tests.factories import UserFactory
from tickets.models import TicketAttachment, TicketEvent

from .factories import NOW, order_at, service_manager

pytestmark = pytest.mark.django_db

GPS = {1: "N", 2: (39.0, 59.0, 0.5), 3: "E", 4: (116.0, 18.0, 27.0)}


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


def jpeg(width=600, height=400, *, gps=False, orientation=None, colour=(200, 40, 30), fmt="JPEG") -> bytes:
    """A photo as a phone writes it: optionally with a GPS position and an orientation in EXIF.
    The left half is ``colour``, the right half blue, so a rotation can be seen in the pixels."""
    image = Image.new("RGB", (width, height), colour)
    image.paste((20, 40, 220), (width // 2, 0, width, height))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    if orientation:
        exif[EXIF_ORIENTATION] = orientation
    if gps:
        exif[EXIF_GPS_IFD] = GPS
    out = io.BytesIO()
    image.save(out, fmt, exif=exif.tobytes())
    return out.getvalue()


def media_files() -> set[str]:
    from django.conf import settings

    return {str(path) for path in Path(settings.MEDIA_ROOT).rglob("*") if path.is_file()}


def upload(data: bytes, name="IMG_0001.jpg", content_type="image/jpeg"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def stored_image(photo: OrderPhoto) -> Image.Image:
    with photo.attachment.file.open("rb") as handle:
        image = Image.open(io.BytesIO(handle.read()))
        image.load()
    return image


@pytest.fixture
def on_site():
    return order_at(OrderStatus.ON_SITE)


# --- The service ------------------------------------------------------------------------------------


def test_photo_is_stored_as_ticket_attachment_with_thumbnail_and_timeline_event(on_site):
    photo = services.order_photo_add(
        order=on_site, actor=on_site.engineer, upload=upload(jpeg(1200, 800)), caption=" 进纸器磨损 ", now=NOW
    )
    attachment = photo.attachment
    assert attachment.ticket_id == on_site.ticket_id
    assert attachment.source == TicketAttachment.Source.ONSITE
    assert attachment.content_type == "image/jpeg" and attachment.name == "IMG_0001.jpg"
    assert photo.caption == "进纸器磨损" and (photo.width, photo.height) == (1200, 800)
    with photo.thumbnail.open("rb") as handle:
        thumb = Image.open(io.BytesIO(handle.read()))
    assert thumb.format == "JPEG" and max(thumb.size) == 320 and thumb.size == (320, 213)
    event = TicketEvent.objects.get(ticket=on_site.ticket, kind=OnsiteEventKind.PHOTO_ADDED)
    assert event.actor == on_site.engineer and event.body == "进纸器磨损"
    assert event.data["photo"] == photo.pk and event.data["order"] == on_site.pk


def test_exif_gps_is_stripped_by_default(on_site, settings):
    assert settings.SERVICEDESK["PHOTO_KEEP_LOCATION"] is False
    original = jpeg(gps=True)
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(EXIF_GPS_IFD)  # the test photo has a position
    photo = services.order_photo_add(order=on_site, actor=on_site.engineer, upload=upload(original), now=NOW)
    image = stored_image(photo)
    assert not image.getexif().get_ifd(EXIF_GPS_IFD)
    assert len(image.getexif()) == 0 and "exif" not in image.info  # no EXIF at all (maker, times...)
    assert photo.location_kept is False
    with photo.thumbnail.open("rb") as handle:
        assert "exif" not in Image.open(io.BytesIO(handle.read())).info


def test_exif_gps_is_kept_when_the_centre_keeps_locations(on_site, settings):
    settings.SERVICEDESK = {**settings.SERVICEDESK, "PHOTO_KEEP_LOCATION": True}
    photo = services.order_photo_add(order=on_site, actor=on_site.engineer, upload=upload(jpeg(gps=True)), now=NOW)
    image = stored_image(photo)
    assert image.getexif().get_ifd(EXIF_GPS_IFD)[1] == "N"
    assert photo.location_kept is True
    with photo.thumbnail.open("rb") as handle:  # the thumbnail never carries it
        assert "exif" not in Image.open(io.BytesIO(handle.read())).info


def test_exif_orientation_is_applied(on_site, settings):
    # Orientation 6: the camera held upright wrote a landscape sensor image "rotate 90° clockwise".
    settings.SERVICEDESK = {**settings.SERVICEDESK, "PHOTO_KEEP_LOCATION": True}
    photo = services.order_photo_add(
        order=on_site, actor=on_site.engineer, upload=upload(jpeg(600, 400, orientation=6, gps=True)), now=NOW
    )
    image = stored_image(photo).convert("RGB")
    assert image.size == (400, 600) and (photo.width, photo.height) == (400, 600)
    top, bottom = image.getpixel((200, 20)), image.getpixel((200, 580))
    assert top[0] > 150 and top[2] < 100  # the red (left) half is on top after turning clockwise
    assert bottom[2] > 150 and bottom[0] < 100
    assert EXIF_ORIENTATION not in stored_image(photo).getexif()  # the kept EXIF does not turn it again


def test_large_photo_is_scaled_down_on_the_server(on_site, settings):
    settings.SERVICEDESK = {**settings.SERVICEDESK, "PHOTO_MAX_SIDE": 1000}
    photo = services.order_photo_add(order=on_site, actor=on_site.engineer, upload=upload(jpeg(3000, 2000)), now=NOW)
    assert stored_image(photo).size == (1000, 667)


def test_png_stays_png(on_site):
    data = jpeg(300, 200, fmt="PNG")
    photo = services.order_photo_add(order=on_site, actor=on_site.engineer, upload=upload(data, "screen.png", "image/png"), now=NOW)
    assert photo.attachment.content_type == "image/png" and stored_image(photo).format == "PNG"


@pytest.mark.parametrize(
    "name,data,message",
    [
        ("notes.txt", b"just text", "cannot be stored"),
        ("photo.jpg", b"MZ\x90\x00" + b"\x00" * 200, "not JPG"),  # a program renamed
        ("photo.jpg", b"\xff\xd8\xff\xe0" + b"\x00" * 200, "not a photo that can be read"),  # a broken JPEG
        ("scan.pdf", b"%PDF-1.4\n%%EOF\n", "cannot be stored"),
    ],
)
def test_non_images_are_refused(on_site, name, data, message):
    with pytest.raises(ValidationError) as refused:
        services.order_photo_add(order=on_site, actor=on_site.engineer, upload=upload(data, name, "image/jpeg"), now=NOW)
    assert message in " ".join(refused.value.messages)
    assert not OrderPhoto.objects.exists() and not TicketAttachment.objects.exists()


def test_too_large_file_is_refused(on_site, settings):
    settings.SERVICEDESK = {**settings.SERVICEDESK, "PHOTO_MAX_MB": 1}
    big = upload(jpeg(10, 10) + b"\x00" * (1024 * 1024))
    with pytest.raises(ValidationError, match="the limit is 1 MB"):
        services.order_photo_add(order=on_site, actor=on_site.engineer, upload=big, now=NOW)


def test_decompression_bomb_is_refused_before_decoding(on_site, settings):
    # A 12000 x 12000 PNG of one colour is a few hundred KB but 144 megapixels decoded.
    out = io.BytesIO()
    Image.new("L", (12000, 12000), 0).save(out, "PNG")
    settings.SERVICEDESK = {**settings.SERVICEDESK, "PHOTO_MAX_PIXELS": 50_000_000}
    with pytest.raises(ValidationError, match="too large"):
        services.order_photo_add(order=on_site, actor=on_site.engineer, upload=upload(out.getvalue(), "x.png"), now=NOW)


def test_pillow_bomb_guard_is_a_refusal_too(on_site, settings, monkeypatch):
    """Even with our own pixel limit set high, Pillow's DecompressionBombError becomes a message."""
    settings.SERVICEDESK = {**settings.SERVICEDESK, "PHOTO_MAX_PIXELS": 10**12}
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 1000)
    with pytest.raises(ValidationError, match="too large"):
        services.order_photo_add(order=on_site, actor=on_site.engineer, upload=upload(jpeg(100, 100)), now=NOW)


def test_repeat_key_stores_one_photo(on_site):
    first = services.order_photo_add(order=on_site, actor=on_site.engineer, upload=upload(jpeg()), key="k" * 32 + "-1", now=NOW)
    again = services.order_photo_add(order=on_site, actor=on_site.engineer, upload=upload(jpeg()), key="k" * 32 + "-1", now=NOW)
    assert again.pk == first.pk
    assert OrderPhoto.objects.count() == 1 and TicketAttachment.objects.count() == 1
    assert TicketEvent.objects.filter(kind=OnsiteEventKind.PHOTO_ADDED).count() == 1


def test_twin_request_with_the_same_key_is_settled_by_the_unique_key(on_site, monkeypatch):
    """Two requests at once: both pass the look-up before either has saved; the second insert hits
    the unique key, its files are removed again and it answers with the first photo."""
    first = services.order_photo_add(order=on_site, actor=on_site.engineer, upload=upload(jpeg()), key="t" * 32, now=NOW)
    real_repeat = services._photo_repeat
    calls = []

    def late_look_up(**kwargs):
        calls.append(kwargs["key"])
        return None if len(calls) == 1 else real_repeat(**kwargs)  # the twin's look-up came too early

    monkeypatch.setattr(services, "_photo_repeat", late_look_up)
    before = media_files()
    again = services.order_photo_add(order=on_site, actor=on_site.engineer, upload=upload(jpeg()), key="t" * 32, now=NOW)
    assert again.pk == first.pk and len(calls) == 2
    assert OrderPhoto.objects.count() == 1 and TicketAttachment.objects.count() == 1
    assert media_files() == before  # the twin's files were removed again


def test_repeat_key_of_someone_else_is_refused(on_site):
    services.order_photo_add(order=on_site, actor=on_site.engineer, upload=upload(jpeg()), key="s" * 32, now=NOW)
    with pytest.raises(PermissionDenied):
        services.order_photo_add(order=on_site, actor=service_manager(), upload=upload(jpeg()), key="s" * 32, now=NOW)


def test_several_photos_all_or_none(on_site):
    uploads = [upload(jpeg()), upload(b"not an image", "b.jpg")]
    with pytest.raises(ValidationError):
        services.order_photos_add(order=on_site, actor=on_site.engineer, uploads=uploads, key="m" * 32, now=NOW)
    assert not OrderPhoto.objects.exists()
    assert not media_files()  # the first photo's files went with its rows
    photos = services.order_photos_add(
        order=on_site, actor=on_site.engineer, uploads=[upload(jpeg()), upload(jpeg(), "b.jpg")], key="m" * 32, now=NOW
    )
    assert [p.key for p in photos] == ["m" * 32 + "-1", "m" * 32 + "-2"]


@pytest.mark.parametrize("status", [OrderStatus.ON_SITE, OrderStatus.WORK_DONE, OrderStatus.SIGNED])
def test_order_engineer_adds_photos_on_the_visit(status):
    order = order_at(status)
    services.order_photo_add(order=order, actor=order.engineer, upload=upload(jpeg()), now=NOW)
    assert order.photos.count() == 1


@pytest.mark.parametrize("status", [OrderStatus.ASSIGNED, OrderStatus.EN_ROUTE, OrderStatus.HANDED_IN])
def test_order_engineer_cannot_add_photos_off_the_visit(status):
    order = order_at(status)
    with pytest.raises(ValidationError, match="from check-in until you check out"):
        services.order_photo_add(order=order, actor=order.engineer, upload=upload(jpeg()), now=NOW)


def test_after_check_out_the_engineer_adds_no_photos_but_a_service_manager_does():
    order = order_at(OrderStatus.SIGNED)
    services.service_order_check_out(order=order, engineer=order.engineer, now=NOW)
    with pytest.raises(ValidationError):
        services.order_photo_add(order=order, actor=order.engineer, upload=upload(jpeg()), now=NOW)
    services.order_photo_add(order=order, actor=service_manager(), upload=upload(jpeg()), now=NOW)
    assert order.photos.count() == 1


@pytest.mark.parametrize("roles", [[Role.ENGINEER], [Role.DUTY_MANAGER], [Role.AGENT]])
def test_others_cannot_add_photos(on_site, roles):
    with pytest.raises(ValidationError, match="Only the engineer on the visit or a service manager"):
        services.order_photo_add(order=on_site, actor=UserFactory(roles=roles), upload=upload(jpeg()), now=NOW)


def test_photo_limit_per_order(on_site, settings):
    settings.SERVICEDESK = {**settings.SERVICEDESK, "PHOTO_MAX_PER_ORDER": 1}
    services.order_photo_add(order=on_site, actor=on_site.engineer, upload=upload(jpeg()), now=NOW)
    with pytest.raises(ValidationError, match="the most it can hold"):
        services.order_photo_add(order=on_site, actor=on_site.engineer, upload=upload(jpeg()), now=NOW)


# --- The pages ---------------------------------------------------------------------------------------


def login(client, user):
    client.force_login(user)
    return client


def post_photo(client, order, data=None, **extra):
    files = data if isinstance(data, list) else [data or upload(jpeg())]
    return client.post(reverse("onsite:photo_add", args=[order.pk]), {"photos": files, **extra})


def test_engineer_uploads_from_the_order_page_and_sees_the_thumbnail(client, on_site):
    login(client, on_site.engineer)
    page = client.get(on_site.get_absolute_url()).content.decode()
    assert 'capture="environment"' in page and 'accept="image/*"' in page and "data-offline" in page
    response = post_photo(client, on_site, caption="现场照片", idempotency_key="p" * 32)
    assert response.status_code == 302 and response["Location"].endswith("#photos")
    photo = OrderPhoto.objects.get()
    assert photo.key == "p" * 32 + "-1"
    page = client.get(on_site.get_absolute_url()).content.decode()
    assert reverse("onsite:photo_thumbnail", args=[on_site.pk, photo.pk]) in page and "现场照片" in page
    thumb = client.get(reverse("onsite:photo_thumbnail", args=[on_site.pk, photo.pk]))
    assert thumb.status_code == 200 and thumb["Content-Type"] == "image/jpeg"
    assert thumb["X-Content-Type-Options"] == "nosniff" and "inline" in thumb["Content-Disposition"]
    full = client.get(reverse("onsite:photo", args=[on_site.pk, photo.pk]))
    assert full.status_code == 200 and b"".join(full.streaming_content)[:2] == b"\xff\xd8"


def test_repeated_post_is_one_photo(client, on_site):
    login(client, on_site.engineer)
    for _ in range(2):
        assert post_photo(client, on_site, idempotency_key="r" * 32).status_code == 302
    assert OrderPhoto.objects.count() == 1


@pytest.mark.parametrize(
    "data,message",
    [
        (upload(b"plain text, not a photo", "photo.jpg"), "not JPG"),
        (upload(b"%PDF-1.4\n%%EOF\n", "report.pdf", "application/pdf"), "cannot be stored"),
    ],
)
def test_bad_upload_is_a_400_with_the_reason(client, on_site, data, message):
    login(client, on_site.engineer)
    response = post_photo(client, on_site, data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not OrderPhoto.objects.exists()


def test_missing_file_is_a_400(client, on_site):
    login(client, on_site.engineer)
    response = client.post(reverse("onsite:photo_add", args=[on_site.pk]), {"caption": "x"})
    assert response.status_code == 400 and "Take a photo or choose one first." in response.content.decode()


def test_too_many_files_is_a_400(client, on_site):
    login(client, on_site.engineer)
    response = post_photo(client, on_site, [upload(jpeg(20, 20), f"{n}.jpg") for n in range(11)])
    assert response.status_code == 400 and not OrderPhoto.objects.exists()


def test_other_engineer_gets_404_and_roles_without_the_step_get_403(client, on_site):
    login(client, order_at(OrderStatus.ON_SITE).engineer)
    assert post_photo(client, on_site).status_code == 404
    for roles in ([Role.AGENT], [Role.DUTY_MANAGER], [Role.CALLBACK_SPECIALIST], [Role.HR]):
        login(client, UserFactory(roles=roles))
        assert post_photo(client, on_site).status_code == 403
    assert not OrderPhoto.objects.exists()


def test_engineer_off_the_visit_is_refused_with_400(client):
    order = order_at(OrderStatus.EN_ROUTE)
    login(client, order.engineer)
    response = post_photo(client, order)
    assert response.status_code == 400 and "from check-in until you check out" in response.content.decode()
    assert not OrderPhoto.objects.exists()
    # Before the check-in the upload form is only there hidden, for the offline phone to show with
    # the work report once the check-in is queued (issue 16).
    body = client.get(order.get_absolute_url()).content.decode()
    assert '<div class="photo-upload" hidden data-offline-reveal-with="report">' in body


def test_photos_are_seen_by_whoever_sees_the_order_or_the_ticket(client, on_site):
    photo = services.order_photo_add(order=on_site, actor=on_site.engineer, upload=upload(jpeg()), now=NOW)
    url = reverse("onsite:photo", args=[on_site.pk, photo.pk])
    thumb = reverse("onsite:photo_thumbnail", args=[on_site.pk, photo.pk])
    for roles in ([Role.AGENT], [Role.SERVICE_MANAGER], [Role.DUTY_MANAGER], [Role.CALLBACK_SPECIALIST], [Role.ADMIN]):
        login(client, UserFactory(roles=roles))
        assert client.get(url).status_code == 200 and client.get(thumb).status_code == 200
    # An engineer assigned the ticket (not the order's engineer) sees it on the ticket's timeline.
    ticket_engineer = UserFactory(roles=[Role.ENGINEER])
    on_site.ticket.assignee = ticket_engineer
    on_site.ticket.save()
    login(client, ticket_engineer)
    assert client.get(thumb).status_code == 200
    login(client, UserFactory(roles=[Role.ENGINEER]))
    assert client.get(url).status_code == 404 and client.get(thumb).status_code == 404
    login(client, UserFactory(roles=[Role.HR]))
    assert client.get(url).status_code == 403
    # The photo id under another order's URL is not found.
    login(client, UserFactory(roles=[Role.SERVICE_MANAGER]))
    assert client.get(reverse("onsite:photo", args=[order_at(OrderStatus.ASSIGNED).pk, photo.pk])).status_code == 404


def test_photos_are_not_on_the_customer_status_page(on_site):
    from tickets.intake.selectors import status_attachments

    services.order_photo_add(order=on_site, actor=on_site.engineer, upload=upload(jpeg()), now=NOW)
    assert not status_attachments(ticket=on_site.ticket).exists()


def test_ticket_timeline_and_print_show_the_photo(client, on_site):
    photo = services.order_photo_add(order=on_site, actor=on_site.engineer, upload=upload(jpeg()), caption="机柜", now=NOW)
    login(client, UserFactory(roles=[Role.AGENT]))
    page = client.get(on_site.ticket.get_absolute_url()).content.decode()
    assert reverse("onsite:photo_thumbnail", args=[on_site.pk, photo.pk]) in page
    printed = client.get(reverse("onsite:print", args=[on_site.pk]) + "?lang=en").content.decode()
    assert reverse("onsite:photo", args=[on_site.pk, photo.pk]) in printed and "机柜" in printed


def _queries(client, url) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


def test_order_and_ticket_pages_queries_do_not_grow_with_the_photos(client, on_site, django_assert_num_queries):
    manager = service_manager()
    login(client, manager)
    add = lambda: services.order_photo_add(order=on_site, actor=manager, upload=upload(jpeg(40, 30)), now=NOW)  # noqa: E731
    add()
    order_url, ticket_url = on_site.get_absolute_url(), on_site.ticket.get_absolute_url()
    client.get(order_url), client.get(ticket_url)  # warm the per-process caches (calendar, content types)
    with_one = {url: _queries(client, url) for url in (order_url, ticket_url)}
    # Pinned: the order page (service manager) and the ticket page; the photos are one query.
    assert with_one == {order_url: 9, ticket_url: 11}
    for _ in range(4):
        add()
    with django_assert_num_queries(with_one[order_url]):
        response = client.get(order_url)
    assert response.content.decode().count('class="photo"') == 5
    with django_assert_num_queries(with_one[ticket_url]):
        response = client.get(ticket_url)
    assert response.content.decode().count('class="event-photo"') == 5
