"""Bad input never gives a 500 (issue 13): every URL pattern of the project, fuzzed.

The URL patterns come from the resolver (recursively, with namespaces), so a new view is fuzzed
without anyone adding it here; only a new ``<int:...>`` kwarg needs a line in ``ID_ROUTES`` saying
which model's ids fill it (the test says so when one is missing).

One user who holds every role in ``staff.roles`` gets past every role check. The database holds the
demo data (``seed_demo``, loaded once per module), so URL kwargs are real ids in many states. For each
URL:

- **POST** random form data drawn with hypothesis from the fields of the forms that post there
  (found in the rendered pages' ``<form action=...>`` and the view's own context forms), typed by
  the project's form classes: ids (real, negative, huge, non-numeric), numbers, dates (year 1, 9999,
  Feb 30, garbage), long strings, NUL, empty, and uploads (a renamed .exe, random bytes). Half the
  examples spoil one or two fields of a plausible submission, so the input reaches the services;
- **GET** with garbage query parameters (``page=-1``, ``page=abc``, a 10,000-character search,
  ids and dates that overflow);
- both again with **garbage URL kwargs** (ids past 2**63, 0; for ``<str:...>`` long or odd text).

Every response must be below 500. The test client re-raises a view's exception, so a failure shows
the traceback and hypothesis prints the smallest input that causes it. "Nothing half-saved": the
public survey, a creating view that answers 400 to a bad submission, leaves no row behind then.

Skipped, and why: ``admin/`` (Django's own views, guarded by Django's own tests and by
``is_staff``), static and media (only mounted with DEBUG, which tests never set), login and logout
(the auth views; logging out would end the fuzzing session, and login throttling is tested with
the lockout), the CTI webhook (machine-to-machine JSON, fuzzed in hotline/tests/test_cti_validation.py).

Examples are derandomized (same inputs every run, so CI is not flaky). Set ``FUZZ_EXAMPLES=50`` and
``FUZZ_RANDOM=1`` for a longer, random hunt on your machine.
"""

import datetime
import os
from dataclasses import dataclass, field
from html.parser import HTMLParser
from importlib import import_module
from importlib.util import find_spec
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django import forms
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from staff.roles import Role
from staff.tests.factories import UserFactory

PROJECT_ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "3"))
FUZZ_SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=not os.environ.get("FUZZ_RANDOM"),
    database=None,  # no .hypothesis/ folder in the work tree
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)

# api/: the REST API has its own fuzzer, schemathesis over its OpenAPI schema
# (servicedesk/api/tests/test_schema_fuzz.py, issue 15); its routes are DRF regexes, not forms.
SKIP_PREFIXES = ("admin/", "accounts/login/", "accounts/logout/", "static/", "media/", "hotline/cti/", "api/")

# Which model's ids fill an ``<int:...>`` kwarg: the route up to and including that kwarg.
ID_ROUTES = {
    "customers/<int:pk>": "tickets.Customer",
    "staff/leave/<int:pk>": "staff.LeaveRequest",
    "staff/travel/<int:pk>": "staff.TravelRequest",
    "staff/penalties/<int:pk>": "staff.PenaltyProposal",
    "staff/payroll/<int:pk>": "staff.DeductionRun",
    "remote/changes/<int:pk>": "remote.ChangeRequest",
    "remote/faq/<int:pk>": "remote.FaqEntry",
    "remote/documents/<int:pk>": "remote.Attachment",
    "training/plans/<int:pk>": "training.TrainingPlan",
    "training/plans/<int:pk>/checklist/<int:item_pk>": "training.ChecklistItem",
    "training/plans/<int:pk>/trainees/<int:trainee_pk>": "training.Trainee",
    "training/projects/<int:pk>": "training.ImplementationProject",
    "sla/contract-reminders/<int:pk>": "sla.ContractReminder",
    "contracts/list/<int:pk>": "tickets.ServiceContract",
    "contracts/renewals/<int:pk>": "contracts.Renewal",
    "onsite/orders/<int:pk>": "onsite.ServiceOrder",
    "onsite/orders/<int:pk>/parts/<int:part_pk>": "onsite.PartUsed",
    "onsite/maintenance/plans/<int:pk>": "maintenance.MaintenancePlan",  # issue 16
    "onsite/orders/<int:pk>/photos/<int:photo_pk>": "onsite.OrderPhoto",  # issue 16
    "onsite/parts/locations/<int:pk>": "parts.StockLocation",
    "onsite/parts/factory/<int:pk>": "parts.StockMove",
    "onsite/parts/orders/<int:pk>": "onsite.ServiceOrder",
    "care/callbacks/<int:pk>": "care.Callback",
    "care/complaints/<int:pk>": "care.Complaint",
    "hotline/roster/shifts/<int:pk>": "roster.Shift",
    "hotline/roster/assignments/<int:pk>": "roster.ShiftAssignment",
    "hotline/roster/mine/<int:pk>": "roster.ShiftAssignment",
    "hotline/calls/<int:pk>": "hotline.CallLog",
    "hotline/queue/<int:pk>": "hotline.DutyRequest",
    "hotline/callbacks/<int:pk>": "hotline.CallbackPromise",
    # Issue 14: files on tickets (the customer's, through the status link; staff downloads).
    "status/<str:status_token>/files/<int:file_pk>": "tickets.TicketAttachment",
    "tickets/<str:number>/attachments/<int:attachment_pk>": "tickets.TicketAttachment",
}
YEAR_MONTH = {"year": [2025, 2026, 2027], "month": [1, 3, 12]}
GARBAGE_INT_KWARGS = [0, 2**31, 2**63 + 7, int("9" * 25)]
GARBAGE_STR_KWARGS = ["x" * 300, "SD-0000-000000", "١٢٣", "a b"]

GARBAGE = [
    "", " ", "abc", "-1", "0", "1", "²", "١٢", "1e9", "1.5", "NaN", "Infinity", "-Infinity", "9" * 20,
    str(2**31), str(2**63), str(2**64), "-" + "9" * 30, "0001-01-01", "9999-12-31", "2026-02-30",
    "10000-01-01", "0000-00-00", "2026-03-10T25:61", "9999-12-31T23:59", "0001-01-01T00:00", "x" * 10_000,
    "\x00", "a\x00b", "<script>alert(1)</script>", "'; DROP TABLE x; --", "null", "true", "[]", "{}", "👍",
]  # fmt: skip
QUERY_GARBAGE = ["-1", "abc", "²", "9" * 25, "0001-01-01", "9999-12-31", "\x00"]
QUERY_NAMES = (
    "page", "q", "search", "customer", "installation", "contact", "call", "project", "reminder", "day", "month",
    "year", "week", "start", "end", "scope", "lang", "open", "kind", "status", "engineer", "assignee", "region",
    "product", "outcome", "team", "employee", "ticket", "order", "plan", "date", "from", "to", "next", "id",
)  # fmt: skip


# --- URL patterns -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Route:
    route: str  # "onsite/orders/<int:pk>/approve/"
    name: str  # "onsite:approve"
    converters: tuple  # (("pk", "int"), ...)

    def __str__(self):
        return self.name


def _walk(patterns, prefix="", namespace=None):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = namespace
            if pattern.namespace:
                inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern), inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            converters = getattr(pattern.pattern, "converters", {})
            yield Route(
                route=prefix + str(pattern.pattern),
                name=f"{namespace}:{pattern.name}" if namespace else pattern.name,
                converters=tuple((key, type(conv).__name__.removesuffix("Converter").lower()) for key, conv in converters.items()),
            )


def project_routes() -> list[Route]:
    seen, routes = set(), []
    for route in _walk(get_resolver().url_patterns):
        if route.route.startswith(SKIP_PREFIXES) or route.name in seen:
            continue
        seen.add(route.name)
        routes.append(route)
    return routes


ROUTES = project_routes()


# --- The project's form fields ------------------------------------------------------------------------


def _kind_of(form_field) -> tuple[str, tuple]:
    if isinstance(form_field, forms.ModelMultipleChoiceField):
        return "ids", ()
    if isinstance(form_field, forms.ModelChoiceField):
        return "id", ()
    if isinstance(form_field, forms.FileField):
        return "file", ()
    if isinstance(form_field, forms.MultipleChoiceField):
        return "choices", tuple(str(value) for value, _label in form_field.choices if not isinstance(_label, (list, tuple)))
    if isinstance(form_field, forms.ChoiceField):
        return "choice", tuple(str(value) for value, _label in form_field.choices if not isinstance(_label, (list, tuple)))
    if isinstance(form_field, forms.BooleanField | forms.NullBooleanField):
        return "bool", ()
    if isinstance(form_field, forms.IntegerField):
        return "int", ()
    if isinstance(form_field, forms.DecimalField | forms.FloatField):
        return "decimal", ()
    if isinstance(form_field, forms.DateTimeField):
        return "datetime", ()
    if isinstance(form_field, forms.DateField):
        return "date", ()
    if isinstance(form_field, forms.TimeField):
        return "time", ()
    return "text", ()


def _project_form_classes() -> list[type]:
    for config in apps.get_app_configs():
        if PROJECT_ROOT in Path(config.path).parents and find_spec(f"{config.name}.forms") is not None:
            import_module(f"{config.name}.forms")
    found, todo = [], [forms.BaseForm]
    while todo:
        cls = todo.pop()
        for sub in cls.__subclasses__():
            todo.append(sub)
            if sub.__module__.split(".")[0] in {"servicedesk", "tickets", "hotline", "onsite", "training", "staff"}:
                found.append(sub)
    return found


def field_catalogue() -> dict[str, set]:
    """Field name -> the kinds of field that name has in the project's forms."""
    catalogue: dict[str, set] = {}
    for cls in _project_form_classes():
        for name, form_field in getattr(cls, "base_fields", {}).items():
            try:
                catalogue.setdefault(name, set()).add(_kind_of(form_field))
            except Exception:  # choices that need the database: treat as a plain choice
                catalogue.setdefault(name, set()).add(("choice", ()))
    return catalogue


class _FormScanner(HTMLParser):
    """The ``<form>`` elements of a page: (method, action path) -> field names (and values seen)."""

    def __init__(self, page_path):
        super().__init__()
        self.page_path, self.forms, self.current = page_path, {}, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            action = urlsplit(attrs.get("action") or self.page_path).path or self.page_path
            method = (attrs.get("method") or "get").lower()
            self.current = self.forms.setdefault((method, action), {})
        elif self.current is not None and tag in ("input", "select", "textarea", "button") and attrs.get("name"):
            values = self.current.setdefault(attrs["name"], set())
            if attrs.get("value") is not None and len(attrs["value"]) < 200:
                values.add(attrs["value"])
        elif self.current is not None and tag == "option" and attrs.get("value") is not None:
            last = next(reversed(self.current), None)
            if last is not None:
                self.current[last].add(attrs["value"])

    def handle_endtag(self, tag):
        if tag == "form":
            self.current = None


# --- Data: demo data, one all-roles user, the forms found on its pages ----------------------------------


@dataclass
class World:
    user: object
    ids: dict = field(default_factory=dict)  # model label -> [pk, ...]
    numbers: list = field(default_factory=list)  # ticket numbers
    tokens: list = field(default_factory=list)  # survey tokens
    status_tokens: list = field(default_factory=list)  # status links (issue 14)
    form_fields: dict = field(default_factory=dict)  # (method, URL path) -> {field name: {values seen}}
    catalogue: dict = field(default_factory=dict)
    all_ids: list = field(default_factory=list)

    def real_kwargs(self, route: Route, pick: int = 0) -> dict | None:
        kwargs = {}
        for key, converter in route.converters:
            if key in YEAR_MONTH:
                values = YEAR_MONTH[key]
            elif converter == "int":
                prefix = route.route[: route.route.index(f"<int:{key}>") + len(f"<int:{key}>")]
                assert prefix in ID_ROUTES, f"tests/test_post_fuzz.py: say which model fills {prefix!r} in ID_ROUTES"
                values = self.ids.get(ID_ROUTES[prefix]) or [1]
            elif key == "number":
                values = self.numbers or ["SD-2026-000001"]
            elif key == "token":
                values = self.tokens or ["no-token"]
            elif key == "status_token":
                values = self.status_tokens or ["no-token"]
            elif key == "kind":
                from tickets.remote.models import RecordKind

                values = list(RecordKind.values)
            elif key == "action":
                from tickets.remote.policies import CHANGE_STEPS

                values = list(CHANGE_STEPS)
            else:
                values = ["x"]
            kwargs[key] = values[pick % len(values)]
        return kwargs


def _seed_demo():
    now = timezone.now()
    for config in apps.get_app_configs():
        if find_spec(f"{config.name}.demo") is not None:
            import_module(f"{config.name}.demo").seed_demo(now=now, log=lambda *args: None)


def _collect(world: World):
    for label in set(ID_ROUTES.values()):
        model = apps.get_model(label)
        world.ids[label] = list(model.objects.order_by("pk").values_list("pk", flat=True)[:40])
    from tickets.care.models import Callback, CallbackStatus
    from tickets.care.services import survey_token_make
    from tickets.models import Ticket

    world.numbers = list(Ticket.objects.order_by("pk").values_list("number", flat=True)[:40])
    callbacks = Callback.objects.order_by("pk")
    open_first = [*callbacks.filter(status=CallbackStatus.OPEN)[:4], *callbacks.filter(status=CallbackStatus.DONE)[:1]]
    world.tokens = [survey_token_make(callback=c) for c in open_first]
    from tickets.intake.services import status_link_get_or_create, status_token_make

    world.status_tokens = [
        status_token_make(link=status_link_get_or_create(ticket=t)) for t in Ticket.objects.order_by("pk")[:3]
    ]
    world.all_ids = sorted({pk for pks in world.ids.values() for pk in pks[:10]})[:60] or [1]
    world.catalogue = field_catalogue()


def _scan_pages(world: World):
    """GET every page with real kwargs and note what each of its forms posts, and where."""
    client = Client()
    client.force_login(world.user)
    for route in ROUTES:
        for pick in range(2 if route.converters else 1):
            url = reverse(route.name, kwargs=world.real_kwargs(route, pick))
            response = client.get(url)
            if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
                continue
            scanner = _FormScanner(url)
            scanner.feed(response.content.decode("utf-8", "replace"))
            for key, fields_ in scanner.forms.items():
                target = world.form_fields.setdefault(key, {})
                for name, values in fields_.items():
                    target.setdefault(name, set()).update(values)


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """Demo data and the all-roles user, loaded once and rolled back after the module."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            _seed_demo()
            user = UserFactory(username="fuzz-all-roles", roles=list(Role.values), is_staff=True)
            world = World(user=user)
            _collect(world)
            _scan_pages(world)
            yield world
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture
def fuzz_client(world, db):
    client = Client()  # raise_request_exception: a view's exception fails the test with its traceback
    client.force_login(world.user)
    return client


# --- Strategies ---------------------------------------------------------------------------------------

garbage = st.sampled_from(GARBAGE)


def _date_text(day: datetime.date) -> str:
    return f"{day.year:04d}-{day.month:02d}-{day.day:02d}"


def value_strategy(kinds: set, seen: set, world: World):
    """Strings for one field: what its kinds accept, values seen in the page, and garbage."""
    options = [garbage, st.text(max_size=30)]
    if seen:
        options.append(st.sampled_from(sorted(seen)))
    for kind, choices in kinds:
        if kind in ("id", "ids"):
            options += [st.sampled_from(world.all_ids).map(str), st.integers(-(2**70), 2**70).map(str)]
        elif kind in ("int", "decimal"):
            options += [st.integers(-(2**70), 2**70).map(str), st.decimals(allow_nan=True, allow_infinity=True).map(str)]
        elif kind == "date":
            options += [st.dates().map(_date_text)]
        elif kind == "datetime":
            options += [st.datetimes().map(lambda d: f"{_date_text(d)}T{d:%H:%M}")]
        elif kind == "time":
            options += [st.times().map(lambda t: t.strftime("%H:%M")), st.just("24:00")]
        elif kind in ("choice", "choices") and choices:
            options += [st.sampled_from(choices)]
        elif kind == "bool":
            options += [st.sampled_from(["on", "true", "false", "1", "0"])]
    single = st.one_of(*options)
    if any(kind in ("ids", "choices") for kind, _ in kinds):
        return st.one_of(single, st.lists(single, max_size=4))
    return single


uploads = st.builds(
    lambda name, body: SimpleUploadedFile(name, body, content_type="application/pdf"),
    st.sampled_from(["scan.pdf", "setup.exe", "photo.png", "notes.txt", "../../etc/passwd.pdf", "noext", "x" * 300 + ".pdf"]),
    st.one_of(
        st.binary(max_size=64),
        st.just(b"MZ\x90\x00" + b"\x00" * 60),  # a Windows program
        st.just(b"%PDF-1.4\n%%EOF\n"),
        st.just(b"\x89PNG\r\n\x1a\n" + b"\x00" * 32),
    ),
)


def known_fields(method: str, path: str, context_fields: dict, world: World) -> dict:
    """Field name -> values seen, for the fields sent to ``path`` with ``method`` (the pages' forms
    and the view's own context forms)."""
    known = {name: set(values) for name, values in world.form_fields.get((method, path), {}).items()}
    if method == "get":
        for name in QUERY_NAMES:
            known.setdefault(name, set())
    for name, values in context_fields.items():
        known.setdefault(name, set()).update(values)
    known.pop("csrfmiddlewaretoken", None)
    return known


def form_data_strategy(method: str, path: str, context_fields: dict, world: World):
    """A dict of form data for ``path``. Half the examples take a plausible submission (the first
    value each field showed on its page) and spoil one or two fields, which gets past the form
    into the service; the others draw every field at random. With no known field: a handful of the
    project's field names."""
    known = known_fields(method, path, context_fields, world)
    if not known:
        pool = sorted(world.catalogue)
        return st.lists(st.sampled_from(pool), max_size=8, unique=True).flatmap(
            lambda names: st.fixed_dictionaries(
                {name: value_strategy(world.catalogue[name], set(), world) for name in names}
            )
        )
    strategies = {}
    for name, seen in known.items():
        kinds = world.catalogue.get(name, {("text", ())})
        if any(kind == "file" for kind, _ in kinds):
            strategies[name] = st.one_of(uploads, garbage)
        else:
            strategies[name] = value_strategy(kinds, {v for v in seen if isinstance(v, str)}, world)
    baseline = {name: sorted(seen)[0] for name, seen in known.items() if seen}
    names = sorted(strategies)
    spoiled = st.lists(st.sampled_from(names), min_size=1, max_size=2, unique=True).flatmap(
        lambda picked: st.fixed_dictionaries({name: strategies[name] for name in picked})
    )
    return st.one_of(spoiled.map(lambda changed: {**baseline, **changed}), st.fixed_dictionaries({}, optional=strategies))


def _context_fields(response) -> dict:
    """Field names (and choice values) of the forms a view put in its template context."""
    found = {}
    for context in response.context or []:
        for value in context.flatten().values() if hasattr(context, "flatten") else []:
            if isinstance(value, forms.BaseForm):
                for name, bound in value.fields.items():
                    found.setdefault(value.add_prefix(name), set())
    return found


def assert_no_server_error(response, what: str):
    assert response.status_code < 500, f"{what} answered {response.status_code}"


# --- The tests ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("route", ROUTES, ids=str)
def test_gn7_post_random_form_data_never_gives_a_server_error(route, world, fuzz_client):
    """Random form data posted to every view, with real ids in the URL."""
    path = reverse(route.name, kwargs=world.real_kwargs(route))
    first = fuzz_client.post(path, {})
    assert_no_server_error(first, f"POST {path} (empty)")
    if first.status_code == 405:
        return  # a GET-only view
    page = fuzz_client.get(path)
    context_fields = _context_fields(page) if page.status_code == 200 else {}
    for junk in ("abc", "9" * 25, "\x00"):  # every known field at once
        data = {name: junk for name in known_fields("post", path, context_fields, world)}
        assert_no_server_error(fuzz_client.post(path, data), f"POST {path} all fields={junk!r}")
    picks = st.integers(0, 39)

    @FUZZ_SETTINGS
    @given(data=form_data_strategy("post", path, context_fields, world), pick=picks, htmx=st.booleans())
    def post(data, pick, htmx):
        url = reverse(route.name, kwargs=world.real_kwargs(route, pick))
        for value in data.values():
            if hasattr(value, "seek"):
                value.seek(0)
        headers = {"HX-Request": "true"} if htmx else {}
        response = fuzz_client.post(url, data, headers=headers)
        assert_no_server_error(response, f"POST {url} {sorted(data)}")

    post()


@pytest.mark.parametrize("route", ROUTES, ids=str)
def test_gn7_get_with_garbage_query_never_gives_a_server_error(route, world, fuzz_client):
    """Every page with garbage in its query string: page=-1/abc/huge, 10k-character search, bad ids."""
    path = reverse(route.name, kwargs=world.real_kwargs(route))
    first = fuzz_client.get(path)
    if first.status_code == 405:
        return  # a POST-only view
    names = set(QUERY_NAMES) | set(world.form_fields.get(("get", path), {}))
    for junk in QUERY_GARBAGE:
        response = fuzz_client.get(path, {name: junk for name in sorted(names)})
        assert_no_server_error(response, f"GET {path}?...={junk[:20]!r}")
    response = fuzz_client.get(path, {"page": "-1", "q": "x" * 10_000, "search": "x" * 10_000})
    assert_no_server_error(response, f"GET {path}?page=-1&q=<10k>")
    context_fields = _context_fields(first) if first.status_code == 200 else {}

    @FUZZ_SETTINGS
    @given(data=form_data_strategy("get", path, context_fields, world), pick=st.integers(0, 39))
    def get(data, pick):
        url = reverse(route.name, kwargs=world.real_kwargs(route, pick))
        response = fuzz_client.get(url, {k: v for k, v in data.items() if not hasattr(v, "read")})
        assert_no_server_error(response, f"GET {url} {data!r:.300}")

    get()


KWARG_ROUTES = [route for route in ROUTES if route.converters]


@pytest.mark.parametrize("route", KWARG_ROUTES, ids=str)
def test_gn7_garbage_url_kwargs_never_give_a_server_error(route, world, fuzz_client):
    """Ids that cannot exist (0, past 2**31 and 2**63) and odd text where the converter is ``str``."""
    for index in range(max(len(GARBAGE_INT_KWARGS), len(GARBAGE_STR_KWARGS))):
        kwargs = world.real_kwargs(route)
        for key, converter in route.converters:
            pool = GARBAGE_INT_KWARGS if converter == "int" else GARBAGE_STR_KWARGS
            kwargs[key] = pool[index % len(pool)]
        url = reverse(route.name, kwargs=kwargs)
        for method in (fuzz_client.get, fuzz_client.post):
            response = method(url, {"page": "abc"} if method == fuzz_client.get else {})
            assert_no_server_error(response, f"{method.__name__.upper()} {url}")


# --- Nothing half-saved ---------------------------------------------------------------------------------


def _survey_counts(callback_pk):
    from tickets.care.models import Answer, Callback, SurveyResponse

    callback = Callback.objects.get(pk=callback_pk)
    return SurveyResponse.objects.count(), Answer.objects.count(), callback.status


@pytest.mark.parametrize("token_index", [0, 1])
def test_cb1_refused_survey_answer_saves_nothing(token_index, world, db):
    """The public survey (a creating view that answers 400 to a bad submission): when it refuses,
    no response, no answer and no change to the callback is left behind."""
    from tickets.care.services import survey_token_callback

    token = world.tokens[token_index % len(world.tokens)]
    callback = survey_token_callback(token=token)
    path = reverse("care:survey_public", kwargs={"token": token})
    client = Client()  # anonymous: the customer follows the link in the e-mail
    page = client.get(path)
    if page.status_code != 200:
        pytest.skip(f"demo callback {callback.pk} takes no survey ({page.status_code})")
    names = {name: set() for name in page.context["form"].fields}
    strategies = {name: st.one_of(garbage, st.sampled_from(["0", "6", "maybe", ""])) for name in names}

    @FUZZ_SETTINGS
    @given(data=st.fixed_dictionaries(strategies))
    def post(data):
        before = _survey_counts(callback.pk)
        response = client.post(path, data)
        assert_no_server_error(response, f"POST {path}")
        if 400 <= response.status_code < 500:
            assert _survey_counts(callback.pk) == before

    post()
