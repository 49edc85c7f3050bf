"""The global search behind the top bar's box (issue 17).

Each kind of record is looked up through its app's own reads (the user-scoped selectors the list
and detail pages use), and only when the person holds a role that opens that kind's pages: a
search never shows what the person could not open. Every kind costs one query for its first
``SEARCH_GROUP_LIMIT`` rows (plus at most two small id look-ups inside the ticket search), whatever
the number of matching rows; "see all" leads to the kind's list page filtered the same way.
"""

import dataclasses
import datetime
from collections.abc import Callable
from urllib.parse import urlencode

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from hotline.apps import CALL_LIST_ROLES
from hotline.selectors import call_list
from onsite.selectors import ORDER_MANAGER_ROLES, ORDER_READER_ROLES, ORDER_ROLES, order_code_pk, order_list
from onsite.selectors import order_visible_queryset
from tickets.care.apps import CALLBACK_ROLES
from tickets.care.selectors import callback_queue
from tickets.selectors import (
    TICKET_DESK_ROLES,
    TICKET_NUMBER,
    TICKET_ROLES,
    customer_list,
    installation_search,
    ticket_search_filter,
    ticket_visible_queryset,
)

# Rows shown per kind; more than that gives a "see all" link where the kind has a list page.
SEARCH_GROUP_LIMIT = 10


@dataclasses.dataclass(frozen=True)
class SearchHit:
    title: str
    url: str
    detail: str = ""
    when: datetime.datetime | None = None  # when it happened (opened, called, requested)
    due: datetime.date | None = None  # or the day it is due


@dataclasses.dataclass(frozen=True)
class SearchGroup:
    key: str
    label: str
    hits: list[SearchHit]
    truncated: bool = False  # more rows match than are shown
    more_url: str = ""  # then the filtered list page, where the kind has one the user opens


@dataclasses.dataclass(frozen=True)
class SearchKind:
    key: str
    label: str
    roles: frozenset[str]  # who may open this kind's pages: the roles of its detail view
    rows: Callable[..., QuerySet]  # rows(user=, text=) through the app's selector, ordered
    hit: Callable[[object], SearchHit]
    list_url: Callable[[str], str] | None = None  # the list page filtered by the text
    list_roles: frozenset[str] | None = None  # who opens that list page (default: ``roles``)


def _query_url(url_name: str, **params) -> str:
    return f"{reverse(url_name)}?{urlencode(params)}"


def _ticket_hit(ticket) -> SearchHit:
    return SearchHit(
        title=f"{ticket.number} · {ticket.subject}",
        url=ticket.get_absolute_url(),
        detail=f"{ticket.customer.name} · {ticket.get_status_display()}",
        when=ticket.created_at,
    )


def _customer_hit(customer) -> SearchHit:
    parts = [str(part) for part in (customer.region, customer.phone) if part]
    return SearchHit(title=customer.name, url=reverse("customers:detail", args=[customer.pk]), detail=" · ".join(parts))


def _installation_hit(installation) -> SearchHit:
    return SearchHit(
        title=installation.serial_number,
        url=reverse("customers:detail", args=[installation.customer_id]),
        detail=f"{installation.product.name} · {installation.customer.name}",
    )


def _call_hit(call) -> SearchHit:
    caller = call.organisation or (call.customer.name if call.customer else "") or call.caller_phone
    detail = [part for part in (call.ticket.number if call.ticket else "", Truncator(call.problem).chars(80)) if part]
    return SearchHit(
        title=caller or str(_("Unknown caller")),
        url=reverse("hotline:call_detail", args=[call.pk]),
        detail=" · ".join(detail),
        when=call.started_at,
    )


def _order_hit(order) -> SearchHit:
    detail = [order.ticket.customer.name, order.get_status_display()]
    if order.engineer:
        detail.append(order.engineer.display_name)
    return SearchHit(
        title=f"{order.code} · {order.ticket.number}",
        url=order.get_absolute_url(),
        detail=" · ".join(detail),
        when=order.requested_at,
    )


def _callback_hit(callback) -> SearchHit:
    names = [callback.customer.name] + ([callback.contact.name] if callback.contact else [])
    return SearchHit(
        title=" · ".join(names),
        url=reverse("care:callback_detail", args=[callback.pk]),
        detail=callback.ticket.number if callback.ticket else "",
        due=callback.due_date,
    )


# In the order the groups are shown.
SEARCH_KINDS = (
    SearchKind(
        key="tickets",
        label=_("Tickets"),
        roles=frozenset(TICKET_ROLES),
        rows=lambda *, user, text: ticket_visible_queryset(user=user)
        .filter(ticket_search_filter(text))
        .select_related("customer"),
        hit=_ticket_hit,
        list_url=lambda text: _query_url("tickets:list", q=text),
    ),
    SearchKind(
        key="customers",
        label=_("Customers"),
        roles=frozenset(TICKET_DESK_ROLES),
        rows=lambda *, user, text: customer_list(search=text),
        hit=_customer_hit,
        list_url=lambda text: _query_url("customers:list", q=text),
    ),
    SearchKind(
        key="installations",
        label=_("Installations (serial numbers)"),
        roles=frozenset(TICKET_DESK_ROLES),  # shown on the customer's page
        rows=lambda *, user, text: installation_search(search=text),
        hit=_installation_hit,
    ),
    SearchKind(
        key="calls",
        label=_("Calls"),
        roles=frozenset(CALL_LIST_ROLES),
        rows=lambda *, user, text: call_list(search=text),
        hit=_call_hit,
        list_url=lambda text: _query_url("hotline:call_list", q=text),
    ),
    SearchKind(
        key="orders",
        label=_("On-site orders"),
        roles=frozenset(ORDER_ROLES),  # engineers: their own orders (order_visible_queryset)
        rows=lambda *, user, text: order_list(user=user, search=text),
        hit=_order_hit,
        list_url=lambda text: _query_url("onsite:order_list", q=text),
        list_roles=frozenset(ORDER_MANAGER_ROLES + ORDER_READER_ROLES),
    ),
    SearchKind(
        key="callbacks",
        label=_("Callbacks to make"),
        roles=frozenset(CALLBACK_ROLES),
        rows=lambda *, user, text: callback_queue(filters={"search": text}),
        hit=_callback_hit,
        list_url=lambda text: _query_url("care:queue", search=text),
    ),
)


def search_kinds_for(user) -> list[SearchKind]:
    """The kinds ``user`` may search: those whose pages one of their roles opens."""
    return [kind for kind in SEARCH_KINDS if user.has_role(*kind.roles)]


def search_exact_url(*, user, text: str) -> str | None:
    """The page to go straight to when ``text`` is exactly a ticket number or an order code the
    user may open; None otherwise (also when the record exists but is outside what they see)."""
    text = text.strip()
    if TICKET_NUMBER.match(text) and user.has_role(*TICKET_ROLES):
        ticket = ticket_visible_queryset(user=user).filter(number=text.upper()).only("number").first()
        if ticket is not None:
            return ticket.get_absolute_url()
    order_pk = order_code_pk(text)
    if order_pk is not None and user.has_role(*ORDER_ROLES):
        order = order_visible_queryset(user=user).filter(pk=order_pk).only("pk").first()
        if order is not None:
            return order.get_absolute_url()
    return None


def search_groups(*, user, text: str, limit: int = SEARCH_GROUP_LIMIT) -> list[SearchGroup]:
    """The groups with at least one hit for ``text``, in ``SEARCH_KINDS`` order; one query per
    kind the user may search (the first ``limit`` rows and one more to know whether there are more)."""
    text = text.strip()
    if not text:
        return []
    groups = []
    for kind in search_kinds_for(user):
        rows = list(kind.rows(user=user, text=text)[: limit + 1])
        if not rows:
            continue
        truncated = len(rows) > limit
        more_url = ""
        list_roles = kind.list_roles if kind.list_roles is not None else kind.roles
        if truncated and kind.list_url is not None and user.has_role(*list_roles):
            more_url = kind.list_url(text)
        hits = [kind.hit(row) for row in rows[:limit]]
        groups.append(SearchGroup(key=kind.key, label=kind.label, hits=hits, truncated=truncated, more_url=more_url))
    return groups
