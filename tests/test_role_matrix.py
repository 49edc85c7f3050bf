"""Every URL x every role (plus anonymous) against the expected matrix in ``tests/role_matrix.py``.

The URLs come from the resolver, so a new URL without a row in the matrix fails here. The ids are
real: the demo data of every app (``<app>.demo.seed_demo``) is loaded once for the module at a
fixed moment, and each identity below is a fresh user with one role who owns nothing in it, so every
id in a URL is someone else's object (another engineer's order, another customer's document...).
GET for every page; a POST-only view (``POST_ONLY``) gets a POST with empty data. Each request
runs in a savepoint that is rolled back, so no request changes what the next one sees.

Django admin has its own permissions (is_staff, model permissions) and is left out of the matrix;
``test_admin_sends_everyone_but_staff_to_its_login`` checks its door. Static and media are skipped.
"""

import copy
import dataclasses
import datetime
import re
from importlib import import_module
from importlib.util import find_spec

import pytest
import time_machine
from django.apps import apps
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from staff.roles import Role
from tests import role_matrix

pytestmark = pytest.mark.django_db

# Tuesday 10 March 2026, 10:00 in Shanghai: a working day; the demo is built for this moment and
# every request is answered at it.
NOW = datetime.datetime(2026, 3, 10, 2, 0, tzinfo=datetime.UTC)
# The API has its own matrix (API_MATRIX, tested below with tokens): its routes are DRF regexes.
SKIPPED_PREFIXES = ("admin/", "api/")


@dataclasses.dataclass(frozen=True)
class Route:
    name: str  # "namespace:name"
    route: str  # "remote/documents/<int:pk>/"

    @property
    def kwargs(self) -> list[str]:
        return re.findall(r"<(?:\w+:)?(\w+)>", self.route)


def _walk(patterns, prefix: str = "", namespace: str = ""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = namespace
            if pattern.namespace:
                inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern), inner)
        elif isinstance(pattern, URLPattern):
            name = f"{namespace}:{pattern.name}" if namespace and pattern.name else (pattern.name or "")
            yield Route(name=name or prefix + str(pattern.pattern), route=prefix + str(pattern.pattern))


def _skipped(route: str) -> bool:
    static = tuple(url.lstrip("/") for url in (settings.STATIC_URL, settings.MEDIA_URL) if url)
    return route.startswith(SKIPPED_PREFIXES) or route.lstrip("^").startswith(static)


def project_routes() -> list[Route]:
    """Every URL pattern of the project, with its namespaced name, except admin, static, media."""
    return [route for route in _walk(get_resolver().url_patterns) if not _skipped(route.route)]


ROUTES = project_routes()


# --- The objects behind the ids --------------------------------------------------------------------

# Route prefix -> the key of the object (in ``World.ids``) that ``<pk>`` names; the longest match wins.
PK_OBJECTS = {
    "customers/": "customer",
    "staff/leave/": "leave",
    "staff/travel/": "travel",
    "staff/penalties/": "penalty",
    "staff/payroll/": "deduction_run",
    "remote/changes/": "change_request",
    "remote/faq/": "faq_entry",
    "remote/documents/": "document",
    "training/plans/": "plan",
    "training/projects/": "project",
    "sla/contract-reminders/": "reminder",
    "contracts/list/": "contract",
    "contracts/renewals/": "renewal",
    "onsite/orders/": "order",
    "onsite/maintenance/plans/": "maintenance_plan",
    "onsite/parts/locations/": "stock_location",
    "onsite/parts/factory/": "factory_move",  # issue 16: a part at the factory
    "onsite/parts/orders/": "order",  # issue 16: "Use a part" on another engineer's order
    "care/callbacks/": "callback",
    "care/complaints/": "complaint",
    "hotline/roster/shifts/": "shift",
    "hotline/roster/assignments/": "assignment",
    "hotline/roster/mine/": "assignment",
    "hotline/calls/": "call",
    "hotline/queue/": "duty_request",
    "hotline/callbacks/": "callback_promise",
}
# Other URL kwargs -> the key in ``World.ids`` (or a fixed value, for non-object parts of a URL).
KWARG_OBJECTS = {
    "number": "ticket",
    "item_pk": "checklist_item",
    "trainee_pk": "trainee",
    "part_pk": "part",
    "token": "survey_token",
    "status_token": "status_token",  # issue 14: the public status page of another ticket
    "file_pk": "status_file",  # a file the customer sent, on that ticket
    "attachment_pk": "attachment",  # a file on ``ticket``
    "photo_pk": "photo",  # issue 16: a visit photo of ``order``
}
KWARG_VALUES = {"kind": "session", "action": "confirm", "year": 2026, "month": 3}


def _seed_demo() -> None:
    for config in apps.get_app_configs():
        module_name = f"{config.name}.demo"
        if find_spec(module_name) is not None:
            import_module(module_name).seed_demo(now=NOW, log=lambda message: None)


def _pick_objects(*, stored_files: list) -> dict:
    """One demo object per kind, chosen so its pages have something to show (an order with a
    replaced part, a leave request with a certificate, an exported deduction run...). None of it is
    the identities' own: they were created after the demo and own nothing. Files written here are
    named in ``stored_files`` (the rollback removes rows, not files)."""
    from hotline.models import CallbackPromise, CallLog, DutyRequest
    from hotline.roster.models import ShiftAssignment
    from onsite.models import PartUsed
    from onsite.parts.models import MoveReason, StockMove
    from staff.models import DeductionRun, LeaveRequest, PenaltyProposal, TravelRequest
    from tickets.care import services as care_services
    from tickets.care.models import Callback, CallbackStatus, Complaint
    from tickets.contracts.models import Renewal
    from tickets.models import ServiceContract, Ticket
    from tickets.remote.models import Attachment, AttachmentKind, ChangeRequest, FaqEntry
    from tickets.sla.models import ContractReminder
    from training.models import ImplementationProject, TrainingPlan

    def first(*querysets):
        """The first object of the first queryset that has one (the preferred kind, then any)."""
        for queryset in querysets:
            if (found := queryset.order_by("pk").first()) is not None:
                return found
        raise AssertionError(f"the demo data has no {querysets[0].model.__name__} for the role matrix")

    part = first(PartUsed.objects.select_related("report__order"))
    plan = first(TrainingPlan.objects.filter(trainees__isnull=False, checklist__isnull=False).distinct())
    shift_assignment = first(ShiftAssignment.objects.all())
    callback = first(Callback.objects.filter(status=CallbackStatus.OPEN), Callback.objects.all())
    ticket = first(Ticket.objects.filter(assignee__isnull=False).exclude(assignee__groups__name=Role.ADMIN))
    leave = first(LeaveRequest.objects.exclude(certificate=""), LeaveRequest.objects.all())
    if not leave.certificate:  # ST-2: a certificate to download, so its page is more than a 404
        leave.certificate.save("certificate.pdf", ContentFile(b"%PDF-1.4\n%%EOF\n"))
        stored_files.append(leave.certificate.name)
    return {
        "customer": ticket.customer_id,
        "ticket": ticket.number,
        "leave": leave.pk,
        "travel": first(TravelRequest.objects.all()).pk,
        "penalty": first(PenaltyProposal.objects.all()).pk,
        "deduction_run": first(DeductionRun.objects.filter(exported_at__isnull=False), DeductionRun.objects.all()).pk,
        "change_request": first(ChangeRequest.objects.all()).pk,
        "faq_entry": first(FaqEntry.objects.filter(is_published=True), FaqEntry.objects.all()).pk,
        "document": first(Attachment.objects.filter(kind=AttachmentKind.PASSWORD_APPLICATION)).pk,
        "plan": plan.pk,
        "checklist_item": plan.checklist.order_by("pk").first().pk,
        "trainee": plan.trainees.order_by("pk").first().pk,
        "project": first(ImplementationProject.objects.all()).pk,
        "reminder": first(ContractReminder.objects.all()).pk,
        "contract": first(ServiceContract.objects.all()).pk,
        "renewal": first(Renewal.objects.all()).pk,
        "order": part.report.order_id,
        "part": part.pk,
        "callback": callback.pk,
        "survey_token": care_services.survey_token_make(callback=callback),
        **_intake_objects(ticket=ticket, stored_files=stored_files),
        "complaint": first(Complaint.objects.all()).pk,
        "shift": shift_assignment.shift_id,
        "assignment": shift_assignment.pk,
        "call": first(CallLog.objects.all()).pk,
        "duty_request": first(DutyRequest.objects.all()).pk,
        "callback_promise": first(CallbackPromise.objects.all()).pk,
        "stock_location": _stock_location(),
        "photo": _photo(order=part.report.order, stored_files=stored_files),
        "maintenance_plan": _maintenance_plan(),
        "factory_move": first(StockMove.objects.filter(reason=MoveReason.RETURN_TO_FACTORY)).pk,
    }


def _maintenance_plan() -> int:
    """Issue 16: the demo maintenance plan."""
    from onsite.maintenance.models import MaintenancePlan

    return MaintenancePlan.objects.order_by("pk").first().pk


def _stock_location() -> int:
    """Issue 16: the demo's warehouse (onsite/parts/demo.py)."""
    from onsite.parts.models import LocationKind, StockLocation

    return StockLocation.objects.get_or_create(name="中央仓库", defaults={"kind": LocationKind.WAREHOUSE})[0].pk


def _photo(*, order, stored_files: list) -> int:
    """Issue 16: a photo of the order, added by the demo service manager (the demo has none)."""
    import io

    from PIL import Image

    from onsite.services import order_photo_add
    from staff.models import User

    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 60, 20)).save(buffer, "JPEG")
    manager = User.objects.filter(groups__name=Role.SERVICE_MANAGER, is_active=True).order_by("pk").first()
    photo = order_photo_add(order=order, actor=manager, upload=ContentFile(buffer.getvalue(), name="site.jpg"))
    stored_files.extend([photo.attachment.file.name, photo.thumbnail.name])
    return photo.pk


def _intake_objects(*, ticket, stored_files: list) -> dict:
    """Issue 14: a status link of a ticket other than ``ticket`` (revoking ``ticket``'s link, a
    POST of the matrix, must not close the public pages tried later) with a photo the customer
    sent, and a file on ``ticket`` for the staff download."""
    from tickets.intake import services as intake_services
    from tickets.models import Ticket, TicketAttachment
    from tickets.services import ticket_attachment_add

    other = Ticket.objects.exclude(pk=ticket.pk).order_by("pk").first()
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64

    def attach(on, source):
        attachment = ticket_attachment_add(ticket=on, upload=ContentFile(png, name="photo.png"), source=source)
        stored_files.append(attachment.file.name)
        return attachment.pk

    link = intake_services.status_link_get_or_create(ticket=other)
    return {
        "status_token": intake_services.status_token_make(link=link),
        "status_file": attach(other, TicketAttachment.Source.WEB),
        "attachment": attach(ticket, TicketAttachment.Source.DESK),
    }


def _identity(role: str):
    from staff.tests.factories import EmployeeFactory

    # A plain member of the role group (an administrator is staff for Django admin, not superuser:
    # a superuser holds every role, which is not what the matrix is about).
    return EmployeeFactory(username=f"matrix-{role}", roles=[role], is_staff=role == Role.ADMIN)


@dataclasses.dataclass
class World:
    ids: dict
    clients: dict[str, Client]
    cookies: dict = dataclasses.field(default_factory=dict)  # each client's cookies right after login

    def client(self, identity: str) -> Client:
        """The identity's client as it was right after login: a logout, a rotated session or a
        message cookie left by an earlier request does not carry over."""
        client = self.clients[identity]
        client.cookies = copy.deepcopy(self.cookies[identity])
        return client


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """The demo data, one user per role and their logged-in clients: built once, rolled back after."""
    stored_files = []
    with django_db_blocker.unblock(), time_machine.travel(NOW, tick=False):
        with transaction.atomic():
            _seed_demo()
            ids = _pick_objects(stored_files=stored_files)
            clients = {role_matrix.ANONYMOUS: Client(raise_request_exception=False)}
            for role in Role.values:
                clients[role] = Client(raise_request_exception=False)
                clients[role].force_login(_identity(role))
            cookies = {identity: copy.deepcopy(client.cookies) for identity, client in clients.items()}
            yield World(ids=ids, clients=clients, cookies=cookies)
            transaction.set_rollback(True)
    for name in stored_files:
        default_storage.delete(name)


def url_for(route: Route, ids: dict) -> str:
    """The route with every kwarg filled from the demo objects (fails naming an unknown kwarg)."""

    def value(match):
        kwarg = match.group(1)
        if kwarg == "pk":
            prefixes = [prefix for prefix in PK_OBJECTS if route.route.startswith(prefix)]
            assert prefixes, f"{route.name}: add the route prefix of {route.route!r} to PK_OBJECTS in {__name__}"
            return str(ids[PK_OBJECTS[max(prefixes, key=len)]])
        if kwarg in KWARG_OBJECTS:
            return str(ids[KWARG_OBJECTS[kwarg]])
        assert kwarg in KWARG_VALUES, f"{route.name}: add the URL kwarg {kwarg!r} to KWARG_OBJECTS or KWARG_VALUES"
        return str(KWARG_VALUES[kwarg])

    return "/" + re.sub(r"<(?:\w+:)?(\w+)>", value, route.route)


def observe(route: Route, world: World) -> tuple[dict[str, int], dict[str, str]]:
    """Status per identity for the route, and the exception behind each 500 (if any)."""
    url = url_for(route, world.ids)
    post = route.name in role_matrix.POST_ONLY
    statuses, errors = {}, {}
    for identity in world.clients:
        client = world.client(identity)
        with transaction.atomic():
            response = client.post(url, {}) if post else client.get(url)
            transaction.set_rollback(True)
        statuses[identity] = response.status_code
        if response.status_code >= 500 and getattr(response, "exc_info", None):
            errors[identity] = repr(response.exc_info[1])
        if identity == role_matrix.ANONYMOUS and response.status_code == 302 and route.name not in role_matrix.PUBLIC:
            login = reverse(settings.LOGIN_URL)
            assert response["Location"].startswith(login), f"{route.name}: anonymous is sent to {response['Location']}"
    return statuses, errors


# --- The tests ----------------------------------------------------------------------------------------


def test_identities_are_anonymous_and_every_role():
    assert role_matrix.IDENTITIES == (role_matrix.ANONYMOUS, *Role.values)


def test_every_url_has_a_row_in_the_matrix():
    missing = [route.name for route in ROUTES if route.name not in role_matrix.MATRIX]
    assert not missing, (
        f"URL names without a row in tests/role_matrix.py: {missing}. Add a row per name with the status each "
        "role should get (run this module; the failing test_role_matrix[...] prints the observed row to check and paste)."
    )


def test_matrix_has_no_stale_rows():
    names = {route.name for route in ROUTES}
    stale = sorted(set(role_matrix.MATRIX) - names)
    assert not stale, f"rows in tests/role_matrix.py for URL names that no longer exist: {stale}"
    assert role_matrix.POST_ONLY <= names and role_matrix.PUBLIC <= names


def test_url_names_are_unique():
    names = [route.name for route in ROUTES]
    assert len(names) == len(set(names)), sorted({name for name in names if names.count(name) > 1})


@pytest.mark.parametrize("route", ROUTES, ids=lambda route: route.name)
def test_role_matrix(route, world):
    """GN-7: each identity gets exactly the status the matrix names; never a server error."""
    statuses, errors = observe(route, world)
    assert not errors, f"{route.name}: server error for {errors}"
    expected = role_matrix.MATRIX.get(route.name)
    row = role_matrix.format_row(route.name, statuses)
    assert expected is not None, f"{route.name} ({route.route}) is not in tests/role_matrix.py; observed:\n{row}"
    assert statuses == expected, (
        f"{route.name} ({url_for(route, world.ids)}): statuses differ from tests/role_matrix.py.\n"
        f"expected: {expected}\nobserved:\n{row}\n"
        "If the change is intended, put the observed row in the matrix and say why in the commit."
    )


def test_post_only_views_refuse_get(world):
    """A view in POST_ONLY really is POST-only: a signed-in administrator's GET is refused (405)."""
    routes = [route for route in ROUTES if route.name in role_matrix.POST_ONLY]
    for route in routes:
        response = world.client(Role.ADMIN).get(url_for(route, world.ids))
        assert response.status_code == 405, route.name


def test_admin_sends_everyone_but_staff_to_its_login(world):
    """Django admin keeps its own door: anonymous and every non-staff role are sent to a login page,
    on the index and on a customer document's page alike; the administrator (staff) gets in, and
    from there Django's model permissions decide."""
    pages = [reverse("admin:index"), reverse("admin:remote_attachment_change", args=[world.ids["document"]])]
    logins = (reverse("admin:login"), reverse(settings.LOGIN_URL))
    for identity in world.clients:
        if identity == Role.ADMIN:
            assert world.client(identity).get(pages[0]).status_code == 200
            continue
        for page in pages:
            response = world.client(identity).get(page)
            assert response.status_code == 302, (identity, page)
            assert response["Location"].startswith(logins), (identity, page, response["Location"])


# --- The API (issue 15): the same identities, with a token each, against API_MATRIX ---------------

# Router basename -> the key in ``World.ids`` of the object a detail URL names (someone else's).
API_OBJECTS = {
    "customer": "customer",
    "ticket": "ticket",
    "contract": "contract",
    "order": "order",
    "call": "call",
    "callback": "callback",
    "complaint": "complaint",
    "faq": "faq_entry",
}


def api_routes() -> list[tuple[str, str, str, str]]:
    """(method, "api:<name>", regex, basename) for every method of every API route."""
    from servicedesk.api.urls import router

    routes = []
    for prefix, viewset, basename in router.registry:
        for pattern in router.get_routes(viewset):
            name = f"api:{pattern.name.format(basename=basename)}"
            for method in pattern.mapping:
                if hasattr(viewset, pattern.mapping[method]):
                    routes.append((method.upper(), name, prefix, basename))
    return sorted(set(routes))


API_ROUTES = api_routes()


def _api_ids(world) -> dict:
    from tickets.care.models import SurveyResponse
    from tickets.models import Contact, Installation, Ticket
    from tickets.sla.models import SLAClock

    ticket = Ticket.objects.get(number=world.ids["ticket"])
    return {
        **{basename: world.ids[key] for basename, key in API_OBJECTS.items() if key in world.ids},
        "contact": Contact.objects.filter(customer=ticket.customer_id).order_by("pk").first().pk,
        "installation": Installation.objects.order_by("pk").first().pk,
        "sla-clock": SLAClock.objects.filter(ticket=ticket).order_by("pk").first().pk,
        "survey-response": SurveyResponse.objects.order_by("pk").first().pk,
    }


def test_every_api_route_has_a_row_in_the_api_matrix():
    keys = {f"{method} {name}" for method, name, _prefix, _basename in API_ROUTES}
    missing = sorted(keys - set(role_matrix.API_MATRIX))
    stale = sorted(set(role_matrix.API_MATRIX) - keys)
    assert not missing, f"API routes without a row in tests/role_matrix.py API_MATRIX: {missing}"
    assert not stale, f"API_MATRIX rows for routes that no longer exist: {stale}"


@pytest.mark.parametrize("route", API_ROUTES, ids=lambda route: f"{route[0]} {route[1]}")
def test_api_role_matrix(route, world):
    """GN-7 over the API: each identity's token gets the status API_MATRIX names (anonymous: no
    token, 401); detail URLs name someone else's object, so a scoped role gets 404; POSTs send
    an empty body (400 for roles that may)."""
    from rest_framework.test import APIClient

    from servicedesk.api import services as api_services
    from staff.models import User

    method, name, _prefix, basename = route
    ids = _api_ids(world)
    kwargs = {}
    if name.endswith("-detail") or not name.endswith("-list"):
        lookup = "number" if basename == "ticket" else "pk"
        kwargs = {lookup: ids[basename]}
    url = reverse(name, kwargs=kwargs)
    statuses = {}
    with transaction.atomic():
        for identity in role_matrix.IDENTITIES:
            client = APIClient(raise_request_exception=False)
            if identity != role_matrix.ANONYMOUS:
                user = User.objects.get(username=f"matrix-{identity}")
                _token, raw = api_services.api_token_create(user=user, name="matrix")
                client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
            with transaction.atomic():
                response = client.generic(method, url, "{}", content_type="application/json")
                transaction.set_rollback(True)
            statuses[identity] = response.status_code
            assert response.status_code < 500, f"{method} {url} as {identity}: {response.content[:500]!r}"
            assert "error" in response.json() or response.status_code < 400, (method, url, identity)
        transaction.set_rollback(True)
    expected = role_matrix.API_MATRIX.get(f"{method} {name}")
    observed = role_matrix.format_row(f"{method} {name}", statuses)
    assert statuses == expected, f"{method} {url}: expected {expected}\nobserved:\n{observed}"
